"""The whole nbgrader cycle on a scratch copy of autograder/: release, submissions, autograde, feedback, export."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys

import nbformat
import pytest
from nbgrader.api import Gradebook

from billcode.quiz.answers import save_graded
from billcode.instructor.grade.autograde import main as autograde_main
from billcode.instructor.report.feedback import forbidden_texts
from billcode.instructor.report.feedback import main as feedback_main
from billcode.instructor.keys import key_answers
from billcode.instructor.author.release import nbgrader
from nbgrader_helpers import AUTOGRADER, cell_by_id, copy_course_root

pytestmark = pytest.mark.slow
A = "01_overview"
KEYS = key_answers(A, AUTOGRADER)
CORRECT_CODE = 'coder_steps = cycle.loc[cycle["coder"].isin(["main", "supports"]), "name"].tolist()\ncoder_steps'
# Wrong on purpose, each with a known partial credit (see CAROL below).
WRONG = {
    "ov-g1": 2100,                                                       # numeric: 0 of 1
    "ov-g2": [KEYS["ov-g2"][1], KEYS["ov-g2"][0], *KEYS["ov-g2"][2:]],  # one swap: 14 of 15 pairs -> 1.87 of 2
    "ov-g3": next(o for o in ["a", "b", "c", "d"] if o != KEYS["ov-g3"]),  # single: 0 of 1
    "ov-g4": {**KEYS["ov-g4"], "cpc": "nha", "cca": "aapc"},            # 3 of 5 pairs -> 1.2 of 2
    "ov-g5": [*KEYS["ov-g5"][:2], "b"],                                  # 2 right, 1 wrong, of 3 -> 1/3 -> 0.67 of 2
}
CELLS = ["test_ov_g1", "test_ov_g2", "test_ov_g3", "test_ov_g4", "test_ov_g5", "coder_steps_test"]
FULL = dict(zip(CELLS, [1, 2, 1, 2, 2, 1]))
ZERO = dict.fromkeys(CELLS, 0)
# student -> expected score of every autograded cell
EXPECTED = {
    "alice": FULL,                                                     # all correct
    "bob": ZERO,                                                       # untouched release, no answers file
    "carol": {**ZERO, "test_ov_g2": 1.87, "test_ov_g4": 1.2, "test_ov_g5": 0.67},  # wrong answers, partial credit
    "dave": {**FULL, "coder_steps_test": 0},                           # code raises an exception
    "erin": {**FULL, "test_ov_g1": 0, "coder_steps_test": 0},          # edited test cells to pass, answers wrong
    "frank": FULL,                                                     # deleted two graded cells: restored, graded
    "gina": {**ZERO, "coder_steps_test": 1},                           # corrupt answers file
    "hank": {**ZERO, "test_ov_g3": 1, "test_ov_g5": 2, "coder_steps_test": 1},  # answers of the wrong shape
    "jack": FULL,                                                      # correct, but warns while being tested
    "kim": ZERO,                                                       # opened, saved nothing (blank answers file)
    "ivy": FULL,                                                       # switched a test cell's "graded" role off
}
BROKEN = "lee"  # a truncated notebook file: scored 0 with the reason, and the grading command says so by name


def submit(root, student, *, answers=None, raw_answers=None, code=None, edit=None, delete=(), flip=None):
    """Write a submission the way a student's folder would arrive: notebook plus answers file."""
    nb = nbformat.read(root / "release" / A / f"{A}.ipynb", 4)
    if code is not None:
        cell_by_id(nb, "coder_steps_answer").source = code
    for grade_id, source in (edit or {}).items():
        cell_by_id(nb, grade_id).source = source
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in delete]
    if flip:
        cell = cell_by_id(nb, flip)
        cell.metadata.nbgrader["grade"] = False
        cell.metadata.nbgrader["locked"] = False
    folder = root / "submitted" / student / A
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{A}.ipynb")
    (folder / "timestamp.txt").write_text("2026-11-20 12:00:00.000000 UTC")
    path = folder / f"{A}_answers.json"
    if raw_answers is not None:
        path.write_text(raw_answers)
    for item_id, value in (answers or {}).items():
        save_graded(path, A, item_id, value)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Release, submit eleven students, autograde through the course's wrapper, feedback, export."""
    root = copy_course_root(tmp_path_factory.mktemp("cycle"))
    nbgrader(root, "generate_assignment", A)
    warns = ("import warnings\nclass Steps(list):\n    def __eq__(self, other):\n"
             "        warnings.warn('comparison semantics will change', FutureWarning)\n"
             "        return list(self) == list(other)\n" + CORRECT_CODE.replace("= cycle", "= Steps(cycle").replace(".tolist()", ".tolist())"))
    submit(root, "alice", answers=KEYS, code=CORRECT_CODE)
    submit(root, "bob")
    submit(root, "carol", answers=WRONG, code='coder_steps = ["Coding"]')
    submit(root, "dave", answers=KEYS, code='coder_steps = ...\ncoder_steps = cycle["no such column"].tolist()')
    submit(root, "erin", answers={**KEYS, "ov-g1": 9999}, code="coder_steps = []",
           edit={"test_ov_g1": "1.0", "coder_steps_test": "pass"})
    submit(root, "frank", answers=KEYS, code=CORRECT_CODE, delete=("test_ov_g3", "coder_steps_test"))
    submit(root, "gina", raw_answers='{"graded": {"ov-g1": ', code=CORRECT_CODE)
    submit(root, "hank", raw_answers=json.dumps({"bank": A, "graded": {
        "ov-g1": {"answer": "abc"}, "ov-g2": {"answer": "not a list"}, "ov-g3": {"answer": KEYS["ov-g3"]},
        "ov-g4": {"answer": ["aapc"]}, "ov-g5": {"answer": KEYS["ov-g5"]}}}), code=CORRECT_CODE)
    submit(root, "ivy", answers=KEYS, code=CORRECT_CODE, flip="test_ov_g2")
    submit(root, "jack", answers=KEYS, code=warns)
    submit(root, "kim", raw_answers=json.dumps({"bank": A, "graded": {}, "practice": {}}))
    submit(root, BROKEN, answers=KEYS, code=CORRECT_CODE)
    broken = root / "submitted" / BROKEN / A / f"{A}.ipynb"
    broken.write_text(broken.read_text()[:5000])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = autograde_main(["--root", str(root)])
        feedback_status = feedback_main(["--root", str(root)])
    nbgrader(root, "export")
    return root, status, out.getvalue(), feedback_status


