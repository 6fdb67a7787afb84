"""The billable ICD-10-CM codes of FY2026: is_billable (a claim scrubber's question) and the list as a small file.

is_billable reads the course's prebuilt code-set file (billcode.coding.codeset: microseconds, nothing loaded); the
CSV list is kept for code that wants every billable code at once (the exercises' inputs). Both are built from the
official files in simple-icd-10-cm and checked against them by tests.
"""

from __future__ import annotations

import csv
from functools import cache

from billcode.data import data_dir

BILLABLE_FILE = "coding/icd10cm_billable_fy2026.csv"


def build_billable_codes() -> list[str]:
    """Every billable (leaf) code in the official set shipped with simple-icd-10-cm, sorted (for the data file)."""
    from billcode.coding.build import official

    cm = official()
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
    from billcode.coding.codes import icd10cm_billable, normalize_code

    if not isinstance(code, str) or not code.strip():
        return False
    return icd10cm_billable(normalize_code(code))
