"""The student notebooks and the apps in Voila: code hidden, quiz, sliders and the cost explorer working."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lab_helpers import describe, expect_feedback, fill_with_mouse, question, run_axe, save_axe_report, serious
from notebook_cases import CASES

pytestmark = pytest.mark.browser

STUDENT_QUIZZES = [pytest.param(c, id=c.id) for c in CASES if c.student and c.practice]


@pytest.mark.parametrize("nb", STUDENT_QUIZZES)
def test_voila_renders_quiz(page: Page, voila, nb, results, axe_js):
    page.goto(f"{voila}/render/{nb.served}", wait_until="domcontentloaded")  # 'load' waits for blocked CDNs
    questions = page.locator(".bc-question")
    expect(questions).to_have_count(len(nb.asked), timeout=90_000)  # the kernel runs the notebook first
    if nb.has_mastery:
        expect(page.locator(".bc-mastery-report")).to_have_count(1)

    # No code on screen: no input areas of code cells, no editors, no prompts, no source text.
    for selector in (".jp-CodeCell .jp-InputArea", ".jp-InputPrompt", ".cm-editor", ".jp-CodeMirrorEditor"):
        expect(page.locator(selector)).to_have_count(0)
    text = page.locator("body").inner_text()
    for snippet in ("open_quiz(", "quiz.ask(", "import ", "check_saved("):
        assert snippet not in text, f"code is visible in Voila: {snippet!r}"
    # No cell fails: Voila would replace its traceback with an error notice.
    expect(page.get_by_text("There was an error when executing cell")).to_have_count(0)
    # Each question's options show once: the widget hides the markdown copy.
    for item in nb.asked:
        expect(page.locator(f".bc-static-{item['id']}")).to_be_hidden()

    # A practice question answered with a click.
    # A radio where there is one; else check boxes (03_coding since the split: Check 1 is its only click item)
    item = next((i for i in nb.practice if i["type"] in ("single", "truefalse")), None) or \
        next(i for i in nb.practice if i["type"] == "multiple")
    fill_with_mouse(page, item, item["key"])
    question(page, item).locator(".bc-check").click()
    expect_feedback(page, item, "correct", "Correct.")

    # Outside JupyterLab the arrow keys move between radios (no notebook shortcuts here).
    other = next((i for i in nb.practice if i["type"] == "single" and i["id"] != item["id"]), None)
    if other is not None:
        radios = question(page, other).get_by_role("radio")
        radios.first.focus()
        page.keyboard.press("Space")
        expect(radios.first).to_be_checked()
        page.keyboard.press("ArrowDown")
        expect(radios.nth(1)).to_be_checked()
        expect(radios.nth(1)).to_be_focused()

    if nb.has_explorer:
        explorer = page.locator(".bc-tuition-explorer")
        box = explorer.get_by_role("textbox", name="or type an amount in dollars:")
        caption = explorer.locator(".bc-tuition caption")
        box.fill("4000")
        box.press("Enter")
        expect(caption).to_contain_text("A budget of $4,000.00")
        box.fill("-500")
        box.press("Enter")
        expect(explorer.locator(".bc-slider-message")).to_contain_text("cannot be negative")
        expect(caption).to_contain_text("A budget of $4,000.00")
        slider = explorer.get_by_role("slider", name="Your tuition budget")
        slider.focus()
        page.keyboard.press("ArrowRight")
        expect(caption).to_contain_text("A budget of $4,100.00")

    # The whole app in one image: Voila scrolls inside a container, so grow the viewport to its height.
    height = page.evaluate("""() => { let h = 0; for (const e of document.querySelectorAll('body, body *')) {
        if (e.scrollHeight > e.clientHeight) { e.scrollTop = 0; } h = Math.max(h, e.scrollHeight); } return h; }""")
    page.set_viewport_size({"width": 1280, "height": min(int(height) + 40, 30_000)})
    page.wait_for_function("() => new Promise(ok => requestAnimationFrame(() => requestAnimationFrame(() => ok(true))))")
    page.screenshot(path=str(results / f"voila-{nb.id}.png"))
    violations = run_axe(page, axe_js)
    save_axe_report(results / f"voila-{nb.id}-axe.json", violations)
    assert not serious(violations), f"axe (serious/critical) in Voila {nb.id}:\n{describe(serious(violations))}"
    assert not page.js_errors, page.js_errors


def test_voila_cost_explorer_app(page: Page, voila, results, axe_js):
    """apps/cost_explorer.ipynb, as `make app` serves it: no code, every control labelled, the keyboard works."""
    page.goto(f"{voila}/render/apps/cost_explorer.ipynb", wait_until="domcontentloaded")
    explorer = page.locator(".bc-cost-explorer")
    expect(explorer).to_have_count(1, timeout=90_000)
    for selector in (".jp-CodeCell .jp-InputArea", ".jp-InputPrompt", ".cm-editor"):
        expect(page.locator(selector)).to_have_count(0)
    assert "cost_explorer(" not in page.locator("body").inner_text()
    expect(page.get_by_text("There was an error when executing cell")).to_have_count(0)

    summary = explorer.locator(".bc-table")
    path = explorer.get_by_role("combobox", name="Path to set up")
    path.focus()
    page.keyboard.press("ArrowDown")  # outside Lab too, the arrow keys move through the list
    expect(summary).to_contain_text("Combined billing and coding certificate (setting up)")
    row = summary.locator("tr", has_text="(setting up)")
    expect(row).to_contain_text("$5,117.00")  # 5,000 tuition + 117 CBCS fee
    books = explorer.get_by_role("slider", name="Books and materials")
    books.focus()
    page.keyboard.press("End")
    expect(row).to_contain_text("$8,117.00")
    box = explorer.get_by_role("textbox", name="or type an amount in dollars:").first
    box.fill("abc")
    box.press("Enter")
    expect(explorer.locator(".bc-slider-message").first).to_contain_text("is not a number")
    expect(row).to_contain_text("$8,117.00")
    for name in ("Tuition", "Months of study", "Books and materials", "Certification exam fee",
                 "Certification uplift on pay", "Your pay now, per year"):
        expect(explorer.get_by_role("slider", name=name)).to_have_count(1)
    expect(explorer.get_by_role("img", name="How far ahead of staying put each path leaves you", exact=False)).to_have_count(1)

    page.screenshot(path=str(results / "voila-app-cost-explorer.png"), full_page=True)
    violations = run_axe(page, axe_js)
    save_axe_report(results / "voila-app-cost-explorer-axe.json", violations)
    assert not serious(violations), f"axe (serious/critical) in the cost explorer app:\n{describe(serious(violations))}"
    assert not page.js_errors, page.js_errors
