"""A claim drawn like the paper CMS-1500 form (the boxes a biller fills), from the course's synthetic claim tables."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from billcode.amounts import format_amount
from billcode.billing.practice import PRACTICE
from billcode.data import load_table

SOURCE = ("Box numbers and meanings: NUCC 1500 Health Insurance Claim Form Reference Instruction Manual (nucc.org), "
          "version 02/12; place of service 11 (office): CMS Place of Service Code Set. Synthetic claim: every person, "
          "number and address is made up.")


def _box(number: str, name: str, value: object) -> str:
    shown = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    empty = " bc-box-empty" if not shown else ""
    text = html.escape(shown) if shown else "<em>(blank)</em>"
    return (f"<div class='bc-box{empty}' style='border:1px solid #444;padding:2px 6px'>"
            f"<div style='font-size:11px'><strong>{html.escape(number)}</strong> {html.escape(name)}</div>"
            f"<div style='font-family:monospace'>{text}</div></div>")


def claim_form_html(claim_id: str) -> str:
    """The CMS-1500-style form of one claim of the course batch, as accessible HTML."""
    claims = load_table("billing/claims")
    if claim_id not in set(claims["claim_id"]):
        raise KeyError(f"No claim {claim_id!r} in the course batch; claims run from {claims['claim_id'].min()} "
                       f"to {claims['claim_id'].max()}.")
    claim = claims.loc[claims["claim_id"] == claim_id].iloc[0]
    patients = load_table("billing/patients").set_index("patient_id")
    payers = load_table("billing/payers").set_index("payer_id")
    patient = patients.loc[claim["patient_id"]]
    dx = load_table("billing/claim_diagnoses").query("claim_id == @claim_id")
    lines = load_table("billing/claim_lines").query("claim_id == @claim_id")
    name = f"{patient['last_name']}, {patient['first_name']}"
    top = "".join([
        _box("", "Payer", payers.loc[claim["payer_id"], "name"]),
        _box("1a", "Insured's ID number", claim["member_id"]),
        _box("2", "Patient's name", name),
        _box("3", "Patient's birth date, sex", f"{patient['birth_date']}  {patient['sex']}"),
        _box("4", "Insured's name", f"{name} (self)"),
        _box("26", "Patient's account no.", claim_id),
    ])
    codes = "  ".join(f"{r.letter}. {r.code}" for r in dx.itertuples())
    head = ("<tr>" + "".join(f"<th scope='col'>{h}</th>" for h in (
        "24A Date of service", "24B Place of service (11 = office)", "24D Procedure code", "24E Diagnosis pointer",
        "24F Charges", "24G Units", "24J Rendering provider NPI")) + "</tr>")
    rows = "".join(
        f"<tr><td>{html.escape(claim['dos'])}</td><td>{html.escape(claim['pos'])}</td><td>{html.escape(r.code)}</td>"
        f"<td>{html.escape(r.pointers) if isinstance(r.pointers, str) else '<em>(blank)</em>'}</td>"
        f"<td style='text-align:right'>{format_amount(float(r.charge), 'USD')}</td><td>{r.units}</td>"
        f"<td>{html.escape(claim['rendering_npi'])}</td></tr>"
        for r in lines.itertuples())
    bottom = "".join([
        _box("25", "Federal tax ID (EIN)", PRACTICE["ein"]),
        _box("28", "Total charge", format_amount(float(claim["total_charge"]), "USD")),
        _box("33", "Billing provider", f"{PRACTICE['name'].title()}, {PRACTICE['street'].title()}, "
                                       f"{PRACTICE['city'].title()} {PRACTICE['state']}"),
        _box("33a", "Billing provider NPI", claim["billing_npi"]),
    ])
    grid = "display:grid;grid-template-columns:repeat(auto-fit,minmax(12em,1fr));gap:4px;margin:4px 0"
    return (f"<section class='bc-claim-form tex2jax_ignore mathjax_ignore' aria-label='Claim {html.escape(claim_id)}, drawn like a CMS-1500 form' "
            f"style='max-width:60em;border:2px solid #8e1b1b;padding:6px'>"
            f"<h4 style='margin:2px 0'>Health insurance claim (CMS-1500 style): claim {html.escape(claim_id)}</h4>"
            f"<div style='{grid}'>{top}</div>"
            f"<div>{_box('21', 'Diagnosis codes (ICD Ind. 0 = ICD-10-CM), A to L', codes)}</div>"
            f"<table class='bc-claim-lines' style='border-collapse:collapse;margin:4px 0'>"
            f"<caption style='text-align:left'>Box 24: service lines</caption><thead>{head}</thead><tbody>{rows}</tbody></table>"
            f"<div style='{grid}'>{bottom}</div><p><small>{html.escape(SOURCE)}</small></p></section>")


def show_claim(claim_id: str) -> HTML:
    """Show one claim of the course batch as a CMS-1500-style form."""
    return HTML(claim_form_html(claim_id))
