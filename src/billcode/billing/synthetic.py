"""A seeded, deterministic generator of synthetic billing data: patients, payers, claims, remittances, A/R.

    make data          # rewrite data/billing/ (a test checks it is byte for byte the same)

Everyone in it is made up: names are obviously fictional, member IDs start with SYN, and the practice is "Example
Family Practice". NPIs are random ten-digit numbers with a valid (or, where planted, a wrong) check digit: one that
matches a real provider's NPI would do so by chance. Diagnosis codes are real FY2026 ICD-10-CM codes (tests check
each against the official set), except those planted to be caught; procedure codes are HCPCS Level II codes or
clearly synthetic SYN- codes where a CPT code would stand (no AMA content).
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from billcode.billing.adjudicate import adjudicate_batch, ar_rows
from billcode.billing.practice import (
    AS_OF, CLINICIANS, FIRST_NAMES, LAST_NAMES, NOT_BILLABLE, PAYERS, SERVICES, VISITS, money,
)
from billcode.billing.x12 import build_835, build_837p
from billcode.data import data_dir

SEED = 2026
FIRST_DOS = date(2026, 4, 1)
DOS_DAYS = 176  # dates of service from 2026-04-01 to 2026-09-23; sent within a week, by 2026-09-30
N_CLAIMS = 36
# Claim-scrubbing problems the generator can plant, with the reason word the notebook's scrubber reports.
PROBLEMS = ("member_id", "npi", "diagnosis", "symptom", "pointer", "total")
# A visit coded with a sign routinely part of its diagnosis (a cough with an acute upper respiratory infection), which
# the coder does not code beside it (ICD-10-CM Official Guidelines FY2026, I.B.5): planted for the "symptom" rule.
SIGN_VISIT = (["J06.9", "R05.9"], [("SYN-OV2", "AB")])

CLAIM_COLUMNS = ["claim_id", "patient_id", "member_id", "payer_id", "billing_npi", "rendering_npi", "pos",
                 "dos", "submitted", "total_charge"]
DX_COLUMNS = ["claim_id", "letter", "code"]
LINE_COLUMNS = ["claim_id", "line", "code", "units", "charge", "pointers"]


def luhn_check_digit(first_nine: str) -> str:
    """The NPI check digit: Luhn over the prefix 80840 and the first nine digits (CMS NPI standard)."""
    digits = [int(d) for d in "80840" + first_nine]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 0:  # every second digit from the right, starting with the rightmost of the nine
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return str((10 - total % 10) % 10)


def make_npi(rng: random.Random, valid: bool = True) -> str:
    """A made-up 10-digit NPI starting with 19, with a valid or a wrong check digit (any real match is chance)."""
    nine = "19" + "".join(str(rng.randrange(10)) for _ in range(7))
    good = luhn_check_digit(nine)
    digit = good if valid else str((int(good) + rng.randrange(1, 10)) % 10)
    return nine + digit


@dataclass
class Batch:
    """One batch of synthetic claims: the three claim tables, and the problems planted (for authors and tests)."""

    claims: list[dict]
    diagnoses: list[dict]
    lines: list[dict]
    planted: dict[str, list[str]] = field(default_factory=dict)
    clinicians: dict[str, tuple[str, str]] = field(default_factory=dict)  # rendering NPI -> (last, first)


def _service(code: str) -> tuple:
    return next(s for s in SERVICES if s[0] == code)


def make_patients(rng: random.Random, n: int = 20) -> list[dict]:
    """Synthetic patients with their plan's cost sharing (deductible left this year, coinsurance, copay)."""
    patients = []
    for i in range(n):
        payer = PAYERS[i % len(PAYERS)]
        medicaid = payer["kind"] == "managed Medicaid"
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 50))
        patients.append({
            "patient_id": f"P{i + 1:03d}",
            "first_name": FIRST_NAMES[i % len(FIRST_NAMES)],
            "last_name": LAST_NAMES[(i * 3) % len(LAST_NAMES)],
            "birth_date": born.isoformat(),
            "sex": rng.choice("FM"),
            "member_id": f"SYN{rng.randrange(10**6, 10**7)}",
            "payer_id": payer["payer_id"],
            "deductible_left": "0.00" if medicaid else money(rng.choice([0, 150, 300, 500, 1000])),
            "coinsurance_pct": "0" if medicaid else str(rng.choice([10, 20, 30])),
            "visit_copay": "0.00" if medicaid else money(rng.choice([0, 0, 20, 25, 40])),
        })
    return patients


