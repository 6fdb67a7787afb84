"""Speed and memory of the course package, each reported as a ratio to a baseline measured in the same run.

    python benchmarks/run.py            # all measurements (about two minutes)
    python benchmarks/run.py --quick    # skip the nbgrader autograde measurement

Results print as a table and are written to benchmarks/results/latest.json. No test asserts on them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results"


def in_subprocess(code: str, repeat: int = 5) -> tuple[float, float]:
    """Median wall time (s) and peak RSS (MB) of running `code` in a fresh interpreter."""
    probe = (
        "import time, resource; t = time.perf_counter()\n" + code +
        "\nprint(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
        runs.append(tuple(map(float, out.stdout.split()[-2:])))
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def timed(func, repeat: int = 7) -> float:
    """Median wall time of func() in this process."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench_import() -> dict:
    base_t, base_m = in_subprocess("import ipywidgets, pandas")
    ours_t, ours_m = in_subprocess("import billcode; from billcode.quiz.engine import open_quiz")
    return {"what": "import billcode (quiz engine)", "baseline": "import ipywidgets, pandas",
            "seconds": ours_t, "baseline_seconds": base_t, "time_ratio": ours_t / base_t,
            "peak_mb": ours_m, "baseline_peak_mb": base_m, "memory_ratio": ours_m / base_m}


def bench_questions() -> dict:
    import ipywidgets as widgets

    from billcode.quiz.engine import open_quiz

    with tempfile.TemporaryDirectory() as folder:
        quiz = open_quiz("01_overview", folder)
        items = [i["id"] for i in quiz.bank["items"]]
        ours = timed(lambda: [quiz.ask(i) for i in items])
        base = timed(lambda: [widgets.VBox([widgets.HTML("q"), widgets.RadioButtons(options=["a", "b", "c"]),
                                            widgets.Button(description="Check"), widgets.HTML("")]) for _ in items])
    return {"what": f"show all {len(items)} questions of 01_overview", "baseline": "as many plain 4-widget boxes",
            "seconds": ours, "baseline_seconds": base, "time_ratio": ours / base}


def bench_grade() -> dict:
    """Score one graded answer in the grader's process (billcode.instructor.grade.marking), against reading the answers file."""
    from billcode.quiz.answers import answers_path, parse_answers, save_graded
    from billcode.quiz.bank import load_bank
    from billcode.instructor.keys import QuizKey
    from billcode.instructor.grade.marking import score_quiz

    bank = load_bank("01_overview")
    with tempfile.TemporaryDirectory() as folder:
        path = answers_path("01_overview", folder)
        save_graded(path, "01_overview", "ov-g5", ["a", "c", "e"])
        key = QuizKey("ov-g5", ["a", "c", "e"], "Because.")
        ours_t = timed(lambda: score_quiz(bank, key, parse_answers(path.read_bytes(), "01_overview"), 2), 50)
        base_t = timed(lambda: json.loads(path.read_text()), 50)
    return {"what": "score one saved answer in the grader's process", "baseline": "read and parse the answers file",
            "seconds": ours_t, "baseline_seconds": base_t, "time_ratio": ours_t / base_t}


def bench_code_hint() -> dict:
    first_t, first_m = in_subprocess("from billcode.coding.codes import icd10cm_hints; icd10cm_hints('S93.401')", repeat=3)
    base_t, base_m = in_subprocess("import billcode", repeat=3)
    return {"what": "first ICD-10-CM hint in a fresh process (reads the prebuilt code-set file)", "baseline": "import billcode",
            "seconds": first_t, "baseline_seconds": base_t, "time_ratio": first_t / base_t,
            "peak_mb": first_m, "baseline_peak_mb": base_m, "memory_ratio": first_m / base_m}


