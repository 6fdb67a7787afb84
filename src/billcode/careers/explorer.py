"""The cost explorer: set up each route's costs and pay, and see total cost, payback and five years' earnings."""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from billcode.amounts import format_amount
from billcode.careers.costs import (
    FIVE_YEARS, HOURS_PER_YEAR, PAY_NOW_DEFAULT, PAY_NOW_SOURCE, annual_pay, gain_over_staying,
)
from billcode.careers.paths import Path, default_paths, path_table
from billcode.choice import AccessibleSelect
from billcode.slider import AccessibleSlider
from billcode.tables import line_chart_svg, table_html

# field: (label, min, max, step, unit); the ranges cover every figure the article gives, with room to spare.
FIELDS = {
    "tuition": ("Tuition", 0, 45_000, 100, "USD"),
    "months": ("Months of study", 1, 36, 1, "months"),
    "books": ("Books and materials", 0, 3_000, 10, "USD"),
    "exam_fee": ("Certification exam fee", 0, 1_000, 1, "USD"),
    "yearly_fees": ("Yearly fees once qualified (membership, renewal, new code books)", 0, 2_000, 1, "USD"),
    "uplift_pct": ("Certification uplift on pay", 0, 50, 1, "percent"),
}
PAY_RANGES = {"hour": (0, 100, 0.25), "year": (0, 200_000, 500)}
LEFT_OUT = (
    "What these totals leave out (the article's cost notes): financial aid may lower them, depending on the school "
    "and the program's eligibility; online programs save commuting and housing but may add technology fees; degrees "
    "include general-education credits, so they take longer and cost more; the article's certificate totals often "
    "exclude textbooks, exams and materials. Not counted here either: living costs, hours you stop working to study, "
    "exam retakes, and raises after the first job."
)


def _payback_words(months: float | None) -> str:
    if months is None:
        return "never, at these numbers"
    if months > FIVE_YEARS:
        return f"{months:g} months (beyond the five years shown)"
    return f"{months:g} months"


def results_frame(paths: dict[str, Path], pay_now: float) -> pd.DataFrame:
    """One row per path: total cost, yearly fees, pay after, payback, five-year net, and the lead over staying."""
    rows = []
    for p in paths.values():
        rows.append({
            "path": p.label,
            "total_cost": p.cost,
            "yearly_fees": p.yearly_fees,
            "pay_after": p.pay_after,
            "payback_months": p.payback(pay_now),
            "five_year_net": p.net(pay_now),
            "ahead_of_staying": gain_over_staying(p.cost, p.months, pay_now, p.pay_after, p.yearly_fees),
        })
    return pd.DataFrame(rows)


