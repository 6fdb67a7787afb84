"""The cost explorer: set up each route's costs and pay, and see total cost, payback and five years' earnings.

Every path starts on one pay basis (the same measure, source and year for all, said on screen); the learner can
switch the basis or type a path's own pay. The model's assumptions are stated under the controls, and the ones a
learner would change (months of job search, pay kept while studying, yearly code books) have controls of their own.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from billcode.amounts import format_amount
from billcode.careers.costs import FIVE_YEARS, HOURS_PER_YEAR, PAY_NOW_DEFAULT, PAY_NOW_SOURCE, annual_pay
from billcode.careers.paths import DEFAULT_BASIS, Path, default_paths, path_table, pay_bases
from billcode.choice import AccessibleSelect
from billcode.slider import AccessibleSlider
from billcode.tables import line_chart_svg, table_html

# field: (label, min, max, step, unit); the ranges cover every figure the article gives, with room to spare.
FIELDS = {
    "tuition": ("Tuition", 0, 45_000, 100, "USD"),
    "months": ("Months of study", 1, 36, 1, "months"),
    "books": ("Books and materials, once", 0, 3_000, 10, "USD"),
    "exam_fee": ("Certification exam fee", 0, 1_000, 1, "USD"),
    "yearly_fees": ("Yearly fees once qualified (membership or renewal)", 0, 2_000, 1, "USD"),
    "yearly_books": ("New code books each year once qualified", 0, 2_000, 10, "USD"),
    "uplift_pct": ("Certification uplift on pay", 0, 50, 1, "percent"),
}
# Assumptions about the learner, the same for every path: (label, min, max, step, unit, default).
ABOUT_YOU = {
    "kept_pct": ("Share of your pay you keep while studying and job hunting", 0, 100, 5, "percent", 100),
    "search_months": ("Months looking for a first job after you qualify", 0, 12, 1, "months", 0),
}
PAY_RANGES = {"hour": (0, 100, 0.25), "year": (0, 200_000, 250)}
ASSUMPTIONS = (
    "What the model assumes (change any of them above): you pay the total cost when you enrol; you keep all your pay "
    "while you study (set a lower share if you will cut your hours); you start the new job the month after you "
    "qualify (set months of job search if you expect one; the course has no source for a typical gap); the new pay "
    "stays the same for five years (no raises); books and new code books are 0 because the article gives no price "
    "(code sets change every year, so a coder buys new books each year: type your prices); the exam is passed on "
    "the first try. Not counted: living costs, exam retakes, taxes."
)
LEFT_OUT = (
    "What these totals leave out (the article's cost notes): financial aid may lower them, depending on the school "
    "and the program's eligibility; online programs save commuting and housing but may add technology fees; degrees "
    "include general-education credits, so they take longer and cost more."
)
MEASURES = (
    "Five-year net: everything you earn in the 60 months from enrolment (your pay now while studying, then the new "
    "pay less yearly fees), minus the total cost. Ahead of staying: the five-year net minus what staying put at your "
    "pay now earns in the same 60 months (5 times your pay now). The rows keep one order, so each path stays where "
    "you found it; Rank orders the paths by five-year net (1 is the highest), and ranking by ahead of staying gives "
    "the same order."
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
            "pay_given_up": p.given_up(pay_now),
            "yearly_fees": p.fees,
            "pay_after": p.pay_after,
            "payback_months": p.payback(pay_now),
            "five_year_net": p.net(pay_now),
            "ahead_of_staying": p.ahead(pay_now),
        })
    return pd.DataFrame(rows)


def ranks(frame: pd.DataFrame) -> list[int]:
    """Each row's place by five-year net (1 is the highest; equal nets in alphabetical order, as rank_paths)."""
    order = sorted(range(len(frame)), key=lambda i: (-frame["five_year_net"].iloc[i], str(frame["path"].iloc[i])))
    places = [0] * len(frame)
    for place, i in enumerate(order, start=1):
        places[i] = place
    return places


def basis_words(basis: str) -> str:
    """One pay basis in words: its label, what it covers and its source."""
    row = pay_bases().loc[basis]
    return (f"{row['label']}: {format_amount(float(row['pay']), 'USD')} a year for every path. Covers "
            f"{row['who']}. Source: {row['source']}. {row['note']}")


