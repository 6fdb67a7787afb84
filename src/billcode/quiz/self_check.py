"""The "Grade my saved notebook" button at the end of each notebook, for learners working on their own.

It runs the course's self-grading command (python -m billcode.instructor.report.self_grade) in a separate process on
the notebook as saved on disk, so the grading code and the key files never enter the learner's kernel, and
shows the score per graded cell and a link to the feedback page. Where the instructor's masters are not there
(a class), the command says that grading is up to the instructor.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import ipywidgets as widgets

TIMEOUT = 900


def run_self_grade(notebook: Path) -> dict:
    """Grade the saved notebook in a separate process; a dict with the score, cells, problems and message."""
    try:
        done = subprocess.run([sys.executable, "-m", "billcode.instructor.report.self_grade", str(notebook), "--json"],
                              capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"score": None, "message": f"Grading took longer than {TIMEOUT // 60} minutes and was stopped."}
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"score": None, "message": "Grading could not run here (the grading command gave no result). "
                                          "Try the command line: python -m billcode.instructor.report.self_grade NOTEBOOK"}


def cell_names(assignment: str) -> dict[str, str]:
    """What learners call each graded cell: 'Question 2 (2 points): ...' or 'Code exercise: ...', by grade_id."""
    from billcode.quiz.bank import load_bank
    from billcode.quiz.render import heading, label

    try:
        bank = load_bank(assignment)
    except Exception:  # an unknown or damaged bank: the grader's own names are shown
        return {}
    names = {f"test_{i['id'].replace('-', '_')}": f"{heading(bank, i)}: {label(i)}" for i in bank["items"]
             if i["mode"] == "graded"}
    names.update({f"{e['name']}_test": f"Code exercise: {e['label']}" for e in bank.get("exercises", [])})
    return names


def result_html(result: dict, here: Path, names: dict[str, str] | None = None) -> str:
    """The result as HTML for the status area: scores in words and a table, never colour alone."""
    message = html.escape(result.get("message") or "")
    if result.get("score") is None:
        return f"<p>{message}</p>"
    names = names or {}
    rows = "".join(f"<tr><td>{html.escape(names.get(str(name), str(name)))}</td><td>{got:g} of {most:g}</td></tr>"
                   for name, got, most in result.get("cells", []))
    parts = [f"<p><strong>{result['score']:g} of {result['max_score']:g} points</strong>, graded as an instructor's "
             "grader would, from your saved notebook.</p>",
             "<table><caption>Points per graded question and exercise</caption><thead><tr><th scope='col'>Graded "
             "question or exercise</th>"
             f"<th scope='col'>Points</th></tr></thead><tbody>{rows}</tbody></table>"]
    if result.get("waiting"):
        parts.append(f"<p>Not counted yet: {html.escape(', '.join(result['waiting']))}: a written answer, graded by a "
                     "person with the rubric. Check yours against the notebook's criteria.</p>")
    if result.get("problems"):
        parts.append("<p>Notes: " + html.escape("; ".join(result["problems"])) + "</p>")
    if result.get("feedback"):
        link = os.path.relpath(result["feedback"], here)
        parts.append(f"<p><a href='{html.escape(link)}' target='_blank' rel='noopener'>Open your feedback page</a> "
                     f"({html.escape(link)}): each graded cell with its message.</p>")
    return "".join(parts)


class SelfCheck:
    """A labelled button and a live status area; grade() can also be called from code."""

    def __init__(self, assignment: str, folder: Path | str | None = None):
        self.assignment = assignment
        self.notebook = Path(folder or os.getcwd()) / f"{assignment}.ipynb"
        self.button = widgets.Button(description="Grade my saved notebook", icon="check",
                                     tooltip="Grades the notebook as last saved (save first with Ctrl+S); about 30 s",
                                     layout=widgets.Layout(width="max-content"))
        self.status = widgets.HTML(value="<p>Save the notebook first (Ctrl+S): the grader reads the saved file.</p>")
        self.status.add_class("billcode-status")
        self.button.on_click(lambda _: self.grade())
        self.widget = widgets.VBox([self.button, self.status], layout=widgets.Layout(margin="0.5em 0"))

    def grade(self) -> dict:
        """Grade the saved notebook now and show the result."""
        if not self.notebook.is_file():
            self.status.value = (f"<p role='status'>{html.escape(self.notebook.name)} is not saved in "
                                 f"{html.escape(str(self.notebook.parent))} yet: save it first (Ctrl+S).</p>")
            return {"score": None}
        saved = datetime.fromtimestamp(self.notebook.stat().st_mtime).strftime("%H:%M:%S")
        self.status.value = f"<p role='status'>Grading the copy saved at {saved}… (about 30 s)</p>"
        self.button.disabled = True
        try:
            result = run_self_grade(self.notebook)
        finally:
            self.button.disabled = False
        shown = result_html(result, self.notebook.parent, cell_names(self.assignment))
        self.status.value = f"<div role='status'>{shown}</div>"
        return result

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = "Grade my saved notebook: a button (run this notebook to use it)"
        return bundle


def check_my_work(assignment: str, folder: Path | str | None = None) -> SelfCheck:
    """The self-grading button for this notebook (it grades nothing until pressed)."""
    return SelfCheck(assignment, folder)
