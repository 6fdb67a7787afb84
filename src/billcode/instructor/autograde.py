"""Instructor tool: grade every collected submission; nothing a student's code does can change a grade.

    python -m billcode.instructor.autograde [--root autograder] [--student ID ...] [ASSIGNMENT ...]

For each submission it takes in only the notebook, the answers file and the timestamp (other files are
listed in the report, never copied), gives a missing or damaged notebook a 0 with the reason, and runs
nbgrader's autograde in this process with the course's steps: student code in the sandbox, every graded
cell scored here from the key file. It writes reports/grading_report.csv and exits 0 only when every
submission was graded from its notebook.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import signal
import subprocess
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager

from billcode.quiz.answers import ANSWERS_SUFFIX, MAX_ANSWERS_BYTES
from billcode.instructor.grading_steps import REPORT
from billcode.instructor.keys import preload_keys
from billcode.instructor.release import ReleaseError, assignments, nbgrader_env
from billcode.instructor.sandbox import sandbox_problem

INTAKE = ".intake"  # what is graded: a clean copy of each submission, inside the course root
REPORTS = "reports"
IN_PROGRESS = ".grading-in-progress"
MAX_NOTEBOOK_BYTES = 20 * 1024**2


@dataclass
class Outcome:
    """What happened to one student's submission of one assignment."""

    assignment: str
    student: str
    status: str = "graded"  # graded | zero | failed
    score: float | None = None
    max_score: float | None = None
    isolated: bool | None = None
    problems: list[str] = field(default_factory=list)


def preflight(kernel: str = "python3") -> str:
    """Check that the grading kernel can import the course package; return its interpreter."""
    spec = KernelSpecManager().get_kernel_spec(kernel)
    launcher = spec.argv.index("-m") if "-m" in spec.argv else 1  # the interpreter and its own flags
    probe = [*spec.argv[:launcher], "-c", "import billcode, ipykernel; print(billcode.__file__)"]
    done = subprocess.run(probe, capture_output=True, text=True, env=nbgrader_env(), timeout=120)
    if done.returncode != 0:
        raise ReleaseError(
            f"The {kernel!r} kernel ({spec.argv[0]}) cannot import the course package, so every test would "
            f"silently score 0. Run `make install` (it installs billcode and pins the kernel).\n{done.stderr.strip()}"
        )
    return spec.argv[0]


def shown(name: str) -> str:
    """A file name as text that can always be printed and written (odd bytes spelled as escapes)."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8")


def _size(path: Path) -> int:
    if path.is_symlink() or not path.is_dir():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*"))


def notebook_problem(path: Path) -> str | None:
    """Why a submitted notebook cannot be graded, or None."""
    import nbformat

    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        return f"{path.name} is {path.stat().st_size / 1024**2:.0f} MB, over the {MAX_NOTEBOOK_BYTES // 1024**2} MB limit"
    try:
        nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    except Exception:
        return f"{path.name} is not a readable notebook (not valid JSON: damaged or cut short)"
    try:
        nbformat.validate(nb)
    except Exception as err:
        return f"{path.name} does not follow the notebook format ({str(err).splitlines()[0][:160]})"
    return None


def readable_timestamp(path: Path) -> bool:
    """Whether nbgrader can read a submission's timestamp.txt (a damaged one makes nbgrader 0.9.6 crash)."""
    from nbgrader.utils import parse_utc

    try:
        with path.open("rb") as handle:
            parse_utc(handle.read(100).decode("utf-8").strip())
    except Exception:
        return False
    return True