class CostExplorer:
    """Pick a path, move its sliders (or type), and compare every path's cost and earnings, redrawn as you go."""

    def __init__(self, path: str = "coding_certificate", pay_now: float = PAY_NOW_DEFAULT,
                 basis: str = DEFAULT_BASIS) -> None:
        self.basis_key = basis
        self.paths = default_paths(basis)
        self.typed_pay: set[str] = set()  # paths whose pay the learner changed (no longer the basis figure)
        self.sources = {row.path: row for row in path_table().itertuples()}
        self._loading = False
        bases = pay_bases()
        self.basis = AccessibleSelect("Pay basis for every path", [(row.label, key) for key, row in bases.iterrows()],
                                      basis)
        self.basis_note = widgets.HTML()
        self.choose = AccessibleSelect("Path to set up", [(p.label, key) for key, p in self.paths.items()], path)
        self.pay_now = AccessibleSlider("Your pay now, per year", min=0, max=200_000, step=250, value=pay_now, unit="USD")
        self.about = {name: AccessibleSlider(label, min=lo, max=hi, step=step, value=default, unit=unit)
                      for name, (label, lo, hi, step, unit, default) in ABOUT_YOU.items()}
        self.sliders = {name: AccessibleSlider(label, min=lo, max=hi, step=step, value=lo, unit=unit)
                        for name, (label, lo, hi, step, unit) in FIELDS.items()}
        self.pay_unit = AccessibleSelect("Expected pay is given", [("per year", "year"), ("per hour", "hour")])
        self.pay = AccessibleSlider("Expected pay after the program, per year", min=0, max=200_000, step=250, value=0,
                                    unit="USD")
        self.note = widgets.HTML()
        self.summary = widgets.HTML()
        self.chart = widgets.HTML()
        self._load(self.choose.value)
        self.basis.observe(lambda c: self._basis_changed(c["new"]), names="value")
        self.choose.observe(lambda c: self._load(c["new"]), names="value")
        for name, slider in self.sliders.items():
            slider.observe(lambda c, name=name: self._changed(name, c["new"]), names="value")
        for name, slider in self.about.items():
            slider.observe(lambda c, name=name: self._about_changed(name, c["new"]), names="value")
        self.pay.observe(lambda c: self._changed("pay", c["new"]), names="value")
        self.pay_unit.observe(lambda c: self._unit_changed(c["new"]), names="value")
        self.pay_now.observe(lambda _c: self._draw(), names="value")
        self.box = widgets.VBox([
            widgets.HTML("<p><strong>1. The pay every path leads to.</strong></p>"), self.basis, self.basis_note,
            widgets.HTML("<p><strong>2. About you</strong> (the same for every path).</p>"),
            widgets.HTML(f"<p><small>{html.escape(PAY_NOW_SOURCE)}</small></p>"), self.pay_now, *self.about.values(),
            widgets.HTML("<p><strong>3. Set up one path at a time</strong>; the table and the chart compare all five.</p>"),
            self.choose, *self.sliders.values(), self.pay_unit, self.pay, self.note,
            self.summary, self.chart,
            widgets.HTML(f"<p><small>{html.escape(ASSUMPTIONS)}</small></p>"),
            widgets.HTML(f"<p><small>{html.escape(LEFT_OUT)}</small></p>"),
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

    def _basis_changed(self, basis: str) -> None:
        """Put every path on the new basis (paths keep their other settings; typed pay is replaced)."""
        self.basis_key = basis
        fresh = default_paths(basis)
        self.paths = {key: p.but(pay=fresh[key].pay, pay_unit="year") for key, p in self.paths.items()}
        self.typed_pay.clear()
        self._load(self.choose.value)

    def _about_changed(self, name: str, value: float) -> None:
        self.paths = {key: p.but(**{name: float(value)}) for key, p in self.paths.items()}
        self._draw()

    def _changed(self, name: str, value: float) -> None:
        if self._loading:
            return
        if name == "pay":
            self.typed_pay.add(self.choose.value)
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
        self.basis_note.value = f"<p><small>{html.escape(basis_words(self.basis_key))}</small></p>"
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
            "<li><small>Pay: the basis chosen above, unless you typed this path's own figure. Uplift: 0 unless you "
            "add one (AAPC's 2022 report: certified members averaged 27% more than non-certified ones, self-reported; "
            "the article claims about 20% for coders).</small></li></ul></div>")
        frame = self.results()
        keys = list(self.paths)
        shown = pd.DataFrame({
            "Path": [f"{p} (setting up)" if p == self.current.label else p for p in frame["path"]],
            "Rank": ranks(frame),
            "Total cost": [format_amount(v, "USD") for v in frame["total_cost"]],
            "Pay given up while studying": [format_amount(v, "USD") for v in frame["pay_given_up"]],
            "Yearly fees": [format_amount(v, "USD") for v in frame["yearly_fees"]],
            "Pay after, per year": [format_amount(v, "USD") + (" (your figure)" if k in self.typed_pay else "")
                                    for v, k in zip(frame["pay_after"], keys)],
            "Pays back after": [_payback_words(v) for v in frame["payback_months"]],
            "Five-year net": [format_amount(v, "USD") for v in frame["five_year_net"]],
            "Ahead of staying after five years": [format_amount(v, "USD") for v in frame["ahead_of_staying"]],
        })
        label = pay_bases().loc[self.basis_key, "label"]
        self.summary.value = table_html(
            shown, f"Every path, with your pay now of {format_amount(self.pay_now.value, 'USD')} a year; pay basis: {label}",
            "Course arithmetic (billcode.careers.costs) on the figures above; each default's source is named above. "
            + MEASURES)
        series = [(p.label, [(m, p.ahead(self.pay_now.value, m)) for m in range(0, FIVE_YEARS + 1, 3)])
                  for p in self.paths.values()]
        svg = line_chart_svg(series, title="How far ahead of staying put each path leaves you",
                             x_label="Months from enrolment", y_label="Ahead of staying (USD)", highlight=self.current.label)
        self.chart.value = f"<div class='tex2jax_ignore mathjax_ignore'>{svg}</div>"

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = "Cost explorer: pick a path and move the sliders (run this notebook to use it)"
        return bundle


def cost_explorer(path: str = "coding_certificate", pay_now: float = PAY_NOW_DEFAULT,
                  basis: str = DEFAULT_BASIS) -> CostExplorer:
    """Show the cost explorer (basis: 'bls_median', 'aapc_noncertified' or 'aapc_certified')."""
    return CostExplorer(path, pay_now, basis)
