"""Function exercises: the visible check (the worked examples and a hint, never a key) and the grader's scoring."""

from __future__ import annotations

import sys
import json

import pytest

from billcode.exercises import EXERCISES
from billcode.instructor.keys import FunctionCheck
from billcode.instructor.grade.marking import exported_value, score_function
from billcode.quiz import checks
from billcode.quiz.checks import (
    EXPORT_MIME, GRADING_FILE, Exercise, check_function, decode_args, encode_args, grading_inputs, run_cases,
)

SQUARE = Exercise("square", lambda seed: [(2,), (3,)] if seed == "example" else [(int(c, 16),) for c in seed[:4]],
                  (int, float), "a number")
REFERENCE = FunctionCheck("square", lambda x: x * x, "Multiply the number by itself.")


@pytest.fixture
def shown(monkeypatch):
    """Everything check_function displays: (exports, notices)."""
    exports, notices = [], []

    def display(obj, raw=False):
        if isinstance(obj, dict) and EXPORT_MIME in obj:
            exports.append(obj[EXPORT_MIME])
        else:
            notices.append(getattr(obj, "data", str(obj)))

    monkeypatch.setattr(checks, "display", display)
    monkeypatch.delenv("NBGRADER_VALIDATING", raising=False)
    return exports, notices


def test_a_right_function_is_handed_in_with_a_type_hint_only(shown):
    exports, notices = shown
    check_function(SQUARE, lambda x: x * x)
    assert exports == [{"name": "square", "value": {"inputs": "example", "results": [{"value": 4}, {"value": 9}]}}]
    assert len(notices) == 1 and "returns a number" in str(notices[0]) and "other inputs" in str(notices[0])


@pytest.mark.parametrize("function, words", [
    (..., "is still"),
    (42, "should be a function"),
    (lambda x: None, "returned nothing (None)"),
    (lambda x: 1 / 0, "raised ZeroDivisionError"),
    (lambda x: {1, 2}, "returned a set"),
])
def test_unfinished_functions_get_a_notice_not_a_traceback(shown, function, words):
    _, notices = shown
    check_function(SQUARE, function)
    assert len(notices) == 1 and words in notices[0], notices


def test_under_validate_an_unfinished_function_fails_in_one_line(monkeypatch):
    monkeypatch.setenv("NBGRADER_VALIDATING", "1")
    with pytest.raises(checks.NotDone, match="square"):
        check_function(SQUARE, lambda x: None)


def test_arguments_are_copies_and_objects_cannot_leave():
    cases = Exercise("f", lambda seed: [([1, 2],), ([3],)], list, "a list")
    assert run_cases(cases, lambda xs: xs.append(0) or xs, cases.cases("example")) == [{"value": [1, 2, 0]}, {"value": [3, 0]}]

    class Sneaky(list):
        def __eq__(self, other):
            return True

    got = run_cases(cases, lambda xs: Sneaky(xs), cases.cases("example"))
    assert got == [{"value": [1, 2]}, {"value": [3]}] and all(type(r["value"]) is list for r in got)


def test_grading_inputs_are_read_only_when_nbgrader_autogrades(tmp_path, monkeypatch):
    import pandas as pd

    monkeypatch.chdir(tmp_path)
    table = pd.DataFrame({"claim_id": ["C1"], "line": ["1"], "charge": [10.5]})
    handed = {"label": "f00d", "cases": {"square": [encode_args((3,)), encode_args((table, "2026-09-30"))]}}
    (tmp_path / GRADING_FILE).write_text(json.dumps(handed))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert grading_inputs("square") is None
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    label, cases = grading_inputs("square")
    assert label == "f00d" and cases[0] == (3,) and cases[1][1] == "2026-09-30"
    assert cases[1][0].equals(table) and cases[1][0]["line"].iloc[0] == "1"  # tables come back as load_table reads them
    assert grading_inputs("other") is None
    (tmp_path / GRADING_FILE).write_text("{broken")
    assert grading_inputs("square") is None


def test_a_table_survives_encoding_exactly():
    from billcode.data import load_table

    claims = load_table("billing/claims")
    assert decode_args(json.loads(json.dumps(encode_args((claims,)))))[0].equals(claims)


def export(label, results):
    return [{"output_type": "display_data", "data": {EXPORT_MIME: {"name": "square", "value": {"inputs": label, "results": results}}}}]


LABEL, CASES = "label-1", SQUARE.cases("0a0b0c0d")