def make_batch(rng: random.Random, patients: list[dict], n: int, first_id: int, start: date,
               problems: dict[int, tuple[str, ...]] | None = None) -> Batch:
    """n claims for the given patients, with the scrubbing problems planted at the given claim positions."""
    npis = [make_npi(rng) for _ in CLINICIANS]
    billing_npi = make_npi(rng)
    batch = Batch([], [], [], clinicians=dict(zip(npis, CLINICIANS)))
    for k in range(n):
        claim_id = f"C{first_id + k}"
        patient = patients[rng.randrange(len(patients))]
        codes, services = VISITS[rng.randrange(len(VISITS))]
        if "symptom" in (problems or {}).get(k, ()):
            codes, services = SIGN_VISIT
        dos = start + timedelta(days=rng.randrange(0, DOS_DAYS))
        submitted = dos + timedelta(days=rng.randrange(1, 8))
        claim = {"claim_id": claim_id, "patient_id": patient["patient_id"], "member_id": patient["member_id"],
                 "payer_id": patient["payer_id"], "billing_npi": billing_npi, "rendering_npi": rng.choice(npis),
                 "pos": "11", "dos": dos.isoformat(), "submitted": submitted.isoformat()}
        dx = [{"claim_id": claim_id, "letter": "ABCDEFGHIJKL"[i], "code": c} for i, c in enumerate(codes)]
        lines = [{"claim_id": claim_id, "line": str(i + 1), "code": code, "units": "1",
                  "charge": money(_service(code)[3]), "pointers": pointers}
                 for i, (code, pointers) in enumerate(services)]
        total = sum(float(line["charge"]) for line in lines)
        for problem in (problems or {}).get(k, ()):
            if problem == "member_id":
                claim["member_id"] = ""
            elif problem == "npi":
                claim["rendering_npi"] = make_npi(rng, valid=False)
            elif problem == "diagnosis":
                code = rng.choice(NOT_BILLABLE)  # drawn before the position, as the generator always has
                where = rng.randrange(len(dx))
                if "symptom" in problems[k]:  # keep the sign and its diagnosis: add the bad code after them
                    dx.append({"claim_id": claim_id, "letter": "ABCDEFGHIJKL"[len(dx)], "code": code})
                else:
                    dx[where]["code"] = code
            elif problem == "pointer":
                line = lines[rng.randrange(len(lines))]
                unknown = "ABCDEFGHIJKL"[len(dx) + rng.randrange(2)]  # a letter box 21 does not fill
                line["pointers"] = rng.choice(["", "ABCDE", "A" + unknown])
            elif problem == "total":
                total += rng.choice([-10.0, 5.0, 20.0, 0.5])
            # "symptom": the visit was chosen above
            batch.planted.setdefault(claim_id, []).append(problem)
        claim["total_charge"] = money(total)
        batch.claims.append(claim)
        batch.diagnoses += dx
        batch.lines += lines
    batch.claims.sort(key=lambda c: c["claim_id"])
    return batch


