"""Check learners' answers and score them, one rule per question type."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from billcode.amounts import AmountError, format_amount, parse_amount
from billcode.coding.codes import capitals_note, code_hints, codes_match, normalize_code

# How each type earns partial credit, stated to learners in the question text and the README.
CREDIT_RULES = {
    "single": "All or nothing.",
    "truefalse": "All or nothing.",
    "multiple": (
        "Partial credit: each right option you select earns a share, each wrong option you select takes one "
        "share away (never below zero)."
    ),
    "numeric": "All or nothing, within the stated tolerance.",
    "code": "All or nothing; capitals, spaces and the dot do not matter.",
    "codes": (
        "Partial credit: each right code earns a share, each code that does not belong takes one away, and so does "
        "a wrong sequence where the guidelines fix it (never below zero)."
    ),
    "matching": "Partial credit: one share for each pair matched correctly.",
    "ordering": "Partial credit: the share of pairs of steps that are in the right order relative to each other.",
}
DEFAULT_TOLERANCE = {"USD": 0.005, "percent": 0.05, "months": 0.05, "count": 0.0}


class AnswerError(ValueError):
    """An answer that cannot be checked yet; the message is meant for the learner."""


@dataclass(frozen=True)
class Score:
    """The result of checking one answer: a fraction from 0 to 1 and what to tell the learner."""

    fraction: float
    message: str = ""

    @property
    def correct(self) -> bool:
        """True when the answer earns full credit."""
        return self.fraction >= 1.0


def _ids(item: dict, field: str) -> list[str]:
    return [choice["id"] for choice in item.get(field, [])]


def _text(item: dict, field: str, choice_id: str) -> str:
    return next(c["text"] for c in item[field] if c["id"] == choice_id)


def clean_answer(item: dict, value: object) -> object:
    """Validate a learner's answer for this item and return it in its stored form."""
    kind = item["type"]
    if kind == "single":
        if value is None or value == "":
            raise AnswerError("Choose one option first.")
        if value not in _ids(item, "options"):
            raise AnswerError(f"{value!r} is not one of this question's options.")
        return value
    if kind == "truefalse":
        if value is None:
            raise AnswerError("Choose True or False first.")
        if not isinstance(value, bool):
            raise AnswerError(f"{value!r} is not True or False.")
        return value
    if kind == "multiple":
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise AnswerError("The answer should be a list of option letters.")
        if not value:
            raise AnswerError("Select at least one option first.")
        unknown = [v for v in value if v not in _ids(item, "options")]
        if unknown:
            raise AnswerError(f"{', '.join(map(repr, unknown))} is not one of this question's options.")
        return sorted(set(value), key=_ids(item, "options").index)
    if kind == "numeric":
        try:
            return parse_amount(value, item["unit"])
        except AmountError as err:
            raise AnswerError(str(err)) from None
    if kind == "code":
        if not isinstance(value, str) or not value.strip():
            raise AnswerError("Type a code first.")
        return normalize_code(value, item["code_system"])
    if kind == "codes":
        return _clean_codes(item, value)
    if kind == "matching":
        if not isinstance(value, dict):
            raise AnswerError("The answer should pair each item with a choice.")
        left, right = _ids(item, "left"), _ids(item, "right")
        missing = [lid for lid in left if value.get(lid) in (None, "")]
        if missing:
            raise AnswerError(f"Choose a match for every row first ({len(left) - len(missing)} of {len(left)} done).")
        if set(value) - set(left) or any(v not in right for v in value.values()):
            raise AnswerError("Some of the saved pairs do not belong to this question.")
        return {lid: value[lid] for lid in left}
    if kind == "ordering":
        steps = _ids(item, "steps")
        if not isinstance(value, list | tuple):
            raise AnswerError("The answer should be a list of steps in order.")
        chosen = [v for v in value if v not in (None, "")]
        if len(chosen) < len(steps):
            raise AnswerError(f"Put a step in every position first ({len(chosen)} of {len(steps)} done).")
        if any(v not in steps for v in chosen):
            raise AnswerError("Some of the saved steps do not belong to this question.")
        repeated = sorted({v for v in chosen if chosen.count(v) > 1}, key=steps.index)
        if repeated:
            names = "; ".join(f"'{_text(item, 'steps', v)}'" for v in repeated)
            raise AnswerError(f"Each step goes in exactly one position; used more than once: {names}.")
        return list(chosen)
    raise AnswerError(f"Unknown question type {kind!r}.")


MAX_CODES = 12  # a claim's box 21 holds at most twelve diagnoses (A-L)


def split_codes(value: object) -> list[str]:
    """Codes typed in one box (commas, semicolons or spaces between them) or given as a list, as typed."""
    if isinstance(value, str):
        return [part for part in value.replace(";", ",").replace(" ", ",").split(",") if part.strip()]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return [v for v in value if v.strip()]
    raise AnswerError("Type the codes in the box, separated by commas.")


