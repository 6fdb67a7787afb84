"""Every graded function exercise of the course, by the name the notebook gives the function."""

from __future__ import annotations

from billcode.billing.exercises import EXERCISES as BILLING
from billcode.careers.exercises import EXERCISES as CAREERS
from billcode.coding.exercises import EXERCISES as CODING
from billcode.quiz.checks import Exercise
from billcode.quiz.checks import check_function as _check

EXERCISES: dict[str, Exercise] = {**BILLING, **CODING, **CAREERS}


def check_function(name: str, function: object) -> None:
    """The visible check a test cell runs on the learner's function (it also hands the results to the grader)."""
    _check(EXERCISES[name], function)
