"""Who pays what on one service line: write-off, deductible, coinsurance, copay; and the calculator that shows it.

Plan design used throughout the course (plans differ; every exercise states its own): a service has either a copay
(the patient pays the copay, never more than the allowed amount, and nothing else) or, with no copay, the deductible
on the allowed amount and then coinsurance on what is left; an out-of-pocket maximum, when given, caps the patient's
total. In network, charge minus allowed is written off (CO-45).
"""

from __future__ import annotations

import html
import math

import ipywidgets as widgets

from billcode.amounts import format_amount
from billcode.tables import split_bar_svg
from billcode.slider import AccessibleSlider

SOURCE_NOTE = ("Group codes and CARCs: X12 Claim Adjustment Reason Codes (x12.org/codes), CO-45, PR-1, PR-2, PR-3. "
               "Cost sharing is worked on the allowed amount, not the charge (plan glossaries, e.g. HealthCare.gov). "
               "Plan designs vary: in this course a service has either a copay (and nothing else) or, with no copay, "
               "the deductible and then coinsurance; the out-of-pocket maximum caps the patient's total for the year.")


class ResponsibilityError(ValueError):
    """Inputs that cannot describe a claim line; the message says which and why, for the learner."""


def _check(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ResponsibilityError(f"The {name} must be a number (got {value!r}).")
    if value < 0:
        raise ResponsibilityError(f"The {name} cannot be negative (got {format_amount(value, 'USD')}).")
    return float(value)


def split_charge(charge: float, allowed: float, *, deductible_left: float = 0.0, coinsurance_pct: float = 0.0,
                 copay: float = 0.0, oop_left: float | None = None) -> dict[str, float]:
    """Split a billed charge into write-off (CO-45), copay (PR-3), deductible (PR-1), coinsurance (PR-2) and payer.

    A copay above 0 makes this a copay service: the patient pays the copay only (the deductible and coinsurance do not
    apply to it). oop_left is what is left of the patient's out-of-pocket maximum for the year (None: no cap).
    """
    charge, allowed = _check("billed charge", charge), _check("allowed amount", allowed)
    deductible_left, copay = _check("deductible left", deductible_left), _check("copay", copay)
    coinsurance_pct = _check("coinsurance", coinsurance_pct)
    if coinsurance_pct > 100:
        raise ResponsibilityError(f"Coinsurance is a percentage from 0 to 100 (got {coinsurance_pct:g}).")
    if allowed > charge:
        raise ResponsibilityError(
            f"The allowed amount ({format_amount(allowed, 'USD')}) is more than the billed charge "
            f"({format_amount(charge, 'USD')}): a payer never allows more than was billed.")
    paid_copay = round(min(copay, allowed), 2)
    deductible = coinsurance = 0.0
    if copay == 0:  # no copay for this service: the deductible first, then coinsurance on what is left
        deductible = round(min(deductible_left, allowed), 2)
        coinsurance = round((allowed - deductible) * coinsurance_pct / 100, 2)
    if oop_left is not None:
        excess = paid_copay + deductible + coinsurance - _check("out-of-pocket maximum left", oop_left)
        for part in ("coinsurance", "deductible", "copay"):  # the cap takes back the last-applied share first
            if excess <= 0:
                break
            current = {"coinsurance": coinsurance, "deductible": deductible, "copay": paid_copay}[part]
            cut = min(current, excess)
            excess -= cut
            if part == "coinsurance":
                coinsurance = round(coinsurance - cut, 2)
            elif part == "deductible":
                deductible = round(deductible - cut, 2)
            else:
                paid_copay = round(paid_copay - cut, 2)
    patient = round(paid_copay + deductible + coinsurance, 2)
    return {"charge": round(charge, 2), "allowed": round(allowed, 2), "write_off": round(charge - allowed, 2),
            "copay": paid_copay, "deductible": deductible, "coinsurance": coinsurance, "patient": patient,
            "payer": round(allowed - patient, 2)}


def split_html(split: dict[str, float], note: str = "") -> str:
    """The split as a table (with its group code and CARC) and a picture of the three shares; note: a line under it."""
    rows = [("Billed charge", "", split["charge"]), ("Allowed amount", "", split["allowed"]),
            ("Contractual write-off", "CO-45", split["write_off"]), ("Copay", "PR-3", split["copay"]),
            ("Deductible", "PR-1", split["deductible"]), ("Coinsurance", "PR-2", split["coinsurance"]),
            ("Patient owes", "PR total", split["patient"]), ("Payer pays", "paid", split["payer"])]
    body = "".join(f"<tr><th scope='row'>{html.escape(name)}</th><td>{code}</td>"
                   f"<td style='text-align:right'>{html.escape(format_amount(value, 'USD'))}</td></tr>"
                   for name, code, value in rows)
    picture = split_bar_svg([("Payer pays", split["payer"]), ("Patient owes", split["patient"]),
                             ("Written off", split["write_off"])], title="Where the billed charge goes")
    return (f"<div class='bc-split tex2jax_ignore mathjax_ignore'>{picture}<table class='bc-split-table'><caption>The line, split</caption>"
            f"<thead><tr><th scope='col'>Part</th><th scope='col'>Code</th><th scope='col'>Amount</th></tr></thead>"
            f"<tbody>{body}</tbody></table>{f'<p>{html.escape(note)}</p>' if note else ''}"
            f"<p><small>{html.escape(SOURCE_NOTE)}</small></p></div>")


class ResponsibilityExplorer:
    """Sliders (each with a number box) for one line's numbers, and the split they give, redrawn on every move."""

    def __init__(self, charge: float = 250.0, allowed: float = 120.0, deductible_left: float = 50.0,
                 coinsurance_pct: float = 20.0, copay: float = 0.0, oop_left: float = 2000.0) -> None:
        self.sliders = {
            "charge": AccessibleSlider("Billed charge", min=0, max=2000, step=5, value=charge, unit="USD"),
            "allowed": AccessibleSlider("Allowed amount", min=0, max=2000, step=5, value=allowed, unit="USD"),
            "deductible_left": AccessibleSlider("Deductible left this year", min=0, max=5000, step=10,
                                                value=deductible_left, unit="USD"),
            "coinsurance_pct": AccessibleSlider("Coinsurance", min=0, max=100, step=5, value=coinsurance_pct,
                                                unit="percent"),
            "copay": AccessibleSlider("Copay (0: no copay for this service)", min=0, max=200, step=5, value=copay,
                                      unit="USD"),
            "oop_left": AccessibleSlider("Out-of-pocket maximum left this year", min=0, max=10000, step=10,
                                         value=oop_left, unit="USD"),
        }
        self.result = widgets.HTML()
        self.result.add_class("bc-split-result")
        for slider in self.sliders.values():
            slider.observe(lambda _change: self.update(), names="value")
        self.box = widgets.VBox([*self.sliders.values(), self.result])
        self.box.add_class("bc-responsibility-explorer")
        self.update()

    def values(self) -> dict[str, float]:
        """The numbers the sliders show now."""
        return {name: slider.value for name, slider in self.sliders.items()}

    def update(self) -> None:
        """Redraw the split, or say (without losing the sliders' values) why these numbers cannot be a claim line."""
        numbers = self.values()
        try:
            split = split_charge(numbers.pop("charge"), numbers.pop("allowed"), **numbers)
            numbers.pop("oop_left")
            uncapped = split_charge(split["charge"], split["allowed"], **numbers)
        except ResponsibilityError as err:
            self.result.value = (f"<div class='bc-split-problem' role='status'><strong>Check the numbers:</strong> "
                                 f"{html.escape(str(err))} Move a slider to fix it.</div>")
            return
        note = ""
        if uncapped["patient"] > split["patient"]:
            note = (f"The out-of-pocket maximum caps the patient's share: without it they would owe "
                    f"{format_amount(uncapped['patient'], 'USD')}; the plan pays the rest.")
        elif numbers["copay"] > 0 and (numbers["deductible_left"] > 0 or numbers["coinsurance_pct"] > 0):
            note = "This service has a copay, so the deductible and coinsurance do not apply to it."
        self.result.value = split_html(split, note)

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = "Patient-responsibility calculator: move the sliders (run this notebook to use it)"
        return bundle


def responsibility_explorer(**start: float) -> ResponsibilityExplorer:
    """Show the patient-responsibility calculator, starting from the given numbers."""
    return ResponsibilityExplorer(**start)
