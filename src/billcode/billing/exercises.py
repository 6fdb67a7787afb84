"""The inputs 02_billing's graded functions are called on: the notebook's examples, or a grader's seeded set.

Only inputs live here (anyone may read them). The grader makes a student's set in its own process, from a seed the
student never sees, and hands the sandbox the inputs as data; the answers are computed by the instructor's key file.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd

from billcode.billing.practice import AS_OF, SERVICES
from billcode.billing.synthetic import (
    CLAIM_COLUMNS, DX_COLUMNS, LINE_COLUMNS, PROBLEMS, make_batch, make_npi, make_patients, to_csv,
)
from billcode.billing.x12 import ERA_COLUMNS, read_835
from billcode.data import data_path, load_table, read_csv_text
from billcode.quiz.checks import PUBLIC_SEED, Exercise

def _rng(name: str, seed: str) -> random.Random:
    return random.Random(f"02_billing:{name}:{seed}")


# 1. patient_share(allowed, deductible_left, coinsurance_pct, copay) -> float

SHARE_EXAMPLES = [(120.0, 50.0, 20.0, 0.0), (100.0, 0.0, 0.0, 25.0), (150.0, 100.0, 20.0, 0.0),
                  (80.0, 500.0, 20.0, 0.0), (20.0, 0.0, 0.0, 25.0)]


def share_cases(seed: str) -> list[tuple]:
    """Allowed amount, deductible left, coinsurance percent, copay."""
    if seed == PUBLIC_SEED:
        return list(SHARE_EXAMPLES)
    rng = _rng("patient_share", seed)
    cases = []
    for _ in range(24):
        allowed = round(rng.uniform(0, 600), 2)
        deductible = rng.choice([0.0, 0.0, round(rng.uniform(0, 800), 2), 1500.0])
        copay = rng.choice([0.0, 0.0, 0.0, 15.0, 25.0, 40.0])
        cases.append((allowed, deductible, float(rng.choice([0, 10, 20, 25, 30, 50])), copay))
    cases += [(0.0, 100.0, 20.0, 0.0), (30.0, 0.0, 20.0, 40.0), (200.0, 200.0, 30.0, 0.0)]
    rng.shuffle(cases)
    return cases


def describe_share(args: tuple) -> str:
    """How the notebook writes one patient_share input."""
    allowed, deductible, pct, copay = args
    return f"patient_share({allowed}, {deductible}, {pct}, {copay})"


# 2. npi_is_valid(npi: str) -> bool

NPI_EXAMPLES = ["1234567893", "1234567890", "123456789", "12345678A3"]


def npi_cases(seed: str) -> list[tuple]:
    """One NPI-like string each."""
    if seed == PUBLIC_SEED:
        return [(n,) for n in NPI_EXAMPLES]
    rng = _rng("npi_is_valid", seed)
    cases = [make_npi(rng, valid=rng.random() < 0.5) for _ in range(24)]
    valid = make_npi(rng)
    cases += [valid[:9], valid + "0", valid[:4] + "O" + valid[5:], "", "0000000000", " " + valid[1:]]
    return [(c,) for c in rng.sample(cases, len(cases))]


# 3. scrub(claims, diagnoses, lines) -> {claim_id: [reasons]}

def batch_frames(batch) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A batch's claims, box-21 diagnoses and service lines as the notebook loads them."""
    return (read_csv_text(to_csv(batch.claims, CLAIM_COLUMNS)), read_csv_text(to_csv(batch.diagnoses, DX_COLUMNS)),
            read_csv_text(to_csv(batch.lines, LINE_COLUMNS)))


def scrub_cases(seed: str) -> list[tuple]:
    """Each case is one batch: (claims, diagnoses, lines)."""
    if seed == PUBLIC_SEED:
        return [(load_table("billing/claims"), load_table("billing/claim_diagnoses"), load_table("billing/claim_lines"))]
    rng = _rng("scrub", seed)
    patients = make_patients(rng, 8)
    cases = []
    for k in range(3):
        n = rng.randrange(10, 16)
        planted = {i: tuple(rng.sample(PROBLEMS, rng.choice([1, 1, 2]))) for i in rng.sample(range(n), 5)}
        cases.append(batch_frames(make_batch(rng, patients, n, 2001 + 100 * k, date(2026, 3, 1), planted)))
    return cases


def scrub_hint(results: list) -> str | None:
    """On the example batch (which breaks every rule at least once): unknown, unsorted or missing reason words."""
    seen = set()
    for found in results:
        for claim_id, reasons in found.items():
            if not isinstance(reasons, list) or reasons != sorted(reasons) or len(set(reasons)) != len(reasons):
                return f"the reasons for {claim_id} should be a sorted list without repeats, like ['member_id', 'total']."
            unknown = [r for r in reasons if r not in PROBLEMS]
            if unknown:
                return f"{unknown[0]!r} is not one of the five reason words ({', '.join(PROBLEMS)})."
            seen.update(reasons)
    missing = [p for p in PROBLEMS if p not in seen]
    if missing:
        return (f"the example batch has claims that break every rule, but your scrubber never reports "
                f"{', '.join(missing)} yet.")
    return None


