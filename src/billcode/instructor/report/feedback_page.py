"""The feedback page a student gets: a summary, then each graded question and exercise with its answer, points and
explanation. nbgrader's GenerateFeedback uses it as its exporter (nbgrader_config.py), so `make feedback`, the
formgrader's "Generate Feedback" button, the hub and self-grading all write the same page.

Built from what the grader recorded, never from the notebook's prose: scores, comments and the late penalty from
the gradebook; names and learning objectives from the bank (graded_items.py); each graded cell's result and
explanation from the parts the grader stored with its score (grading_steps.ScoreOutsideKernel); the student's own
code and written answers from the graded notebook. Every text is HTML-escaped (student text is data: nothing a
student wrote forms a tag, a link or a formula), the page loads nothing (no script, no MathJax, no web font, no
image) and lays out at any width from a phone to a desktop. Test cells' source, outputs of cells the student added,
the kernel's own outputs and widgets are not on it. The feedback command still scans every page for key text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from nbconvert.exporters import Exporter
from nbgrader import utils
from traitlets import Unicode, default

from billcode.instructor.grade.grading_steps import FEEDBACK_KEY, TEX_COMMAND
from billcode.instructor.report.graded_items import WRITTEN, GradedItem, bank_or_none, graded_items, points_text, \
    written_items
from billcode.quiz.render import inline_html


@dataclass
class Graded:
    """One graded cell of one submission, as the page shows it."""

    item: GradedItem
    score: float
    points: float
    waiting: bool = False  # a written answer no person has graded yet
    auto_score: float | None = None
    manual_score: float | None = None
    answer: str = ""  # the student's code or written answer ("" for a quiz question: the result says it)
    result: str = ""
    why: str = ""
    comment: str = ""  # the instructor's own comment


@dataclass
class Facts:
    """Everything one page shows."""

    title: str
    assignment: str
    student: str
    score: float
    max_score: float
    late_penalty: float = 0.0
    submitted: str = ""
    items: list[Graded] = field(default_factory=list)
    objectives: dict[str, str] = field(default_factory=dict)  # id -> text, in the bank's order


def fmt(points: float) -> str:
    """Points as the course writes them: 2, 1.5, 0.67."""
    return f"{round(points, 2):g}"


def shown_answer(cell) -> str:
    """The student's answer as they wrote it. A written answer was made inert text at grading (InertStudentMarkdown):
    its three entities and the zero-width spaces are undone here, and the page escapes the text again."""
    text = cell.source
    if cell.cell_type == "markdown":
        text = text.replace(TEX_COMMAND, "\\").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return text


def result_parts(cell) -> tuple[str, str]:
    """(result, why) the grader stored with a graded code cell's score; the whole message when the cell has none."""
    for output in cell.get("outputs", []):
        parts = output.get("metadata", {}).get(FEEDBACK_KEY) if output.get("output_type") == "execute_result" else None
        if isinstance(parts, dict) and isinstance(parts.get("result"), str) and isinstance(parts.get("why"), str):
            return parts["result"], parts["why"]
    text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
    return text.strip(), ""


def gradebook_facts(resources: dict) -> dict:
    """This submission's notebook in the gradebook: scores, comments, late penalty and time."""
    from nbgrader.api import Gradebook

    info = resources["nbgrader"]
    with Gradebook(info["db_url"]) as gb:
        notebook = gb.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
        stamp = gb.find_submission(info["assignment"], info["student"]).timestamp
        return {
            "grades": {g.name: (float(g.score), float(g.max_score), g.auto_score, g.manual_score,
                                bool(g.needs_manual_grade)) for g in notebook.grades},
            "comments": {c.name: c.manual_comment or "" for c in notebook.comments},
            "late_penalty": float(notebook.late_submission_penalty or 0.0),
            "score": float(notebook.score), "max_score": float(notebook.max_score),
            "submitted": stamp.strftime("%d %b %Y, %H:%M UTC") if stamp else "",
        }


def collect_facts(nb, resources: dict, root: Path) -> Facts:
    """What the page shows, in the notebook's order."""
    info = resources["nbgrader"]
    book = gradebook_facts(resources)
    bank = bank_or_none(info["notebook"])
    names = {**graded_items(root, info["assignment"]), **written_items(root, info["assignment"], info["notebook"])}
    facts = Facts(title=(bank or {}).get("title") or info["notebook"], assignment=info["assignment"],
                  student=info["student"], score=book["score"] - book["late_penalty"], max_score=book["max_score"],
                  late_penalty=book["late_penalty"], submitted=book["submitted"],
                  objectives=dict((bank or {}).get("objectives", {})))
    answers: list[tuple[str, str]] = []  # (grade_id, the student's code) of the answer cells since the last graded cell
    seen = set()
    for cell in nb.cells:
        role = cell.metadata.get("nbgrader", {})
        grade_id = role.get("grade_id")
        if cell.cell_type == "code" and role.get("solution") and not role.get("grade"):
            answers.append((str(grade_id), shown_answer(cell).strip()))
            continue
        if not utils.is_grade(cell) or grade_id not in book["grades"] or grade_id in seen:
            continue
        seen.add(grade_id)
        score, points, auto, manual, needs = book["grades"][grade_id]
        item = names.get(grade_id) or GradedItem(grade_id, grade_id, WRITTEN if cell.cell_type == "markdown" else "")
        # The instructor comments on answer cells (the formgrader's comment box): a written answer's own, an
        # exercise's on its answer cells.
        commented = [grade_id, *(a for a, _ in answers)] if item.kind == "exercise" else [grade_id]
        graded = Graded(item, score, points, waiting=needs and manual is None, auto_score=auto, manual_score=manual,
                        comment="\n\n".join(c for c in (book["comments"].get(g, "") for g in commented) if c))
        if cell.cell_type == "markdown":
            graded.answer = shown_answer(cell)
        else:
            graded.result, graded.why = result_parts(cell)
            if item.kind == "exercise":
                graded.answer = "\n\n".join(code for _, code in answers if code)
        answers = []
        facts.items.append(graded)
    return facts