def score(results, label=LABEL, check=REFERENCE, cases=CASES, points=2):
    return score_function(check, SQUARE, LABEL, cases, *exported_value(export(label, results), "square"), points)


def test_full_marks_only_when_every_grader_input_is_right():
    right = [{"value": x * x} for (x,) in CASES]
    points, message = score(right)
    assert points == 2.0 and "Right on all 4" in message
    points, message = score([*right[:3], {"value": 0}])
    assert points == 0.0 and "right on 3 of 4" in message and "input 4" in message


def test_answers_for_other_inputs_score_zero():
    points, message = score([{"value": 4}, {"value": 9}], label="example")
    assert points == 0.0 and "other inputs than the grader's" in message
    points, message = score_function(REFERENCE, SQUARE, LABEL, CASES, False, None, 2)
    assert points == 0.0 and "no results reached the grader" in message
    points, message = score([{"error": "ZeroDivisionError: division by zero"}] * 4)
    assert points == 0.0 and "ZeroDivisionError" in message
    points, message = score_function(REFERENCE, SQUARE, None, [], True, {"inputs": None, "results": []}, 2)
    assert points == 0.0  # the grader handed nothing (its own run failed): nobody earns the points


def test_true_is_not_one_and_numbers_need_their_tolerance():
    ones = SQUARE.cases("11111111")
    assert score([{"value": True}] * 4, cases=ones, points=1)[0] == 0.0  # 1 * 1 == True, but a bool is not a number
    loose = FunctionCheck("square", lambda x: x * x + 0.004, tolerance=0.01)
    assert score([{"value": 1}] * 4, check=loose, cases=ones, points=1)[0] == 1.0


def test_every_course_exercise_has_examples_and_other_inputs():
    for name, exercise in EXERCISES.items():
        examples, hidden = exercise.cases("example"), exercise.cases("0123456789abcdef")
        assert examples and hidden, name
        assert repr(examples) != repr(hidden), name
        assert exercise.describe(hidden[0]), name


def test_submission_status_sees_that_a_function_is_not_done_yet():
    from billcode.quiz.engine import function_problem

    assert function_problem("patient_share", lambda *a: None) == "it returns nothing yet"
    assert function_problem("patient_share", 3) == "it is not a function yet"
    assert "raised ZeroDivisionError" in function_problem("patient_share", lambda *a: 1 / 0)
    assert function_problem("bucket", lambda days: 5) == "on the examples it returned int, not str"
    # Filled in but wrong on a worked example: not done (the trials saw "All tasks done" for such a function).
    assert "differs from the notebook's" in function_problem("patient_share", lambda a, d, c, p: round(a, 2))
    assert function_problem("coder_steps", ["a list"]) is None  # a value exercise: not checked here


SEEDS = 25  # grader inputs per exercise: each seed is one student's


@pytest.mark.parametrize("assignment", ["02_billing", "02b_billing_payments", "03_coding", "04_costs_and_careers",
                                        "05_choosing_a_path"])
def test_the_keys_agree_with_the_masters_solutions(assignment):
    """Each key's reference (what the grader scores against) gives the master's solution's results, on the inputs
    the grader makes for many students: a key rewritten for speed, or a solution edited, cannot drift apart."""
    import ast
    import copy

    import nbformat

    from billcode.instructor.keys import load_graded
    from billcode.instructor.grade.marking import same_value
    from billcode.quiz.bank import load_bank
    from billcode.quiz.params import choose_params
    from nbgrader_helpers import AUTOGRADER, cell_by_id

    graded = load_graded(AUTOGRADER, assignment, choose_params(load_bank(assignment), None))
    master = nbformat.read(AUTOGRADER / "source" / assignment / f"{assignment}.ipynb", 4)
    # The master's answer cells, run in order with the notebook's import lines (later answers use earlier ones).
    namespace: dict = {}
    for cell in master.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
        if cell.metadata.get("nbgrader", {}).get("solution"):
            exec(cell.source, namespace)
        elif imports:
            exec(compile(ast.Module(body=imports, type_ignores=[]), "imports", "exec"), namespace)
    compared = 0
    for check in (c for c in graded.values() if isinstance(c, FunctionCheck)):
        solution = namespace[check.name]
        for seed in ["example", *(f"{n:032x}" for n in range(SEEDS))]:
            for args in EXERCISES[check.name].cases(seed):
                want, got = check.reference(*copy.deepcopy(args)), solution(*copy.deepcopy(args))
                assert same_value(got, want, check.tolerance), (check.name, seed, got, want)
                compared += 1
    assert compared >= SEEDS, compared


