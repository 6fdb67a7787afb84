"""The official ICD-10-CM FY2026 code set, read from the course's prebuilt data file (data/coding/icd10cm.sqlite).

One read-only, memory-mapped SQLite connection per process: opening it takes about a millisecond and a look-up a
few microseconds, so no kernel or grader loads the whole code set. `billcode.coding.build` writes the file from
simple-icd-10-cm (the source it is tested against) and the Alphabetic Index.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from functools import lru_cache

from billcode.data import data_dir

DB_FILE = "coding/icd10cm.sqlite"
_LOCK = threading.Lock()
_OPEN: dict[int, sqlite3.Connection] = {}  # by process id: a forked grading worker opens its own


def connection() -> sqlite3.Connection:
    """The shared read-only connection to the data file (opened on first use in each process)."""
    if os.getpid() not in _OPEN:
        _OPEN.clear()
        _OPEN[os.getpid()] = _open()
    return _OPEN[os.getpid()]


def _open() -> sqlite3.Connection:
    path = data_dir() / DB_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run make data")
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    db.execute("PRAGMA mmap_size = 67108864")
    db.execute("PRAGMA query_only = 1")
    return db


def query(sql: str, params: tuple = ()) -> list[tuple]:
    """Run one read-only statement and return every row (one statement at a time across threads)."""
    with _LOCK:
        return connection().execute(sql, params).fetchall()


def meta() -> dict[str, str]:
    """What the data file records about itself: releases, sources, checksums and figures."""
    return dict(query("SELECT key, value FROM meta"))


@lru_cache(maxsize=65536)  # the file never changes while a process runs
def _row(code: str) -> tuple | None:
    rows = query("SELECT description, billable, parent FROM codes WHERE code = ? AND kind = 0", (code,))
    return rows[0] if rows else None


def exists(code: str) -> bool:
    """Whether a code (dotted, upper case) is a category, subcategory or code of the tabular list."""
    return _row(code) is not None


def billable(code: str) -> bool:
    """Whether a code is complete (a leaf: valid on a claim)."""
    row = _row(code)
    return bool(row and row[1])


def billable_of(codes: list[str]) -> list[tuple[str, int]]:
    """(code, billable) for every code of a list that is in the set, in one query."""
    found = []
    for start in range(0, len(codes), 500):
        chunk = codes[start:start + 500]
        found += query(f"SELECT code, billable FROM codes WHERE kind = 0 AND code IN ({','.join('?' * len(chunk))})",
                       tuple(chunk))
    return found


def parent(code: str) -> str | None:
    """The code, category or block directly above a code."""
    row = _row(code)
    return row[2] if row else None


def description(code: str) -> str | None:
    """The official description (a 7-character code's is its parent's plus its 7th character's, as in the package)."""
    row = _row(code)
    if row is None:
        return None
    if row[0] is not None:
        return row[0]
    return f"{description(row[2])}, {seventh_characters(row[2]).get(code[-1], '')}"


def block_description(name: str) -> str | None:
    """The description of a block ("E08-E13") or chapter."""
    rows = query("SELECT description FROM codes WHERE code = ? AND kind > 0 ORDER BY kind", (name,))
    return rows[0][0] if rows else None


def children(code: str) -> list[str]:
    """The codes directly below a code, in code order."""
    rows = query("SELECT code FROM codes WHERE code > ? AND code < ? AND kind = 0 AND parent = ? ORDER BY code",
                 (code, code + "~", code))
    return [r[0] for r in rows]


def descendants(code: str, limit: int = 200) -> list[tuple[str, str | None, int]]:
    """Codes below a code (code, stored description, billable), in code order."""
    return query("SELECT code, description, billable FROM codes WHERE code > ? AND code < ? AND kind = 0 "
                 "ORDER BY code LIMIT ?", (code, code + "~", limit))


def ancestors(code: str) -> list[str]:
    """The code itself, then each code above it (categories only, no blocks)."""
    chain = []
    while code and code not in chain and exists(code):  # a category's block may share its name (B99 in B99)
        chain.append(code)
        code = parent(code) or ""
    return chain


def seventh_characters(code: str) -> dict[str, str]:
    """The 7th characters a code takes (its own definition, or the nearest one above it); {} if none."""
    return dict(_sevenths(code))


@lru_cache(maxsize=65536)
def _sevenths(code: str) -> tuple[tuple[str, str], ...]:
    for c in ancestors(code):
        rows = query("SELECT letter, definition FROM sevenths WHERE code = ? ORDER BY letter", (c,))
        if rows:
            return tuple(rows)
    return ()


def notes(code: str, kind: str, inherit: bool = False) -> list[str]:
    """A code's notes of one kind (inclusion, includes, excludes1, excludes2, use_additional, code_first, code_also,
    notes, seventh_note); with inherit, the nearest code above that has some when the code has none."""
    for c in ancestors(code) if inherit else [code]:
        rows = query("SELECT text FROM notes WHERE code = ? AND kind = ? ORDER BY seq", (c, kind))
        if rows:
            return [r[0] for r in rows]
    return []


def billable_count() -> int:
    """How many billable codes the set has."""
    return query("SELECT count(*) FROM codes WHERE billable = 1")[0][0]
