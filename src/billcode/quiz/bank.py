"""Load question banks and check them against the schema and the course's own rules."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from functools import cache
from importlib.resources import files
from pathlib import Path

import fastjsonschema

from billcode.data import data_path
from billcode.quiz.scoring import AnswerError, clean_answer


class BankError(ValueError):
    """A malformed item bank; the message names the file and the item."""


@cache
def bank_schema() -> dict:
    """The JSON Schema every item bank must satisfy."""
    return json.loads(files("billcode.quiz").joinpath("item_bank.schema.json").read_text(encoding="utf-8"))


VALIDATOR = Path(__file__).with_name("bank_validator.py")  # the schema as Python, written by write_validator()


def schema_digest() -> str:
    """The SHA-256 of the schema file, which the written validator records."""
    return hashlib.sha256(files("billcode.quiz").joinpath("item_bank.schema.json").read_bytes()).hexdigest()


def validator_source() -> str:
    """The schema compiled to Python by fastjsonschema, as the module bank_validator.py holds it."""
    return (f'"""The item-bank schema as Python: written by fastjsonschema.compile_to_code (make data); do not edit."""\n'
            f"# ruff: noqa\nSCHEMA_SHA256 = {schema_digest()!r}\n{fastjsonschema.compile_to_code(bank_schema())}")


def write_validator() -> None:
    """Write bank_validator.py from the schema (compiling the schema took 0.2-0.3 s in every kernel that opened a quiz)."""
    VALIDATOR.write_text(validator_source(), encoding="utf-8")


@cache
def _schema_check():
    """The schema compiled to Python (fast to import and to run, unlike jsonschema in a kernel).

    The written module serves when it was written from this schema; otherwise the schema is compiled here.
    """
    try:
        from billcode.quiz.bank_validator import SCHEMA_SHA256, validate
    except ImportError:
        SCHEMA_SHA256 = validate = None
    if validate is not None and SCHEMA_SHA256 == schema_digest():
        return validate
    return fastjsonschema.compile(bank_schema())


def _where(source: str, bank: dict, path: list) -> str:
    if len(path) >= 2 and path[0] == "items" and isinstance(path[1], int) and path[1] < len(bank.get("items", [])):
        item = bank["items"][path[1]]
        ident = item.get("id", f"#{path[1] + 1}") if isinstance(item, dict) else f"#{path[1] + 1}"
        return f"{source}: item {ident}"
    return f"{source}: {'/'.join(map(str, path)) or 'top level'}"


KEY_LENGTH_LIMIT = 1.5  # a key much longer than every distractor gives itself away


def key_length_problems(item: dict, key: object) -> list[str]:
    """A single-choice key more than 1.5 times as long as its longest distractor is a giveaway."""
    if item["type"] != "single" or not isinstance(key, str):
        return []
    lengths = {c["id"]: len(c["text"]) for c in item.get("options", [])}
    others = [n for cid, n in lengths.items() if cid != key]
    if key in lengths and others and lengths[key] > KEY_LENGTH_LIMIT * max(others):
        return [f"the key is {lengths[key]} characters, more than {KEY_LENGTH_LIMIT:g} times the longest distractor "
                f"({max(others)}): learners pick the longest option; shorten it or lengthen the distractors"]
    return []


def _check_item(item: dict, objectives: dict) -> list[str]:
    problems = []
    if item["objective"] not in objectives:
        problems.append(f"objective {item['objective']!r} is not listed under 'objectives'")
    for field in ("options", "left", "right", "steps"):
        ids = [c["id"] for c in item.get(field, [])]
        if len(ids) != len(set(ids)):
            problems.append(f"duplicate ids in {field!r}")
    kind = item["type"]
    if kind not in ("single", "multiple") and "options" in item:
        problems.append(f"'options' does not belong to a {kind} question")
    if kind != "matching" and ("left" in item or "right" in item):
        problems.append(f"'left'/'right' do not belong to a {kind} question")
    if kind != "ordering" and "steps" in item:
        problems.append(f"'steps' does not belong to a {kind} question")
    if "key" in item:
        problems += key_length_problems(item, item["key"])
        try:
            cleaned = clean_answer(item, item["key"])
        except AnswerError as err:
            problems.append(f"the key is not a valid answer: {err}")
        else:
            if kind == "multiple" and not cleaned:
                problems.append("a multiple-select key needs at least one option")
            if kind == "numeric" and isinstance(item["key"], str):
                problems.append("a numeric key must be a number, not text")
    shown_as_markdown = [item["prompt"], *(c["text"] for f in ("options", "left", "right", "steps") for c in item.get(f, []))]
    if any("$" in text for text in shown_as_markdown):
        problems.append("write amounts as 'USD 1,200' in prompts and choices: JupyterLab, GitHub and widget labels "
                        "read $...$ as maths (feedback and explanations may use $)")
    if "params" in item and item["mode"] != "graded":
        problems.append("only graded questions take numbers from the class secret ('params')")
    unknown = sorted(set(re.findall(r"\{([a-z_]+)\}", item["prompt"])) - set(item.get("params", {})))
    if unknown:
        problems.append(f"the prompt names {', '.join(unknown)} but 'params' does not define it")
    if item["mode"] == "practice" and not item.get("hints"):
        problems.append("a practice check needs two or three hints ('hints'): the method, never the value")
    if item["mode"] == "graded" and "hints" in item:
        problems.append("graded questions carry no hints (the practice checks before them do)")
    if item["mode"] == "practice" and kind in ("single", "multiple"):
        missing = [c["id"] for c in item["options"] if "feedback" not in c]
        if missing:
            problems.append(f"practice options without feedback: {', '.join(missing)}")
    return problems


def _check_exercise(exercise: dict, objectives: dict) -> list[str]:
    problems = []
    if exercise["objective"] not in objectives:
        problems.append(f"objective {exercise['objective']!r} is not listed under 'objectives'")
    for kind, number in exercise.get("hint_for", {}).items():
        if number > len(exercise["hints"]):
            problems.append(f"hint_for {kind!r} points to hint {number}, but there are {len(exercise['hints'])}")
    return problems


def validate_bank(bank: object, source: str = "<bank>") -> dict:
    """Raise BankError naming the file and the item if the bank is malformed; return it otherwise."""
    for index, item in enumerate(bank.get("items", []) if isinstance(bank, dict) else []):
        leaked = sorted({"key", "explanation", "feedback"} & set(item)) if isinstance(item, dict) else []
        if isinstance(item, dict) and item.get("mode") == "graded":
            leaked += ["option feedback"] if any(isinstance(o, dict) and "feedback" in o for o in item.get("options", [])) else []
            if leaked:
                raise BankError(
                    f"{_where(source, bank, ['items', index])}: a graded item must not carry {', '.join(leaked)} "
                    "(it would ship to students); put the key and explanation in the key file autograder/keys/<bank>.py"
                )
    try:
        _schema_check()(bank)
    except fastjsonschema.JsonSchemaValueException as err:
        path = [int(p) if isinstance(p, str) and p.isdigit() else p for p in err.path[1:]]
        where = _where(source, bank if isinstance(bank, dict) else {}, path)
        detail = err.message.replace("data.", "", 1) if len(err.message) < 300 else err.message[:300] + "..."
        raise BankError(f"{where}: {detail}") from None
    names: set[str] = set()
    for exercise in bank.get("exercises", []):
        if exercise["name"] in names:
            raise BankError(f"{source}: exercise {exercise['name']}: the name is used twice")
        names.add(exercise["name"])
        problems = _check_exercise(exercise, bank["objectives"])
        if problems:
            raise BankError(f"{source}: exercise {exercise['name']}: {'; '.join(problems)}")
    seen: set[str] = set()
    for item in bank["items"]:
        if item["id"] in seen:
            raise BankError(f"{source}: item {item['id']}: the id is used twice")
        seen.add(item["id"])
        problems = _check_item(item, bank["objectives"])
        if problems:
            raise BankError(f"{source}: item {item['id']}: {'; '.join(problems)}")
    return bank


@cache
def _load(name: str) -> dict:
    source = f"quiz/{name}.json"
    try:
        bank = json.loads(data_path(source).read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise BankError(f"{source}: not valid JSON ({err})") from None
    validate_bank(bank, source)
    if bank["bank"] != name:
        raise BankError(f"{source}: top level: 'bank' says {bank['bank']!r}, expected {name!r}")
    return bank


def load_bank(name: str) -> dict:
    """Load and validate the item bank of one notebook (e.g. '01_overview'); a fresh copy each call."""
    return copy.deepcopy(_load(name))


def load_bank_file(path: Path) -> dict:
    """Load and validate a bank from any path (used by tests and authors)."""
    try:
        bank = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise BankError(f"{path}: not valid JSON ({err})") from None
    return validate_bank(bank, str(path))


def find_item(bank: dict, item_id: str) -> dict:
    """Return one item of a bank, with a friendly error for an unknown id."""
    for item in bank["items"]:
        if item["id"] == item_id:
            return item
    raise KeyError(f"There is no question {item_id!r} in the {bank['bank']} question bank.")


def item_number(bank: dict, item_id: str) -> str:
    """Return how learners see an item numbered: 'Check 3' for practice, 'Question 2' for graded."""
    item = find_item(bank, item_id)
    same_mode = [i["id"] for i in bank["items"] if i["mode"] == item["mode"]]
    word = "Question" if item["mode"] == "graded" else "Check"
    return f"{word} {same_mode.index(item_id) + 1}"
