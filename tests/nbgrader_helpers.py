"""Helpers for tests that run nbgrader on a scratch copy of the course root."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from billcode.instructor.grade.sandbox import PROCESSES

ROOT = Path(__file__).resolve().parents[1]
AUTOGRADER = ROOT / "autograder"
MASTERS = sorted(AUTOGRADER.glob("source/*/*.ipynb"))
STUDENT_NOTEBOOKS = sorted((ROOT / "course").glob("*.ipynb"))


def copy_course_root(dest: Path) -> Path:
    """Copy nbgrader_config.py, keys/ and source/ (nothing an instructor generated) into dest."""
    root = dest / "autograder"
    root.mkdir(parents=True)
    shutil.copy(AUTOGRADER / "nbgrader_config.py", root)
    shutil.copytree(AUTOGRADER / "keys", root / "keys", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(AUTOGRADER / "source", root / "source", ignore=shutil.ignore_patterns("*_answers.json", ".ipynb_checkpoints"))
    return root


def cell_by_id(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    """The cell with this nbgrader grade_id."""
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def gradebook_scores(root: Path, assignment: str, student: str, cells) -> dict[str, float]:
    """The gradebook's score of each of these graded cells of one student's notebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(assignment, assignment, student)
        return {g.name: float(g.score) for g in notebook.grades if g.name in cells}


# Forks without end (bounded at 3 x the cap, so a machine without a cap survives the test), then ends its
# children and answers correctly: with the cap it gets fewer than PROCESSES, and every other run goes on. No clock
# in it: each child waits on a pipe (not a sleep that could run out while a busy machine is still forking), and
# leaves when the parent closes its end, after counting.
FORK_BOMB = f"""\
import os
hold, release = os.pipe()
children = []
for _ in range({3 * PROCESSES}):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        os.close(release)
        os.read(hold, 1)
        os._exit(0)
    children.append(pid)
print("FORKED", len(children), flush=True)
os.close(release)
for pid in children:
    os.waitpid(pid, 0)
os.close(hold)
"""
