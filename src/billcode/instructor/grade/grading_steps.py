"""nbgrader autograde steps that keep grading out of the student's hands, each with one job.

- KeepFirstOfEachCell: a graded cell the student duplicated is graded once (replaces DeduplicateIds).
- SandboxedExecute: runs the notebook in the grading sandbox on a scratch copy (replaces Execute), after
  taking a copy of the answers file as submitted.
- ScoreOutsideKernel: scores every graded cell in this process from the key file, replacing the kernel's output.
- DropAddedCellOutputs: outputs of cells the student added do not reach the feedback.
- InertStudentMarkdown: markdown the student wrote or changed reaches the formgrader and feedback as plain text.
"""

from __future__ import annotations

import json
import re
import secrets
import sys
import tempfile
from pathlib import Path

import nbformat
from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer, Unicode

from billcode.quiz.answers import ANSWERS_SUFFIX, MAX_ANSWERS_BYTES, AnswerFile, parse_answers
from billcode.quiz.bank import load_bank
from billcode.exercises import EXERCISES
from billcode.instructor.keys import FunctionCheck, KeyFileError, QuizKey, load_graded
from billcode.instructor.grade.marking import (
    exported_value, message_name, message_parts, score_function, score_quiz, score_value,
)
from billcode.instructor.grade.run_notebook import MAX_NOTEBOOK_OUTPUTS, MAX_OUTPUTS, MAX_RECORDS, graded
from billcode.instructor.grade.sandbox import run_isolated
from billcode.quiz.checks import EXPORT_MIME, GRADING_FILE, decode_args, encode_args
from billcode.instructor.variants import class_params, grading_seed

REPORT = "billcode-report"  # how the events also appear in nbgrader's log, for a person reading it (never parsed)
FEEDBACK_KEY = "billcode_feedback"  # a graded cell's score output carries the grader's message parts under this key

# The grading report's events, kept in this (the grading) process: nbgrader runs these steps in the process that
# calls its API, and student code never runs here, so no text a student writes (a cell's metadata, an output, a
# file name) can add, change or remove an event. nbgrader's log is never read back.
_events: list[dict] = []


def report(log, resources: dict, **fields: object) -> None:
    """Record one event of this submission for the grading report (and log it for a person reading the log)."""
    event = {"assignment": resources["nbgrader"]["assignment"], "student": resources["nbgrader"]["student"], **fields}
    if _events and (_events[-1]["assignment"], _events[-1]["student"]) != (event["assignment"], event["student"]):
        _events.clear()  # a process grades one submission at a time: in a formgrader nobody takes them, so bounded
    _events.append(event)
    log.info("%s %s", REPORT, json.dumps(event, sort_keys=True))


def take_events(assignment: str, student: str) -> list[dict]:
    """The events recorded for one submission since the last call; every other event is dropped."""
    mine = [e for e in _events if e["assignment"] == assignment and e["student"] == student]
    _events.clear()
    return mine


SAFE_MIMETYPES = ("text/plain", "image/png", "image/jpeg", EXPORT_MIME)


def safe_output(output):
    """An output as the instructor may see it: no HTML or script from the run (formgrader shows outputs unsanitised)."""
    if output.get("output_type") in ("display_data", "execute_result"):
        output["data"] = {k: v for k, v in output.get("data", {}).items() if k in SAFE_MIMETYPES}
        output["metadata"] = {}
        if not output["data"]:
            output["data"] = {"text/plain": "(a rich output, not kept by the grader)"}
    return output


PARSE_LIMIT = 200_000  # characters: a longer answer cell is scanned as text, not parsed in the grader's process


def course_internals(cell) -> list[str]:
    """The course modules an answer cell imports beyond the notebooks' front door (`from billcode import ...`).

    The course package holds helpers that compute what some exercises ask for (the generator checks NPIs, the
    calculator splits charges). A student may use them; the report tells the instructor, who decides.
    """
    import ast

    text = cell.source
    found = set()
    if len(text) > PARSE_LIMIT:  # parsed, a cell of this size would cost the grader gigabytes (a 9 MB list: 8.6 GB)
        found.update(re.findall(r"\b(billcode(?:\.\w+)+)", text))
    else:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            tree = None
        for node in ast.walk(tree) if tree is not None else ():
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            found.update(n for n in names if n.startswith("billcode."))
    if "importlib" in text or "__import__" in text:
        found.add("a dynamic import")
    return sorted(found)


