"""Every notebook states an honest time: within 25% of the course's estimator, with no wall of text."""

from __future__ import annotations

import nbformat
import pytest

from billcode.instructor.author.estimate import (
    CODE_BASE_MINUTES, CODE_CONSTRUCT_MINUTES, CODE_LINE_MINUTES, MAX_MINUTES, MINUTES_PER_TASK, OTHER_LINE_MINUTES,
    STOP_AFTER, TEACHING_LINE_MINUTES, TOLERANCE, WORDS_PER_MINUTE, count_words, estimate, stated_minutes,
)
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


def test_the_estimate_adds_reading_code_and_tasks(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("word " * 400 + "<small>tags are not words</small> [a link](http://x.y/z)"),
        nbformat.v4.new_code_cell('quiz.ask("ov-p1")'),
        nbformat.v4.new_code_cell('quiz.ask("ov-g1")'),
        nbformat.v4.new_code_cell('quiz.ask("ov-p9")'),
        nbformat.v4.new_code_cell("coder_steps = ...\n### BEGIN SOLUTION\ncoder_steps = [1]\n### END SOLUTION",
                                  metadata={"nbgrader": {"solution": True, "grade": False, "grade_id": "coder_steps_answer"}}),
        nbformat.v4.new_code_cell("tuition_explorer(budget=1)"),
        nbformat.v4.new_markdown_cell("### Python you need here", metadata={"billcode": {"teaches": ["list"]}}),
        nbformat.v4.new_code_cell("codes = ['E11.9', 'I10']\n# a comment is not read as code\ncodes"),
        nbformat.v4.new_markdown_cell("A learner's own words are written, not read",
                                      metadata={"nbgrader": {"solution": True, "grade": True}}),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_markdown_cell("## Stretch (optional): more\n\n" + "word " * 1000),
        nbformat.v4.new_code_cell('quiz.ask("ov-p5")'),
    ])
    path = tmp_path / "01_overview.ipynb"
    nbformat.write(nb, path)
    found = estimate(path)
    assert found.words == 400 + 4 + 2 + 4  # the words inside tags and links count; tags and addresses do not
    # ov-g1 computes a number and ov-p9 types a code: work, not one click
    assert found.tasks == {"practice": 1, "practice_work": 1, "graded": 0, "graded_work": 1, "explorer": 1, "written": 1}
    assert [(e.name, e.lines) for e in found.exercises] == [("coder_steps", 1)]
    assert found.code_lines == {"teaching": 2, "other": 1}  # the stretch section is not on the clock
    needs = found.exercises[0].needs
    assert found.minutes == pytest.approx(
        410 / WORDS_PER_MINUTE + sum(MINUTES_PER_TASK[k] * n for k, n in found.tasks.items())
        + CODE_BASE_MINUTES + CODE_LINE_MINUTES + CODE_CONSTRUCT_MINUTES * needs
        + 2 * TEACHING_LINE_MINUTES + OTHER_LINE_MINUTES)


def test_question_options_are_counted_once_in_the_question_minutes():
    """A question cell's options (the static block its widget replaces) are in the question's minutes, not the words."""
    cell = ('### Check 1: A\n\nWhich one?\n\n<div class="bc-static-choices bc-static-xx-p1">\n\n- first option\n'
            '- second option\n\n*Single choice.*\n\n</div>\n\n<small>Item xx-p1 · objective O1</small>')
    assert count_words(cell) == count_words("Check 1: A Which one?")


DOMAIN = [p for p in MASTERS if p.stem.split("_")[0] not in ("00", "00b", "01")]  # 00 and 00b teach Python, 01 is the overview


@pytest.mark.parametrize("path", DOMAIN, ids=ids(DOMAIN))
def test_domain_notebooks_are_mostly_doing(path):
    """At least half of a domain notebook's tasks make the learner compute, build, fix or code something."""
    found = estimate(path)
    doing = len(found.exercises) + found.tasks["explorer"] + found.tasks["practice_work"] + found.tasks["graded_work"]
    total = sum(found.tasks.values()) + len(found.exercises)
    assert doing * 2 >= total, f"{path.stem}: {doing} of {total} tasks are hands-on"


@pytest.mark.parametrize("path", MASTERS, ids=ids(MASTERS))
def test_no_notebook_is_longer_than_a_newcomer_hour_and_a_quarter(path):
    assert estimate(path).minutes <= MAX_MINUTES, f"{path.stem}: {estimate(path).minutes:.1f} min"


@pytest.mark.parametrize("path", MASTERS, ids=ids(MASTERS))
def test_a_long_notebook_marks_a_good_place_to_stop(path):
    found = estimate(path)
    if found.minutes <= STOP_AFTER:
        return
    middle = [m for m in found.stops if 0.3 * found.minutes <= m <= 0.7 * found.minutes]
    assert middle, (f"{path.stem} takes {found.minutes:.0f} min: mark a 'Good place to stop' between "
                    f"{0.3 * found.minutes:.0f} and {0.7 * found.minutes:.0f} min (found at {found.stops})")


@pytest.mark.parametrize("path", STUDENT_NOTEBOOKS, ids=ids(STUDENT_NOTEBOOKS))
def test_a_student_copy_takes_as_long_as_its_master(path):
    """The estimate of a student copy counts the lines its learner writes, read from the master's solutions."""
    master = path.parents[1] / "autograder" / "source" / path.stem / path.name
    assert estimate(path).minutes == pytest.approx(estimate(master).minutes)
