"""Notebook 01's revenue-cycle exercise: a list of step names picked from the cycle table.

Its check cell asks no_step_matched first, so an empty list (a value misspelled, or two texts with no comma between
them, which Python joins into one) gets a sentence saying what to look at, not a green "ready for grading".
"""

from __future__ import annotations

from billcode.quiz.checks import notebook_value, not_done


def no_step_matched(name: str) -> bool:
    """True, after saying what to check, when the notebook's `name` is an empty list; False for anything else."""
    value = notebook_value(name)
    if type(value) is not list or len(value) > 0:  # only an exact list: a look-alike object goes to the usual check
        return False
    not_done(f"Code exercise {name}", f"`{name}` is an empty list: no step matched. Check the values in `.isin([...])`: "
             "each spelled as in the table, each in quotes, with a comma between them, as in "
             '`["first", "second"]`. Then run that cell, and this one.')
    return True
