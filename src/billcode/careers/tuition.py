"""The tuition explorer: compare a budget with the tuition ranges the article claims."""

from __future__ import annotations

import html
import math

import ipywidgets as widgets
import pandas as pd

from billcode.amounts import format_amount
from billcode.data import load_table
from billcode.slider import AccessibleSlider

SOURCE_NOTE = (
    "Ranges: the article's claims (see the figures table above; none could be traced to a source). "
    "Books, certification exams and materials are extra, the article warns."
)


def tuition_ranges() -> pd.DataFrame:
    """The article's tuition claims as numbers: program, low, high (NaN = not stated), claim and the claim's status."""
    table = load_table("article_figures")
    rows = table[table["topic"].str.startswith("Tuition:") & (table["unit"] == "USD")]
    return pd.DataFrame(
        {
            "program": rows["topic"].str.removeprefix("Tuition:").str.strip().str.capitalize(),
            "low": rows["low"].astype(float),
            "high": rows["high"].astype(float),
            "article_claim": rows["article_claim"],
            "status": rows["claim_status"],
        }
    ).reset_index(drop=True)


def budget_fit(budget: float, low: float, high: float) -> str:
    """Say how a budget compares with a price range that may be open at either end."""
    if budget < 0:
        raise ValueError("A budget cannot be negative.")
    has_low, has_high = not math.isnan(low), not math.isnan(high)
    if has_low and has_high and low == high:  # one figure ("about USD 3,460"), not a range
        return "Covers it" if budget >= high else f"Short by {format_amount(high - budget, 'USD')}"
    if has_high and budget >= high:
        return "Covers the whole range"
    if has_low and budget < low:
        return f"Short by {format_amount(low - budget, 'USD')} at the low end"
    if has_high:
        return f"Covers the low end, short by {format_amount(high - budget, 'USD')} at the top"
    return "Covers the starting price (no top of the range is stated)"


def fit_table(budget: float) -> pd.DataFrame:
    """One row per program: the article's range and how the budget compares."""
    ranges = tuition_ranges()
    ranges["your_budget"] = [budget_fit(budget, lo, hi) for lo, hi in zip(ranges["low"], ranges["high"])]
    return ranges


def fit_html(budget: float) -> str:
    """The comparison as an accessible HTML table (words, not colours, carry the result)."""
    rows = "".join(
        f"<tr><th scope='row'>{html.escape(r.program)}</th><td>{html.escape(r.article_claim)}</td>"
        f"<td>{html.escape(r.your_budget)}</td></tr>"
        for r in fit_table(budget).itertuples()
    )
    return (
        f"<table class='bc-tuition'><caption>A budget of {format_amount(budget, 'USD')} against the article's "
        "tuition claims</caption><thead><tr><th scope='col'>Program</th><th scope='col'>The article's claim</th>"
        f"<th scope='col'>Your budget</th></tr></thead><tbody>{rows}</tbody></table>"
        f"<p><small>{html.escape(SOURCE_NOTE)}</small></p>"
    )


class TuitionExplorer:
    """A budget slider (with a typed-amount box) and the table it updates."""

    def __init__(self, budget: float = 3000.0) -> None:
        self.slider = AccessibleSlider("Your tuition budget", min=0, max=45000, step=100, value=budget, unit="USD")
        self.table = widgets.HTML(fit_html(self.slider.value))
        self.slider.observe(lambda _change: self._update(), names="value")
        self.box = widgets.VBox([self.slider, self.table])
        self.box.add_class("bc-tuition-explorer")

    def _update(self) -> None:
        self.table.value = fit_html(self.slider.value)

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = "Tuition explorer: move the slider or type a budget (run this notebook to use it)"
        return bundle


def tuition_explorer(budget: float = 3000.0) -> TuitionExplorer:
    """Show the tuition explorer."""
    return TuitionExplorer(budget)
