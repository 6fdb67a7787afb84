"""Show course tables as accessible HTML with a caption and a source line, and small charts as inline SVG.

Charts label every bar with its name and value in words, so colour is never the only cue.
"""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from billcode.amounts import format_amount
from billcode.data import load_table

# What each shipped table is, and where its facts come from (data/README.md has the full record).
CAPTIONS = {
    "article_figures": (
        "Every figure the article states, next to a reference figure where one exists",
        "The article 'Medical Billing vs. Medical Coding programs' (claims, untraced); BLS Occupational Outlook "
        "Handbook, May 2024 (as reported by startrightcareers.com and jobhuntday.com; check bls.gov); AAPC 2022 "
        "Medical Coding and Billing Salary Report (aapc.com). Checked 2026-11. Status: verified = seen on the "
        "source's own page; secondary = seen only on pages citing it; untraced = no source found.",
    ),
    "revenue_cycle": (
        "The revenue cycle step by step, and who does what (main = owns it, supports = helps)",
        "Course summary of common practice, drawing on HFMA MAP Keys (hfma.org) and healthcarebilling.org, "
        "'Revenue cycle: start to finish'.",
    ),
    "credentials": (
        "Credentials named in the article (and the CCS), who grants them and their exams",
        "AAPC (aapc.com), AHIMA (ahima.org) and NHA (nhanow.com) credential and exam pages, and prep sites where "
        "marked (cbcsexam.com, open-exam-prep.com). Checked 2026-11.",
    ),
    "coding/em_office_time": (
        "Office visit level by total time on the day of the visit (the minimum for each level)",
        "AMA CPT Evaluation and Management guidelines for office or other outpatient visits (2021 revision; "
        "time 'met or exceeded'), in the course's own words; SYN- codes stand in for the CPT codes.",
    ),
    "coding/ncci_ptp_synthetic": (
        "A synthetic NCCI procedure-to-procedure (PTP) edit table, with the real file's columns",
        "Columns and modifier indicators (0 not allowed, 1 allowed, 9 not applicable) as in CMS's NCCI PTP files "
        "(cms.gov, Medicare NCCI PTP edits); the codes and edits are made up (the real files embed CPT).",
    ),
    "coding/procedures_synthetic": (
        "The synthetic procedure codes this notebook uses (they stand where CPT codes would)",
        "Course-written descriptions; no AMA CPT content.",
    ),
    "billing/carc": (
        "Claim adjustment reason codes (CARCs) a biller meets most, and what to do about each",
        "Code texts: X12 Claim Adjustment Reason Codes (x12.org/codes; X12 copyright, a short excerpt quoted for "
        "teaching with X12's permission for small portions). Actions: the course's summary of denial management.",
    ),
    "billing/kpi_benchmarks": (
        "Revenue-cycle KPIs: formulas and the benchmarks most often quoted",
        "Definitions: HFMA MAP Keys (hfma.org) and MGMA. Benchmarks: commonly quoted by revenue-cycle vendors "
        "(days in A/R attributed to HFMA, the net collection rate to MGMA; primary sources not seen, so check the "
        "current figure); the 2024 average initial denial rate: Kodiak Solutions, as quoted.",
    ),
}


def table_html(frame: pd.DataFrame, caption: str, source: str) -> str:
    """Render a DataFrame as a captioned table with row and column headers and a source line."""
    head = "".join(f"<th scope='col'>{html.escape(str(c).replace('_', ' '))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = ["" if pd.isna(v) else str(v) for v in row]
        first, rest = cells[0], cells[1:]
        body.append(
            f"<tr><th scope='row'>{html.escape(first)}</th>" + "".join(f"<td>{html.escape(v)}</td>" for v in rest) + "</tr>"
        )
    # mathjax_ignore/tex2jax_ignore: an output holding "$1,200–$3,000" would otherwise be typeset as maths.
    return (
        "<div class='bc-table-wrap tex2jax_ignore mathjax_ignore'>"
        f"<table class='bc-table'><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table><p><small>Source: {html.escape(source)}</small></p></div>"
    )


def show_table(name: str, columns: list[str] | None = None) -> HTML:
    """Display one of the course tables (optionally some columns) with its caption and source."""
    frame = load_table(name)
    if columns:
        frame = frame[columns]
    caption, source = CAPTIONS.get(name, (name.replace("_", " ").capitalize(), f"data/{name}.csv"))
    return HTML(table_html(frame, caption, source))

# Colours that keep 3:1 contrast against white; every bar also has a text label, so colour is never the only cue.
PALETTE = ["#1f4e79", "#8e4b10", "#3d6b21", "#6a1b9a", "#7a1f1f", "#005f60"]


def bar_chart_svg(labels: list[str], values: list[float], *, title: str, unit: str = "USD") -> str:
    """A horizontal bar chart with a title, one labelled bar per value and a text alternative."""
    if len(labels) != len(values):
        raise ValueError("bar_chart_svg needs one label per value.")
    top = max([v for v in values if v > 0], default=1.0)
    row, left, width = 28, 150, 300
    height = row * len(values) + 40
    summary = "; ".join(f"{label}: {format_amount(v, unit)}" for label, v in zip(labels, values))
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' role='img' width='{left + width + 140}' height='{height}' "
             f"aria-label='{html.escape(title)}. {html.escape(summary)}' class='bc-chart'>",
             f"<text x='0' y='16' font-weight='bold' font-size='14'>{html.escape(title)}</text>"]
    for i, (label, value) in enumerate(zip(labels, values)):
        y = 30 + i * row
        bar = 0 if value <= 0 else max(2, round(width * value / top))
        parts.append(f"<text x='{left - 8}' y='{y + 15}' text-anchor='end' font-size='13'>{html.escape(label)}</text>")
        parts.append(f"<rect x='{left}' y='{y + 2}' width='{bar}' height='18' fill='{PALETTE[i % len(PALETTE)]}'/>")
        parts.append(f"<text x='{left + bar + 6}' y='{y + 15}' font-size='13'>{html.escape(format_amount(value, unit))}</text>")
    parts.append("</svg>")
    return "".join(parts)


def split_bar_svg(parts: list[tuple[str, float]], *, title: str, unit: str = "USD") -> str:
    """One bar split into named parts (for example payer, patient, write-off), each part named in words below it."""
    total = sum(v for _, v in parts if v > 0)
    width, x = 480, 0.0
    pieces, legend = [], []
    for i, (name, value) in enumerate(parts):
        share = 0 if total <= 0 or value <= 0 else value / total
        w = width * share
        if w > 0:
            pieces.append(f"<rect x='{x:.1f}' y='24' width='{w:.1f}' height='26' fill='{PALETTE[i % len(PALETTE)]}'>"
                          f"<title>{html.escape(name)}: {html.escape(format_amount(value, unit))}</title></rect>")
        legend.append(f"<text x='0' y='{72 + 18 * i}' font-size='13'><tspan fill='{PALETTE[i % len(PALETTE)]}'>■</tspan> "
                      f"{html.escape(name)}: {html.escape(format_amount(value, unit))} ({share:.0%})</text>")
        x += w
    summary = ", ".join(f"{name} {format_amount(v, unit)}" for name, v in parts)
    return (f"<svg xmlns='http://www.w3.org/2000/svg' role='img' width='{width + 20}' height='{62 + 18 * len(parts)}' "
            f"class='bc-chart' "
            f"aria-label='{html.escape(title)}: {html.escape(summary)}'>"
            f"<text x='0' y='16' font-weight='bold' font-size='14'>{html.escape(title)}</text>"
            f"{''.join(pieces)}{''.join(legend)}</svg>")
