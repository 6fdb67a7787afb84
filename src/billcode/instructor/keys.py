"""Key files: what the grader checks in each graded cell, kept on the instructor's side only.

Each assignment has `autograder/keys/<assignment>.py` (beside `source/`, so nbgrader never copies it to
students), defining `graded(params) -> {grade_id: QuizKey | ValueCheck | FunctionCheck}`. `params` holds the class's numbers
(see `billcode.instructor.variants`). Nothing here is a key: this module only says what a key file may declare.
"""

from __future__ import annotations

import os
import runpy
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT_ENV = "BILLCODE_COURSE_ROOT"
KEYS_DIR = "keys"


@dataclass(frozen=True)
class QuizKey:
    """A graded quiz question: scored from the student's saved answer with the course's scoring rules."""

    item: str
    key: object
    explanation: str = ""


@dataclass(frozen=True)
class ValueCheck:
    """A code exercise: the student's exported value must equal `expected` (plain JSON data)."""

    name: str
    expected: object
    explanation: str = ""
    tolerance: float = 0.0


@dataclass(frozen=True)
class FunctionCheck:
    """A function exercise: the learner's function must give reference(*args) on every input the grader picks."""

    name: str
    reference: object  # a function: the instructor's own solution, run in the grader's process
    explanation: str = ""
    tolerance: float = 0.0


CHECKS = (QuizKey, ValueCheck, FunctionCheck)


class KeyFileError(RuntimeError):
    """A key file is missing or does not cover the assignment's graded cells; the message says what to do."""


def course_root(start: Path | str | None = None) -> Path:
    """Find the nbgrader course root: $BILLCODE_COURSE_ROOT, a parent of start with keys/, or the repo's autograder/."""
    if os.environ.get(ROOT_ENV):
        return Path(os.environ[ROOT_ENV])
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "nbgrader_config.py").is_file() and (folder / KEYS_DIR).is_dir():
            return folder
    repo = Path(__file__).resolve().parents[3] / "autograder"  # an editable install from a clone
    if (repo / KEYS_DIR).is_dir():
        return repo
    raise KeyFileError(f"No course root with a {KEYS_DIR}/ folder was found; set {ROOT_ENV}.")


@cache
def _graded_function(path: str):
    """The key file's graded() function, read once per grading process (before student code runs)."""
    if not Path(path).is_file():
        raise KeyFileError(f"{path} is missing: every assignment needs a key file (see the README's instructor section).")
    return runpy.run_path(path)["graded"]


def preload_keys(root: Path | str, assignment: str) -> None:
    """Read an assignment's key file now, if it has one (the grading command does this first)."""
    path = Path(root).resolve() / KEYS_DIR / f"{assignment}.py"
    if path.is_file():
        _graded_function(str(path))


def load_graded(root: Path | str, assignment: str, params: dict) -> dict[str, QuizKey | ValueCheck | FunctionCheck]:
    """Run the instructor's key file for one assignment and return what each graded cell checks."""
    path = Path(root).resolve() / KEYS_DIR / f"{assignment}.py"
    graded = _graded_function(str(path))(params)
    wrong = [gid for gid, check in graded.items() if not isinstance(check, CHECKS)]
    if wrong:
        raise KeyFileError(f"{path}: {', '.join(wrong)} must map to a QuizKey, a ValueCheck or a FunctionCheck.")
    return graded


def key_answers(assignment: str, root: Path | str | None = None) -> dict[str, object]:
    """The quiz keys with the public numbers, for the master's instructor-only cell (so the master validates)."""
    from billcode.quiz.bank import load_bank
    from billcode.quiz.params import choose_params

    graded = load_graded(root or course_root(), assignment, choose_params(load_bank(assignment), None))
    return {check.item: check.key for check in graded.values() if isinstance(check, QuizKey)}
