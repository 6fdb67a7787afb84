"""Run a submitted notebook's cells and hand the executed notebook back on a file descriptor.

    python -m billcode.instructor.grade.run_notebook NOTEBOOK --out-fd N [--cell-timeout S] [--copy-from DIR]

The grader starts this inside the grading sandbox (billcode.instructor.grade.sandbox). The kernel it starts does not
inherit the descriptor, so student code cannot write to it; the grader treats what comes back as untrusted
data anyway: it only keeps outputs, and never scores from them except through billcode.instructor.grade.marking.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

GRACE_SECONDS = 10  # how long an interrupted cell may take to stop before the run is ended
MAX_OUTPUTS = 100  # per cell: a test cell's export is among its last outputs, so the last ones are kept
MAX_OUTPUT_BYTES = 2 * 1024**2  # one output larger than this (as JSON) is replaced by a note


def trim_outputs(nb: nbformat.NotebookNode) -> int:
    """Keep the grader's reading of the result small: cap outputs per cell and their size; return how many went."""
    import json

    dropped = 0
    for cell in nb.cells:
        outputs = cell.get("outputs") or []
        if len(outputs) > MAX_OUTPUTS:
            dropped += len(outputs) - MAX_OUTPUTS
            outputs = outputs[:10] + outputs[-(MAX_OUTPUTS - 10):]
        kept = []
        for output in outputs:
            if len(json.dumps(output)) > MAX_OUTPUT_BYTES:
                dropped += 1
                output = nbformat.v4.new_output("stream", name="stdout", text="(an output over 2 MB: not kept)\n")
            kept.append(output)
        if cell.cell_type == "code":
            cell.outputs = kept
    return dropped


class GradingClient(NotebookClient):
    """nbclient, counting cells that ran past the limit. An interrupted cell that does not stop within the
    grace time (it ignores SIGINT) ends the run, instead of making every later cell wait out its own limit."""

    timeouts = 0

    async def _async_handle_timeout(self, timeout, cell=None):
        self.timeouts += 1
        return await super()._async_handle_timeout(timeout, cell)


def run(path: Path, cell_timeout: int) -> tuple[nbformat.NotebookNode, dict]:
    """Execute every cell (errors allowed, runaway cells interrupted); return the notebook and how the run went."""
    nb = nbformat.read(path, as_version=4)
    stopped = f"The cell ran for more than {cell_timeout} s and was stopped."
    client = GradingClient(
        nb, timeout=cell_timeout, kernel_name="python3", allow_errors=True, interrupt_on_timeout=True,
        error_on_timeout={"ename": "CellTimeoutError", "evalue": stopped, "traceback": [f"CellTimeoutError: {stopped}"]},
        raise_on_iopub_timeout=True, iopub_timeout=GRACE_SECONDS,
        record_timing=False, store_widget_state=False, startup_timeout=120,
        shutdown_kernel="immediate",  # the sandbox ends with the run: no need to wait for a polite exit
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
        ending = "finished"
    except DeadKernelError:
        ending = "kernel-died"
    except CellTimeoutError:
        ending = "interrupt-ignored"
    except Exception as err:  # the run itself failed; the grader still scores what it can
        ending = f"failed: {type(err).__name__}"
    return nb, {"ending": ending, "timeouts": client.timeouts}


def _not_dumpable() -> None:
    """Stop processes of the same user (the kernel) from opening this process's descriptors via /proc."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> int:
    """Command line used by the grader."""
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--out-fd", type=int, required=True)
    parser.add_argument("--cell-timeout", type=int, default=30)
    parser.add_argument("--copy-from", type=Path, help="copy this folder's files next to the notebook first")
    args = parser.parse_args(argv)
    if args.copy_from and args.copy_from.resolve() != args.notebook.parent.resolve():
        for item in args.copy_from.iterdir():
            if item.is_file() and not item.is_symlink():
                shutil.copyfile(item, args.notebook.parent / item.name)
    os.set_inheritable(args.out_fd, False)
    _not_dumpable()
    out = os.fdopen(args.out_fd, "w", encoding="utf-8")
    nb, how = run(args.notebook, args.cell_timeout)
    how["dropped_outputs"] = trim_outputs(nb)
    nb.metadata["billcode_run"] = how
    out.write(nbformat.writes(nb))
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
