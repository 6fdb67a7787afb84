"""Keys for 05b_your_plan (part 2: the self-assessment and the plan). Instructor only: this folder is not under
source/, so nbgrader never releases it, and the grading sandbox cannot read it. The grader calls graded(params) in
its own process.

The reflection (grade_id "reflection") is graded by hand in the formgrader, with the rubric kept in the master's
instructor-only cell; it has no entry here. lean is the reference of the notebook's optional stretch exercise
(practice, never graded): the tests check the notebook's worked examples against it.
"""

from billcode.careers.choosing import FACTORS
from billcode.instructor.keys import QuizKey

POINTS_TO = {factor.key: factor.points_to for factor in FACTORS}  # the notebook prints the same table


def lean(answers, weights):
    """Coding minus billing pull over the answered factors; under a quarter of the strongest possible: combined."""
    score, strongest, answered = 0, 0, 0
    for factor, toward in POINTS_TO.items():
        answer = answers.get(factor)
        if answer is None:
            continue
        answered += 1
        pull = (answer - 3) * weights[factor]
        score += pull if toward == "coding" else -pull
        strongest += 2 * weights[factor]
    if answered < 3:
        return None
    if abs(score) < 0.25 * strongest:
        return "combined"
    return "coding" if score > 0 else "billing"


def graded(params: dict) -> dict:
    """What each graded cell checks, for this class's numbers (params, chosen at release)."""
    weight = params["ch-g1"]["detail_weight"]
    return {
        "test_ch_g1": QuizKey(
            "ch-g1", 2 * weight - 3,
            f"Communication points to billing: (4 - 3) * 3 = 3 toward billing, so -3. Detail orientation points to "
            f"coding: (5 - 3) * {weight} = {2 * weight} toward coding. The score is {2 * weight} - 3 = {2 * weight - 3}.",
        ),
    }
