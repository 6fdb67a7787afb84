"""Keys for 01_overview. Instructor only: this folder is not under source/, so nbgrader never releases it,
and the grading sandbox cannot read it. The grader calls graded(params) in its own process.

One entry per graded cell of the master, named by its nbgrader grade_id:
- QuizKey(item, key, explanation) for a graded quiz question (the student's saved answer is scored);
- ValueCheck(name, expected, explanation) for a code exercise (the student's exported value is compared).
"""

from billcode.data import load_table
from billcode.instructor.keys import QuizKey, ValueCheck


def graded(params: dict) -> dict:
    """What each graded cell checks, for this class's numbers (params, chosen at release)."""
    position = params["ov-g1"]["position"]
    billing = 1200 + (3000 - 1200) * position / 100
    coding = 2000 + (5000 - 2000) * position / 100
    cycle = load_table("revenue_cycle")
    return {
        "test_ov_g1": QuizKey(
            "ov-g1", round(coding - billing, 2),
            f"{position:g}% of the way up each range: billing 1,200 + {position:g}% × 1,800 = ${billing:,.0f}; "
            f"coding 2,000 + {position:g}% × 3,000 = ${coding:,.0f}; difference ${coding - billing:,.0f}. These are "
            "the article's untraced claims; textbooks, exam fees and materials are extra.",
        ),
        "test_ov_g2": QuizKey(
            "ov-g2", ["schedule", "checkin", "document", "submit", "adjudicate", "remit"],
            "Scheduling and registration come first, then check-in with the copay. The provider documents the visit "
            "and charges are captured; after coding, the claim is scrubbed and sent. The payer adjudicates it, and "
            "the practice then receives the 835 and posts the payment.",
        ),
        "test_ov_g3": QuizKey(
            "ov-g3", "b",
            "A 276 asks the payer where a claim stands (the 277 is its answer); the 835 remittance carries the payment "
            "and its adjustments once the claim is decided. The 270/271 pair is about eligibility before a visit, and "
            "sending the 837P again would make a duplicate claim.",
        ),
        "test_ov_g4": QuizKey(
            "ov-g4", {"cpc": "aapc", "cpb": "aapc", "cca": "ahima", "cbcs": "nha", "ccs": "ahima"},
            "First the credential, from its focus: Ana needs the CPC, Ben the CPB, Cy the CCA, Dee the CBCS and Eve the "
            "CCS. Then who grants it: AAPC grants the CPC and CPB; AHIMA the CCA and CCS; the National Healthcareer "
            "Association (NHA) the CBCS.",
        ),
        "test_ov_g5": QuizKey(
            "ov-g5", ["a", "c", "e"],
            "PHI is identifiable health information held by a covered entity or its business associate, in any "
            "form. The claim (name, date, diagnosis), the record number on a lab result and the voicemail (oral) "
            "all identify a patient and relate to their care. The handout, the opening hours and the anonymous "
            "claim count identify no one.",
        ),
        "coder_steps_test": ValueCheck(
            "coder_steps", cycle.loc[cycle["coder"] != "none", "name"].tolist(),
            "Keep the rows whose coder column is 'main' or 'supports', then take their names in table order: "
            "cycle.loc[cycle['coder'].isin(['main', 'supports']), 'name'].tolist().",
        ),
    }
