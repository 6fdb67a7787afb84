"""Hints on demand, practice exercises and the learner's own check: clear messages, nothing saved lost."""

from __future__ import annotations

import json

import pytest

from billcode.quiz import checks
from billcode.quiz.answers import answers_path, read_answers, save_graded, save_hints, save_practice
from billcode.quiz.checks import Exercise, check_function, check_practice_value
from billcode.quiz.hints import HintBox, hint_number_for
from billcode.quiz.mastery import mastery_table

HINTS = ["Start from the copay.", "The deductible is the smaller of two amounts.", "Coinsurance is a percent."]
ENTRY = {"name": "double", "label": "Double it", "objective": "O1", "mode": "graded", "points": 1, "hints": HINTS,
         "hint_for": {"unwritten": 1, "error": 2, "example": 3}, "needs": ["arithmetic"], "examples": [4, 6]}
DOUBLE = Exercise("double", lambda seed: [(2,), (3,)] if seed == "example" else [(5,), (7,)], int, "a whole number")


@pytest.fixture
def shown(monkeypatch):
    """What the checks display: (exports, notices as text)."""
    exports, notices = [], []

    def display(obj, raw=False):
        if isinstance(obj, dict) and checks.EXPORT_MIME in obj:
            exports.append(obj)
        else:
            notices.append(obj.get("text/plain", "") if isinstance(obj, dict) else str(obj))

    monkeypatch.setattr(checks, "display", display)
    monkeypatch.delenv("NBGRADER_VALIDATING", raising=False)
    return exports, notices


def test_hints_open_one_at_a_time_and_survive_a_restart(tmp_path):
    path = answers_path("01_overview", tmp_path)
    box = HintBox(HINTS, "double", "Double it", path, "01_overview")
    assert box.button.description == "Show hint 1 of 3" and not box.button.disabled
    assert box.next() == HINTS[0]
    assert "Start from the copay." in box.shown.value and "aria-live='polite'" in box.shown.value
    assert HINTS[1] not in box.shown.value  # a hint is never shown before it is asked for
    again = HintBox(HINTS, "double", "Double it", path, "01_overview")  # the kernel restarted
    assert again.opened == 1 and again.button.description == "Show hint 2 of 3"
    again.next(), again.next()
    assert again.button.disabled and again.button.description == "All 3 hints shown"
    assert again.next() == "All 3 hints are already shown above."  # asked for a fourth time: a message, no error
    assert read_answers(path, "01_overview").hints == {"double": 3}


def test_saving_answers_keeps_the_hint_counts_and_counts_never_go_down(tmp_path):
    path = answers_path("01_overview", tmp_path)
    save_hints(path, "01_overview", "ov-p1", 2)
    save_graded(path, "01_overview", "ov-g1", 3.0)
    save_practice(path, "01_overview", "ov-p1", "b", 1.0)
    save_hints(path, "01_overview", "ov-p1", 1)
    record = read_answers(path, "01_overview")
    assert record.hints == {"ov-p1": 2} and record.graded["ov-g1"]["answer"] == 3.0


def test_damaged_hint_counts_are_ignored_not_fatal(tmp_path):
    path = answers_path("01_overview", tmp_path)
    path.write_text(json.dumps({"bank": "01_overview", "graded": {}, "practice": {},
                                "hints": {"a": True, "b": "3", "c": 2, "d": 10**9}}))
    assert read_answers(path, "01_overview").hints == {"c": 2}


def test_the_mastery_report_counts_hints_but_no_grade_does():
    bank = {"objectives": {"O1": "Do one thing well enough"},
            "items": [{"id": "ov-p1", "objective": "O1", "mode": "practice"}],
            "exercises": [ENTRY, {**ENTRY, "name": "try_it", "mode": "practice"}]}
    table = mastery_table(bank, {"ov-p1": {"first_score": 1.0}, "try_it": {"first_score": 0.0}},
                          {"ov-p1": 1, "double": 2, "elsewhere": 3})
    row = table.iloc[0]
    assert row["hints_opened"] == 3 and row["checks"] == 2 and row["first_try_score"] == 0.5


def test_hint_pointers_name_only_existing_hints():
    assert hint_number_for(ENTRY, "error") == 2 and hint_number_for(ENTRY, "type") is None
    assert hint_number_for({"hints": ["a", "b"], "hint_for": {"error": 3}}, "error") is None


@pytest.mark.parametrize("function, kind_words, hint", [
    (lambda x: missing_name * 2, "has no value yet", 1),  # noqa: F821 - a scaffold run unchanged
    (lambda x: None, "returned nothing", 1),
    (lambda x: 1 / 0, "raised ZeroDivisionError", 2),
    (lambda x: x * 3, "differs from the notebook's", 3),
])
def test_the_check_points_to_the_hint_that_covers_the_problem(shown, function, kind_words, hint):
    exports, notices = shown
    check_function(DOUBLE, function, ENTRY)
    assert len(notices) == 1 and kind_words in notices[0] and f"Hint {hint} covers this" in notices[0], notices
    assert exports and exports[0]["text/plain"] == ""  # never "handed in" beside "not done yet"


