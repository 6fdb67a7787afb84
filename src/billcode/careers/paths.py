"""The routes into billing and coding that 04 compares, with the article's figures and each default's source."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from billcode.careers.costs import annual_pay, five_year_net, payback_months, total_cost, with_uplift
from billcode.data import load_table


@dataclass(frozen=True)
class Path:
    """One route with the numbers the explorer starts from; pay is per hour or per year (pay_unit)."""

    path: str
    label: str
    tuition: float
    months: float
    books: float
    exam: str
    exam_fee: float
    yearly_fees: float
    pay: float
    pay_unit: str
    uplift_pct: float

    @property
    def pay_after(self) -> float:
        """The yearly pay the path leads to, with its certification uplift."""
        yearly = annual_pay(self.pay) if self.pay_unit == "hour" else self.pay
        return with_uplift(yearly, self.uplift_pct)

    @property
    def cost(self) -> float:
        """Tuition, books and exam fee."""
        return total_cost(self.tuition, self.books, self.exam_fee)

    def payback(self, pay_now: float) -> float | None:
        """Months from enrolment to payback, or None."""
        return payback_months(self.cost, self.months, pay_now, self.pay_after, self.yearly_fees)

    def net(self, pay_now: float) -> float:
        """Five-year net earnings."""
        return five_year_net(self.cost, self.months, pay_now, self.pay_after, self.yearly_fees)

    def but(self, **changes: object) -> "Path":
        """A copy with some numbers changed."""
        return replace(self, **changes)


def path_table() -> pd.DataFrame:
    """The paths as shipped (data/careers/paths.csv), with the article's ranges and every default's source."""
    return load_table("careers/paths")


def default_paths() -> dict[str, Path]:
    """The paths at their defaults, by key; books start at 0 because the article gives no figure for them."""
    return {
        row.path: Path(row.path, row.label, float(row.tuition), float(row.months), 0.0, row.exam, float(row.exam_fee),
                       float(row.yearly_fees), float(row.pay), row.pay_unit, float(row.uplift_pct))
        for row in path_table().itertuples()
    }


def paths_frame(paths: dict[str, Path] | list[Path]) -> pd.DataFrame:
    """The table rank_paths takes: path, tuition, books, exam_fee, yearly_fees, months, pay_after (per year)."""
    chosen = paths.values() if isinstance(paths, dict) else paths
    return pd.DataFrame(
        [{"path": p.label, "tuition": p.tuition, "books": p.books, "exam_fee": p.exam_fee, "yearly_fees": p.yearly_fees,
          "months": p.months, "pay_after": p.pay_after} for p in chosen],
        columns=["path", "tuition", "books", "exam_fee", "yearly_fees", "months", "pay_after"],
    )
