"""Pay evidence for 04: the article's pay claims beside BLS and AAPC figures, each with its source and year."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from billcode.careers.costs import HOURS_PER_YEAR
from billcode.data import load_table
from billcode.tables import range_chart_svg, table_html


def salary_evidence() -> pd.DataFrame:
    """Every pay figure with its yearly equivalent (hourly × 2,080), source, year and kind of evidence."""
    table = load_table("careers/salary_evidence")
    per_year = table["unit"].map({"year": 1, "hour": HOURS_PER_YEAR})
    table["low_per_year"] = (table["low"] * per_year).round(2)
    table["high_per_year"] = (table["high"] * per_year).round(2)
    return table


def salary_table() -> HTML:
    """The evidence as a captioned table, yearly figures side by side."""
    frame = salary_evidence()

    def words(row: pd.Series) -> str:
        low, high = row["low_per_year"], row["high_per_year"]
        if pd.isna(high):
            return f"over ${low:,.2f}"
        return f"${low:,.2f}" if low == high else f"${low:,.2f} to ${high:,.2f}"

    shown = pd.DataFrame({
        "Figure": frame["figure"], "Who": frame["who"], "Measure": frame["measure"],
        "Per year": frame.apply(words, axis=1),
        "As given": [f"${lo:,.2f} to ${hi:,.2f} an hour" if u == "hour" and lo != hi else
                     f"${lo:,.2f} an hour" if u == "hour" else "per year"
                     for lo, hi, u in zip(frame["low"], frame["high"], frame["unit"])],
        "Source": frame["source"], "Year": frame["year"], "Kind": frame["kind"],
    })
    return HTML(table_html(shown, "Pay figures: the article's claims beside BLS and AAPC, per year (hourly × 2,080)",
                           "data/careers/salary_evidence.csv; hourly figures turned into yearly ones by course arithmetic "
                           "(2,080 hours = 40 hours × 52 weeks)."))


CHART_LABEL_CHARS = 30  # the chart leaves 252 px left of its bars: about 30 characters at 12 px, so none is cut


def chart_rows() -> list[tuple[str, float, float | None]]:
    """The chart's rows: a short label (with its year for a reference figure), the low and the high per year."""
    frame = salary_evidence()
    rows = [(str(short), float(lo), None if pd.isna(hi) else float(hi))
            for short, lo, hi in zip(frame["short"], frame["low_per_year"], frame["high_per_year"])]
    long = [label for label, _, _ in rows if len(label) > CHART_LABEL_CHARS]
    if long:  # a data file edited by hand: say which label would be cut, rather than draw it cut
        raise ValueError(f"Chart labels must be at most {CHART_LABEL_CHARS} characters: {long}")
    return rows


def salary_chart() -> HTML:
    """The same figures as ranges on one yearly scale, each named in words (short labels, full names in the table)."""
    rows = chart_rows()
    svg = range_chart_svg(rows, title="Pay per year: the article's claims and the reference figures")
    note = ("Bars: ranges; dots: single figures; a bar running to the edge: an open top ('over'). "
            "Source: data/careers/salary_evidence.csv.")
    return HTML(f"<figure class='bc-figure tex2jax_ignore mathjax_ignore'>{svg}<figcaption><small>{html.escape(note)}</small></figcaption></figure>")
