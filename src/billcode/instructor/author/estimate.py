"""How long a notebook takes a newcomer: words and example code read, plus minutes per task by what it asks.

    python -m billcode.instructor.author.estimate [NOTEBOOK ...]    # default: every master under autograder/source/

The constants are in one place, with where they come from; docs/newcomer-trials.md compares them with newcomers'
timings. Tests fail when a notebook's stated time ("about N minutes" in its "What you'll need" cell) is more than
25% away from this estimate, and when a notebook is over MAX_MINUTES. An optional stretch section (a heading that
starts "Stretch") is not on the clock.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd

from billcode.basics.constructs import constructs_in

# Calibrated on the newcomer trials of 2026-12-06 (docs/newcomer-trials.md): two newcomers, one who never programmed
# and one who uses spreadsheets at work, worked through 00, 01, 02, 04 and 05 (minutes per section logged). The
# course's first figures (200 words a minute, 5 minutes per code exercise, as planned) gave about half their time;
# the constants below put every notebook within about 15% of the two newcomers' mean.
# Reading: Brysbaert (2019, Journal of Memory and Language 109, 104047) gives about 238 words a minute for adults
# reading English non-fiction; newcomers meeting a new term every few lines, and tables of acronyms, read at about
# 110 in the trials (01, mostly reading, took them 90 and 112 minutes for 3,656 words and 14 questions).
WORDS_PER_MINUTE = 110
# Minutes per task: a one-click practice check (read the options, the feedback, often a second try), one whose answer
# needs a look-up or a sum, a graded question (read twice before saving), one that needs a sum or a look-up, an
# explorer tried with a first guess and a few moves, a short written answer (about 150 words, drafted slowly).
MINUTES_PER_TASK = {"practice": 2.0, "practice_work": 5.0, "graded": 3.0, "graded_work": 6.0, "explorer": 8.0,
                    "written": 10.0}
# A code exercise (graded or practice): reading its prompt and scaffold, running the check and reading what it says,
# plus each line the learner writes (a first try that fails and a fix, in the trials) and each construct it needs.
CODE_BASE_MINUTES = 6.0
CODE_LINE_MINUTES = 3.0
CODE_CONSTRUCT_MINUTES = 1.0
# Example code a learner reads and runs: each line of a "Python you need here" example (read slowly, the first time),
# and each line of any other code cell the learner runs (a glance).
TEACHING_LINE_MINUTES = 0.4
OTHER_LINE_MINUTES = 0.1
TOLERANCE = 0.25
MAX_MINUTES = 75  # no notebook over an hour and a quarter for a newcomer
STOP_AFTER = 45  # a notebook longer than this marks a good place to stop
STATED = re.compile(r"about (\d+)(?:\s*[–-]\s*(\d+))? minutes", re.I)
ASK = re.compile(r"""quiz\.ask\(\s*["']([\w-]+)["']""")
TABLE = re.compile(r"""show_table\(\s*["']([\w/]+)["']\s*,\s*(\[[^\]]*\])""")
EXPLORER = re.compile(r"\b(?:\w+_explorer|self_assessment|plan_builder)\(")
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HEADING = re.compile(r"^(#{1,6})\s+(.*)$", re.M)
STOP_MARK = re.compile(r"good place to stop", re.I)
STATIC_CHOICES = re.compile(r'<div class="bc-static-choices[^"]*">.*?</div>|<small>Item [^<]*</small>', re.S)


@dataclass
class Exercise:
    """One code exercise as the estimator sees it."""

    name: str
    lines: int
    needs: int

    @property
    def minutes(self) -> float:
        """Prompt, scaffold and check, plus what the learner writes."""
        return CODE_BASE_MINUTES + CODE_LINE_MINUTES * self.lines + CODE_CONSTRUCT_MINUTES * self.needs


@dataclass
class Estimate:
    """What a notebook asks of a learner, and the minutes that adds up to."""

    words: int
    tasks: dict[str, int]
    exercises: list[Exercise] = field(default_factory=list)
    code_lines: dict[str, int] = field(default_factory=lambda: {"teaching": 0, "other": 0})
    stops: list[float] = field(default_factory=list)  # minutes into the notebook of each "good place to stop"

    @property
    def minutes(self) -> float:
        """Reading time, example code, tasks and code exercises."""
        return (self.words / WORDS_PER_MINUTE + sum(MINUTES_PER_TASK[k] * n for k, n in self.tasks.items())
                + sum(e.minutes for e in self.exercises) + TEACHING_LINE_MINUTES * self.code_lines["teaching"]
                + OTHER_LINE_MINUTES * self.code_lines["other"])


def count_words(text: str) -> int:
    """Words a reader reads in markdown (tags, link targets and code markers left out).

    A question cell's options and notes (its bc-static-choices block) are read in the question's widget, and
    that reading is in the question's own minutes (MINUTES_PER_TASK), so they are not counted twice.
    """
    text = STATIC_CHOICES.sub(" ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return len(re.findall(r"[A-Za-z0-9][\w’'.,%/-]*", text))


def written_lines(source: str) -> int:
    """Lines a learner writes: non-blank, non-comment lines inside the master's solution regions."""
    return sum(1 for block in SOLUTION.findall(source) for line in block.splitlines()
               if line.strip() and not line.strip().startswith("#"))


def _master_of(path: Path) -> Path:
    """The master a student copy was made from (the notebook itself when it is a master)."""
    path = Path(path)
    if path.parent.name == path.stem:
        return path
    master = Path(__file__).resolve().parents[4] / "autograder" / "source" / path.stem / path.name
    return master if master.is_file() else path


def _solutions(path: Path) -> dict[str, str]:
    """Each answer cell's source in the master, by grade_id (solutions included)."""
    nb = nbformat.read(_master_of(path), as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}


def is_stretch(heading: str) -> bool:
    """An optional stretch section's heading ("Stretch (optional): ...")."""
    return heading.strip().lower().startswith("stretch")


def stretch_cells(nb: nbformat.NotebookNode) -> set[int]:
    """The indexes of the cells inside optional stretch sections (from a "Stretch" heading to the next of its level)."""
    inside, level = set(), None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            for hashes, title in HEADING.findall(cell.source):
                if level is not None and len(hashes) <= level and not is_stretch(title):
                    level = None
                if level is None and is_stretch(title):
                    level = len(hashes)
        if level is not None:
            inside.add(index)
    return inside


def _bank_entries(path: Path) -> tuple[dict, dict]:
    from billcode.quiz.bank import load_bank

    bank = load_bank(Path(path).stem)
    return {i["id"]: i for i in bank["items"]}, {e["name"]: e for e in bank.get("exercises", [])}


def _task(item: dict) -> str:
    """The task kind of a question: work (a look-up or a sum) takes longer than one click."""
    work = item.get("lookup") or item["type"] in ("numeric", "code", "codes")
    return f"{item['mode']}{'_work' if work else ''}"


def estimate(path: Path) -> Estimate:
    """Estimate one notebook (a master or a student copy) for a newcomer; stretch sections are left out."""
    from billcode.data import load_table

    nb = nbformat.read(path, as_version=4)
    items, exercises = _bank_entries(path)
    solutions = _solutions(path)
    found = Estimate(0, dict.fromkeys(MINUTES_PER_TASK, 0))
    stretch = stretch_cells(nb)
    teaching = False
    for index, cell in enumerate(nb.cells):
        if "instructor-only" in cell.metadata.get("tags", []):
            continue
        role = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown":
            teaching = bool(cell.metadata.get("billcode", {}).get("teaches"))
        if index in stretch:
            continue
        if cell.cell_type == "markdown":
            if STOP_MARK.search(cell.source):
                found.stops.append(found.minutes)
            if role.get("solution"):  # a written answer: the learner writes it, and reads only its prompt
                found.tasks["written"] += 1
            else:
                found.words += count_words(cell.source)
            continue
        if role.get("solution") and not role.get("grade"):
            name = role["grade_id"].removesuffix("_answer")
            entry = exercises.get(name, {})
            source = solutions.get(role["grade_id"], cell.source)
            found.exercises.append(Exercise(name, written_lines(source), len(entry.get("needs", []))))
            continue
        for item_id in ASK.findall(cell.source):
            found.tasks[_task(items[item_id])] += 1
        found.tasks["explorer"] += len(EXPLORER.findall(cell.source))
        asks = bool(ASK.search(cell.source) or EXPLORER.search(cell.source))
        if not role.get("grade") and not asks:
            lines = sum(1 for line in cell.source.splitlines() if line.strip() and not line.strip().startswith("#"))
            found.code_lines["teaching" if teaching else "other"] += lines
        for name, columns in TABLE.findall(cell.source):
            shown = load_table(name)[ast.literal_eval(columns)]
            values = [str(v) for v in shown.to_numpy().ravel() if not pd.isna(v)]  # an empty cell is not a word
            found.words += sum(count_words(v) for v in values) + count_words(" ".join(shown.columns))
    return found


def teaches(cell: nbformat.NotebookNode) -> list[str]:
    """The constructs a "Python you need here" markdown cell says it teaches (its billcode.teaches metadata)."""
    return list(cell.metadata.get("billcode", {}).get("teaches", []))


def needed(source: str) -> set[str]:
    """The constructs a learner writes in an answer cell: those in its solution regions."""
    return set().union(*(constructs_in(_dedent(block)) for block in SOLUTION.findall(source))) if SOLUTION.search(source) \
        else set()


def _dedent(block: str) -> str:
    """A solution region as code that parses on its own (its lines sit inside a function, a loop or an if)."""
    lines = [line for line in block.splitlines() if line.strip()]
    indent = min((len(line) - len(line.lstrip()) for line in lines), default=0)
    body = "\n".join(line[indent:] for line in lines)
    last = lines[-1][indent:] if lines else ""
    for candidate in (body, body + "\n" + " " * (len(last) - len(last.lstrip()) + 4) + "pass"):
        try:
            ast.parse(candidate)
            return candidate
        except SyntaxError:
            continue
    return body  # let the caller's parse name the problem


def stated_minutes(path: Path) -> tuple[int, int] | None:
    """The time a notebook states ("about 40 minutes" or "about 35–45 minutes"), as (low, high)."""
    for cell in nbformat.read(path, as_version=4).cells:
        match = STATED.search(cell.source) if cell.cell_type == "markdown" else None
        if match:
            low = int(match.group(1))
            return low, int(match.group(2) or low)
    return None


def main(argv: list[str] | None = None) -> int:
    """Command line: print each notebook's estimate next to the time it states."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(Path("autograder/source").glob("*/*.ipynb"))
    total = 0.0
    for path in paths:
        found = estimate(path)
        total += found.minutes
        tasks = ", ".join(f"{n} {k}" for k, n in found.tasks.items() if n)
        code = ", ".join(f"{e.name} {e.lines} line(s) {e.minutes:.1f} min" for e in found.exercises)
        print(f"{path.stem}: about {found.minutes:.0f} min ({found.words:,} words; {tasks}; code exercises: {code or 'none'}; "
              f"example code {found.code_lines['teaching']} + {found.code_lines['other']} lines); "
              f"states {stated_minutes(path)}")
    print(f"In all: about {total:.0f} min ({total / 60:.1f} hours).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
