"""Helpers for nbgrader test cells: grade saved quiz answers and check code answers, never crashing."""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Iterator
from pathlib import Path

from billcode.answers import answers_path, read_answers
from billcode.bank import find_item, load_bank
from billcode.render import heading
from billcode.scoring import AnswerError, clean_answer, describe_answer, score_answer


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence warnings and stderr: nbgrader scores any cell that writes to stderr as 0."""
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def grade(bank_name: str, item_id: str, key: object, points: float, explanation: str = "",
          folder: Path | str | None = None, bank: dict | None = None) -> float:
    """Score a saved graded answer against the key; print why; return the points earned (0 on any problem)."""
    with quiet():
        try:
            bank = bank if bank is not None else load_bank(bank_name)
            item = find_item(bank, item_id)
            name = f"{heading(bank, item)} ({item_id})"
        except Exception as err:  # a broken installation must not crash autograding
            print(f"{item_id}: could not load the question ({type(err).__name__}: {err}); scored 0.")
            return 0.0
        try:
            record = read_answers(answers_path(bank_name, folder), bank_name)
            if record.problem:
                print(f"{name}: {record.problem} Scored 0.")
                return 0.0
            entry = record.graded.get(item_id)
            if not isinstance(entry, dict) or "answer" not in entry:
                print(f"{name}: no answer was saved. Scored 0 of {points:g}.")
                return 0.0
            answer = clean_answer(item, entry["answer"])
            result = score_answer(item, answer, key)
        except AnswerError as err:
            print(f"{name}: the saved answer cannot be graded ({err}). Scored 0 of {points:g}.")
            return 0.0
        except Exception as err:
            print(f"{name}: the saved answer could not be graded ({type(err).__name__}: {err}). Scored 0.")
            return 0.0
        earned = round(min(max(result.fraction, 0.0), 1.0) * points, 2)
        print(f"{name}: {earned:g} of {points:g} point(s). You answered: {describe_answer(item, answer)}.")
        if result.message and not result.correct:
            print(result.message)
        if explanation:
            print(f"Why: {explanation}")
        return float(earned)


def check_answer(name: str, value: object, expected: type | tuple[type, ...], *, item_type: type | None = None) -> None:
    """Visible check of a code answer's type and shape; hints at what is wrong, never at the value."""
    if value is Ellipsis:
        raise AssertionError(f"{name} is still `...`: replace the ... with your answer and run the cell.")
    if not isinstance(value, expected):
        wanted = " or ".join(t.__name__ for t in (expected if isinstance(expected, tuple) else (expected,)))
        raise AssertionError(f"{name} should be a {wanted}, but it is a {type(value).__name__}.")
    if item_type is not None:
        odd = [v for v in value if not isinstance(v, item_type)]
        if odd:
            raise AssertionError(
                f"Every item of {name} should be a {item_type.__name__}; found a {type(odd[0]).__name__}."
            )
    print(f"{name} has the right type. This check does not say whether the value is right.")
