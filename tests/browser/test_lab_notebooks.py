"""Every course notebook, master and student copy, in a real JupyterLab driven by headless Chromium.

The notebooks are found at collection time (notebook_cases.py), so new ones are covered automatically.
"""

from __future__ import annotations

import re
import warnings

import pytest
from playwright.sync_api import Locator, Page, expect

from lab_helpers import (
    any_valid_answer, button, describe, expect_controls_hold, expect_feedback, fill_with_mouse, open_notebook,
    outputs, problems, question, restart_and_run_all_from_menu, run_all, run_axe, save_axe_report, screenshot,
    serious, spilled_text, tab_to, tall_viewport,
)
from notebook_cases import CASES, REPO

pytestmark = pytest.mark.browser

ALL = [pytest.param(c, id=c.id) for c in CASES]
STUDENTS = [pytest.param(c, id=c.id) for c in CASES if c.student and c.graded]


def run_and_check(page: Page, nb) -> None:
    """Run all cells of the open notebook: no cell fails, and no course source or traceback is on screen."""
    run_all(page)
    expect(page.locator(".bc-question")).to_have_count(len(nb.asked))
    found = problems(page)
    assert not found, f"{nb.id}: error or stderr output after Run All:\n" + "\n".join(map(str, found))
    shown = page.locator(".jp-OutputArea").all_inner_texts()
    for text in shown:
        assert "Traceback" not in text and "billcode/" not in text and ".py:" not in text, text[:300]


# One learner's session per notebook, in the order a learner meets it: read it before running anything
# (students), Run All, look at it (renders, axe), use every widget, save the graded answers and restart.
# One test, because opening and running the notebook was most of the time of each of these checks on its own.
@pytest.mark.parametrize("nb", ALL)
def test_a_learners_session(page: Page, base_url, nb, results, axe_js, lab_root):
    """1 to 6: (students) every question reads in full before a run and shows once after it; runs clean
    (students: only the answer checks fail), renders every widget, passes axe, (students) renders the text as
    written; the practice questions, sliders and look-ups respond to mouse and keyboard; and (students) graded
    answers, saved, come back after Kernel > Restart Kernel and Run All Cells."""
    open_notebook(page, base_url, nb.served)
    student = nb.student and bool(nb.graded)
    before = check_never_run_reads_in_full(page, nb) if student else None
    run_and_check(page, nb)
    if student:
        check_each_question_shown_once(page, nb, results, before)
    check_renders_and_passes_axe(page, nb, results, axe_js)
    if covered_by_student_session(nb):
        check_master_counts_its_exercises(page, nb)  # the rest of the widgets: the student copy's session
    elif nb.practice or nb.has_explorer or nb.has_calculator or nb.has_lookup:
        check_widgets_respond(page, nb, results, axe_js)
    if student:
        right = nb.id == SELF_GRADED  # one notebook gets the key's answers, and grades itself with the button
        answers = check_graded_answers_survive_restart(page, nb, lab_root, right=right)
        if right:
            check_self_grading_gives_full_marks(page, nb, lab_root, answers)
        elif nb.id == CLASS_COPY:
            check_self_grading_says_it_is_up_to_the_instructor(page)
    assert not page.js_errors, page.js_errors
    assert not page.context.blocked_requests, page.context.blocked_requests


WIDGETS = ("practice_ids", "has_explorer", "has_calculator", "has_lookup", "has_cost_explorer", "has_self_assessment",
           "has_plan", "has_mastery")


def covered_by_student_session(nb) -> bool:
    """A master whose student copy asks the same practice questions and shows the same widgets: that copy's session
    drives every widget (they are the same code), so the master's session checks only what is its own."""
    twin = next((c for c in CASES if c.student and c.source.stem == nb.source.stem), None)
    return not nb.student and twin is not None and all(getattr(twin, w) == getattr(nb, w) for w in WIDGETS)


def caption_count(nb, answered: int) -> str:
    """What the report's caption says of the practice answered: '(N so far)', or, for a notebook with nothing to
    practise outside its optional sections (02b, 05b), that it has none (billcode.quiz.mastery)."""
    bank = nb.bank or {}
    core = [i for i in [*bank.get("items", []), *bank.get("exercises", [])]
            if i.get("mode") == "practice" and not i.get("stretch")]
    return f"({answered} so far)" if core else "no practice checks outside its optional sections"


def check_master_counts_its_exercises(page: Page, nb) -> None:
    """A master's Run All ran its solutions: its mastery report counts its practice code exercises (a student copy's
    unwritten scaffolds are not a first try, so only a master shows this; no practice question is answered yet)."""
    if not nb.has_mastery:
        return
    exercises = [e for e in (nb.bank or {}).get("exercises", []) if e.get("mode") == "practice" and not e.get("stretch")]
    report = page.locator(".bc-mastery-report")
    report.get_by_role("button", name="Update report").click()
    expect(report.locator("caption")).to_contain_text(caption_count(nb, len(exercises)))


