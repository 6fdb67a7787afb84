"""The billing subpackage against hand-worked values: patient responsibility, NPI check digits, X12 files, 835
balancing, the scrubbing batch, aging and KPIs, and the generator (byte for byte)."""

from __future__ import annotations

import html
import json
import math
import re
import runpy
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from billcode.billing import synthetic
from billcode.billing.exercises import EXERCISES
from billcode.billing.kpis import (BUCKETS, age_bucket, aging_chart, aging_report, days_in_ar, denial_rate, kpi_frame,
                                   net_collection_rate)
from billcode.billing.posting import patient_part, post_remittance, show_posting, show_remittance
from billcode.billing.practice import CLINICIANS, NOT_BILLABLE, PAYERS, SERVICES, SIGNS_WITH, VISITS
from billcode.billing.responsibility import ResponsibilityError, ResponsibilityExplorer, split_charge
from billcode.billing.scrubber import scrub, scrub_batch, sign_with_its_diagnosis
from billcode.billing.x12 import X12Error, read_835, show_segments, validate_x12
from billcode.coding.billable import BILLABLE_FILE, build_billable_codes, is_billable
from billcode.coding.codes import icd10cm_billable, icd10cm_exists
from billcode.data import data_dir, data_path, load_table, read_csv_text
from billcode.quiz.bank import load_bank
from billcode.quiz.checks import MISSING
from nbgrader_helpers import AUTOGRADER

BILLING = ("02_billing", "02b_billing_payments")  # billing 1 (steps 1-3) and billing 2 (steps 4-7)
KEYS = {**runpy.run_path(str(AUTOGRADER / "keys" / "02_billing.py")),
        **runpy.run_path(str(AUTOGRADER / "keys" / "02b_billing_payments.py"))}  # their reference functions


def billing_exercises() -> list[dict]:
    """The bank entries of both billing notebooks' code exercises."""
    return [entry for name in BILLING for entry in load_bank(name)["exercises"]]
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


# The mini exercises, and the given code that assembles them (scrubber, posting, aging)

@pytest.fixture
def notebook_functions(monkeypatch):
    """Stand-ins for the learner's functions in the notebook (the given code finds them by name)."""
    from billcode.billing import learner

    found: dict = {}
    monkeypatch.setattr(learner, "notebook_value", lambda name: found.get(name, MISSING))
    return found


def test_scrubber_finds_exactly_the_planted_problems(notebook_functions, capsys):
    notebook_functions["pointer_problem"] = KEYS["pointer_problem"]
    frames = (load_table("billing/claims"), load_table("billing/claim_diagnoses"), load_table("billing/claim_lines"))
    assert scrub_batch(*frames) == {c: sorted(p) for c, p in BATCH.planted.items()}
    assert "8 of 37 claims fail at least one edit; 29 are clean: a clean-claim rate of 78.4%." in capsys.readouterr().out
    assert BATCH.planted["C1006"] == ["symptom"]  # the notebook's check 4 quotes it


def test_the_scrubber_says_what_is_missing_and_skips_only_that_edit(notebook_functions, capsys):
    frames = (load_table("billing/claims"), load_table("billing/claim_diagnoses"), load_table("billing/claim_lines"))
    without = scrub_batch(*frames)
    out = capsys.readouterr().out
    assert "The pointer edit was skipped: there is no pointer_problem in this notebook yet" in out
    assert "`" not in out and "Traceback" not in out
    assert without == {c: [r for r in p if r != "pointer"] for c, p in scrub(*frames, KEYS["pointer_problem"]).items()
                       if [r for r in p if r != "pointer"]}
    notebook_functions["pointer_problem"] = lambda pointers, letters: 1 / 0
    scrub_batch(*frames)
    assert "pointer_problem('A', 'A') raised ZeroDivisionError" in capsys.readouterr().out


@pytest.mark.parametrize("seed", ["s1", "s2", "another student"])
def test_the_scrubber_finds_what_the_generator_plants(seed):
    """Batches from the same generator, with every kind of problem planted: the scrubber finds exactly those."""
    import random

    rng = random.Random(f"02_billing:batches:{seed}")
    patients = synthetic.make_patients(rng, 8)
    for k in range(3):
        n = rng.randrange(10, 16)
        planted = {i: tuple(rng.sample(synthetic.PROBLEMS, rng.choice([1, 1, 2]))) for i in rng.sample(range(n), 6)}
        batch = synthetic.make_batch(rng, patients, n, 2001 + 100 * k, date(2026, 3, 1), planted)
        frames = [read_csv_text(synthetic.to_csv(rows, columns)) for rows, columns in (
            (batch.claims, synthetic.CLAIM_COLUMNS), (batch.diagnoses, synthetic.DX_COLUMNS),
            (batch.lines, synthetic.LINE_COLUMNS))]
        assert scrub(*frames, KEYS["pointer_problem"]) == {c: sorted(set(p)) for c, p in batch.planted.items()}


