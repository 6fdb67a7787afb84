"""Keys for 02_billing (steps 1-3). Instructor only: this folder is not under source/, so nbgrader never releases it,
and the grading sandbox cannot read it. The grader calls graded(params) in its own process.

One entry per graded cell of the master, named by its nbgrader grade_id:
- QuizKey(item, key, explanation) for a graded quiz question (the student's saved answer is scored);
- FunctionCheck(name, reference, explanation) for a function exercise: the student's function is run, in the
  sandbox, on inputs the grader picks for that student; each result must equal reference(*inputs), computed here.

Steps 4-7 (the scrubber, posting, denials, A/R) are graded by autograder/keys/02b_billing_payments.py.
"""

from billcode.instructor.keys import FunctionCheck, QuizKey


def patient_share(allowed, deductible_left, coinsurance_pct, copay):
    """A copay service costs the copay (at most the allowed amount); otherwise the deductible, then coinsurance."""
    if copay > 0:
        return round(min(copay, allowed), 2)
    deductible_part = min(deductible_left, allowed)
    return round(deductible_part + (allowed - deductible_part) * coinsurance_pct / 100, 2)


def graded(params: dict) -> dict:
    """What each graded cell checks, for this class's numbers (params, chosen at release)."""
    return {
        "test_bl_g1": QuizKey(
            "bl-g1", "b",
            "A rejection is refused before adjudication (by the clearinghouse or the payer's front-end edits), so "
            "the claim was never accepted and is fixed and sent again as new. A denial comes after adjudication "
            "and is worked by correcting and resubmitting or by appealing.",
        ),
        "patient_share_test": FunctionCheck(
            "patient_share", patient_share,
            "A service with a copay costs the copay only (at most the allowed amount); without a copay, the patient "
            "pays the deductible part (the smaller of the deductible left and the allowed amount), then coinsurance "
            "on what is left.", tolerance=0.01,
        ),
    }
