"""Score graded cells in the grader's own process, from data the student's code could not tamper with.

Quiz questions are scored from the answers file as it was submitted (read before any student code ran);
code exercises from the plain value the test cell exported, compared with a value the key file computed.
Every function returns (points, message); the message is what the student reads in the feedback.
"""

from __future__ import annotations

import json
import math

from billcode.quiz.answers import AnswerFile
from billcode.quiz.bank import find_item
from billcode.quiz.checks import EXPORT_MIME
from billcode.instructor.keys import FunctionCheck, QuizKey, ValueCheck
from billcode.quiz.checks import Exercise, NotPlainData, plain
from billcode.quiz.render import heading
from billcode.quiz.scoring import AnswerError, clean_answer, describe_answer, score_answer

SHOWN_CHARS = 300  # how much of a student's value the feedback repeats


def _points(fraction: float, points: float) -> float:
    return float(round(min(max(fraction, 0.0), 1.0) * points, 2))


def message_name(bank: dict, check: QuizKey | ValueCheck | FunctionCheck) -> str:
    """How the grader's message names its cell: 'Question 2 (2 points) (xx-g2)', or the exercise's name."""
    if isinstance(check, QuizKey):
        return f"{heading(bank, find_item(bank, check.item))} ({check.item})"
    return check.name


def message_parts(message: str, name: str, explanation: str, earned: float, points: float) -> dict[str, str]:
    """A grader message in the parts a feedback page shows: the result (without the cell's name and the points,
    which the page shows itself) and the explanation. The message is cut at the texts the grader itself put there
    (its name, its points, its "Why:" line), never searched: an answer the student typed cannot move a part."""
    why = f"\nWhy: {explanation}" if explanation else ""
    result = message[len(name) + 2:] if message.startswith(f"{name}: ") else message
    shown_why = ""
    if why and result.endswith(why):
        result, shown_why = result[: -len(why)], explanation
    score = f"{earned:g} of {points:g} point(s)"
    for tail in (". ", ": "):
        if result.startswith(score + tail):
            rest = result[len(score) + len(tail):]
            result = rest[:1].upper() + rest[1:]
            break
    return {"result": result.strip(), "why": shown_why}


def score_quiz(bank: dict, check: QuizKey, record: AnswerFile, points: float) -> tuple[float, str]:
    """Score one graded question from the submitted answers file."""
    item = find_item(bank, check.item)
    name = message_name(bank, check)
    why = f"\nWhy: {check.explanation}" if check.explanation else ""
    if record.problem:
        return 0.0, f"{name}: {record.problem} Scored 0 of {points:g}."
    entry = record.graded.get(check.item)
    if not isinstance(entry, dict) or "answer" not in entry:
        return 0.0, f"{name}: no answer was saved. Scored 0 of {points:g}.{why}"
    try:
        answer = clean_answer(item, entry["answer"])
        result = score_answer(item, answer, check.key)
        said = describe_answer(item, answer)
    except (AnswerError, TypeError, ValueError, KeyError, StopIteration) as err:
        return 0.0, f"{name}: the saved answer cannot be graded ({err}). Scored 0 of {points:g}.{why}"
    earned = _points(result.fraction, points)
    # A scoring rule's note, unless it only says the answer again (a number's rule says "You answered $2,100.00.").
    repeats = result.message.startswith("You answered ") if result.message else False
    detail = f"\n{result.message}" if result.message and not result.correct and not repeats else ""
    return earned, f"{name}: {earned:g} of {points:g} point(s). You answered: {said}.{detail}{why}"


def exported_value(outputs: list, name: str) -> tuple[bool, object]:
    """The value a test cell handed in for `name` (the last one), as plain JSON data; (False, None) if none."""
    found, value = False, None
    for output in outputs:
        data = output.get("data", {}) if isinstance(output, dict) else {}
        export = data.get(EXPORT_MIME)
        if isinstance(export, str):  # some writers keep JSON mimetypes as text
            try:
                export = json.loads(export)
            except (ValueError, RecursionError):
                continue
        if isinstance(export, dict) and export.get("name") == name and "value" in export:
            try:  # nbformat hands dicts back as NotebookNode: make them exact built-in types again
                found, value = True, json.loads(json.dumps(export["value"]))
            except (TypeError, ValueError, RecursionError):
                continue
    return found, value


