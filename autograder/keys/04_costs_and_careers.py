"""Keys for 04_costs_and_careers. Instructor only: this folder is not under source/, so nbgrader never releases it,
and the grading sandbox cannot read it. The grader calls graded(params) in its own process.

One entry per graded cell of the master, named by its nbgrader grade_id (see keys/02_billing.py for the kinds).

annual_pay and five_year_net are the references of the notebook's optional stretch exercises (practice, never
graded): the tests check the notebook's worked examples against them.
"""

from billcode.instructor.keys import FunctionCheck, QuizKey


def annual_pay(hourly, hours_per_week):
    """Hourly wage × hours a week × 52 weeks, to the cent."""
    return round(hourly * hours_per_week * 52, 2)


def payback_months(cost, months, pay_now, pay_after, yearly_fees):
    """Months studying plus the cost over the monthly gain; None when the gain is not positive."""
    gain = (pay_after - pay_now - yearly_fees) / 12
    if gain <= 0:
        return None
    return round(months + cost / gain, 1)


def five_year_net(cost, months, pay_now, pay_after, yearly_fees):
    """Pay now while studying, pay after (less yearly fees) for the rest of 60 months, less the cost, to the cent."""
    studying = min(months, 60)
    working = 60 - studying
    return round(studying * pay_now / 12 + working * (pay_after - yearly_fees) / 12 - cost, 2)


def graded(params: dict) -> dict:
    """What each graded cell checks (04 has no class numbers)."""
    return {
        "test_cc_g1": QuizKey(
            "cc-g1", 27.3,
            "(60,097 - 47,200) / 47,200 = 0.273, so 27.3% higher: divide by the non-certified average, the one you "
            "compare with. More than the article's 'about 20%'. Both are self-reported AAPC member averages, not a "
            "controlled comparison.",
        ),
        "test_cc_g2": QuizKey(
            "cc-g2", "b",
            "USD 54,789 differs by USD 8 from AAPC's 2022 average for all members (54,797): possibly a mis-dated AAPC "
            "figure, and a different year and group from the article's claim. It is not the BLS median (50,250, May "
            "2024), not AAPC's certified average (60,097), and no source gives entry pay for coders.",
        ),
        "test_cc_g3": QuizKey(
            "cc-g3", {"cpc": "aapc_ceus", "cca": "ahima_ceus", "cbcs": "nha_renew", "cpb": "aapc_exam"},
            "CPC: AAPC, 100 questions, kept with 36 CEUs every two years and a yearly membership. CPB: AAPC, 135 "
            "questions in 4 hours. CCA: AHIMA, 20 CEUs every two years (secondary sources; check AHIMA). CBCS: NHA, "
            "renewed every two years.",
        ),
        "payback_months_test": FunctionCheck(
            "payback_months", payback_months,
            "months + cost / gain, with gain = (pay_after - pay_now - yearly_fees) / 12, to one decimal; None when "
            "that monthly gain is zero or negative (that line is given).", tolerance=0.05),
    }
