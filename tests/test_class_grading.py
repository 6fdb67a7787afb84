"""Grading a whole class: parallel grading writes exactly what serial grading writes, the gradebook survives
concurrent writers, the progress line, the class report on a class with known answers, and self-grading."""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from billcode.instructor.report import analytics
from billcode.instructor.grade.autograde import Outcome
from billcode.instructor.grade.progress import Progress, duration
from billcode.instructor.author.release import nbgrader
from billcode.instructor.report.synthetic import Plan, quiz_keys, solutions, synthetic_class, wrong_answer, write_submission
from nbgrader_helpers import AUTOGRADER, copy_course_root

GRADE = [sys.executable, "-m", "billcode.instructor.grade.autograde"]


def grade(root: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([*GRADE, "--root", str(root), *args], capture_output=True, text=True, timeout=900)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return done


def autograded_messages(root: Path) -> dict[tuple[str, str, str], str]:
    """What every graded cell of every autograded notebook says (the grader's message and points)."""
    found = {}
    for path in sorted((root / "autograded").glob("*/*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            role = cell.metadata.get("nbgrader", {})
            if role.get("grade"):
                text = "".join(o.get("text", "") for o in cell.get("outputs", []))
                found[(path.parts[-3], path.parts[-2], role["grade_id"])] = text
    return found


def report_without_times(root: Path) -> pd.DataFrame:
    return analytics.grading_report(root).drop(columns=["seconds"])


# --- parallel == serial ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """One synthetic class (honest, partial, blank, cut short, crashing) graded one by one and two at a time."""
    base = tmp_path_factory.mktemp("class")
    root = copy_course_root(base / "serial")
    names = ["01_overview", "05b_your_plan"]
    for name in names:
        nbgrader(root, "generate_assignment", name)
    kinds = synthetic_class(root, 5, names, mix=("honest", "partial", "blank", "broken", "broken"), seed=7)
    parallel = base / "parallel" / "autograder"
    shutil.copytree(root, parallel)
    serial_run = grade(root, "--jobs", "1")
    parallel_run = grade(parallel, "--jobs", "2")
    return root, parallel, kinds, serial_run, parallel_run


@pytest.mark.slow
def test_parallel_grading_writes_exactly_what_serial_grading_writes(two_runs):
    serial, parallel, kinds, *_ = two_runs
    a, b = analytics.gradebook_rows(serial), analytics.gradebook_rows(parallel)
    assert len(a) == len(b) > 0
    pd.testing.assert_frame_equal(a, b)  # every score, manual flag, comment and late penalty
    pd.testing.assert_frame_equal(report_without_times(serial), report_without_times(parallel))
    assert autograded_messages(serial) == autograded_messages(parallel)


@pytest.mark.slow
def test_the_class_is_graded_as_planned(two_runs):
    serial, _, kinds, serial_run, parallel_run = two_runs
    report = analytics.grading_report(serial).set_index(["assignment", "student"])
    for student, kind in kinds.items():
        for name in ("01_overview", "05b_your_plan"):
            row = report.loc[(name, student)]
            if kind == "honest":
                assert row["status"] == "graded" and float(row["score"]) > 0, row
            if kind == "blank":
                assert float(row["score"]) == 0, row
    totals = analytics.scores(analytics.gradebook_rows(serial)).set_index(["assignment", "student"])
    assert totals.loc[("01_overview", "s000"), "score"] == totals.loc[("01_overview", "s000"), "max_score"] == 9
    assert totals.loc[("05b_your_plan", "s000"), "score"] == 1  # 4 less the reflection, which waits for a grader
    # ... and every place that shows that score says so: the console line, the grading report, make report.
    assert totals.loc[("05b_your_plan", "s000"), "waiting_points"] == 3
    assert "05b_your_plan s000: graded 1/4, 3 points wait for hand grading" in serial_run.stdout
    assert report.loc[("05b_your_plan", "s000"), "waiting_points"] == "3"
    assert report.loc[("01_overview", "s000"), "waiting_points"] == "0"
    waits = report["waiting_points"].astype(float)
    assert set(waits[waits > 0].index.get_level_values("student")) >= {s for s, k in kinds.items() if k == "honest"}
    held, points = int((waits > 0).sum()), f"{waits.sum():g}"
    assert f"{held} submission(s) hold written answers not graded yet ({points} points wait" in serial_run.stdout
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert analytics.main(["--root", str(serial)]) == 0
    assert (f"05b_your_plan: {held} submission(s) with written answers not graded yet "
            f"({points} points wait for hand grading") in out.getvalue()
    assert "2 at a time" in parallel_run.stdout and "1 at a time" in serial_run.stdout
    assert "students done" in parallel_run.stdout and "10/10 submissions" in parallel_run.stdout


# --- the gradebook under concurrent writers ----------------------------------------------------------------

HOLD_LOCK = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()  # held until the test says so: no clock decides it
db.execute("COMMIT")
"""

WRITE = """
import sys, time
from billcode.instructor.grade.gradebook_wait import wait_for_gradebook
from nbgrader.api import Gradebook
if sys.argv[2] == "wait":
    wait_for_gradebook()
print("writing", flush=True)
start = time.monotonic()
try:
    with Gradebook("sqlite:///" + sys.argv[1]) as gb:
        gb.update_or_create_student("late_writer")
    print("written", round(time.monotonic() - start, 1))
except Exception as err:
    print("failed:", type(err).__name__, str(err).splitlines()[0])
"""
DRIVER_WAIT = 5  # seconds: the sqlite3 driver's own wait for a lock, which nbgrader keeps


def test_a_writer_waits_for_the_gradebook_instead_of_failing(tmp_path):
    """nbgrader's driver gives up on a locked SQLite gradebook after 5 s; the grading processes wait their turn.
    The lock is held for as long as the test needs, not for a fixed time, so a busy machine cannot decide it: the
    plain writer fails while it is held; the waiting writer is held more than twice the driver's wait, then writes."""
    from nbgrader.api import Gradebook

    db = tmp_path / "gradebook.db"
    with Gradebook(f"sqlite:///{db}") as gb:
        gb.update_or_create_student("first")
    results = {}
    for mode in ("wait", "plain"):
        holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        assert holder.stdout.readline().strip() == "locked"
        writer = subprocess.Popen([sys.executable, "-c", WRITE, str(db), mode], stdout=subprocess.PIPE, text=True)
        assert writer.stdout.readline().strip() == "writing"
        if mode == "wait":
            time.sleep(2.5 * DRIVER_WAIT)  # the writer is blocked for longer than the driver would wait
            assert writer.poll() is None, "the waiting writer gave up while the lock was held"
        else:
            writer.wait(timeout=600)  # it gives up by itself while the lock is still held
        holder.communicate("release\n", timeout=60)
        results[mode] = writer.communicate(timeout=600)[0].strip()
    assert results["wait"].startswith("written"), results
    assert float(results["wait"].split()[1]) > DRIVER_WAIT, results  # it did wait past the driver's limit
    assert results["plain"].startswith("failed:") and "locked" in results["plain"], results  # why the wait is needed


def test_the_wait_applies_to_every_new_sqlite_connection(tmp_path):
    probe = ("import sys\nfrom billcode.instructor.grade.gradebook_wait import busy_timeout, wait_for_gradebook\n"
             "before = busy_timeout(sys.argv[1])\nwait_for_gradebook(300)\nprint(before, busy_timeout(sys.argv[1]))")
    done = subprocess.run([sys.executable, "-c", probe, f"sqlite:///{tmp_path / 'x.db'}"], capture_output=True,
                          text=True, check=True)  # in its own process: this one's connections keep their defaults
    assert done.stdout.split() == ["5000", "300000"]


def dies_or_scores(outcome: Outcome) -> Outcome:
    """A stand-in for grading one submission in a worker (module level, so the pool can send it by name)."""
    if outcome.student == "dies":
        os._exit(1)
    outcome.score, outcome.max_score = 1.0, 1.0
    return outcome


def test_a_grading_process_that_dies_fails_only_what_it_was_grading(tmp_path, monkeypatch):
    """A worker killed mid-run (out of memory, say): its submission fails with the reason, the pool is started
    again, the submissions in flight with it are graded again alone, and every other submission is graded; no
    outcome goes missing and no bystander is lost."""
    from billcode.instructor.grade import autograde

    monkeypatch.setattr(autograde, "_start_worker", lambda root: None)
    monkeypatch.setattr(autograde, "_grade_in_worker", dies_or_scores)
    todo = [Outcome("01_overview", s) for s in ("amy", "ben", "dies", "cat", "dan", "eve")]
    done: dict[int, Outcome] = {}
    autograde.grade_in_parallel(tmp_path, todo, 2, Progress(6, 6, stream=io.StringIO()), tmp_path / "marker", done)
    assert sorted(done) == list(range(6))
    assert done[2].status == "failed" and "grading process stopped" in done[2].problems[0]
    assert sorted(i for i, o in done.items() if o.status == "graded" and o.score == 1.0) == [0, 1, 3, 4, 5]


# --- progress ----------------------------------------------------------------------------------------------

def test_progress_counts_students_failures_and_time_left():
    out = io.StringIO()
    progress = Progress(4, 2, stream=out, live=False)
    for student in ("amy", "amy", "ben", "ben"):
        progress.expect(student)
    progress.finished(Outcome("01_overview", "amy", score=9, max_score=9))
    progress.finished(Outcome("02_billing", "amy", status="zero", score=0, max_score=17, problems=["no notebook"]))
    text = out.getvalue()
    assert "[1/4] 01_overview amy: graded 9/9" in text
    assert "[2/4] 02_billing amy: zero 0/17 (no notebook)" in text
    assert "2/4 submissions · 1/2 students done · 1 not graded so far · about" in text and "left" in text
    live = io.StringIO()
    bar = Progress(2, 1, stream=live, live=True)
    bar.tick()
    assert live.getvalue().startswith("[........................] 0/2")
    bar.finished(Outcome("01_overview", "amy", score=1, max_score=9))
    assert "\r\x1b[2K[1/2] 01_overview amy" in live.getvalue()  # the bar line is replaced, not left behind
    assert duration(42) == "42 s" and duration(185) == "3 min 05 s" and duration(3720) == "1 h 02 min"


def test_the_console_line_says_how_many_points_wait_for_hand_grading():
    out = io.StringIO()
    progress = Progress(3, 3, stream=out, live=False)
    progress.finished(Outcome("05b_your_plan", "amy", score=1, max_score=4, waiting=3))
    progress.finished(Outcome("05b_your_plan", "ben", score=3, max_score=4, waiting=1))
    progress.finished(Outcome("05b_your_plan", "cy", score=4, max_score=4))
    lines = out.getvalue().splitlines()
    assert "[1/3] 05b_your_plan amy: graded 1/4, 3 points wait for hand grading" in lines
    assert "[2/3] 05b_your_plan ben: graded 3/4, 1 point waits for hand grading" in lines
    assert "[3/3] 05b_your_plan cy: graded 4/4" in lines


def test_scores_count_the_points_that_wait_for_hand_grading():
    rows = pd.DataFrame({
        "assignment": ["05"] * 4, "student": ["amy", "amy", "ben", "ben"], "cell": ["q", "reflection"] * 2,
        "score": [2.0, 0.0, 2.0, 2.5], "max_score": [2.0, 3.0] * 2, "auto_score": [2.0, None, 2.0, None],
        "manual_score": [None, None, None, 2.5], "needs_manual_grade": [False, True, False, False]})
    totals = analytics.scores(rows).set_index("student")
    assert totals.loc["amy", ["score", "max_score", "waiting_points"]].tolist() == [2, 5, 3]
    assert totals.loc["ben", ["score", "max_score", "waiting_points"]].tolist() == [4.5, 5, 0]  # graded by a person


# --- the class report on a class with known answers ---------------------------------------------------------

def test_statistics_by_hand():
    assert analytics.correlation([1, 0, 1, 0], [3, 1, 3, 1]) == pytest.approx(1.0)
    assert analytics.correlation([1, 1, 0, 0], [0, 1, 2, 3]) == pytest.approx(-0.894427, abs=1e-6)
    assert math.isnan(analytics.correlation([1, 1, 1], [1, 2, 3]))  # no spread: no correlation
    rows = pd.DataFrame({
        "assignment": ["a"] * 10, "student": ["p", "q", "r", "s", "t"] * 2, "cell": ["x"] * 5 + ["y"] * 5,
        "score": [1, 1, 0, 0, 0, 0, 1, 2, 2, 2], "max_score": [1.0] * 5 + [2.0] * 5,
        "needs_manual_grade": [False] * 10, "manual_score": [None] * 10})
    items = analytics.item_stats(rows).set_index("cell")
    assert items.loc["x", "difficulty"] == 0.4 and items.loc["y", "difficulty"] == 0.7
    # x against the rest (y): [1, 1, 0, 0, 0] vs [0, 1, 2, 2, 2]
    assert items.loc["x", "discrimination"] == pytest.approx(statistics.correlation([1, 1, 0, 0, 0], [0, 1, 2, 2, 2]), abs=1e-3)
    assert items.loc["x", "discrimination"] < -0.8 and items.loc["x", "looks_broken"].startswith("negative discrimination")
    few = analytics.item_stats(rows[rows["student"] != "t"]).set_index("cell")
    assert few.loc["x", "looks_broken"] == ""  # four students are too few to call an item broken


@pytest.fixture(scope="module")
def known_class(tmp_path_factory):
    """01_overview for 8 students whose every answer is planned: see test_the_class_report_finds_what_was_planted."""
    root = copy_course_root(tmp_path_factory.mktemp("known"))
    nbgrader(root, "generate_assignment", "01_overview")
    cells = set(solutions(root, "01_overview"))
    strong = Plan(solved=cells, right={"ov-g2", "ov-g4", "ov-g5"}, wrong={"ov-g1", "ov-g3"})
    weak = Plan(right={"ov-g1"}, wrong={"ov-g2", "ov-g3", "ov-g4", "ov-g5"})
    for n in range(5):
        write_submission(root, "01_overview", f"strong{n}", strong)
    for n in range(2):
        write_submission(root, "01_overview", f"weak{n}", weak)
    write_submission(root, "01_overview", "cut", Plan(solved=cells, broken="cut"))
    done = grade(root, "--jobs", "2")
    return root, done


@pytest.mark.slow
def test_the_class_report_finds_what_was_planted(known_class):
    root, _ = known_class
    paths = analytics.write_reports(root)
    items = pd.read_csv(paths["items"]).fillna({"looks_broken": ""}).set_index("cell")
    # ov-g3 (X12 transactions): nobody was right. ov-g1: only the two weak students were right.
    assert items.loc["test_ov_g3", "difficulty"] == 0 and "everyone scored 0" in items.loc["test_ov_g3", "looks_broken"]
    assert items.loc["test_ov_g1", "difficulty"] == pytest.approx(2 / 7, abs=1e-3)
    assert items.loc["test_ov_g1", "discrimination"] < 0 and "negative" in items.loc["test_ov_g1", "looks_broken"]
    assert (items["students"] == 7).all()  # the cut-short notebook is left out of the item statistics
    for cell in ("test_ov_g2", "test_ov_g4", "test_ov_g5", "coder_steps_test"):
        assert items.loc[cell, "discrimination"] > 0.5 and items.loc[cell, "looks_broken"] == "", cell
    scores = pd.read_csv(paths["scores"]).set_index("student")
    assert (scores.loc[[f"strong{n}" for n in range(5)], "score"] == 7).all()  # 2 + 2 + 2 + 1 of 9
    assert scores.loc["cut", "score"] == 0
    mastery = pd.read_csv(paths["mastery"], keep_default_na=False).set_index("objective")
    assert mastery.loc["O4", "mean_share"] == 0 and mastery.loc["O4", "mastered"] == "no"  # ov-g3 only
    assert mastery.loc["O5", "mean_share"] == pytest.approx(2 / 7, abs=1e-3)  # ov-g1 only
    assert mastery.loc["O6", "students_at_pass_line"] == 5 and mastery.loc["O7", "mastered"] == "yes"
    flagged = pd.read_csv(paths["flagged"], keep_default_na=False)
    assert flagged["student"].tolist() == ["cut"] and "not a readable notebook" in flagged["problems"].iloc[0]


@pytest.mark.slow
def run_class_report(root: Path, monkeypatch) -> nbformat.NotebookNode:
    """autograder/class_report.ipynb, run on the course root `root`."""
    from nbclient import NotebookClient

    nb = nbformat.read(AUTOGRADER / "class_report.ipynb", as_version=4)
    monkeypatch.setenv("BILLCODE_COURSE_ROOT", str(root))
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(root)}}).execute()
    return nb


