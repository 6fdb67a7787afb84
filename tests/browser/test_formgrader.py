"""The formgrader as `make instructor` gives it on one machine, in a real browser: the course's own exchange folder
(no "exchange directory does not exist" banner), a released assignment shown as released with Release and Collect,
demo students listed by name (not "None, None"), and the assignment table within a 1280 px window.

The course root is a scratch copy of autograder/ with 01_overview released through the course's exchange, the way
the formgrader's Release button does it (nbgrader release_assignment), and three synthetic students from
make demo-class.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))

from labserver import LabServer  # noqa: E402
from nbgrader_helpers import copy_course_root  # noqa: E402

from billcode.instructor.author.release import make_exchange, nbgrader  # noqa: E402
from billcode.instructor.report.synthetic import name_students, synthetic_class  # noqa: E402

pytestmark = pytest.mark.browser
RELEASED = "01_overview"


@pytest.fixture(autouse=True)
def fresh_notebooks():
    """These tests need no learner's JupyterLab (the package's autouse fixture of that name starts one)."""
    yield


@pytest.fixture(scope="module")
def formgrader(chromium, tmp_path_factory):
    """A JupyterLab with the instructor's panels (make instructor's settings) on a course root with a release."""
    root = copy_course_root(tmp_path_factory.mktemp("course"))
    make_exchange(root)  # what make instructor does first
    nbgrader(root, "generate_assignment", RELEASED)
    nbgrader(root, "release_assignment", RELEASED)
    name_students(root, synthetic_class(root, 3, [RELEASED], mix=("honest", "partial", "blank"), seed=1))
    server = LabServer(root, tmp_path_factory.mktemp("formgrader-server"), instructor=True)
    yield server
    server.stop()


def test_the_formgrader_releases_and_collects_through_the_courses_exchange(browser, formgrader, results):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{formgrader.url}/formgrader")
    rows = page.locator("table tbody tr")
    rows.filter(has_text=RELEASED).wait_for(timeout=60_000)
    assert page.get_by_text("exchange directory", exact=False).count() == 0  # nbgrader's banner when it has none
    released = rows.filter(has_text=RELEASED)
    assert released.locator(".label").inner_text().strip() == "released"
    assert rows.filter(has_text="02_billing").locator(".label").inner_text().strip() == "draft"  # not released yet
    # Release (here: unrelease) and Collect are offered: before the course had an exchange their cells were empty.
    assert released.locator("td").nth(6).locator("a").count() == 1 and released.locator("td").nth(7).locator("a").count() == 1
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], width  # the whole table is in the 1280 px window
    page.screenshot(path=str(results / "formgrader-assignments.png"))
    page.goto(f"{formgrader.url}/formgrader/manage_students")
    students = page.locator("table tbody tr")
    students.filter(has_text="s002").wait_for(timeout=60_000)  # the table is filled in after a "Loading" row
    names = [students.nth(i).locator("td").first.inner_text().strip() for i in range(students.count())]
    assert names == ["Student 000, Honest demo", "Student 001, Partial demo", "Student 002, Blank demo"], names
    page.screenshot(path=str(results / "formgrader-students.png"))
    context.close()