def cell_scores(root, student):
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(A, A, student)
        return {g.name: g.score for g in notebook.grades if g.name in CELLS}


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_cell_scores_exactly(graded, student):
    root, *_ = graded
    assert cell_scores(root, student) == pytest.approx(EXPECTED[student])


def test_export_totals(graded):
    root, *_ = graded
    with open(root / "grades.csv", newline="") as handle:
        totals = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(handle)}
    expected = {s: round(sum(cells.values()), 2) for s, cells in EXPECTED.items()}
    assert {s: totals[s] for s in expected} == pytest.approx(expected)
    assert totals[BROKEN] == 0.0  # unreadable: a gradebook row with 0, and the command says why (next test)


def test_the_grading_command_names_the_student_it_could_not_grade(graded):
    root, status, output, _ = graded
    assert status == 1
    assert f"{BROKEN} ({A}): zero: {A}.ipynb is not a readable notebook" in output
    assert "1 of 12 submission(s) were NOT graded" in output
    assert not (root / "autograded" / BROKEN / A).exists()
    assert all((root / "autograded" / s / A).is_dir() for s in EXPECTED)
    with open(root / "reports" / "grading_report.csv", newline="") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert sorted(rows) == sorted([*EXPECTED, BROKEN])
    assert rows[BROKEN]["status"] == "zero" and rows["alice"]["status"] == "graded"
    assert rows["alice"]["isolated"] == "yes" or not os.environ.get("CI"), "CI must grade inside the sandbox"


def test_feedback_never_shows_hidden_test_or_key_file_text(graded):
    root, *_, feedback_status = graded
    assert feedback_status == 0
    pages = sorted((root / "feedback").glob(f"*/{A}/{A}.html"))
    assert len(pages) == len(EXPECTED)
    texts = forbidden_texts(root, A)
    assert any("def graded" in t for t in texts)
    for page in pages:
        text = page.read_text()
        for secret in texts:
            assert secret not in text, (page, secret)


