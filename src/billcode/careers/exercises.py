"""The inputs the functions of 04, 05 and 05b are called on: the notebooks' examples, or a grader's seeded set.

Only inputs live here; the grader makes a student's set in its own process and hands the sandbox the inputs as
data, and the answers come from the instructor's key files.
"""

from __future__ import annotations

import math
import random

import pandas as pd

from billcode.careers.paths import DEFAULT_BASIS, default_paths, paths_frame
from billcode.data import read_csv_text
from billcode.quiz.checks import PUBLIC_SEED, Exercise


def _rng(name: str, seed: str) -> random.Random:
    return random.Random(f"careers:{name}:{seed}")


# 04, exercise 1. annual_pay(hourly, hours_per_week) -> float

PAY_EXAMPLES = [(17.5, 40), (20.0, 40), (24.16, 40), (15.0, 30)]


def pay_cases(seed: str) -> list[tuple]:
    """An hourly wage and hours a week."""
    if seed == PUBLIC_SEED:
        return list(PAY_EXAMPLES)
    rng = _rng("annual_pay", seed)
    cases = [(round(rng.uniform(7.25, 60), 2), rng.choice([20, 24, 30, 32, 35, 37.5, 40, 40, 40])) for _ in range(20)]
    return cases + [(0.0, 40), (33.33, 0), (19.99, 37.5)]


# 04, exercise 2. payback_months(cost, months, pay_now, pay_after, yearly_fees) -> float | None

PAYBACK_EXAMPLES = [(2525.0, 10.0, 15080.0, 50250.0, 222.0), (3000.0, 10.0, 20000.0, 44000.0, 0.0),
                    (10299.0, 24.0, 50250.0, 50250.0, 109.0)]


def payback_cases(seed: str) -> list[tuple]:
    """Total cost, months of study, pay now, pay after (both per year), yearly fees."""
    if seed == PUBLIC_SEED:
        return list(PAYBACK_EXAMPLES)
    rng = _rng("payback_months", seed)
    cases = []
    for _ in range(20):
        now = float(rng.choice([0, 15080, 24000, rng.randrange(10_000, 60_000, 500)]))
        after = float(rng.randrange(25_000, 80_000, 500))
        cases.append((float(rng.randrange(1_000, 42_000, 50)), float(rng.randrange(4, 30)), now, after,
                      float(rng.choice([0, 29.5, 117, 222, 300]))))
    cases += [(4000.0, 12.0, 40000.0, 40000.0, 0.0), (4000.0, 12.0, 40000.0, 40100.0, 222.0),
              (0.0, 6.0, 20000.0, 30000.0, 0.0), (5000.0, 9.0, 60000.0, 45000.0, 0.0)]
    rng.shuffle(cases)
    return cases


def payback_hint(results: list) -> str | None:
    """On the examples: a number that cannot be a count of months."""
    if all(value is None for value in results):
        return ("it returned None on every example: the last line must hand the answer back, so it starts with "
                "`return` (a line that only works a value out, or stores it in a name, gives back nothing). It returns "
                "the months of study plus the cost divided by the monthly gain, rounded to one decimal (only a path "
                "that never pays back gives None).")
    for value in results:
        if isinstance(value, float) and (not math.isfinite(value) or value < 0):
            return ("a path that never pays back should give None, not infinity, NaN or a negative number of months.")
    return None


def describe_payback(args: tuple) -> str:
    """How the notebook writes one payback_months input."""
    return "payback_months({}, {}, {}, {}, {})".format(*args)


# 04, exercise 3. five_year_net(cost, months, pay_now, pay_after, yearly_fees) -> float

NET_EXAMPLES = [(2525.0, 10.0, 15080.0, 50250.0, 222.0), (3000.0, 10.0, 20000.0, 44000.0, 0.0),
                (1000.0, 66.0, 20000.0, 50000.0, 0.0)]


