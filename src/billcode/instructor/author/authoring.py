"""Author tools for the masters: keep question text cells in sync with the banks, and re-run masters.

    python -m billcode.instructor.author.authoring sync [NAME ...]     # question cells from the banks; scaffolds to the banks
    python -m billcode.instructor.author.authoring execute [NAME ...]  # re-run masters in a scratch folder, store outputs
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from billcode.data import data_path
from billcode.quiz.bank import load_bank
from billcode.quiz.render import question_markdown

ASK = re.compile(r"""^\s*quiz\.ask\(\s*["']([\w-]+)["']\s*\)\s*$""")
MARK = "billcode"  # cell metadata key of generated question cells
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def asked_item(cell: dict) -> str | None:
    """The item id a code cell asks, if it is a `quiz.ask("...")` cell."""
    if cell.get("cell_type") != "code":
        return None
    match = ASK.match(cell.get("source", ""))
    return match.group(1) if match else None


def question_cell(cell: dict) -> str | None:
    """The item id of a generated question markdown cell."""
    return cell.get("metadata", {}).get(MARK, {}).get("question") if cell.get("cell_type") == "markdown" else None


def sync_notebook(nb: nbformat.NotebookNode, bank: dict) -> int:
    """Rewrite or insert the markdown cell above each asked question; return how many cells changed."""
    changed = 0
    index = 0
    while index < len(nb.cells):
        item_id = asked_item(nb.cells[index])
        if item_id is None:
            index += 1
            continue
        text = question_markdown(bank, item_id)
        previous = nb.cells[index - 1] if index else None
        if previous is not None and question_cell(previous) == item_id:
            if previous.source != text:
                previous.source = text
                changed += 1
        else:
            cell = nbformat.v4.new_markdown_cell(text, metadata={MARK: {"question": item_id}})
            nb.cells.insert(index, cell)
            changed += 1
            index += 1
        index += 1
    return changed


CODE_STUB = "# YOUR CODE HERE: write your answer (and replace any ... in this cell)"  # nbgrader's code_stub
_REGION = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION[ \t]*$", re.S | re.M)


def student_source(source: str) -> str:
    """An answer cell as learners get it: each solution region becomes the stub, at the region's indentation."""
    return _REGION.sub(lambda m: m.group(1) + CODE_STUB, source)


def sync_scaffolds(nb: nbformat.NotebookNode, name: str) -> int:
    """Write into the bank what the master says of its tasks: each exercise's starting code (its answer cell as
    released) and which items and exercises sit in an optional stretch section; return how many entries changed."""
    from billcode.instructor.author.estimate import stretch_cells

    path = data_path(f"quiz/{name}.json")
    bank = json.loads(path.read_text(encoding="utf-8"))
    cells = {c.metadata["nbgrader"]["grade_id"].removesuffix("_answer"): c.source for c in nb.cells
             if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
    inside = stretch_cells(nb)
    in_stretch = {c.metadata["nbgrader"]["grade_id"].removesuffix("_answer") for i, c in enumerate(nb.cells)
                  if i in inside and c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
    in_stretch |= {item for i, c in enumerate(nb.cells) if i in inside for item in ([asked_item(c)] if asked_item(c) else [])}
    changed = 0
    for entry in bank.get("exercises", []) + bank["items"]:
        key = entry.get("name", entry.get("id"))
        before = dict(entry)
        if "name" in entry and entry["name"] in cells:
            entry["scaffold"] = student_source(cells[entry["name"]])
        if key in in_stretch:
            entry["stretch"] = True
        else:
            entry.pop("stretch", None)
        changed += entry != before
    if changed:
        path.write_text(json.dumps(bank, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed


def master_paths(course_root: Path) -> list[Path]:
    """Every master notebook: source/<name>/<name>.ipynb."""
    return sorted(p / f"{p.name}.ipynb" for p in (Path(course_root) / "source").iterdir() if p.is_dir())


def execute_master(path: Path, timeout: int = 120) -> nbformat.NotebookNode:
    """Run a master in a scratch copy of its folder (answers files stay there) and return it with outputs."""
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch) / path.parent.name
        shutil.copytree(path.parent, work, ignore=shutil.ignore_patterns("*_answers.json", ".ipynb_checkpoints"))
        NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                       resources={"metadata": {"path": str(work)}}).execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # timings from an earlier run would churn the diff
        for output in cell.get("outputs", []):
            # A widget view points at a model that only lives in the kernel that ran it: without the saved state
            # it would show "model not found", and its random id would churn every run. Keep the text form.
            output.get("data", {}).pop(WIDGET_VIEW, None)
    return nb


def main(argv: list[str] | None = None) -> int:
    """Command line for the author tools."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["sync", "execute"])
    parser.add_argument("--root", default="autograder", help="nbgrader course root (default: autograder)")
    parser.add_argument("names", nargs="*", help="only these assignments, e.g. 02_billing (default: all)")
    args = parser.parse_args(argv)
    for path in master_paths(Path(args.root)):
        if args.names and path.stem not in args.names:
            continue
        nb = nbformat.read(path, as_version=4)
        if args.action == "sync":
            changed = sync_notebook(nb, load_bank(path.stem))
            print(f"{path}: {changed} question cell(s) updated")
            scaffolds = sync_scaffolds(nb, path.stem)
            print(f"data/quiz/{path.stem}.json: {scaffolds} exercise scaffold(s) or stretch flag(s) updated")
        else:
            nb = execute_master(path)
            print(f"{path}: executed")
        nbformat.write(nb, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
