"""Grading a class: stock serial `nbgrader autograde` against the course's grading command, in the same run.

    python benchmarks/grading.py                      # 10 students x every assignment (about 10 minutes)
    python benchmarks/grading.py --students 4 --assignments 01_overview 05_choosing_a_path
    python benchmarks/grading.py --startup            # only the start-up cost of nbformat and nbgrader

It makes N synthetic submissions per assignment (honest, partial, blank and broken, in the mix of
billcode.instructor.report.synthetic.MIX), copies the course root three times and grades each copy:
- stock: `nbgrader autograde ASSIGNMENT` for each assignment, one after the other (nbgrader's own command, with the
  course's nbgrader_config.py, so the same grading steps run; nbgrader has no parallel mode);
- ours, one at a time (`--jobs 1`), and ours in parallel (`--jobs N`, default the command's own: one per core, plus one).
It reports seconds per submission, the throughput ratio against stock, "once started" (the command's own
timing, after its start-up), and whether the parallel run wrote exactly the serial run's grades.

--startup times `import nbformat` and `nbgrader --version` in this environment, against the same with
jsonschema 4.26 and rfc3987-syntax laid over it (what an unconstrained install gets), in the same run.
Results print as a table and are written to benchmarks/results/grading.json. No test asserts on them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results"
sys.path.insert(0, str(ROOT / "tests"))


def wall(cmd: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    """Seconds a command takes, and its result."""
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - start, done


def startup(repeat: int = 5) -> list[dict]:
    """import nbformat and nbgrader --version, here and with the slow IRI checker laid over this environment."""
    with tempfile.TemporaryDirectory() as overlay:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", overlay,
                        "jsonschema==4.26.0", "rfc3987-syntax==1.1.0", "lark==1.3.1"], check=True)
        slow = {**os.environ, "PYTHONPATH": overlay}
        rows = []
        for what, cmd in (("import nbformat", [sys.executable, "-c", "import nbformat"]),
                          ("nbgrader --version", [sys.executable, "-m", "nbgrader", "--version"])):
            ours = statistics.median(wall(cmd)[0] for _ in range(repeat))
            before = statistics.median(wall(cmd, env=slow)[0] for _ in range(repeat))
            probe = subprocess.run([sys.executable, "-c", "import nbformat, sys; print('rfc3987_syntax' in sys.modules)"],
                                   env=slow, capture_output=True, text=True).stdout.strip()
            rows.append({"what": what, "seconds": ours, "baseline_seconds": before, "time_ratio": ours / before,
                         "baseline": f"jsonschema 4.26 + rfc3987-syntax over this environment (loaded: {probe})"})
        return rows


def prepare(base: Path, students: int, names: list[str]) -> Path:
    """A course root with the assignments released and a synthetic class submitted."""
    from billcode.instructor.author.release import nbgrader
    from billcode.instructor.report.synthetic import synthetic_class
    from nbgrader_helpers import copy_course_root

    root = copy_course_root(base / "stock")
    for name in names:
        nbgrader(root, "generate_assignment", name, "--force")
    synthetic_class(root, students, names)
    for copy in ("serial", "parallel"):
        shutil.copytree(root, base / copy / "autograder")
    return root


def ours(root: Path, jobs: int) -> tuple[float, float]:
    """Wall seconds of the course's grading command, and its own 'graded in N s' (after start-up)."""
    seconds, done = wall([sys.executable, "-m", "billcode.instructor.grade.autograde", "--root", str(root), "--jobs", str(jobs)])
    found = re.search(r"graded in (\d+) s", done.stdout)
    if done.returncode not in (0, 1) or not found:
        raise RuntimeError(done.stdout + done.stderr)
    return seconds, float(found.group(1))


def stock(root: Path, names: list[str]) -> float:
    """Wall seconds of nbgrader's own autograde, one assignment after another (it fails on a broken notebook)."""
    from billcode.instructor.author.release import nbgrader_env

    total = 0.0
    for name in names:
        seconds, _ = wall([sys.executable, "-m", "nbgrader", "autograde", name, "--force"], cwd=root, env=nbgrader_env())
        total += seconds
    return total


def same_grades(a: Path, b: Path) -> bool:
    """Whether two graded copies hold exactly the same gradebook rows."""
    from billcode.instructor.report.analytics import gradebook_rows

    return gradebook_rows(a).equals(gradebook_rows(b))


def class_run(students: int, names: list[str], jobs: int) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        root = prepare(base, students, names)
        n = students * len(names)
        stock_s = stock(root, names)
        serial_s, serial_started = ours(base / "serial" / "autograder", 1)
        parallel_s, parallel_started = ours(base / "parallel" / "autograder", jobs)
        return {"submissions": n, "jobs": jobs, "assignments": names,
                "stock_seconds": stock_s, "serial_seconds": serial_s, "parallel_seconds": parallel_s,
                "stock_per_submission": stock_s / n, "serial_per_submission": serial_s / n,
                "parallel_per_submission": parallel_s / n, "parallel_per_submission_once_started": parallel_started / n,
                "throughput_vs_stock": stock_s / parallel_s, "throughput_vs_serial": serial_s / parallel_s,
                "identical_grades": same_grades(base / "serial" / "autograder", base / "parallel" / "autograder")}


def main() -> int:
    from billcode.instructor.grade.autograde import default_jobs, usable_cores
    from billcode.instructor.author.release import assignments

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--assignments", nargs="*", default=None)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--startup", action="store_true", help="only measure the start-up cost")
    args = parser.parse_args()
    results: dict = {"python": sys.version.split()[0], "cores": usable_cores()}
    results["startup"] = startup()
    print(f"{'start-up':32} {'seconds':>8} {'before':>8} {'× time':>7}")
    for r in results["startup"]:
        print(f"{r['what']:32} {r['seconds']:8.2f} {r['baseline_seconds']:8.2f} {r['time_ratio']:7.2f}")
    if not args.startup:
        names = args.assignments or assignments(ROOT / "autograder")
        run = class_run(args.students, names, args.jobs or default_jobs())
        results["class"] = run
        print(f"\n{run['submissions']} submissions ({args.students} students × {len(names)} assignments), "
              f"{run['jobs']} at a time, on {results['cores']} cores:")
        print(f"  stock nbgrader autograde, serial: {run['stock_seconds']:7.1f} s  ({run['stock_per_submission']:.2f} s each)")
        print(f"  course command, --jobs 1:         {run['serial_seconds']:7.1f} s  ({run['serial_per_submission']:.2f} s each)")
        print(f"  course command, --jobs {run['jobs']}:         {run['parallel_seconds']:7.1f} s  "
              f"({run['parallel_per_submission']:.2f} s each; {run['parallel_per_submission_once_started']:.2f} s once started)")
        print(f"  throughput: ×{run['throughput_vs_stock']:.2f} stock, ×{run['throughput_vs_serial']:.2f} serial; "
              f"identical grades to serial: {run['identical_grades']}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "grading.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
