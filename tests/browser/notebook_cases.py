"""Find the notebooks to test at collection time, and what each one shows (questions, explorer, report).

Every master (autograder/source/<NN_name>/<NN_name>.ipynb) and every student notebook (course/*.ipynb)
becomes one case, so a notebook added later is covered without editing the tests.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BANKS = REPO / "data" / "quiz"

_ASK = re.compile(r"""\.ask\(\s*["']([^"']+)["']""")
_OPEN = re.compile(r"""open_quiz\(\s*["']([^"']+)["']""")


@dataclass(frozen=True)
class NotebookCase:
    kind: str  # "master" or "student"
    source: Path  # the notebook in the repository (never opened by the browser)
    served: str  # its path inside the served temporary root, e.g. "course/01_overview.ipynb"
    cells: list = field(compare=False, repr=False)

    @property
    def id(self) -> str:
        return f"{self.kind}-{self.source.stem}"

    @property
    def student(self) -> bool:
        return self.kind == "student"

    def code(self) -> list[tuple[int, dict]]:
        """(index among all cells, cell) for every code cell; Lab's cell list has the same order."""
        return [(i, c) for i, c in enumerate(self.cells) if c["cell_type"] == "code"]

    @cached_property
    def sources(self) -> str:
        return "\n".join(_text(c) for _, c in self.code())

    @cached_property
    def bank_name(self) -> str | None:
        found = _OPEN.search(self.sources)
        return found.group(1) if found else None

    @cached_property
    def bank(self) -> dict | None:
        if not self.bank_name:
            return None
        return json.loads((BANKS / f"{self.bank_name}.json").read_text(encoding="utf-8"))

    @cached_property
    def asked(self) -> list[dict]:
        """The bank items this notebook shows, in notebook order."""
        if not self.bank:
            return []
        items = {i["id"]: i for i in self.bank["items"]}
        return [items[item_id] for item_id in _ASK.findall(self.sources) if item_id in items]

    @property
    def practice(self) -> list[dict]:
        return [i for i in self.asked if i["mode"] == "practice"]

    @property
    def practice_ids(self) -> list[str]:
        return [i["id"] for i in self.practice]

    @property
    def graded(self) -> list[dict]:
        return [i for i in self.asked if i["mode"] == "graded"]

    @property
    def has_explorer(self) -> bool:
        return "tuition_explorer(" in self.sources

    @property
    def has_calculator(self) -> bool:
        return "responsibility_explorer(" in self.sources

    @property
    def has_lookup(self) -> bool:
        """The ICD-10-CM look-up: the full one, or (03 since round 7) only the short, empty one above each question."""
        return "lookup_explorer(" in self.sources or "lookup_box(" in self.sources

    @property
    def has_cost_explorer(self) -> bool:
        return "cost_explorer(" in self.sources

    @property
    def has_self_assessment(self) -> bool:
        return "self_assessment(" in self.sources

    @property
    def has_plan(self) -> bool:
        return "plan_builder(" in self.sources

    @property
    def has_mastery(self) -> bool:
        return ".mastery()" in self.sources


def _text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _load(kind: str, path: Path, served: str) -> NotebookCase:
    return NotebookCase(kind, path, served, json.loads(path.read_text(encoding="utf-8"))["cells"])


def discover() -> list[NotebookCase]:
    masters = sorted(REPO.glob("autograder/source/*/*.ipynb"))
    students = sorted(REPO.glob("course/*.ipynb"))
    return [_load("master", p, f"masters/{p.name}") for p in masters if ".ipynb_checkpoints" not in p.parts] + [
        _load("student", p, f"course/{p.name}") for p in students
    ]


CASES = discover()