def test_no_clean_claim_codes_a_sign_with_its_diagnosis():
    """ICD-10-CM Guidelines I.B.5: the visits never code a sign routinely part of their diagnosis; only the claim
    planted for the symptom edit does (the cough coded with J06.9 on C1003 and C1019 is gone)."""
    for codes, _ in VISITS:
        assert not sign_with_its_diagnosis(codes), codes
    dx = load_table("billing/claim_diagnoses")
    flagged = {c for c, group in dx.groupby("claim_id") if sign_with_its_diagnosis(list(group["code"]))}
    assert flagged == {"C1006"}
    assert list(dx.loc[dx["claim_id"].isin(["C1003", "C1019"]), "code"]) == ["J06.9", "J06.9"]
    for sign, categories in SIGNS_WITH.items():
        assert icd10cm_billable(sign) and all(icd10cm_exists(c) for c in categories), sign


def test_posting_bills_only_pr_and_checks_the_balance():
    era = pd.DataFrame([
        ("X1", "1", "A", 100.0, 56.0, "CO", "45", 30.0, ""), ("X1", "1", "A", 100.0, 56.0, "PR", "2", 14.0, ""),
        ("X1", "2", "B", 50.0, 0.0, "CO", "50", 50.0, "N130"),
        ("X2", "1", "A", 100.0, 60.0, "CO", "45", 30.0, ""),  # 100 - 30 != 60: does not balance
        ("X0", "1", "A", 20.0, 0.0, "OA", "18", 20.0, ""),  # posted first: the table is sorted by claim
    ], columns=["claim_id", "line", "code", "charge", "paid", "group", "carc", "amount", "remark"])
    posted = post_remittance(era)
    assert list(posted.index) == ["X0", "X1", "X2"]
    assert posted.to_dict(orient="index") == {
        "X0": {"paid": 0.0, "patient": 0.0, "adjusted": 20.0, "balanced": True},
        "X1": {"paid": 56.0, "patient": 14.0, "adjusted": 80.0, "balanced": True},
        "X2": {"paid": 60.0, "patient": 0.0, "adjusted": 30.0, "balanced": False}}
    assert [patient_part(g, 10.0) for g in ("PR", "CO", "OA", "PI")] == [10.0, 0.0, 0.0, 0.0]


def test_the_course_835_posts_and_balances():
    era = read_835(x12("remittance_835.x12"))
    posted = post_remittance(era)
    assert posted["balanced"].all() and len(posted) == era["claim_id"].nunique()
    assert posted.loc["C1007", "patient"] == 12.81 and posted.loc["C1007", "paid"] == 115.29  # Question 2's key
    c1007 = era[era["claim_id"] == "C1007"]
    assert round(c1007.loc[c1007["group"] == "PR", "amount"].sum(), 2) == 12.81
    assert round(c1007.loc[c1007["group"] == "CO", "amount"].sum(), 2) == 54.90
    from billcode.instructor.keys import load_graded
    from billcode.quiz.params import choose_params

    graded = load_graded(Path(__file__).resolve().parents[1] / "autograder", "02b_billing_payments",
                         choose_params(load_bank("02b_billing_payments"), None))
    assert graded["test_bl_g4"].key == 12.81  # 02b's Question 1: posting C1007 by hand, graded


def test_remittance_and_posting_tables_show_money_to_the_cent():
    """The trial saw 140.0 next to 88.20 and pandas' row numbers 43-48: the shown tables write every amount to the
    cent, have no row numbers, and leave out the remark column of a claim without remark codes."""
    era = read_835(x12("remittance_835.x12"))
    shown = show_remittance(era, "C1007").data
    cells = re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", shown)
    assert {"140.00", "88.20", "9.80", "0.56", "8.00"} <= set(cells)
    assert "140.0" not in cells and "43" not in cells and "remark" not in cells
    assert "remark" in re.findall(r"<th scope='col'>([^<]*)</th>", show_remittance(era, "C1011").data)
    assert "There is no claim &lt;b&gt; in this 835" in show_remittance(era, "<b>").data
    posting = show_posting(era).data
    assert "<td>115.29</td><td>12.81</td><td>54.90</td><td>yes</td>" in posting
    assert posting.index("C1001") < posting.index("C1007") < posting.index("C1037")


