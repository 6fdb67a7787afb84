"""The learner's own functions, as the given code that assembles them (scrubber, posting, aging) calls them.

The notebook's given cells find a mini exercise's function by its name, as the check cells do, so a deleted or
unfinished cell gives a sentence saying what to do, never a NameError or a traceback from course code.
"""

from __future__ import annotations

from collections.abc import Callable

from billcode.quiz.checks import MISSING, notebook_value


class NotReady(Exception):
    """A learner's function is missing or does not work yet; the message says what to do, in plain words."""


def learner_function(name: str) -> Callable:
    """The learner's function called name in the running notebook; NotReady if there is none yet."""
    function = notebook_value(name)
    if function is MISSING or function is Ellipsis:
        raise NotReady(f"there is no {name} in this notebook yet: run the cell that starts def {name}( and then "
                       "this one again.")
    if not callable(function):
        raise NotReady(f"{name} should be a function (def {name}(...):), but it is a {type(function).__name__}.")
    return function


def call(function: Callable, name: str, *args: object) -> object:
    """Call the learner's function; any error it raises becomes NotReady, naming the input that caused it."""
    try:
        return function(*args)
    except Exception as err:  # the learner's code: reported in words, never as a traceback
        shown = ", ".join(repr(a) for a in args)
        raise NotReady(f"{name}({shown}) raised {type(err).__name__}: {err}. Run its check cell to find out more.") \
            from None