def check_renders_and_passes_axe(page: Page, nb, results, axe_js) -> None:
    """1, 5, 6: every widget renders, the page passes axe, and (students) the text renders as written."""
    expect(page.get_by_text("Error displaying widget")).to_have_count(0)
    if nb.has_explorer:
        expect(page.locator(".bc-tuition-explorer .bc-slider input[type=range]")).to_have_count(1)
    if nb.has_calculator:
        expect(page.locator(".bc-responsibility-explorer .bc-slider input[type=range]")).to_have_count(6)
    if nb.has_mastery:
        expect(page.locator(".bc-mastery-report table")).to_have_count(1)
    if not nb.student:
        # The instructor-only cell recorded the key answers, so every graded question shows them as saved.
        for item in nb.graded:
            expect(question(page, item).locator(".bc-feedback")).to_contain_text("Saved earlier")
    with tall_viewport(page):
        screenshot(page, results / f"{nb.id}.png")
        violations = run_axe(page, axe_js)
    save_axe_report(results / f"{nb.id}-axe.json", violations)
    assert not serious(violations), f"axe (serious/critical) in {nb.id}:\n{describe(serious(violations))}"
    if nb.student:
        check_text_renders_as_written(page, nb)  # the master's text is the same


def check_widgets_respond(page: Page, nb, results, axe_js) -> None:
    """2 and 4: the practice questions (mouse and keyboard) and the explorers, look-ups and plan builder."""
    if nb.has_explorer:
        check_tuition_explorer(page)
    if nb.has_calculator:
        check_responsibility_calculator(page)
    if nb.has_lookup:
        check_code_lookup(page)
    if nb.has_cost_explorer:
        check_cost_explorer(page)
    if nb.has_self_assessment:
        check_self_assessment(page)
    if nb.has_plan:
        check_plan_builder(page)
    if nb.practice:
        check_practice_questions(page, nb, results, axe_js)