# ---------------------------------------------------------------- HTML

def esc(text: object) -> str:
    """Text as HTML text: every character shown, nothing forms markup."""
    return html.escape(str(text), quote=True)


def anchor(grade_id: str) -> str:
    """An id attribute for a graded cell's section."""
    return "item-" + re.sub(r"[^A-Za-z0-9_-]", "-", grade_id)


def status(graded: Graded) -> tuple[str, str]:
    """(css class, words) of a graded cell's outcome: never colour alone."""
    if graded.waiting:
        return "waiting", "Waiting for your instructor"
    if graded.points and graded.score >= graded.points - 1e-9:
        return "full", "Full marks"
    if graded.score > 0:
        return "part", "Partly right"
    return "none", "Not yet"


def points_line(graded: Graded) -> str:
    """'1.5 of 2 points', or what is waiting."""
    if graded.waiting:
        return f"{fmt(graded.points)} point{'' if graded.points == 1 else 's'}, not graded yet"
    line = f"{fmt(graded.score)} of {points_text(graded.points)}"
    if graded.manual_score is not None and graded.auto_score is not None and graded.manual_score != graded.auto_score:
        line += f" (your instructor changed the grader's {fmt(graded.auto_score)})"
    return line


LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def prose_html(text: str) -> str:
    """A written answer as paragraphs of plain text: blank lines part paragraphs, a list item starts a line, other
    line breaks are the spaces Markdown makes of them. Nothing else of Markdown or HTML is read."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines()]
        joined = ""
        for line in lines:
            joined += ("<br>" if joined and LIST_ITEM.match(line) else " " if joined else "") + esc(line)
        paragraphs.append(f"<p>{joined}</p>")
    return "".join(paragraphs)


def summary_html(facts: Facts) -> str:
    """The summary at the top: the score, what waits for a person, and the points per learning objective."""
    if not facts.items:
        return ("<p class='total'><strong>Practice only: nothing in this notebook is graded.</strong></p>"
                "<p>Its practice checks and exercises gave you feedback as you worked; there are no points to show "
                "here.</p>")
    waiting = [g for g in facts.items if g.waiting]
    share = f" ({facts.score / facts.max_score:.0%})" if facts.max_score and not waiting else ""
    out = [f"<p class='total'><strong>{fmt(facts.score)} of {points_text(facts.max_score)}</strong>"
           + (" so far" if waiting else share) + "</p>"]
    if waiting:
        pending = sum(g.points for g in waiting)
        out.append(f"<p>{esc(points_text(pending))} wait for your instructor's grading: "
                   + "; ".join(inline_html(g.item.name) for g in waiting) + ".</p>")
    if facts.late_penalty:
        out.append(f"<p>Handed in late: {esc(points_text(facts.late_penalty))} taken off.</p>")
    rows = []
    for objective, text in [*facts.objectives.items(), ("", "")]:
        mine = [g for g in facts.items if g.item.objective == objective]
        if objective == "":  # cells no objective covers (a written answer): one row each
            groups = [([g], g.item.name) for g in mine]
        else:
            groups = [(mine, f"{objective}: {text}")] if mine else []
        for cells, name in groups:
            done = [g for g in cells if not g.waiting]
            earned, possible = sum(g.score for g in done), sum(g.points for g in cells)
            shown = f"{fmt(earned)} of {fmt(possible)}" if len(done) == len(cells) else (
                f"{fmt(earned)} of {fmt(sum(g.points for g in done))} so far" if done else "not graded yet")
            rows.append(f"<tr><th scope='row'>{inline_html(name)}</th><td>{esc(shown)}</td></tr>")
    out.append("<table><caption>Points per learning objective</caption><thead><tr><th scope='col'>Learning "
               "objective</th><th scope='col'>Points</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    return "".join(out)


def contents_html(facts: Facts) -> str:
    """The table of contents: each graded cell by its notebook name, with its points."""
    if not facts.items:
        return ""
    rows = "".join(f"<li><a href='#{anchor(g.item.grade_id)}'>{inline_html(g.item.name)}</a> "
                   f"<span class='small'>({esc(points_line(g))})</span></li>" for g in facts.items)
    return f"<nav aria-labelledby='contents'><h2 id='contents'>Contents</h2><ol>{rows}</ol></nav>"


def item_html(graded: Graded) -> str:
    """One graded question or exercise: its name, points, the student's answer, the result and why."""
    kind, words = status(graded)
    ident = anchor(graded.item.grade_id)
    out = [f"<section class='item {kind}' aria-labelledby='{ident}'>",
           f"<h2 id='{ident}'>{inline_html(graded.item.name)}</h2>",
           f"<p class='points'><span class='status'>{esc(words)}</span> {esc(points_line(graded))}</p>"]
    if graded.answer and graded.item.kind == WRITTEN:
        out.append(f"<h3>Your answer</h3><div class='prose'>{prose_html(graded.answer)}</div>")
    elif graded.answer:
        label = "Your code" if graded.item.kind == "exercise" else "Your answer"
        out.append(f"<h3>{label}</h3><pre class='answer'>{esc(graded.answer)}</pre>")
    elif graded.item.kind == WRITTEN:
        out.append("<h3>Your answer</h3><p class='text'>(empty)</p>")
    if graded.result:
        out.append(f"<h3>Result</h3><p class='text'>{esc(graded.result)}</p>")
    if graded.why:
        out.append(f"<h3>Why</h3><p class='text'>{inline_html(graded.why)}</p>")
    if graded.waiting:
        out.append("<p>A person grades this answer with the rubric; the points will show here once they have.</p>")
    if graded.comment:
        out.append(f"<h3>Comment from your instructor</h3><p class='text'>{esc(graded.comment)}</p>")
    out.append("<p class='top'><a href='#summary'>Back to the summary</a></p></section>")
    return "".join(out)