def test_the_notebooks_posting_table_leaves_question_2s_answer_out():
    """Trial: the stretch posting table showed C1007's patient part, 12.81, the key of graded Question 2 (bl-g4),
    while answers can still change. The notebook's call leaves it as ?; the other claims are shown as before."""
    import nbformat

    era = read_835(x12("remittance_835.x12"))
    cell = next(c for c in nbformat.read(MASTERS[1], as_version=4).cells if "show_posting(" in c.source)
    assert 'show_posting(era, leave_out="C1007")' in cell.source
    shown = show_posting(era, leave_out="C1007").data
    assert "<th scope='row'>C1007</th><td>115.29</td><td>?</td><td>54.90</td><td>yes</td>" in shown
    assert "12.81" not in shown and "C1007&#x27;s patient part is left as ?" in shown
    assert "<th scope='row'>C1008</th><td>107.10</td><td>11.90</td>" in shown
    assert KEYS["patient_rows"]("C1007") == 12.81  # Question 2's key, as the key file computes it


def test_the_whole_837p_is_shown_segment_by_segment():
    """pandas cut long segments short with '...'; the shown table writes each segment out in full."""
    claim = x12("claim_837p.x12")
    shown = show_segments(claim).data
    for segment in claim.replace("\n", "").split("~"):
        if segment.strip():
            assert html.escape(segment.strip()) in shown, segment
    assert "..." not in shown
    assert "not an X12 file" in show_segments("hello").data


def test_no_synthetic_name_looks_unfinished():
    """The trial read 'PLACEHOLDER' as a name still to be filled in: names are plainly made up, not unfinished."""
    for name in ("claim_837p.x12", "remittance_835.x12"):
        assert "PLACEHOLDER" not in x12(name).upper()
    assert "PLACEHOLDER" not in load_table("billing/patients").to_csv().upper()
    assert not any("PLACEHOLDER" in " ".join(names).upper() for names in CLINICIANS)


def test_aging_of_the_course_ar_by_hand():
    ar = load_table("billing/open_ar")
    totals = dict.fromkeys(["0-30", "31-60", "61-90", "91-120", "121+"], 0.0)
    for row in ar.itertuples():
        age = (date(2026, 9, 30) - date.fromisoformat(row.dos)).days
        label = "0-30" if age <= 30 else "31-60" if age <= 60 else "61-90" if age <= 90 else "91-120" if age <= 120 else "121+"
        totals[label] += row.balance
    assert aging_report(ar, "2026-09-30") == {k: round(v, 2) for k, v in totals.items()}
    assert sum(totals.values()) == pytest.approx(ar["balance"].sum())
    assert "$98.00" in aging_chart(aging_report(ar, "2026-09-30")).data  # the 121+ bucket, as the notebook shows it
    assert "Not yet" in aging_chart(None).data


def test_aging_bucket_edges():
    ar = read_csv_text("dos,balance\n2026-11-30,1\n2026-10-31,2\n2026-10-30,4\n2026-08-02,8\n2026-08-01,16\n")
    assert aging_report(ar, "2026-11-30") == {"0-30": 3.0, "31-60": 4.0, "61-90": 0.0, "91-120": 8.0, "121+": 16.0}
    edges = (0, 30, 31, 60, 61, 90, 91, 120, 121)
    names = ["0-30", "0-30", "31-60", "31-60", "61-90", "61-90", "91-120", "91-120", "121+"]
    assert [KEYS["bucket"](d) for d in edges] == [age_bucket(d) for d in edges] == names


def test_the_aging_labels_agree_everywhere():
    """'91-120' and '120+' both seemed to hold 120 (trial): the last bucket is '121+' in the report, the key, the
    exercise's examples and starting code, and the notebook's text; no '120+' is left."""
    labels = [label for _, label in BUCKETS]
    assert labels == ["0-30", "31-60", "61-90", "91-120", "121+"]
    entry = next(e for e in billing_exercises() if e["name"] == "bucket")
    assert entry["examples"][-1] == "121+" and 'return "121+"' in entry["scaffold"]
    assert [KEYS["bucket"](*args) for args in EXERCISES["bucket"].cases("example")] == entry["examples"]
    master = "".join(path.read_text(encoding="utf-8") for path in MASTERS)
    assert "121+" in master and "120+" not in master
    assert "120+" not in json.dumps([load_bank(name) for name in BILLING])