def test_the_plain_text_of_a_check_says_what_the_notice_says(monkeypatch):
    """A viewer that shows only text/plain (a terminal, nbconvert to text) must not read 'handed in' alone
    when the check found the function unfinished."""
    shown = []
    monkeypatch.setattr(checks, "display", lambda obj, raw=False: shown.append(obj))
    monkeypatch.delenv("NBGRADER_VALIDATING", raising=False)
    check_function(SQUARE, lambda x: 1 / 0)
    plain = [o["text/plain"] for o in shown if isinstance(o, dict)]
    assert plain[0] == ""  # nothing says "handed in" when the check found the function unfinished
    assert plain[1].startswith("⚠ Code exercise square: not done yet. On 2 of 2 inputs")
    shown.clear()
    check_function(SQUARE, lambda x: x * x)
    assert [o["text/plain"] for o in shown if isinstance(o, dict)][0] == "square is ready for grading."


LIMITS = {"HHP01": 90}


def quoted_input(payer_id, days):
    """A newcomer's slip: the input's name in quotes."""
    return days <= LIMITS["payer_id"]


def comma_outside(x):
    """A newcomer's slip: round's second value outside its brackets."""
    return round(x * 1.5), 1


def no_row(x):
    """A newcomer's slip: the name the task asks for is never set."""
    return padded  # noqa: F821


SAME = Exercise("same", lambda seed: [(2,), (3,), (5,)], (int, float), "a number")


@pytest.mark.parametrize("exercise, function, said, unsaid", [
    (Exercise("pair", lambda seed: [("HHP01", 30)], (bool,), "True or False"), quoted_input,
     'leave the quotes off: [payer_id]', "column"),
    (SQUARE, comma_outside, "Keep it inside: round(value, 1)", "a tuple, not"),
    (SQUARE, no_row, "has no value yet when the function runs", "row."),
])
def test_a_slip_gets_advice_that_fits_the_function(shown, exercise, function, said, unsaid):
    _, notices = shown
    check_function(exercise, function)
    assert len(notices) == 1 and said in notices[0] and unsaid not in notices[0], notices


def test_the_same_answer_for_every_example_points_to_the_inputs(shown):
    _, notices = shown
    check_function(SAME, lambda x: 64.0, {"mode": "practice", "examples": [4, 9, 25], "hints": ["a", "b"]})
    assert "64.0 for every worked example" in notices[0] and "input names (x)" in notices[0], notices


def test_the_same_wrong_answer_where_the_given_code_does_not_answer_points_to_the_inputs(shown):
    _, notices = shown
    check_function(SAME, lambda x: x * x if x == 5 else 64.0, {"mode": "practice", "examples": [4, 9, 25], "hints": ["a"]})
    assert "64.0 for 2 of the worked examples" in notices[0] and "input names (x)" in notices[0], notices


def letter_unquoted(code):
    """A newcomer's slip: the placeholder letter without quotes."""
    padded = code.ljust(6, X)  # noqa: F821
    return padded


def method_as_function(code):
    """A spreadsheet habit: a text method called like a function."""
    padded = ljust(code, 6, "X")  # noqa: F821
    return padded


def set_under_if(pointers):
    """A spreadsheet habit: IF(...) sets the name only when the condition holds."""
    if len(pointers) > 4:
        too_many = True
    return too_many


def name_from_nowhere(months, cost, gain):
    """A slip: returning a name nothing sets."""
    return round(payback, 1)  # noqa: F821


def stores_not_returns(months, cost, gain):
    """A slip: the last line stores the answer instead of returning it."""
    payback = round(months + cost / gain, 1)


def works_out_not_returns(months, cost, gain):
    """A spreadsheet habit: the last line is the formula, without `return`."""
    round(months + cost / gain, 1)


def excel_or(program):
    """A spreadsheet habit: OR(a, b)."""
    hands_on = OR(program["externship"], program["practice_set"])  # noqa: F821
    return hands_on


def bare_keys(program):
    """A slip: the dict's keys written as names."""
    hands_on = externship or practice_set  # noqa: F821
    return hands_on


def compares_not_sets(pointers):
    """A spreadsheet habit: == to give a name its value."""
    too_many == len(pointers) > 4  # noqa: F821
    return too_many  # noqa: F821


