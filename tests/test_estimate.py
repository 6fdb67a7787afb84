"""Every notebook states an honest time: within 25% of the course's estimator, with no wall of text."""

from __future__ import annotations

import nbformat
import pytest

from billcode.instructor.estimate import MINUTES_PER_TASK, TOLERANCE, WORDS_PER_MINUTE, count_words, estimate, stated_minutes
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
    ])
    path = tmp_path / "01_overview.ipynb"
    nbformat.write(nb, path)
    found = estimate(path)
    assert found.words == 400 + 4 + 2  # the words inside tags and links count; tags and addresses do not
    assert found.tasks == {"practice": 1, "graded": 1, "code": 1, "explorer": 1}
    assert found.minutes == pytest.approx(406 / WORDS_PER_MINUTE + sum(MINUTES_PER_TASK.values()))