def net_cases(seed: str) -> list[tuple]:
    """Total cost, months before the new pay starts, pay now, pay after (both per year), yearly fees."""
    if seed == PUBLIC_SEED:
        return list(NET_EXAMPLES)
    rng = _rng("five_year_net", seed)
    cases = []
    for _ in range(20):
        now = float(rng.choice([0, 15080, 24000, rng.randrange(10_000, 60_000, 500)]))
        cases.append((float(rng.randrange(1_000, 42_000, 50)), float(rng.randrange(4, 30)), now,
                      float(rng.randrange(25_000, 80_000, 500)), float(rng.choice([0, 29.5, 109, 222, 300]))))
    cases += [(2000.0, 60.0, 30000.0, 50000.0, 0.0), (2000.0, 72.0, 30000.0, 50000.0, 222.0),
              (0.0, 0.0, 0.0, 12000.0, 1200.0), (5000.0, 9.0, 60000.0, 45000.0, 0.0)]
    rng.shuffle(cases)
    return cases


def describe_net(args: tuple) -> str:
    """How the notebook writes one five_year_net input."""
    return "five_year_net({}, {}, {}, {}, {})".format(*args)


def example_paths(basis: str = DEFAULT_BASIS) -> pd.DataFrame:
    """The five paths at the explorer's defaults on one pay basis, one row each, pay per year."""
    return read_csv_text(paths_frame(default_paths(basis)).to_csv(index=False))


# 05. red_flags(program) -> sorted list of flag words

FLAGS = ("approval", "code_books", "cost", "hands_on", "pass_rate", "placement")
PROGRAM_EXAMPLES = [
    {"name": "Sample College coding certificate", "approval": "AHIMA PCAP", "externship": True, "practice_set": False,
     "pass_rate": 78.0, "code_book_year": 2026, "year": 2026, "placement_claim": None, "total_cost": 4200.0,
     "budget": 5000.0},
    {"name": "FastTrack Online billing course", "approval": None, "externship": False, "practice_set": False,
     "pass_rate": None, "code_book_year": 2023, "year": 2026, "placement_claim": 100.0, "total_cost": None,
     "budget": 2000.0},
    {"name": "Example Community College HIM degree", "approval": "CAHIIM", "externship": False, "practice_set": True,
     "pass_rate": None, "code_book_year": 2026, "year": 2026, "placement_claim": 85.0, "total_cost": 11800.0,
     "budget": 10000.0},
]


def example_programs() -> list[dict]:
    """The three programs 05's red_flags example runs on (copies: change them freely)."""
    return [dict(p) for p in PROGRAM_EXAMPLES]


def program_cases(seed: str) -> list[tuple]:
    """One program's claims (a dict), with the learner's budget."""
    if seed == PUBLIC_SEED:
        return [(dict(p),) for p in PROGRAM_EXAMPLES]
    rng = _rng("red_flags", seed)
    cases = []
    for i in range(24):
        year = rng.choice([2025, 2026, 2027])
        cases.append(({
            "name": f"Program {i + 1}",
            "approval": rng.choice([None, "", "CAHIIM", "AHIMA PCAP", "AAPC approved (check on aapc.com)", None]),
            "externship": rng.random() < 0.5,
            "practice_set": rng.random() < 0.5,
            "pass_rate": rng.choice([None, round(rng.uniform(40, 99), 1), round(rng.uniform(60, 95), 1)]),
            "code_book_year": year - rng.choice([0, 0, 0, 1, 3]),
            "year": year,
            "placement_claim": rng.choice([None, None, 100.0, round(rng.uniform(50, 99), 1)]),
            "total_cost": rng.choice([None, float(rng.randrange(1_500, 42_000, 100))]),
            "budget": float(rng.randrange(1_000, 45_000, 500)),
        },))
    base = PROGRAM_EXAMPLES[0]
    cases.append(({**base, "name": "On budget exactly", "total_cost": 5000.0},))
    cases.append(({**base, "name": "Blank approval", "approval": "   "},))
    cases.append(({**base, "name": "Practice set only", "externship": False, "practice_set": True},))
    cases.append(({**base, "name": "Neither", "externship": False, "practice_set": False},))
    cases.append(({**base, "name": "Pass rate of zero", "pass_rate": 0.0},))
    return cases