def test_the_key_references_agree_with_hand_worked_rules():
    share = KEYS["patient_share"]
    assert share(120, 50, 20, 0) == 64.0 and share(100, 300, 20, 25) == 25.0 and share(20, 0, 0, 25) == 20.0
    assert all(share(a, d, c, p) == split_charge(a, a, deductible_left=d, coinsurance_pct=c, copay=p)["patient"]
               for a, d, c, p in EXERCISES["patient_share"].cases("0123abcd"))
    problem = KEYS["pointer_problem"]
    assert [problem(p, l) for p, l in [("AB", "AB"), ("", "A"), ("ABCDE", "ABCDEFG"), ("AC", "AB"), ("DCBA", "ABCD")]] \
        == [False, True, True, True, False]
    assert "patient_part" not in KEYS  # posting is practised by hand (check 3), not graded as code
    assert KEYS["npi_is_valid"]("1234567893") and not KEYS["npi_is_valid"]("1234567890")


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
    failing = scrub(load_table("billing/claims"), load_table("billing/claim_diagnoses"), load_table("billing/claim_lines"),
                    KEYS["pointer_problem"])
    table = kpi_frame(failing).set_index("kpi")["our_practice"]
    assert table["Clean-claim rate"] == f"{100 * 29 / 37:.1f}%"


def test_bank_numbers_match_the_notebook_data():
    """Figures the notebook and its bank quote from this notebook's data."""
    assert len(load_table("billing/claims")) == 37 and len(BATCH.planted) == 8
    era = read_835(x12("remittance_835.x12"))
    denied = era[(era["claim_id"] == "C1011") & (era["carc"] == "50")]
    assert list(zip(denied["line"], denied["code"], denied["amount"], denied["remark"])) == [("4", "SYN-LAB1", 60.0, "N130")]
    dx = load_table("billing/claim_diagnoses")
    assert list(dx.loc[dx["claim_id"] == "C1011", "code"]) == ["E53.8", "I10"]
    assert "DTM*405*20260923~" in x12("remittance_835.x12").split("ISA*")[1]  # Harbor's 835 date (check 7)
    payers = load_table("billing/payers").set_index("payer_id")
    assert payers.loc["HHP01", "appeal_days"] == 180
    assert (pd.Timestamp("2026-09-23") + pd.Timedelta(days=180) - pd.Timestamp("2026-09-30")).days == 173


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


# Billing facts a certified biller would sign (issue 23)

def test_a_service_has_a_copay_or_the_deductible_and_coinsurance_never_both():
    """Most plans set a copay or cost sharing for a given service; ours: a copay service costs the copay only."""
    assert split_charge(180, 100, deductible_left=50, coinsurance_pct=20, copay=25)["patient"] == 25.0
    assert split_charge(180, 100, deductible_left=50, coinsurance_pct=20)["patient"] == 60.0
    era = read_835(x12("remittance_835.x12"))
    for (claim, line), rows in era.groupby(["claim_id", "line"]):
        reasons = set(rows.loc[rows["group"] == "PR", "carc"])
        assert not ("3" in reasons and reasons & {"1", "2"}), (claim, line, reasons)
    c1033 = era[era["claim_id"] == "C1033"]
    assert sorted(zip(c1033["group"], c1033["carc"], c1033["amount"])) == [("CO", "45", 36.1), ("PR", "3", 25.0)]


def test_the_calculator_shows_the_out_of_pocket_cap_and_the_copay_rule():
    calc = ResponsibilityExplorer(charge=1000, allowed=800, deductible_left=500, coinsurance_pct=20, copay=0,
                                  oop_left=520)
    assert "$520.00" in calc.result.value and "without it they would owe" in calc.result.value  # check 3's numbers
    assert "$560.00" in calc.result.value
    calc.sliders["oop_left"].value = 5000
    assert "without it they would owe" not in calc.result.value and "$560.00" in calc.result.value
    calc.sliders["copay"].value = 25
    assert "This service has a copay, so the deductible and coinsurance do not apply to it." in calc.result.value
    assert all(s.description for s in calc.sliders.values()) and len(calc.sliders) == 6