class KeepGradingMetadata(NbGraderPreprocessor):
    """Reduce the submission's metadata to what grading needs, before any other step reads it: per cell its
    nbgrader role (a dict, checked by CheckCellMetadata) and its tags (strings); per notebook the kernel (nbgrader
    overwrites it from the gradebook) and the language's name. A student can write anything into metadata: a number
    where nbconvert expects a string made feedback fail for the whole class."""

    def preprocess(self, nb, resources):
        kernel = nb.metadata.get("kernelspec")
        kept = {"language_info": {"name": "python"}}
        if isinstance(kernel, dict):
            kept["kernelspec"] = {k: v for k, v in kernel.items() if k in ("name", "display_name", "language")
                                  and isinstance(v, str)}
        nb.metadata = nbformat.from_dict(kept)
        for cell in nb.cells:
            role, tags = cell.metadata.get("nbgrader"), cell.metadata.get("tags")
            clean = {}
            if isinstance(role, dict):
                clean["nbgrader"] = role
            if isinstance(tags, list):
                clean["tags"] = [tag for tag in tags if isinstance(tag, str)]
            cell.metadata = nbformat.from_dict(clean)
        return nb, resources


class KeepFirstOfEachCell(NbGraderPreprocessor):
    """Grade each graded cell once: later cells with the same grade_id become ordinary cells."""

    def preprocess(self, nb, resources):
        seen: set[str] = set()
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id is None:
                continue
            if not isinstance(grade_id, str):  # no cell of the course has such an id
                del cell.metadata["nbgrader"]
                continue
            if grade_id in seen:
                self.log.warning("Cell with id %r exists multiple times; only the first is graded", grade_id)
                report(self.log, resources, event="duplicate-cell", cell=grade_id)
                del cell.metadata["nbgrader"]
            seen.add(grade_id)
        return nb, resources


