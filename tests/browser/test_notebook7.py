"""The student notebooks in Notebook 7 (the classic-style interface): they run, and a question answers."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lab_helpers import KERNEL_READY_JS, TIMEOUT, _wait_run, expect_feedback, fill_with_mouse, question
from notebook_cases import CASES

pytestmark = pytest.mark.browser

STUDENT_QUIZZES = [pytest.param(c, id=c.id) for c in CASES if c.student and c.practice]


@pytest.mark.parametrize("nb", STUDENT_QUIZZES)
def test_notebook7_runs_and_answers(page: Page, base_url, nb):
    page.goto(f"{base_url}/notebooks/{nb.served}")
    page.locator(".jp-Notebook").first.wait_for(timeout=TIMEOUT)
    page.wait_for_function(KERNEL_READY_JS, timeout=TIMEOUT)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    _wait_run(page)
    item = next(i for i in nb.practice if i["type"] in ("single", "truefalse"))
    box = question(page, item)
    box.scroll_into_view_if_needed()  # Notebook 7 renders cells only as they come into view
    fill_with_mouse(page, item, item["key"])
    box.get_by_role("button", name="Check answer").click()
    expect_feedback(page, item, "correct", "Correct.")
    expect(page.locator(".bc-tuition-explorer").first).to_be_attached()