def test_a_right_graded_function_is_ready_for_grading_and_says_what_was_checked(shown):
    exports, notices = shown
    check_function(DOUBLE, lambda x: x * 2, ENTRY)
    assert exports[0]["text/plain"] == "double is ready for grading."
    assert len(notices) == 1 and notices[0].startswith("✔ double matches the notebook's worked examples.")
    assert "other inputs" in notices[0] and "Save the notebook" in notices[0]


def test_a_missing_function_or_a_lost_cell_gets_a_message(shown):
    _, notices = shown
    check_function(DOUBLE, checks.MISSING, ENTRY)
    assert "here is no double in this notebook yet" in notices[0] and "paste the starting code" in notices[0]
    assert "Hint 1" not in notices[0]  # hints teach the exercise, not how to get a lost cell back


def test_a_practice_function_is_recorded_not_handed_in(shown):
    exports, notices = shown
    scores = []
    check_function(DOUBLE, lambda x: x * 2 if x == 2 else 0, {**ENTRY, "mode": "practice"}, scores.append)
    assert not exports and scores == [0.5] and "Hint 3" in notices[0]


@pytest.mark.parametrize("value, words", [
    (..., "still ..."), ("64", "should be a number"), (63.0, "not the value"), (checks.MISSING, "here is no"),
])
def test_practice_values_get_a_message_and_a_hint(shown, value, words):
    _, notices = shown
    scores = []
    check_practice_value("share", value, {**ENTRY, "mode": "practice", "examples": [64.0]}, scores.append)
    assert words in notices[0], notices
    assert scores in ([], [0.0])


def test_a_right_practice_value_says_so_and_escapes_what_it_shows(shown):
    _, notices = shown
    scores = []
    check_practice_value("share", 64, {**ENTRY, "mode": "practice", "examples": [64.0]}, scores.append)
    assert scores == [1.0] and notices[0].startswith("✔ Right")
    check_practice_value("tag", "<b>x</b>", {**ENTRY, "mode": "practice", "examples": ["<b>x</b>"]}, scores.append)
    assert "<b>x</b>" in notices[1]  # the plain text keeps it; the HTML form escapes it (checked below)


def test_practice_value_html_is_escaped(monkeypatch):
    bundles = []
    monkeypatch.setattr(checks, "display", lambda obj, raw=False: bundles.append(obj))
    check_practice_value("tag", "<img src=x onerror=alert(1)>", {**ENTRY, "mode": "practice",
                                                               "examples": ["<img src=x onerror=alert(1)>"]}, lambda f: None)
    assert "<img" not in bundles[0]["text/html"] and "&lt;img" in bundles[0]["text/html"]


CODES = {"id": "cd-p99", "type": "codes", "code_system": "ICD-10-CM", "sequence": "all", "mode": "practice"}


@pytest.mark.parametrize("typed, fraction", [
    ("E11.22, N18.31", 1.0), ("e1122 n1831", 1.0), (["E11.22"], 0.5), ("N18.31, E11.22", 0.5),
    ("E11.22, N18.31, I10", 0.5), ("I10", 0.0),
])
def test_a_set_of_codes_is_scored_with_its_sequence(typed, fraction):
    from billcode.quiz.scoring import clean_answer, score_answer

    assert score_answer(CODES, clean_answer(CODES, typed), ["E11.22", "N18.31"]).fraction == fraction


@pytest.mark.parametrize("typed, words", [("", "at least one"), ("E11.22, e1122", "more than once"),
                                          (", ".join(["I10"] * 13), "at most 12"), (42, "separated by commas")])
def test_a_set_of_codes_refuses_bad_input_with_a_message(typed, words):
    from billcode.quiz.scoring import AnswerError, clean_answer

    with pytest.raises(AnswerError, match=words):
        clean_answer(CODES, typed)


def test_running_an_unwritten_exercise_is_not_a_first_try(shown):
    scores = []
    check_function(DOUBLE, lambda x: None, {**ENTRY, "mode": "practice"}, scores.append)
    check_practice_value("owed", 0, {**ENTRY, "mode": "practice", "examples": [65.0], "start": 0}, scores.append)
    assert scores == []  # the mastery report keeps no zero for a cell the learner has not written yet
    check_practice_value("owed", 40, {**ENTRY, "mode": "practice", "examples": [65.0], "start": 0}, scores.append)
    assert scores == [0.0]


def test_an_unchanged_scaffold_is_not_a_first_try(shown, tmp_path):
    """A practice function still as the notebook gave it (its loop and return already there) is no try yet."""
    import linecache

    source = "def double(x):\n    # YOUR CODE HERE: write your answer\n    return 0\n"
    filename = str(tmp_path / "cell.py")
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict = {}
    exec(compile(source, filename, "exec"), namespace)
    scores = []
    entry = {**ENTRY, "mode": "practice", "scaffold": "limits = {}\n\n\n" + source}
    check_function(DOUBLE, namespace["double"], entry, scores.append)
    assert scores == []  # the learner has not written anything yet
    written = source.replace("return 0", "return x * 3")
    linecache.cache[filename] = (len(written), None, written.splitlines(True), filename)
    namespace = {}
    exec(compile(written, filename, "exec"), namespace)
    check_function(DOUBLE, namespace["double"], entry, scores.append)
    assert scores == [0.0]
