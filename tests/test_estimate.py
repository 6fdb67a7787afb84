"""Every notebook states an honest time: within 25% of the course's estimator, with no wall of text."""

from __future__ import annotations

import nbformat
import pytest

from billcode.instructor.author.estimate import MINUTES_PER_TASK, TOLERANCE, WORDS_PER_MINUTE, count_words, estimate, stated_minutes
from nbgrader_helpers import MASTERS, STUDENT_NOTEBOOKS

MAX_CELL_WORDS = 260  # "about 250": a reader scrolls past longer blocks


def ids(paths):
    return [f"{p.parent.name}/{p.name}" for p in paths]


@pytest.mark.parametrize("path", MASTERS + STUDENT_NOTEBOOKS, ids=ids(MASTERS + STUDENT_NOTEBOOKS))
def test_stated_time_is_within_a_quarter_of_the_estimate(path):
    stated = stated_minutes(path)
    assert stated, f"{path.name} states no time ('about N minutes' in its 'What you'll need' cell)"
    middle = sum(stated) / 2
    found = estimate(path).minutes
    assert abs(middle - found) <= TOLERANCE * found, f"{path.name} states {stated} min; the estimator says {found:.0f}"


@pytest.mark.parametrize("path", MASTERS, ids=ids(MASTERS))
def test_no_markdown_cell_is_a_wall_of_text(path):
    long = [(count_words(c.source), c.source[:60]) for c in nbformat.read(path, 4).cells
            if c.cell_type == "markdown" and count_words(c.source) > MAX_CELL_WORDS]
    assert not long, f"markdown cells over {MAX_CELL_WORDS} words: {long}"


def test_the_estimate_adds_reading_and_tasks(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("word " * 400 + "<small>tags are not words</small> [a link](http://x.y/z)"),
        nbformat.v4.new_code_cell('quiz.ask("ov-p1")'),
        nbformat.v4.new_code_cell('quiz.ask("ov-g1")'),
        nbformat.v4.new_code_cell("x = ...", metadata={"nbgrader": {"solution": True, "grade": False}}),
        nbformat.v4.new_code_cell("tuition_explorer(budget=1)"),
        nbformat.v4.new_markdown_cell("A learner's own words are written, not read",
                                      metadata={"nbgrader": {"solution": True, "grade": True}}),
    ])
    path = tmp_path / "01_overview.ipynb"
    nbformat.write(nb, path)
    found = estimate(path)
    assert found.words == 400 + 4 + 2  # the words inside tags and links count; tags and addresses do not
    assert found.tasks == {"practice": 1, "graded": 1, "code": 1, "explorer": 1, "written": 1}
    assert found.minutes == pytest.approx(406 / WORDS_PER_MINUTE + sum(MINUTES_PER_TASK.values()))


def test_question_options_are_counted_once_in_the_question_minutes():
    """A question cell's options (the static block its widget replaces) are in the question's minutes, not the words."""
    cell = ('### Check 1: A\n\nWhich one?\n\n<div class="bc-static-choices bc-static-xx-p1">\n\n- first option\n'
            '- second option\n\n*Single choice.*\n\n</div>\n\n<small>Item xx-p1 · objective O1</small>')
    assert count_words(cell) == count_words("Check 1: A Which one?")


DOMAIN = [p for p in MASTERS if p.stem.split("_", 1)[0] not in ("01",)]  # 01 is the overview, not a domain notebook


@pytest.mark.parametrize("path", DOMAIN, ids=ids(DOMAIN))
def test_domain_notebooks_are_mostly_doing(path):
    """At least half of a domain notebook's tasks make the learner compute, build, fix or code something."""
    from billcode.quiz.bank import load_bank

    found = estimate(path)
    items = load_bank(path.stem)["items"]
    computed = sum(1 for i in items if i["type"] in ("numeric", "code"))
    doing = found.tasks["code"] + found.tasks["explorer"] + computed
    total = sum(found.tasks.values())
    assert doing * 2 >= total, f"{path.stem}: {doing} of {total} tasks are hands-on"


@pytest.mark.parametrize("path", DOMAIN, ids=ids(DOMAIN))
def test_domain_notebooks_fit_their_time_box(path):
    """The domain notebooks' issues ask for 40-50 minutes by the estimator (04 and 05: 30-40)."""
    low, high = (30, 40) if path.stem[:2] in ("04", "05") else (40, 50)
    assert low <= estimate(path).minutes <= high + 0.5, f"{path.stem}: {estimate(path).minutes:.1f} min"
