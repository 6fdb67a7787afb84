"""The mastery report: how a learner is doing on each learning objective, against a 70% pass line."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from billcode.quiz.answers import read_answers

PASS_LINE = 0.70  # AAPC's CPC/CPB pass mark and the CMS MLN certificate line (curriculum brief §0)


def _first_score(entry: object) -> float | None:
    if not isinstance(entry, dict):
        return None
    value = entry.get("first_score")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return min(max(float(value), 0.0), 1.0)


def mastery_table(bank: dict, practice: dict, hints: dict | None = None) -> pd.DataFrame:
    """One row per objective: practice checks answered, first-try score, status and hints opened (never graded)."""
    hints = hints or {}
    rows = []
    for objective, text in bank["objectives"].items():
        core = [i for i in [*bank["items"], *bank.get("exercises", [])] if not i.get("stretch")]  # stretch: optional
        items = [i["id"] for i in core if "id" in i and i["objective"] == objective and i["mode"] == "practice"]
        items += [e["name"] for e in core if "name" in e and e["objective"] == objective and e.get("mode") == "practice"]
        tasks = items + [e["name"] for e in bank.get("exercises", []) if e["objective"] == objective
                         and e.get("mode", "graded") == "graded"]
        scores = [s for s in (_first_score(practice.get(i)) for i in items) if s is not None]
        score = sum(scores) / len(scores) if scores else None
        if score is None:
            everything = [*bank["items"], *bank.get("exercises", [])]
            optional = any(i.get("stretch") and i.get("objective") == objective and i.get("mode") == "practice"
                           for i in everything)
            graded = any(not i.get("stretch") and i.get("objective") == objective and i.get("mode", "graded") == "graded"
                         for i in everything)
            status = ("Not started" if items else
                      "Optional practice only" if not graded else
                      "Graded work (extra practice optional)" if optional else "Graded work only (no practice check)")
        else:
            status = "Met" if score >= PASS_LINE else "Not yet"
        opened = sum(v for k, v in hints.items() if k in tasks and type(v) is int)
        rows.append(
            {"objective": objective, "description": text, "answered": len(scores), "checks": len(items),
             "first_try_score": score, "status": status, "hints_opened": opened}
        )
    return pd.DataFrame(rows)


def mastery_html(table: pd.DataFrame, graded: bool = True) -> str:
    """Render the report as an accessible HTML table; status words carry the meaning, not colour."""
    body = []
    for row in table.itertuples():
        score = "–" if row.first_try_score is None or pd.isna(row.first_try_score) else f"{row.first_try_score:.0%}"
        mark = {"Met": "✔ Met", "Not yet": "✘ Not yet"}.get(row.status, row.status)
        body.append(
            f"<tr><th scope='row'>{html.escape(row.objective)}</th><td>{html.escape(row.description)}</td>"
            f"<td>{row.answered} of {row.checks}</td><td>{score}</td><td style='white-space:nowrap'>{html.escape(mark)}</td>"
            f"<td>{row.hints_opened}</td></tr>"
        )
    answered = int(table["answered"].sum())
    if graded and int(table["checks"].sum()) == 0:  # nothing to practise on the clock: say so, not "0 of 0"
        caption = ("This notebook has no practice checks outside its optional sections, so there is no first-try score "
                   "here: your graded work gets its results when it is graded. Hints opened counts the hints you opened, "
                   "for you to see where you needed help; they never count in a grade.")
    else:
        caption = (
            "Your mastery so far, from the first try at each practice check "
            f"you have answered ({answered} so far). Pass line: {PASS_LINE:.0%}. "
            + ("Graded questions are not counted here: their results come with grading. \u2718 Not yet means: go back "
               "over that section, and look again at its graded answers before you submit " if graded else
               "This notebook is practice only: nothing in it is graded. \u2718 Not yet means: go back over that "
               "section before the next notebook ")
            + "(the report keeps your first try; later tries show in each check). Hints opened counts the hints of "
            "the objective's checks and code exercises, graded ones too, for you to see where you needed help; they "
            "never count in a grade.")
    return (
        f"<table class='bc-mastery'><caption>{caption}</caption>"
        "<thead><tr><th scope='col'>Objective</th><th scope='col'>What you can do</th>"
        "<th scope='col'>Checks answered</th><th scope='col'>First-try score</th><th scope='col'>Status</th>"
        "<th scope='col'>Hints opened</th></tr></thead><tbody>" + "".join(body) + "</tbody></table>"
    )


class MasteryReport:
    """The report on screen, with a button to bring it up to date."""

    def __init__(self, bank: dict, path: Path, name: str) -> None:
        self.bank, self.path, self.name = bank, Path(path), name
        self.view = widgets.HTML()
        self.button = widgets.Button(description="Update report", tooltip="Recompute the mastery report")
        self.button.on_click(lambda _b: self.refresh())
        self.box = widgets.VBox([self.view, self.button])
        self.box.add_class("bc-mastery-report")
        self.refresh()

    @property
    def table(self) -> pd.DataFrame:
        """The report as a DataFrame."""
        record = read_answers(self.path, self.name)
        return mastery_table(self.bank, record.practice, record.hints)

    def refresh(self) -> None:
        """Re-read the saved practice results and redraw the table."""
        record = read_answers(self.path, self.name)
        note = f"<p role='status'>{html.escape(record.problem)}</p>" if record.problem else ""
        self.view.value = note + mastery_html(mastery_table(self.bank, record.practice, record.hints),
                                               graded=any(i.get("mode") == "graded" for i in self.bank["items"])
                                               or any(e.get("mode", "graded") == "graded"
                                                      for e in self.bank.get("exercises", [])))

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = "Mastery report (run this notebook to see your progress)"
        return bundle