def test_the_835_comes_from_the_payer_and_the_837_from_the_practice():
    """ISA06/GS02 name the sender: the payer (or its clearinghouse) for an 835, the practice for its 837P."""
    for interchange in x12("remittance_835.x12").split("ISA*")[1:]:
        isa = ("ISA*" + interchange).split("~")[0].split("*")
        gs = interchange.split("GS*")[1].split("~")[0].split("*")
        payer = interchange.split("N1*PR*")[1].split("~")[0]
        payer_id = next(p["payer_id"] for p in PAYERS if p["name"].upper() == payer)
        assert isa[6].strip() == payer_id and gs[1] == payer_id and isa[8].strip() == gs[2] == "EXAMPLECH"
    claim = x12("claim_837p.x12")
    assert claim.split("*")[6].strip() == "EXAMPLEPRAC" and "GS*HC*EXAMPLEPRAC*EXAMPLECH*" in claim


def test_remark_codes_travel_in_lq_and_are_explained():
    era = read_835(x12("remittance_835.x12"))
    remarks = {r for value in era["remark"] for r in value.split()}
    explained = set(load_table("billing/rarc")["rarc"])
    assert remarks and remarks <= explained
    assert set(era.loc[era["carc"] == "50", "remark"]) == {"N130"}
    broken = x12("remittance_835.x12").replace("CLP*", "LQ*HE*M62~\nCLP*", 1)
    with pytest.raises(X12Error, match="a remark .LQ. comes before any service line"):
        read_835(broken)


def test_days_in_ar_gives_hfma_only_its_own_net_formula():
    row = load_table("billing/kpi_benchmarks").set_index("kpi").loc["Days in A/R"]
    assert "gross" in row["formula"] and "HFMA's MAP Key is net A/R / average daily net patient service revenue" in row["formula"]
    assert "formula of the net version: HFMA" in row["source"] and "gross version and its benchmark" in row["source"]
    carc = load_table("billing/carc").set_index("carc")
    assert "proof it was sent in time" in carc.loc["29", "what_the_biller_does"]


# The mini exercises as the notebook shows them (issue 20)

MASTERS = [AUTOGRADER / "source" / name / f"{name}.ipynb" for name in BILLING]
MASTER = MASTERS[0]  # 02_billing: Exercise 1 (patient_share) and its "Python you need here"
RELEASED = [AUTOGRADER.parent / "course" / f"{name}.ipynb" for name in BILLING]


def _cells(paths) -> list:
    """The cells of the billing notebooks, 02's then 02b's."""
    import nbformat

    return [cell for path in paths for cell in nbformat.read(path, as_version=4).cells]


def _answer_cells(paths):
    cells = _cells(paths)
    return cells, {c.metadata["nbgrader"]["grade_id"].removesuffix("_answer"): c.source for c in cells
                   if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}


def test_worked_examples_agree_with_the_master_and_the_key_and_are_shown():
    from billcode.quiz.bank import load_bank

    cells, answers = _answer_cells(MASTERS)
    prose = " ".join(" ".join(c.source for c in cells if c.cell_type == "markdown").split())
    for entry in billing_exercises():
        name = entry["name"]
        namespace: dict = {}
        exec(answers[name].replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""), namespace)
        cases = EXERCISES[name].cases("example")
        assert [namespace[name](*args) for args in cases] == entry["examples"], name
        assert [KEYS[name](*args) for args in cases] == entry["examples"], name
        for answer in entry["examples"]:
            shown = f'"{answer}"' if isinstance(answer, str) else str(answer)
            assert f"→ {shown}" in prose, (name, shown)


def test_every_mini_exercise_is_a_few_lines_into_a_scaffold():
    from billcode.instructor.author.estimate import written_lines

    _, answers = _answer_cells(MASTERS)
    for name, source in answers.items():
        assert 1 <= written_lines(source) <= 5, name
        assert source.lstrip().startswith(f"def {name}(") and '"""' in source, name


