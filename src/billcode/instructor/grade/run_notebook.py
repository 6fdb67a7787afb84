"""Run a submitted notebook's cells and hand the executed notebook back on a file descriptor.

    python -m billcode.instructor.grade.run_notebook NOTEBOOK --out-fd N [--cell-timeout S] [--copy-from DIR]
        [--quiet-cells I,J,...]

The grader starts this inside the grading sandbox (billcode.instructor.grade.sandbox). The kernel it starts does not
inherit the descriptor, so student code cannot write to it; the grader treats what comes back as untrusted
data anyway: it only keeps outputs, and never scores from them except through billcode.instructor.grade.marking.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

GRACE_SECONDS = 10  # how long an interrupted cell may take to stop before the run is ended
MAX_OUTPUTS = 100  # per cell: a test cell's export is among its last outputs, so the last ones are kept
MAX_NOTEBOOK_OUTPUTS = 2_000  # all the outputs of cells that are not graded, together (the course's own: ~100)
MAX_OUTPUT_BYTES = 2 * 1024**2  # one output larger than this (as JSON) is replaced by a note


def graded(cell) -> bool:
    """Whether a cell is a graded (test) cell: its outputs hold what the grader scores."""
    role = cell.get("metadata", {}).get("nbgrader", {})
    return isinstance(role, dict) and bool(role.get("grade"))


def trim_outputs(nb: nbformat.NotebookNode) -> int:
    """Keep the grader's reading of the result small: cap outputs per cell, in the whole notebook (graded cells'
    own outputs are capped per cell only) and by size; return how many went."""
    import json

    dropped, shared = 0, MAX_NOTEBOOK_OUTPUTS
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs") or []
        if len(outputs) > MAX_OUTPUTS:
            dropped += len(outputs) - MAX_OUTPUTS
            outputs = outputs[:10] + outputs[-(MAX_OUTPUTS - 10):]
        if not graded(cell):
            if len(outputs) > shared:
                dropped += len(outputs) - shared
                note = nbformat.v4.new_output("stream", name="stdout",
                                              text=f"(outputs over the notebook's limit of {MAX_NOTEBOOK_OUTPUTS:,}: not kept)\n")
                outputs = [*outputs[:shared], note]
            shared = max(0, shared - len(outputs))
        kept = []
        for output in outputs:
            if len(json.dumps(output)) > MAX_OUTPUT_BYTES:
                dropped += 1
                output = nbformat.v4.new_output("stream", name="stdout", text="(an output over 2 MB: not kept)\n")
            kept.append(output)
        cell.outputs = kept
    return dropped


MAX_RECORDS = 5_000  # distinct lines from the kernel's record of course code; more means it was flooded


class Recorder:
    """Read, in a thread of the runner, the lines kernel_trace writes into a FIFO from inside the kernel."""

    def __init__(self):
        import tempfile

        self.folder = Path(tempfile.mkdtemp(prefix="billcode-trace-"))
        self.path = self.folder / "channel"
        os.mkfifo(self.path, 0o600)
        self.read_fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        self.keep_open = os.open(self.path, os.O_WRONLY)  # no end of file while the kernel has not opened it yet
        self.lines: list[str] = []
        self.flooded = False
        self.channel = "missing"  # until the kernel says hello
        self._seen: set[str] = set()
        self._stop = False
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def exec_line(self, quiet: tuple[str, ...] = ()) -> str:
        """The kernel's start-up line: run kernel_trace.install on this channel (no name is left in the namespace),
        with the file names of the quiet course cells (kernel_trace.install)."""
        tracer = Path(__file__).with_name("kernel_trace.py")
        package = Path(__file__).resolve().parents[2]
        return (f"__import__('runpy').run_path({str(tracer)!r}, run_name='billcode_grading_trace')['install']"
                f"({str(self.path)!r}, {str(package)!r}, {quiet!r})")

    def _read(self) -> None:
        import select

        pending = b""
        while True:
            ready, _, _ = select.select([self.read_fd], [], [], 0.1)
            chunk = os.read(self.read_fd, 1 << 16) if ready else b""
            if not chunk and self._stop:
                break
            *lines, pending = (pending + chunk).split(b"\n")
            pending = pending[-4096:]  # a line without end cannot grow without limit
            for raw in lines:
                line = raw.decode("utf-8", "replace")[:1000]
                if line in self._seen:
                    continue
                if len(self._seen) >= MAX_RECORDS:
                    self.flooded = True
                    continue
                self._seen.add(line)
                self.lines.append(line)

    def check_channel(self) -> None:
        """Before the kernel stops: is the descriptor it said hello from still this FIFO? (closed or replaced: no)"""
        hello = next((l.split("\t") for l in self.lines if l.startswith("hello\t")), None)
        if hello is None or len(hello) < 3:
            return
        try:
            theirs, mine = os.stat(f"/proc/{int(hello[1])}/fd/{int(hello[2])}"), os.stat(self.path)
            same = (theirs.st_dev, theirs.st_ino) == (mine.st_dev, mine.st_ino)
        except (OSError, ValueError):
            same = False
        self.channel = "ok" if same else "closed"

    def finish(self, nb: nbformat.NotebookNode) -> dict:
        """Stop reading; the records, each with the indexes of the cells whose file it names."""
        os.close(self.keep_open)
        self._stop = True
        self._thread.join(timeout=5)
        os.close(self.read_fd)
        shutil.rmtree(self.folder, ignore_errors=True)
        hello = next((l.split("\t") for l in self.lines if l.startswith("hello\t")), None)
        cells_dir = hello[3] if hello and len(hello) > 3 else ""
        where: dict[str, list[int]] = {}
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                name = f"{cells_dir}{cell_file(cell.source)}"
                where.setdefault(name, []).append(index)
        records = []
        for line in self.lines:
            fields = line.split("\t")
            if len(fields) == 4 and fields[0] in ("call", "import", "hidden"):
                records.append([*fields[:3], where.get(fields[3], [])])
        return {"channel": self.channel if hello else "missing", "flooded": self.flooded, "records": records}


class GradingClient(NotebookClient):
    """nbclient, counting cells that ran past the limit. An interrupted cell that does not stop within the
    grace time (it ignores SIGINT) ends the run, instead of making every later cell wait out its own limit."""

    timeouts = 0
    recorder: Recorder | None = None

    async def _async_handle_timeout(self, timeout, cell=None):
        self.timeouts += 1
        return await super()._async_handle_timeout(timeout, cell)

    async def _async_cleanup_kernel(self):
        if self.recorder is not None:
            self.recorder.check_channel()
        return await super()._async_cleanup_kernel()


def cell_file(source: str) -> str:
    """The name ipykernel gives the file of a cell with this source (in its folder of cells)."""
    from ipykernel.compiler import get_tmp_hash_seed, murmur2_x86

    return f"{murmur2_x86(source, get_tmp_hash_seed())}.py"


def run(path: Path, cell_timeout: int, quiet: list[int] = ()) -> tuple[nbformat.NotebookNode, dict]:
    """Execute every cell (errors allowed, runaway cells interrupted); return the notebook and how the run went,
    with the record of the course code the cells loaded and called (kernel_trace; not while the kernel runs one of
    the `quiet` cells, the course's own that are neither answers nor tests)."""
    nb = nbformat.read(path, as_version=4)
    quiet_files = tuple(sorted({cell_file(nb.cells[i].source) for i in quiet if 0 <= i < len(nb.cells)}))
    stopped = f"The cell ran for more than {cell_timeout} s and was stopped."
    recorder = Recorder()
    client = GradingClient(
        nb, timeout=cell_timeout, kernel_name="python3", allow_errors=True, interrupt_on_timeout=True,
        error_on_timeout={"ename": "CellTimeoutError", "evalue": stopped, "traceback": [f"CellTimeoutError: {stopped}"]},
        raise_on_iopub_timeout=True, iopub_timeout=GRACE_SECONDS,
        record_timing=False, store_widget_state=False, startup_timeout=120,
        shutdown_kernel="immediate",  # the sandbox ends with the run: no need to wait for a polite exit
        resources={"metadata": {"path": str(path.parent)}},
        extra_arguments=[f"--IPKernelApp.exec_lines={recorder.exec_line(quiet_files)}"],
    )
    client.recorder = recorder
    try:
        client.execute()
        ending = "finished"
    except DeadKernelError:
        ending = "kernel-died"
    except CellTimeoutError:
        ending = "interrupt-ignored"
    except Exception as err:  # the run itself failed; the grader still scores what it can
        ending = f"failed: {type(err).__name__}"
    return nb, {"ending": ending, "timeouts": client.timeouts, "course_code": recorder.finish(nb)}


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
    parser.add_argument("--quiet-cells", default="", help="indexes of the course's own cells the recorder skips")
    args = parser.parse_args(argv)
    if args.copy_from and args.copy_from.resolve() != args.notebook.parent.resolve():
        for item in args.copy_from.iterdir():
            if item.is_file() and not item.is_symlink():
                shutil.copyfile(item, args.notebook.parent / item.name)
    os.set_inheritable(args.out_fd, False)
    _not_dumpable()
    out = os.fdopen(args.out_fd, "w", encoding="utf-8")
    quiet = [int(i) for i in args.quiet_cells.split(",") if i.strip().isdigit()]
    nb, how = run(args.notebook, args.cell_timeout, quiet)
    how["dropped_outputs"] = trim_outputs(nb)
    nb.metadata["billcode_run"] = how
    out.write(nbformat.writes(nb))
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
