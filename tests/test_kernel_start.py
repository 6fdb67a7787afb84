"""What a notebook's first cells cost a fresh kernel: the bank schema comes precompiled, nothing heavy is loaded
before it is used (a test of what is loaded, not of time)."""

from __future__ import annotations

import json
import subprocess
import sys

import fastjsonschema
import pytest

from billcode.quiz import bank, bank_validator

SETUP = """
import json, sys
from billcode import load_table, open_quiz, show_claim, show_table
quiz = open_quiz("02_billing", sys.argv[1])
quiz.ask("bl-p1")
from billcode.quiz import bank
print(json.dumps({"modules": sorted(sys.modules), "validator": bank._schema_check().__module__}))
"""
HEAVY = ["pyx12", "defusedxml", "simple_icd_10_cm", "matplotlib"]


def test_the_written_validator_is_the_current_schema_compiled():
    """Fails after a change to item_bank.schema.json: run `make data` (banks are still checked, more slowly)."""
    assert bank_validator.SCHEMA_SHA256 == bank.schema_digest(), "run make data"
    assert bank.VALIDATOR.read_text(encoding="utf-8") == bank.validator_source(), "run make data"


def test_the_written_validator_serves_and_a_stale_one_does_not(monkeypatch):
    bank._schema_check.cache_clear()
    try:
        assert bank._schema_check() is bank_validator.validate
        monkeypatch.setattr(bank_validator, "SCHEMA_SHA256", "0" * 64)
        bank._schema_check.cache_clear()
        compiled = bank._schema_check()
        assert compiled is not bank_validator.validate
        with pytest.raises(fastjsonschema.JsonSchemaValueException):
            compiled({"bank": "01_overview"})
    finally:
        bank._schema_check.cache_clear()


@pytest.mark.parametrize("spoil", [
    lambda b: b.pop("objectives"),
    lambda b: b["items"][0].update(type="essay"),
    lambda b: b["items"][0].update(id="Not An Id"),
    lambda b: b.update(bank=3),
])
def test_the_written_validator_rejects_what_the_schema_rejects(spoil):
    good = json.loads(json.dumps(bank.load_bank("01_overview")))
    assert bank_validator.validate(good) is not None
    spoil(good)
    with pytest.raises(fastjsonschema.JsonSchemaValueException):
        fastjsonschema.compile(bank.bank_schema())(good)
    with pytest.raises(fastjsonschema.JsonSchemaValueException):
        bank_validator.validate(good)
    with pytest.raises(bank.BankError):
        bank.validate_bank(good, "spoiled")


def test_the_setup_cell_and_a_question_load_nothing_heavy(tmp_path):
    out = subprocess.run([sys.executable, "-c", SETUP, str(tmp_path)], capture_output=True, text=True, check=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    loaded = [name for name in HEAVY if name in found["modules"]]
    assert not loaded, f"loaded before use: {loaded}"
    assert found["validator"] == "billcode.quiz.bank_validator"  # the schema was not compiled in the kernel


def test_drawing_a_question_or_hints_sends_each_widget_once(tmp_path, monkeypatch):
    """Every widget is made in its first state (classes, words): a change after it is made is one more message."""
    from ipywidgets import Widget

    from billcode.quiz.engine import open_quiz

    updates = []
    real_send = Widget._send
    monkeypatch.setattr(Widget, "_send", lambda self, msg, buffers=None: updates.append((type(self).__name__, msg))
                        or real_send(self, msg, buffers))
    quiz = open_quiz("02_billing", tmp_path)
    for item in quiz.bank["items"]:
        question = quiz.ask(item["id"])
        assert {"bc-question", f"bc-{item['id']}"} <= set(question.box._dom_classes)
    hints = quiz.hints("patient_share")
    assert updates == []
    assert hints.button.description == "Show hint 1 of 3" and "bc-hint-button" in hints.button._dom_classes
    hints.next()
    assert hints.button.description == "Show hint 2 of 3" and "<li>" in hints.shown.value
    assert quiz.hints("patient_share").button.description == "Show hint 2 of 3"  # remembered
