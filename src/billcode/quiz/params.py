"""Numbers a graded question takes from its class: pick them, and write them into the question's text.

An item lists candidates in the bank (`"params": {"position": [50, 25, 75]}`, the first being the public
default) and writes `{position}` in its prompt. The instructor's class secret picks one (billcode.instructor.variants).
"""

from __future__ import annotations

import hashlib
import hmac


def choose_params(bank: dict, secret: str | None) -> dict[str, dict[str, float]]:
    """Pick each parameterised item's numbers: the public default without a secret, else a keyed hash's pick."""
    chosen = {}
    for item in bank["items"]:
        values = {}
        for name, candidates in item.get("params", {}).items():
            if secret is None:
                values[name] = candidates[0]
            else:
                digest = hmac.new(secret.encode(), f"{bank['bank']}:{item['id']}:{name}".encode(), hashlib.sha256)
                values[name] = candidates[int(digest.hexdigest(), 16) % len(candidates)]
        if values:
            chosen[item["id"]] = values
    return chosen


def fill(text: str, values: dict[str, float] | None) -> str:
    """Write an item's numbers into its text ({name} placeholders; 1500 is written 1,500)."""
    for name, value in (values or {}).items():
        shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
        text = text.replace("{" + name + "}", shown)
    return text
