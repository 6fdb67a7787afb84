"""The ICD-10-CM look-up's four targets (issue 21), each measured against a bare kernel in the same run.

    python benchmarks/lookup.py                 # all four (about three minutes)
    python benchmarks/lookup.py --quick         # skip Run All
    python benchmarks/lookup.py --run-all       # only Run All (of course/02*.ipynb and 03*.ipynb's masters)
    python benchmarks/lookup.py --run-all 02_billing 02b_billing_payments   # Run All of these masters only
    python benchmarks/lookup.py --src DIR/src   # measure another checkout's package (e.g. the code before a change)

1. First answer to a code-type question (01's ov-p9) in a fresh kernel, after the setup cell: target <= 150 ms.
2. Peak memory of a kernel that used the look-up (a search, a few more, a result's details): <= +60 MB over bare.
3. One warm search, median and p95 over docs/lookup-queries.csv: <= 20 ms and <= 50 ms.
4. Run All of the 02 and 03 masters (every course/02*.ipynb and 03*.ipynb, so a notebook split off 02 counts too):
   <= x2 a bare kernel's time (pandas and ipywidgets imported, as many code cells run, each trivial; the ratio to
   a one-cell bare kernel is printed too).

The package's bytecode (.pyc) is written first, as pip writes it when it installs a package and as Python writes it
on a first import: the bare kernel's pandas and ipywidgets have theirs, and a machine with PYTHONDONTWRITEBYTECODE set
(this one) would otherwise compile the course's source in every kernel (--no-compile measures that).

A bare kernel runs the same cells with the course's calls replaced by trivial ones. Results print as a table and go
to benchmarks/results/lookup.json. No test asserts on them (timings depend on the machine).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from run import ROOT, RESULTS, run_all_once

PEAK = "import resource\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"


def kernel_run(cells: list[str], folder: Path, repeat: int = 3) -> list[list[str]]:
    """Run cells in fresh kernels (repeat times); the printed text of every cell, per run."""
    runs = []
    for _ in range(repeat):
        nb = new_notebook(cells=[new_code_cell(c) for c in cells])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
        runs.append(["".join(o.get("text", "") for o in c.outputs) for c in nb.cells])
    return runs


def first_answer() -> dict:
    """Setup cell (import, open 01's quiz, show ov-p9), then the timed answer of the code question."""
    with tempfile.TemporaryDirectory() as folder:
        setup = ("import time\nfrom billcode import open_quiz\nquiz = open_quiz('01_overview', " + repr(folder) + ")\n"
                 "question = quiz.ask('ov-p9')")
        timed = "t = time.perf_counter(); quiz.answer('ov-p9', 'e11.9'); print(time.perf_counter() - t)"
        ours = kernel_run([setup, timed, PEAK], Path(folder))
        bare = kernel_run(["import time, pandas, ipywidgets\nbox = ipywidgets.Text()",
                           "t = time.perf_counter(); box.value = 'E11.9'; 'e11.9'.upper() == 'E11.9'; print(time.perf_counter() - t)",
                           PEAK], Path(folder))
    ours_s = statistics.median(float(r[1]) for r in ours)
    base_s = statistics.median(float(r[1]) for r in bare)
    return {"what": "first answer to a code question (01 ov-p9), fresh kernel, after setup", "target": "<= 0.150 s",
            "baseline": "a bare kernel setting a text box", "seconds": ours_s, "baseline_seconds": base_s,
            "time_ratio": ours_s / base_s, "peak_mb": statistics.median(float(r[2]) for r in ours),
            "baseline_peak_mb": statistics.median(float(r[2]) for r in bare)}


LOOKUP_CELL = """from billcode import lookup_explorer
lookup = lookup_explorer('strep throat')
if getattr(lookup, 'ready', None) is not None:  # the look-up before issue 21 loaded in a thread
    lookup.ready.wait(300)
    lookup.find()
for text in ['heart attack', 'fx lt radius shaft init', 'T1501A', 'fracture']:
    lookup.box.value = text
    lookup.find()
options = lookup.results.options
if options:
    lookup.results.value = options[0][1]
"""


def lookup_memory() -> dict:
    """Peak memory of a kernel that used the look-up, against a bare kernel."""
    with tempfile.TemporaryDirectory() as folder:
        ours = kernel_run(["import pandas, ipywidgets", LOOKUP_CELL, PEAK], Path(folder), repeat=2)
        bare = kernel_run(["import pandas, ipywidgets", "pass", PEAK], Path(folder), repeat=2)
    ours_m = statistics.median(float(r[2]) for r in ours)
    base_m = statistics.median(float(r[2]) for r in bare)
    return {"what": "kernel that used the ICD-10-CM look-up, peak memory", "target": "<= +60 MB",
            "baseline": "a bare kernel importing pandas and ipywidgets", "peak_mb": ours_m, "baseline_peak_mb": base_m,
            "memory_ratio": ours_m / base_m, "extra_mb": ours_m - base_m}


SEARCH_PROBE = """
import csv, statistics, sys, time
from billcode.coding.lookup import search
queries = [row["query"] for row in csv.DictReader(open(sys.argv[1], encoding="utf-8"))]
for q in queries:
    search(q)
ours = []
for _ in range(5):
    for q in queries:
        t = time.perf_counter(); search(q); ours.append(time.perf_counter() - t)
ours.sort()
base = []
texts = [q.lower() for q in queries] * 50
for _ in range(5):
    for q in queries:
        t = time.perf_counter(); [x for x in texts if q.lower() in x]; base.append(time.perf_counter() - t)
print(statistics.median(ours), ours[int(0.95 * len(ours)) - 1], statistics.median(base))
"""


def warm_search() -> dict:
    """Median and 95th percentile of one search over the query set (each query five times, after a first pass)."""
    out = subprocess.run([sys.executable, "-c", SEARCH_PROBE, str(ROOT / "docs" / "lookup-queries.csv")],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    median, p95, base = map(float, out.stdout.split()[-3:])
    return {"what": "one warm search over the 60-query set: median (p95 in p95_seconds)",
            "target": "<= 0.020 s median, <= 0.050 s p95", "baseline": "a substring scan of 3,000 strings",
            "seconds": median, "p95_seconds": p95, "baseline_seconds": base, "time_ratio": median / base}


def code_cells(path: Path) -> int:
    """How many code cells a notebook has."""
    return sum(cell.cell_type == "code" for cell in nbformat.read(path, as_version=4).cells)


def notebook_names(names: list[str]) -> list[str]:
    """The notebooks whose Run All is measured: those named, else every course/02* and 03* notebook."""
    return names or sorted(p.stem for p in (ROOT / "course").glob("0[23]*.ipynb"))


def run_alls(names: list[str], repeat: int = 3) -> list[dict]:
    """Run All of the masters of these notebooks against two bare kernels in the same run: one cell, and as many cells.

    Each executed cell costs nbclient a round trip (about 15 ms here) whatever it does, so the fair baseline runs
    as many trivial cells as the notebook has code cells; the one-cell ratio is kept beside it. The three kernels
    take turns, `repeat` times (medians), so a machine that gets busier during the run weighs on all of them alike.
    """
    out = []
    for name in names:
        path = ROOT / "autograder" / "source" / name / f"{name}.ipynb"
        if not path.is_file():
            print(f"No master notebook {path.relative_to(ROOT)}: {name} is left out.", file=sys.stderr)
            continue
        count = code_cells(path)
        one, base, ours = [], [], []
        for _ in range(repeat):
            one.append(run_all_once(None))
            base.append(run_all_once(None, cells=count))
            ours.append(run_all_once(path))
        (one_t, one_c, _), (base_t, base_c, base_m), (ours_t, ours_c, ours_m) = (
            tuple(statistics.median(r[i] for r in runs) for i in range(3)) for runs in (one, base, ours))
        out.append({"what": f"Run All of {name} (master)", "target": "<= x2 time",
                    "baseline": f"a bare kernel importing pandas and ipywidgets, in {count} code cells as the "
                                f"notebook has (x{ours_t / one_t:.2f} a one-cell bare kernel); CPU seconds (kernel "
                                f"and client) x{ours_c / base_c:.2f} ({ours_c:.2f} s against {base_c:.2f} s), "
                                f"x{ours_c / one_c:.2f} a one-cell bare kernel's",
                    "seconds": ours_t, "baseline_seconds": base_t, "time_ratio": ours_t / base_t,
                    "one_cell_seconds": one_t, "one_cell_ratio": ours_t / one_t,
                    "cpu_seconds": ours_c, "baseline_cpu_seconds": base_c, "cpu_ratio": ours_c / base_c,
                    "one_cell_cpu_seconds": one_c, "one_cell_cpu_ratio": ours_c / one_c, "peak_mb": ours_m,
                    "baseline_peak_mb": base_m, "memory_ratio": ours_m / base_m})
    return out


def main() -> int:
    """Measure, print a table, save JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip Run All")
    parser.add_argument("--run-all", action="store_true", help="measure only Run All")
    parser.add_argument("notebooks", nargs="*", help="notebooks for Run All (default: course/02* and 03*)")
    parser.add_argument("--src", type=Path, help="measure the billcode package in this folder instead")
    parser.add_argument("--no-compile", action="store_true", help="do not write the package's .pyc files first")
    args = parser.parse_args()
    if args.src:
        os.environ["PYTHONPATH"] = str(args.src.resolve()) + os.pathsep + os.environ.get("PYTHONPATH", "")
    if not args.no_compile:
        compileall.compile_dir(str((args.src or ROOT / "src").resolve() / "billcode"), quiet=1)
    if args.run_all:
        results = run_alls(notebook_names(args.notebooks))
    else:
        results = [first_answer(), lookup_memory(), warm_search(),
                   *([] if args.quick else run_alls(notebook_names(args.notebooks)))]
    print(f"{'measurement':66} {'seconds':>9} {'baseline':>9} {'x time':>7} {'MB':>7} {'bare MB':>7}")
    for r in results:
        seconds = f"{r['seconds']:9.4f}" if "seconds" in r else " " * 9
        base = f"{r['baseline_seconds']:9.4f}" if "baseline_seconds" in r else " " * 9
        ratio = f"{r['time_ratio']:7.2f}" if "time_ratio" in r else " " * 7
        memory = f"{r['peak_mb']:7.0f} {r['baseline_peak_mb']:7.0f}" if "peak_mb" in r else ""
        print(f"{r['what'][:66]:66} {seconds} {base} {ratio} {memory}")
        extra = f" p95 {r['p95_seconds']:.4f} s;" if "p95_seconds" in r else ""
        extra += f" +{r['extra_mb']:.0f} MB over bare;" if "extra_mb" in r else ""
        print(f"{'':4}target {r['target']};{extra} baseline: {r['baseline']}")
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / ("lookup-src.json" if args.src else "lookup.json")
    if args.run_all and path.is_file():  # keep the other measurements of the last full run
        kept = [r for r in json.loads(path.read_text())["results"] if not r["what"].startswith("Run All")]
        results = kept + results
    path.write_text(json.dumps({"python": sys.version.split()[0], "src": str(args.src or ""), "pyc": not args.no_compile,
                                "when": time.strftime("%Y-%m-%d %H:%M"), "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
