"""The inputs 00b_python_lists_tables's practice functions are checked on (all public: nothing here is graded)."""

from __future__ import annotations

import random

from billcode.quiz.checks import PUBLIC_SEED, Exercise

NOTEBOOK = "00b_python_lists_tables"
# The made-up payers' timely filing limits in days, as in data/billing/payers.csv (the notebook's dict; a test
# checks that the two agree).
FILING_DAYS = {"HHP01": 90, "SMM02": 180, "LCP03": 365}
FILED_EXAMPLES = [("HHP01", 30), ("HHP01", 91), ("LCP03", 200), ("SMM02", 180)]


def filed_cases(seed: str) -> list[tuple]:
    """A payer ID and the days between the visit and the claim: the examples, or other inputs for another seed."""
    if seed == PUBLIC_SEED:
        return list(FILED_EXAMPLES)
    rng = random.Random(f"{NOTEBOOK}:filed_in_time:{seed}")
    cases = [(payer, limit + offset) for payer, limit in FILING_DAYS.items() for offset in (-1, 0, 1)]
    cases += [(rng.choice(sorted(FILING_DAYS)), rng.randint(0, 400)) for _ in range(12)]
    rng.shuffle(cases)
    return cases


def describe_filed(args: tuple) -> str:
    """How the notebook writes one filed_in_time call."""
    payer_id, days = args
    return f"filed_in_time({payer_id!r}, {days})"


EXERCISES: dict[str, Exercise] = {
    "filed_in_time": Exercise("filed_in_time", filed_cases, bool, "True or False", describe_filed, notebook=NOTEBOOK),
}
