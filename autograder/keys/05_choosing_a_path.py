"""Keys for 05_choosing_a_path (part 1: testimonials, programs, the article's answers). Instructor only: this folder
is not under source/, so nbgrader never releases it, and the grading sandbox cannot read it. The grader calls
graded(params) in its own process. The self-assessment, its Question and the reflection are in 05b_your_plan.
"""

from billcode.instructor.keys import FunctionCheck, QuizKey


def red_flags(program):
    """The six rules, each reported once, sorted; an externship or a practice set counts as hands-on practice."""
    flags = []
    if program["approval"] is None or program["approval"].strip() == "":
        flags.append("approval")
    if program["code_book_year"] < program["year"]:
        flags.append("code_books")
    if program["total_cost"] is None or program["total_cost"] > program["budget"]:
        flags.append("cost")
    if not program["externship"] and not program["practice_set"]:
        flags.append("hands_on")
    if program["pass_rate"] is None:
        flags.append("pass_rate")
    if program["placement_claim"] is not None and program["placement_claim"] >= 100:
        flags.append("placement")
    return flags


def graded(params: dict) -> dict:
    """What each graded cell checks, for this class's numbers (params, chosen at release)."""
    return {
        "test_ch_g3": QuizKey(
            "ch-g3", ["a", "b", "d", "f"],
            "Red flags: a 100% placement guarantee (nobody can promise it), no published pass rates, old code books "
            "(the code sets change every year) and a total cost hidden behind per-credit prices and fees 'to be "
            "announced'. A certificate on AHIMA's own PCAP list and a supervised externship are good signs.",
        ),
        "red_flags_test": FunctionCheck(
            "red_flags", red_flags,
            "hands_on = program[\"externship\"] or program[\"practice_set\"] (the line you write); the other rules are "
            "given: approval blank or None; code_book_year before year; total_cost None or over budget; pass_rate "
            "None; placement_claim 100 or more. Sorted, each once."),
    }
