"""Show course tables as accessible HTML with a caption and a source line."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

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