class SandboxedExecute(NbGraderPreprocessor):
    """Run the submission's cells in the sandbox on a scratch copy of the notebook and its answers file."""

    course_root = Unicode("", help="The nbgrader course root, which student code must not see.").tag(config=True)
    cell_timeout = Integer(30, help="Seconds one cell may run before it is interrupted.").tag(config=True)
    notebook_timeout = Integer(600, help="Seconds the whole notebook may run.").tag(config=True)

    def preprocess(self, nb, resources):
        folder = Path(resources["metadata"]["path"])
        name = resources["nbgrader"]["notebook"]
        answers = folder / f"{name}{ANSWERS_SUFFIX}"
        raw = None
        if answers.is_file():
            with answers.open("rb") as handle:
                raw = handle.read(MAX_ANSWERS_BYTES + 1)
        resources["billcode"] = {"answers": raw}
        with tempfile.TemporaryDirectory(prefix="billcode-run-") as scratch:
            work = Path(scratch)
            nbformat.write(nb, work / f"{name}.ipynb")
            if raw is not None:
                (work / answers.name).write_bytes(raw)
            # The inputs this student's graded functions run on, as data with a one-time label: the seed they were
            # made from, and the answers, stay in this process.
            resources["billcode"].update(self._function_inputs(name, resources))
            handed = {"label": resources["billcode"]["label"], "cases": resources["billcode"]["encoded"]}
            (work / GRADING_FILE).write_text(json.dumps(handed), encoding="utf-8")
            result = run_isolated(
                work, [sys.executable, "-m", "billcode.instructor.grade.run_notebook", f"{{folder}}/{name}.ipynb",
                       "--out-fd", "{out_fd}", "--cell-timeout", str(self.cell_timeout), "--copy-from", "{input}",
                       "--quiet-cells", ",".join(map(str, self._quiet_cells(nb, resources)))],
                timeout=self.notebook_timeout, forbidden=[Path(self.course_root or folder)],
            )
        how = self._merge(nb, result.output) if not result.timed_out else {"ending": "notebook-timeout"}
        resources["billcode"]["course_code"] = how.pop("course_code", {})
        report(self.log, resources, event="run", isolated=result.isolated, note=result.note, ending=how.get("ending"),
               timeouts=how.get("timeouts", 0), cell_timeout=self.cell_timeout,
               dropped_outputs=how.get("dropped_outputs", 0))
        return nb, resources

    def _quiet_cells(self, nb, resources: dict) -> list[int]:
        """The course's own code cells, as released, that are neither answers nor tests: the kernel's record of the
        course code is off while they run (it is the course using itself, and recording slows every line)."""
        root = Path(self.course_root or resources["metadata"]["path"])
        released = released_sources(root, resources["nbgrader"]["assignment"], resources["nbgrader"]["notebook"])
        return [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code" and ("code", cell.source) in released
                and not any(cell.metadata.get("nbgrader", {}).get(role) for role in ("solution", "grade"))]

    def _function_inputs(self, name: str, resources: dict) -> dict:
        """This student's inputs for each graded function of the notebook, encoded for the sandbox and decoded here."""
        root = Path(self.course_root or resources["metadata"]["path"])
        seed = grading_seed(root, resources["nbgrader"]["assignment"], resources["nbgrader"]["student"])
        names = [e["name"] for e in load_bank(name).get("exercises", []) if e["name"] in EXERCISES]
        encoded = {n: [encode_args(args) for args in EXERCISES[n].cases(seed)] for n in names}
        decoded = {n: [decode_args(json.loads(json.dumps(c))) for c in cases] for n, cases in encoded.items()}
        return {"label": secrets.token_hex(16), "encoded": encoded, "cases": decoded}

    def _merge(self, nb, output: bytes) -> dict:
        """Copy the outputs of the executed copy into nb, cell by cell; the copy is untrusted data."""
        # Counted before anything parses it: the runner keeps at most this many outputs (every "output_type" key
        # is one output; a string that is exactly "output_type" only makes the count larger).
        limit = MAX_NOTEBOOK_OUTPUTS + (MAX_OUTPUTS + 1) * sum(graded(c) for c in nb.cells) + len(nb.cells)
        if output.count(b'"output_type"') > limit:
            return {"ending": "no-outputs: more outputs than the runner keeps"}
        try:
            executed = nbformat.reads(output.decode("utf-8"), as_version=4)
            nbformat.validate(executed)
        except Exception as err:  # anything unreadable simply brings no outputs
            return {"ending": f"no-outputs: {type(err).__name__}"}
        if len(executed.cells) != len(nb.cells):
            return {"ending": "no-outputs: cells changed"}
        for mine, theirs in zip(nb.cells, executed.cells):
            if mine.cell_type == "code" and theirs.cell_type == "code":
                mine.outputs = [safe_output(o) for o in theirs.outputs]
                mine.execution_count = theirs.execution_count
        how = executed.metadata.get("billcode_run", {})
        ending, timeouts, dropped = how.get("ending"), how.get("timeouts"), how.get("dropped_outputs")
        return {"ending": ending if isinstance(ending, str) else "unknown",
                "timeouts": timeouts if type(timeouts) is int and timeouts >= 0 else 0,
                "dropped_outputs": dropped if type(dropped) is int and dropped >= 0 else 0,
                "course_code": course_code_record(how.get("course_code"), len(nb.cells))}


def course_code_record(record: object, cells: int) -> dict:
    """The runner's record of the course code the cells ran (run_notebook.Recorder), checked field by field."""
    if not isinstance(record, dict):
        return {}
    records = []
    for entry in record.get("records", [])[:MAX_RECORDS] if isinstance(record.get("records"), list) else []:
        if (isinstance(entry, list) and len(entry) == 4 and all(isinstance(f, str) for f in entry[:3])
                and isinstance(entry[3], list) and all(type(i) is int and 0 <= i < cells for i in entry[3])):
            records.append([entry[0], entry[1][:200], entry[2][:200], entry[3]])
    channel = record.get("channel")
    return {"records": records, "channel": channel if isinstance(channel, str) else "missing",
            "flooded": record.get("flooded") is True}


