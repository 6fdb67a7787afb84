"""The inputs the coding notebooks' functions are called on: the notebook's examples, or a grader's seeded set.

with_seventh (03_coding) is graded; normalize_icd, claim_ready (03_coding), em_level and apply_ptp
(03b_coding_rules) sit in optional stretch sections
(practice: the check compares with the examples, nothing is graded), and keep their seeded sets for the tests.

Only inputs live here; the grader makes a student's set in its own process and hands the sandbox the inputs as
data, and the answers come from the instructor's key file (checked against the official code set by tests).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd

from billcode.coding.billable import billable_codes
from billcode.data import load_table, read_csv_text
from billcode.quiz.checks import PUBLIC_SEED, Exercise

BYPASS = ("59", "XE", "XP", "XS", "XU")


def _rng(name: str, seed: str) -> random.Random:
    return random.Random(f"03_coding:{name}:{seed}")


def _sample(rng: random.Random, n: int, keep=lambda c: True) -> list[str]:
    codes = sorted(c for c in billable_codes() if keep(c))
    return [codes[rng.randrange(len(codes))] for _ in range(n)]


def messy(rng: random.Random, code: str) -> str:
    """A code as people type it: any case, spaces, the dot left out or in the wrong place."""
    bare = code.replace(".", "")
    style = rng.randrange(5)
    if style == 0:
        text = bare.lower()
    elif style == 1:
        text = f"  {code} "
    elif style == 2:
        text = f"{bare[:2]}.{bare[2:]}" if len(bare) > 3 else bare
    elif style == 3:
        text = " ".join(bare)
    else:
        text = code.lower().replace(".", ". ")
    return text


# 1. normalize_icd(text) -> str

NORMALIZE_EXAMPLES = ["m5450", " t15.01xa ", "z23", "S93 401A"]


def normalize_cases(seed: str) -> list[tuple]:
    """One typed code each."""
    if seed == PUBLIC_SEED:
        return [(t,) for t in NORMALIZE_EXAMPLES]
    rng = _rng("normalize_icd", seed)
    return [(messy(rng, code),) for code in _sample(rng, 25)] + [("z23",), ("J45.909",)]


# 2. with_seventh(code, seventh) -> str
# The code handed in is complete up to its last subdivision (its 6th character chosen wherever the code set has
# one): X fills only the places the code set leaves empty (ICD-10-CM Guidelines I.A.4-5).

SEVENTH_EXAMPLES = [("T15.01", "A"), ("W19", "A"), ("S93.401", "D"), ("T16.1", "S")]


def seventh_cases(seed: str) -> list[tuple]:
    """A code that needs a 7th character, as long as the code set goes below its category, and the character."""
    if seed == PUBLIC_SEED:
        return list(SEVENTH_EXAMPLES)
    rng = _rng("with_seventh", seed)
    cases = []
    for code in _sample(rng, 25, keep=lambda c: len(c) == 8):  # 7 characters and the dot
        base = code[:-1].rstrip("X").rstrip(".")
        cases.append((base, code[-1]))
    return cases


# 3. em_level(patient, minutes) -> int | None

EM_EXAMPLES = [("new", 35), ("established", 25), ("established", 9), ("new", 80)]  # 80: past level 5's maximum


def em_cases(seed: str) -> list[tuple]:
    """Patient type ('new' or 'established') and total minutes on the day of the visit."""
    if seed == PUBLIC_SEED:
        return list(EM_EXAMPLES)
    rng = _rng("em_level", seed)
    edges = [9, 10, 14, 15, 19, 20, 29, 30, 39, 40, 44, 45, 59, 60, 61, 75, 0]
    return [(rng.choice(["new", "established"]), rng.choice([*edges, rng.randrange(0, 120)])) for _ in range(30)]


# 4. apply_ptp(lines, edits) -> sorted list of "claim:line" that the edits deny

LINE_COLUMNS = ["claim_id", "line", "dos", "code", "modifier"]


def ptp_lines(rng: random.Random, n_claims: int, start: date) -> pd.DataFrame:
    """Claims whose lines pair the edit table's codes, some with bypass modifiers, dated around a deletion date."""
    codes = list(load_table("coding/procedures_synthetic")["code"])
    pairs = load_table("coding/ncci_ptp_synthetic")[["column_1", "column_2"]].values.tolist()
    rows = []
    for c in range(n_claims):
        dos = start + timedelta(days=rng.randrange(0, 240))
        billed = list(dict.fromkeys([*rng.choice(pairs), *rng.sample(codes, rng.randrange(0, 3))]))
        rng.shuffle(billed)
        for line, code in enumerate(billed, start=1):
            modifier = rng.choice(["", "", *BYPASS, "25", "RT"])
            rows.append({"claim_id": f"N{c + 1:02d}", "line": str(line), "dos": dos.isoformat(), "code": code,
                         "modifier": modifier})
    text = pd.DataFrame(rows, columns=LINE_COLUMNS).to_csv(index=False)
    return read_csv_text(text)


