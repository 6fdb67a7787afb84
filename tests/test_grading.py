"""Kernel side (check_answer, quiet) and grader side (billcode.instructor.grade.marking): what decides a grade, and what cannot."""

import json
import re
import sys
import warnings

import pytest

from billcode.quiz.answers import parse_answers
from billcode.quiz.checks import MISSING, EXPORT_MIME, check_answer, plain, quiet
from billcode.instructor.keys import QuizKey, ValueCheck
from billcode.instructor.grade.marking import exported_value, same_value, score_quiz, score_value


def answers(graded: dict) -> bytes:
    return json.dumps({"bank": "99_fixture", "graded": {k: {"answer": v} for k, v in graded.items()}}).encode()


def quiz_points(bank, item_id, key, points, raw):
    return score_quiz(bank, QuizKey(item_id, key, "Because."), parse_answers(raw, "99_fixture"), points)


def test_full_partial_and_zero(bank):
    earned, message = quiz_points(bank, "fx-g2", ["a", "b"], 2, answers({"fx-g2": ["a", "c"]}))
    assert earned == 0.0 and "0 of 2 point(s)" in message and "Why: Because." in message
    assert quiz_points(bank, "fx-g2", ["a", "b"], 2, answers({"fx-g2": ["a"]}))[0] == 1.0
    assert quiz_points(bank, "fx-g4", ["code", "claim", "post"], 2, answers({"fx-g4": ["code", "post", "claim"]}))[0] == pytest.approx(1.33)
    assert quiz_points(bank, "fx-g7", "I10", 1, answers({"fx-g7": "i10"}))[0] == 1.0


def test_points_are_a_plain_float_nbgrader_can_read(bank):
    earned, _ = quiz_points(bank, "fx-g3", {"t1": "coder", "t2": "biller"}, 2, answers({"fx-g3": {"t1": "coder", "t2": "coder"}}))
    assert type(earned) is float and repr(earned) == "1.0"


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "is empty"), (b"{oops", "could not be read"), (b"[1, 2]", "does not hold a set of answers"),
     (json.dumps({"graded": {"fx-g1": "b"}}).encode(), "no answer was saved"),
     (json.dumps({"graded": {"fx-g1": {"answer": ["b"]}}}).encode(), "cannot be graded"),
     (json.dumps({"graded": {"fx-g1": {"answer": "zzz"}}}).encode(), "not one of this question's options"),
     (json.dumps({"bank": "other", "graded": {"fx-g1": {"answer": "b"}}}).encode(), "not '99_fixture'"),
     (json.dumps({"graded": []}).encode(), "not laid out as an answers file"),
     ("\udcff".encode("utf-8", "surrogatepass"), "could not be read"),
     (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
     (b'{"graded": {"fx-g1": {"answer": "' + b"x" * 1_100_000 + b'"}}}', "too large")],
)
def test_tampered_or_damaged_answers_score_zero_with_a_message(bank, content, message):
    earned, said = quiz_points(bank, "fx-g1", "b", 1, content)
    assert earned == 0.0 and message in said


def test_quiet_swallows_warnings_and_stderr(capsys):
    with quiet():
        warnings.warn("pandas says something", FutureWarning)
        print("to stderr", file=sys.stderr)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("value", "kind", "item_type", "message"),
    [(..., list, str, "still `...`"), ("Coding", list, str, "should be a list, but it is text"),
     (["Coding", 3], list, str, "found a whole number"), (None, (int, float), None,
                                                           "should be a whole number or a decimal number"),
     ([object()], list, None, "cannot be handed in")],
)
def test_check_answer_hints_at_type_and_shape(value, kind, item_type, message, monkeypatch):
    shown = []
    monkeypatch.setattr("billcode.quiz.checks.display",  # a notice: its HTML (the plain copy is tested elsewhere)
                        lambda obj, **kw: shown.append(obj["text/html"] if isinstance(obj, dict) else obj))
    check_answer("answer", value, kind, item_type=item_type)  # a notice, never a traceback with course source
    text = re.sub(r"</?code>", "`", shown[0]) if shown else ""
    assert len(shown) == 1 and message in text and "not done yet" in text and EXPORT_MIME not in str(shown)
    monkeypatch.setenv("NBGRADER_VALIDATING", "1")  # nbgrader's Validate button: a failed check, one plain line
    with pytest.raises(AssertionError, match=re.escape(message)) as raised:
        check_answer("answer", value, kind, item_type=item_type)
    assert raised.value._render_traceback_() == [str(raised.value)]


