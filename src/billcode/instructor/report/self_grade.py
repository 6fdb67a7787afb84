"""Grading for self-learners: your saved notebook graded the way an instructor would grade it, with the same page.

    python -m billcode.instructor.report.self_grade course/02_billing.ipynb     (or: make check-my-work NB=...)

or, at the end of each notebook, the "Grade my saved notebook" button (billcode.quiz.self_check, which runs this
command with --json: the learner's kernel never imports the grading code).

It works where the instructor's masters are present (a clone of the course repository, or Binder): it finds the
course root (autograder/ beside or above the notebook, or $BILLCODE_COURSE_ROOT), copies it to a scratch folder,
releases the assignment there, hands in your notebook as saved on disk and your answers file, grades it with
the course's grading command (your code runs in the sandbox) and writes the feedback page next to your
notebook, in feedback/<assignment>.html. Nothing from the key files reaches your notebook or the page (the
page is held back if it would). In a class, where the masters are not there, grading is up to the instructor.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from billcode.instructor.keys import ROOT_ENV
from billcode.quiz.answers import ANSWERS_SUFFIX

NOT_HERE = ("Grading is up to your instructor: this copy has only the notebooks, not the course's grading files (they "
            "come with the whole course repository, as on Binder), so it cannot grade itself. Your answers are saved: "
            "submit your notebook the way your class does.")


@dataclass
class SelfGrade:
    """What grading one saved notebook gave."""

    assignment: str
    score: float | None = None
    max_score: float | None = None
    cells: list[tuple[str, float, float]] = field(default_factory=list)  # (graded cell, points, max)
    waiting: list[str] = field(default_factory=list)  # written answers only a person can grade
    problems: list[str] = field(default_factory=list)
    feedback: Path | None = None
    message: str = ""


def masters_root(notebook: Path) -> Path | None:
    """The course root with masters and keys for this notebook: $BILLCODE_COURSE_ROOT, or autograder/ beside or above it."""
    name = notebook.stem
    candidates = [Path(os.environ[ROOT_ENV])] if os.environ.get(ROOT_ENV) else []
    for folder in notebook.resolve().parent, *notebook.resolve().parents:
        candidates += [folder, folder / "autograder"]
    for root in candidates:
        if ((root / "nbgrader_config.py").is_file() and (root / "keys" / f"{name}.py").is_file()
                and (root / "source" / name / f"{name}.ipynb").is_file()):
            return root
    return None


TIME_LIMIT = 840  # seconds for the whole grading (the notebooks' button gives up at 900)


class OutOfTime(Exception):
    """Grading took longer than TIME_LIMIT."""


def _run(args: list[str], deadline: float, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run a course command in its own process group; past the deadline, stop it and everything it started."""
    from billcode.instructor.author.release import nbgrader_env

    proc = subprocess.Popen([sys.executable, *args], cwd=cwd, env=nbgrader_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise OutOfTime from None
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def scratch_root(masters: Path, dest: Path, assignment: str) -> Path:
    """A private copy of what grading needs: config, keys, this assignment's master and the class's numbers."""
    root = dest / "autograder"
    root.mkdir(parents=True)
    shutil.copy(masters / "nbgrader_config.py", root)
    shutil.copytree(masters / "keys", root / "keys", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(masters / "source" / assignment, root / "source" / assignment,
                    ignore=shutil.ignore_patterns(f"*{ANSWERS_SUFFIX}", ".ipynb_checkpoints"))
    for name in ("class_secret.txt", "class_params.json"):
        if (masters / name).is_file():
            shutil.copy(masters / name, root / name)
    return root


def grade_notebook(notebook: Path, student: str = "me") -> SelfGrade:
    """Grade a saved notebook with the course's own commands, in a scratch copy of the course root."""
    notebook = Path(notebook)
    assignment = notebook.stem
    result = SelfGrade(assignment)
    if not notebook.is_file():
        result.message = f"{notebook} was not found: save the notebook first (Ctrl+S), then grade it."
        return result
    masters = masters_root(notebook)
    if masters is None:
        result.message = NOT_HERE
        return result
    try:
        with tempfile.TemporaryDirectory(prefix="billcode-self-grade-") as scratch:
            _grade_in(Path(scratch), masters, notebook, student, result, time.monotonic() + TIME_LIMIT)
    except OutOfTime:
        result.message = f"Grading took longer than {TIME_LIMIT // 60} minutes and was stopped."
        return result
    if not result.message:
        result.message = summary(result)
    return result


def _grade_in(scratch: Path, masters: Path, notebook: Path, student: str, result: SelfGrade, deadline: float) -> None:
    """Release, hand in, grade and write feedback in the scratch folder (the steps of grade_notebook)."""
    assignment = result.assignment
    root = scratch_root(masters, scratch, assignment)
    made = _run(["-m", "nbgrader", "generate_assignment", assignment, "--force"], deadline, cwd=root)
    if made.returncode != 0:
        result.message = "The assignment could not be released for grading: " + (made.stderr.strip().splitlines()
                                                                                  or ["no detail"])[-1]
        return
    folder = root / "submitted" / student / assignment
    folder.mkdir(parents=True)
    shutil.copyfile(notebook, folder / notebook.name)
    answers = notebook.with_name(f"{assignment}{ANSWERS_SUFFIX}")
    if answers.is_file():
        shutil.copyfile(answers, folder / answers.name)
    unsaved = unsaved_questions(answers, assignment)
    if unsaved:
        result.problems.append(f"{len(unsaved)} graded question(s) have no saved answer ({', '.join(unsaved)}): "
                               "answer each, press Save answer, then grade again")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    (folder / "timestamp.txt").write_text(stamp, encoding="utf-8")
    graded = _run(["-m", "billcode.instructor.grade.autograde", "--root", str(root), "--jobs", "1", assignment], deadline)
    _read_report(root, result)
    if graded.returncode not in (0, 1):
        result.message = "Grading did not finish: " + (graded.stderr.strip().splitlines() or ["no detail"])[-1]
        return
    order = [c.metadata.get("nbgrader", {}).get("grade_id") for c in _cells(notebook)]
    _read_gradebook(root, assignment, student, result, order)
    fed = _run(["-m", "billcode.instructor.report.feedback", "--root", str(root), assignment], deadline)
    page = root / "feedback" / student / assignment / f"{assignment}.html"
    if page.is_file():
        target = notebook.parent / "feedback" / f"{assignment}.html"
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(page, target)
        result.feedback = target
    elif fed.returncode != 0:
        result.problems.append("the feedback page was held back (it would have shown text from the key file); "
                               "the scores above stand")



def unsaved_questions(answers: Path, assignment: str) -> list[str]:
    """The graded questions ("Question 2") with no answer in the learner's answers file."""
    from billcode.quiz.bank import item_number, load_bank

    bank = load_bank(assignment)
    try:
        saved = json.loads(answers.read_text(encoding="utf-8")).get("graded", {}) if answers.is_file() else {}
        saved = saved if isinstance(saved, dict) else {}
    except (OSError, ValueError, AttributeError):
        saved = {}
    return [item_number(bank, i["id"]) for i in bank["items"] if i["mode"] == "graded" and i["id"] not in saved]


UNISOLATED = "ran UNISOLATED: "


def for_a_self_learner(problem: str) -> str:
    """The grading report's note in words a self-learner can act on: an unisolated run (Binder, most laptops without
    bubblewrap) is fine for one's own work, so it is explained, not given an install command to run."""
    if not problem.startswith(UNISOLATED):
        return problem
    why = problem[len(UNISOLATED):]
    if "not installed" in why:
        why = "bubblewrap is not installed on this machine"
    elif "namespaces" in why:
        why = "this platform turns off the namespaces bubblewrap needs, as Binder does"
    else:
        why = why.split(":")[0][:120]
    return (f"graded without the sandbox ({why}). That is fine for your own work: it is your own code that ran. "
            "The sandbox protects a class, where one student's code must not touch another's grade")


def _read_report(root: Path, result: SelfGrade) -> None:
    path = root / "reports" / "grading_report.csv"
    if path.is_file():
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                result.problems += [for_a_self_learner(p) for p in row["problems"].split("; ") if p]


def _cells(notebook: Path) -> list:
    import nbformat

    try:
        return nbformat.read(notebook, as_version=4).cells
    except Exception:  # a damaged file: the report already says so
        return []


def _read_gradebook(root: Path, assignment: str, student: str, result: SelfGrade, order: list) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            return
        result.score, result.max_score = float(submission.score), float(submission.max_score)
        for notebook in submission.notebooks:
            place = {name: i for i, name in enumerate(order)}
            for grade in sorted(notebook.grades, key=lambda g: (place.get(g.name, len(place)), g.name)):
                if grade.needs_manual_grade and grade.manual_score is None and grade.auto_score is None:
                    result.waiting.append(grade.name)
                result.cells.append((grade.name, float(grade.score), float(grade.max_score)))


def summary(result: SelfGrade) -> str:
    """The result in a few plain lines."""
    if result.score is None:
        return "No score was recorded: " + ("; ".join(result.problems) or "see the messages above.")
    if not result.max_score and not result.cells:
        lines = [f"{result.assignment}: practice only: nothing is graded (its practice checks gave you feedback as you "
                 "worked; there are no points)."]
    else:
        lines = [f"{result.assignment}: {result.score:g} of {result.max_score:g} points."]
    if result.waiting:
        lines.append(f"Not counted yet: {', '.join(result.waiting)} (a written answer; a person grades it with the "
                     "rubric, so check it yourself against the notebook's criteria).")
    if result.problems:
        lines.append("Notes: " + "; ".join(result.problems))
    if result.feedback:
        lines.append(f"Feedback page: {result.feedback}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: grade one saved notebook."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--json", action="store_true", help="print the result as JSON (for the notebooks' button)")
    args = parser.parse_args(argv)
    result = grade_notebook(args.notebook)
    if args.json:
        print(json.dumps({"assignment": result.assignment, "score": result.score, "max_score": result.max_score,
                          "cells": result.cells, "waiting": result.waiting, "problems": result.problems,
                          "feedback": str(result.feedback) if result.feedback else None, "message": result.message,
                          "masters": result.message != NOT_HERE}))
    else:
        print(result.message)
    if result.message == NOT_HERE:
        return 2
    return 0 if result.score is not None else 1


if __name__ == "__main__":
    sys.exit(main())
