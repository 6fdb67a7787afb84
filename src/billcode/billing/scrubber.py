"""The claim scrubber the notebook assembles: the practice's edits, with the learner's own pointer rule plugged in.

Six edits, each with the word it reports: member_id (box 1a blank), npi (an NPI fails its check digit), diagnosis
(a box 21 code is not a billable FY2026 ICD-10-CM code), symptom (a sign coded beside the diagnosis it is routinely
part of, ICD-10-CM Official Guidelines I.B.5), pointer (the learner's pointer_problem says a line's box 24E is wrong)
and total (the lines do not add up to box 28).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from billcode.billing.learner import NotReady, call, learner_function
from billcode.billing.practice import SIGNS_WITH
from billcode.billing.synthetic import luhn_check_digit
from billcode.coding.billable import is_billable
from billcode.data import require_columns

REASONS = ("member_id", "npi", "diagnosis", "symptom", "pointer", "total")


def npi_ok(npi: object) -> bool:
    """Ten digits whose last one is the check digit of the first nine (CMS NPI standard)."""
    return isinstance(npi, str) and len(npi) == 10 and npi.isascii() and npi.isdigit() \
        and luhn_check_digit(npi[:9]) == npi[9]


def sign_with_its_diagnosis(codes: list[str]) -> bool:
    """True when a claim codes a sign beside a diagnosis it is routinely part of (SIGNS_WITH)."""
    cleaned = [str(c).strip().upper() for c in codes]
    return any(code.startswith(SIGNS_WITH.get(sign, ())) for sign in cleaned for code in cleaned if code != sign)


def scrub(claims: pd.DataFrame, diagnoses: pd.DataFrame, lines: pd.DataFrame,
          pointer_rule: Callable[[str, str], object] | None = None) -> dict[str, list[str]]:
    """{claim_id: sorted reasons} for every claim that fails an edit; pointer_rule(pointers, letters) -> True if wrong.

    pointer_rule gets a line's box 24E letters (text, "" when blank) and the letters box 21 fills on its claim (text).
    Without one, the pointer edit is skipped.
    """
    require_columns(claims, ["claim_id", "member_id", "billing_npi", "rendering_npi", "total_charge"], "The claims table")
    require_columns(diagnoses, ["claim_id", "letter", "code"], "The diagnoses table")
    require_columns(lines, ["claim_id", "charge", "pointers"], "The service lines table")
    problems: dict[str, set[str]] = {}

    def flag(claim_id: str, reason: str) -> None:
        problems.setdefault(str(claim_id), set()).add(reason)

    codes = {c: list(group["code"]) for c, group in diagnoses.groupby("claim_id", sort=False)}
    letters = {c: "".join(sorted(group["letter"])) for c, group in diagnoses.groupby("claim_id", sort=False)}
    for claim in claims.itertuples():
        if not isinstance(claim.member_id, str) or not claim.member_id.strip():
            flag(claim.claim_id, "member_id")
        if not (npi_ok(claim.billing_npi) and npi_ok(claim.rendering_npi)):
            flag(claim.claim_id, "npi")
        if any(not is_billable(code) for code in codes.get(claim.claim_id, [])):
            flag(claim.claim_id, "diagnosis")
        if sign_with_its_diagnosis(codes.get(claim.claim_id, [])):
            flag(claim.claim_id, "symptom")
        mine = lines[lines["claim_id"] == claim.claim_id]
        if abs(round(float(mine["charge"].sum()), 2) - float(claim.total_charge)) > 0.005:
            flag(claim.claim_id, "total")
    if pointer_rule is not None:
        for line in lines.itertuples():
            pointers = line.pointers if isinstance(line.pointers, str) else ""
            if pointer_rule(pointers, letters.get(line.claim_id, "")):
                flag(line.claim_id, "pointer")
    return {claim_id: sorted(reasons) for claim_id, reasons in sorted(problems.items())}


def scrub_batch(claims: pd.DataFrame, diagnoses: pd.DataFrame, lines: pd.DataFrame) -> dict[str, list[str]]:
    """Scrub a batch with the notebook's own pointer_problem; say so, and skip that edit, if it is not ready."""
    rule: Callable[[str, str], object] | None
    try:
        mine = learner_function("pointer_problem")
        rule = lambda pointers, letters: call(mine, "pointer_problem", pointers, letters)  # noqa: E731
        result = scrub(claims, diagnoses, lines, rule)
    except NotReady as err:
        print(f"The pointer edit was skipped: {err}")
        result = scrub(claims, diagnoses, lines)
    clean = len(claims) - len(result)
    rate = f": a clean-claim rate of {clean / len(claims) * 100:.1f}%" if len(claims) else ""
    print(f"{len(result)} of {len(claims)} claims fail at least one edit; {clean} are clean{rate}.")
    return result
