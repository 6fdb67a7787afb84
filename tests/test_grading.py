"""grade() and check_answer(): what nbgrader test cells call. They must never crash and never write to stderr."""

import json
import re
import sys
import warnings

import pytest

from billcode.answers import save_graded
from billcode.grading import check_answer, grade, quiet


def run(bank, tmp_path, item_id, key, points, capsys):
    earned = grade("99_fixture", item_id, key, points, "Because.", folder=tmp_path, bank=bank)
    captured = capsys.readouterr()
    assert captured.err == ""
    return earned, captured.out


def test_full_partial_and_zero(bank, tmp_path, capsys):
    path = tmp_path / "99_fixture_answers.json"
    save_graded(path, "99_fixture", "fx-g2", ["a", "c"])
    earned, out = run(bank, tmp_path, "fx-g2", ["a", "b"], 2, capsys)
    assert earned == 0.0 and "0 of 2 point(s)" in out and "Why: Because." in out
    save_graded(path, "99_fixture", "fx-g2", ["a"])
    assert run(bank, tmp_path, "fx-g2", ["a", "b"], 2, capsys)[0] == 1.0
    save_graded(path, "99_fixture", "fx-g4", ["code", "post", "claim"])
    assert run(bank, tmp_path, "fx-g4", ["code", "claim", "post"], 2, capsys)[0] == pytest.approx(1.33)
    save_graded(path, "99_fixture", "fx-g7", "i10")
    assert run(bank, tmp_path, "fx-g7", "I10", 1, capsys)[0] == 1.0


def test_returns_a_plain_float_nbgrader_can_read(bank, tmp_path, capsys):
    save_graded(tmp_path / "99_fixture_answers.json", "99_fixture", "fx-g3", {"t1": "coder", "t2": "coder"})
    earned, _ = run(bank, tmp_path, "fx-g3", {"t1": "coder", "t2": "biller"}, 2, capsys)
    assert type(earned) is float and repr(earned) == "1.0"


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no answer was saved"), ("{oops", "could not be read"), ("[1, 2]", "does not hold a set of answers"),
     (json.dumps({"graded": {"fx-g1": "b"}}), "no answer was saved"),
     (json.dumps({"graded": {"fx-g1": {"answer": ["b"]}}}), "cannot be graded"),
     (json.dumps({"graded": {"fx-g1": {"answer": "zzz"}}}), "not one of this question's options"),
     (json.dumps({"bank": "other", "graded": {"fx-g1": {"answer": "b"}}}), "not '99_fixture'"),
     (json.dumps({"graded": []}), "not laid out as an answers file"),
     ("\udcff".encode("utf-8", "surrogatepass"), "could not be read")],
)
def test_tampered_or_missing_answers_score_zero_with_a_message(bank, tmp_path, capsys, content, message):
    path = tmp_path / "99_fixture_answers.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    earned, out = run(bank, tmp_path, "fx-g1", "b", 1, capsys)
    assert earned == 0.0 and message in out


def test_unknown_bank_or_item_scores_zero(tmp_path, capsys):
    assert grade("no_such_bank", "x-g1", "a", 1, folder=tmp_path) == 0.0
    assert "could not load the question" in capsys.readouterr().out


def test_quiet_swallows_warnings_and_stderr(capsys):
    with quiet():
        warnings.warn("pandas says something", FutureWarning)
        print("to stderr", file=sys.stderr)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("value", "kind", "item_type", "message"),
    [(..., list, str, "still `...`"), ("Coding", list, str, "should be a list, but it is a str"),
     (["Coding", 3], list, str, "found a int"), (None, (int, float), None, "should be a int or float")],
)
def test_check_answer_hints_at_type_and_shape(value, kind, item_type, message):
    with pytest.raises(AssertionError, match=re.escape(message)):
        check_answer("answer", value, kind, item_type=item_type)


def test_check_answer_is_honest_about_what_it_checks(capsys):
    check_answer("answer", ["Coding"], list, item_type=str)
    assert "does not say whether the value is right" in capsys.readouterr().out

