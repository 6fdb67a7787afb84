import re

import pytest

from billcode.coding import codeset
from billcode.coding.codes import (capitals_note, codes_match, hcpcs_hints, icd10cm_billable, icd10cm_description, icd10cm_exists,
                                   icd10cm_hints, normalize_code, seventh_hint)


def test_descriptions_come_from_the_official_set():
    assert icd10cm_description("e119") == "Type 2 diabetes mellitus without complications"
    assert icd10cm_description("I10") == "Essential (primary) hypertension"


@pytest.mark.parametrize(("code", "billable"), [("E11.9", True), ("E11", False), ("S93.401A", True), ("S93.401", False),
                                               ("W01.0XXA", True), ("U07.1", True), ("E11.99", False)])
def test_billable(code, billable):
    assert icd10cm_billable(code) is billable


def test_normalize():
    assert normalize_code(" e11 9 ") == "E11.9"
    assert normalize_code("s93401a") == "S93.401A"
    assert normalize_code("j1100", "HCPCS") == "J1100"


@pytest.mark.parametrize(
    ("typed", "hint"),
    [("", "Type a code"), ("E11", "category or subcategory"), ("S93.401", "needs a 7th character"),
     ("W01.0A", "placeholder X"), ("T15.01A", "T15.01XA"), ("I1O", "did you mean I10"), ("E11.99", "not in the official"),
     ("12345", "letter, a digit"), ("W01.0", "The placeholder X fills the empty places"), ("W01.0", "W01.0XXA"),
     ("W19", "W19.XXXA"), ("T15.01", "T15.01XA"), ("080", "did you mean O80"), ("S61.41A", "choose its 6th character")],
)
def test_icd_hints(typed, hint):
    assert any(hint in h for h in icd10cm_hints(typed)), icd10cm_hints(typed)


def test_lower_case_is_a_note_not_an_error():
    assert icd10cm_hints("e11.9") == [] and hcpcs_hints("j1100") == []
    assert capitals_note("e11.9", "ICD-10-CM") == "Codes are written in capital letters: E11.9."
    assert capitals_note("E11.9", "ICD-10-CM") is None


@pytest.mark.parametrize(("typed", "hint"), [("J11OO", "J1100"), ("99213", "CPT"), ("Z1234", "A to V"), ("", "Type a code")])
def test_hcpcs_hints(typed, hint):
    assert any(hint in h for h in hcpcs_hints(typed))


def test_codes_match_ignores_case_space_and_dot():
    assert codes_match("e119", "E11.9", "ICD-10-CM")
    assert not codes_match("E11.8", "E11.9", "ICD-10-CM")
    assert codes_match(" j1100", "J1100", "HCPCS")


# The placeholder X (Guidelines I.A.4-5): it fills a place only where the code has no further subdivision.

@pytest.mark.parametrize(("code", "six"), [("S61.41", "S61.411"), ("S52.52", "S52.521"), ("S93.40", "S93.401")])
def test_a_subdivided_code_asks_for_its_6th_character_not_an_x(code, six):
    hints = icd10cm_hints(code)
    assert len(hints) == 1 and "choose its 6th character first" in hints[0] and six in hints[0], hints
    assert f"{code}X" not in hints[0].replace(".", "") and not icd10cm_exists(f"{code}XA")
    assert "Fill the empty places" not in hints[0]


@pytest.mark.parametrize(("code", "full"), [("T15.01", "T15.01XA"), ("W19", "W19.XXXA"), ("W01.0", "W01.0XXA")])
def test_a_code_with_no_further_subdivision_takes_placeholders(code, full):
    assert full in seventh_hint(code) and "placeholder X fills the empty places" in seventh_hint(code)
    assert icd10cm_billable(full)


def suggested_codes(text: str) -> set[str]:
    """Codes a hint names: dotted ones, and any followed by " (" or "?" (descriptions such as "T1 level" are not)."""
    return set(re.findall(r"\b([A-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4}|[A-Z][0-9][0-9A-Z](?= \(|\?))", text))


def test_every_code_a_hint_suggests_exists():
    """Every non-billable code that takes a 7th character, and a sample of slips on them: each code a hint names is
    a real FY2026 code."""
    takers = [c for (c,) in codeset.query("SELECT code FROM codes WHERE kind = 0 AND billable = 0 AND length(code) >= 3")
              if codeset.seventh_characters(c)]
    assert len(takers) > 5000
    for code in takers[::7]:
        for typed in (code, code + "A", code.replace(".", "") + "D", code.replace("0", "O")):
            for hint in icd10cm_hints(typed):
                for suggested in suggested_codes(hint) - {normalize_code(typed)}:  # naming the typed code is no suggestion
                    assert icd10cm_exists(suggested), (typed, suggested, hint)