def take_in(root: Path, outcome: Outcome) -> str | None:
    """Copy what will be graded into the intake folder; return why the submission scores 0, or None."""
    name = outcome.assignment
    src = root / "submitted" / outcome.student / name
    dst = root / INTAKE / outcome.student / name
    shutil.rmtree(dst, ignore_errors=True)
    dst.mkdir(parents=True)
    wanted = src / f"{name}.ipynb"
    regular = {p.name: p for p in src.iterdir() if p.is_file() and not p.is_symlink()}
    chosen = regular.get(wanted.name)
    others = [p for n, p in regular.items() if n.endswith(".ipynb") and n != wanted.name]
    if chosen is None and len(others) == 1:
        chosen = others[0]
        outcome.problems.append(f"the notebook was named {shown(chosen.name)!r}; graded it as {wanted.name}")
    taken = {chosen.name} if chosen else set()
    for extra, limit in ((f"{name}{ANSWERS_SUFFIX}", MAX_ANSWERS_BYTES), ("timestamp.txt", 1024)):
        if extra in regular and regular[extra].stat().st_size <= limit:
            shutil.copyfile(regular[extra], dst / extra)
            taken.add(extra)
    if "timestamp.txt" in taken and not readable_timestamp(dst / "timestamp.txt"):
        (dst / "timestamp.txt").unlink()
        outcome.problems.append("timestamp.txt could not be read: graded without a submission time (no late penalty)")
    left = sorted(p for p in src.iterdir() if p.name not in taken and p.name != ".ipynb_checkpoints")
    if left:
        listed = ", ".join(f"{shown(p.name)}{'/' if p.is_dir() and not p.is_symlink() else ''} ({_size(p):,} bytes)"
                           for p in left)
        outcome.problems.append(f"not graded and not copied next to the notebook: {listed}")
    if chosen is None:
        return f"no notebook named {wanted.name} was submitted"
    problem = notebook_problem(chosen)
    if problem:
        return problem
    shutil.copyfile(chosen, dst / wanted.name)
    return None


def load_api(root: Path):
    """nbgrader's API on this course root, reading submissions from the intake folder."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root.resolve())
    config.CourseDirectory.submitted_directory = INTAKE
    config.Application.log_level = "WARN"
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def record_zero(api, outcome: Outcome) -> None:
    """Give every graded cell of a submission that cannot be graded an automatic 0 (manual scores are kept)."""
    from nbgrader.api import Gradebook

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        gb.update_or_create_student(outcome.student)
        submission = gb.update_or_create_submission(outcome.assignment, outcome.student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = 0.0
                grade.needs_manual_grade = grade.manual_score is not None
        gb.db.commit()
    stale = Path(api.coursedir.root) / "autograded" / outcome.student / outcome.assignment
    shutil.rmtree(stale, ignore_errors=True)  # feedback must not come from an older run


def read_score(api, outcome: Outcome) -> None:
    """Fill in the score the gradebook now holds."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        try:
            submission = gb.find_submission(outcome.assignment, outcome.student)
        except MissingEntry:
            outcome.status, outcome.problems = "failed", [*outcome.problems, "no gradebook row was written"]
            return
        outcome.score, outcome.max_score = float(submission.score), float(submission.max_score)


def read_log(log: str, outcome: Outcome) -> None:
    """Turn the course steps' report lines and nbgrader's warnings into the outcome's problems."""
    prefix = f"[WARNING] {REPORT} "  # how capture_log writes our lines; text a student put in a log never starts so
    for line in log.splitlines():
        if not line.startswith(prefix):
            continue
        try:
            event = json.loads(line[len(prefix):])
        except ValueError:
            continue
        if not isinstance(event, dict) or not all(isinstance(v, str | int | float | bool | None) for v in event.values()):
            continue
        if event.get("event") == "run":
            outcome.isolated = bool(event.get("isolated"))
            if event.get("note"):
                outcome.problems.append(event["note"])
            ending = event.get("ending", "")
            if event.get("timeouts"):
                outcome.problems.append(f"{event['timeouts']} cell(s) ran past the {event.get('cell_timeout', 30)} s "
                                        "time limit and were interrupted")
            if ending == "kernel-died":
                outcome.problems.append("the kernel died while running the notebook; later cells did not run")
            elif ending == "interrupt-ignored":
                outcome.problems.append("a cell ignored the interrupt after the time limit; later cells did not run")
            elif ending == "notebook-timeout":
                outcome.problems.append("the notebook ran past the time limit and was stopped")
            elif ending not in ("finished", ""):
                outcome.problems.append(f"the notebook run ended early ({ending})")
        elif event.get("event") == "duplicate-cell":
            outcome.problems.append(f"graded cell {event.get('cell')} was duplicated; the first copy was graded")
        elif event.get("event") == "course-internals":
            outcome.problems.append(f"answer cell {event.get('cell')} imports the course's own code "
                                    f"({event.get('modules')}): it may call a helper that does the task; review it")


