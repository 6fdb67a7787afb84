"""Nothing is used before it is taught: every construct a code exercise needs has a runnable example earlier.

The course is read in order (00, 01, 02, ...). A "Python you need here" markdown cell declares what it teaches in
its metadata (billcode.teaches); the code cells right after it must use each of those constructs. A code exercise
declares what the learner writes (`needs` in its bank entry), which must cover what its solution uses; everything in
its answer cell, scaffold included, must have been taught before it.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from billcode.basics.constructs import CONSTRUCTS, constructs_in, unknown
from billcode.instructor.author.estimate import SOLUTION, needed, teaches
from billcode.quiz.bank import load_bank
from nbgrader_helpers import MASTERS, STUDENT_NOTEBOOKS

BASICS_TAUGHT_ANYWHERE = {"text"}  # a docstring in a scaffold is text the learner reads, not writes


def _answer_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]


def _exercise_name(cell) -> str:
    return cell.metadata["nbgrader"]["grade_id"].removesuffix("_answer")


def walk_course():
    """(master, cell index, what is taught so far, cell) for every cell, in course order."""
    taught: set[str] = set(BASICS_TAUGHT_ANYWHERE)
    for master in MASTERS:
        nb = nbformat.read(master, as_version=4)
        for index, cell in enumerate(nb.cells):
            yield master, index, set(taught), cell, nb
            if cell.cell_type == "markdown" and teaches(cell):
                taught |= set(teaches(cell))


def test_teaching_cells_show_what_they_teach():
    problems = []
    for master, index, _taught, cell, nb in walk_course():
        if cell.cell_type != "markdown" or not teaches(cell):
            continue
        declared = set(teaches(cell))
        if unknown(declared):
            problems.append(f"{master.stem} cell {index}: unknown construct(s) {unknown(declared)}")
        shown: set[str] = set()
        for after in nb.cells[index + 1:]:
            if after.cell_type == "markdown":
                break
            shown |= constructs_in(after.source)
        if not shown:
            problems.append(f"{master.stem} cell {index}: no runnable example follows the teaching cell")
        elif declared - shown:
            problems.append(f"{master.stem} cell {index}: says it teaches {sorted(declared - shown)}, "
                            "but the example code after it does not use them")
    assert not problems, "\n".join(problems)


def test_every_code_exercise_declares_what_it_needs_and_it_was_taught_before():
    problems = []
    for master, index, taught, cell, _nb in walk_course():
        if cell.cell_type != "code" or not cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        name = _exercise_name(cell)
        entries = {e["name"]: e for e in load_bank(master.stem).get("exercises", [])}
        if name not in entries:
            problems.append(f"{master.stem}: the answer cell {name!r} has no exercise entry in its bank")
            continue
        needs = set(entries[name]["needs"])
        if unknown(needs):
            problems.append(f"{master.stem} {name}: unknown construct(s) in needs: {unknown(needs)}")
        written = needed(cell.source)
        if written - needs - BASICS_TAUGHT_ANYWHERE:
            problems.append(f"{master.stem} {name}: the solution uses {sorted(written - needs)} but needs does not say so")
        read = constructs_in(cell.source.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""))
        early = sorted((needs | read) - taught)
        if early:
            problems.append(f"{master.stem} {name} (cell {index}): uses {early} before any notebook teaches them")
    assert not problems, "\n".join(problems)


def test_every_bank_exercise_has_its_cells():
    for master in MASTERS:
        nb = nbformat.read(master, as_version=4)
        cells = {_exercise_name(c) for c in _answer_cells(nb)}
        for entry in load_bank(master.stem).get("exercises", []):
            assert entry["name"] in cells, f"{master.stem}: exercise {entry['name']} has no answer cell"
            hints = [c for c in nb.cells if c.cell_type == "code" and f'quiz.hints("{entry["name"]}")' in c.source]
            assert hints, f"{master.stem}: exercise {entry['name']} has no hints cell (quiz.hints(\"{entry['name']}\"))"


@pytest.mark.parametrize("student", STUDENT_NOTEBOOKS, ids=[p.stem for p in STUDENT_NOTEBOOKS])
def test_scaffolds_run_unchanged(student):
    """A learner who runs a scaffold before writing anything gets no SyntaxError from the cell itself."""
    for cell in _answer_cells(nbformat.read(student, as_version=4)):
        compile(cell.source, f"{student.stem}:{_exercise_name(cell)}", "exec")


def test_constructs_are_read_from_code():
    assert constructs_in("def f(x):\n    return x.upper()[:3]") >= {"def", "return", ".upper", "slice"}
    assert constructs_in("for row in t.itertuples():\n    total += row.balance") >= {"for", ".itertuples", "augassign",
                                                                                      "attribute"}
    assert constructs_in("x = a if b is None else {1}") >= {"ternary", "is-none", "set", "none"}
    assert "len()" in constructs_in("len(codes)") and "my_helper()" not in constructs_in("my_helper(1)")
    assert needed("def f():\n    ### BEGIN SOLUTION\n    if x:\n    ### END SOLUTION\n        pass") >= {"if"}
    assert not unknown(CONSTRUCTS)
    assert SOLUTION.pattern


def test_the_banks_know_which_tasks_are_optional_stretch():
    """make masters writes `stretch` into the banks from the masters' stretch sections (the mastery report skips them)."""
    from billcode.instructor.author.estimate import stretch_cells

    for master in MASTERS:
        nb = nbformat.read(master, as_version=4)
        inside = stretch_cells(nb)
        bank = load_bank(master.stem)
        flagged = {e.get("name", e.get("id")) for e in [*bank["items"], *bank.get("exercises", [])] if e.get("stretch")}
        asked = {m for i, c in enumerate(nb.cells) if i in inside and c.cell_type == "code"
                 for m in re.findall(r"""quiz\.ask\(\s*["']([\w-]+)["']""", c.source)}
        answers = {_exercise_name(c) for i, c in enumerate(nb.cells) if i in inside and c.cell_type == "code"
                   and c.metadata.get("nbgrader", {}).get("solution")}
        assert flagged == asked | answers, f"{master.stem}: run make masters ONLY={master.stem}"
        graded = {e.get("name", e.get("id")) for e in [*bank["items"], *bank.get("exercises", [])]
                  if e.get("mode", "graded") == "graded"}
        assert not flagged & graded, f"{master.stem}: a stretch section is never graded: {sorted(flagged & graded)}"
