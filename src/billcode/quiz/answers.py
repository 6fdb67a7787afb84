"""Save learners' answers from Python to a JSON file next to the notebook, and read them back."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ANSWERS_SUFFIX = "_answers.json"
FORMAT = 1


@dataclass
class AnswerFile:
    """What an answers file holds, plus a note for the learner if it could not be read."""

    bank: str
    graded: dict = field(default_factory=dict)
    practice: dict = field(default_factory=dict)
    hints: dict = field(default_factory=dict)  # how many hints the learner opened, per question or exercise
    problem: str | None = None


def answers_path(bank: str, folder: Path | str | None = None) -> Path:
    """Return where a notebook's answers live: <folder>/<bank>_answers.json (folder = working directory)."""
    return Path(folder if folder is not None else os.getcwd()) / f"{bank}{ANSWERS_SUFFIX}"


MAX_ANSWERS_BYTES = 1_000_000  # a real answers file is a few kilobytes
MAX_DEPTH = 20  # answers are at most a few levels deep; deeper nesting is refused before json parses it


def _too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Tell whether brackets nest deeper than limit (outside strings), without recursion."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def parse_answers(raw: bytes | str, bank: str, name: str = "the answers file") -> AnswerFile:
    """Parse an answers file's content; anything damaged or hostile gives an empty file with a problem note."""
    if len(raw) > MAX_ANSWERS_BYTES:
        return AnswerFile(bank, problem=f"{name} is too large to be an answers file ({len(raw):,} bytes).")
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if not text.strip():
            return AnswerFile(bank, problem=f"{name} is empty.")
        if _too_deep(text):
            return AnswerFile(bank, problem=f"{name} is nested too deeply to be an answers file.")
        data = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        return AnswerFile(bank, problem=f"{name} could not be read ({type(err).__name__}: {err}).")
    if not isinstance(data, dict):
        return AnswerFile(bank, problem=f"{name} does not hold a set of answers.")
    graded = data.get("graded", {})
    practice = data.get("practice", {})
    if not isinstance(graded, dict) or not isinstance(practice, dict):
        return AnswerFile(bank, problem=f"{name} is not laid out as an answers file.")
    hints = data.get("hints", {})
    hints = {k: v for k, v in hints.items() if _count(v)} if isinstance(hints, dict) else {}
    problem = None
    if data.get("bank", bank) != bank:
        problem = f"{name} says it holds answers for {data.get('bank')!r}, not {bank!r}."
    return AnswerFile(bank, graded=graded, practice=practice, hints=hints, problem=problem)


def _count(value: object) -> bool:
    """A hint count as saved: a whole number from 1 to 10 (anything else is ignored)."""
    return type(value) is int and 1 <= value <= 10


def read_answers(path: Path, bank: str) -> AnswerFile:
    """Read an answers file; a missing file is empty, a damaged one is empty with a problem note."""
    path = Path(path)
    if not path.exists():
        return AnswerFile(bank)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_ANSWERS_BYTES + 1)
    except OSError as err:
        return AnswerFile(bank, problem=f"{path.name} could not be read ({type(err).__name__}: {err}).")
    return parse_answers(raw, bank, path.name)


def _write(path: Path, content: AnswerFile) -> None:
    """Write atomically, so a crash mid-write never leaves half a file."""
    payload = {"format": FORMAT, "bank": content.bank, "graded": content.graded, "practice": content.practice,
               "hints": content.hints}
    text = json.dumps(payload, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".answers-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _set_aside(path: Path) -> Path:
    """Keep a damaged answers file under a new name instead of overwriting it."""
    for n in range(1, 1000):
        target = path.with_name(f"{path.stem}.unreadable-{n}{path.suffix}")
        if not target.exists():
            path.rename(target)
            return target
    raise OSError(f"Too many damaged copies of {path.name}; tidy up the folder.")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _update(path: Path, bank: str, section: str, item_id: str, entry: object) -> str | None:
    """Merge one entry into the file; return a note if a damaged file had to be set aside."""
    current = read_answers(path, bank)
    note = None
    if current.problem and path.exists():
        kept = _set_aside(path)
        note = f"Your earlier answers file could not be read, so it was kept as {kept.name} and a new one started."
        current = AnswerFile(bank)
    getattr(current, section)[item_id] = entry
    _write(path, current)
    return note


def save_graded(path: Path, bank: str, item_id: str, answer: object) -> str | None:
    """Save a graded answer (replacing an earlier one)."""
    return _update(path, bank, "graded", item_id, {"answer": answer, "saved": _now()})


def save_practice(path: Path, bank: str, item_id: str, answer: object, fraction: float) -> str | None:
    """Record a practice attempt: keep the first and the latest score and count attempts."""
    earlier = read_answers(path, bank).practice.get(item_id)
    earlier = earlier if isinstance(earlier, dict) else {}
    first = earlier.get("first_score", fraction)
    first = first if isinstance(first, int | float) and not isinstance(first, bool) else fraction
    count = earlier.get("attempts", 0)
    attempts = (count if isinstance(count, int) and not isinstance(count, bool) else 0) + 1
    entry = {"answer": answer, "first_score": first, "last_score": fraction, "attempts": attempts, "saved": _now()}
    return _update(path, bank, "practice", item_id, entry)


def save_hints(path: Path, bank: str, key: str, opened: int) -> str | None:
    """Record how many hints the learner opened for one question or exercise (never fewer than before)."""
    earlier = read_answers(path, bank).hints.get(key, 0)
    return _update(path, bank, "hints", key, max(earlier, opened))
