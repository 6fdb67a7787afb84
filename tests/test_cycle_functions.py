"""The notebooks with function exercises through nbgrader (02 to 05): the release scores 0, the master's solutions
full marks (a written answer waits for the instructor), and faked functions 0.

Function exercises are graded on inputs the grader makes per student, so every fake here knows the notebook's
examples (and their right answers) perfectly, and still must earn nothing. 05b_your_plan, whose only code exercise
is practice (lean), goes through the same cycle: its question is scored from the answers file as handed in, whatever
its practice code does, and its reflection waits for the instructor.
"""

from __future__ import annotations

import contextlib
import io
import json
import re

import nbformat
import pytest

from billcode.exercises import EXERCISES
from billcode.instructor.grade.autograde import main as autograde_main
from billcode.instructor.report.feedback import main as feedback_main
from billcode.instructor.keys import FunctionCheck, QuizKey, key_answers, load_graded
from billcode.instructor.author.release import nbgrader
from billcode.quiz.answers import save_graded
from billcode.quiz.bank import load_bank
from billcode.quiz.params import choose_params
from nbgrader_helpers import AUTOGRADER, cell_by_id, copy_course_root, gradebook_scores

pytestmark = pytest.mark.slow

# One rule broken in each master's first exercise, so one student is right everywhere but there.
WRONG = {
    "02_billing": ("patient_share", "(allowed - deductible_part) * coinsurance_pct", "allowed * coinsurance_pct"),
    "02b_billing_payments": ("pointer_problem", "len(pointers) > 4", "len(pointers) > 5"),
    "03_coding": ("with_seventh", 'bare.ljust(6, "X")', 'bare.ljust(7, "X")'),
    "04_costs_and_careers": ("payback_months", "months + cost / gain", "months + cost / gain / 2"),
    "05_choosing_a_path": ("red_flags", 'program["externship"] or program["practice_set"]', 'program["externship"]'),
}
FAKE_INPUTS = """
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


class Course:
    """One assignment's graded cells, keys and master solutions."""

    def __init__(self, name: str) -> None:
        self.name = name
        checks = load_graded(AUTOGRADER, name, choose_params(load_bank(name), None))
        self.functions = {c.name: c for c in checks.values() if isinstance(c, FunctionCheck)}
        master = nbformat.read(AUTOGRADER / "source" / name / f"{name}.ipynb", 4)
        points = {c.metadata["nbgrader"]["grade_id"]: float(c.metadata["nbgrader"]["points"])
                  for c in master.cells if c.metadata.get("nbgrader", {}).get("grade")}
        # Written answers are graded by hand: autograding leaves them at 0, waiting for the instructor.
        self.written = [c.metadata["nbgrader"]["grade_id"] for c in master.cells
                        if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")]
        self.full = {**points, **dict.fromkeys(self.written, 0.0)}
        self.reflections = {g: cell_by_id(master, g).source for g in self.written}
        self.zero = dict.fromkeys(points, 0.0)
        self.quiz_only = {**self.zero, **{g: p for g, p in points.items()
                                          if isinstance(checks.get(g), QuizKey)}}
        self.keys = key_answers(name, AUTOGRADER)
        self.solutions = {n: "\n".join(line for line in cell_by_id(master, f"{n}_answer").source.splitlines()
                                       if "### " not in line) for n in self.functions}
        self.first = next(iter(self.solutions))

    def example_answers(self, name: str) -> list:
        return [self.functions[name].reference(*args) for args in EXERCISES[name].cases("example")]


def lookup_fake(name: str, answers: list) -> str:
    """A function that answers the examples exactly (by counting calls) and then repeats its first answer."""
    return (f"_answers_{name} = {json.dumps(answers)}\n_calls_{name} = [0]\n"
            f"def {name}(*args):\n"
            f"    i = _calls_{name}[0]; _calls_{name}[0] += 1\n"
            f"    return _answers_{name}[i % len(_answers_{name})]\n")


def submit(root, course, student, *, answers=None, code=None, prelude=""):
    """A submission: the release with some answer cells filled in (code: name -> source) and an answers file."""
    name = course.name
    nb = nbformat.read(root / "release" / name / f"{name}.ipynb", 4)
    for function, source in (code or {}).items():
        cell_by_id(nb, f"{function}_answer").source = source
    if answers:  # everyone who answers also writes the written answers (the master's sample)
        for grade_id, text in course.reflections.items():
            cell_by_id(nb, grade_id).source = text
    if prelude:
        first = cell_by_id(nb, f"{course.first}_answer")
        first.source = prelude + "\n" + first.source
    hand_in(root, student, name, nb, answers)


def hand_in(root, student, name, nb, answers=None) -> None:
    """Write a submission as nbgrader collects it: the notebook, its timestamp and the answers file."""
    folder = root / "submitted" / student / name
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{name}.ipynb")
    (folder / "timestamp.txt").write_text("2026-12-02 12:00:00.000000 UTC")
    for item_id, value in (answers or {}).items():
        save_graded(folder / f"{name}_answers.json", name, item_id, value)


def expected(course: Course) -> dict[str, dict]:
    function, old, new = WRONG[course.name]
    return {
        "alice": course.full,
        "bob": course.zero,
        "carol": course.quiz_only,  # knows every example's answer
        "dave": course.quiz_only,   # patched the check to ignore the grader's inputs
        "erin": course.quiz_only,   # emptied the grading file's inputs
        "fay": course.quiz_only,    # objects that equal anything cannot be handed in
        "gus": {**course.full, f"{function}_test": 0.0},  # one rule wrong
    }


@pytest.fixture(scope="module", params=sorted(WRONG))
def graded(request, tmp_path_factory):
    course = Course(request.param)
    root = copy_course_root(tmp_path_factory.mktemp(course.name))
    nbgrader(root, "generate_assignment", course.name)
    lookups = {n: lookup_fake(n, course.example_answers(n)) for n in course.functions}
    function, old, new = WRONG[course.name]
    wrong = course.solutions[function].replace(old, new)
    assert wrong != course.solutions[function]
    submit(root, course, "alice", answers=course.keys, code=course.solutions)
    submit(root, course, "bob")
    submit(root, course, "carol", answers=course.keys, code=lookups)
    submit(root, course, "dave", answers=course.keys, code={**course.solutions, **lookups}, prelude=FAKE_INPUTS)
    submit(root, course, "erin", answers=course.keys, code=lookups, prelude=FAKE_GRADING_FILE)
    submit(root, course, "fay", answers=course.keys, code={n: ALWAYS_EQUAL.format(name=n) for n in course.functions})
    submit(root, course, "gus", answers=course.keys, code={**course.solutions, function: wrong})
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = autograde_main(["--root", str(root)])
        feedback_status = feedback_main(["--root", str(root)])
    return course, root, status, out.getvalue(), feedback_status




@pytest.mark.parametrize("student", ["alice", "bob", "carol", "dave", "erin", "fay", "gus"])
def test_each_cell_scores_exactly(graded, student):
    course, root, status, output, _ = graded
    assert status == 0, output
    assert gradebook_scores(root, course.name, student, course.full) == expected(course)[student]


def test_feedback_explains_and_is_not_held_back(graded):
    course, root, _, output, feedback_status = graded
    assert feedback_status == 0, output
    function = WRONG[course.name][0]
    text = re.sub(r"<[^>]+>", "", (root / "feedback" / "gus" / course.name / f"{course.name}.html").read_text())
    assert f"(`{function}`)" not in text and f"({function})" in text and "Not yet" in text and "First difference" in text
    alice = re.sub(r"<[^>]+>", "", (root / "feedback" / "alice" / course.name / f"{course.name}.html").read_text())
    assert "Right on all" in alice


def test_written_answers_wait_for_the_instructor(graded):
    from nbgrader.api import Gradebook

    course, root = graded[0], graded[1]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for student in expected(course):
            notebook = gb.find_submission_notebook(course.name, course.name, student)
            waiting = sorted(g.name for g in notebook.grades if g.needs_manual_grade)
            # A written answer left as released scores 0 at once (nbgrader); a written one waits.
            assert waiting == ([] if student == "bob" else sorted(course.written)), (student, waiting)


def test_each_student_gets_their_own_inputs(graded):
    from billcode.instructor.variants import grading_seed

    course, root = graded[0], graded[1]
    seeds = {s: grading_seed(root, course.name, s) for s in expected(course)}
    assert len(set(seeds.values())) == len(seeds)
    for name in course.functions:
        assert all(repr(EXERCISES[name].cases(seed)) != repr(EXERCISES[name].cases("example")) for seed in seeds.values())


# --- 05b_your_plan: graded questions and a written answer; its only code exercise (lean) is practice ---------

PLAN = "05b_your_plan"
# What a student who saved a wrong number types into lean's cell: rewrite the answers file with the key, and make
# check_saved print full marks. The grader scores the answers file as handed in, in its own process.
PLAN_FORGERY = """\
import json
quiz.check_saved = lambda item_id: print(f"{item_id}: 1 of 1 point(s).") or 1.0
json.dump({"format": 1, "bank": "05b_your_plan", "graded": {"ch-g1": {"answer": @KEY@}}, "practice": {}},
          open("05b_your_plan_answers.json", "w"))
"""


def plan_submission(root, student, *, answers=None, lean=None, written=None):
    """One 05b submission: the release with lean's cell and the reflection as given, and an answers file."""
    nb = nbformat.read(root / "release" / PLAN / f"{PLAN}.ipynb", 4)
    if lean is not None:
        cell_by_id(nb, "lean_answer").source = lean
    if written is not None:
        cell_by_id(nb, "reflection").source = written
    hand_in(root, student, PLAN, nb, answers)


@pytest.fixture(scope="module")
def plan_graded(tmp_path_factory):
    master = nbformat.read(AUTOGRADER / "source" / PLAN / f"{PLAN}.ipynb", 4)
    solution = "\n".join(line for line in cell_by_id(master, "lean_answer").source.splitlines() if "### " not in line)
    reflection = cell_by_id(master, "reflection").source
    root = copy_course_root(tmp_path_factory.mktemp(PLAN))
    nbgrader(root, "generate_assignment", PLAN)
    key = key_answers(PLAN, root)["ch-g1"]
    plan_submission(root, "alice", answers={"ch-g1": key}, lean=solution, written=reflection)
    plan_submission(root, "bob")  # the release as it is: nothing saved, nothing written
    plan_submission(root, "carol", answers={"ch-g1": key}, written=reflection)  # the stretch left unfinished
    plan_submission(root, "dave", answers={"ch-g1": key + 7}, written=reflection,
                    lean=PLAN_FORGERY.replace("@KEY@", json.dumps(key)))
    plan_submission(root, "erin", answers={"ch-g1": key}, written=reflection,
                    lean="def lean(answers, weights):\n    return 1 / 0\n\nlean({}, {})")  # practice code that fails
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = autograde_main(["--root", str(root)])
        feedback_status = feedback_main(["--root", str(root)])
    return root, status, out.getvalue(), feedback_status


PLAN_EXPECTED = {"alice": 1.0, "bob": 0.0, "carol": 1.0, "dave": 0.0, "erin": 1.0}


@pytest.mark.parametrize("student", sorted(PLAN_EXPECTED))
def test_05b_question_scores_exactly_whatever_the_practice_code_does(plan_graded, student):
    root, status, output, _ = plan_graded
    assert status == 0, output
    scores = gradebook_scores(root, PLAN, student, ["test_ch_g1", "reflection"])
    assert scores == {"test_ch_g1": PLAN_EXPECTED[student], "reflection": 0.0}, (student, output)


def test_05b_only_written_reflections_wait_and_the_console_says_so(plan_graded):
    from nbgrader.api import Gradebook

    root, _, output, feedback_status = plan_graded
    assert feedback_status == 0, output
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for student in PLAN_EXPECTED:
            notebook = gb.find_submission_notebook(PLAN, PLAN, student)
            waiting = sorted(g.name for g in notebook.grades if g.needs_manual_grade)
            assert waiting == ([] if student == "bob" else ["reflection"]), (student, waiting)
    assert f"{PLAN} alice: graded 1/4, 3 points wait for hand grading" in output, output
    assert f"{PLAN} bob: graded 0/4" in output and "practice only" not in output, output
    page = re.sub(r"<[^>]+>", "", (root / "feedback" / "dave" / PLAN / f"{PLAN}.html").read_text())
    assert "def graded(params" not in page and "Not yet" in page


def test_05b_self_grading_counts_the_question_and_names_the_reflection(plan_graded, tmp_path):
    """check_my_work on a learner's saved 05b: Question 1 scored, the reflection named as waiting, no error."""
    import os
    import subprocess
    import sys

    root = plan_graded[0]
    learner = tmp_path / "learner"
    learner.mkdir()
    saved = nbformat.read(AUTOGRADER.parent / "course" / f"{PLAN}.ipynb", 4)
    cell_by_id(saved, "reflection").source = "I lean to billing because I like people and I like rules."
    nbformat.write(saved, learner / f"{PLAN}.ipynb")
    save_graded(learner / f"{PLAN}_answers.json", PLAN, "ch-g1", key_answers(PLAN, root)["ch-g1"])
    done = subprocess.run([sys.executable, "-m", "billcode.instructor.report.self_grade", str(learner / f"{PLAN}.ipynb")],
                          capture_output=True, text=True, timeout=600, env={**os.environ, "BILLCODE_COURSE_ROOT": str(root)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{PLAN}: 1 of 4 points." in done.stdout and "Not counted yet: reflection" in done.stdout, done.stdout
    assert "Traceback" not in done.stdout + done.stderr and "0 of 0" not in done.stdout
