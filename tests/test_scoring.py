import pytest

from billcode.quiz.bank import find_item
from billcode.quiz.scoring import AnswerError, clean_answer, describe_answer, score_answer


def score(bank, item_id, value, key):
    item = find_item(bank, item_id)
    return score_answer(item, clean_answer(item, value), key).fraction


def test_single_and_truefalse_are_all_or_nothing(bank):
    assert score(bank, "fx-p1", "a", "a") == 1
    assert score(bank, "fx-p1", "b", "a") == 0
    assert score(bank, "fx-p3", False, False) == 1
    assert score(bank, "fx-p3", True, False) == 0


@pytest.mark.parametrize(("chosen", "fraction"), [(["a", "b"], 1.0), (["a"], 0.5), (["a", "c"], 0.0), (["a", "b", "c"], 0.5),
                                                  (["c"], 0.0), (["b", "a", "a"], 1.0)])
def test_multiple_right_minus_wrong_floored_at_zero(bank, chosen, fraction):
    assert score(bank, "fx-p2", chosen, ["a", "b"]) == fraction


def test_numeric_tolerance_and_currency(bank):
    assert score(bank, "fx-p4", "$2,100.00", 2100) == 1
    assert score(bank, "fx-p4", "2100.4", 2100) == 1
    assert score(bank, "fx-p4", "2101", 2100) == 0
    assert score(bank, "fx-g5", "$10.00", 10) == 1
    assert score(bank, "fx-g5", "10.02", 10) == 0


def test_code_ignores_case_and_dot(bank):
    assert score(bank, "fx-p5", "e119", "E11.9") == 1
    assert score(bank, "fx-p5", "E11.8", "E11.9") == 0


def test_matching_one_share_per_pair(bank):
    key = {"t1": "coder", "t2": "biller", "t3": "both"}
    assert score(bank, "fx-p6", key, key) == 1
    assert score(bank, "fx-p6", {"t1": "coder", "t2": "both", "t3": "biller"}, key) == pytest.approx(1 / 3)


def test_ordering_share_of_pairs_in_order(bank):
    key = ["visit", "code", "claim", "post"]
    assert score(bank, "fx-p7", key, key) == 1
    assert score(bank, "fx-p7", ["code", "visit", "claim", "post"], key) == pytest.approx(5 / 6)
    assert score(bank, "fx-p7", list(reversed(key)), key) == 0


@pytest.mark.parametrize(
    ("item_id", "value", "message"),
    [("fx-p1", None, "Choose one option"), ("fx-p1", "z", "not one of"), ("fx-p2", [], "at least one"),
     ("fx-p2", "a", "list of option"), ("fx-p3", None, "True or False"), ("fx-p3", "yes", "not True or False"),
     ("fx-p4", "", "Type a number"), ("fx-p4", "two thousand", "not a number"), ("fx-p5", "  ", "Type a code"),
     ("fx-p6", {"t1": "coder"}, "1 of 3 done"), ("fx-p6", {"t1": "coder", "t2": "x", "t3": "both"}, "do not belong"),
     ("fx-p7", ["visit", None, None, None], "1 of 4 done"), ("fx-p7", ["visit", "visit", "code", "claim"], "more than once"),
     ("fx-p6", ["not", "a", "dict"], "pair each")],
)
def test_bad_answers_get_a_friendly_message(bank, item_id, value, message):
    with pytest.raises(AnswerError, match=message):
        clean_answer(find_item(bank, item_id), value)


def test_describe_answer_reads_back_in_words(bank):
    assert describe_answer(find_item(bank, "fx-p1"), "a") == "The coder"
    assert describe_answer(find_item(bank, "fx-p4"), 2100.0) == "$2,100.00"
    assert describe_answer(find_item(bank, "fx-p7"), ["visit", "code", "claim", "post"]).startswith("See the patient →")