def test_feedback_explains_partial_credit(graded):
    root, *_ = graded
    carol = (root / "feedback" / "carol" / A / f"{A}.html").read_text()
    assert "1.2 of 2 points" in carol and "3 of 5 matched correctly" in carol
    gina = (root / "feedback" / "gina" / A / f"{A}.html").read_text()
    assert "could not be read" in gina


def test_a_feedback_page_names_each_question_and_shows_only_what_the_grader_wrote(graded):
    """A summary, then per graded cell (named as the notebook names it, in its order) the answer, the points and
    the explanation; no test cell, kernel output, widget placeholder or script."""
    import html
    import re

    from billcode.instructor.report.graded_items import graded_items

    root, *_ = graded
    names = graded_items(root, A)
    released = nbformat.read(root / "release" / A / f"{A}.ipynb", 4)
    order = [names[c.metadata.nbgrader["grade_id"]].name for c in released.cells
             if c.metadata.get("nbgrader", {}).get("grade_id") in names]
    for student in ("alice", "carol", "bob"):
        page = (root / "feedback" / student / A / f"{A}.html").read_text()
        headings = [html.unescape(re.sub("<.*?>", "", h)) for h in re.findall(r"<h2 id='item-.*?>(.*?)</h2>", page)]
        assert headings == [n.replace("`", "") for n in order], headings
        for stray in ("run this notebook", "Out[", "In [", "Test cell", "check_saved", "<script", "<img", "<iframe"):
            assert stray not in page, (student, stray)
        assert page.count("<h3>Why</h3>") == len(order) and "Points per learning objective" in page
    alice, carol = (html.unescape(re.sub("<.*?>", "", (root / "feedback" / s / A / f"{A}.html").read_text()))
                    for s in ("alice", "carol"))
    assert "9 of 9 points (100%)" in alice and "Full marks" in alice and "Not yet" not in alice
    assert 'coder_steps = ["Coding"]' in carol and "Your code" in carol  # the student's code, escaped
    assert "You answered: $2,100.00." in carol and "You answered $2,100.00" not in carol  # said once


def test_students_answers_survive_a_stray_master_answers_file(tmp_path):
    """An instructor who ran the master in place leaves key answers in source/: they must not replace a student's."""
    root = copy_course_root(tmp_path)
    nbgrader(root, "generate_assignment", A)
    submit(root, "zoe", answers=WRONG, code='coder_steps = ["Coding"]')
    save_graded(root / "source" / A / f"{A}_answers.json", A, "ov-g3", KEYS["ov-g3"])
    nbgrader(root, "autograde", A, "--force")
    graded_answers = json.loads((root / "autograded" / "zoe" / A / f"{A}_answers.json").read_text())
    assert graded_answers["graded"]["ov-g3"]["answer"] == WRONG["ov-g3"]
    assert cell_scores(root, "zoe")["test_ov_g3"] == 0


def test_grading_again_keeps_manual_scores_and_changes_nothing_else(tmp_path):
    """Re-running the grading command over a graded class loses nothing already in the gradebook."""
    root = copy_course_root(tmp_path)
    nbgrader(root, "generate_assignment", A)
    submit(root, "alice", answers=KEYS, code=CORRECT_CODE)
    submit(root, "carol", answers=WRONG, code='coder_steps = ["Coding"]')
    with contextlib.redirect_stdout(io.StringIO()):
        assert autograde_main(["--root", str(root)]) == 0
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        gb.find_grade("test_ov_g1", A, A, "carol").manual_score = 0.5
        gb.db.commit()
    before = {s: cell_scores(root, s) for s in ("alice", "carol")}
    with contextlib.redirect_stdout(io.StringIO()):
        assert autograde_main(["--root", str(root)]) == 0
    after = {s: cell_scores(root, s) for s in ("alice", "carol")}
    assert after == before and after["carol"]["test_ov_g1"] == 0.5


def test_preflight_catches_a_kernel_without_the_course_package(monkeypatch):
    """A kernel that cannot import billcode would make every test score 0 silently: refuse to grade."""
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    from billcode.instructor.grade.autograde import preflight
    from billcode.instructor.author.release import ReleaseError

    bare = KernelSpec(argv=[sys.executable, "-I", "-S", "-m", "ipykernel_launcher"], display_name="bare", language="python")
    monkeypatch.setattr(KernelSpecManager, "get_kernel_spec", lambda self, name: bare)
    with pytest.raises(ReleaseError, match="cannot import the course package"):
        preflight()