def check_practice_questions(page: Page, nb, results, axe_js) -> None:
    """2: every practice question answered right with the mouse; some by keyboard; empty, wrong, partial."""
    practice = nb.practice
    done: set[str] = set()

    # Checking with nothing chosen gives the friendly notice (one question of each type), and saves nothing.
    for kind in sorted({i["type"] for i in practice}):
        item = next(i for i in practice if i["type"] == kind)
        button(page, item).click()
        expect_feedback(page, item, "notice", "Check your answer.")

    # Keyboard only: Tab to the right radio, Space, Tab to the button, Enter (no arrow keys: in
    # JupyterLab's command mode they move between cells instead of between radios).
    single = next((i for i in practice if i["type"] in ("single", "truefalse")), None)
    if single is not None:
        q = question(page, single)
        q.locator(".bc-question-notes").click()  # select the cell, as a click on it does; then keys only
        if single["type"] == "truefalse":
            right = "True" if single["key"] else "False"
        else:
            right = next(o["text"] for o in single["options"] if o["id"] == single["key"])
        radio = q.get_by_role("radio", name=right, exact=True)
        tab_to(page, radio)
        page.keyboard.press("Space")
        expect(radio).to_be_checked()
        tab_to(page, button(page, single))
        page.keyboard.press("Enter")
        expect_feedback(page, single, "correct", "Correct.")
        done.add(single["id"])

    # Hints on demand, from the keyboard: the first hint of one practice check opens, is announced, and counts.
    # A core check when there is one: a stretch check's hints are left out of the report with the rest of its section.
    hinted = next((i for i in practice if i.get("hints") and not i.get("stretch")), None) or \
        next((i for i in practice if i.get("hints")), None)
    if hinted is not None:
        q = question(page, hinted)
        q.locator(".bc-question-notes").click()
        total = len(hinted["hints"])
        show = q.get_by_role("button", name=f"Show hint 1 of {total}")
        tab_to(page, show)
        page.keyboard.press("Enter")
        region = q.locator(".bc-hints [role=region][aria-live=polite]")
        expect(region).to_contain_text(hinted["hints"][0][:40])
        expect(q.get_by_role("button", name=f"Show hint 2 of {total}")).to_be_visible()
        expect(region).not_to_contain_text(hinted["hints"][1][:40])  # one at a time

    multiple = next((i for i in practice if i["type"] == "multiple"), None)
    if multiple is not None:
        q = question(page, multiple)
        q.locator(".bc-question-notes").click()
        for option in multiple["options"]:
            if option["id"] in multiple["key"]:
                box = q.get_by_role("checkbox", name=option["text"], exact=True)
                tab_to(page, box)
                page.keyboard.press("Space")
                expect(box).to_be_checked()
        tab_to(page, button(page, multiple))
        page.keyboard.press("Space")
        expect_feedback(page, multiple, "correct", "Correct.")
        done.add(multiple["id"])

    typed = next((i for i in practice if i["type"] in ("numeric", "code")), None)
    if typed is not None:
        q = question(page, typed)
        q.locator(".bc-question-notes").click()
        box = q.get_by_role("textbox")
        tab_to(page, box)
        page.keyboard.type("not a number" if typed["type"] == "numeric" else "??")
        page.keyboard.press("Enter")  # Enter sends the text; the button then checks it
        tab_to(page, button(page, typed))
        page.keyboard.press("Enter")
        expect(question(page, typed).locator(".bc-feedback.bc-correct")).to_have_count(0)
        tab_to(page, box, key="Shift+Tab")  # back to the box
        page.keyboard.press("Control+A")
        page.keyboard.type(str(typed["key"]))
        page.keyboard.press("Enter")
        tab_to(page, button(page, typed))
        page.keyboard.press("Enter")
        expect_feedback(page, typed, "correct", "Correct.")
        done.add(typed["id"])

    # A wrong answer first on one single-choice question: "Not quite." with that option's feedback.
    wrong_item = next((i for i in practice if i["type"] == "single" and i["id"] not in done), None)
    if wrong_item is not None:
        wrong = next(o for o in wrong_item["options"] if o["id"] != wrong_item["key"])
        fill_with_mouse(page, wrong_item, wrong["id"])
        button(page, wrong_item).click()
        expect_feedback(page, wrong_item, "incorrect", "Not quite.")
        expect(question(page, wrong_item).locator(".bc-feedback")).to_contain_text(wrong["feedback"][:40])

    # Half an answer on a choose-all question: "Partly right.".
    partial_item = next((i for i in practice if i["type"] == "multiple" and i["id"] not in done), None)
    if partial_item is not None:
        fill_with_mouse(page, partial_item, partial_item["key"][:1])
        button(page, partial_item).click()
        expect_feedback(page, partial_item, "partial", "Partly right.")

    # Everything else with the mouse, each answer right: "Correct.".
    for item in practice:
        if item["id"] in done:
            continue
        fill_with_mouse(page, item, item["key"])
        button(page, item).click()
        expect_feedback(page, item, "correct", "Correct.")
    kinds = {i["type"] for i in practice}
    assert kinds, "no practice questions"

    if nb.has_mastery:
        report = page.locator(".bc-mastery-report")
        report.get_by_role("button", name="Update report").click()
        # Practice code exercises count too once written: Run All ran the master's solutions. A student copy's
        # unwritten scaffolds are not a first try (billcode.quiz.checks), so they are not counted there. Tasks in an
        # optional stretch section are left out of the report (billcode.quiz.mastery), so not counted either.
        exercises = [e for e in (nb.bank or {}).get("exercises", [])
                     if e.get("mode") == "practice" and not nb.student and not e.get("stretch")]
        counted = [i for i in practice if not i.get("stretch")]
        expect(report.locator("caption")).to_contain_text(caption_count(nb, len(counted) + len(exercises)))
        if hinted is not None:  # the hint opened above shows in its objective's row, never in a grade
            row = report.locator("tbody tr", has=page.locator(f"th:text-is('{hinted['objective']}')"))
            expect(row.locator("td").last).to_have_text("0" if hinted.get("stretch") else "1")

    # Feedback of every kind is on screen now: check it for contrast and roles too.
    if wrong_item is not None:
        question(page, wrong_item).screenshot(path=str(results / f"{nb.id}-feedback.png"))
    with tall_viewport(page):
        violations = run_axe(page, axe_js)
    save_axe_report(results / f"{nb.id}-practice-axe.json", violations)
    assert not serious(violations), f"axe (serious/critical) in {nb.id}:\n{describe(serious(violations))}"


# Rendering problems reported to the course author, per notebook stem: while listed here they give a
# warning (in the pytest summary) instead of a failure; the same problem anywhere else fails.
# Delete an entry once it is fixed.
KNOWN_RADIO_OVERFLOW: set[str] = set()  # fixed: widgets.QUESTION_CSS lets radio rows grow
KNOWN_DOLLAR_MATH: set[str] = set()  # fixed: markdown writes USD 1,200; HTML tables opt out of MathJax

MATH_IN_MARKDOWN_JS = """() => [...document.querySelectorAll(
    '.jp-MarkdownCell .jp-RenderedMarkdown, .jp-OutputArea-output.jp-RenderedHTMLCommon')]
  .filter(md => md.querySelector('mjx-container, .MathJax'))
  .map(md => md.querySelector('mjx-container, .MathJax').closest('p, li, td, h1, h2, h3, h4') || md)
  .map(block => block.textContent.trim().slice(0, 80))"""


