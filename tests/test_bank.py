import copy
import json
from pathlib import Path

import pytest

import jsonschema

from billcode.quiz.bank import BankError, bank_schema, find_item, item_number, load_bank, load_bank_file, validate_bank
from billcode.data import data_dir

BANKS = sorted((data_dir() / "quiz").glob("*.json"))


@pytest.mark.parametrize("path", BANKS, ids=lambda p: p.stem)
def test_shipped_banks_are_valid(path):
    jsonschema.Draft7Validator.check_schema(bank_schema())
    errors = list(jsonschema.Draft7Validator(bank_schema()).iter_errors(json.loads(path.read_text())))
    assert errors == []
    bank = load_bank_file(path)
    assert bank["bank"] == path.stem
    assert load_bank(path.stem)["items"]


@pytest.mark.parametrize("path", BANKS, ids=lambda p: p.stem)
def test_graded_items_ship_without_keys_or_explanations(path):
    """The key of a graded item lives only in the master's hidden tests, never in the installed package."""
    for item in json.loads(path.read_text())["items"]:
        if item["mode"] == "graded":
            assert not {"key", "explanation", "feedback"} & set(item), item["id"]
            assert all("feedback" not in option for option in item.get("options", [])), item["id"]


@pytest.mark.parametrize("path", BANKS, ids=lambda p: p.stem)
def test_every_practice_item_explains_and_cites(path):
    for item in json.loads(path.read_text())["items"]:
        assert item["source"].strip(), item["id"]
        if item["mode"] == "practice":
            assert len(item["explanation"]) > 40, item["id"]


def test_fixture_covers_every_type_in_both_modes(bank):
    kinds = {(i["type"], i["mode"]) for i in bank["items"]}
    for kind in ["single", "multiple", "truefalse", "numeric", "code", "matching", "ordering"]:
        assert (kind, "practice") in kinds
        assert (kind, "graded") in kinds


def broken(bank, item_id, **changes):
    bad = copy.deepcopy(bank)
    item = find_item(bad, item_id)
    for key, value in changes.items():
        if value is None:
            item.pop(key, None)
        else:
            item[key] = value
    return bad


@pytest.mark.parametrize(
    ("item_id", "changes", "message"),
    [
        ("fx-g1", {"key": "b"}, "item fx-g1: a graded item must not carry key"),  # it would ship to students
        ("fx-p1", {"key": "z"}, "item fx-p1: the key is not a valid answer"),
        ("fx-p1", {"objective": "O9"}, "item fx-p1: objective 'O9'"),
        ("fx-p1", {"explanation": None}, "item fx-p1"),
        ("fx-p2", {"type": "sorting"}, "item fx-p2"),
        ("fx-p6", {"key": {"t1": "coder"}}, "item fx-p6: the key is not a valid answer"),
        ("fx-p7", {"key": ["visit", "code", "claim"]}, "item fx-p7: the key is not a valid answer"),
        ("fx-p4", {"key": "2100"}, "item fx-p4: a numeric key must be a number"),
        ("fx-p1", {"options": [{"id": "a", "text": "x", "feedback": "y"}, {"id": "a", "text": "z", "feedback": "w"}]},
         "duplicate ids"),
    ],
)
def test_malformed_bank_names_file_and_item(bank, item_id, changes, message):
    with pytest.raises(BankError, match=message) as err:
        validate_bank(broken(bank, item_id, **changes), "quiz/99_fixture.json")
    assert "quiz/99_fixture.json" in str(err.value)


def test_duplicate_item_ids_are_refused(bank):
    bad = copy.deepcopy(bank)
    bad["items"].append(copy.deepcopy(bad["items"][0]))
    with pytest.raises(BankError, match="fx-p1: the id is used twice"):
        validate_bank(bad, "x.json")


def test_bad_json_names_the_file(tmp_path: Path):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(BankError, match="bad.json: not valid JSON"):
        load_bank_file(path)


def test_numbering(bank):
    assert item_number(bank, "fx-p3") == "Check 3"
    assert item_number(bank, "fx-g2") == "Question 2"
    with pytest.raises(KeyError, match="no question 'nope'"):
        find_item(bank, "nope")
