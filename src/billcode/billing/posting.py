"""Posting an 835 the way the notebook assembles it: the learner's patient_part decides each adjustment row."""

from __future__ import annotations

import pandas as pd

from billcode.billing.learner import NotReady, call, learner_function
from billcode.billing.x12 import ERA_COLUMNS
from billcode.data import require_columns


def post_remittance(era: pd.DataFrame) -> pd.DataFrame | None:
    """One row per claim: paid (each line's payment once), patient (patient_part of every adjustment row), adjusted
    (the rest of the adjustments) and balanced (every line: charge - adjustments = paid). None, with a sentence saying
    why, when the notebook's patient_part is not ready."""
    require_columns(era, ERA_COLUMNS[:8], "The remittance table")
    try:
        rule = learner_function("patient_part")
        shares = [call(rule, "patient_part", row.group, float(row.amount)) for row in era.itertuples()]
        if any(isinstance(s, bool) or not isinstance(s, int | float) for s in shares):
            raise NotReady("patient_part should return a number (the amount, or 0.0) for every row.")
    except NotReady as err:
        print(f"Not posted yet: {err}")
        return None
    rows = era.assign(patient=shares)
    rows["adjusted"] = rows["amount"] - rows["patient"]
    lines = rows.groupby(["claim_id", "line"], sort=False).agg(charge=("charge", "first"), paid=("paid", "first"),
                                                               adjustments=("amount", "sum"))
    lines["balanced"] = (lines["charge"] - lines["adjustments"] - lines["paid"]).abs() < 0.005
    claims = rows.groupby("claim_id", sort=False)[["patient", "adjusted"]].sum()
    per_line = lines.groupby(level="claim_id", sort=False).agg(paid=("paid", "sum"), balanced=("balanced", "all"))
    posted = per_line.join(claims)[["paid", "patient", "adjusted", "balanced"]].round(2)
    return posted
