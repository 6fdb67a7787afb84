"""The inputs the billing notebooks' code exercises are called on: their worked examples, or a grader's seeded set.

Only inputs live here (anyone may read them). The grader makes a student's set in its own process, from a seed the
student never sees, and hands the sandbox the inputs as data; the answers are computed by the instructor's key file.
Each exercise is a mini step (a few lines in a scaffold): two are graded (patient_share in 02_billing;
pointer_problem, which the given code plugs into the scrubber, in 02b_billing_payments), two are practice in 02b's
optional stretch (bucket, npi_is_valid).
"""

from __future__ import annotations

import random

from billcode.billing.synthetic import make_npi
from billcode.quiz.checks import PUBLIC_SEED, Exercise

NOTEBOOK = "02_billing"  # steps 1-3: the claim and the patient's share
NOTEBOOK_PAYMENTS = "02b_billing_payments"  # steps 4-7: scrub, post, denials, A/R
LETTERS = "ABCDEFGHIJKL"  # box 21 letters, in order


def _rng(name: str, seed: str, notebook: str = NOTEBOOK) -> random.Random:
    """The seeded inputs of one exercise; the string for 02_billing's exercises is the one used before the split."""
    return random.Random(f"{notebook}:{name}:{seed}")


# 1. patient_share(allowed, deductible_left, coinsurance_pct, copay) -> float

SHARE_EXAMPLES = [(120.0, 50.0, 20.0, 0.0), (150.0, 100.0, 20.0, 0.0), (80.0, 500.0, 20.0, 0.0),
                  (100.0, 300.0, 20.0, 25.0), (20.0, 0.0, 0.0, 25.0)]


def share_cases(seed: str) -> list[tuple]:
    """Allowed amount, deductible left, coinsurance percent, copay (0: no copay for this service)."""
    if seed == PUBLIC_SEED:
        return list(SHARE_EXAMPLES)
    rng = _rng("patient_share", seed)
    cases = []
    for _ in range(24):
        allowed = round(rng.uniform(0, 600), 2)
        deductible = rng.choice([0.0, 0.0, round(rng.uniform(0, 800), 2), 1500.0])
        copay = rng.choice([0.0, 0.0, 0.0, 15.0, 25.0, 40.0])
        cases.append((allowed, deductible, float(rng.choice([0, 10, 20, 25, 30, 50])), copay))
    cases += [(0.0, 100.0, 20.0, 0.0), (30.0, 0.0, 20.0, 40.0), (200.0, 200.0, 30.0, 0.0), (90.0, 40.0, 0.0, 0.0)]
    rng.shuffle(cases)
    return cases


def describe_share(args: tuple) -> str:
    """How the notebook writes one patient_share input."""
    allowed, deductible, pct, copay = args
    return f"patient_share({allowed}, {deductible}, {pct}, {copay})"


# 2. pointer_problem(pointers, letters) -> bool

POINTER_EXAMPLES = [("AB", "AB"), ("", "AB"), ("ABCDE", "ABCDE"), ("AC", "AB"), ("ABCD", "ABCDEF")]


def pointer_cases(seed: str) -> list[tuple]:
    """A line's box 24E pointers (text, "" when blank) and the letters its claim's box 21 fills (text)."""
    if seed == PUBLIC_SEED:
        return list(POINTER_EXAMPLES)
    rng = _rng("pointer_problem", seed, NOTEBOOK_PAYMENTS)
    cases = []
    for _ in range(30):
        filled = LETTERS[:rng.randrange(1, 9)]
        size = rng.choice([0, 1, 1, 2, 2, 3, 4, 4, 5, 6])
        pool = filled + LETTERS[len(filled):len(filled) + 2] if rng.random() < 0.3 else filled
        cases.append(("".join(rng.choice(pool) for _ in range(size)), filled))
    cases += [("ABCDE", "ABCDEFGH"), ("ABCD", "ABCDEFGH"), ("DCBA", "ABCD"), ("E", "ABCD"), ("", "A")]
    rng.shuffle(cases)
    return cases


# Stretch (practice, never graded): bucket(days) -> str

BUCKET_EXAMPLES = [(5,), (45,), (75,), (100,), (200,)]


def bucket_cases(seed: str) -> list[tuple]:
    """The age of an open balance, in days since the date of service."""
    if seed == PUBLIC_SEED:
        return list(BUCKET_EXAMPLES)
    rng = _rng("bucket", seed, NOTEBOOK_PAYMENTS)
    cases = [(d,) for d in (0, 30, 31, 60, 61, 90, 91, 120, 121)]
    cases += [(rng.randrange(0, 400),) for _ in range(16)]
    rng.shuffle(cases)
    return cases


# Stretch (practice, never graded): npi_is_valid(npi) -> bool

NPI_EXAMPLES = ["1234567893", "1234567890", "1927010797", "12345678A3"]


def npi_cases(seed: str) -> list[tuple]:
    """One NPI-like text each."""
    if seed == PUBLIC_SEED:
        return [(n,) for n in NPI_EXAMPLES]
    rng = _rng("npi_is_valid", seed, NOTEBOOK_PAYMENTS)
    cases = [make_npi(rng, valid=rng.random() < 0.5) for _ in range(24)]
    valid = make_npi(rng)
    cases += [valid[:9], valid + "0", valid[:4] + "O" + valid[5:], "", "0000000000"]
    return [(c,) for c in rng.sample(cases, len(cases))]


EXERCISES = {
    "patient_share": Exercise("patient_share", share_cases, (int, float), "a number (the patient's share, in dollars)",
                              describe_share, notebook=NOTEBOOK),
    "pointer_problem": Exercise("pointer_problem", pointer_cases, bool, "True (a problem) or False",
                                lambda a: f"pointer_problem({a[0]!r}, {a[1]!r})", notebook=NOTEBOOK_PAYMENTS),
    "bucket": Exercise("bucket", bucket_cases, str, "a bucket's name in quotes, such as '0-30'",
                       lambda a: f"bucket({a[0]})", notebook=NOTEBOOK_PAYMENTS),
    "npi_is_valid": Exercise("npi_is_valid", npi_cases, bool, "True or False", lambda a: f"npi_is_valid({a[0]!r})",
                             notebook=NOTEBOOK_PAYMENTS),
}
