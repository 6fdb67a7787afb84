"""05b's personal plan: the learner's choices written to a Markdown file they keep (and can download)."""

from __future__ import annotations

import base64
import html
import json
from datetime import date, datetime
from pathlib import Path

import ipywidgets as widgets

from billcode.amounts import format_amount
from billcode.careers.choosing import SelfAssessment, saved_assessment
from billcode.choice import AccessibleSelect
from billcode.slider import AccessibleSlider

PLAN_FILE = "my_plan.md"
PLAN_DATA = "my_plan.json"  # the same answers as data, so the builder can fill itself in next time
PATHS = [("Not decided yet", ""), ("Medical billing", "billing"), ("Medical coding", "coding"),
         ("A combined billing and coding program", "combined")]
# Each exam with the path it fits, as the article and 04's credentials table (data/credentials.csv) give them.
EXAMS = [("Not decided yet", ""), ("CPC (AAPC), for coding", "CPC"), ("CPB (AAPC), for billing", "CPB"),
         ("CCA (AHIMA), for coding", "CCA"), ("CBCS (NHA), for billing and coding together", "CBCS"),
         ("CCS (AHIMA), later, for hospital coding", "CCS")]
# One box per part of the plan that objective P5 asks for (program, first jobs, someone to shadow, keeping it).
TEXT_FIELDS = {
    "program": "Program I will apply to",
    "first_jobs": "First jobs I will apply for",
    "shadowing": "Someone I could shadow, and software to try",
    "keeping": "How I will keep my credential (CEUs, membership)",
}
# Boxes earlier versions of the builder had: what a learner typed in them is kept in the plan, never dropped.
RETIRED_FIELDS = {"checks": "Checks before I enrol"}


def plan_markdown(plan: dict, assessment: dict | None = None, today: date | None = None) -> str:
    """The plan as Markdown, every field present ("not decided yet" where it is blank)."""
    def value(key: str) -> str:
        text = str(plan.get(key) or "").strip()
        return text if text else "_not decided yet_"

    def amount(key: str, unit: str) -> str:
        try:
            number = float(plan.get(key) or 0)
        except (TypeError, ValueError):
            number = 0.0
        return format_amount(number, unit) if number > 0 else "_not decided yet_"

    path = dict((k, t) for t, k in PATHS).get(plan.get("path") or "", "Not decided yet")
    exam = dict((k, t) for t, k in EXAMS).get(plan.get("exam") or "", "Not decided yet")
    lines = [f"# My plan: billing, coding or both ({(today or date.today()).isoformat()})", "",
             f"- **Path:** {path}", f"- **Program:** {value('program')}",
             f"- **Budget:** {amount('budget', 'USD')}", f"- **Study time:** {amount('study_months', 'months')}",
             f"- **Exam:** {exam}, target date: {value('exam_date')}",
             f"- **First jobs:** {value('first_jobs')}", f"- **Shadowing and software:** {value('shadowing')}",
             f"- **Keeping the credential:** {value('keeping')}"]
    lines += [f"- **{label}:** {value(key)}" for key, label in RETIRED_FIELDS.items() if str(plan.get(key) or "").strip()]
    lines += [""]
    if assessment:
        lines += ["## What my self-assessment said", "", assessment.get("summary", ""), ""]
        lines += [f"- {reason}" for reason in assessment.get("reasons", [])] + [""]
    lines += ["Made with the course notebook 05b_your_plan. Figures from the article are its claims; check "
              "programs and prices yourself.", ""]
    return "\n".join(lines)


def load_plan(folder: Path | str = ".") -> dict:
    """The plan saved last time, or an empty one (a damaged file is kept aside, never lost)."""
    return read_plan(folder)[0]


def read_plan(folder: Path | str = ".") -> tuple[dict, str]:
    """The plan saved last time and a notice for the learner: empty, unless a damaged file had to be set aside."""
    path = Path(folder) / PLAN_DATA
    if not path.is_file():
        return {}, ""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return data, ""
    except (OSError, ValueError):
        pass
    aside = path.with_suffix(".damaged.json")
    number = 1
    while aside.exists():  # an earlier damaged file is kept too
        number += 1
        aside = path.with_suffix(f".damaged-{number}.json")
    try:
        path.replace(aside)
    except OSError:
        return {}, (f"{PLAN_DATA} could not be read, so the fields start empty. The file is untouched; saving "
                    "will replace it, so copy it first if it matters to you.")
    return {}, (f"{PLAN_DATA} could not be read (damaged or edited by hand), so the fields start empty. It is kept "
                f"as {aside.name} next to this notebook.")


def save_plan(plan: dict, assessment: dict | None = None, folder: Path | str = ".") -> Path:
    """Write my_plan.md and my_plan.json; an earlier my_plan.md that differs is kept as my_plan.previous.md."""
    folder = Path(folder)
    target = folder / PLAN_FILE
    text = plan_markdown(plan, assessment)
    if target.is_file() and target.read_text(encoding="utf-8") != text:
        target.replace(folder / "my_plan.previous.md")
    target.write_text(text, encoding="utf-8")
    (folder / PLAN_DATA).write_text(json.dumps({**plan, "assessment": assessment}, indent=1), encoding="utf-8")
    return target


