"""The routes into billing and coding that 04 compares, with the article's figures and each default's source.

Every path starts on ONE pay basis (data/careers/pay_bases.csv): the same measure of pay, from one source and year,
for all five, because no source the course found gives billers' and coders' pay on the same measure. The learner
can switch the basis, or type a path's own figure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from billcode.careers.costs import (
    FIVE_YEARS, annual_pay, five_year_net, gain_over_staying, given_up, payback_months, total_cost, with_uplift,
)
from billcode.data import load_table

DEFAULT_BASIS = "bls_median"


@dataclass(frozen=True)
class Path:
    """One route with the numbers the explorer starts from; pay is per hour or per year (pay_unit).

    search_months, kept_pct and yearly_books are the model's stated assumptions: months looking for a first job
    after qualifying (0: none assumed), the share of your pay you keep while studying and searching (100: you keep
    your job), and new code books bought each year once qualified (0: no sourced price; type yours).
    """

    path: str
    label: str
    tuition: float
    months: float
    books: float
    exam: str
    exam_fee: float
    yearly_fees: float
    pay: float
    pay_unit: str = "year"
    uplift_pct: float = 0.0
    search_months: float = 0.0
    kept_pct: float = 100.0
    yearly_books: float = 0.0

    @property
    def pay_after(self) -> float:
        """The yearly pay the path leads to, with any certification uplift the learner adds."""
        yearly = annual_pay(self.pay) if self.pay_unit == "hour" else self.pay
        return with_uplift(yearly, self.uplift_pct)

    @property
    def cost(self) -> float:
        """Tuition, books and exam fee."""
        return total_cost(self.tuition, self.books, self.exam_fee)

    @property
    def waiting(self) -> float:
        """Months from enrolment until the new pay starts: study, then any job search."""
        return self.months + self.search_months

    @property
    def fees(self) -> float:
        """Everything paid each year once qualified: membership or renewal, and new code books."""
        return round(self.yearly_fees + self.yearly_books, 2)

    def given_up(self, pay_now: float) -> float:
        """Pay given up while studying and searching (0 when you keep all your pay)."""
        return given_up(pay_now, self.waiting, self.kept_pct)

    def payback(self, pay_now: float) -> float | None:
        """Months from enrolment to payback, or None."""
        return payback_months(self.cost + self.given_up(pay_now), self.waiting, pay_now, self.pay_after, self.fees)

    def net(self, pay_now: float) -> float:
        """Five-year net earnings."""
        return five_year_net(self.cost + self.given_up(pay_now), self.waiting, pay_now, self.pay_after, self.fees)

    def ahead(self, pay_now: float, month: float = FIVE_YEARS) -> float:
        """How far ahead of staying put the path leaves you, `month` months after enrolment."""
        return gain_over_staying(self.cost + self.given_up(pay_now), self.waiting, pay_now, self.pay_after, self.fees,
                                 month)

    def but(self, **changes: object) -> "Path":
        """A copy with some numbers changed."""
        return replace(self, **changes)


def path_table() -> pd.DataFrame:
    """The paths as shipped (data/careers/paths.csv), with the article's ranges and every default's source."""
    return load_table("careers/paths")


def pay_bases() -> pd.DataFrame:
    """The pay bases a learner can put every path on (data/careers/pay_bases.csv), indexed by key."""
    return load_table("careers/pay_bases").set_index("basis")


def basis_pay(basis: str) -> float:
    """The yearly pay one basis gives every path; an unknown basis is named with the ones that exist."""
    bases = pay_bases()
    if basis not in bases.index:
        raise ValueError(f"No pay basis is called {basis!r}; the bases are {', '.join(bases.index)}.")
    return float(bases.loc[basis, "pay"])


def default_paths(basis: str = DEFAULT_BASIS) -> dict[str, Path]:
    """The paths at their defaults, by key, all on one pay basis; books start at 0 (the article gives no figure)."""
    pay = basis_pay(basis)
    return {
        row.path: Path(row.path, row.label, float(row.tuition), float(row.months), 0.0, row.exam, float(row.exam_fee),
                       float(row.yearly_fees), pay)
        for row in path_table().itertuples()
    }


def paths_frame(paths: dict[str, Path] | list[Path]) -> pd.DataFrame:
    """The table 04's exercises use: path, tuition, books, exam_fee, yearly_fees, months, pay_after (per year).

    months counts any job search too, and yearly_fees any yearly code books, so the table follows the model.
    """
    chosen = paths.values() if isinstance(paths, dict) else paths
    return pd.DataFrame(
        [{"path": p.label, "tuition": p.tuition, "books": p.books, "exam_fee": p.exam_fee, "yearly_fees": p.fees,
          "months": p.waiting, "pay_after": p.pay_after} for p in chosen],
        columns=["path", "tuition", "books", "exam_fee", "yearly_fees", "months", "pay_after"],
    )


def rank_paths(paths: pd.DataFrame, pay_now: float) -> list[str]:
    """Path names in a paths table, highest five-year net first; equal nets in alphabetical order."""
    from billcode.data import require_columns

    require_columns(paths, ["path", "tuition", "books", "exam_fee", "yearly_fees", "months", "pay_after"],
                    "rank_paths")
    nets = []
    for row in paths.itertuples():
        cost = total_cost(float(row.tuition), float(row.books), float(row.exam_fee))
        net = five_year_net(cost, float(row.months), float(pay_now), float(row.pay_after), float(row.yearly_fees))
        nets.append((-net, str(row.path)))
    return [name for _, name in sorted(nets)]