def same_value(got: object, want: object, tolerance: float = 0.0) -> bool:
    """Exact comparison of plain data: same types all the way down (True is not 1), numbers within tolerance."""
    if type(want) is float or (type(want) is int and type(got) is float):
        return type(got) in (int, float) and math.isfinite(got) and abs(got - want) <= tolerance + 1e-9
    if type(got) is not type(want):
        return False
    if type(want) is list:
        return len(got) == len(want) and all(same_value(g, w, tolerance) for g, w in zip(got, want))
    if type(want) is dict:
        return got.keys() == want.keys() and all(same_value(got[k], want[k], tolerance) for k in want)
    return got == want


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def score_value(check: ValueCheck, found: bool, value: object, points: float) -> tuple[float, str]:
    """Score a code exercise: the exported value against the key file's expected value."""
    why = f"\nWhy: {check.explanation}" if check.explanation else ""
    if not found:
        return 0.0, (f"{check.name}: no value reached the grader (the check cell stopped with an error, or the "
                     f"notebook did not run that far). Scored 0 of {points:g}.{why}")
    if same_value(value, check.expected, check.tolerance):
        return float(points), f"{check.name}: {points:g} of {points:g} point(s). Your value: {_shown(value)}.{why}"
    hint = ""
    if type(value) is list and type(check.expected) is list and len(value) != len(check.expected):
        hint = f"\nYour list has {len(value)} item(s); the expected list has {len(check.expected)}."
    return 0.0, f"{check.name}: 0 of {points:g} point(s). Your value: {_shown(value)}.{hint}{why}"


def expected_results(check: FunctionCheck, cases: list[tuple]) -> list[object]:
    """The reference function's answers on the grader's inputs, as plain data (computed here, never in a kernel)."""
    import copy

    return [plain(check.reference(*copy.deepcopy(args))) for args in cases]


def score_function(check: FunctionCheck, exercise: Exercise, label: str | None, cases: list[tuple], found: bool,
                   value: object, points: float) -> tuple[float, str]:
    """Score a function exercise: every result the learner's function gave on the grader's inputs must be right.

    label is the one-time label the grader handed the sandbox with the inputs; the results must carry it.
    """
    why = f"\nWhy: {check.explanation}" if check.explanation else ""
    if not found:
        return 0.0, (f"{check.name}: no results reached the grader (the check cell stopped with an error, or the "
                     f"notebook did not run that far). Scored 0 of {points:g}.{why}")
    if label is None or type(value) is not dict or value.get("inputs") != label or type(value.get("results")) is not list:
        return 0.0, (f"{check.name}: the check ran your function on other inputs than the grader's (was the "
                     f"grading file or the check changed?). Scored 0 of {points:g}.{why}")
    try:
        expected = expected_results(check, cases)
    except NotPlainData as err:
        raise RuntimeError(f"the key file's {check.name} reference returns data that is not plain: {err}") from err
    got = value["results"]
    right = [type(g) is dict and "value" in g and same_value(g["value"], w, check.tolerance)
             for g, w in zip(got, expected)]
    if len(got) == len(expected) and all(right):
        return float(points), f"{check.name}: {points:g} of {points:g} point(s). Right on all {len(expected)} test inputs.{why}"
    if len(got) != len(expected):
        return 0.0, f"{check.name}: 0 of {points:g} point(s): {len(got)} results for {len(expected)} test inputs.{why}"
    first = right.index(False)
    said = got[first].get("error") if type(got[first]) is dict and "error" in got[first] else _shown(got[first].get("value") if type(got[first]) is dict else got[first])
    return 0.0, (f"{check.name}: 0 of {points:g} point(s): right on {sum(right)} of {len(expected)} test inputs "
                 f"(full marks need all of them). First difference, input {first + 1}: "
                 f"{exercise.describe(cases[first])[:200]}. Your function gave {str(said)[:SHOWN_CHARS]}; expected "
                 f"{_shown(expected[first])}.{why}")