class ScoreOutsideKernel(NbGraderPreprocessor):
    """Replace each graded cell's output with the grader's own points and message (what SaveAutoGrades reads)."""

    course_root = Unicode("", help="The nbgrader course root, with keys/<assignment>.py.").tag(config=True)

    def preprocess(self, nb, resources):
        root = Path(self.course_root)
        name = resources["nbgrader"]["notebook"]
        bank = load_bank(name)
        checks = load_graded(root, name, class_params(root, bank))
        with Gradebook(resources["nbgrader"]["db_url"]) as gb:
            source = gb.find_notebook(name, resources["nbgrader"]["assignment"])
            # Written (markdown) answers are graded by hand in the formgrader: no key, and nbgrader leaves them alone.
            points = {cell.name: float(cell.max_score) for cell in source.grade_cells if cell.cell_type == "code"}
        missing = sorted(set(points) - set(checks))
        if missing:
            raise KeyFileError(f"keys/{name}.py has no entry for the graded cell(s) {', '.join(missing)}.")
        self._course_code(nb, resources, root)  # the scores stand; the instructor is told where to look
        raw = resources.get("billcode", {}).get("answers")
        record = AnswerFile(bank["bank"]) if raw is None else parse_answers(raw, bank["bank"], f"{name}{ANSWERS_SUFFIX}")
        for cell in nb.cells:
            if not utils.is_grade(cell) or cell.cell_type != "code":
                continue
            grade_id = cell.metadata.nbgrader["grade_id"]
            check = checks[grade_id]
            try:
                if isinstance(check, QuizKey):
                    earned, message = score_quiz(bank, check, record, points[grade_id])
                elif isinstance(check, FunctionCheck):
                    handed = resources.get("billcode", {})
                    earned, message = score_function(check, EXERCISES[check.name], handed.get("label"),
                                                     handed.get("cases", {}).get(check.name, []),
                                                     *exported_value(cell.outputs, check.name), points[grade_id])
                else:
                    earned, message = score_value(check, *exported_value(cell.outputs, check.name), points[grade_id])
            except Exception as err:  # data nobody foresaw: this cell scores 0 and says so; the others are graded
                earned, message = 0.0, f"{grade_id}: the answer could not be graded ({type(err).__name__}). Scored 0."
            try:
                parts = message_parts(message, message_name(bank, check), check.explanation, earned, points[grade_id])
            except Exception:  # a key for an item the bank lacks: the page shows the whole message
                parts = {"result": message, "why": ""}
            # The stream is what the formgrader shows; the result's text/plain is the score nbgrader reads; its
            # metadata holds the message's parts for the feedback page (report/feedback_page.py). All of it is
            # written here, after the run: student code never touches a graded cell's outputs.
            cell.outputs = [
                new_output("stream", name="stdout", text=message + "\n"),
                new_output("execute_result", data={"text/plain": repr(earned)}, execution_count=cell.execution_count,
                           metadata={FEEDBACK_KEY: parts}),
            ]
            report(self.log, resources, event="score", cell=grade_id, points=earned, max=points[grade_id])
        return nb, resources


    def _course_code(self, nb, resources: dict, root: Path) -> None:
        """Report the course modules the student's cells loaded or called (the kernel's record, and the answer cells'
        imports), and any attempt to hide what ran. Course cells using the course's code are not reported."""
        released = released_sources(root, resources["nbgrader"]["assignment"], resources["nbgrader"]["notebook"])
        theirs = {}
        for index, cell in enumerate(nb.cells):
            role = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and (role.get("solution") or ("code", cell.source) not in released):
                theirs[index] = (f"answer cell {role.get('grade_id')}" if role.get("solution")
                                 else f"cell {index + 1} (added or changed by the student)")
        used: dict[str, set[str]] = {}
        for index, label in theirs.items():  # import lines: a module already loaded is not loaded again
            for found in course_internals(nb.cells[index]):
                used.setdefault(found, set()).add(label)
        record = resources.get("billcode", {}).get("course_code", {})
        hidden = set()
        for kind, what, _name, cells in record.get("records", []):
            mine = [theirs[i] for i in cells if i in theirs]
            if kind in ("call", "import") and mine:
                used.setdefault(what, set()).update(mine)
            elif kind == "hidden" and (mine or not cells):
                hidden.add(what)
        if record.get("channel") == "closed":
            hidden.add("closed or replaced the record of the course code it ran")
        if record.get("flooded"):
            hidden.add("flooded the record of the course code it ran")
        if used:
            where = sorted({w for found in used.values() for w in found})
            report(self.log, resources, event="course-internals", cells=" and ".join(where) or "an answer cell",
                   modules=", ".join(sorted(used)))
        if hidden:
            report(self.log, resources, event="hidden-use", what="; ".join(sorted(hidden)))


