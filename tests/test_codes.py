import pytest

from billcode.coding.codes import capitals_note, codes_match, hcpcs_hints, icd10cm_billable, icd10cm_description, icd10cm_hints, normalize_code


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
     ("12345", "letter, a digit"), ("W01.0", "Fill the empty places with the placeholder X")],
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