def _number(value: object) -> float:
    """A saved number, or 0 when the file holds something else (a hand-edited plan)."""
    try:
        number = float(value or 0)
    except (TypeError, ValueError):
        return 0.0
    return number if number == number and number >= 0 else 0.0


class PlanBuilder:
    """The plan's fields, filled in from last time, and a button that saves it as Markdown."""

    def __init__(self, assessment: SelfAssessment | None = None, folder: Path | str = ".") -> None:
        self.assessment, self.folder = assessment, Path(folder)
        saved, notice = read_plan(self.folder)
        suggested = assessment.result().path if assessment else None
        self.path = AccessibleSelect("My path", PATHS, saved.get("path") or suggested or "")
        self.exam = AccessibleSelect("The exam I will sit", EXAMS, saved.get("exam") or "")
        self.budget = AccessibleSlider("My budget", min=0, max=45_000, step=100, value=_number(saved.get("budget")),
                                       unit="USD")
        self.study_months = AccessibleSlider("Months I will study", min=0, max=36, step=1,
                                             value=_number(saved.get("study_months")), unit="months")
        # Wide enough for its label and the whole placeholder (a default Text box cut "for example 2027-09").
        self.exam_date = widgets.Text(value=str(saved.get("exam_date") or ""), description="Exam target (YYYY-MM)",
                                      placeholder="for example 2027-09", style={"description_width": "initial"},
                                      layout=widgets.Layout(width="100%", max_width="32em"))
        self.texts = {key: widgets.Textarea(value=str(saved.get(key) or ""), description=label,
                                            layout=widgets.Layout(width="100%"), style={"description_width": "initial"})
                      for key, label in TEXT_FIELDS.items()}
        self.retired = {key: str(saved[key]) for key in RETIRED_FIELDS if str(saved.get(key) or "").strip()}
        self.button = widgets.Button(description="Save my plan", tooltip="Write my_plan.md next to this notebook")
        self.status = widgets.HTML(f"<p role='status' aria-live='polite'>Not saved yet.{' ' if notice else ''}"
                                   f"{html.escape(notice)}</p>")
        self.button.on_click(lambda _b: self.save())
        self.box = widgets.VBox([self.path, self.exam, self.budget, self.study_months, self.exam_date,
                                 *self.texts.values(), self.button, self.status])
        self.box.add_class("bc-plan-builder")

    def plan(self) -> dict:
        """The fields as set now."""
        return {"path": self.path.value, "exam": self.exam.value, "budget": self.budget.value,
                "study_months": self.study_months.value, "exam_date": self.exam_date.value.strip(),
                **{key: box.value for key, box in self.texts.items()}, **self.retired}

    def save(self) -> str:
        """Check the date, write the files, and say where they are (with a download link)."""
        plan = self.plan()
        past = ""
        if plan["exam_date"]:
            try:
                month = datetime.strptime(plan["exam_date"], "%Y-%m").date()
                if month < date.today().replace(day=1):
                    past = f" The exam month {plan['exam_date']} has already passed: change it if that is not what you meant."
            except ValueError:
                self.status.value = (f"<p role='status' aria-live='polite'><strong>Not saved:</strong> "
                                     f"“{html.escape(plan['exam_date'])}” is not a month like 2027-09 (year, dash, "
                                     "month). Fix it or leave it empty; everything else you typed is still here.</p>")
                return self.status.value
        result = self.assessment.result() if self.assessment else None
        assessment = {"summary": result.summary, "reasons": result.reasons} if result else None
        earlier = Path(self.folder) / PLAN_FILE
        kept = earlier.is_file() and earlier.read_text(encoding="utf-8") != plan_markdown(plan, assessment)
        try:
            target = save_plan(plan, assessment, self.folder)
        except OSError as err:
            self.status.value = (f"<p role='status' aria-live='polite'><strong>Not saved:</strong> this folder cannot "
                                 f"be written to ({html.escape(err.strerror or str(err))}). Copy the text below instead."
                                 f"</p><pre>{html.escape(plan_markdown(plan, assessment))}</pre>")
            return self.status.value
        data = base64.b64encode(target.read_bytes()).decode()
        blanks = [label for key, label in TEXT_FIELDS.items() if not plan[key].strip()]
        more = (" Your earlier plan is kept as my_plan.previous.md." if kept else "") + (
            f" Still blank: {', '.join(blanks)}." if blanks else "") + past
        self.status.value = (f"<p role='status' aria-live='polite'><strong>Saved</strong> to <a href='{PLAN_FILE}' "
                             f"target='_blank'>{PLAN_FILE}</a> next to this notebook at "
                             f"{datetime.now():%H:%M}. <a download='{PLAN_FILE}' href='data:text/markdown;base64,{data}'>"
                             f"Download {PLAN_FILE}</a>.{html.escape(more)}</p>")
        return self.status.value

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = "Plan builder: fill in your plan and save it (run this notebook to use it)"
        return bundle


def plan_builder(assessment: SelfAssessment | None = None) -> PlanBuilder:
    """Show the plan builder; the plan records what the self-assessment said (as saved, when none is passed)."""
    return PlanBuilder(assessment if assessment is not None else saved_assessment("."))