def flags_hint(results: list) -> str | None:
    """On the examples: known words, sorted, no repeats, and each rule used at least once."""
    seen: set[str] = set()
    for found in results:
        if found != sorted(found) or len(set(found)) != len(found):
            return "the flags should be a sorted list without repeats, like ['cost', 'hands_on']."
        unknown = [f for f in found if f not in FLAGS]
        if unknown:
            return f"{unknown[0]!r} is not one of the six flag words ({', '.join(FLAGS)})."
        seen.update(found)
    missing = [f for f in FLAGS if f not in seen]
    if missing:
        return f"between them the examples break every rule, but your function never reports {', '.join(missing)} yet."
    return None


def describe_program(args: tuple) -> str:
    """How the check names one program."""
    return f"the program {args[0].get('name')!r}"


# 05b. lean(answers, weights) -> "billing" | "coding" | "combined" | None

FACTOR_KEYS = ("communication", "detail", "learning", "environment")
LEAN_EXAMPLES = [
    ({"communication": 5, "detail": 2, "learning": 2, "environment": 3},
     {"communication": 2, "detail": 2, "learning": 2, "environment": 2}),
    ({"communication": 2, "detail": 5, "learning": None, "environment": 4},
     {"communication": 1, "detail": 3, "learning": 2, "environment": 3}),
    ({"communication": 4, "detail": 4, "learning": 3, "environment": None},
     {"communication": 2, "detail": 2, "learning": 2, "environment": 2}),
    ({"communication": None, "detail": 5, "learning": None, "environment": None},
     {"communication": 2, "detail": 3, "learning": 2, "environment": 2}),
]


def lean_cases(seed: str) -> list[tuple]:
    """Answers (1-5 or None for skipped) and weights (1-3), by factor key."""
    if seed == PUBLIC_SEED:
        return [(dict(a), dict(w)) for a, w in LEAN_EXAMPLES]
    rng = _rng("lean", seed)
    cases = []
    for _ in range(30):
        answers = {k: rng.choice([None, 1, 2, 3, 4, 5, 5, 1]) for k in FACTOR_KEYS}
        cases.append((answers, {k: rng.choice([1, 2, 3]) for k in FACTOR_KEYS}))
    # on the line: 3 of 12 points is exactly a quarter, which is enough to lean (to billing)
    cases.append(({"communication": 4, "detail": 3, "learning": 3, "environment": None},
                  {"communication": 3, "detail": 2, "learning": 1, "environment": 2}))
    # one billing factor disagreed with: its pull goes to coding
    cases.append(({"communication": 1, "detail": 3, "learning": 3, "environment": 3},
                  {"communication": 3, "detail": 1, "learning": 1, "environment": 1}))
    cases.append(({k: 3 for k in FACTOR_KEYS}, {k: 1 for k in FACTOR_KEYS}))
    cases.append(({k: None for k in FACTOR_KEYS}, {k: 2 for k in FACTOR_KEYS}))
    rng.shuffle(cases)
    return cases


def lean_hint(results: list) -> str | None:
    """On the examples: only the four answers the notebook names."""
    for found in results:
        if found not in ("billing", "coding", "combined", None):
            return f"{found!r} is not one of 'billing', 'coding', 'combined' or None."
    return None


def describe_lean(args: tuple) -> str:
    """How the check names one lean input."""
    answers, weights = args
    return f"lean({answers}, {weights})"


EXERCISES = {
    "annual_pay": Exercise("annual_pay", pay_cases, (int, float), "a number (dollars a year)",
                           lambda a: "annual_pay({}, {})".format(*a), notebook="04_costs_and_careers"),
    "payback_months": Exercise("payback_months", payback_cases, (int, float, type(None)),
                               "a number of months, or None when it never pays back", describe_payback, payback_hint,
                               notebook="04_costs_and_careers"),
    "five_year_net": Exercise("five_year_net", net_cases, (int, float), "a number (dollars over five years)",
                              describe_net, notebook="04_costs_and_careers"),
    "lean": Exercise("lean", lean_cases, (str, type(None)), "'billing', 'coding', 'combined' or None",
                     describe_lean, lean_hint, notebook="05b_your_plan"),
    "red_flags": Exercise("red_flags", program_cases, list, "a sorted list of flag words", describe_program, flags_hint,
                          notebook="05_choosing_a_path"),
}