CODE = Exercise("code", lambda seed: [("S6141",)], (str,), "text")
POINTERS = Exercise("pointers", lambda seed: [("AB",)], (bool,), "True or False")
PAYBACK = Exercise("payback", lambda seed: [(6, 1000.0, 100.0)], (float,), "a number")
SCAFFOLDS = {"code": "def f(code):\n    # YOUR CODE HERE\n    return padded\n",
             "pointers": "def f(pointers):\n    # your line: too_many\n    return too_many\n",
             "payback": "def f(months, cost, gain):\n    # YOUR CODE HERE\n",
             "flags": "def f(program):\n    if program[\"pass_rate\"] < 70:\n        pass\n    hands_on = ...\n    return hands_on\n"}


@pytest.mark.parametrize("exercise, function, said", [
    (CODE, letter_unquoted, 'put it in quotes: "X"'),
    (CODE, method_as_function, "write it after the text and a dot"),
    (POINTERS, set_under_if, "is set only inside an"),
    (POINTERS, compares_not_sets, "one = gives a name its value"),
    (PAYBACK, name_from_nowhere, "nothing in this function sets"),
    (PAYBACK, stores_not_returns, "Start that line with"),
    (Exercise("flags", lambda seed: [({"externship": True, "practice_set": False},)], (bool,), "True or False"),
     excel_or, "a or b is True when either is True"),
    (Exercise("flags", lambda seed: [({"externship": True, "practice_set": False},)], (bool,), "True or False"),
     bare_keys, 'program["externship"]'),
    (PAYBACK, works_out_not_returns, "works out a value but does not hand it back"),
])
def test_a_slip_the_error_does_not_name_gets_advice_and_no_wrong_hint_pointer(shown, exercise, function, said):
    _, notices = shown
    entry = {"mode": "practice", "hints": ["one", "two", "three"], "scaffold": SCAFFOLDS[exercise.name],
             "hint_for": {"unwritten": 3, "error": 3, "type": 3, "example": 3}}
    check_function(exercise, function, entry)
    assert len(notices) == 1 and said in notices[0] and "Hint 3 covers" not in notices[0], notices


def test_the_unchanged_starting_code_gets_the_usual_words(shown):
    _, notices = shown

    def f(code):
        return padded  # noqa: F821

    entry = {"mode": "practice", "hints": ["one"], "scaffold": "def f(code):\n        return padded  # noqa: F821\n",
             "hint_for": {"unwritten": 1}}
    check_function(CODE, f, entry)
    assert "write the line that sets it" in notices[0] and "Hint 1 covers" in notices[0], notices


def test_a_bare_list_after_or_is_named_and_no_hint_pointer_is_given(shown):
    _, notices = shown

    def flags(program):
        hands_on = program["externship"] or ["practice_set"]
        return hands_on

    entry = {"mode": "practice", "examples": [False], "hints": ["one", "two"], "hint_for": {"example": 2}}
    check_function(Exercise("flags", lambda seed: [({"externship": False, "practice_set": False},)], (bool, list),
                            "True or False"), flags, entry)
    assert 'each side needs its own look-up, program["practice_set"]' in notices[0], notices
    assert "Hint 2 covers" not in notices[0], notices


def _failed_cell(monkeypatch, text: str) -> None:
    """A cell that stopped with an IndentationError, kept in linecache under its file name as IPython keeps it."""
    import linecache

    name = f"<cell {abs(hash(text))}>"
    monkeypatch.setitem(linecache.cache, name, (len(text), None, text.splitlines(keepends=True), name))
    error = IndentationError("unexpected indent", (name, 3, 1, "hands_on = 1\n"))
    monkeypatch.setattr(sys, "last_value", error, raising=False)


def test_after_a_syntax_error_in_its_cell_the_check_says_it_used_the_earlier_version(shown, monkeypatch):
    _, notices = shown
    _failed_cell(monkeypatch, "def same(x):\n    y = x\nhands_on = 1\n    return y\n")
    entry = {"mode": "practice", "examples": [4, 9, 25], "hints": ["one", "two"], "hint_for": {"example": 2}}
    check_function(SAME, lambda x: x * 2, entry)
    assert "this check used the version of same from before it" in notices[0], notices
    assert "was IndentationError: unexpected indent, on line 3 of that cell)" in notices[0], notices
    assert "same spaces in front" in notices[0] and "Hint 2 covers" not in notices[0], notices


def test_a_syntax_error_in_another_cell_leaves_the_usual_hint_pointer(shown, monkeypatch):
    _, notices = shown
    _failed_cell(monkeypatch, "total = (1 +\n")
    entry = {"mode": "practice", "examples": [4, 9, 25], "hints": ["one", "two"], "hint_for": {"example": 2}}
    check_function(SAME, lambda x: x * 2, entry)
    assert "from before it" not in notices[0] and "Hint 2 covers" in notices[0], notices


