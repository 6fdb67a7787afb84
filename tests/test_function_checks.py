"""Function exercises: the visible check (hints, never values) and the grader's scoring of what it handed in."""

from __future__ import annotations

import json

import pytest

from billcode.exercises import EXERCISES
from billcode.instructor.keys import FunctionCheck
from billcode.instructor.marking import exported_value, score_function
from billcode.quiz import checks
from billcode.quiz.checks import EXPORT_MIME, GRADING_FILE, Exercise, check_function, grading_seed, run_cases

SQUARE = Exercise("square", lambda seed: [(2,), (3,)] if seed == "example" else [(int(c, 16),) for c in seed[:4]],
                  (int, float), "a number")
REFERENCE = FunctionCheck("square", lambda x: x * x, "Multiply the number by itself.")


@pytest.fixture
def shown(monkeypatch):
    """Everything check_function displays: (exports, notices)."""
    exports, notices = [], []

    def display(obj, raw=False):
        if isinstance(obj, dict) and EXPORT_MIME in obj:
            exports.append(obj[EXPORT_MIME])
        else:
            notices.append(getattr(obj, "data", str(obj)))

    monkeypatch.setattr(checks, "display", display)
    monkeypatch.delenv("NBGRADER_VALIDATING", raising=False)
    return exports, notices


def test_a_right_function_is_handed_in_with_a_type_hint_only(shown, capsys):
    exports, notices = shown
    check_function(SQUARE, lambda x: x * x)
    assert exports == [{"name": "square", "value": {"seed": "example", "results": [{"value": 4}, {"value": 9}]}}]
    out = capsys.readouterr().out
    assert "returned a number each time" in out and "does not say whether the values are right" in out
    assert not notices


@pytest.mark.parametrize("function, words", [
    (..., "is still"),
    (42, "should be a function"),
    (lambda x: None, "returned a NoneType, not a int or float"),
    (lambda x: 1 / 0, "raised ZeroDivisionError"),
    (lambda x: {1, 2}, "returned a set"),
])
def test_unfinished_functions_get_a_notice_not_a_traceback(shown, function, words):
    _, notices = shown
    check_function(SQUARE, function)
    assert len(notices) == 1 and words in notices[0], notices


def test_under_validate_an_unfinished_function_fails_in_one_line(monkeypatch):
    monkeypatch.setenv("NBGRADER_VALIDATING", "1")
    with pytest.raises(checks.NotDone, match="square"):
        check_function(SQUARE, lambda x: None)


def test_arguments_are_copies_and_objects_cannot_leave():
    cases = Exercise("f", lambda seed: [([1, 2],), ([3],)], list, "a list")
    assert run_cases(cases, lambda xs: xs.append(0) or xs, "example") == [{"value": [1, 2, 0]}, {"value": [3, 0]}]

    class Sneaky(list):
        def __eq__(self, other):
            return True

    got = run_cases(cases, lambda xs: Sneaky(xs), "example")
    assert got == [{"value": [1, 2]}, {"value": [3]}] and all(type(r["value"]) is list for r in got)


def test_the_grading_seed_is_read_only_when_nbgrader_autogrades(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / GRADING_FILE).write_text(json.dumps({"seed": "abc123"}))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert grading_seed() == "example"
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert grading_seed() == "abc123"
    (tmp_path / GRADING_FILE).write_text("{broken")
    assert grading_seed() == "example"


def export(seed, results):
    return [{"output_type": "display_data", "data": {EXPORT_MIME: {"name": "square", "value": {"seed": seed, "results": results}}}}]


def test_full_marks_only_when_every_grader_input_is_right():
    seed = "0a0b0c0d"
    right = [{"value": x * x} for (x,) in SQUARE.cases(seed)]
    points, message = score_function(REFERENCE, SQUARE, seed, *exported_value(export(seed, right), "square"), 2)
    assert points == 2.0 and "Right on all 4" in message
    one_off = [*right[:3], {"value": 0}]
    points, message = score_function(REFERENCE, SQUARE, seed, *exported_value(export(seed, one_off), "square"), 2)
    assert points == 0.0 and "right on 3 of 4" in message and "input 4" in message


def test_answers_for_other_inputs_score_zero():
    examples = [{"value": 4}, {"value": 9}]
    points, message = score_function(REFERENCE, SQUARE, "0a0b0c0d", *exported_value(export("example", examples), "square"), 2)
    assert points == 0.0 and "other inputs than the grader's" in message
    points, message = score_function(REFERENCE, SQUARE, "0a0b0c0d", False, None, 2)
    assert points == 0.0 and "no results reached the grader" in message
    errors = [{"error": "ZeroDivisionError: division by zero"}] * 4
    points, message = score_function(REFERENCE, SQUARE, "0a0b0c0d", *exported_value(export("0a0b0c0d", errors), "square"), 2)
    assert points == 0.0 and "ZeroDivisionError" in message


def test_true_is_not_one_and_numbers_need_their_tolerance():
    seed = "11111111"
    bools = [{"value": True}] * 4  # 1 * 1 == 1 == True, but a bool is not a number here
    assert score_function(REFERENCE, SQUARE, seed, *exported_value(export(seed, bools), "square"), 1)[0] == 0.0
    loose = FunctionCheck("square", lambda x: x * x + 0.004, tolerance=0.01)
    assert score_function(loose, SQUARE, seed, *exported_value(export(seed, [{"value": 1}] * 4), "square"), 1)[0] == 1.0


def test_every_course_exercise_has_examples_and_other_inputs():
    for name, exercise in EXERCISES.items():
        examples, hidden = exercise.cases("example"), exercise.cases("0123456789abcdef")
        assert examples and hidden, name
        assert repr(examples) != repr(hidden), name
        assert exercise.describe(hidden[0]), name


def test_submission_status_sees_that_a_function_is_not_done_yet():
    from billcode.quiz.engine import function_problem

    assert function_problem("patient_share", lambda *a: None) == "it returns nothing yet"
    assert function_problem("patient_share", 3) == "it is not a function yet"
    assert "raised ZeroDivisionError" in function_problem("patient_share", lambda *a: 1 / 0)
    assert "never reports npi" in function_problem("scrub", lambda c, d, l: {"C1004": ["member_id"]})
    assert function_problem("patient_share", lambda a, d, c, p: round(a, 2)) is None  # filled in (not graded here)
    assert function_problem("coder_steps", ["a list"]) is None  # a value exercise: not checked here