STYLE = """
:root { color-scheme: light; --ink: #1b1b1b; --muted: #4a4a4a; --line: #c9c9c9; --full: #1a7f37; --part: #9a6700;
        --none: #b42318; --waiting: #3d5a99; --link: #0b57d0; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       background: #fff; }
header, main { max-width: 48rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.5rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; line-height: 1.3; margin: 0 0 .5rem; }
h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
p, li { overflow-wrap: anywhere; }
a { color: var(--link); }
.meta, .small { color: var(--muted); font-size: .9rem; }
.total { font-size: 1.35rem; margin: .5rem 0; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
caption { text-align: left; font-weight: 600; padding-bottom: .25rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid var(--line);
         overflow-wrap: anywhere; }
th[scope=row] { font-weight: normal; }
td { white-space: nowrap; }
section.summary, nav { margin: 1.5rem 0; }
nav ol { padding-left: 1.5rem; }
nav li { margin: .25rem 0; }
.item { border: 1px solid var(--line); border-left: .4rem solid var(--line); border-radius: 4px; padding: 1rem;
        margin: 1.5rem 0; }
.item.full { border-left-color: var(--full); }
.item.part { border-left-color: var(--part); }
.item.none { border-left-color: var(--none); }
.item.waiting { border-left-color: var(--waiting); }
.points { margin: 0; }
.status { font-weight: 600; margin-right: .5rem; }
.full .status { color: var(--full); }
.part .status { color: var(--part); }
.none .status { color: var(--none); }
.waiting .status { color: var(--waiting); }
.text { white-space: pre-line; margin: 0; }
.prose { background: #f6f8fa; border: 1px solid var(--line); border-radius: 4px; padding: 0 .75rem; }
.prose p { margin: .6rem 0; }
pre.answer { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f8fa; border: 1px solid var(--line);
             border-radius: 4px; padding: .6rem; margin: 0; font: .9rem/1.45 ui-monospace, "DejaVu Sans Mono",
             monospace; }
.top { margin: 1rem 0 0; font-size: .9rem; }
@media print { .item { break-inside: avoid; } .top { display: none; } }
"""


def page_html(facts: Facts) -> str:
    """The whole page."""
    meta = [f"{facts.assignment}", f"student {facts.student}"]
    if facts.submitted:
        meta.append(f"handed in {facts.submitted}")
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Feedback: {esc(facts.title)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>Feedback: {esc(facts.title)}</h1><p class='meta'>{esc(' · '.join(meta))}</p></header>"
        "<main><section class='summary' aria-labelledby='summary'><h2 id='summary'>Summary</h2>"
        f"{summary_html(facts)}</section>{contents_html(facts)}"
        + "".join(item_html(g) for g in facts.items)
        + "</main></body></html>\n"
    )


class FeedbackPage(Exporter):
    """nbgrader's feedback exporter for this course (c.GenerateFeedback.exporter_class): the page above."""

    course_root = Unicode("", help="The nbgrader course root (keys/, release/): names of the graded cells.").tag(
        config=True)
    output_mimetype = "text/html"

    @default("file_extension")
    def _file_extension_default(self):
        return ".html"

    def from_notebook_node(self, nb, resources=None, **kw):
        """Run the feedback preprocessors (GetGrades, ...), then write the page from the gradebook and the bank."""
        nb, resources = super().from_notebook_node(nb, resources, **kw)
        root = Path(self.course_root or ".").resolve()
        return page_html(collect_facts(nb, resources, root)), resources