def test_a_function_its_cell_never_made_gets_the_red_error_and_the_spaces_rule_not_a_hint(shown, monkeypatch):
    _, notices = shown
    _failed_cell(monkeypatch, "def same(x):\n    y = x\nhands_on = 1\n    return y\n")
    entry = {"mode": "graded", "examples": [4, 9, 25], "hints": ["one", "two", "three"],
             "hint_for": {"unwritten": 3, "example": 2}}
    check_function(SAME, checks.MISSING, entry)
    assert "def same(" in notices[0] and "stopped with a red error (IndentationError: unexpected indent, on line 3 of that cell)" in notices[0], notices
    assert "same spaces in front" in notices[0] and "line just above it" in notices[0], notices
    assert "Hint" not in notices[0] and "deleted" not in notices[0], notices


def test_a_function_never_run_or_deleted_says_how_to_get_it_back_without_a_hint_pointer(shown, monkeypatch):
    _, notices = shown
    monkeypatch.setattr(sys, "last_value", None, raising=False)
    entry = {"mode": "graded", "examples": [4, 9, 25], "hints": ["one", "two", "three"], "hint_for": {"unwritten": 3}}
    check_function(SAME, checks.MISSING, entry)
    assert "run the cell that starts def same(" in notices[0] and "paste the starting code" in notices[0], notices
    assert "Hint" not in notices[0] and "red error" not in notices[0], notices


def test_a_placeholder_left_and_then_used_is_named_not_shown_as_a_type_error(shown):
    """03's `padded = ...` left as it is: the next line adds text to Ellipsis, a TypeError naming 'ellipsis'."""
    _, notices = shown
    source = ("def pad(code):\n"
              "    padded = ...  # write your line here\n"
              "    return padded + \"A\"\n")
    import linecache

    space: dict = {}
    linecache.cache["<pad>"] = (len(source), None, source.splitlines(keepends=True), "<pad>")  # as IPython keeps a cell
    exec(compile(source, "<pad>", "exec"), space)  # noqa: S102 - the test's own function
    entry = {"mode": "practice", "examples": ["W19XXXA"], "hints": ["one", "two", "three"], "hint_for": {"unwritten": 3}}
    check_function(Exercise("pad", lambda seed: [("W19",)], str, "text"), space["pad"], entry)
    assert "padded is still ..., the placeholder: replace the ... with your line" in notices[0], notices
    assert "Hint 3 covers this" in notices[0] and "unsupported operand" not in notices[0], notices


def test_a_bare_list_after_or_in_the_given_lines_is_not_the_learners_slip(shown):
    """source_slip reads only the lines the learner wrote: a given line of that shape says nothing about them."""
    _, notices = shown

    def flags(program):
        names = program["aliases"] or ["none"]  # given in the starting code
        hands_on = program["externship"] and program["practice_set"]
        return hands_on and bool(names)

    scaffold = ('def flags(program):\n    names = program["aliases"] or ["none"]  # given in the starting code\n'
                '    hands_on = ...\n    return hands_on and bool(names)\n')
    entry = {"mode": "practice", "examples": [True], "hints": ["one", "two"], "hint_for": {"example": 2},
             "scaffold": scaffold}
    check_function(Exercise("flags", lambda seed: [({"externship": True, "practice_set": False, "aliases": []},)],
                            (bool, list), "True or False"), flags, entry)
    assert "is a list on its own" not in notices[0] and "Hint 2 covers" in notices[0], notices


def test_the_earlier_version_note_gives_the_fix_for_the_kind_of_error(shown, monkeypatch):
    """A pasted minus in the def cell: the note says to retype it, not the spaces rule meant for indentation."""
    import linecache

    _, notices = shown
    text = "def same(x):\n    return x \u2212 0\n"
    monkeypatch.setitem(linecache.cache, "<cell minus>", (len(text), None, text.splitlines(keepends=True), "<cell minus>"))
    try:
        compile(text, "<cell minus>", "exec")
    except SyntaxError as err:
        monkeypatch.setattr(sys, "last_value", err, raising=False)
    entry = {"mode": "practice", "examples": [4, 9, 25], "hints": ["one", "two"], "hint_for": {"example": 2}}
    check_function(SAME, lambda x: x * 2, entry)
    assert "this check used the version of same from before it" in notices[0], notices
    assert "type it again from the keyboard" in notices[0] and "same spaces in front" not in notices[0], notices
