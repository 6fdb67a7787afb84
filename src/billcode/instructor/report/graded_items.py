"""What each graded cell of an assignment is called and which learning objective it serves.

Read from the question bank and the key file (which cell checks which question or exercise), and for a written
answer from the heading above it in the released notebook: the names learners see in their own notebook, such as
"Question 2 (2 points): A program's first-try pass rate" or "Code exercise (3 points): Flag a program's weak claims".
Nothing here depends on a notebook's exact prose, so the masters can be rewritten freely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from billcode.instructor.keys import QuizKey, load_graded
from billcode.instructor.variants import class_params
from billcode.quiz.bank import load_bank
from billcode.quiz.render import heading, label

WRITTEN = "written"


@dataclass(frozen=True)
class GradedItem:
    """One graded cell as learners know it."""

    grade_id: str
    name: str  # the notebook's own: "Question 2 (2 points): ...", "Code exercise (2 points): ... (`lean`)", "Reflection ..."
    kind: str  # "question", "exercise" or WRITTEN (graded by hand)
    objective: str = ""  # the bank's learning objective id ("P3"), "" when the bank gives none
    objective_text: str = ""


def bank_or_none(assignment: str) -> dict | None:
    """The assignment's question bank, or None when the course has none for it."""
    try:
        return load_bank(assignment)
    except FileNotFoundError:
        return None


def points_text(points: float) -> str:
    """'1 point', '2 points', '1.5 points'."""
    return f"{points:g} point{'' if points == 1 else 's'}"


def graded_items(root: Path | str, assignment: str) -> dict[str, GradedItem]:
    """grade_id -> GradedItem for every cell the key file grades (written answers: see written_items)."""
    bank = bank_or_none(assignment)
    if bank is None:
        return {}
    texts = bank.get("objectives", {})
    exercises = {e["name"]: e for e in bank.get("exercises", [])}
    questions = {i["id"]: i for i in bank["items"]}
    found = {}
    for grade_id, check in load_graded(Path(root), assignment, class_params(Path(root), bank)).items():
        if isinstance(check, QuizKey) and check.item in questions:
            item = questions[check.item]
            name, kind, objective = f"{heading(bank, item)}: {label(item)}", "question", item.get("objective", "")
        elif isinstance(check, QuizKey):  # a key for a question the bank does not have
            name, kind, objective = f"Question {check.item}", "question", ""
        elif check.name in exercises:
            exercise = exercises[check.name]
            points = f" ({points_text(exercise['points'])})" if exercise.get("points") else ""
            name = f"Code exercise{points}: {exercise['label']} (`{check.name}`)"  # as "Check your notebook" lists it
            kind, objective = "exercise", exercise["objective"]
        else:  # a key file entry the bank does not describe: its own name
            name, kind, objective = f"Code exercise: `{check.name}`", "exercise", ""
        found[grade_id] = GradedItem(grade_id, name, kind, objective, texts.get(objective, ""))
    return found


HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def written_items(root: Path | str, assignment: str, notebook: str | None = None) -> dict[str, GradedItem]:
    """grade_id -> GradedItem for every written (markdown) answer graded by hand, named by the heading above it in
    the released notebook (release/, else the master): "Reflection (3 points, graded by your instructor)"."""
    import nbformat

    notebook = notebook or assignment
    root = Path(root)
    for folder in ("release", "source"):
        path = root / folder / assignment / f"{notebook}.ipynb"
        if path.is_file():
            cells = nbformat.read(path, as_version=4).cells
            break
    else:
        return {}
    found, last_heading = {}, ""
    for cell in cells:
        role = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and role.get("grade") and role.get("solution"):
            found[role["grade_id"]] = GradedItem(role["grade_id"], last_heading or "Written answer", WRITTEN)
        elif cell.cell_type == "markdown":
            headings = HEADING.findall(cell.source)
            if headings:
                last_heading = re.sub(r"[*_`]", "", headings[-1])
    return found
