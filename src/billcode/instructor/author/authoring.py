"""Author tools for the masters: keep question text cells in sync with the banks, and re-run masters.

    python -m billcode.instructor.author.authoring sync     # rewrite each question's markdown cell from its bank
    python -m billcode.instructor.author.authoring execute  # re-run every master in a scratch folder and store its outputs
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

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
    args = parser.parse_args(argv)
    for path in master_paths(Path(args.root)):
        nb = nbformat.read(path, as_version=4)
        if args.action == "sync":
            changed = sync_notebook(nb, load_bank(path.stem))
            print(f"{path}: {changed} question cell(s) updated")
        else:
            nb = execute_master(path)
            print(f"{path}: executed")
        nbformat.write(nb, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