def _clean_codes(item: dict, value: object) -> list[str]:
    codes = [normalize_code(c, item["code_system"]) for c in split_codes(value)]
    if not codes:
        raise AnswerError("Type at least one code first.")
    if len(codes) > MAX_CODES:
        raise AnswerError(f"That is {len(codes)} codes; a claim carries at most {MAX_CODES} diagnoses.")
    bare = [c.replace(".", "") for c in codes]
    repeated = sorted({c for c, b in zip(codes, bare) if bare.count(b) > 1})
    if repeated:
        raise AnswerError(f"Each code goes in once; typed more than once: {', '.join(repeated)}.")
    return codes


def sequence_problem(item: dict, value: list[str], key: list[str]) -> str | None:
    """What is wrong with the order of the right codes, when the guidelines fix it ("first" or "all"), or None."""
    rule = item.get("sequence", "none")
    bare = [v.replace(".", "") for v in value]
    wanted = [k.replace(".", "") for k in key]
    if rule == "first" and bare and bare[0] != wanted[0]:
        return f"{key[0]} is listed first here."
    if rule == "all":
        found = [b for b in bare if b in wanted]
        if found != [w for w in wanted if w in found]:
            return "The right codes are here, but not in the order the guidelines set: " + ", then ".join(key) + "."
    return None


def score_answer(item: dict, value: object, key: object) -> Score:
    """Score a cleaned answer against the key (0 to 1) and explain the result."""
    kind = item["type"]
    if kind in ("single", "truefalse"):
        return Score(1.0 if value == key else 0.0)
    if kind == "multiple":
        right = set(key)
        chosen = set(value)
        hits, wrong = len(chosen & right), len(chosen - right)
        fraction = max(0, hits - wrong) / len(right)
        wrongs = "1 wrong option" if wrong == 1 else f"{wrong} wrong options"
        return Score(fraction, f"{hits} of {len(right)} right options selected, {wrongs} selected.")
    if kind == "numeric":
        unit = item["unit"]
        tolerance = item.get("tolerance", DEFAULT_TOLERANCE[unit])
        ok = abs(float(value) - float(key)) <= tolerance + 1e-9
        return Score(1.0 if ok else 0.0, f"You answered {format_amount(float(value), unit)}.")
    if kind == "code":
        return Score(1.0 if codes_match(value, key, item["code_system"]) else 0.0)
    if kind == "codes":
        wanted = {k.replace(".", "") for k in key}
        typed = [v.replace(".", "") for v in value]
        hits, extra = sum(t in wanted for t in typed), sum(t not in wanted for t in typed)
        order = sequence_problem(item, value, key) if hits else None
        fraction = max(0, hits - extra - (1 if order else 0)) / len(key)
        extras = "1 code that does not belong" if extra == 1 else f"{extra} codes that do not belong"
        text = f"{hits} of {len(key)} codes found, {extras}."
        return Score(fraction, text + (f" Sequencing: {order}" if order and fraction < 1 else ""))
    if kind == "matching":
        good = sum(value.get(lid) == rid for lid, rid in key.items())
        return Score(good / len(key), f"{good} of {len(key)} matched correctly.")
    if kind == "ordering":
        position = {step: i for i, step in enumerate(value)}
        pairs = list(combinations(key, 2))
        good = sum(position[a] < position[b] for a, b in pairs)
        return Score(good / len(pairs), f"{good} of {len(pairs)} pairs of steps in the right order.")
    raise AnswerError(f"Unknown question type {kind!r}.")


def format_hints(item: dict, value: object) -> tuple[list[str], list[str]]:
    """For typed codes: (problems with the code, gentle notes such as capitals); empty for other types."""
    if item["type"] == "codes":
        try:
            typed = split_codes(value)
        except AnswerError:
            return [], []
        hints = [f"{c.strip()}: {h}" for c in typed for h in code_hints(c, item["code_system"])]
        notes = [n for n in (capitals_note(c, item["code_system"]) for c in typed[:1]) if n]
        return hints, notes
    if item["type"] != "code":
        return [], []
    note = capitals_note(value, item["code_system"])
    return code_hints(value, item["code_system"]), [note] if note else []


def describe_answer(item: dict, value: object) -> str:
    """Say a stored answer back to the learner in words."""
    kind = item["type"]
    if kind == "single":
        return _text(item, "options", value)
    if kind == "multiple":
        return "; ".join(_text(item, "options", v) for v in value)
    if kind == "truefalse":
        return "True" if value else "False"
    if kind == "numeric":
        return format_amount(float(value), item["unit"])
    if kind == "code":
        return str(value)
    if kind == "codes":
        return ", ".join(value)
    if kind == "matching":
        return "; ".join(f"{_text(item, 'left', k)} → {_text(item, 'right', v)}" for k, v in value.items())
    if kind == "ordering":
        return " → ".join(_text(item, "steps", v) for v in value)
    return repr(value)