class KnownProblem(UserWarning):
    """A reported rendering problem that is not fixed yet."""


def check_text_renders_as_written(page: Page, nb) -> None:
    """No option text runs over the next one (in 1280 and 800 px wide windows), and no dollar amount
    is typeset as maths (the course has no formulas)."""
    known, unknown = [], []
    math = page.evaluate(MATH_IN_MARKDOWN_JS)
    if math:
        (known if nb.source.stem in KNOWN_DOLLAR_MATH else unknown).append(f"typeset as maths: {math}")
    old = page.viewport_size
    for width in (1280, 800):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_function("() => new Promise(ok => requestAnimationFrame(() => requestAnimationFrame(() => ok(true))))")
        for area, spill in spilled_text(page, ".bc-question, .bc-tuition-explorer, .bc-mastery-report").items():
            texts = sorted({s["text"][:50] for s in spill})
            radio_only = all(s["radio"] for s in spill)
            target = known if radio_only and nb.source.stem in KNOWN_RADIO_OVERFLOW else unknown
            target.append(f"{area} at {width}px: text spills over the next line: {texts}")
    page.set_viewport_size(old)
    assert not unknown, f"{nb.id}: text does not render as written:\n" + "\n".join(unknown)
    if known:
        warnings.warn(KnownProblem(f"{nb.id}, known and reported: " + " | ".join(known)), stacklevel=2)


def check_graded_answers_survive_restart(page: Page, nb, lab_root, right: bool = False) -> dict:
    """3: save every graded answer, restart the kernel and run all: the answers are shown again. With right=True
    the answers are the key's (read here, in the test: never in the notebook); returns the answers given."""
    if right:
        from billcode.instructor.keys import key_answers

        keys = key_answers(nb.bank_name, REPO / "autograder")
        answers = {item["id"]: keys[item["id"]] for item in nb.graded}
    else:
        answers = {item["id"]: any_valid_answer(item) for item in nb.graded}
    for item in nb.graded:
        fill_with_mouse(page, item, answers[item["id"]])
        button(page, item).click()
        expect_feedback(page, item, "saved", "Saved.")
    saved = lab_root / "course" / f"{nb.bank_name}_answers.json"
    assert saved.exists(), f"{saved.name} was not written next to the notebook"

    restart_and_run_all_from_menu(page)
    expect(page.locator(".bc-question")).to_have_count(len(nb.asked))
    for item in nb.graded:
        expect_feedback(page, item, "info", "Saved.")
        expect(question(page, item).locator(".bc-feedback")).to_contain_text("Saved earlier")
        expect_controls_hold(page, item, answers[item["id"]])
    # The answer checks now confirm the saved answers.
    confirmations = [" ".join(o[2] for o in outs) for _, source, outs in outputs(page) if "check_saved(" in source]
    assert len(confirmations) == len(nb.graded)
    assert all("your answer is saved" in text for text in confirmations), confirmations
    assert not problems(page), problems(page)
    assert not page.js_errors, page.js_errors
    return answers


# The self-learner's "Grade my saved notebook" button: with the masters beside the course (the repository's
# layout, as on Binder) it grades the saved notebook in a separate process; without them (a class's copy) it says
# grading is up to the instructor. Grading takes about 30 s, so one notebook of each kind.
SELF_GRADED, CLASS_COPY = "student-01_overview", "student-02_billing"
SELF_GRADE_MS = 240_000


def self_grade_status(page: Page) -> Locator:
    """Press the button from the keyboard; return its status area."""
    press = page.get_by_role("button", name="Grade my saved notebook")
    press.scroll_into_view_if_needed()
    press.focus()
    page.keyboard.press("Enter")
    return page.locator(".billcode-status").filter(has=page.get_by_role("status"))