def test_the_class_report_notebook_runs_on_a_graded_class(known_class, monkeypatch):
    root, _ = known_class
    nb = run_class_report(root, monkeypatch)
    text = "\n".join(o.get("text", "") + json.dumps(o.get("data", {})) for c in nb.cells for o in c.get("outputs", []))
    assert "8 graded submissions" in text and "negative discrimination" in text
    assert "Traceback" not in text
    # Every plot is an image with alt text that says what it shows (no bare PNG output an export would warn about).
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if "image/png" in o.get("data", {})]
    images = [o["data"]["text/html"] for o in outputs if "<img" in o.get("data", {}).get("text/html", "")]
    assert len(images) == 3 and all('src="data:image/png;base64,' in i for i in images)
    assert "alt=\"Histogram of each assignment&#x27;s share of points" in images[0] and "01_overview: 8 student(s)" in images[0]
    assert "Marked as looking broken: 01_overview test_ov_g1, 01_overview test_ov_g3" in images[1]
    assert "01 O4 0% (below 70%)" in images[2]
    # The flagged table shows each problem in full.
    flagged = next(o["data"]["text/html"] for c in nb.cells if "flagged(report)" in c.source for o in c.outputs)
    problem = analytics.grading_report(root).set_index("student").loc["cut", "problems"]
    assert len(problem) > 50 and problem in flagged and "…" not in flagged