def test_a_scaffold_run_unchanged_gets_a_message_that_points_to_a_hint(monkeypatch, tmp_path):
    """A learner who runs a released answer cell before writing anything: no traceback, a hint to open."""
    from billcode import exercises as course_exercises
    from billcode.quiz import checks

    notices = []
    monkeypatch.setattr(checks, "display", lambda obj, raw=False: notices.append(obj))
    monkeypatch.delenv("NBGRADER_VALIDATING", raising=False)
    monkeypatch.chdir(tmp_path)  # a practice check records its first try in an answers file here
    _, released = _answer_cells(RELEASED)
    assert set(released) == {"patient_share", "pointer_problem", "bucket", "npi_is_valid"}
    for name, source in released.items():
        namespace: dict = {}
        exec(source, namespace)
        notices.clear()
        course_exercises.check_function(name, namespace[name])
        text = " ".join(n["text/plain"] for n in notices if isinstance(n, dict) and "text/plain" in n)
        assert "not done yet" in text and re.search(r"Hint \d covers this: open (it|the hints) above", text), (name, text)
        assert "handed in for grading." not in text and "Traceback" not in text, name


def _learner_cell(name: str, lines: list[str]) -> str:
    """The master's answer cell with the learner's own lines in place of the solution."""
    _, answers = _answer_cells(MASTERS)
    return re.sub(r"^([ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION[ \t]*\n",
                  lambda m: "".join(m.group(1) + line + "\n" for line in lines), answers[name], flags=re.S | re.M)


# The mistakes the newcomer trials made (and their near neighbours), each with the hint the check must point to and
# words that hint must hold for it to cover that mistake.
MISTAKES = [
    ("patient_share", ["deductible_part = deductible_left",
                       "coinsurance = (allowed - deductible_part) * coinsurance_pct / 100"], "example", 3, "min("),
    ("patient_share", ["deductible_part = min(deductible_left, allowed)",
                       "coinsurance = allowed - deductible_part * coinsurance_pct / 100"], "example", 3, "brackets"),
    ("patient_share", ["deductible_part = min(deductible_left, allowed)"], "has no value yet", 1, "coinsurance = ..."),
    ("patient_share", ["deductible_part = min(deductible_left)",
                       "coinsurance = (allowed - deductible_part) * coinsurance_pct / 100"], "raised TypeError", 2,
     "min(a, b)"),
    # round 2's trials: the worked example's numbers copied in; the percent not divided by 100; the coinsurance taken
    # on what is left of the deductible (a negative share on example 3); the old name `deductible` kept
    ("patient_share", ["deductible_part = 50.00", "coinsurance = (120.00 - 50.00) * 20 / 100"],
     "gave 64.0 for 2 of the worked examples, whatever the inputs", 3, "use the input names"),
    ("patient_share", ["deductible_part = min(deductible_left, allowed)",
                       "coinsurance = (allowed - deductible_part) * coinsurance_pct"], "gave 1450.0", 3,
     "20 means 20%: divide by 100"),
    ("patient_share", ["deductible_part = min(deductible_left, allowed)",
                       "coinsurance = (allowed - deductible_left) * coinsurance_pct / 100"], "gave -4.0", 3,
     "not `allowed - deductible_left`"),
    ("patient_share", ["deductible = min(deductible_left, allowed)",
                       "coinsurance = (allowed - deductible) * coinsurance_pct / 100"],
     "deductible_part has no value yet", 1, "`deductible_part = ...`"),
    ("pointer_problem", ["too_many = pointers > 4"], "raised TypeError", 2, "len(pointers)"),
    ("pointer_problem", ["too_many = len(pointers) >= 4"], "example", 3, "> 4"),
    ("pointer_problem", ["too_many = len(letters) > 4"], "example", 3, "not the letters box 21 fills"),
    ("pointer_problem", [], "has no value yet", 1, "too_many"),
    ("bucket", ["if days <= 120:", "    return 91-120"], "returned a whole number, not text", 1, "in quotes"),
    ("bucket", ["if days <= 120:", '    return "91 - 120"'], "example", 3, "no spaces"),
    ("bucket", ["if days < 100:", '    return "91-120"'], "example", 3, "`<=` keeps it"),
    ("npi_is_valid", ["if double:", "    value = value * 2"], "example", 2, "take 9 away"),
    ("npi_is_valid", ["if double:", "    value * 2", "    if value > 9:", "        value - 9"], "example", 2,
     "on its own changes nothing"),  # the spreadsheet habit: a formula with no name, which does nothing
]


@pytest.mark.parametrize("name, lines, kind_words, hint, covers", MISTAKES,
                         ids=[f"{m[0]}-{i}" for i, m in enumerate(MISTAKES)])
