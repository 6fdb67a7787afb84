"""01's Exercise 1 check (coder_steps): an empty list is named as such, not handed in under a green tick."""

from __future__ import annotations

import nbformat
import pytest

from billcode.billing import cycle as cycle_check
from billcode.data import load_table
from billcode.quiz import checks
from nbgrader_helpers import AUTOGRADER

MASTER = AUTOGRADER / "source" / "01_overview" / "01_overview.ipynb"


def check_cell() -> str:
    """The source of 01's graded check cell for coder_steps."""
    cells = nbformat.read(MASTER, as_version=4).cells
    return next(c.source for c in cells if c.metadata.get("nbgrader", {}).get("grade_id") == "coder_steps_test")


def run_check(monkeypatch, value: object) -> list[dict]:
    """Run the check cell as the notebook does, with coder_steps = value; what it displayed."""
    shown: list[dict] = []
    monkeypatch.setattr(checks, "display", lambda obj, raw=False: shown.append(obj))
    monkeypatch.setattr(checks, "notebook_value", lambda name: value if name == "coder_steps" else checks.MISSING)
    monkeypatch.setattr(cycle_check, "notebook_value", checks.notebook_value)
    monkeypatch.delenv("NBGRADER_VALIDATING", raising=False)
    exec(compile(check_cell(), "coder_steps_test", "exec"), {})
    return shown


def texts(shown: list[dict]) -> str:
    return " ".join(s.get("text/plain", "") for s in shown)


def test_a_missing_comma_gives_an_empty_list_and_the_check_says_what_to_look_at(monkeypatch):
    cycle = load_table("revenue_cycle")
    slip = cycle.loc[cycle["coder"].isin(["main" "supports"]), "name"].tolist()  # noqa: ISC001 - the learner's slip
    assert slip == []
    shown = run_check(monkeypatch, slip)
    said = texts(shown)
    assert "not done yet" in said and "empty list" in said and "comma" in said, said
    assert "ready for grading" not in said and "✔" not in said
    assert not any(checks.EXPORT_MIME in s for s in shown), "an empty list is not handed in as if it were an answer"


def test_the_right_list_is_handed_in_as_before(monkeypatch):
    cycle = load_table("revenue_cycle")
    right = cycle.loc[cycle["coder"].isin(["main", "supports"]), "name"].tolist()
    shown = run_check(monkeypatch, right)
    assert "ready for grading" in texts(shown) and f"It holds {len(right)} items" in texts(shown)
    assert [s[checks.EXPORT_MIME] for s in shown if checks.EXPORT_MIME in s] == [{"name": "coder_steps", "value": right}]


@pytest.mark.parametrize("value", [checks.MISSING, Ellipsis, "Coding", ["Coding"], [1, 2]],
                         ids=["missing", "ellipsis", "text", "one-step", "numbers"])
def test_anything_but_an_empty_list_gets_the_usual_check(monkeypatch, value):
    assert cycle_check.no_step_matched("coder_steps") is False  # outside a notebook: nothing to look at
    shown = run_check(monkeypatch, value)
    assert "empty list" not in texts(shown)


def test_an_empty_look_alike_goes_to_the_usual_check_untouched(monkeypatch):
    class Sneaky(list):
        def __len__(self):
            raise AssertionError("no_step_matched must not call a look-alike's methods")

    monkeypatch.setattr(cycle_check, "notebook_value", lambda name: Sneaky())
    assert cycle_check.no_step_matched("coder_steps") is False


def test_the_check_cell_still_hands_in_through_check_answer_by_name():
    source = check_cell()
    assert 'check_answer("coder_steps", expected=list, item_type=str, lookup=True)' in source
    assert 'no_step_matched("coder_steps")' in source
