"""What nbgrader test cells call in the student's kernel: visible checks that hint, and a data-only export.

Nothing here decides a grade. The grader scores every graded cell in its own process (billcode.instructor.marking),
from the answers file as submitted and from the value check_answer() exports, with keys the kernel never sees.
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from collections.abc import Iterator

from IPython.display import HTML, display

EXPORT_MIME = "application/vnd.billcode.value+json"
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

    display(HTML(message_html("notice", inline_html(problem), title=f"{title}: not done yet.", live=False)))


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