def test_check_answer_is_honest_about_what_it_checks(monkeypatch):
    shown = []
    monkeypatch.setattr("billcode.quiz.checks.display", lambda obj, **kw: shown.append(obj))
    check_answer("answer", ["Coding"], list, item_type=str)
    told = shown[-1]["text/plain"]
    assert "not whether it is right" in told and "'Coding'" in told and "ready for grading" in told
    assert shown[0]["text/plain"] == "" and EXPORT_MIME in shown[0]  # the value goes to the grader, silently


def test_check_answer_can_find_its_value_by_name(monkeypatch):
    shown = []
    monkeypatch.setattr("billcode.quiz.checks.display", lambda obj, **kw: shown.append(obj))
    monkeypatch.delenv("NBGRADER_VALIDATING", raising=False)
    monkeypatch.setattr("billcode.quiz.checks.notebook_value", lambda name: ["Coding"] if name == "found" else MISSING)
    check_answer("found", expected=list, item_type=str, lookup=True)
    assert shown[0][EXPORT_MIME]["value"] == ["Coding"]
    check_answer("lost", expected=list, item_type=str, lookup=True)  # the cell was deleted: a notice, no NameError
    assert "There is no lost in this notebook yet" in shown[-1]["text/plain"]


class AlwaysEqual(list):
    def __eq__(self, other):
        return True


class Sneaky(str):
    def __eq__(self, other):
        return True


class Liar(list):
    def __iter__(self):
        return iter(["Coding", "Billing"])


def test_only_exact_built_in_types_leave_the_kernel():
    assert plain({"a": [1, 2.5, "x", None, True]}) == {"a": [1, 2.5, "x", None, True]}
    copied = plain([AlwaysEqual(["Coding"]), Sneaky("Coding"), Liar(["x"])])
    assert copied == [["Coding"], "Coding", ["x"]]  # copied through the base types: overrides never run
    assert [type(v) for v in copied] == [list, str, list] and type(copied[0][0]) is str
    for fake in ({1: "a"}, ("a",), object(), [[[[[[[[[[["deep"]]]]]]]]]]]):
        with pytest.raises(TypeError):
            plain(fake)


def test_the_grader_compares_plain_data_exactly():
    assert same_value(["Coding", "Billing"], ["Coding", "Billing"])
    assert not same_value(["Billing", "Coding"], ["Coding", "Billing"])
    assert not same_value(True, 1) and not same_value(1, True) and not same_value("1", 1)
    assert same_value(1400.0, 1400) and same_value(0.1 + 0.2, 0.3) and not same_value(float("nan"), 1.0)
    assert same_value(10.004, 10.0, tolerance=0.005) and not same_value(10.01, 10.0, tolerance=0.005)
    assert not same_value({"a": 1}, {"a": 1, "b": 2})
    assert not same_value(AlwaysEqual(["x"]), ["Coding"])  # a list subclass never equals plain data


def test_score_value_uses_the_last_export_and_never_the_kernels_say():
    check = ValueCheck("steps", ["Coding", "Billing"], "Because.")
    outputs = [{"output_type": "display_data", "data": {EXPORT_MIME: {"name": "steps", "value": ["Coding"]}}},
               {"output_type": "execute_result", "data": {"text/plain": "1.0"}},
               {"output_type": "display_data", "data": {EXPORT_MIME: {"name": "other", "value": ["Coding", "Billing"]}}}]
    earned, message = score_value(check, *exported_value(outputs, "steps"), 1)
    assert earned == 0.0 and "has 1 item(s); the expected list has 2" in message and "Why: Because." in message
    outputs.append({"output_type": "display_data", "data": {EXPORT_MIME: json.dumps({"name": "steps", "value": ["Coding", "Billing"]})}})
    assert score_value(check, *exported_value(outputs, "steps"), 1)[0] == 1.0
    earned, message = score_value(check, *exported_value([], "steps"), 1)
    assert earned == 0.0 and "no value reached the grader" in message
