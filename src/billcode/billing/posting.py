"""Posting an 835: what goes to the patient, what is written off, and whether each line balances; shown with money
to the cent."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from billcode.billing.x12 import ERA_COLUMNS
from billcode.data import require_columns
from billcode.tables import table_html

MONEY = ("charge", "paid", "amount", "patient", "adjusted")
ERA_SOURCE = ("The course's synthetic 835 (data/billing/remittance_835.x12), one row per adjustment (CAS segment); "
              "group codes and CARCs as listed by X12 (x12.org/codes, as read in 2026).")


def patient_part(group: str, amount: float) -> float:
    """What the patient owes of one adjustment row: all of it for patient responsibility (PR), nothing otherwise."""
    return amount if group == "PR" else 0.0


def post_remittance(era: pd.DataFrame) -> pd.DataFrame:
    """One row per claim (sorted by claim): paid (each line's payment once), patient (the PR adjustments), adjusted
    (the rest of the adjustments) and balanced (every line: charge - adjustments = paid)."""
    require_columns(era, ERA_COLUMNS[:8], "The remittance table")
    rows = era.assign(patient=[patient_part(row.group, float(row.amount)) for row in era.itertuples()])
    rows["adjusted"] = rows["amount"] - rows["patient"]
    lines = rows.groupby(["claim_id", "line"], sort=False).agg(charge=("charge", "first"), paid=("paid", "first"),
                                                               adjustments=("amount", "sum"))
    lines["balanced"] = (lines["charge"] - lines["adjustments"] - lines["paid"]).abs() < 0.005
    claims = rows.groupby("claim_id", sort=False)[["patient", "adjusted"]].sum()
    per_line = lines.groupby(level="claim_id", sort=False).agg(paid=("paid", "sum"), balanced=("balanced", "all"))
    posted = per_line.join(claims)[["paid", "patient", "adjusted", "balanced"]].round(2)
    return posted.sort_index()


def _cents(frame: pd.DataFrame) -> pd.DataFrame:
    """Money columns written to the cent (140.00, not 140.0), booleans as yes/no."""
    shown = frame.copy()
    for column in shown.columns:
        if column in MONEY:
            shown[column] = [f"{float(v):.2f}" for v in shown[column]]
        elif shown[column].dtype == bool:
            shown[column] = ["yes" if v else "no" for v in shown[column]]
    return shown


def show_remittance(era: pd.DataFrame, claim_id: str) -> HTML:
    """One claim's rows of an 835 table, money to the cent, without pandas' row numbers (remark only if any)."""
    require_columns(era, ERA_COLUMNS, "The remittance table")
    mine = era[era["claim_id"] == str(claim_id)]
    if mine.empty:
        return HTML(f"<p role='status'>There is no claim {html.escape(str(claim_id))} in this 835: check the claim "
                    "number (such as C1007).</p>")
    if not mine["remark"].astype(bool).any():  # no remark codes on this claim: no empty column to puzzle over
        mine = mine.drop(columns="remark")
    return HTML(table_html(_cents(mine), f"Claim {claim_id} in the payer's 835: one row per adjustment",
                           ERA_SOURCE))


def show_posting(era: pd.DataFrame) -> HTML:
    """The whole 835 posted, one row per claim, money to the cent."""
    posted = post_remittance(era).reset_index()
    return HTML(table_html(_cents(posted), "The 835 posted: per claim, paid by the plan, the patient's part (PR), "
                                           "the rest adjusted (written off), and whether every line balances",
                           ERA_SOURCE))