def check_self_grading_gives_full_marks(page: Page, nb, lab_root, answers: dict) -> None:
    """With the masters beside it, the button grades the saved notebook: each question answered with the key's
    answer gets its points, and the code exercise left as handed out gets none."""
    import nbformat

    master = nbformat.read(REPO / "autograder" / "source" / nb.bank_name / f"{nb.bank_name}.ipynb", as_version=4)
    graded = [c.metadata["nbgrader"] for c in master.cells if c.metadata.get("nbgrader", {}).get("grade")]
    most = sum(meta["points"] for meta in graded)
    answered = {"test_" + item["id"].replace("-", "_") for item in nb.graded}
    assert answered <= {meta["grade_id"] for meta in graded}
    expected = {meta["grade_id"]: meta["points"] if meta["grade_id"] in answered else 0 for meta in graded}
    assert 0 < sum(expected.values()) < most  # both kinds are there
    beside = lab_root / "autograder"
    beside.symlink_to(REPO / "autograder", target_is_directory=True)
    try:
        status = self_grade_status(page)
        expect(status).to_contain_text(" points", timeout=SELF_GRADE_MS)
    finally:
        beside.unlink()
    expect(status).to_contain_text(f"{sum(expected.values()):g} of {most:g} points")
    expect(status.locator("caption")).to_have_text("Points per graded question and exercise")
    expect(status.locator("tbody tr")).to_have_count(len(graded))
    from billcode.quiz.self_check import cell_names

    shown = cell_names(nb.bank_name)  # the notebook's own names for its graded cells
    assert set(expected) <= set(shown)
    for grade_id, points in expected.items():
        row = status.locator("tbody tr").filter(has=page.get_by_role("cell", name=shown[grade_id], exact=True))
        expect(row.locator("td").nth(1)).to_have_text(f"{points:g} of {dict((m['grade_id'], m['points']) for m in graded)[grade_id]:g}")
    link = status.get_by_role("link", name="Open your feedback page")
    expect(link).to_have_attribute("href", f"feedback/{nb.bank_name}.html")
    from billcode.instructor.report.feedback import forbidden_texts, leaks

    page_html = (lab_root / "course" / "feedback" / f"{nb.bank_name}.html").read_text(encoding="utf-8")
    assert not leaks(page_html, forbidden_texts(REPO / "autograder", nb.bank_name))  # no key text on the page
    assert not (lab_root / "course" / "autograder").exists()  # nothing of the grading is left beside the notebook
    assert len(answers) == len(nb.graded)


def check_self_grading_says_it_is_up_to_the_instructor(page: Page) -> None:
    """Without the masters (a class's copy of the course) the button says who grades, and grades nothing."""
    status = self_grade_status(page)
    expect(status).to_contain_text("Grading is up to your instructor", timeout=60_000)
    expect(status.locator("table")).to_have_count(0)


# The cells' heights added up (the panel's own height adds JupyterLab's scroll-past-end space).
NOTEBOOK_HEIGHT_JS = """() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')]
  .reduce((h, cell) => h + cell.getBoundingClientRect().height, 0)"""


def rendered_height(page: Page) -> int:
    """The notebook's height at 1280 px with every cell drawn (a viewport as tall as the notebook, until stable)."""
    height = 0
    for _ in range(6):
        with tall_viewport(page):
            new = page.evaluate(NOTEBOOK_HEIGHT_JS)
        if abs(new - height) < 20:
            break
        height = new
    return int(new)


def visible_count(page: Page, item_id: str, text: str) -> int:
    """How often this text shows, visibly, in a question's markdown cell and its widget (innermost holders)."""
    return page.evaluate("""([id, text]) => {
        const md = document.querySelector(`.bc-static-${id}`).closest('.jp-Cell');
        const widget = document.querySelector(`.bc-question.bc-${id}`).closest('.jp-Cell');
        return [md, widget].flatMap(cell => [...cell.querySelectorAll('*')]).filter(e =>
          e.offsetParent !== null && e.textContent.trim() === text
          && ![...e.children].some(c => c.textContent.trim() === text)).length; }""", [item_id, text])


def check_never_run_reads_in_full(page: Page, nb) -> int:
    """Without a kernel every question reads in full (the markdown holds every option); returns the height."""
    page.set_viewport_size({"width": 1280, "height": 900})
    for item in [i for i in nb.asked if i["type"] in ("single", "multiple")]:
        block = page.locator(f".bc-static-{item['id']}")
        block.scroll_into_view_if_needed()
        expect(block).to_be_visible()
        expect(block).to_contain_text(item["options"][0]["text"][:40])
    return rendered_height(page)


def check_each_question_shown_once(page: Page, nb, results, before: int) -> None:
    """Once run, each question's markdown copy is hidden and each option shows once (in its widget)."""
    with_options = [i for i in nb.asked if i["type"] in ("single", "multiple")]
    for item in nb.asked:
        expect(page.locator(f".bc-static-{item['id']}")).to_be_hidden()
        q = question(page, item)
        q.scroll_into_view_if_needed()
        expect(q).to_be_visible()
    for item in with_options:
        question(page, item).scroll_into_view_if_needed()
        for option in item["options"]:
            assert visible_count(page, item["id"], option["text"]) == 1, (item["id"], option["text"])
    after = rendered_height(page)
    (results / f"{nb.id}-height.txt").write_text(f"never run: {before} px\nafter Run All: {after} px\n")
    print(f"{nb.id} height at 1280 px: {before} px never run, {after} px after Run All")