class CostExplorer:
    """Pick a path, move its sliders (or type), and compare every path's cost and earnings, redrawn as you go."""

    def __init__(self, path: str = "coding_certificate", pay_now: float = PAY_NOW_DEFAULT) -> None:
        self.paths = default_paths()
        self.sources = {row.path: row for row in path_table().itertuples()}
        self._loading = False
        self.choose = AccessibleSelect("Path to set up", [(p.label, key) for key, p in self.paths.items()], path)
        self.pay_now = AccessibleSlider("Your pay now, per year", min=0, max=200_000, step=500, value=pay_now, unit="USD")
        self.sliders = {name: AccessibleSlider(label, min=lo, max=hi, step=step, value=lo, unit=unit)
                        for name, (label, lo, hi, step, unit) in FIELDS.items()}
        self.pay_unit = AccessibleSelect("Expected pay is given", [("per hour", "hour"), ("per year", "year")])
        self.pay = AccessibleSlider("Expected pay after the program", min=0, max=100, step=0.25, value=0, unit="USD")
        self.note = widgets.HTML()
        self.summary = widgets.HTML()
        self.chart = widgets.HTML()
        self._load(self.choose.value)
        self.choose.observe(lambda c: self._load(c["new"]), names="value")
        for name, slider in self.sliders.items():
            slider.observe(lambda c, name=name: self._changed(name, c["new"]), names="value")
        self.pay.observe(lambda c: self._changed("pay", c["new"]), names="value")
        self.pay_unit.observe(lambda c: self._unit_changed(c["new"]), names="value")
        self.pay_now.observe(lambda _c: self._draw(), names="value")
        self.box = widgets.VBox([
            widgets.HTML("<p><strong>Set up one path at a time; the table and the chart compare all five.</strong></p>"),
            self.choose, *self.sliders.values(), self.pay_unit, self.pay, self.note,
            widgets.HTML(f"<p><small>{html.escape(PAY_NOW_SOURCE)}</small></p>"), self.pay_now,
            self.summary, self.chart, widgets.HTML(f"<p><small>{html.escape(LEFT_OUT)}</small></p>"),
        ])
        self.box.add_class("bc-cost-explorer")
        self._draw()

    @property
    def current(self) -> Path:
        """The path being set up."""
        return self.paths[self.choose.value]

    def _set_pay_range(self, unit: str, value: float) -> None:
        low, high, step = PAY_RANGES[unit]
        self.pay.min, self.pay.step = low, step
        if value > self.pay.max:
            self.pay.max = high
            self.pay.value = value
        else:
            self.pay.value = value
            self.pay.max = high
        self.pay.description = f"Expected pay after the program, per {unit}"

    def _load(self, key: str) -> None:
        self._loading = True
        try:
            path = self.paths[key]
            for name, slider in self.sliders.items():
                slider.value = getattr(path, name)
            self.pay_unit.value = path.pay_unit
            self._set_pay_range(path.pay_unit, path.pay)
        finally:
            self._loading = False
        self._draw()

    def _changed(self, name: str, value: float) -> None:
        if self._loading:
            return
        self.paths[self.choose.value] = self.current.but(**{name: float(value)})
        self._draw()

    def _unit_changed(self, unit: str) -> None:
        if self._loading or unit == self.current.pay_unit:
            return
        pay = self.current.pay
        converted = annual_pay(pay) if unit == "year" else round(pay / HOURS_PER_YEAR, 2)
        self._loading = True
        try:
            self._set_pay_range(unit, converted)
        finally:
            self._loading = False
        self.paths[self.choose.value] = self.current.but(pay=float(self.pay.value), pay_unit=unit)
        self._draw()

    def results(self) -> pd.DataFrame:
        """The comparison table as numbers."""
        return results_frame(self.paths, self.pay_now.value)

    def _draw(self) -> None:
        if self._loading:
            return
        source = self.sources[self.choose.value]
        rng = lambda lo, hi, unit: (format_amount(lo, unit) if pd.isna(hi) else  # noqa: E731
                                    f"up to {format_amount(hi, unit)}" if pd.isna(lo) else
                                    f"{format_amount(lo, unit)} to {format_amount(hi, unit)}")
        self.note.value = (
            f"<div class='bc-source-note tex2jax_ignore mathjax_ignore'><p><strong>{html.escape(source.label)}</strong>: the article's tuition "
            f"{html.escape(rng(source.tuition_low, source.tuition_high, 'USD'))}, length "
            f"{html.escape(rng(source.months_low, source.months_high, 'months'))}. Exam: {html.escape(source.exam)}.</p>"
            f"<ul><li><small>Program: {html.escape(source.program_source)}</small></li>"
            f"<li><small>Fees: {html.escape(source.fees_source)}</small></li>"
            f"<li><small>Pay: {html.escape(source.pay_source)}</small></li>"
            "<li><small>Books: the article gives no figure (its totals often leave books out); type your program's "
            "list price.</small></li></ul></div>")
        frame = self.results()
        shown = pd.DataFrame({
            "Path": [f"{p} (setting up)" if p == self.current.label else p for p in frame["path"]],
            "Total cost": [format_amount(v, "USD") for v in frame["total_cost"]],
            "Yearly fees": [format_amount(v, "USD") for v in frame["yearly_fees"]],
            "Pay after, per year": [format_amount(v, "USD") for v in frame["pay_after"]],
            "Pays back after": [_payback_words(v) for v in frame["payback_months"]],
            "Five-year net earnings": [format_amount(v, "USD") for v in frame["five_year_net"]],
            "Ahead of staying after five years": [format_amount(v, "USD") for v in frame["ahead_of_staying"]],
        })
        self.summary.value = table_html(
            shown, f"Every path, with your pay now of {format_amount(self.pay_now.value, 'USD')} a year",
            "Course arithmetic (billcode.careers.costs) on the figures above; each default's source is named above.")
        series = []
        for p in self.paths.values():
            line = [(m, gain_over_staying(p.cost, p.months, self.pay_now.value, p.pay_after, p.yearly_fees, m))
                    for m in range(0, FIVE_YEARS + 1, 3)]
            series.append((p.label, line))
        svg = line_chart_svg(series, title="How far ahead of staying put each path leaves you",
                             x_label="Months from enrolment", y_label="Ahead of staying (USD)", highlight=self.current.label)
        self.chart.value = f"<div class='tex2jax_ignore mathjax_ignore'>{svg}</div>"

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = "Cost explorer: pick a path and move the sliders (run this notebook to use it)"
        return bundle


def cost_explorer(path: str = "coding_certificate", pay_now: float = PAY_NOW_DEFAULT) -> CostExplorer:
    """Show the cost explorer."""
    return CostExplorer(path, pay_now)
