"""The cost and payback arithmetic of 04: a path's total cost, when it pays back, and five years' net earnings.

One model, stated once (04's notebook states it in the same words):
- total cost = tuition + books + exam fee, paid when you enrol;
- yearly fees (membership, renewal, new code books) are paid every year after you qualify, so they come out of
  the yearly pay gain;
- while you study (`months`) you earn your pay now; afterwards, the pay the path leads to;
- payback = months studying + total cost / monthly gain, with monthly gain = (pay after - pay now - yearly fees) / 12;
- five-year net earnings = what you earn in the 60 months from enrolment, minus the total cost and yearly fees;
- ahead of staying = five-year net minus what staying at your pay now earns in the same 60 months.

Two assumptions a learner may change (04's explorer has a control for each), folded into the same formulas:
- the months you look for a first job after qualifying add to the months before the new pay starts (you keep
  earning as you did while studying);
- the share of your pay you keep while studying and searching: the pay you give up counts as a cost (`given_up`).
With the defaults (no search, all pay kept) these change nothing.
"""

from __future__ import annotations

import math
import numbers

HOURS_PER_WEEK = 40
WEEKS_PER_YEAR = 52
HOURS_PER_YEAR = HOURS_PER_WEEK * WEEKS_PER_YEAR  # 2,080: the full-time year BLS uses to turn hourly pay into yearly
FIVE_YEARS = 60  # months
# The federal minimum wage, USD 7.25 an hour since 24 July 2009 (U.S. Department of Labor, Fair Labor Standards Act),
# times 2,080 hours: the explorer's starting point for "your pay now", which every learner should change.
MINIMUM_WAGE = 7.25
PAY_NOW_DEFAULT = MINIMUM_WAGE * HOURS_PER_YEAR
PAY_NOW_SOURCE = ("Default: the federal minimum wage, USD 7.25 an hour since 2009 (U.S. Department of Labor), "
                  "× 2,080 hours = USD 15,080 a year. Type your own.")


def _check(**amounts: float) -> None:
    """Refuse negative or non-finite amounts with a message that names the field."""
    for name, value in amounts.items():
        if not isinstance(value, numbers.Real) or isinstance(value, bool) or not math.isfinite(value):
            raise ValueError(f"{name.replace('_', ' ')} must be a number (got {value!r}).")
        if value < 0:
            raise ValueError(f"{name.replace('_', ' ')} cannot be negative (got {value:,}).")


def annual_pay(hourly: float, hours_per_week: float = HOURS_PER_WEEK) -> float:
    """A year's pay from an hourly wage: hourly × hours a week × 52 (× 2,080 hours when full time)."""
    _check(hourly=hourly, hours_per_week=hours_per_week)
    return round(hourly * hours_per_week * WEEKS_PER_YEAR, 2)


def with_uplift(pay: float, uplift_pct: float) -> float:
    """Pay after a certification premium of uplift_pct percent."""
    _check(pay=pay, uplift=uplift_pct)
    return round(pay * (1 + uplift_pct / 100), 2)


def total_cost(tuition: float, books: float, exam_fee: float) -> float:
    """What it costs to qualify: tuition, books and the exam fee."""
    _check(tuition=tuition, books=books, exam_fee=exam_fee)
    return round(tuition + books + exam_fee, 2)


def monthly_gain(pay_now: float, pay_after: float, yearly_fees: float) -> float:
    """What a month of work after the program adds over staying where you are, after yearly fees."""
    _check(pay_now=pay_now, pay_after=pay_after, yearly_fees=yearly_fees)
    return (pay_after - pay_now - yearly_fees) / 12


def payback_months(cost: float, months: float, pay_now: float, pay_after: float, yearly_fees: float) -> float | None:
    """Months from enrolment until the extra pay has paid back the cost (one decimal), or None if it never does."""
    _check(cost=cost, months=months)
    gain = monthly_gain(pay_now, pay_after, yearly_fees)
    if gain <= 0:
        return None
    return round(months + cost / gain, 1)


def five_year_net(cost: float, months: float, pay_now: float, pay_after: float, yearly_fees: float) -> float:
    """Earnings in the 60 months from enrolment (pay now while studying, pay after then), minus cost and fees."""
    _check(cost=cost, months=months, pay_now=pay_now, pay_after=pay_after, yearly_fees=yearly_fees)
    studying = min(months, FIVE_YEARS)
    working = FIVE_YEARS - studying
    return round(studying * pay_now / 12 + working * (pay_after - yearly_fees) / 12 - cost, 2)


def given_up(pay_now: float, months: float, kept_pct: float = 100.0) -> float:
    """The pay you give up while studying (and searching), when you keep only kept_pct percent of your pay now."""
    _check(pay_now=pay_now, months=months, kept=kept_pct)
    if kept_pct > 100:
        raise ValueError(f"the share of pay you keep cannot be over 100% (got {kept_pct:g}).")
    return round(pay_now * months / 12 * (100 - kept_pct) / 100, 2)


def gain_over_staying(cost: float, months: float, pay_now: float, pay_after: float, yearly_fees: float,
                      month: float = FIVE_YEARS) -> float:
    """How far ahead (or behind) of staying put a path leaves you, `month` months after enrolment."""
    _check(cost=cost, months=months, month=month)
    return round(-cost + max(0.0, month - months) * monthly_gain(pay_now, pay_after, yearly_fees), 2)
