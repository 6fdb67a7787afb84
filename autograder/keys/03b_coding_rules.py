"""Keys for 03b_coding_rules (part 2 of coding: code a visit by the rules). Instructor only: this folder is not
under source/, so nbgrader never releases it, and the grading sandbox cannot read it. The grader calls
graded(params) in its own process.

One entry per graded cell of the master, named by its nbgrader grade_id:
- QuizKey(item, key, explanation) for a graded quiz question (the student's saved answer is scored);
- FunctionCheck(name, reference, explanation) for a function exercise: the student's function runs, in the
  sandbox, on inputs the grader makes for that student; each result must equal reference(*inputs), computed here.
"""

from billcode.data import load_table
from billcode.instructor.keys import QuizKey

BYPASS = {"59", "XE", "XP", "XS", "XU"}


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


def graded(params: dict) -> dict:
    """What each graded cell checks (03b_coding_rules' questions take no class numbers).

    em_level and apply_ptp are practice exercises in stretch sections: their references above are what tests check
    the bank's worked examples with; nothing here grades them."""
    return {
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
    }
