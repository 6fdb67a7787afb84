"""Keys for 03_coding. Instructor only: this folder is not under source/, so nbgrader never releases it,
and the grading sandbox cannot read it. The grader calls graded(params) in its own process.

One entry per graded cell of the master, named by its nbgrader grade_id:
- QuizKey(item, key, explanation) for a graded quiz question (the student's saved answer is scored);
- FunctionCheck(name, reference, explanation) for a function exercise: the student's function runs, in the
  sandbox, on inputs the grader makes for that student; each result must equal reference(*inputs), computed here.
"""

import re

from billcode.coding.billable import is_billable
from billcode.coding.codes import icd10cm_exists
from billcode.data import load_table
from billcode.instructor.keys import FunctionCheck, QuizKey

BYPASS = {"59", "XE", "XP", "XS", "XU"}


def normalize_icd(text):
    """Stretch reference (practice): upper case, no spaces, the dot after the third character (none for three)."""
    bare = re.sub(r"\s+", "", text).upper().replace(".", "")
    return bare if len(bare) <= 3 else f"{bare[:3]}.{bare[3:]}"


def with_seventh(code, seventh):
    """The code as given goes as far as the code set does (6th character chosen where one exists): X fills the
    places left up to six characters, then the 7th character (ICD-10-CM Guidelines I.A.4-5)."""
    bare = code.replace(".", "").ljust(6, "X") + seventh
    return f"{bare[:3]}.{bare[3:]}"


def em_level(patient, minutes):
    """Stretch reference (practice): the level whose 2021 time range holds the minutes (level 5 beyond its range);
    None below level 2's range."""
    table = load_table("coding/em_office_time")
    met = table[(table["patient"] == patient) & (table["minimum_minutes"] <= minutes)]
    return int(met["level"].max()) if len(met) else None


def apply_ptp(lines, edits):
    """The stretch exercise's reference (practice, not graded; tests check the bank's worked example with it).
    Column-two lines that an edit in effect denies: indicator 0 always, 1 unless the line has 59/XE/XP/XS/XU."""
    denied = set()
    for claim_id, claim in lines.groupby("claim_id"):
        dos = claim["dos"].iloc[0].replace("-", "")
        for edit in edits.itertuples():
            indicator = edit.modifier_indicator
            deleted = edit.deletion_date != "*" and dos >= edit.deletion_date
            if indicator == "9" or dos < edit.effective_date or deleted:
                continue
            if edit.column_1 not in set(claim["code"]):
                continue
            for line in claim[claim["code"] == edit.column_2].itertuples():
                bypassed = isinstance(line.modifier, str) and line.modifier in BYPASS
                if indicator == "0" or not bypassed:
                    denied.add(f"{claim_id}:{line.line}")
    return sorted(denied)


def claim_ready(code):
    """Stretch reference (practice): billable, incomplete (a real code with codes below it) or not a code."""
    normal = normalize_icd(code)
    if is_billable(normal):
        return "billable"
    return "incomplete" if normal and icd10cm_exists(normal) else "not a code"


def graded(params: dict) -> dict:
    """What each graded cell checks (03_coding's questions take no class numbers).

    normalize_icd, claim_ready, em_level and apply_ptp are practice exercises in stretch sections: their references
    above are what tests check the bank's worked examples with; nothing here grades them."""
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
        "test_cd_g4": QuizKey(
            "cd-g4", ["S51.851A", "W54.0XXA"],
            "The injury first: Index Bite(s) > forearm, S51.85- (open bite of forearm); the Tabular List gives 1 for the "
            "right forearm and the 7th character A for the first visit: S51.851A. Then the external cause, which is "
            "never listed first (Guidelines I.C.20): W54.0 (bitten by dog) has nothing below it, so X fills the empty "
            "places before its 7th character: W54.0XXA.",
        ),
        "test_cd_g5": QuizKey(
            "cd-g5", "b",
            "Two procedures at separate sites, each documented: modifier 59 (or, more precisely, XS, a separate "
            "structure) on the line of the procedure the edit would bundle tells the payer it was distinct (CMS "
            "MLN1783722). 25 is for a separate visit (E/M) on the day of a procedure, not for a procedure line; LT "
            "names a side but does not say the procedure was distinct; without a modifier, the edit bundles it.",
        ),
        "with_seventh_test": FunctionCheck(
            "with_seventh", with_seventh,
            "The code given already goes as far as the code set does, so X only fills the places it leaves empty: "
            "without its dot, pad it with X up to six characters, add the 7th character and put the dot back after "
            "the third: W19 + A = W19.XXXA; T15.01 + A = T15.01XA; S93.401 + D = S93.401D (no X).",
        ),
    }
