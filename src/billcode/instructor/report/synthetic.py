"""Synthetic submissions for tests, benchmarks and a try-out: a class whose every answer is known in advance.

    python -m billcode.instructor.report.synthetic [--root autograder] [--students 10] [ASSIGNMENT ...]

Each submission starts from the released notebook (release/<assignment>/) and is filled in the way a student
would: solution cells from the master (the instructor's own solution, markers removed) or left as released,
and quiz answers written to the answers file, right (the key) or wrong. Broken ones are cut short or crash.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from billcode.instructor.keys import QuizKey, load_graded
from billcode.instructor.variants import class_params
from billcode.quiz.answers import ANSWERS_SUFFIX, FORMAT
from billcode.quiz.bank import load_bank

KINDS = ("honest", "partial", "blank", "broken")
MIX = ("honest", "honest", "honest", "honest", "partial", "partial", "partial", "blank", "blank", "broken")
TIMESTAMP = "2026-11-20 12:00:00.000000 UTC"


@dataclass
class Plan:
    """What one synthetic student does on one assignment."""

    solved: set[str] = field(default_factory=set)  # solution cells (grade_id) filled with the master's solution
    right: set[str] = field(default_factory=set)  # quiz items answered with the key
    wrong: set[str] = field(default_factory=set)  # quiz items answered wrongly
    broken: str | None = None  # "cut": the notebook file is cut short; "crash": the kernel dies in the first cell


def solutions(root: Path, assignment: str) -> dict[str, str]:
    """The master's solution cells (code and written), grade_id -> source without the solution markers."""
    master = nbformat.read(Path(root) / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    found = {}
    for cell in master.cells:
        role = cell.metadata.get("nbgrader", {})
        if role.get("solution"):
            lines = [line for line in cell.source.splitlines() if line.strip() not in
                     ("### BEGIN SOLUTION", "### END SOLUTION", "=== BEGIN MARK SCHEME ===", "=== END MARK SCHEME ===")]
            found[role["grade_id"]] = "\n".join(lines)
    return found


def quiz_keys(root: Path, assignment: str) -> dict[str, object]:
    """This class's key of every graded quiz item (class numbers included)."""
    bank = load_bank(assignment)
    return {c.item: c.key for c in load_graded(root, assignment, class_params(Path(root), bank)).values()
            if isinstance(c, QuizKey)}


def wrong_answer(key: object) -> object:
    """An answer that is not the key (the same shape, so it is graded, not refused)."""
    if isinstance(key, bool):
        return not key
    if isinstance(key, int | float):
        return key + 7
    if isinstance(key, str):
        return ("b" if key != "b" else "a") if len(key) == 1 else key[:-1] + ("X" if key[-1] != "X" else "Y")
    if isinstance(key, list):
        return key[:-1] if len(key) > 1 else ["zz"]
    if isinstance(key, dict):
        values = list(key.values())
        return {k: next((v for v in values if v != key[k]), "none") for k in key}
    return None


def write_submission(root: Path, assignment: str, student: str, plan: Plan, timestamp: str = TIMESTAMP) -> Path:
    """Write submitted/<student>/<assignment>/ as that student would hand it in; return the folder."""
    root = Path(root)
    folder = root / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(root / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    answers = solutions(root, assignment)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in plan.solved and grade_id in answers:
            cell.source = answers[grade_id]
    if plan.broken == "crash":  # in an answer cell: nbgrader puts a changed locked cell back before grading
        first = next((c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")),
                     None)
        if first is None:
            first = nbformat.v4.new_code_cell("")
            nb.cells.insert(1, first)
        first.source = "import os\nos._exit(1)\n" + first.source
    text = nbformat.writes(nb)
    if plan.broken == "cut":
        text = text[: len(text) // 2]
    (folder / f"{assignment}.ipynb").write_text(text, encoding="utf-8")
    keys = quiz_keys(root, assignment)
    graded = {item: {"answer": keys[item]} for item in sorted(plan.right) if item in keys}
    graded.update({item: {"answer": wrong_answer(keys[item])} for item in sorted(plan.wrong) if item in keys})
    if graded:
        payload = {"format": FORMAT, "bank": assignment, "graded": graded, "practice": {}}
        (folder / f"{assignment}{ANSWERS_SUFFIX}").write_text(json.dumps(payload), encoding="utf-8")
    (folder / "timestamp.txt").write_text(timestamp, encoding="utf-8")
    return folder


def plan_for(kind: str, cells: Iterable[str], items: Iterable[str], rng: random.Random) -> Plan:
    """A plan of one kind: honest (all right), partial (about half), blank (as released) or broken."""
    cells, items = sorted(cells), sorted(items)
    if kind == "honest":
        return Plan(set(cells), set(items))
    if kind == "partial":
        solved = {c for c in cells if rng.random() < 0.5}
        right = {i for i in items if rng.random() < 0.5}
        return Plan(solved, right, set(items) - right)
    if kind == "blank":
        return Plan()
    if kind == "broken":
        return Plan(set(cells), set(items), broken=rng.choice(["cut", "crash"]))
    raise ValueError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")


def synthetic_class(root: Path, students: int, assignments: Iterable[str], seed: int = 2026,
                    mix: tuple[str, ...] = MIX) -> dict[str, str]:
    """Write `students` submissions of every assignment, kinds taken in turn from mix; return student -> kind."""
    rng = random.Random(seed)
    kinds = {f"s{n:03d}": mix[n % len(mix)] for n in range(students)}
    for assignment in assignments:
        cells, items = solutions(root, assignment), quiz_keys(root, assignment)
        for student, kind in kinds.items():
            write_submission(root, assignment, student, plan_for(kind, cells, items, rng))
    return kinds


def demo_name(student: str, kind: str) -> tuple[str, str]:
    """(first, last) name of a synthetic student, as the formgrader lists it: "Student 003, Honest demo"."""
    return f"{kind.capitalize()} demo", f"Student {student.lstrip('s')}"


def name_students(root: Path, kinds: dict[str, str]) -> None:
    """Give each synthetic student a name in the gradebook (the formgrader would list "None, None"); a student who
    already has a name keeps it."""
    from nbgrader.api import Gradebook

    from billcode.instructor.report.analytics import db_url

    with Gradebook(db_url(Path(root))) as gb:
        for student, kind in kinds.items():
            known = gb.update_or_create_student(student)
            if not known.first_name and not known.last_name:
                known.first_name, known.last_name = demo_name(student, kind)
        gb.db.commit()


def main(argv: list[str] | None = None) -> int:
    """Command line: release what is not released yet, then write a synthetic class under submitted/."""
    from billcode.instructor.author.release import assignments, nbgrader

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="assignments (default: every one under source/)")
    parser.add_argument("--root", default="autograder")
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    root = Path(args.root)
    names = args.names or assignments(root)
    if args.students < 1:
        parser.error("--students must be 1 or more")
    taken = [f"submitted/{s}/{n}" for s in (f"s{k:03d}" for k in range(args.students)) for n in names
             if (root / "submitted" / s / n).exists()]
    if taken:
        print(f"Not written: {len(taken)} submission folder(s) already exist (for example {taken[0]}). Move them "
              "away first; this command never overwrites a submission.", file=sys.stderr)
        return 1
    for name in names:
        if not (root / "release" / name / f"{name}.ipynb").is_file():
            nbgrader(root, "generate_assignment", name)
    kinds = synthetic_class(root, args.students, names, seed=args.seed)
    name_students(root, kinds)
    mix = ", ".join(f"{sum(k == kind for k in kinds.values())} {kind}" for kind in KINDS)
    print(f"Wrote {len(kinds) * len(names)} synthetic submission(s) under {root / 'submitted'}: {len(kinds)} "
          f"student(s) ({mix}) x {len(names)} assignment(s). Grade them with: make grade")
    return 0


if __name__ == "__main__":
    sys.exit(main())