@pytest.mark.parametrize("nb", STUDENTS[:1])
def test_make_lab_shows_no_instructor_panels(page: Page, base_url, nb):
    """The learner's JupyterLab (make lab's settings) has Validate but no Create Assignment or formgrader."""
    open_notebook(page, base_url, nb.served)
    active = page.evaluate("""ids => ids.map(id => window.jupyterapp.isPluginActivated(id))""",
                           [f"@jupyter/nbgrader:{p}" for p in ("create-assignment", "formgrader", "course-list",
                                                                "assignment-list", "validate-assignment")])
    assert active == [False, False, False, False, True], active
    expect(page.get_by_text("Create Assignment")).to_have_count(0)




def check_tuition_explorer(page: Page) -> None:
    """4: the budget slider moves with the keyboard; the number box accepts amounts and explains bad ones."""
    explorer = page.locator(".bc-tuition-explorer")
    slider = explorer.get_by_role("slider", name="Your tuition budget")
    box = explorer.get_by_role("textbox", name="or type an amount in dollars:")
    message = explorer.locator(".bc-slider-message")
    caption = explorer.locator(".bc-tuition caption")
    expect(caption).to_contain_text("A budget of $3,000.00")
    expect(box).to_have_value("$3,000.00")
    expect(slider).to_have_attribute("aria-valuetext", "$3,000.00")

    slider.focus()
    page.keyboard.press("ArrowRight")
    expect(caption).to_contain_text("A budget of $3,100.00")
    expect(slider).to_have_attribute("aria-valuetext", "$3,100.00")
    expect(box).to_have_value("$3,100.00")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(caption).to_contain_text("A budget of $2,900.00")
    page.keyboard.press("End")
    expect(caption).to_contain_text("A budget of $45,000.00")
    page.keyboard.press("Home")
    expect(caption).to_contain_text("A budget of $0.00")
    # The keys stayed in the slider: JupyterLab did not move to, add or delete cells.
    expect(slider).to_be_focused()

    page.keyboard.press("Tab")
    expect(box).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("4000")
    page.keyboard.press("Enter")
    expect(caption).to_contain_text("A budget of $4,000.00")
    expect(slider).to_have_value("4000")
    expect(message).to_have_text("")

    for typed, words in [("-500", "cannot be negative"), ("abc", "is not a number"),
                         ("50000", "is outside this slider's range")]:
        box.fill(typed)
        box.press("Enter")
        expect(message).to_contain_text(words)
        expect(message).to_contain_text("The slider stays at $4,000.00.")
        expect(caption).to_contain_text("A budget of $4,000.00")  # the table keeps the old budget
        expect(slider).to_have_value("4000")
    expect(message).to_have_attribute("role", "status")

    box.fill("$1,250.50")
    box.press("Enter")
    expect(caption).to_contain_text("A budget of $1,250.50")
    expect(message).to_have_text("")


def check_responsibility_calculator(page: Page) -> None:
    """The patient-responsibility calculator: keyboard and typing redraw the split; impossible numbers explain."""
    calc = page.locator(".bc-responsibility-explorer")
    table = calc.locator(".bc-split-table")
    picture = calc.get_by_role("img", name="Where the billed charge goes", exact=False)
    expect(table).to_contain_text("Patient owes")
    expect(table.locator("tr", has_text="Patient owes")).to_contain_text("$64.00")
    expect(picture).to_have_attribute("aria-label", re.compile(r"Payer pays \$56\.00, Patient owes \$64\.00, Written off \$130\.00"))
    for name in ("Billed charge", "Allowed amount", "Deductible left this year", "Coinsurance", "Copay"):
        expect(calc.get_by_role("slider", name=name)).to_have_count(1)

    deductible = calc.get_by_role("slider", name="Deductible left this year")
    deductible.focus()
    page.keyboard.press("Home")  # no deductible left: 20% of the allowed 120.00
    expect(table.locator("tr", has_text="Patient owes")).to_contain_text("$24.00")
    expect(table.locator("tr", has_text="Payer pays")).to_contain_text("$96.00")
    expect(deductible).to_be_focused()

    allowed = calc.get_by_role("textbox", name="or type an amount in dollars:").nth(1)
    allowed.fill("300")
    allowed.press("Enter")
    problem = calc.locator(".bc-split-problem")
    expect(problem).to_contain_text("Check the numbers")
    expect(problem).to_contain_text("more than the billed charge")
    expect(problem).to_have_attribute("role", "status")
    allowed.fill("120")
    allowed.press("Enter")
    expect(table.locator("tr", has_text="Patient owes")).to_contain_text("$24.00")
    allowed.fill("-5")
    allowed.press("Enter")
    expect(calc.locator(".bc-slider-message").nth(1)).to_contain_text("cannot be negative")
    expect(table.locator("tr", has_text="Patient owes")).to_contain_text("$24.00")
    # The out-of-pocket maximum caps the patient's share (its number box is the fifth in dollars).
    expect(calc.get_by_role("slider", name="Out-of-pocket maximum left this year")).to_have_count(1)
    oop = calc.get_by_role("textbox", name="or type an amount in dollars:").nth(4)
    oop.fill("10")
    oop.press("Enter")
    expect(table.locator("tr", has_text="Patient owes")).to_contain_text("$10.00")
    expect(calc.locator(".bc-split")).to_contain_text("The out-of-pocket maximum caps the patient's share")


