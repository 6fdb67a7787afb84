"""A practice-only (0-point) assignment, 00_python_for_this_course: release, grading, report, feedback and
self-grading run for it, and none of them says "0 of 0" or flags a missing answers file it never needed."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from billcode.instructor.author.release import nbgrader
from billcode.instructor.grade.autograde import Outcome, grades_questions, take_in
from billcode.instructor.grade.progress import Progress
from billcode.instructor.report import analytics
from billcode.instructor.report.self_grade import SelfGrade, summary
from nbgrader_helpers import AUTOGRADER, copy_course_root

PRACTICE = "00_python_for_this_course"
NO_ANSWERS = "no readable"


def test_only_an_assignment_with_graded_questions_needs_an_answers_file():
    assert not grades_questions(AUTOGRADER, PRACTICE) and not grades_questions(AUTOGRADER, "00b_python_lists_tables")
    assert grades_questions(AUTOGRADER, "01_overview") and grades_questions(AUTOGRADER, "05_choosing_a_path")
    assert grades_questions(AUTOGRADER, "05b_your_plan")  # Question 1 is graded; its only code is practice
    assert grades_questions(AUTOGRADER, "99_no_such_assignment")  # unknown: the missing file is still named


@pytest.mark.parametrize(("assignment", "flagged"), [(PRACTICE, False), ("00b_python_lists_tables", False), ("01_overview", True)])
def test_a_missing_answers_file_is_flagged_only_where_questions_are_graded(tmp_path, assignment, flagged):
    root = tmp_path / "autograder"
    shutil.copytree(AUTOGRADER / "keys", root / "keys")
    folder = root / "submitted" / "amy" / assignment
    folder.mkdir(parents=True)
    shutil.copy(AUTOGRADER.parent / "course" / f"{assignment}.ipynb", folder)
    outcome = Outcome(assignment, "amy")
    assert take_in(root, outcome) is None
    assert any(p.startswith(NO_ANSWERS) for p in outcome.problems) is flagged, outcome.problems


def test_the_console_line_says_practice_only_not_zero_of_zero():
    out = io.StringIO()
    progress = Progress(2, 1, stream=out, live=False)
    progress.finished(Outcome(PRACTICE, "amy", score=0.0, max_score=0.0))
    progress.finished(Outcome("01_overview", "amy", score=0.0, max_score=9.0))
    lines = out.getvalue().splitlines()
    assert f"[1/2] {PRACTICE} amy: graded (practice only: nothing is graded)" in lines
    assert "[2/2] 01_overview amy: graded 0/9" in lines


def test_the_class_report_of_a_gradebook_without_graded_cells_is_empty_not_an_error():
    rows = pd.DataFrame(columns=["assignment", "student", "notebook", "cell", "auto_score", "manual_score",
                                 "extra_credit", "score", "max_score", "needs_manual_grade", "auto_comment",
                                 "manual_comment", "late_penalty"])
    report = pd.DataFrame({"assignment": [PRACTICE] * 2, "student": ["amy", "ben"], "status": ["graded", "zero"],
                           "score": ["0", "0"], "max_score": ["0", "0"], "isolated": ["yes", "yes"],
                           "problems": ["", "no notebook named x was submitted"]})
    graded = analytics.graded_from_notebook(rows, report)
    assert list(graded.columns) == list(rows.columns) and graded.empty
    assert analytics.item_stats(graded, AUTOGRADER).empty and analytics.mastery(graded, AUTOGRADER).empty


def test_self_grading_a_practice_only_notebook_says_so():
    text = summary(SelfGrade(PRACTICE, score=0.0, max_score=0.0))
    assert text.startswith(f"{PRACTICE}: practice only: nothing is graded") and "0 of 0" not in text
    assert summary(SelfGrade("01_overview", score=4.0, max_score=9.0)).startswith("01_overview: 4 of 9 points.")


@pytest.mark.slow
def test_a_practice_only_assignment_goes_through_grading_report_feedback_and_self_grading(tmp_path, monkeypatch):
    """Released, two students graded (one handed in nothing but the notebook), make report, make feedback and the
    self-learner's command: no false flag, no error, and every message says practice only."""
    from billcode.instructor.grade.autograde import main as autograde_main
    from billcode.instructor.report.feedback import main as feedback_main

    root = copy_course_root(tmp_path)
    nbgrader(root, "generate_assignment", PRACTICE)
    for student in ("amy", "ben"):
        (root / "submitted" / student / PRACTICE).mkdir(parents=True)
        shutil.copy(root / "release" / PRACTICE / f"{PRACTICE}.ipynb", root / "submitted" / student / PRACTICE)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert autograde_main(["--root", str(root)]) == 0
        assert analytics.main(["--root", str(root)]) == 0
        assert feedback_main(["--root", str(root)]) == 0
    printed = out.getvalue()
    assert printed.count("graded (practice only: nothing is graded)") == 2 and NO_ANSWERS not in printed, printed
    report = pd.read_csv(root / "reports" / "grading_report.csv", dtype=str, keep_default_na=False)
    assert set(report["status"]) == {"graded"} and set(report["problems"]) == {""}
    assert pd.read_csv(root / "reports" / "flagged.csv").empty and pd.read_csv(root / "reports" / "items.csv").empty
    from nbclient import NotebookClient
    import nbformat

    report_nb = nbformat.read(AUTOGRADER / "class_report.ipynb", as_version=4)
    monkeypatch.setenv("BILLCODE_COURSE_ROOT", str(root))
    NotebookClient(report_nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(root)}}).execute()
    said = "".join(o.get("text", "") for o in report_nb.cells[1].outputs)
    assert "2 submission(s) graded, none of them with a graded cell (practice-only notebooks" in said, said
    page = (root / "feedback" / "amy" / PRACTICE / f"{PRACTICE}.html").read_text(encoding="utf-8")
    assert "Practice only: nothing in this notebook is graded." in page and "0 of 0" not in page
    learner = tmp_path / "learner"
    learner.mkdir()
    shutil.copy(AUTOGRADER.parent / "course" / f"{PRACTICE}.ipynb", learner)
    done = subprocess.run([sys.executable, "-m", "billcode.instructor.report.self_grade", str(learner / f"{PRACTICE}.ipynb")],
                          capture_output=True, text=True, timeout=600, env={**os.environ, "BILLCODE_COURSE_ROOT": str(root)})
    assert done.returncode == 0 and f"{PRACTICE}: practice only: nothing is graded" in done.stdout, done.stdout + done.stderr
    assert NO_ANSWERS not in done.stdout and "0 of 0" not in done.stdout