def test_each_kind_of_mistake_points_to_the_hint_that_covers_it(monkeypatch, tmp_path, name, lines, kind_words, hint,
                                                                covers):
    """A faked wrong answer of each kind: the check names the problem and points to a hint that really covers it."""
    from billcode import exercises as course_exercises
    from billcode.quiz import checks

    notices = []
    monkeypatch.setattr(checks, "display", lambda obj, raw=False: notices.append(obj))
    monkeypatch.delenv("NBGRADER_VALIDATING", raising=False)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(_learner_cell(name, lines), namespace)
    course_exercises.check_function(name, namespace[name])
    text = " ".join(n["text/plain"] for n in notices if isinstance(n, dict) and "text/plain" in n)
    assert "not done yet" in text and kind_words in text, text
    assert f"Hint {hint} covers this" in text, text
    entry = next(e for e in billing_exercises() if e["name"] == name)
    assert covers in entry["hints"][hint - 1], (hint, entry["hints"][hint - 1])


def test_the_python_an_exercise_needs_is_taught_right_before_it():
    """Trial: brackets (order of operations), min(a, b) with two values and an early return were never taught.
    The cell before Exercise 1's hints teaches them with a runnable example whose printed values are right."""
    import nbformat

    nb = nbformat.read(MASTER, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if c.source.startswith("#### Python you need here"))
    teaching, example = nb.cells[index], nb.cells[index + 1]
    assert {"arithmetic", "min()", "return", "if"} <= set(teaching.metadata["billcode"]["teaches"])
    assert "Brackets" in teaching.source and "min(a, b)" in teaching.source and "`return` ends a function" in teaching.source
    assert nb.cells[index - 1].source.startswith("### Exercise 1") and 'quiz.hints("patient_share")' in nb.cells[index + 2].source
    shown = "".join(o.get("text", "") for o in example.outputs)
    assert shown == "110.0\n14.0\n25.0 20.0 0.0\n"
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert not re.search("[×÷−]", prose)  # formulas in Python form: nothing breaks when pasted


def test_stretch_sections_are_optional_and_carry_their_own_self_check():
    import nbformat

    from billcode.instructor.author.estimate import is_stretch

    sections = {}
    for path, count in zip(MASTERS, (2, 4)):  # 02: out-of-pocket maximum, 837P; 02b: the other four
        mine, current = {}, None
        for cell in nbformat.read(path, as_version=4).cells:
            heading = re.match(r"^## (.*)", cell.source) if cell.cell_type == "markdown" else None
            if heading:
                current = heading.group(1) if is_stretch(heading.group(1)) else None
                if current:
                    mine[current] = []
            if current:
                mine[current].append(cell)
        assert len(mine) == count, (path.stem, list(mine))
        first = next(iter(mine.values()))[0].source
        assert "optional and not on the clock" in first.lower() and "Check your notebook before submitting" in first
        sections.update(mine)
    for title, cells in sections.items():
        assert title.startswith("Stretch (optional"), title
        checks = [c for c in cells if c.cell_type == "code" and ("quiz.ask(" in c.source or "check_function(" in c.source)]
        assert checks, f"{title}: no self-check"
        assert not any(c.metadata.get("nbgrader", {}).get("grade") for c in cells), f"{title}: a graded cell"


def test_the_stretch_quotes_real_segments_of_the_course_files():
    """Segments the notebook quotes (step 2's HI, the stretch's C1011 line 4) are in the files, as quoted."""
    import nbformat

    prose = "\n".join(c.source for c in _cells(MASTERS) if c.cell_type == "markdown")
    assert "HI*ABK:E119*ABF:E785~" in prose and "HI*ABK:E119*ABF:E785~" in x12("claim_837p.x12")
    quoted = re.search(r"```\n(SVC\*.*?)```", prose, re.S).group(1)
    assert quoted in x12("remittance_835.x12") and "CAS*CO*50*60.00~\nLQ*HE*N130~" in quoted
    assert "1:2~" in next(s for s in x12("claim_837p.x12").splitlines() if s.startswith("SV1*HC:SYN-LAB1"))  # check 5