def describe_scrub(args: tuple) -> str:
    """How the check names one scrub input."""
    claims, _, lines = args
    return f"a batch of {len(claims)} claims with {len(lines)} service lines"


# 4. post(era) -> {claim_id: {"paid", "patient", "adjusted", "balanced"}}

def era_cases(seed: str) -> list[tuple]:
    """Each case is one remittance table (one row per line adjustment), as read_835 gives it."""
    if seed == PUBLIC_SEED:
        return [(read_835(data_path("billing/remittance_835.x12").read_text(encoding="utf-8")),)]
    rng = _rng("post", seed)
    cases = []
    for _ in range(3):
        rows = []
        for c in range(rng.randrange(5, 10)):
            claim_id = f"R{rng.randrange(10_000, 99_999)}{c}"
            for line in range(1, rng.randrange(2, 4)):
                code, _, _, charge, _ = rng.choice(SERVICES)
                allowed = round(charge * rng.choice([0.5, 0.62, 0.7]), 2)
                denied = rng.random() < 0.15
                adjustments = [("CO", rng.choice(["50", "197", "97"]), charge)] if denied else [("CO", "45", round(charge - allowed, 2))]
                patient = 0.0
                if not denied and rng.random() < 0.7:
                    group_code = rng.choice(["1", "2", "3"])
                    patient = round(min(allowed, rng.choice([10.0, 25.0, allowed * 0.2])), 2)
                    adjustments.append(("PR", group_code, patient))
                    if rng.random() < 0.2:
                        adjustments.append(("OA", "23", round(min(5.0, allowed - patient), 2)))
                paid = 0.0 if denied else round(allowed - patient - sum(a for g, _, a in adjustments if g == "OA"), 2)
                if rng.random() < 0.12:
                    paid = round(paid + rng.choice([-5.0, 1.0, 10.0]), 2)  # a line that does not balance
                for group, carc, amount in adjustments:
                    rows.append({"claim_id": claim_id, "line": str(line), "code": code, "charge": charge,
                                 "paid": paid, "group": group, "carc": carc, "amount": amount})
        cases.append((read_csv_text(pd.DataFrame(rows, columns=ERA_COLUMNS).to_csv(index=False)),))
    return cases


def describe_era(args: tuple) -> str:
    """How the check names one posting input."""
    era = args[0]
    return f"a remittance of {era['claim_id'].nunique()} claims ({len(era)} adjustment rows)"


# 5. aging_totals(ar, as_of) -> {bucket: total}

def aging_cases(seed: str) -> list[tuple]:
    """Each case is an open-A/R table and the report date (text, YYYY-MM-DD)."""
    if seed == PUBLIC_SEED:
        return [(load_table("billing/open_ar"), AS_OF.isoformat())]
    rng = _rng("aging_totals", seed)
    cases = []
    for k in range(3):
        as_of = date(2026, 12, 31) - timedelta(days=rng.randrange(0, 200))
        ages = [0, 30, 31, 60, 61, 90, 91, 120, 121] + [rng.randrange(0, 400) for _ in range(rng.randrange(4, 12))]
        rows = [{"item_id": f"AR{k}{i:02d}", "claim_id": f"C{rng.randrange(5000, 9999)}",
                 "owed_by": rng.choice(["HHP01", "SMM02", "LCP03", "patient"]),
                 "dos": (as_of - timedelta(days=age)).isoformat(), "billed": (as_of - timedelta(days=max(0, age - 3))).isoformat(),
                 "balance": f"{rng.uniform(5, 900):.2f}"}
                for i, age in enumerate(rng.sample(ages, len(ages)))]
        cases.append((read_csv_text(to_csv(rows, list(rows[0]))), as_of.isoformat()))
    return cases


def describe_aging(args: tuple) -> str:
    """How the check names one aging input."""
    ar, as_of = args
    return f"an A/R table of {len(ar)} open items on {as_of}"


EXERCISES = {
    "patient_share": Exercise("patient_share", share_cases, (int, float), "a number (the patient's share, in dollars)",
                              describe_share),
    "npi_is_valid": Exercise("npi_is_valid", npi_cases, bool, "True or False", lambda a: f"npi_is_valid({a[0]!r})"),
    "scrub": Exercise("scrub", scrub_cases, dict, "a dict of claim ID -> list of reason words", describe_scrub,
                      scrub_hint),
    "post": Exercise("post", era_cases, dict,
                     "a dict of claim ID -> {'paid', 'patient', 'adjusted', 'balanced'}", describe_era),
    "aging_totals": Exercise("aging_totals", aging_cases, dict, "a dict of the five bucket names -> total balance",
                             describe_aging),
}

