"""The billing subpackage against hand-worked values: patient responsibility, NPI check digits, X12 files, 835
balancing, the scrubbing batch, aging and KPIs, and the generator (byte for byte)."""

from __future__ import annotations

import math
import runpy
from datetime import date

import pandas as pd
import pytest

from billcode.billing import synthetic
from billcode.billing.exercises import EXERCISES
from billcode.billing.kpis import days_in_ar, denial_rate, kpi_frame, net_collection_rate
from billcode.billing.practice import NOT_BILLABLE, PAYERS, SERVICES, VISITS
from billcode.billing.responsibility import ResponsibilityError, ResponsibilityExplorer, split_charge
from billcode.billing.x12 import X12Error, read_835, validate_x12
from billcode.coding.billable import BILLABLE_FILE, build_billable_codes, is_billable
from billcode.coding.codes import icd10cm_billable, icd10cm_exists
from billcode.data import data_dir, data_path, load_table, read_csv_text
from nbgrader_helpers import AUTOGRADER

KEYS = runpy.run_path(str(AUTOGRADER / "keys" / "02_billing.py"))
BATCH_PATIENTS, BATCH = synthetic.course_batch()


def x12(name: str) -> str:
    return data_path(f"billing/{name}").read_text(encoding="utf-8")


# Patient responsibility (research brief on domain data, section 9, and curriculum exercise E8)

def test_worked_example_commercial_in_network():
    split = split_charge(250, 120, deductible_left=50, coinsurance_pct=20)
    assert split == {"charge": 250.0, "allowed": 120.0, "write_off": 130.0, "copay": 0.0, "deductible": 50.0,
                     "coinsurance": 14.0, "patient": 64.0, "payer": 56.0}
    assert split["payer"] + split["patient"] + split["write_off"] == 250


def test_copay_variant_and_e8_example():
    assert split_charge(180, 100, copay=25) == {"charge": 180.0, "allowed": 100.0, "write_off": 80.0, "copay": 25.0,
                                                     "deductible": 0.0, "coinsurance": 0.0, "patient": 25.0, "payer": 75.0}
    e8 = split_charge(250, 150, deductible_left=100, coinsurance_pct=20)
    assert (e8["patient"], e8["payer"], e8["write_off"]) == (110.0, 40.0, 100.0)


def test_copay_never_exceeds_allowed_and_out_of_pocket_cap():
    assert split_charge(50, 20, copay=25)["patient"] == 20.0
    capped = split_charge(1000, 800, deductible_left=500, coinsurance_pct=20, oop_left=520)
    assert (capped["deductible"], capped["coinsurance"], capped["patient"], capped["payer"]) == (500.0, 20.0, 520.0, 280.0)


@pytest.mark.parametrize("kwargs, words", [
    (dict(charge=-1, allowed=0), "billed charge cannot be negative"),
    (dict(charge=100, allowed=150), "more than the billed charge"),
    (dict(charge=100, allowed=50, coinsurance_pct=120), "0 to 100"),
    (dict(charge=float("nan"), allowed=50), "must be a number"),
    (dict(charge=True, allowed=50), "must be a number"),
    (dict(charge=100, allowed=50, copay=-5), "copay cannot be negative"),
])
def test_impossible_lines_get_a_friendly_error(kwargs, words):
    charge, allowed = kwargs.pop("charge"), kwargs.pop("allowed")
    with pytest.raises(ResponsibilityError, match=words):
        split_charge(charge, allowed, **kwargs)


def test_calculator_redraws_and_explains_without_losing_values():
    calc = ResponsibilityExplorer()
    assert "$64.00" in calc.result.value and "Payer pays $56.00" in calc.result.value
    calc.sliders["deductible_left"].value = 0
    assert "$24.00" in calc.result.value
    calc.sliders["allowed"].value = 300
    assert "Check the numbers" in calc.result.value and "more than the billed charge" in calc.result.value
    assert calc.sliders["allowed"].value == 300 and calc.sliders["charge"].value == 250
    assert "cannot be negative" in calc.sliders["copay"].type_value("-5")
    calc.sliders["allowed"].value = 120
    assert "$24.00" in calc.result.value
    assert all(s.description for s in calc.sliders.values())


# NPI check digit (CMS NPI standard: Luhn over 80840 + the first nine digits)

