"""The student notebooks in Notebook 7 (the classic-style interface): they run, and a question answers."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lab_helpers import KERNEL_READY_JS, TIMEOUT, _wait_run, expect_feedback, fill_with_mouse, question
from notebook_cases import CASES

pytestmark = pytest.mark.browser

STUDENT_QUIZZES = [pytest.param(c, id=c.id) for c in CASES if c.student and c.practice]


def settle(page: Page, locator) -> None:
    """Scroll to an element and wait until it stops moving: Notebook 7 renders and sizes cells only as
    they scroll into view, so what was just scrolled to can still shift under the mouse."""
    last = None
    for _ in range(50):
        locator.scroll_into_view_if_needed()
        box = locator.bounding_box()
        if box is not None and box == last:
            return
        last = box
        page.wait_for_timeout(100)
    raise AssertionError("the question kept moving on the page")


@pytest.mark.parametrize("nb", STUDENT_QUIZZES)
def test_notebook7_runs_and_answers(page: Page, base_url, nb):
    page.goto(f"{base_url}/notebooks/{nb.served}")
    page.locator(".jp-Notebook").first.wait_for(timeout=TIMEOUT)
    page.wait_for_function(KERNEL_READY_JS, timeout=TIMEOUT)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    _wait_run(page)
    # A radio where there is one; else check boxes (03_coding since the split: Check 1 is its only click item)
    item = next((i for i in nb.practice if i["type"] in ("single", "truefalse")), None) or \
        next(i for i in nb.practice if i["type"] == "multiple")
    box = question(page, item)
    for attempt in range(3):
        # A widget scrolled into view is drawn, then redrawn from its model; a click that lands in
        # between is lost with the first drawing. Answer again until the choice holds.
        settle(page, box)
        try:
            fill_with_mouse(page, item, item["key"])
            break
        except AssertionError:
            if attempt == 2:
                raise
    box.get_by_role("button", name="Check answer").click()
    expect_feedback(page, item, "correct", "Correct.")
    if nb.has_explorer:
        expect(page.locator(".bc-tuition-explorer").first).to_be_attached()
    if nb.has_calculator:
        expect(page.locator(".bc-responsibility-explorer").first).to_be_attached()