def bench_autograde() -> dict:
    """The course's grading command on one submission, in the sandbox and (baseline) unisolated, same run."""
    import os

    from billcode.quiz.answers import save_graded
    from billcode.instructor.author.release import nbgrader

    def grade(root: Path, sandbox: str) -> float:
        env = {**os.environ, "BILLCODE_SANDBOX": sandbox}
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "billcode.instructor.grade.autograde", "--root", str(root)], env=env,
                       capture_output=True, check=True)
        return time.perf_counter() - start

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "autograder"
        root.mkdir()
        shutil.copy(ROOT / "autograder" / "nbgrader_config.py", root)
        shutil.copytree(ROOT / "autograder" / "keys", root / "keys", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(ROOT / "autograder" / "source", root / "source", ignore=shutil.ignore_patterns("*_answers.json"))
        nbgrader(root, "generate_assignment", "01_overview")
        folder = root / "submitted" / "s1" / "01_overview"
        shutil.copytree(root / "release" / "01_overview", folder)
        save_graded(folder / "01_overview_answers.json", "01_overview", "ov-g3", "c")
        base = min(grade(root, "off") for _ in range(2))
        ours = min(grade(root, "require") for _ in range(2))
    return {"what": "grading command, one 01_overview submission, sandboxed", "baseline": "the same, unisolated",
            "seconds": ours, "baseline_seconds": base, "time_ratio": ours / base}


PEAK_CELL = ("import resource\nusage = resource.getrusage(resource.RUSAGE_SELF)\n"
             "print(usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)")


def run_all_once(path: Path | None, cells: int = 1) -> tuple[float, float, float]:
    """Run All of a notebook once (kernel start included): wall seconds, CPU seconds, the kernel's peak RSS in MB.

    CPU seconds are the kernel's own (user + system) plus this process's while it drove the kernel (nbclient reads
    every message): on a busy machine they move far less than wall time. path=None runs the baseline: a bare kernel
    that imports only pandas and ipywidgets, in `cells` code cells (the rest `pass`).
    """
    import nbformat
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    with tempfile.TemporaryDirectory() as scratch:
        if path is None:
            nb = new_notebook(cells=[new_code_cell("import pandas, ipywidgets")]
                              + [new_code_cell("pass") for _ in range(cells - 1)])
        else:
            shutil.copytree(path.parent, Path(scratch), dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("*_answers.json", ".ipynb_checkpoints"))
            nb = nbformat.read(path, as_version=4)
        nb.cells.append(new_code_cell(PEAK_CELL))
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        start, cpu = time.perf_counter(), time.process_time()
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": scratch}}).execute()
        seconds, client_cpu = time.perf_counter() - start, time.process_time() - cpu
        kernel_cpu, peak = map(float, nb.cells[-1].outputs[0]["text"].split()[-2:])
    return seconds, kernel_cpu + client_cpu, peak


def run_all(path: Path | None, repeat: int = 2, cells: int = 1) -> tuple[float, float]:
    """Median seconds to Run All of a notebook (kernel start included) and the kernel's peak RSS in MB.

    path=None runs the baseline: a bare kernel that imports only pandas and ipywidgets, in `cells` code cells (the
    rest `pass`), so a notebook is compared with a bare kernel running as many cells (each costs a round trip).
    """
    runs = [run_all_once(path, cells) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[2] for r in runs)


def bench_notebooks() -> list[dict]:
    """Run All of every master (solutions and key answers in), against a bare kernel running as many code cells."""
    import nbformat

    results = []
    for path in sorted((ROOT / "autograder" / "source").glob("*/*.ipynb")):
        count = sum(cell.cell_type == "code" for cell in nbformat.read(path, as_version=4).cells)
        base_t, base_m = run_all(None, cells=count)
        ours_t, ours_m = run_all(path)
        results.append({"what": f"Run All of {path.stem} (master), kernel peak memory",
                        "baseline": f"a bare kernel importing pandas and ipywidgets, in {count} code cells",
                        "seconds": ours_t, "baseline_seconds": base_t, "time_ratio": ours_t / base_t,
                        "peak_mb": ours_m, "baseline_peak_mb": base_m, "memory_ratio": ours_m / base_m})
    return results


def bench_lookup_search() -> dict:
    """ICD-10-CM look-up: median time of a warm search, against a plain Python scan of the tabular titles."""
    code = (
        "import statistics, time\n"
        "from billcode.coding import codeset\n"
        "from billcode.coding.lookup import search\n"
        "queries = ['torus fracture lower end right radius', 'S52.52', 'diabetes kidney', 'e119', 'foreign body cornea']\n"
        "ours, plain = [], []\n"
        "texts = [(c, (d or '').lower()) for c, d in codeset.query('SELECT code, description FROM codes WHERE kind = 0')]\n"
        "[search(q) for q in queries]\n"
        "for _ in range(5):\n"
        "    for q in queries:\n"
        "        t = time.perf_counter(); search(q); ours.append(time.perf_counter() - t)\n"
        "        words = q.lower().split()\n"
        "        t = time.perf_counter(); [c for c, w in texts if all(x in w for x in words)][:25]; plain.append(time.perf_counter() - t)\n"
        "print(statistics.median(ours), statistics.median(plain))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    ours, base = map(float, out.stdout.split()[-2:])
    return {"what": "ICD-10-CM look-up: one warm search", "baseline": "a plain Python scan of the tabular titles",
            "seconds": ours, "baseline_seconds": base, "time_ratio": ours / base}


def bench_lookup_memory() -> dict:
    """A kernel with the look-up open (first search answered), against a bare kernel: time and peak memory."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "lookup.ipynb"
        nbformat.write(new_notebook(cells=[new_code_cell(
            "from billcode import lookup_explorer\nlookup = lookup_explorer('torus fracture')")]), path)
        ours_t, ours_m = run_all(path)
    base_t, base_m = run_all(None)
    return {"what": "kernel with the ICD-10-CM look-up open (answered)", "baseline": "a bare kernel importing pandas and ipywidgets",
            "seconds": ours_t, "baseline_seconds": base_t, "time_ratio": ours_t / base_t,
            "peak_mb": ours_m, "baseline_peak_mb": base_m, "memory_ratio": ours_m / base_m,
            "extra_mb": ours_m - base_m}


def main() -> int:
    """Run the measurements, print a table, save JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the autograde measurement")
    args = parser.parse_args()
    results = [bench_import(), bench_questions(), bench_grade(), bench_code_hint(), bench_lookup_search(),
               bench_lookup_memory(), *bench_notebooks()]
    if not args.quick:
        results.append(bench_autograde())
    print(f"{'measurement':60} {'seconds':>9} {'baseline':>9} {'× time':>7} {'× memory':>9}")
    for r in results:
        memory = f"{r['memory_ratio']:9.2f}" if "memory_ratio" in r else " " * 9
        if "extra_mb" in r:
            memory += f"  (+{r['extra_mb']:.0f} MB)"
        print(f"{r['what'][:60]:60} {r['seconds']:9.4f} {r['baseline_seconds']:9.4f} {r['time_ratio']:7.2f} {memory}")
        print(f"{'':4}baseline: {r['baseline']}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps({"python": sys.version.split()[0], "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