def luhn_ok(number: str) -> bool:
    """An independent Luhn check of a full number (check digit last)."""
    total = 0
    for i, d in enumerate(reversed(number)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def test_npi_check_digit():
    assert synthetic.luhn_check_digit("123456789") == "3"
    assert luhn_ok("80840" + "1234567893") and not luhn_ok("80840" + "1234567890")
    claims = load_table("billing/claims")
    for npi in set(claims["billing_npi"]) | set(claims["rendering_npi"]):
        assert len(npi) == 10 and npi.startswith("19")
        assert luhn_ok("80840" + npi) == KEYS["npi_is_valid"](npi)


# The shipped data: generator, codes, files

def test_generator_rebuilds_every_file_byte_for_byte():
    folder = data_dir() / "billing"
    generated = synthetic.generate()
    for name, text in generated.items():
        assert (folder / name).read_text(encoding="utf-8") == text, f"{name}: run make data"


def test_every_diagnosis_code_is_official_and_billable_unless_planted():
    for codes, _ in VISITS:
        for code in codes:
            assert icd10cm_billable(code), code
    for code in NOT_BILLABLE:
        assert not icd10cm_billable(code), code
    for code in load_table("billing/claim_diagnoses")["code"]:
        assert icd10cm_billable(code) or code in NOT_BILLABLE, code
        assert icd10cm_exists(code) or code in ("E11.99", "I10.0"), code
    planted = {c for c, p in BATCH.planted.items() if "diagnosis" in p}
    bad = set(load_table("billing/claim_diagnoses").loc[lambda t: ~t["code"].map(icd10cm_billable), "claim_id"])
    assert bad == planted


def test_the_billable_list_is_the_official_set():
    codes = build_billable_codes()
    assert len(codes) == 74_724
    lines = (data_dir() / BILLABLE_FILE).read_text(encoding="utf-8").splitlines()
    assert lines == ["code", *codes]
    assert is_billable("e119") and is_billable(" E11.9 ") and not is_billable("E11") and not is_billable(None)


def test_procedure_codes_are_hcpcs_or_synthetic_never_cpt():
    for code, kind, *_ in SERVICES:
        if kind == "HCPCS":
            assert code[0] in "ABCEGHJKLMPQRSTV" and code[1:].isdigit() and len(code) == 5
        else:
            assert code.startswith("SYN-") and not code[4:].isdigit()
    assert not any(str(c).isdigit() for c in load_table("billing/claim_lines")["code"])


def test_patients_and_payers_are_obviously_synthetic():
    patients = load_table("billing/patients")
    assert patients["member_id"].str.startswith("SYN").all()
    assert set(patients["last_name"]) <= set(synthetic.LAST_NAMES)
    assert all(p["name"] in ("Harbor Health Plan", "Summit Mutual", "Lakeside Community Plan") for p in PAYERS)


# X12 files

def test_the_shipped_837p_and_835_are_valid_5010():
    assert validate_x12(x12("claim_837p.x12")) == []
    assert validate_x12(x12("remittance_835.x12")) == []


def test_pyx12_catches_structure_but_not_content():
    claim = x12("claim_837p.x12")
    without_hi = "".join(line for line in claim.splitlines(keepends=True) if not line.startswith("HI*"))
    problems = validate_x12(without_hi)
    assert any("(HI) missing" in p for p in problems) and any("SE count" in p for p in problems)
    assert validate_x12(claim.replace("ABK:E119", "ABK:E1199")) == []  # not a real code, but well formed
    assert validate_x12("hello") == ["The file does not start with an ISA segment, so it is not an X12 interchange."]


@pytest.mark.parametrize("text, words", [
    ("not x12 at all", "must start with a complete ISA segment"),
    (x12("remittance_835.x12").replace("ST*835", "ST*999"), "No 835 transaction"),
    (x12("remittance_835.x12").replace("SVC*HC:SYN-OV3*140.00", "SVC*HC:SYN-OV3*14O.00", 1), "'14O.00' is not an amount"),
])
def test_read_835_names_the_bad_segment(text, words):
    with pytest.raises(X12Error, match=words):
        read_835(text)


def test_every_835_claim_and_line_balances():
    """X12 RFI 2348: per line SVC02 - CAS = SVC03; per claim CLP03 - adjustments = CLP04; BPR02 = the CLP04s."""
    for transaction in x12("remittance_835.x12").split("ST*835")[1:]:
        segments = [s.split("*") for s in transaction.replace("\n", "").split("~") if s]
        bpr = next(float(s[2]) for s in segments if s[0] == "BPR")
        claims, current = [], None
        for seg in segments:
            if seg[0] == "CLP":
                current = {"charge": float(seg[3]), "paid": float(seg[4]), "patient": float(seg[5]), "lines": []}
                claims.append(current)
            elif seg[0] == "SVC":
                current["lines"].append({"charge": float(seg[2]), "paid": float(seg[3]), "adj": 0.0, "pr": 0.0})
            elif seg[0] == "CAS":
                amounts = [float(seg[i]) for i in range(3, len(seg), 3)]
                current["lines"][-1]["adj"] += sum(amounts)
                if seg[1] == "PR":
                    current["lines"][-1]["pr"] += sum(amounts)
        assert math.isclose(bpr, sum(c["paid"] for c in claims), abs_tol=0.005)
        for claim in claims:
            assert math.isclose(claim["charge"], sum(line["charge"] for line in claim["lines"]), abs_tol=0.005)
            assert math.isclose(claim["paid"], sum(line["paid"] for line in claim["lines"]), abs_tol=0.005)
            assert math.isclose(claim["patient"], sum(line["pr"] for line in claim["lines"]), abs_tol=0.005)
            for line in claim["lines"]:
                assert math.isclose(line["charge"] - line["adj"], line["paid"], abs_tol=0.005)


def test_the_notebooks_worked_835_line():
    era = read_835(x12("remittance_835.x12"))
    line = era[(era["claim_id"] == "C1007") & (era["line"] == "1")]
    assert line["charge"].iloc[0] == 140.0 and line["paid"].iloc[0] == 88.2
    assert sorted(zip(line["group"], line["carc"], line["amount"])) == [("CO", "45", 42.0), ("PR", "2", 9.8)]


def test_the_late_claim_is_denied_for_timely_filing():
    claims = load_table("billing/claims").set_index("claim_id")
    late = claims.loc["C1023"]
    assert (date.fromisoformat(late["submitted"]) - date.fromisoformat(late["dos"])).days == 97
    era = read_835(x12("remittance_835.x12"))
    assert set(era.loc[era["claim_id"] == "C1023", "carc"]) == {"29"}


# The exercises' reference answers on the notebook's data, worked another way

def test_scrub_reference_finds_exactly_the_planted_problems():
    assert KEYS["scrub"](*EXERCISES["scrub"].cases("example")[0]) == {c: sorted(p) for c, p in BATCH.planted.items()}


@pytest.mark.parametrize("seed", ["s1", "s2", "another student"])
def test_hidden_scrub_batches_plant_what_the_reference_finds(seed):
    """The grader's batches come from the same generator: the reference finds exactly the problems planted."""
    import random

    rng = random.Random(f"02_billing:scrub:{seed}")
    patients = synthetic.make_patients(rng, 8)
    for k, case in enumerate(EXERCISES["scrub"].cases(seed)):
        n = rng.randrange(10, 16)
        planted = {i: tuple(rng.sample(synthetic.PROBLEMS, rng.choice([1, 1, 2]))) for i in rng.sample(range(n), 5)}
        batch = synthetic.make_batch(rng, patients, n, 2001 + 100 * k, date(2026, 3, 1), planted)
        assert KEYS["scrub"](*case) == {c: sorted(set(p)) for c, p in batch.planted.items()}
    first, again = EXERCISES["scrub"].cases(seed)[0], EXERCISES["scrub"].cases(seed)[0]
    assert all(a.equals(b) for a, b in zip(first, again))  # the same student always gets the same inputs


def test_aging_of_the_course_ar_by_hand():
    ar = load_table("billing/open_ar")
    totals = dict.fromkeys(["0-30", "31-60", "61-90", "91-120", "120+"], 0.0)
    for row in ar.itertuples():
        age = (date(2026, 9, 30) - date.fromisoformat(row.dos)).days
        label = "0-30" if age <= 30 else "31-60" if age <= 60 else "61-90" if age <= 90 else "91-120" if age <= 120 else "120+"
        totals[label] += row.balance
    assert KEYS["aging_totals"](ar, "2026-09-30") == {k: round(v, 2) for k, v in totals.items()}
    assert sum(totals.values()) == pytest.approx(ar["balance"].sum())


def test_aging_bucket_edges():
    ar = read_csv_text("dos,balance\n2026-11-30,1\n2026-10-31,2\n2026-10-30,4\n2026-08-02,8\n2026-08-01,16\n")
    assert KEYS["aging_totals"](ar, "2026-11-30") == {"0-30": 3.0, "31-60": 4.0, "61-90": 0.0, "91-120": 8.0, "120+": 16.0}


def test_posting_reference_on_a_hand_made_remittance():
    era = pd.DataFrame([
        ("X1", "1", "A", 100.0, 56.0, "CO", "45", 30.0), ("X1", "1", "A", 100.0, 56.0, "PR", "2", 14.0),
        ("X1", "2", "B", 50.0, 0.0, "CO", "50", 50.0),
        ("X2", "1", "A", 100.0, 60.0, "CO", "45", 30.0),  # 100 - 30 != 60: does not balance
    ], columns=["claim_id", "line", "code", "charge", "paid", "group", "carc", "amount"])
    assert KEYS["post"](era) == {"X1": {"paid": 56.0, "patient": 14.0, "adjusted": 80.0, "balanced": True},
                                 "X2": {"paid": 60.0, "patient": 0.0, "adjusted": 30.0, "balanced": False}}


# KPIs (research brief on curricula, section 5, worked examples)

def test_days_in_ar_worked_example():
    charges = pd.DataFrame({"dos": ["2026-09-15", "2026-10-15", "2026-11-15"], "total_charge": [300_000.0] * 3})
    assert days_in_ar(300_000, charges, date(2026, 11, 30)) == 30.0


def test_net_collection_rate_worked_example():
    era = pd.DataFrame([("X1", "1", "A", 850_000.0, 486_000.0, "CO", "45", 350_000.0)],
                       columns=["claim_id", "line", "code", "charge", "paid", "group", "carc", "amount"])
    assert net_collection_rate(era) == 97.2  # (500,000 - 14,000 refunds) / (850,000 - 350,000)


def test_course_kpis_by_hand():
    era = read_835(x12("remittance_835.x12"))
    denied = {"C1011", "C1023", "C1037"}  # CO-50 on a line, CO-29, OA-18 (see the 835)
    assert denial_rate(era) == round(100 * len(denied) / era["claim_id"].nunique(), 1)
    table = kpi_frame(KEYS["scrub"](*EXERCISES["scrub"].cases("example")[0])).set_index("kpi")["our_practice"]
    assert table["Clean-claim rate"] == f"{100 * 30 / 37:.1f}%"


def test_bank_numbers_match_the_notebook_data():
    """Practice keys that quote this notebook's data (clean claims 30 of 37)."""
    assert len(load_table("billing/claims")) == 37 and len(BATCH.planted) == 7


def test_helpers_name_the_missing_column():
    from billcode.data import MissingColumns

    era = read_835(x12("remittance_835.x12"))
    with pytest.raises(MissingColumns, match="The remittance table has no 'carc' column"):
        denial_rate(era.drop(columns="carc"))
    with pytest.raises(MissingColumns, match="should be a pandas DataFrame, not a list"):
        net_collection_rate([1, 2])
    with pytest.raises(MissingColumns, match="'total_charge'"):
        days_in_ar(10.0, pd.DataFrame({"dos": ["2026-11-01"]}), date(2026, 11, 30))


def test_every_date_of_service_is_in_the_code_sets_fiscal_year():
    """ICD-10-CM FY2026 applies to dates of service from 2025-10-01 to 2026-09-30."""
    claims = load_table("billing/claims")
    assert claims["dos"].min() >= "2025-10-01" and claims["dos"].max() <= "2026-09-30"
    assert claims["submitted"].max() <= "2026-09-30"


def test_the_837p_names_the_rendering_clinician():
    claim = x12("claim_837p.x12")
    npi = load_table("billing/claims").set_index("claim_id").loc["C1010", "rendering_npi"]
    assert "NM1*82*1*" in claim and f"XX*{npi}~" in claim


def test_the_course_batch_has_every_pointer_problem_a_learner_must_handle():
    lines = load_table("billing/claim_lines")
    assert lines["pointers"].isna().any() and (lines["pointers"].str.len() > 4).any()