def to_csv(rows: list[dict], columns: list[str]) -> str:
    """CSV text with Unix line ends, the same on every platform and pandas version."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def course_batch() -> tuple[list[dict], Batch]:
    """The course's own patients and claims (seed 2026): 37 claims (one a duplicate), 8 with planted problems."""
    rng = random.Random(SEED)
    patients = make_patients(rng)
    planted = {3: ("member_id",), 5: ("symptom",), 8: ("diagnosis",), 12: ("pointer",), 17: ("npi",), 21: ("total",),
               27: ("diagnosis", "pointer"), 31: ("member_id", "total")}
    batch = make_batch(rng, patients, N_CLAIMS, 1001, FIRST_DOS, planted)
    late = next(c for c in batch.claims if c["claim_id"] not in batch.planted and c["payer_id"] == "HHP01"
                and date.fromisoformat(c["dos"]) <= AS_OF - timedelta(days=130))
    late["submitted"] = (date.fromisoformat(late["dos"]) + timedelta(days=97)).isoformat()  # past 90 days
    twin = next(c for c in batch.claims[20:] if c["claim_id"] not in batch.planted)
    _duplicate(batch, twin)
    # The two pointer problems take the forms a learner must handle: a blank box 24E and five letters.
    pointer_claims = [c for c, p in sorted(batch.planted.items()) if "pointer" in p]
    for claim_id, pointers in zip(pointer_claims, ["", "ABCDE"]):
        next(line for line in batch.lines if line["claim_id"] == claim_id)["pointers"] = pointers
    return patients, batch


def _duplicate(batch: Batch, original: dict) -> None:
    """Send one claim a second time under a new claim number (the payer denies it as a duplicate)."""
    new_id = f"C{1001 + len(batch.claims)}"
    copy = {**original, "claim_id": new_id,
            "submitted": (date.fromisoformat(original["submitted"]) + timedelta(days=12)).isoformat()}
    batch.claims.append(copy)
    batch.diagnoses += [{**d, "claim_id": new_id} for d in batch.diagnoses if d["claim_id"] == original["claim_id"]]
    batch.lines += [{**line, "claim_id": new_id} for line in batch.lines if line["claim_id"] == original["claim_id"]]


def generate() -> dict[str, str]:
    """Every file of data/billing/, as text, from the fixed seed."""

    patients, batch = course_batch()
    remits = adjudicate_batch(patients, batch)
    charge_rows = [{"code": c, "kind": k, "description": d, "charge": money(p), "cost_sharing": s}
                   for c, k, d, p, s in SERVICES]
    fee_rows = [{"payer_id": p["payer_id"], "code": c, "allowed": money(round(price * float(p["allowed_share"]), 2))}
                for p in PAYERS for c, _, _, price, _ in SERVICES]
    shown = next(c for c in batch.claims if c["claim_id"] not in batch.planted
                 and any(d["claim_id"] == c["claim_id"] and d["code"] == "E11.9" for d in batch.diagnoses))
    files = {
        "patients.csv": to_csv(patients, list(patients[0])),
        "payers.csv": to_csv(PAYERS, list(PAYERS[0])),
        "charge_master.csv": to_csv(charge_rows, list(charge_rows[0])),
        "fee_schedule.csv": to_csv(fee_rows, list(fee_rows[0])),
        "claims.csv": to_csv(batch.claims, CLAIM_COLUMNS),
        "claim_diagnoses.csv": to_csv(batch.diagnoses, DX_COLUMNS),
        "claim_lines.csv": to_csv(batch.lines, LINE_COLUMNS),
        "claim_837p.x12": build_837p(shown["claim_id"], batch, patients),
        "remittance_835.x12": build_835(remits, batch, patients),
        "open_ar.csv": to_csv(ar_rows(batch, remits, AS_OF), ["item_id", "claim_id", "owed_by", "dos", "billed",
                                                             "balance"]),
    }
    return files


def write_all(folder: Path | None = None) -> list[Path]:
    """Write the generated files into data/billing/ (or folder); return their paths."""

    target = Path(folder) if folder else data_dir() / "billing"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generate().items():
        path = target / name
        path.write_text(text, encoding="utf-8", newline="")
        written.append(path)
    return written
