"""Revenue-cycle KPIs of the course's synthetic practice, next to the benchmarks and where they come from."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from IPython.display import HTML

from billcode.amounts import format_amount
from billcode.quiz.checks import MISSING, notebook_value
from billcode.billing.practice import AS_OF
from billcode.billing.x12 import ERA_COLUMNS, read_835
from billcode.data import data_path, load_table, require_columns
from billcode.tables import bar_chart_svg, table_html

PATIENT_SHARE = {"1", "2", "3"}
CONTRACTUAL = {"45"}
SETTLE_DAYS = 61  # the collection rate counts visits at least two months old: recent statements are not due yet


def course_era() -> pd.DataFrame:
    """The course's 835 file as a table (one row per line adjustment)."""
    return read_835(data_path("billing/remittance_835.x12").read_text(encoding="utf-8"))


def denial_rate(era: pd.DataFrame) -> float:
    """Share of claims in a remittance with at least one line denied (any reason but cost sharing or CO-45), in %."""
    require_columns(era, ["claim_id", "carc"], "The remittance table")
    denied = era[~era["carc"].isin(PATIENT_SHARE | CONTRACTUAL | {""})]["claim_id"].nunique()
    return round(100 * denied / era["claim_id"].nunique(), 1)


def net_collection_rate(era: pd.DataFrame, patient_open: float = 0.0) -> float:
    """Collections (payer payments plus patient shares already paid) / (charges - contractual adjustments), in %.

    Duplicates (OA-18) are left out: a claim sent twice is one charge. patient_open is the part of the patients'
    shares still unpaid (on the A/R report).
    """
    require_columns(era, ERA_COLUMNS[:8], "The remittance table")
    era = era[~era["claim_id"].isin(era.loc[era["carc"] == "18", "claim_id"])]
    lines = era.drop_duplicates(["claim_id", "line"])
    contractual = era.loc[(era["group"] == "CO") & era["carc"].isin(CONTRACTUAL), "amount"].sum()
    collected = lines["paid"].sum() + era.loc[era["group"] == "PR", "amount"].sum() - patient_open
    return round(100 * collected / (lines["charge"].sum() - contractual), 1)


def days_in_ar(ar_total: float, charges: pd.DataFrame, as_of: date, days: int = 90) -> float:
    """A/R divided by the average daily gross charges over the last `days` days (charges has dos, total_charge)."""
    require_columns(charges, ["dos", "total_charge"], "The charges table")
    start = as_of - timedelta(days=days)
    recent = charges[(pd.to_datetime(charges["dos"]) > pd.Timestamp(start)) & (pd.to_datetime(charges["dos"]) <= pd.Timestamp(as_of))]
    daily = recent["total_charge"].sum() / days
    return round(ar_total / daily, 1) if daily else float("nan")


def _patient_open(ar: pd.DataFrame, era: pd.DataFrame) -> float:
    mine = ar[(ar["owed_by"] == "patient") & ar["claim_id"].isin(era["claim_id"])]
    return float(mine["balance"].sum())


def kpi_frame(failing: dict) -> pd.DataFrame:
    """The four KPIs of the synthetic practice; the clean-claim rate uses the learner's scrub result (failing)."""
    claims = load_table("billing/claims")
    ar = load_table("billing/open_ar")
    era = course_era()
    cutoff = AS_OF - timedelta(days=SETTLE_DAYS)
    settled = era[era["claim_id"].isin(claims.loc[pd.to_datetime(claims["dos"]) <= pd.Timestamp(cutoff), "claim_id"])]
    values = [
        ("Clean-claim rate", f"{100 * (len(claims) - len(failing)) / len(claims):.1f}%"),
        ("Denial rate", f"{denial_rate(era):.1f}%"),
        ("Days in A/R", f"{days_in_ar(ar['balance'].sum(), claims, AS_OF):.1f} days (gross version)"),
        ("Net collection rate", f"{net_collection_rate(settled, _patient_open(ar, settled)):.1f}% (visits up to "
                                f"{cutoff:%Y-%m-%d}, so patients have had time to pay)"),
    ]
    bench = load_table("billing/kpi_benchmarks").set_index("kpi")
    return pd.DataFrame([{"kpi": k, "formula": bench.loc[k, "formula"], "our_practice": v,
                          "benchmark": bench.loc[k, "benchmark"], "benchmark_source": bench.loc[k, "source"]}
                         for k, v in values])


def kpi_table(failing: object = MISSING) -> HTML:
    """Show the KPI table, or say what is missing if the scrubber's result is not there yet.

    failing is the scrubber's result; without it, the notebook's own `failing` is used (as the check cells find a
    function by its name), so a restarted notebook gets a sentence, not a NameError.
    """
    if failing is MISSING:
        failing = notebook_value("failing")
    if not isinstance(failing, dict):
        return HTML("<p role='status'><strong>Not yet:</strong> run the scrubber cell in step 4 first; this table "
                    "needs its result (a dict of failing claims).</p>")
    return HTML(table_html(kpi_frame(failing), "Our synthetic practice's KPIs, next to common benchmarks",
                           "Computed from this notebook's synthetic claims, 835 and A/R. Benchmarks vary by specialty "
                           "and by how each KPI is defined, so compare like with like."))


def aging_chart(totals: object) -> HTML:
    """A bar chart of A/R by age bucket (the dict aging_report returns), with every amount written out."""
    if not isinstance(totals, dict) or not totals:
        return HTML("<p role='status'><strong>Not yet:</strong> the chart needs the aging report: run "
                    "aging_report(ar, \"2026-09-30\") in this cell.</p>")
    labels, values = [str(k) for k in totals], []
    for value in totals.values():
        values.append(float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0)
    total = sum(values)
    caption = f"<p>Total open A/R: {format_amount(total, 'USD')}. Age = days since the date of service.</p>"
    chart = bar_chart_svg(labels, values, title="Open A/R by age (days since the date of service)")
    return HTML(f"<div class='bc-aging tex2jax_ignore mathjax_ignore'>{chart}{caption}</div>")


# The aging buckets, each named by the days it holds: 0 to 30, 31 to 60, ..., and 121 or more ("121+", so no day
# seems to sit in two buckets). KPI tables call the last one "over 120 days" (kpi_benchmarks.csv).
BUCKETS = [(30, "0-30"), (60, "31-60"), (90, "61-90"), (120, "91-120"), (None, "121+")]


def age_bucket(days: int) -> str:
    """The aging bucket of a balance that is `days` old (days since the date of service)."""
    return next(label for top, label in BUCKETS if top is None or days <= top)


def aging_report(ar: pd.DataFrame, as_of: str) -> dict[str, float]:
    """{bucket: total balance} of the open items on as_of; an item's age is as_of minus its date of service."""
    require_columns(ar, ["dos", "balance"], "The A/R table")
    days = (pd.Timestamp(as_of) - pd.to_datetime(ar["dos"])).dt.days
    totals = {label: 0.0 for _, label in BUCKETS}
    for age, balance in zip(days.tolist(), ar["balance"].tolist()):
        totals[age_bucket(age)] += float(balance)
    return {label: round(total, 2) for label, total in totals.items()}