def test_the_mastery_axis_ends_at_100_percent_and_each_bar_says_its_share():
    table = pd.DataFrame({"assignment": ["01_overview", "01_overview"], "objective": ["O1", "O2"],
                          "mean_share": [1.0, 0.4], "mastered": ["yes", "no"]})
    fig = analytics.plot_mastery(table)
    ax = fig.axes[0]
    assert ax.get_xlim() == (0, 100)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["01 O1: 100% mastered", "01 O2: 40% below 70%"]
    assert not ax.texts  # no words placed past the end of a full bar
    assert "01 O1 100% (mastered); 01 O2 40% (below 70%)" in analytics.mastery_alt(table)


@pytest.mark.slow
def test_make_report_writes_the_class_report_page_without_warnings(known_class, tmp_path):
    """make report also runs the class report into reports/class_report.html: no "Kernel is running over TCP
    without encryption" (the kernel talks over local sockets), no "Alternative text is missing" (every plot has it)."""
    root, _ = known_class
    shutil.copy(AUTOGRADER / "class_report.ipynb", root)
    done = subprocess.run([sys.executable, "-m", "billcode.instructor.report.analytics", "--root", str(root)],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "without encryption" not in done.stdout + done.stderr and "Alternative text" not in done.stdout + done.stderr
    page = (root / "reports" / "class_report.html").read_text(encoding="utf-8")
    assert f"The same with plots: {root / 'reports' / 'class_report.html'}" in done.stdout
    assert page.count("<img ") == 3 and "No description has been provided" not in page
    assert "analytics.item_stats" not in page  # the tables and plots, not the code
    assert not list(root.glob("kernel*")) and not list(tmp_path.glob("kernel*"))  # no socket files left about


def test_the_class_report_notebook_says_when_nothing_is_graded(tmp_path, monkeypatch):
    nb = run_class_report(copy_course_root(tmp_path), monkeypatch)
    assert "Nothing is graded yet" in "".join(o.get("text", "") for o in nb.cells[1].outputs)


def test_wrong_answers_are_never_the_key():
    for key in [1400.0, 1, "c", "S61.412A", ["a", "c", "e"], {"cpc": "aapc", "cca": "ahima"}, ["x"]]:
        assert wrong_answer(key) != key and type(wrong_answer(key)) is type(key)


# --- self-learners -----------------------------------------------------------------------------------------

def honest_copy(root: Path, folder: Path, name: str = "01_overview") -> Path:
    """A learner's saved notebook and answers, filled in with the master's solutions and the keys."""
    write_submission(root, name, "learner", Plan(set(solutions(root, name)), set(quiz_keys(root, name))))
    folder.mkdir(parents=True, exist_ok=True)
    for item in (root / "submitted" / "learner" / name).iterdir():
        if item.name != "timestamp.txt":
            shutil.copy(item, folder / item.name)
    shutil.rmtree(root / "submitted")
    return folder / f"{name}.ipynb"


@pytest.mark.slow
def test_a_self_learner_gets_the_instructors_score_and_feedback_page(tmp_path):
    """Masters beside the notebook (as in a clone or on Binder): the same score, a feedback page, no key text."""
    from billcode.instructor.report.feedback import forbidden_texts, leaks

    repo = tmp_path / "repo"
    root = copy_course_root(repo)
    nbgrader(root, "generate_assignment", "01_overview")
    notebook = honest_copy(root, repo / "course")
    shutil.rmtree(root / "release")
    (root / "gradebook.db").unlink()
    before = notebook.read_bytes()
    done = subprocess.run([sys.executable, "-m", "billcode.instructor.report.self_grade", str(notebook), "--json"],
                          capture_output=True, text=True, timeout=600)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 0 and result["score"] == result["max_score"] == 9, done.stdout + done.stderr
    page = Path(result["feedback"])
    assert page == repo / "course" / "feedback" / "01_overview.html" and page.is_file()
    assert not leaks(page.read_text(encoding="utf-8"), forbidden_texts(root, "01_overview"))
    assert notebook.read_bytes() == before  # the learner's file is only read
    assert not (root / "submitted").exists() and not (root / "gradebook.db").exists()  # the masters' root untouched


# --- self-grading where bubblewrap cannot run (Binder) ------------------------------------------------------

def test_a_self_learner_is_told_what_an_unsandboxed_run_means_not_what_to_install():
    from billcode.instructor.report.self_grade import for_a_self_learner

    missing = for_a_self_learner("ran UNISOLATED: bubblewrap is not installed (apt-get install bubblewrap)")
    assert missing.startswith("graded without the sandbox (bubblewrap is not installed on this machine)")
    assert "fine for your own work" in missing and "protects a class" in missing
    assert "apt-get" not in missing and "UNISOLATED" not in missing
    binder = for_a_self_learner("ran UNISOLATED: bubblewrap cannot create namespaces here: bwrap: No permissions to "
                                "create new namespace, likely because the kernel does not allow non-privileged users")
    assert "(this platform turns off the namespaces bubblewrap needs, as Binder does)" in binder
    other = "1 cell(s) ran past the 30 s time limit and were interrupted"
    assert for_a_self_learner(other) == other


@pytest.mark.slow
def test_self_grading_without_the_sandbox_says_so_in_a_self_learners_words(tmp_path):
    """The command and the button (which shows the --json result's notes) both get the self-learner's words; the
    class grader keeps its UNISOLATED warning (tests/test_sandbox.py)."""
    shutil.copy(AUTOGRADER.parent / "course" / "00_python_for_this_course.ipynb", tmp_path)
    env = {**os.environ, "BILLCODE_COURSE_ROOT": str(AUTOGRADER), "BILLCODE_SANDBOX": "off"}
    done = subprocess.run([sys.executable, "-m", "billcode.instructor.report.self_grade",
                           str(tmp_path / "00_python_for_this_course.ipynb"), "--json"], capture_output=True, text=True, timeout=600,
                          env=env)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 0, done.stdout + done.stderr
    assert result["problems"] == ["graded without the sandbox (BILLCODE_SANDBOX=off). That is fine for your own work: "
                                  "it is your own code that ran. The sandbox protects a class, where one student's "
                                  "code must not touch another's grade"]
    assert "graded without the sandbox" in result["message"] and "UNISOLATED" not in result["message"]


def test_without_masters_grading_is_up_to_the_instructor(tmp_path):
    shutil.copy(AUTOGRADER.parent / "course" / "01_overview.ipynb", tmp_path)
    done = subprocess.run([sys.executable, "-m", "billcode.instructor.report.self_grade", str(tmp_path / "01_overview.ipynb")],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "BILLCODE_COURSE_ROOT": ""})
    assert done.returncode == 2 and "Grading is up to your instructor" in done.stdout