def _slider(explorer, name: str):
    """One accessible slider of the explorer: (its range, its number box, its message)."""
    box = explorer.locator(".bc-slider", has=explorer.page.get_by_role("slider", name=name))
    return box.get_by_role("slider"), box.get_by_role("textbox"), box.locator(".bc-slider-message")


def check_salary_chart(page: Page) -> None:
    """04's pay chart: every label is drawn whole, inside the picture (a label was cut to '…S: medical records')."""
    chart = page.locator(".bc-figure svg.bc-chart").first
    expect(chart).to_have_count(1)
    cut = chart.evaluate("""svg => [...svg.querySelectorAll("text")].filter(t => {
        const box = t.getBBox();
        return box.x < 0 || box.x + box.width > svg.width.baseVal.value;
    }).map(t => t.textContent)""")
    assert cut == [], f"chart labels cut at the edge: {cut}"


def check_cost_explorer(page: Page) -> None:
    """04's cost explorer: one pay basis for every path, said and switchable; pick a path from the keyboard, type and
    slide, impossible numbers explained, the assumptions adjustable, the chart redrawn."""
    check_salary_chart(page)
    explorer = page.locator(".bc-cost-explorer")
    summary = explorer.locator(".bc-table")
    chart = explorer.get_by_role("img", name="How far ahead of staying put each path leaves you", exact=False)
    path = explorer.get_by_role("combobox", name="Path to set up")
    expect(summary).to_contain_text("Coding certificate (setting up)")
    expect(summary).to_contain_text("pay basis: BLS median, all experience levels (May 2024)")
    path.focus()
    page.keyboard.press("ArrowUp")  # the keys stay with the list: Billing certificate is just above
    expect(summary).to_contain_text("Billing certificate (setting up)")
    expect(path).to_be_focused()
    billing = summary.locator("tr", has_text="Billing certificate (setting up)")
    expect(billing).to_contain_text("$2,525.00")
    expect(billing).to_contain_text("10.9 months")  # the notebook's worked example

    _, tuition, message = _slider(explorer, "Tuition")
    tuition.fill("3000")
    tuition.press("Enter")
    expect(billing).to_contain_text("$3,425.00")
    for typed, words in [("-5", "cannot be negative"), ("", "box is empty"), ("90000", "outside this slider's range")]:
        tuition.fill(typed)
        tuition.press("Enter")
        expect(message).to_contain_text(words)
        expect(billing).to_contain_text("$3,425.00")
    months, _, _ = _slider(explorer, "Months of study")
    months.focus()
    page.keyboard.press("ArrowRight")  # 11 months: 11 + 3,425 / 2,912.33 = 12.2
    expect(billing).to_contain_text("12.2 months")
    expect(months).to_be_focused()
    expect(chart).to_have_attribute("aria-label", re.compile(r"Billing certificate ends at \$"))

    search, _, _ = _slider(explorer, "Months looking for a first job")
    search.focus()
    page.keyboard.press("ArrowRight")  # one month of job search: the new pay starts a month later
    expect(billing).to_contain_text("13.2 months")
    explorer.get_by_role("combobox", name="Expected pay is given").select_option("hour")
    expect(explorer.get_by_role("slider", name="Expected pay after the program, per hour")).to_have_count(1)
    expect(billing).to_contain_text("$50,252.80")  # 50,250 a year is 24.16 an hour: the same pay, to the cent-hour
    explorer.get_by_role("combobox", name="Pay basis for every path").select_option("aapc_certified")
    expect(summary).to_contain_text("pay basis: AAPC average, certified members (2022)")
    expect(summary.locator("tr", has_text="Associate degree, public college")).to_contain_text("$60,097.00")
    _, now, _ = _slider(explorer, "Your pay now, per year")
    now.fill("200000")
    now.press("Enter")
    expect(summary).to_contain_text("never, at these numbers")
    expect(chart).to_have_count(1)  # the chart still draws when nothing pays back


