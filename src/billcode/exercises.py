"""Every function exercise of the course, by the name the notebook gives the function, and the check cells call."""

from __future__ import annotations

from billcode.basics.exercises import EXERCISES as BASICS
from billcode.billing.exercises import EXERCISES as BILLING
from billcode.careers.exercises import EXERCISES as CAREERS
from billcode.coding.exercises import EXERCISES as CODING
from billcode.quiz.checks import MISSING, Exercise, notebook_value, not_done
from billcode.quiz.checks import check_function as _check

EXERCISES: dict[str, Exercise] = {**BASICS, **BILLING, **CODING, **CAREERS}
VALUE_NOTEBOOKS = {"00_python_for_this_course", "00b_python_lists_tables"}  # the notebooks with practice values (check_value) to look up


def exercise_entry(name: str) -> tuple[str, dict] | None:
    """The bank name and bank entry of an exercise (a function's, or a practice value's), or None."""
    from billcode.quiz.bank import load_bank

    notebooks = [EXERCISES[name].notebook] if name in EXERCISES else sorted(VALUE_NOTEBOOKS)
    for notebook in filter(None, notebooks):
        entry = next((e for e in load_bank(notebook).get("exercises", []) if e["name"] == name), None)
        if entry is not None:
            return notebook, entry
    return None


def check_function(name: str, function: object = MISSING) -> None:
    """The check a cell runs on the learner's function (given, or looked up in the notebook by its name)."""
    if name not in EXERCISES:
        not_done("Code exercise", f"there is no exercise called `{name}` in this course: check the spelling.")
        return
    if function is MISSING:
        function = notebook_value(name)
    bank, entry = exercise_entry(name) or ("", {})
    record = None
    if entry.get("mode") == "practice":
        from billcode.quiz.answers import answers_path, save_practice

        def record(fraction: float) -> None:
            try:
                save_practice(answers_path(bank), bank, name, None, fraction)
            except OSError:  # a read-only folder: the check still shows its result
                pass

    _check(EXERCISES[name], function, entry or None, record)


def check_value(name: str, value: object = MISSING) -> None:
    """The check a cell runs on a practice value the learner computed (given, or looked up by its name)."""
    from billcode.quiz.checks import check_practice_value

    found = exercise_entry(name)
    if found is None or found[1].get("mode") != "practice" or name in EXERCISES:
        not_done("Practice", f"there is no practice value called `{name}` in this course: check the spelling.")
        return
    bank, entry = found
    if value is MISSING:
        value = notebook_value(name)

    def record(fraction: float) -> None:
        from billcode.quiz.answers import answers_path, save_practice

        try:
            save_practice(answers_path(bank), bank, name, None, fraction)
        except OSError:  # a read-only folder: the check still shows its result
            pass

    check_practice_value(name, value, entry, record)