class DropAddedCellOutputs(NbGraderPreprocessor):
    """Clear outputs of code cells that are not the course's (no nbgrader role): they never reach feedback."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and "nbgrader" not in cell.metadata and cell.get("outputs"):
            cell.outputs = [new_output("stream", name="stdout", text="(output of a cell you added: not kept)\n")]
        return cell, resources



UNSAFE_LINK = re.compile(r"(?i)\b(javascript|vbscript|data)\s*:")
TEX_COMMAND = "\\\u200b"  # a backslash, then a zero-width space: "\\href" shows as written but is no TeX command


def inert_markdown(text: str) -> str:
    """A student's written answer as plain text in Markdown: no raw HTML, no links or images at all, no TeX commands.

    Escaped characters and entities (javascript\\:, java&#115;cript:) would survive a filter on link targets, so no
    link is formed: "](" and "]:" lose their meaning, and "<" cannot open an autolink. MathJax typesets the page
    after the Markdown is rendered (entities are decoded by then), so a `$\\href{...}{...}$` would become a live
    link: every backslash is followed by a zero-width space, which no TeX command or math delimiter (\\( \\[) starts
    with, so math without commands still shows and nothing can link.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\\", TEX_COMMAND)
    return UNSAFE_LINK.sub(r"\1 :", text.replace("](", "] (").replace("]:", "] :"))


def released_sources(root: Path, assignment: str, notebook: str) -> set[tuple[str, str]]:
    """(cell type, text) of every cell as released to students (release/ first, else the master)."""
    for folder in ("release", "source"):
        path = root / folder / assignment / f"{notebook}.ipynb"
        if path.is_file():
            return {(c.cell_type, c.source) for c in nbformat.read(path, as_version=4).cells}
    return set()


def released_markdown(root: Path, assignment: str, notebook: str) -> set[tuple[str, str]]:
    """(cell type, text) of the markdown and raw cells as released to students."""
    return {(kind, text) for kind, text in released_sources(root, assignment, notebook) if kind in ("markdown", "raw")}


class InertStudentMarkdown(NbGraderPreprocessor):
    """Make every markdown or raw cell the student wrote or changed inert: the formgrader and feedback render
    markdown as live HTML (nbgrader 0.9.6 does not sanitise it), so a `<script>` in a prose cell would run there.

    A cell stays as it is only when its text is exactly a cell of the released copy, or nbgrader restored it from
    the gradebook (a locked cell). Written answers, edited prose and added cells become plain text.
    """

    course_root = Unicode("", help="The nbgrader course root, with release/ (or source/) of each assignment.").tag(config=True)

    def preprocess(self, nb, resources):
        root = Path(self.course_root or ".")
        self._trusted = released_markdown(root, resources["nbgrader"]["assignment"], resources["nbgrader"]["notebook"])
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type not in ("markdown", "raw"):
            return cell, resources
        role = cell.metadata.get("nbgrader", {})
        restored = (role.get("locked") or role.get("grade")) and not role.get("solution")
        cell.pop("attachments", None)  # no released cell has any; a student's could be anything
        if cell.cell_type == "raw":  # a raw cell is never passed through as HTML, whatever it says
            for key in ("format", "raw_mimetype"):
                cell.metadata.pop(key, None)
        if role.get("solution") or not (restored or (cell.cell_type, cell.source) in self._trusted):
            cell.source = inert_markdown(cell.source)
            cell.cell_type = "markdown"  # a raw cell becomes text the reader can see
        return cell, resources
