"""What nbgrader test cells call in the student's kernel: visible checks that hint, and a data-only export.

Nothing here decides a grade. The grader scores every graded cell in its own process (billcode.instructor.grade.marking),
from the answers file as submitted and from the value check_answer() exports, with keys the kernel never sees.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from IPython.display import HTML, display

EXPORT_MIME = "application/vnd.billcode.value+json"
GRADING_FILE = ".billcode_grading.json"  # the grader's inputs (data, never a seed), in the sandbox's scratch folder
PUBLIC_SEED = "example"  # the inputs a learner's own check runs on: the notebook's worked examples
MAX_EXPORT_ITEMS = 10_000  # values, all levels together
MAX_EXPORT_DEPTH = 8


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence warnings and stderr: nbgrader scores any cell that writes to stderr as 0."""
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


class NotPlainData(TypeError):
    """A value that cannot leave the kernel as plain data; the message is meant for the learner."""


def plain(value: object, depth: int = 0, budget: list[int] | None = None) -> object:
    """Copy a value into exact built-in types (str, int, float, bool, None, list, dict with str keys).

    Subclasses are copied through the base type's own methods, so an overridden __eq__, __iter__ or __str__
    never reaches the grader; anything else (objects, arrays, Series) is refused with a hint.
    """
    budget = budget if budget is not None else [MAX_EXPORT_ITEMS]
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_EXPORT_DEPTH:
        raise NotPlainData("it is too large or too deeply nested")
    if value is None or type(value) is bool:
        return value
    for base in (str, int, float):
        if isinstance(value, base) and not isinstance(value, bool):
            return base.__new__(base, value) if base is not str else str.__str__(value)
    if isinstance(value, list):
        return [plain(v, depth + 1, budget) for v in list.__iter__(value)]
    if isinstance(value, dict):
        items = list(dict.items(value))
        if any(not isinstance(k, str) for k, _ in items):
            raise NotPlainData("its dictionary keys must be text")
        return {str.__str__(k): plain(v, depth + 1, budget) for k, v in items}
    hint = " (use .tolist() to turn a pandas column into a list)" if hasattr(value, "tolist") else ""
    raise NotPlainData(f"it holds a {type(value).__name__}, not only plain lists, text and numbers{hint}")


class NotDone(AssertionError):
    """A graded task is not done yet; shown as one plain line (no course source) when nbgrader validates."""

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


def not_done(title: str, problem: str) -> None:
    """Tell the learner what is missing: a notice on screen, or a failed check for nbgrader's Validate button."""
    if os.environ.get("NBGRADER_VALIDATING"):
        raise NotDone(f"{title}: {problem}")
    from billcode.quiz.render import inline_html
    from billcode.quiz.widgets import message_html

    display({"text/html": message_html("notice", inline_html(problem), title=f"{title}: not done yet.", live=False),
             "text/plain": f"⚠ {title}: not done yet. {problem[:1].upper()}{problem[1:]}"}, raw=True)


def check_answer(name: str, value: object, expected: type | tuple[type, ...], *, item_type: type | None = None) -> None:
    """Visible check of a code answer's type and shape (hints, never the value); hands the value to the grader."""
    wanted = expected if isinstance(expected, tuple) else (expected,)
    problem = None
    if value is Ellipsis:
        problem = f"`{name}` is still `...`: replace the ... with your answer and run that cell, then this one."
    elif not isinstance(value, wanted):
        names = " or ".join(t.__name__ for t in wanted)
        problem = f"`{name}` should be a {names}, but it is a {type(value).__name__}."
    elif item_type is not None and any(not isinstance(v, item_type) for v in value):
        odd = next(v for v in value if not isinstance(v, item_type))
        problem = f"Every item of `{name}` should be a {item_type.__name__}; found a {type(odd).__name__}."
    if problem is None:
        try:
            data = plain(value)
        except NotPlainData as err:
            problem = f"`{name}` cannot be handed in: {err}."
    if problem:
        not_done(f"Code exercise `{name}`", problem)
        return
    display({EXPORT_MIME: {"name": name, "value": data}, "text/plain": f"{name} handed in for grading."}, raw=True)
    print(f"{name} has the right type. This check does not say whether the value is right.")


