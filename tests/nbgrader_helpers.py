"""Helpers for tests that run nbgrader on a scratch copy of the course root."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import nbformat

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


GRADE_CALL = re.compile(r"grade\((.*?)\)\s*\n\s*### END HIDDEN TESTS", re.S)


def hidden_grades(nb: nbformat.NotebookNode) -> dict[str, dict]:
    """The hidden `grade(...)` calls of a master: item id -> {key, points, explanation, cell}."""
    found = {}
    for cell in nb.cells:
        match = GRADE_CALL.search(cell.source) if cell.cell_type == "code" else None
        if not match:
            continue
        call = ast.parse(f"grade({match.group(1)})").body[0].value
        args = [ast.literal_eval(a) for a in call.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
        found[args[1]] = {"bank": args[0], **kwargs, "cell": cell}
    return found
