"""Let several grading processes share one SQLite gradebook: a writer waits for the lock instead of failing.

SQLite lets one writer in at a time. nbgrader opens its gradebook with the driver's default 5 s wait, so two
processes grading at once can fail with "database is locked" when one of them holds a write for longer (a slow
disk, a busy machine). The course's grading command never lets two processes grade the same student, so their
writes never touch the same rows; each only has to wait its turn, for up to `seconds`. Python's sqlite3 module
begins a transaction at the first write, not at a read, so a reader never holds a lock while it waits to write.
PostgreSQL needs none of this; connections to it are left alone.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

WAIT_SECONDS = 300
_installed: list[float] = []


def _on_connect(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute(f"PRAGMA busy_timeout = {int(_installed[-1] * 1000)}")


def wait_for_gradebook(seconds: float = WAIT_SECONDS) -> None:
    """From now on, every SQLite connection this process opens waits up to `seconds` for another writer."""
    if not _installed:
        event.listen(Engine, "connect", _on_connect)
    _installed.append(seconds)


def busy_timeout(db_url: str) -> int:
    """The lock wait (in ms) a new connection to this SQLite gradebook gets in this process (for tests)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("PRAGMA busy_timeout")).scalar())
    finally:
        engine.dispose()
