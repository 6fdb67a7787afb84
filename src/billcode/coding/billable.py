"""The billable ICD-10-CM codes of FY2026 as a small prebuilt list, for checks that need no descriptions.

Scrubbing a claim only asks "is this a complete, billable code?". Loading the whole code set for that costs a
kernel 2-3 s and about 200 MB; this list (built from the same official files, and checked against them by a
test) costs about 30 ms and a few MB.
"""

from __future__ import annotations

import csv
from functools import cache

from billcode.data import data_dir

BILLABLE_FILE = "coding/icd10cm_billable_fy2026.csv"


def build_billable_codes() -> list[str]:
    """Every billable (leaf) code in the official set shipped with simple-icd-10-cm, sorted (for the data file)."""
    from billcode.coding.codes import _icd

    cm = _icd()
    return sorted(c for c in cm.get_all_codes(with_dots=True) if cm.is_category_or_subcategory(c) and cm.is_leaf(c))


def write_billable_file() -> int:
    """Rewrite the data file from the official set; return the number of codes."""
    codes = build_billable_codes()
    with (data_dir() / BILLABLE_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code"])
        writer.writerows([c] for c in codes)
    return len(codes)


@cache
def billable_codes() -> frozenset[str]:
    """The billable FY2026 ICD-10-CM codes, with dots (read once per kernel)."""
    lines = (data_dir() / BILLABLE_FILE).read_text(encoding="utf-8").splitlines()
    return frozenset(lines[1:])


def is_billable(code: object) -> bool:
    """Tell whether a code, as written on a claim (dot optional, any case), is billable in ICD-10-CM FY2026."""
    from billcode.coding.codes import normalize_code

    if not isinstance(code, str) or not code.strip():
        return False
    return normalize_code(code) in billable_codes()
