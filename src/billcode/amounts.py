"""Read and write the numbers learners type: dollar amounts, percentages, plain numbers."""

from __future__ import annotations

import math
import re

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")


class AmountError(ValueError):
    """A typed amount that is not a number; the message is meant for the learner."""


def parse_amount(text: object, unit: str = "count") -> float:
    """Turn '$1,234.50', '1234.5', '20%' or a number into a float; raise AmountError with a hint."""
    if isinstance(text, bool):
        raise AmountError("Type a number, not True or False.")
    if isinstance(text, int | float):
        try:
            value = float(text)
        except OverflowError:
            raise AmountError("That number is too large.") from None
    else:
        raw = str(text).strip() if text is not None else ""
        if not raw:
            raise AmountError("Type a number before checking.")
        cleaned = raw.replace(" ", "").replace("\u00a0", "")
        negative = cleaned.startswith("-") or (cleaned.startswith("(") and cleaned.endswith(")"))
        cleaned = cleaned.strip("()").lstrip("+-")
        if cleaned.startswith("$"):
            if unit != "USD":
                raise AmountError(f"This answer is not in dollars: type a plain number without '$' (you typed {raw!r}).")
            cleaned = cleaned[1:]
        if cleaned.endswith("%"):
            if unit != "percent":
                raise AmountError(f"This answer is not a percentage: leave out the '%' (you typed {raw!r}).")
            cleaned = cleaned[:-1]
        if cleaned.lower().endswith("months"):
            cleaned = cleaned[: -len("months")]
        if not cleaned or not _NUMBER.match(cleaned) or cleaned in {".", ","}:
            hint = " Use digits, an optional '$', commas between thousands and a dot for cents, like $1,234.50." if unit == "USD" else " Use digits and a dot for decimals, like 12.5."
            raise AmountError(f"{raw!r} is not a number.{hint}")
        value = float(cleaned.replace(",", ""))
        if negative:
            value = -value
    if not math.isfinite(value):
        raise AmountError("Type a finite number.")
    return value


def format_amount(value: float, unit: str = "count") -> str:
    """Show a number the way learners read it: $1,234.50, 20%, 9 months."""
    if unit == "USD":
        sign = "-" if value < 0 else ""
        return f"{sign}${abs(value):,.2f}"
    if unit == "percent":
        return f"{value:g}%"
    if unit == "months":
        return f"{value:g} months"
    return f"{value:,g}"