def check_self_assessment(page: Page) -> None:
    """05's self-assessment: honest with too few answers, then a recommendation with its reasons and its points."""
    box = page.locator(".bc-self-assessment")
    status = box.locator(".bc-recommendation")
    expect(status).to_contain_text("Not enough answers yet")
    communication = box.get_by_role("combobox", name=re.compile("^Communication:"))
    communication.focus()
    for _ in range(5):
        page.keyboard.press("ArrowDown")  # skip -> 1 ... 5: strongly agree, from the keyboard
    expect(communication).to_be_focused()
    box.get_by_role("combobox", name=re.compile("^Detail orientation:")).select_option("1")
    expect(status).to_contain_text("Not enough answers yet. You answered 2 of 4")
    box.get_by_role("combobox", name=re.compile("^Learning style:")).select_option("5")
    expect(status).to_contain_text("Leans to billing")
    expect(status).to_contain_text("Communication (matters): you strongly agree")
    points = status.get_by_role("table")
    expect(points).to_contain_text("How each answer moved the result")
    expect(points.locator("tr", has_text="Learning style")).to_contain_text("4 toward coding")
    expect(status).to_contain_text("Career prospects is not scored")
    expect(status).to_have_attribute("role", "status")


def check_plan_builder(page: Page) -> None:
    """05's plan: a bad date is explained and nothing typed is lost; saving gives a link and a download."""
    plan = page.locator(".bc-plan-builder")
    program = plan.get_by_role("textbox", name="Program I will apply to")
    program.fill("Sample Community College")
    date = plan.get_by_role("textbox", name="Exam target (YYYY-MM)")
    # The box shows its whole placeholder ("for example 2027-09" was cut): its text fits inside the box.
    fits = date.evaluate("""input => {
        const style = getComputedStyle(input), ctx = document.createElement("canvas").getContext("2d");
        ctx.font = `${style.fontSize} ${style.fontFamily}`;
        const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return ctx.measureText(input.placeholder).width <= room;
    }""")
    assert fits, "the exam-date box cuts its placeholder"
    date.fill("next spring")
    plan.get_by_role("button", name="Save my plan").click()
    status = plan.locator("p[role='status']")
    expect(status).to_contain_text("Not saved")
    expect(program).to_have_value("Sample Community College")
    # The budget (round-6 trial: the slider in steps of 100 was fiddly): an exact amount typed in its labelled box,
    # from the keyboard; a negative one is explained and changes nothing.
    budget = plan.locator(".bc-slider", has=page.get_by_role("slider", name="My budget"))
    box = budget.get_by_role("textbox", name="or type an amount in dollars:")
    box.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("3050")
    page.keyboard.press("Enter")
    expect(budget.get_by_role("slider", name="My budget")).to_have_attribute("aria-valuetext", "$3,050.00")
    box.fill("-500")
    box.press("Enter")
    expect(budget.locator(".bc-slider-message")).to_contain_text("cannot be negative")
    expect(budget.locator(".bc-slider-message")).to_contain_text("The slider stays at $3,050.00.")
    expect(program).to_have_value("Sample Community College")
    date.fill("2027-09")
    plan.get_by_role("button", name="Save my plan").click()
    expect(status).to_contain_text("Saved")
    expect(plan.get_by_role("link", name="Download my_plan.md")).to_have_attribute("download", "my_plan.md")


def check_code_lookup(page: Page) -> None:
    """The ICD-10-CM look-up: it says when it is ready, searches from the keyboard, and opens a result's details.

    03 has a shorter, empty look-up above each question that needs one (the first above Check 2): every one renders;
    the first is driven (they are the same widget)."""
    every = page.locator(".bc-code-lookup")
    expect(every.first).to_be_visible(timeout=60_000)
    for i in range(every.count()):
        expect(every.nth(i).get_by_role("textbox", name="Search ICD-10-CM")).to_have_count(1)
    lookup = every.first
    # Ready, and the notebook's first search already answered (the status then counts its results).
    expect(lookup.get_by_role("status").first).to_contain_text(re.compile("Ready|result"), timeout=60_000)
    box = lookup.get_by_role("textbox", name="Search ICD-10-CM")
    box.fill("foreign body cornea right")
    box.press("Enter")
    results = lookup.get_by_role("listbox", name="Results: pick one for its details")
    expect(results.locator("option", has_text="T15.01XA")).to_have_count(1)
    labels = results.locator("option").all_text_contents()
    results.select_option(index=next(i for i, text in enumerate(labels) if text.split()[0] == "T15.01"))
    details = lookup.locator(".bc-code-details")
    expect(details).to_contain_text("Billable: no")
    expect(details).to_contain_text("7th character")
    results.focus()
    page.keyboard.press("ArrowDown")  # the next result's details, from the keyboard (not a notebook shortcut)
    expect(details).not_to_contain_text("T15.01: Foreign body in cornea, right eye")
    expect(results).to_be_focused()
    box.fill("zzzz qqqq")
    box.press("Enter")
    expect(lookup.get_by_role("status").first).to_contain_text("No match")
