"""The whole nbgrader cycle on a scratch copy of autograder/: release, submissions, autograde, feedback, export."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sys

import nbformat
import pytest
from nbgrader.api import Gradebook

from billcode.answers import save_graded
from billcode.autograde import main as autograde_main
from billcode.release import nbgrader
from nbgrader_helpers import MASTERS, cell_by_id, copy_course_root, hidden_grades

pytestmark = pytest.mark.slow
A = "01_overview"
MASTER = next(p for p in MASTERS if p.stem == A)
KEYS = {item: g["key"] for item, g in hidden_grades(nbformat.read(MASTER, 4)).items()}
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
BROKEN = "lee"  # a truncated notebook file: nbgrader cannot grade it, the wrapper must say so by name


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
    nbgrader(root, "generate_feedback", A, "--force")
    nbgrader(root, "export")
    return root, status, out.getvalue()


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
    assert totals[BROKEN] == 0.0  # nbgrader could not read it: listed with 0, and the wrapper says so (next test)


def test_wrapper_names_the_student_nbgrader_refused(graded):
    root, status, output = graded
    assert status == 1
    assert f"NOT graded for {BROKEN}" in output
    assert not (root / "autograded" / BROKEN / A).exists()
    assert all((root / "autograded" / s / A).is_dir() for s in EXPECTED)


def test_feedback_never_shows_hidden_test_source(graded):
    root, *_ = graded
    pages = sorted((root / "feedback").glob(f"*/{A}/{A}.html"))
    assert len(pages) == len(EXPECTED)
    for page in pages:
        text = page.read_text()
        for secret in ("BEGIN HIDDEN TESTS", "from billcode.grading import grade", "key=", "_expected"):
            assert secret not in text, (page, secret)


def test_feedback_explains_partial_credit(graded):
    root, *_ = graded
    carol = (root / "feedback" / "carol" / A / f"{A}.html").read_text()
    assert "1.2 of 2 point(s)" in carol and "3 of 5 matched correctly" in carol
    gina = (root / "feedback" / "gina" / A / f"{A}.html").read_text()
    assert "could not be read" in gina


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


def test_preflight_catches_a_kernel_without_the_course_package(monkeypatch):
    """A kernel that cannot import billcode would make every test score 0 silently: refuse to grade."""
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    from billcode.autograde import preflight
    from billcode.release import ReleaseError

    bare = KernelSpec(argv=[sys.executable, "-I", "-S", "-m", "ipykernel_launcher"], display_name="bare", language="python")
    monkeypatch.setattr(KernelSpecManager, "get_kernel_spec", lambda self, name: bare)
    with pytest.raises(ReleaseError, match="cannot import the course package"):
        preflight()
