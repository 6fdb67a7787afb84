"""How long a notebook takes a learner: words read at a stated rate, plus minutes per task.

    python -m billcode.instructor.author.estimate [NOTEBOOK ...]    # default: every master under autograder/source/

The constants are in one place, with where they come from. Tests fail when a notebook's stated time
("about N minutes" in its "What you'll need" cell) is more than 25% away from this estimate.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd

# Brysbaert, M. (2019). How many words do we read per minute? A review and meta-analysis of reading rate.
# Journal of Memory and Language 109, 104047: adults read English non-fiction silently at about 238 words a
# minute. Learners meeting new terms read more slowly; the course plans with 200 (its own assumption).
WORDS_PER_MINUTE = 200
# Minutes per task, the course's own planning figures (to be checked against learners' timings): reading a
# practice check's options and feedback, a graded question, writing and running a short code exercise, and
# trying an interactive explorer, and writing a short answer in prose (about 150 words: reading the prompt,
# drafting at a slow 25-30 words a minute, a reread).
MINUTES_PER_TASK = {"practice": 1.0, "graded": 1.5, "code": 5.0, "explorer": 3.0, "written": 6.0}
# The interactive tools a learner works with (each counts as one explorer task).
EXPLORER = re.compile(r"\b(?:\w+_explorer|self_assessment|plan_builder)\(")
TOLERANCE = 0.25
STATED = re.compile(r"about (\d+)(?:\s*[–-]\s*(\d+))? minutes", re.I)
ASK = re.compile(r"""quiz\.ask\(\s*["']([\w-]+)["']""")
TABLE = re.compile(r"""show_table\(\s*["']([\w/]+)["']\s*,\s*(\[[^\]]*\])""")


@dataclass
class Estimate:
    """What a notebook asks of a learner, and the minutes that adds up to."""

    words: int
    tasks: dict[str, int]

    @property
    def minutes(self) -> float:
        """Reading time plus task time."""
        return self.words / WORDS_PER_MINUTE + sum(MINUTES_PER_TASK[k] * n for k, n in self.tasks.items())


STATIC_CHOICES = re.compile(r'<div class="bc-static-choices[^"]*">.*?</div>|<small>Item [^<]*</small>', re.S)


def count_words(text: str) -> int:
    """Words a reader reads in markdown (tags, link targets and code markers left out).

    A question cell's options and notes (its bc-static-choices block) are read in the question's widget, and
    that reading is in the question's own minutes (MINUTES_PER_TASK), so they are not counted twice.
    """
    text = STATIC_CHOICES.sub(" ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return len(re.findall(r"[A-Za-z0-9][\w’'.,%/-]*", text))


def estimate(path: Path) -> Estimate:
    """Estimate one notebook (a master or a student copy)."""
    from billcode.quiz.bank import load_bank
    from billcode.data import load_table

    nb = nbformat.read(path, as_version=4)
    bank = load_bank(Path(path).stem)
    modes = {item["id"]: item["mode"] for item in bank["items"]}
    words = 0
    tasks = dict.fromkeys(MINUTES_PER_TASK, 0)
    for cell in nb.cells:
        if "instructor-only" in cell.metadata.get("tags", []):
            continue
        role = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown":
            if role.get("solution"):  # a written answer: the learner writes it, and reads only its prompt
                tasks["written"] += 1
            else:
                words += count_words(cell.source)
            continue
        if role.get("solution") and not role.get("grade"):
            tasks["code"] += 1
        for item_id in ASK.findall(cell.source):
            tasks[modes[item_id]] += 1
        tasks["explorer"] += len(EXPLORER.findall(cell.source))
        for name, columns in TABLE.findall(cell.source):
            shown = load_table(name)[ast.literal_eval(columns)]
            cells = [str(v) for v in shown.to_numpy().ravel() if not pd.isna(v)]  # an empty cell is not a word
            words += sum(count_words(v) for v in cells) + count_words(" ".join(shown.columns))
    return Estimate(words, tasks)


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
    for path in paths:
        found = estimate(path)
        tasks = ", ".join(f"{n} {k}" for k, n in found.tasks.items() if n)
        print(f"{path.stem}: about {found.minutes:.0f} min ({found.words:,} words; {tasks}); states {stated_minutes(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