def grade_one(api, outcome: Outcome) -> None:
    """Take in, grade and score one submission."""
    root = Path(api.coursedir.root)
    reason = take_in(root, outcome)
    if reason:
        outcome.status = "zero"
        outcome.problems.insert(0, reason)
        record_zero(api, outcome)
    else:
        result = api.autograde(outcome.assignment, outcome.student, force=True, create=True)
        read_log(result.get("log", ""), outcome)
        if not result.get("success"):
            outcome.status = "failed"
            detail = (result.get("error") or result.get("log") or "").strip().splitlines()
            outcome.problems.insert(0, "nbgrader could not grade it: " + (detail[-1] if detail else "no detail"))
            outcome.problems.append("the gradebook keeps whatever it held before this run")
            return
    read_score(api, outcome)


def write_report(root: Path, outcomes: list[Outcome]) -> Path:
    """Write reports/grading_report.csv: one row per submission."""
    path = root / REPORTS / "grading_report.csv"
    path.parent.mkdir(exist_ok=True)
    with path.open("w", newline="", encoding="utf-8", errors="backslashreplace") as handle:
        writer = csv.writer(handle)
        writer.writerow(["assignment", "student", "status", "score", "max_score", "isolated", "problems"])
        for o in outcomes:
            writer.writerow([o.assignment, o.student, o.status, "" if o.score is None else f"{o.score:g}",
                             "" if o.max_score is None else f"{o.max_score:g}",
                             {True: "yes", False: "NO", None: ""}[o.isolated], "; ".join(o.problems)])
    return path


class Stopped(Exception):
    """The grading run received SIGTERM or SIGINT."""


_signals: list[str] = []


def _stop(signum, _frame):
    # nbgrader's API catches every exception inside a grading step, so remember the signal as well.
    _signals.append(signal.Signals(signum).name)
    raise Stopped(_signals[-1])


def main(argv: list[str] | None = None) -> int:
    """Command line: grade every (or the named) assignment and say exactly what happened to each student."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="assignments to grade (default: all under source/)")
    parser.add_argument("--root", default="autograder")
    parser.add_argument("--student", action="append", help="grade only this student (repeatable)")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader 0.9.6 + SQLAlchemy 2: benign
    try:
        python = preflight()
    except ReleaseError as err:
        print(err, file=sys.stderr)
        return 2
    print(f"Grading kernel: {python} (imports billcode)")
    problem = sandbox_problem()
    print("Student code runs isolated (bubblewrap sandbox)." if not problem else
          f"WARNING: student code runs UNISOLATED ({problem}): one hostile submission could change any grade in "
          "this batch, so do not trust its results; install bubblewrap and grade again.")
    marker = root / REPORTS / IN_PROGRESS
    if marker.is_file():
        print(f"The previous grading run stopped while grading {marker.read_text().strip()}; grading everything again.")
    marker.parent.mkdir(exist_ok=True)
    api = load_api(root)
    _signals.clear()
    for name in args.names or assignments(root):
        preload_keys(root, name)  # read the key files before any student code runs
    todo = [Outcome(name, p.parent.name) for name in (args.names or assignments(root))
            for p in sorted((root / "submitted").glob(f"*/{name}")) if p.is_dir()
            and (not args.student or p.parent.name in args.student)]
    outcomes: list[Outcome] = []
    previous = {s: signal.signal(s, _stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        for number, outcome in enumerate(todo, 1):
            marker.write_text(f"{outcome.student} ({outcome.assignment})\n")
            grade_one(api, outcome)
            if _signals:
                raise Stopped(_signals[-1])
            outcomes.append(outcome)
            score = "-" if outcome.score is None else f"{outcome.score:g}/{outcome.max_score:g}"
            print(f"[{number}/{len(todo)}] {outcome.assignment} {outcome.student}: {outcome.status} {score}"
                  + (f" ({'; '.join(outcome.problems)})" if outcome.problems else ""), flush=True)
    except Stopped as why:
        current = todo[min(len(outcomes), len(todo) - 1)]
        write_report(root, outcomes)
        print(f"Grading STOPPED by {why} while grading {current.student} ({current.assignment}): "
              f"{len(outcomes)} of {len(todo)} done. Run it again to grade everyone.", file=sys.stderr)
        return 3
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    marker.unlink(missing_ok=True)
    report = write_report(root, outcomes)
    bad = [o for o in outcomes if o.status != "graded"]
    print(f"Report: {report}")
    if not todo:
        print("No submissions found under submitted/.")
    if bad:
        print(f"{len(bad)} of {len(outcomes)} submission(s) were NOT graded from their notebook:",
              *(f"  {o.student} ({o.assignment}): {o.status}: {o.problems[0]}" for o in bad), sep="\n")
        return 1
    print(f"All {len(outcomes)} submission(s) graded.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
