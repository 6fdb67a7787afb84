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
        "Every figure the article states (each one the article's untraced claim), beside a like reference figure "
        "where one exists",
        "The article 'Medical Billing vs. Medical Coding programs' (claims: it names no sources, and we traced none); "
        "AAPC 2022 Medical Coding and Billing Salary Report (aapc.com); BLS Occupational Outlook Handbook, 2024 "
        "(as reported by startrightcareers.com and collegegrad.com; check bls.gov). Checked 2026-11. The reference "
        "status belongs to the reference figure: verified = seen on the source's own page; secondary = seen only on "
        "pages citing it.",
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
    "careers/roles": (
        "The billing and coding roles the article names, and what each does",
        "The article 'Medical Billing vs. Medical Coding programs', career outcomes sections (claims, in our words).",
    ),
    "coding/em_office_time": (
        "Office visit level by total time on the date of the visit: each level's range of minutes",
        "AMA CPT Evaluation and Management (E/M) Services Guidelines for office or other outpatient services, "
        "effective January 1, 2021: each level has a range of total minutes; a longer visit stays level 5 and may "
        "add a prolonged-services code. In the course's own words; SYN- codes stand in for the CPT codes.",
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
        "Claim adjustment reason codes (CARCs) on denials, and PR-1: what to do about each",
        "Code texts: X12 Claim Adjustment Reason Codes (x12.org/codes, as read in 2026; X12 copyright, a short "
        "excerpt quoted for teaching with X12's permission for small portions). Actions: the course's summary of "
        "denial management.",
    ),
    "billing/rarc": (
        "Remittance advice remark codes (RARCs) met in this notebook",
        "X12 Remittance Advice Remark Codes, maintained by CMS (x12.org/codes, as read in 2026; a short excerpt "
        "quoted for teaching).",
    ),
    "billing/payers": (
        "The synthetic practice's payers: how long each allows to file a claim and to appeal, in days",
        "Synthetic contracts (made up for the course): timely filing counted from the date of service, appeals from "
        "the remittance date.",
    ),
    "billing/kpi_benchmarks": (
        "Revenue-cycle KPIs: formulas and the benchmarks most often quoted",
        "Definitions: HFMA MAP Keys (hfma.org, as read in 2026; days in A/R there is the net version) and MGMA. "
        "Benchmarks: commonly quoted by revenue-cycle vendors (the gross days in A/R for physician practices, the "
        "net collection rate attributed to MGMA; primary sources not seen, so check the current figure); the 2024 "
        "average initial denial rate: Kodiak Solutions, as quoted.",
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


def line_chart_svg(series: list[tuple[str, list[tuple[float, float]]]], *, title: str, x_label: str,
                   y_label: str, unit: str = "USD", highlight: str | None = None) -> str:
    """Lines over a shared x axis, each named in words at its end (and in the text alternative), with a zero line.

    A highlighted series is drawn thicker; colour is never the only cue: every line carries its name.
    """
    points = [p for _, line in series for p in line]
    if not points:
        return f"<svg xmlns='http://www.w3.org/2000/svg' role='img' aria-label='{html.escape(title)}: no data' width='10' height='10'></svg>"
    xs, ys = [x for x, _ in points], [y for _, y in points] + [0.0]
    x0, x1 = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1
    y0, y1 = min(ys), max(ys) if max(ys) > min(ys) else min(ys) + 1
    left, top, width, height, right = 90, 30, 420, 240, 420

    def sx(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * width

    def sy(y: float) -> float:
        return top + (y1 - y) / (y1 - y0) * height

    parts = [f"<text x='0' y='16' font-weight='bold' font-size='14'>{html.escape(title)}</text>",
             f"<line x1='{left}' y1='{sy(0):.1f}' x2='{left + width}' y2='{sy(0):.1f}' stroke='#444' stroke-dasharray='4 3'/>",
             f"<text x='{left - 6}' y='{sy(0) + 4:.1f}' text-anchor='end' font-size='12'>{html.escape(format_amount(0, unit))}</text>",
             f"<text x='{left - 6}' y='{top + 4}' text-anchor='end' font-size='12'>{html.escape(format_amount(y1, unit))}</text>",
             f"<text x='{left - 6}' y='{top + height + 4}' text-anchor='end' font-size='12'>{html.escape(format_amount(y0, unit))}</text>",
             f"<line x1='{left}' y1='{top + height}' x2='{left + width}' y2='{top + height}' stroke='#888'/>",
             f"<text x='{left}' y='{top + height + 20}' font-size='12'>{x0:g}</text>",
             f"<text x='{left + width}' y='{top + height + 20}' text-anchor='end' font-size='12'>{x1:g}</text>",
             f"<text x='{left + width / 2}' y='{top + height + 34}' text-anchor='middle' font-size='12'>{html.escape(x_label)}</text>",
             f"<text x='12' y='{top + height / 2}' font-size='12' transform='rotate(-90 12 {top + height / 2})' "
             f"text-anchor='middle'>{html.escape(y_label)}</text>"]
    ends = []
    for i, (name, line) in enumerate(series):
        if not line:
            continue
        bold = name == highlight
        path = " ".join(f"{'M' if j == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for j, (x, y) in enumerate(line))
        parts.append(f"<path d='{path}' fill='none' stroke='{PALETTE[i % len(PALETTE)]}' stroke-width='{4 if bold else 2}'>"
                     f"<title>{html.escape(name)}</title></path>")
        ends.append([sy(line[-1][1]), name, line[-1][1], PALETTE[i % len(PALETTE)], bold])
    ends.sort()
    for k in range(1, len(ends)):  # keep end labels apart
        ends[k][0] = max(ends[k][0], ends[k - 1][0] + 15)
    for y, name, value, colour, bold in ends:
        weight = " font-weight='bold'" if bold else ""
        parts.append(f"<text x='{left + width + 8}' y='{y + 4:.1f}' font-size='12' fill='{colour}'{weight}>"
                     f"{html.escape(name)}: {html.escape(format_amount(value, unit))}</text>")
    summary = "; ".join(f"{name} ends at {format_amount(line[-1][1], unit)}" for name, line in series if line)
    full_height = max(top + height + 44, int(max([e[0] for e in ends], default=0)) + 20)
    return (f"<svg xmlns='http://www.w3.org/2000/svg' role='img' class='bc-chart' width='{left + width + right}' "
            f"height='{full_height}' aria-label='{html.escape(title)}. {html.escape(summary)}'>{''.join(parts)}</svg>")


def range_chart_svg(rows: list[tuple[str, float, float | None]], *, title: str, unit: str = "USD") -> str:
    """One row per figure: a bar from low to high, a dot for a single value, an arrow for an open top; all in words."""
    values = [v for _, lo, hi in rows for v in (lo, hi) if v is not None]
    top = max(values, default=1.0) * 1.1
    row, left, width = 26, 260, 360
    parts = [f"<text x='0' y='16' font-weight='bold' font-size='14'>{html.escape(title)}</text>"]
    words = []
    for i, (name, low, high) in enumerate(rows):
        y = 32 + i * row
        colour = PALETTE[i % len(PALETTE)]
        x_low = left + width * low / top
        parts.append(f"<text x='{left - 8}' y='{y + 13}' text-anchor='end' font-size='12'>{html.escape(name)}</text>")
        if high is None:
            text = f"over {format_amount(low, unit)}"
            parts.append(f"<rect x='{x_low:.1f}' y='{y + 3}' width='{left + width - x_low:.1f}' height='12' fill='{colour}' "
                         f"fill-opacity='0.35'/><circle cx='{x_low:.1f}' cy='{y + 9}' r='5' fill='{colour}'/>")
            end = left + width
        elif high == low:
            text = format_amount(low, unit)
            parts.append(f"<circle cx='{x_low:.1f}' cy='{y + 9}' r='5' fill='{colour}'/>")
            end = x_low
        else:
            text = f"{format_amount(low, unit)} to {format_amount(high, unit)}"
            x_high = left + width * high / top
            parts.append(f"<rect x='{x_low:.1f}' y='{y + 3}' width='{max(2.0, x_high - x_low):.1f}' height='12' fill='{colour}'/>")
            end = x_high
        parts.append(f"<text x='{end + 8:.1f}' y='{y + 13}' font-size='12'>{html.escape(text)}</text>")
        words.append(f"{name}: {text}")
    return (f"<svg xmlns='http://www.w3.org/2000/svg' role='img' class='bc-chart' width='{left + width + 190}' "
            f"height='{40 + row * len(rows)}' aria-label='{html.escape(title)}. {html.escape('; '.join(words))}'>"
            f"{''.join(parts)}</svg>")
