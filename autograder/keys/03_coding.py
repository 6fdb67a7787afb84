"""Keys for 03_coding (part 1 of coding: find codes as a coder does). Instructor only: this folder is not under
source/, so nbgrader never releases it, and the grading sandbox cannot read it. The grader calls graded(params) in
its own process.

One entry per graded cell of the master, named by its nbgrader grade_id:
- QuizKey(item, key, explanation) for a graded quiz question (the student's saved answer is scored);
- FunctionCheck(name, reference, explanation) for a function exercise: the student's function runs, in the
  sandbox, on inputs the grader makes for that student; each result must equal reference(*inputs), computed here.
"""

import re

from billcode.coding.billable import is_billable
from billcode.coding.codes import icd10cm_exists
from billcode.instructor.keys import FunctionCheck, QuizKey


def normalize_icd(text):
    """Stretch reference (practice): upper case, no spaces, the dot after the third character (none for three)."""
    bare = re.sub(r"\s+", "", text).upper().replace(".", "")
    return bare if len(bare) <= 3 else f"{bare[:3]}.{bare[3:]}"


def with_seventh(code, seventh):
    """The code as given goes as far as the code set does (6th character chosen where one exists): X fills the
    places left up to six characters, then the 7th character (ICD-10-CM Guidelines I.A.4-5)."""
    bare = code.replace(".", "").ljust(6, "X") + seventh
    return f"{bare[:3]}.{bare[3:]}"


def claim_ready(code):
    """Stretch reference (practice): billable, incomplete (a real code with codes below it) or not a code."""
    normal = normalize_icd(code)
    if is_billable(normal):
        return "billable"
    return "incomplete" if normal and icd10cm_exists(normal) else "not a code"


def graded(params: dict) -> dict:
    """What each graded cell checks (03_coding's questions take no class numbers).

    normalize_icd and claim_ready are practice exercises in stretch sections: their references above are what
    tests check the bank's worked examples with; nothing here grades them (em_level and apply_ptp: 03b_coding_rules)."""
    return {
        "test_cd_g1": QuizKey(
            "cd-g1", "S61.412D",
            "Laceration without foreign body (S61.41-), of the left hand (6th character 2): S61.412. Its 7th character "
            "follows the care, not the provider (Guidelines I.C.19.a): the repair was the active treatment; a wound "
            "check while it heals is routine care in the healing phase, D (subsequent encounter), even at a clinic "
            "seeing the patient for the first time. S61.412A would say active treatment.",
        ),
        "test_cd_g2": QuizKey(
            "cd-g2", {"ex1": "never", "ex2": "both", "use": "add", "first": "before"},
            "Excludes1: the listed condition is not coded with this one, except when the two conditions are "
            "unrelated (Guidelines I.A.12.a). Excludes2: the condition is not part of this code, and a patient who "
            "has both gets both codes. Use additional code: add a second code. Code first: the underlying "
            "condition's code goes before this one.",
        ),
        "with_seventh_test": FunctionCheck(
            "with_seventh", with_seventh,
            "The code given already goes as far as the code set does, so X only fills the places it leaves empty: "
            "without its dot, pad it with X up to six characters, add the 7th character and put the dot back after "
            "the third: W19 + A = W19.XXXA; T15.01 + A = T15.01XA; S93.401 + D = S93.401D (no X).",
        ),
    }
