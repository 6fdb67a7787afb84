"""Keys for 02_billing. Instructor only: this folder is not under source/, so nbgrader never releases it,
and the grading sandbox cannot read it. The grader calls graded(params) in its own process.

One entry per graded cell of the master, named by its nbgrader grade_id:
- QuizKey(item, key, explanation) for a graded quiz question (the student's saved answer is scored);
- FunctionCheck(name, reference, explanation) for a function exercise: the student's function is run, in the
  sandbox, on inputs the grader picks for that student; each result must equal reference(*inputs), computed here.
"""

import math
from datetime import date

import pandas as pd

from billcode.coding.billable import is_billable
from billcode.instructor.keys import FunctionCheck, QuizKey

BUCKET_EDGES = [-1, 30, 60, 90, 120, math.inf]
BUCKETS = ["0-30", "31-60", "61-90", "91-120", "120+"]


def patient_share(allowed, deductible_left, coinsurance_pct, copay):
    """Copay first (never more than allowed), then the deductible on the rest, then coinsurance on what is left."""
    paid_copay = min(copay, allowed)
    rest = allowed - paid_copay
    deductible = min(deductible_left, rest)
    return round(paid_copay + deductible + (rest - deductible) * coinsurance_pct / 100, 2)


def npi_is_valid(npi):
    """Ten digits whose last one is the Luhn check digit over 80840 + the first nine."""
    if len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        return False
    total = 0
    for position, digit in enumerate(int(d) for d in reversed("80840" + npi[:9])):
        if position % 2 == 0:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return (10 - total % 10) % 10 == int(npi[9])


def scrub(claims, diagnoses, lines):
    """The five rules, each reported once per claim, reasons sorted; clean claims left out."""
    problems = {}

    def flag(claim_id, reason):
        problems.setdefault(claim_id, set()).add(reason)

    letters = diagnoses.groupby("claim_id")["letter"].apply(set).to_dict()
    for claim in claims.itertuples():
        member = claim.member_id
        if not isinstance(member, str) or not member.strip():
            flag(claim.claim_id, "member_id")
        for npi in (claim.billing_npi, claim.rendering_npi):
            if not isinstance(npi, str) or not npi_is_valid(npi):
                flag(claim.claim_id, "npi")
        mine = lines[lines["claim_id"] == claim.claim_id]
        if abs(round(mine["charge"].sum(), 2) - claim.total_charge) > 0.005:
            flag(claim.claim_id, "total")
    for dx in diagnoses.itertuples():
        if not is_billable(dx.code):
            flag(dx.claim_id, "diagnosis")
    for line in lines.itertuples():
        pointers = line.pointers if isinstance(line.pointers, str) else ""
        known = letters.get(line.claim_id, set())
        if not pointers or len(pointers) > 4 or any(p not in known for p in pointers):
            flag(line.claim_id, "pointer")
    return {claim_id: sorted(reasons) for claim_id, reasons in problems.items()}


ADJUSTING = {"CO", "OA", "PI", "CR"}  # every adjustment group but PR (patient responsibility)


def post(era):
    """Paid once per line; patient = PR adjustments; adjusted = all other groups; balanced = every line balances.

    A plain loop over the rows, not groupby per claim: the same results on every input the grader makes, in a
    hundredth of the time (it runs once per student at grading time).
    """
    claims = {}
    for row in era.itertuples(index=False):
        claim = claims.setdefault(row.claim_id, {"lines": {}, "patient": 0.0, "adjusted": 0.0})
        line = claim["lines"].setdefault(row.line, {"charge": row.charge, "paid": row.paid, "adjusted": 0.0})
        line["adjusted"] += row.amount
        if row.group == "PR":
            claim["patient"] += row.amount
        elif row.group in ADJUSTING:
            claim["adjusted"] += row.amount
    return {
        str(claim_id): {
            "paid": round(sum(line["paid"] for line in claim["lines"].values()), 2),
            "patient": round(claim["patient"], 2),
            "adjusted": round(claim["adjusted"], 2),
            "balanced": all(abs(line["charge"] - line["adjusted"] - line["paid"]) < 0.005
                            for line in claim["lines"].values()),
        }
        for claim_id, claim in claims.items()
    }


def aging_totals(ar, as_of):
    """Days from the date of service to the report date, cut into the five buckets; every bucket present."""
    age = (pd.Timestamp(date.fromisoformat(as_of)) - pd.to_datetime(ar["dos"])).dt.days
    buckets = pd.cut(age, bins=BUCKET_EDGES, labels=BUCKETS)
    totals = ar["balance"].groupby(buckets, observed=False).sum()
    return {label: round(float(totals[label]), 2) for label in BUCKETS}


def graded(params: dict) -> dict:
    """What each graded cell checks, for this class's numbers (params, chosen at release)."""
    payments = params["bl-g3"]["payments"]
    return {
        "test_bl_g1": QuizKey(
            "bl-g1", "b",
            "A rejection is refused before adjudication (by the clearinghouse or the payer's front-end edits), so "
            "the claim was never accepted and is fixed and sent again as new. A denial comes after adjudication "
            "and is worked by correcting and resubmitting or by appealing.",
        ),
        "test_bl_g2": QuizKey(
            "bl-g2", {"co50": "appeal", "co29": "write_off", "pr1": "bill_patient", "co16": "correct", "oa18": "none"},
            "CO-50 (not medically necessary): appeal with the records. CO-29 (filing limit passed): write off, the "
            "patient may not be billed. PR-1 (deductible): bill the patient. CO-16 (missing information): correct "
            "and resubmit. OA-18 (exact duplicate): no action, the original claim is the one being paid.",
        ),
        "test_bl_g3": QuizKey(
            "bl-g3", round(payments / 600, 1),
            f"Net collection rate = payments ÷ (charges − contractual adjustments) = {payments:,.0f} ÷ "
            f"(100,000 − 40,000) = {payments / 600:.1f}%. The benchmark commonly quoted (attributed to MGMA) is 95% or more.",
        ),
        "patient_share_test": FunctionCheck(
            "patient_share", patient_share,
            "Copay first (at most the allowed amount), then the deductible on what is left, then coinsurance on "
            "what is left after that; the patient owes the sum.", tolerance=0.01,
        ),
        "npi_is_valid_test": FunctionCheck(
            "npi_is_valid", npi_is_valid,
            "Exactly ten digits, and the tenth is the Luhn check digit of 80840 followed by the first nine: double "
            "every second digit from the right (starting with the ninth), subtract 9 from results over 9, add "
            "everything, and the check digit brings the total to a multiple of 10.",
        ),
        "scrub_test": FunctionCheck(
            "scrub", scrub,
            "Each failing claim once, with each of its reasons once and sorted: member_id (blank), npi (either NPI "
            "fails the check digit), diagnosis (a box 21 code that is not billable), pointer (a line with no "
            "pointer, more than four, or a letter box 21 does not fill) and total (lines do not add up to the total).",
        ),
        "post_test": FunctionCheck(
            "post", post,
            "Take each line's paid amount once (the table repeats it on every adjustment row); patient = the PR "
            "amounts; adjusted = the CO, OA and PI amounts; balanced = every line's charge minus its adjustments "
            "equals its payment.", tolerance=0.01,
        ),
        "aging_totals_test": FunctionCheck(
            "aging_totals", aging_totals,
            "Age = report date minus date of service, in days; pd.cut with bins [-1, 30, 60, 90, 120, inf] and the "
            "five labels; sum the balances per bucket, with 0.0 for an empty bucket.", tolerance=0.01,
        ),
    }
