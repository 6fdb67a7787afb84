"""02_billing through nbgrader: the release scores 0, the master's solutions full marks, and faked functions 0.

Function exercises are graded on inputs the grader picks per student, so every fake here knows the notebook's
examples (and their right answers) perfectly, and still must earn nothing.
"""

from __future__ import annotations

import contextlib
import io
import json
import re

import nbformat
import pytest
from nbgrader.api import Gradebook

from billcode.exercises import EXERCISES
from billcode.instructor.autograde import main as autograde_main
from billcode.instructor.feedback import main as feedback_main
from billcode.instructor.keys import key_answers, load_graded
from billcode.instructor.release import nbgrader
from billcode.quiz.answers import save_graded
from billcode.quiz.bank import load_bank
from billcode.quiz.params import choose_params
from nbgrader_helpers import AUTOGRADER, cell_by_id, copy_course_root

pytestmark = pytest.mark.slow
A = "02_billing"
KEYS = key_answers(A, AUTOGRADER)
FUNCTIONS = {"patient_share": 2.0, "npi_is_valid": 2.0, "scrub": 3.0, "post": 3.0, "aging_totals": 2.0}
QUIZ = {"test_bl_g1": 1.0, "test_bl_g2": 2.0, "test_bl_g3": 2.0}
FULL = {**QUIZ, **{f"{name}_test": points for name, points in FUNCTIONS.items()}}
ZERO = dict.fromkeys(FULL, 0.0)
QUIZ_ONLY = {**ZERO, **QUIZ}


def master_solutions() -> dict[str, str]:
    """Each answer cell of the master with its solution in place (the solution markers removed)."""
    nb = nbformat.read(AUTOGRADER / "source" / A / f"{A}.ipynb", 4)
    solutions = {}
    for name in FUNCTIONS:
        source = cell_by_id(nb, f"{name}_answer").source
        solutions[name] = "\n".join(line for line in source.splitlines() if "### " not in line)
    return solutions


SOLUTIONS = master_solutions()


def example_answers() -> dict[str, list]:
    """The right answers on the notebook's own examples, as a faker would copy them from the master."""
    checks = {c.name: c for c in load_graded(AUTOGRADER, A, choose_params(load_bank(A), None)).values()
              if hasattr(c, "reference")}
    return {name: [checks[name].reference(*args) for args in EXERCISES[name].cases("example")] for name in FUNCTIONS}


def lookup_fake(name: str, answers: list) -> str:
    """A function that answers the examples exactly (by counting calls) and then repeats its first answer."""
    return (f"_answers_{name} = {json.dumps(answers)}\n_calls_{name} = [0]\n"
            f"def {name}(*args):\n"
            f"    i = _calls_{name}[0]; _calls_{name}[0] += 1\n"
            f"    return _answers_{name}[i % len(_answers_{name})]\n")


FAKE_PATCH_SEED = """
import billcode.quiz.checks as checks
checks.grading_inputs = lambda name: None  # run the check on the examples, whose answers this student knows
"""
FAKE_GRADING_FILE = """
import json
handed = json.load(open(".billcode_grading.json"))
handed["cases"] = {}  # drop the grader's inputs: the check falls back to the examples
open(".billcode_grading.json", "w").write(json.dumps(handed))
"""
ALWAYS_EQUAL = """
class Anything(dict):
    def __eq__(self, other):
        return True
def {name}(*args):
    return Anything()
"""


def submit(root, student, *, answers=None, code=None, prelude=""):
    """A submission: the release with some answer cells filled in (code: name -> source) and an answers file."""
    nb = nbformat.read(root / "release" / A / f"{A}.ipynb", 4)
    for name, source in (code or {}).items():
        cell_by_id(nb, f"{name}_answer").source = source
    if prelude:
        cell_by_id(nb, "patient_share_answer").source = prelude + "\n" + cell_by_id(nb, "patient_share_answer").source
    folder = root / "submitted" / student / A
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{A}.ipynb")
    (folder / "timestamp.txt").write_text("2026-12-02 12:00:00.000000 UTC")
    for item_id, value in (answers or {}).items():
        save_graded(folder / f"{A}_answers.json", A, item_id, value)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = copy_course_root(tmp_path_factory.mktemp("billing"))
    nbgrader(root, "generate_assignment", A)
    examples = example_answers()
    lookups = {name: lookup_fake(name, examples[name]) for name in FUNCTIONS}
    wrong_share = SOLUTIONS["patient_share"].replace("(rest - deductible) * coinsurance_pct", "allowed * coinsurance_pct")
    assert wrong_share != SOLUTIONS["patient_share"]
    submit(root, "alice", answers=KEYS, code=SOLUTIONS)                       # the master's solutions
    submit(root, "bob")                                                        # the untouched release
    submit(root, "carol", answers=KEYS, code=lookups)                          # knows every example's answer
    submit(root, "dave", answers=KEYS, code={**SOLUTIONS, **lookups}, prelude=FAKE_PATCH_SEED)
    submit(root, "erin", answers=KEYS, code={**lookups}, prelude=FAKE_GRADING_FILE)
    submit(root, "fay", answers=KEYS, code={n: ALWAYS_EQUAL.format(name=n) for n in FUNCTIONS})
    submit(root, "gus", answers=KEYS, code={**SOLUTIONS, "patient_share": wrong_share})  # one rule wrong
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = autograde_main(["--root", str(root)])
        feedback_status = feedback_main(["--root", str(root)])
    return root, status, out.getvalue(), feedback_status


EXPECTED = {
    "alice": FULL,
    "bob": ZERO,
    "carol": QUIZ_ONLY,
    "dave": QUIZ_ONLY,   # patched the check to ignore the grader's inputs: the results carry no label, score 0
    "erin": QUIZ_ONLY,   # rewrote the grading file: same
    "fay": QUIZ_ONLY,    # objects that equal anything cannot be handed in
    "gus": {**FULL, "patient_share_test": 0.0},
}


def cell_scores(root, student):
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(A, A, student)
        return {g.name: g.score for g in notebook.grades if g.name in FULL}


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_cell_scores_exactly(graded, student):
    root, status, output, _ = graded
    assert status == 0, output
    assert cell_scores(root, student) == EXPECTED[student]


def test_feedback_explains_and_is_not_held_back(graded):
    root, _, output, feedback_status = graded
    assert feedback_status == 0, output
    page = (root / "feedback" / "gus" / A / f"{A}.html").read_text()
    text = re.sub(r"<[^>]+>", "", page)
    assert "patient_share: 0 of 2 point(s): right on" in text and "First difference" in text
    alice = re.sub(r"<[^>]+>", "", (root / "feedback" / "alice" / A / f"{A}.html").read_text())
    assert "Right on all" in alice


def test_each_student_gets_their_own_inputs(graded):
    from billcode.instructor.variants import grading_seed

    root = graded[0]
    seeds = {s: grading_seed(root, A, s) for s in EXPECTED}
    assert len(set(seeds.values())) == len(seeds)
    assert all(EXERCISES["patient_share"].cases(seed) != EXERCISES["patient_share"].cases("example") for seed in seeds.values())