def test_the_button_is_labelled_and_explains_an_unsaved_notebook(tmp_path):
    from billcode.quiz.self_check import check_my_work, result_html

    check = check_my_work("01_overview", tmp_path)
    assert check.button.description == "Grade my saved notebook" and "Ctrl+S" in check.button.tooltip
    assert check.grade() == {"score": None} and "is not saved" in check.status.value
    shown = result_html({"score": 7.0, "max_score": 9.0, "cells": [["test_ov_g1", 1.0, 1.0]], "waiting": [],
                         "problems": [], "feedback": str(tmp_path / "feedback" / "01_overview.html")}, tmp_path)
    assert "7 of 9 points" in shown and "<caption>" in shown and "href='feedback/01_overview.html'" in shown
    assert "<script" not in result_html({"score": None, "message": "<script>x</script>"}, tmp_path)


@pytest.mark.slow
def test_make_demo_class_writes_a_synthetic_class_and_never_overwrites_one(tmp_path, capsys):
    """python -m billcode.instructor.report.synthetic: releases what it needs, writes the class, refuses to write twice."""
    from billcode.instructor.report import synthetic

    root = copy_course_root(tmp_path)
    assert synthetic.main(["--root", str(root), "--students", "10", "01_overview"]) == 0
    assert "Wrote 10 synthetic submission(s)" in capsys.readouterr().out
    folders = sorted(p.name for p in (root / "submitted").iterdir())
    assert folders == [f"s{n:03d}" for n in range(10)]
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:  # the formgrader lists them by name, not "None, None"
        named = {s.id: (s.last_name, s.first_name) for s in gb.students}
        gb.update_or_create_student("s001", first_name="Ada", last_name="Lovelace")  # a name someone gave
    assert named["s000"] == ("Student 000", "Honest demo") and named["s009"] == ("Student 009", "Broken demo")
    before = {p: p.stat().st_mtime_ns for p in (root / "submitted").rglob("*") if p.is_file()}
    assert synthetic.main(["--root", str(root), "--students", "10", "01_overview"]) == 1
    assert "never overwrites" in capsys.readouterr().err
    assert before == {p: p.stat().st_mtime_ns for p in (root / "submitted").rglob("*") if p.is_file()}
    synthetic.name_students(root, {"s001": "honest"})
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        assert (gb.find_student("s001").first_name, gb.find_student("s001").last_name) == ("Ada", "Lovelace")


@pytest.mark.slow
def test_a_crashing_synthetic_student_crashes_in_an_answer_cell(tmp_path):
    root = copy_course_root(tmp_path)
    nbgrader(root, "generate_assignment", "01_overview")
    folder = write_submission(root, "01_overview", "boom", Plan(broken="crash"))
    cells = [c for c in nbformat.read(folder / "01_overview.ipynb", 4).cells if "os._exit(1)" in c.source]
    assert len(cells) == 1 and cells[0].metadata["nbgrader"]["solution"] and not cells[0].metadata["nbgrader"]["locked"]