@dataclass(frozen=True)
class Exercise:
    """A graded function exercise: inputs to call the learner's function on, and what it must return.

    cases(seed) gives the argument tuples: PUBLIC_SEED gives the notebook's own examples. The grader makes a set from
    a seed of its own and hands the kernel only the inputs (grading_inputs), so a function that only knows the
    examples' answers cannot pass, and the generator cannot be replayed to find them. Keys never live here.
    """

    name: str
    cases: Callable[[str], list[tuple]]
    returns: type | tuple[type, ...]
    shape: str
    describe: Callable[[tuple], str] = repr
    hint: Callable[[list], str | None] | None = None  # on the examples' results: a shape problem, in words, or None


def encode_args(args: tuple) -> list:
    """A case's arguments as JSON data: a DataFrame becomes {"frame": its CSV text}."""
    import pandas as pd

    return [{"frame": a.to_csv(index=False)} if isinstance(a, pd.DataFrame) else a for a in args]


def decode_args(data: list) -> tuple:
    """The arguments encode_args wrote, with each table read back exactly as load_table reads a file."""
    from billcode.data import read_csv_text

    return tuple(read_csv_text(a["frame"]) if isinstance(a, dict) and set(a) == {"frame"} else a for a in data)


def grading_inputs(name: str) -> tuple[str, list[tuple]] | None:
    """The inputs the grader handed this run for one exercise, with their label, or None outside autograding."""
    path = Path(GRADING_FILE)
    if os.environ.get("NBGRADER_EXECUTION") != "autograde" or not path.is_file():
        return None
    try:
        handed = json.loads(path.read_text(encoding="utf-8"))
        label, cases = handed["label"], handed["cases"][name]
        return str(label), [decode_args(c) for c in cases]
    except Exception:  # a damaged file: the check runs on the examples, and the grader will see that
        return None


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run_cases(exercise: Exercise, function: Callable, cases: list[tuple]) -> list[dict]:
    """Call the function on each case (on copies, so it cannot change later cases): its value, or its error."""
    results = []
    for args in cases:
        try:
            value = function(*copy.deepcopy(args))
        except Exception as err:  # the learner's error, reported per case
            results.append({"error": _short(f"{type(err).__name__}: {err}")})
            continue
        if not isinstance(value, exercise.returns):
            kinds = exercise.returns if isinstance(exercise.returns, tuple) else (exercise.returns,)
            names = " or ".join("None" if t is type(None) else t.__name__ for t in kinds)
            numpy = " (a pandas or numpy number: wrap it in int(...) or float(...))" if hasattr(value, "item") else ""
            results.append({"error": f"returned {type(value).__name__}{numpy}, not {names}"})
            continue
        try:
            results.append({"value": plain(value)})
        except NotPlainData as err:
            results.append({"error": f"returned something that cannot be handed in: {err}"})
    return results


def check_function(exercise: Exercise, function: object) -> None:
    """Visible check of a function exercise: runs it on inputs, hints at type and errors, hands the results in."""
    title = f"Code exercise `{exercise.name}`"
    if function is Ellipsis:
        not_done(title, f"`{exercise.name}` is still `...`: write the function in that cell and run it, then this one.")
        return
    if not callable(function):
        not_done(title, f"`{exercise.name}` should be a function (def {exercise.name}(...):), but it is a "
                        f"{type(function).__name__}.")
        return
    handed = grading_inputs(exercise.name)
    label, cases = handed if handed else (PUBLIC_SEED, exercise.cases(PUBLIC_SEED))
    results = run_cases(exercise, function, cases)
    failed = [(i, r["error"]) for i, r in enumerate(results) if "error" in r]
    handed_text = (f"{exercise.name}: {len(results) - len(failed)} of {len(results)} results handed in for grading "
                   "(not done yet: see below)." if failed else f"{exercise.name} handed in for grading.")
    display({EXPORT_MIME: {"name": exercise.name, "value": {"inputs": label, "results": results}},
             "text/plain": handed_text}, raw=True)
    if failed:
        number, error = failed[0]
        not_done(title, f"on {len(failed)} of {len(results)} test input(s) the function did not give an answer. "
                        f"Input {number + 1} was {_short(exercise.describe(cases[number]))}; it "
                        f"{error if error.startswith('returned') else 'raised ' + error}. It should return {exercise.shape}.")
        return
    problem = exercise.hint([r["value"] for r in results]) if exercise.hint and handed is None else None
    if problem:
        not_done(title, problem)
        return
    first = repr(results[0]["value"]) if results else "nothing"
    print(f"{exercise.name} ran on {len(results)} input(s) and returned {exercise.shape} each time. "
          f"For input 1 ({_short(exercise.describe(cases[0]), 120)}) it returned {_short(first, 160)}.")
    print("This check does not say whether the values are right: grading runs your function on other inputs.")
