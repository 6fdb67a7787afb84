"""Keys for 02b_billing_payments (steps 4-7 of billing). Instructor only: this folder is not under source/, so nbgrader
never releases it, and the grading sandbox cannot read it. The grader calls graded(params) in its own process.

One entry per graded cell of the master, named by its nbgrader grade_id:
- QuizKey(item, key, explanation) for a graded quiz question (the student's saved answer is scored);
- FunctionCheck(name, reference, explanation) for a function exercise: the student's function is run, in the
  sandbox, on inputs the grader picks for that student; each result must equal reference(*inputs), computed here.

bucket and npi_is_valid are the references of the notebook's optional stretch exercises (practice, never graded):
the tests check the notebook's worked examples against them.
"""

from billcode.instructor.keys import FunctionCheck, QuizKey


def pointer_problem(pointers, letters):
    """Box 24E is wrong when blank, when it has more than four pointers, or when a pointer is not a box 21 letter."""
    return pointers == "" or len(pointers) > 4 or any(p not in letters for p in pointers)


def bucket(days):
    """The aging bucket of a balance `days` old: 0-30, 31-60, 61-90, 91-120 or 121+."""
    for upper, label in ((30, "0-30"), (60, "31-60"), (90, "61-90"), (120, "91-120")):
        if days <= upper:
            return label
    return "121+"


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


def patient_rows(claim_id: str) -> float:
    """What a claim's 835 rows put on the patient's statement: its PR adjustments (computed from the course's 835)."""
    from billcode.billing.x12 import read_835
    from billcode.data import data_path

    era = read_835(data_path("billing/remittance_835.x12").read_text())
    rows = era[(era["claim_id"] == claim_id) & (era["group"] == "PR")]
    return round(float(rows["amount"].sum()), 2)


def graded(params: dict) -> dict:
    """What each graded cell checks, for this class's numbers (params, chosen at release)."""
    payments = params["bl-g3"]["payments"]
    return {
        "test_bl_g2": QuizKey(
            "bl-g2", {"co50": "appeal", "co29": "write_off", "pr1": "bill_patient", "co16": "correct", "oa18": "none"},
            "CO-50 (not deemed a medical necessity) with a chart that supports the test: appeal with the records. "
            "CO-29 (filing limit passed): look for proof that the claim was filed in time (a clearinghouse "
            "acceptance report); without it, write it off, and the patient may not be billed. PR-1 (deductible): "
            "bill the patient. CO-16 with M76 (missing or invalid diagnosis): correct the claim and resubmit. "
            "OA-18 (exact duplicate): nothing to do, the first claim is the one being paid.",
        ),
        "test_bl_g4": QuizKey(
            "bl-g4", patient_rows("C1007"),
            "Only the rows whose group code is PR (patient responsibility) go on the patient's statement: C1007's three "
            "PR-2 coinsurance rows, 9.80 + 2.45 + 0.56 = 12.81. Its CO-45 rows are the contractual write-off, which "
            "the patient may not be billed.",
        ),
        "test_bl_g3": QuizKey(
            "bl-g3", round(payments / 600, 1),
            f"Net collection rate = payments / (charges - contractual adjustments) * 100 = {payments:,.0f} / "
            f"(100,000 - 40,000) * 100 = {payments / 600:.1f}%. The benchmark commonly quoted (attributed to MGMA) is "
            "95% or more.",
        ),
        "pointer_problem_test": FunctionCheck(
            "pointer_problem", pointer_problem,
            "A line's box 24E is a problem when it is blank, when it has more than four pointers (the line you "
            "write: too_many = len(pointers) > 4), or when a pointer names a letter box 21 does not fill.",
        ),
    }