def ptp_cases(seed: str) -> list[tuple]:
    """Each case is the claims' lines and an edit table (the course's, with the indicators shuffled for the grader)."""
    edits = load_table("coding/ncci_ptp_synthetic")
    if seed == PUBLIC_SEED:
        return [(load_table("coding/ptp_claim_lines"), edits)]
    rng = _rng("apply_ptp", seed)
    cases = []
    for _ in range(3):
        shuffled = edits.copy()
        shuffled["modifier_indicator"] = [rng.choice(["0", "1", "1", "9"]) for _ in range(len(edits))]
        cases.append((ptp_lines(rng, rng.randrange(8, 14), date(2026, 1, 15)), shuffled))
    return cases


# 5. claim_ready(code) -> "billable" | "incomplete" | "not a code"

READY_EXAMPLES = ["A09", "E11", "E11.99", "t1501xa"]


def ready_cases(seed: str) -> list[tuple]:
    """One code as typed each: billable, a category with codes below it, or not a code at all."""
    if seed == PUBLIC_SEED:
        return [(c,) for c in READY_EXAMPLES]
    rng = _rng("claim_ready", seed)
    cases = [messy(rng, c) for c in _sample(rng, 10)]
    cases += [c[:-1].rstrip(".") for c in _sample(rng, 8, keep=lambda c: len(c) >= 6)]  # one character short
    cases += ["E11.99", "I10.0", "ABC", "", "U07.1", "Z00.0", "R05", "J45.90"]
    rng.shuffle(cases)
    return [(c,) for c in cases]


def em_hint(results: list) -> str | None:
    """On the examples (three of four have a level): a function that always answers None is not done."""
    if all(r is None for r in results):
        return "it returns None for every example, but a 35-minute visit of a new patient has a level."
    return None


def ptp_hint(results: list) -> str | None:
    """On the example claims, where three lines break an edit: a function that denies nothing is not done."""
    if results and all(r == [] for r in results):
        return "it denies no line of the example claims, but three of their lines break an edit."
    return None


EXERCISES = {
    "normalize_icd": Exercise("normalize_icd", normalize_cases, str, "text, like 'E11.9'",
                              lambda a: f"normalize_icd({a[0]!r})", notebook="03_coding"),
    "with_seventh": Exercise("with_seventh", seventh_cases, str, "text, a complete 7-character code",
                             lambda a: f"with_seventh({a[0]!r}, {a[1]!r})", notebook="03_coding"),
    "em_level": Exercise("em_level", em_cases, (int, type(None)), "a level from 2 to 5, or None",
                         lambda a: f"em_level({a[0]!r}, {a[1]})", em_hint, notebook="03b_coding_rules"),
    "apply_ptp": Exercise("apply_ptp", ptp_cases, list, "a sorted list of 'claim:line' texts",
                          lambda a: f"{a[0]['claim_id'].nunique()} claims with {len(a[0])} lines and {len(a[1])} edits",
                          ptp_hint, notebook="03b_coding_rules"),
    "claim_ready": Exercise("claim_ready", ready_cases, str, "'billable', 'incomplete' or 'not a code'",
                            lambda a: f"claim_ready({a[0]!r})", notebook="03_coding"),
}