def test_the_kpi_table_finds_the_scrubbers_result_by_name(monkeypatch):
    """kpi_table() uses the notebook's own failing; a restarted notebook gets a sentence, not a NameError."""
    from billcode.billing import kpis

    assert "run the scrubber cell in step 4 first" in kpis.kpi_table().data
    monkeypatch.setattr(kpis, "notebook_value", lambda name: {"C1004": ["member_id"]} if name == "failing" else MISSING)
    assert "97.3%" in kpis.kpi_table().data  # 36 of 37 claims clean


def test_validation_parses_each_pyx12_map_once_and_gives_the_same_answers():
    """Maps are parsed once per process (most of a validation's time); results do not depend on what ran before."""
    import pyx12.map_if

    from billcode.billing import x12
    from billcode.data import data_path

    good = data_path("billing/claim_837p.x12").read_text()
    broken = "".join(line for line in good.splitlines(keepends=True) if not line.startswith("HI*"))
    loader = pyx12.map_if.load_map_file
    first = [x12.validate_x12(t) for t in (broken, good, broken)]
    maps = dict(x12._MAPS)
    again = [x12.validate_x12(t) for t in (good, broken, good)]
    assert first[0] == first[2] == again[1] and first[0] and first[1] == again[0] == again[2] == []
    assert x12._MAPS == maps  # nothing parsed twice
    assert pyx12.map_if.load_map_file is loader  # pyx12's own loader is back after each validation


def test_step_3_names_only_the_codes_the_core_uses_and_each_term_is_explained_where_it_appears():
    """Round 2's trials: Step 3 packed CO, CO-45, PR-1/2/3, OA, PI and the out-of-pocket maximum into one paragraph;
    `HI*ABK:E119*ABF:E785~` came without ABK and ABF; the given loop's `for letter in` and `not in` were untaught."""
    import nbformat

    cells = _cells(MASTERS)
    step3 = next(c.source for c in cells if c.source.startswith("## Step 3"))
    rows = [line for line in step3.splitlines() if line.startswith("|") and not line.startswith("|---")]
    assert len(rows) == 6 and all(code in step3 for code in ("CO-45", "PR-1", "PR-2", "PR-3"))
    assert not re.search(r"\b(OA|PI)\b", step3) and "out-of-pocket" not in step3.lower()
    group_codes = next(i for i, c in enumerate(cells) if c.source.startswith("## Stretch (optional): group codes"))
    assert "**OA** (other adjustments)" in cells[group_codes].source and "**PI**" in cells[group_codes].source
    assert 'quiz.ask("bl-p6")' in cells[group_codes + 2].source  # the check that matches them comes right after
    oop = next(c.source for c in cells if c.source.startswith("## Stretch (optional): the out-of-pocket maximum"))
    assert "**out-of-pocket maximum** caps" in oop and "HealthCare.gov glossary" in oop
    hi = [" ".join(c.source.split()) for c in cells if c.cell_type == "markdown" and "HI*ABK:E119*ABF:E785~" in c.source]
    assert hi and all("**ABK** marks the main diagnosis" in s and "**ABF** each other one" in s for s in hi)
    given = next(c.source for c in cells if c.source.startswith("def pointer_problem("))
    assert "for letter in pointers:  # " in given and "if letter not in letters:  # not in:" in given
    share = next(e for e in billing_exercises() if e["name"] == "patient_share")
    assert "20 means 20%: divide by 100" in share["hints"][1] and "deductible_part = ..." in share["scaffold"]
    assert "return round(deductible_part + coinsurance, 2)" in share["scaffold"]


def test_02b_reminds_what_len_counts_right_before_the_pointer_rule():
    """Round 3: the scrub exercise leans on `len(...)` from 00; 02b's own "Python you need here" recalls it (and a
    comparison with a name) between Exercise 1's text and its hints, with a runnable example whose output is right."""
    import nbformat

    cells = nbformat.read(MASTERS[1], as_version=4).cells
    index = next(i for i, c in enumerate(cells) if c.source.startswith("#### Python you need here"))
    assert cells[index - 1].source.startswith("### Exercise 1 (2 points): the pointer rule")
    assert {"len()", "compare"} <= set(cells[index].metadata["billcode"]["teaches"])
    assert "`len(text)` counts the letters" in cells[index].source
    assert "".join(o.get("text", "") for o in cells[index + 1].outputs) == "3 0\nTrue\n"
    assert 'quiz.hints("pointer_problem")' in cells[index + 2].source
    post = next(c.source for c in cells if c.source.startswith("Each line **balances**"))
    assert "adds only the **PR** amounts" in post  # Step 5 says what the statement adds
