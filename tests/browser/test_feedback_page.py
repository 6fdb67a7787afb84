"""The feedback page in a real browser: no serious accessibility problem (axe), nothing cut or running off the
right edge at 1280 and 390 px, and no student text acting as markup.

The page is made by the course's own writer (billcode.instructor.report.feedback_page) for 05_choosing_a_path, whose
names and objectives come from its bank (with 05b_your_plan's written answer added, so every kind of graded cell is on
one page), with the longest things a page can hold: a long line of code, a value
without spaces, a written answer, an instructor's comment and hostile HTML in each.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from lab_helpers import describe, save_axe_report, serious  # noqa: E402

from billcode.instructor.report.feedback_page import Facts, Graded, page_html  # noqa: E402
from billcode.instructor.report.graded_items import graded_items, written_items  # noqa: E402
from billcode.quiz.bank import load_bank  # noqa: E402

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
A = "05_choosing_a_path"
HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'
LONG_VALUE = "[" + ",".join(f'"{n:04d}-no-space"' for n in range(60)) + "]"


@pytest.fixture(autouse=True)
def fresh_notebooks():
    """These tests need no JupyterLab (the package's autouse fixture of that name starts one)."""
    yield


def demo_facts() -> Facts:
    """Every graded cell of 05 and 05b with a different outcome, and the longest texts a page shows."""
    names = {**graded_items(ROOT / "autograder", A), **written_items(ROOT / "autograder", "05b_your_plan")}
    assert {item.kind for item in names.values()} >= {"exercise", "written"}, names
    items, outcomes = [], [(1, "full"), (0.5, "part"), (0, "none"), (None, "waiting")]
    for n, (grade_id, item) in enumerate(sorted(names.items())):
        share, _ = outcomes[n % len(outcomes)]
        points = 3.0 if item.kind == "written" else 2.0
        graded = Graded(item, (share or 0) * points, points, waiting=share is None and item.kind == "written",
                        result=f"Your function gave {LONG_VALUE}; expected something else.\n{HOSTILE}",
                        why="Count each **factor** once: `pull = (answer - 3) * weight`. " * 3,
                        comment=f"See me about this. {HOSTILE}" if n == 1 else "")
        if item.kind == "exercise":
            graded.answer = ("def lean(answers, weights):\n    total = sum((answers[f] - 3) * weights[f] for f in "
                             "answers if answers[f] is not None and f in weights and weights[f] > 0)  # "
                             + HOSTILE + "\n    return total")
        elif item.kind == "written":
            graded.answer = "I lean to coding.\n\n- anatomy\n- quiet work\n\n" + HOSTILE + " " + LONG_VALUE
        items.append(graded)
    total = sum(g.score for g in items if not g.waiting)
    return Facts(title=load_bank(A)["title"], assignment=A, student="s004", score=total,
                 max_score=sum(g.points for g in items), submitted="20 Nov 2026, 12:00 UTC", items=items,
                 objectives=load_bank(A)["objectives"])


OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width && (box.right > width + 0.5 || box.left < -0.5)) out.push(el.tagName + ' ' + el.className);
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')
      out.push('scrolls: ' + el.tagName + ' ' + el.className);
  }
  return {page: document.documentElement.scrollWidth - width, elements: out};
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_feedback_page_reads_at_any_width_and_passes_axe(browser, axe_js, results, tmp_path, width):
    page_file = tmp_path / "feedback.html"
    page_file.write_text(page_html(demo_facts()), encoding="utf-8")
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=True)
    requests: list[str] = []
    context.route("**/*", lambda route: (requests.append(route.request.url), route.continue_()
                                         if route.request.url.startswith("file:") else route.abort()))
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(page_file.as_uri())
    page.wait_for_load_state("load")
    assert requests == [page_file.as_uri()], requests  # the page loads nothing else: no script, font or image
    overflow = page.evaluate(OVERFLOW_JS)
    assert overflow == {"page": 0, "elements": []}, overflow
    # Headings name every graded cell, in a contents list that links to each.
    links = page.locator("nav a")
    assert links.count() == len(demo_facts().items) and page.locator("main h2[id^=item-]").count() == links.count()
    links.nth(2).click()
    assert page.evaluate("location.hash") == "#" + page.locator("main h2[id^=item-]").nth(2).get_attribute("id")
    assert dialogs == [] and page.locator("main script, main img, main iframe").count() == 0
    assert page.get_by_text('<script>alert(1)</script>', exact=False).count() >= 3  # shown as text
    page.screenshot(path=str(results / f"feedback-{width}.png"), full_page=True)
    if axe_js is not None:
        page.add_script_tag(path=str(axe_js))
        violations = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")["violations"]
        save_axe_report(results / f"feedback-{width}-axe.json", violations)
        assert not serious(violations), describe(serious(violations))
    context.close()