def test_a_private_class_gets_its_own_numbers_and_keys(tmp_path):
    """With a class secret, the released question shows the class's numbers and grading uses the matching key:
    the public copy's answer (1400) earns nothing, the class's answer earns the point."""
    from billcode.instructor.keys import QuizKey, load_graded
    from billcode.instructor.variants import saved_params
    from billcode.quiz.bank import load_bank
    from billcode.quiz.params import choose_params

    bank = load_bank(A)
    secret = next(f"our class secret {n}" for n in range(100)
                  if choose_params(bank, f"our class secret {n}") != choose_params(bank, None))
    root = copy_course_root(tmp_path)
    (root / "class_secret.txt").write_text(secret + "\n")
    nbgrader(root, "generate_assignment", A)
    params = choose_params(bank, secret)
    assert saved_params(root)[A] == params
    position = params["ov-g1"]["position"]
    released = (root / "release" / A / f"{A}.ipynb").read_text()
    assert f"**{position}%**" in released and "**50%**" not in released
    key = next(c.key for c in load_graded(root, A, params).values() if isinstance(c, QuizKey) and c.item == "ov-g1")
    submit(root, "public", answers={"ov-g1": KEYS["ov-g1"]})
    submit(root, "private", answers={"ov-g1": key})
    (root / "class_secret.txt").unlink()  # grading reads the numbers saved at release, not the secret
    with contextlib.redirect_stdout(io.StringIO()):
        assert autograde_main(["--root", str(root)]) == 0
    assert KEYS["ov-g1"] != key
    assert cell_scores(root, "public")["test_ov_g1"] == 0
    assert cell_scores(root, "private")["test_ov_g1"] == 1


STATUS = """
import json
from nbgrader.apps.api import NbGraderAPI
from nbgrader.apps.baseapp import NbGrader
from nbgrader.coursedir import CourseDirectory
app = NbGrader()
app.load_config_file()
api = NbGraderAPI(coursedir=CourseDirectory(config=app.config), config=app.config)
shown = api.get_assignment({name!r})
print(json.dumps([shown["status"], shown["releaseable"]]))
"""


def test_on_one_machine_the_formgraders_release_and_collect_use_the_courses_own_exchange(tmp_path):
    """make instructor makes autograder/exchange/: the formgrader can release (an assignment then shows "released",
    not "draft"), a student of the machine fetches and hands in with nbgrader's commands, and collect takes it."""
    import getpass
    import stat
    import subprocess

    from billcode.instructor.author.release import make_exchange, nbgrader_env

    root = copy_course_root(tmp_path)
    exchange = make_exchange(root)
    assert exchange == root / "exchange" and stat.S_IMODE(exchange.stat().st_mode) == 0o1777

    def status() -> list:
        probe = subprocess.run([sys.executable, "-c", STATUS.format(name=A)], cwd=root, env=nbgrader_env(),
                               capture_output=True, text=True, check=True)
        return json.loads(probe.stdout.strip().splitlines()[-1])

    nbgrader(root, "generate_assignment", A)
    assert status() == ["draft", True]  # releaseable: before the course had an exchange, it could not be
    nbgrader(root, "release_assignment", A)
    assert status() == ["released", True]
    student = tmp_path / "student"
    student.mkdir()
    course = ["--course", "billing-vs-coding", f"--Exchange.root={exchange}"]
    nbgrader(student, "fetch_assignment", A, *course)
    save_graded(student / A / f"{A}_answers.json", A, "ov-g3", KEYS["ov-g3"])
    nbgrader(student, "submit", A, *course)
    nbgrader(root, "collect", A)
    handed_in = root / "submitted" / getpass.getuser() / A
    assert {f"{A}.ipynb", f"{A}_answers.json", "timestamp.txt"} <= {p.name for p in handed_in.iterdir()}
    assert json.loads((handed_in / f"{A}_answers.json").read_text())["graded"]["ov-g3"]["answer"] == KEYS["ov-g3"]
