"""Instructor tool: grade every collected submission; nothing a student's code does can change a grade.

    python -m billcode.instructor.grade.autograde [--root autograder] [--jobs N] [--student ID ...] [ASSIGNMENT ...]

For each submission it takes in only the notebook, the answers file and the timestamp (other files are
listed in the report, never copied), gives a missing or damaged notebook a 0 with the reason, and runs
nbgrader's autograde with the course's steps: student code in the sandbox, every graded cell scored in the
grading process from the key file. Submissions are graded by N processes at once (default: one per CPU core, plus one),
each student by one process at a time, with a progress line. It writes reports/grading_report.csv and exits 0
only when every submission was graded from its notebook; 1 when some were not, 2 when the course cannot be
graded (no kernel), 3 when stopped by a signal and 4 when the command itself failed.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
import warnings
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager

from billcode.quiz.answers import ANSWERS_SUFFIX, MAX_ANSWERS_BYTES
from billcode.instructor.grade.gradebook_wait import wait_for_gradebook
from billcode.instructor.grade.grading_steps import take_events
from billcode.instructor.grade.progress import Progress, waiting_text
from billcode.instructor.keys import preload_keys
from billcode.instructor.safe_text import safe_row, safe_text
from billcode.instructor.author.release import ReleaseError, assignments, nbgrader_env
from billcode.instructor.grade.sandbox import sandbox_problem

INTAKE = ".intake"  # what is graded: a clean copy of each submission, inside the course root
REPORTS = "reports"
IN_PROGRESS = ".grading-in-progress"
MAX_NOTEBOOK_BYTES = 20 * 1024**2
MAX_CELLS = 2_000  # the course's longest notebook has under 100
MAX_RESTARTS = 3  # grading processes started again after one died, per run


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
    seconds: float = 0.0
    waiting: float = 0.0  # points of written answers that wait for hand grading (not in score yet)


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
    """A submitted file name as text that can always be printed and written (odd bytes and controls escaped)."""
    return safe_text(name)


def _size(path: Path) -> int:
    if path.is_symlink() or not path.is_dir():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*"))


def read_notebook(path: Path):
    """The submitted notebook without its saved outputs, or why it cannot be graded: (notebook, None) or (None, why).

    The saved outputs are never graded (autograde clears them and runs the notebook again), so they are dropped
    here, read as plain JSON, before nbformat or nbgrader parse anything: 450,000 tiny saved outputs cost the
    grading process 25 s and 1 GB through nbformat, and well under a second this way. A notebook of more than
    MAX_CELLS cells is refused (nbgrader's steps take time per cell).
    """
    import nbformat

    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        return None, f"{path.name} is {size / 1024**2:.0f} MB, over the {MAX_NOTEBOOK_BYTES // 1024**2} MB limit"
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, RecursionError, MemoryError):
        return None, f"{path.name} is not a readable notebook (not valid JSON: damaged or cut short)"
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list) or data.get("nbformat") != 4:
        return None, f"{path.name} does not follow the notebook format (version 4, with a list of cells)"
    if len(cells) > MAX_CELLS:
        return None, f"{path.name} has {len(cells):,} cells, over the limit of {MAX_CELLS:,}"
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    try:
        nb = nbformat.from_dict(data)
        nbformat.validate(nb)
    except Exception as err:
        return None, f"{path.name} does not follow the notebook format ({str(err).splitlines()[0][:160]})"
    return nb, None


def readable_timestamp(path: Path) -> bool:
    """Whether nbgrader can read a submission's timestamp.txt, read as nbgrader 0.9.6 reads it: the whole file as
    text, stripped, then parse_utc (a damaged one makes nbgrader fail the submission). An empty file is readable
    (nbgrader grades it without a time)."""
    from nbgrader.utils import parse_utc

    try:
        with open(path, "r") as handle:  # noqa: PLW1514 (the same text mode as nbgrader's CourseDirectory)
            text = handle.read().strip()
        if text:
            parse_utc(text)
    except Exception:
        return False
    return True


def grades_questions(root: Path, assignment: str) -> bool:
    """Whether the key file grades any quiz question (scored from the answers file); True when that cannot be told."""
    from billcode.instructor.keys import QuizKey, load_graded
    from billcode.instructor.variants import class_params
    from billcode.quiz.bank import load_bank

    try:
        checks = load_graded(root, assignment, class_params(root, load_bank(assignment)))
    except Exception:  # no bank or key file: grading says so; the missing answers file is still worth a word
        return True
    return any(isinstance(check, QuizKey) for check in checks.values())


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
    # nbgrader's own submission_secret.txt (written by `nbgrader submit`) names the feedback page release_feedback makes.
    for extra, limit in ((f"{name}{ANSWERS_SUFFIX}", MAX_ANSWERS_BYTES), ("timestamp.txt", 1024),
                         ("submission_secret.txt", 1024)):
        if extra in regular and regular[extra].stat().st_size <= limit:
            shutil.copyfile(regular[extra], dst / extra)
            taken.add(extra)
    answers_file = f"{name}{ANSWERS_SUFFIX}"
    if answers_file not in taken and grades_questions(root, name):
        outcome.problems.append(f"no readable {answers_file} was submitted: every quiz question scores 0 (it is "
                                "handed in next to the notebook)")
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
    nb, problem = read_notebook(chosen)
    if problem:
        return problem
    import nbformat

    nbformat.write(nb, dst / wanted.name)
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
        outcome.waiting = sum(float(g.max_score) for nb in submission.notebooks for g in nb.grades
                              if g.needs_manual_grade and g.manual_score is None and g.auto_score is None)


def read_events(events: list[dict], outcome: Outcome) -> None:
    """Turn the course steps' events for this submission (kept in this process, never parsed from a log) into the
    outcome's problems. Every text from them is the student's data: writers pass it through safe_text."""
    for event in events:
        kind = event.get("event")
        if kind == "run":
            outcome.isolated = bool(event.get("isolated"))
            if event.get("note"):
                outcome.problems.append(str(event["note"]))
            ending = event.get("ending") or ""
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
            if event.get("dropped_outputs"):
                outcome.problems.append(f"{event['dropped_outputs']} output(s) of the run were over the limits "
                                        "(count or size) and were not kept")
        elif kind == "duplicate-cell":
            outcome.problems.append(f"graded cell {event.get('cell')} was duplicated; the first copy was graded")
        elif kind == "course-internals":
            outcome.problems.append(f"{event.get('cells')} used the course's own code ({event.get('modules')}): it may "
                                    "call a helper that does the task; review it")
        elif kind == "hidden-use":
            outcome.problems.append(f"student code tried to hide what it ran ({event.get('what')}); review it")


def grade_one(api, outcome: Outcome) -> None:
    """Take in, grade and score one submission."""
    start = time.monotonic()
    try:
        _grade(api, outcome)
    except Stopped:
        raise
    except Exception as err:  # the course's own step failed (a full disk, a gradebook locked too long): say so
        outcome.status = "failed"
        outcome.problems.insert(0, f"grading stopped with an error: {type(err).__name__}: {str(err)[:300]}")
        outcome.problems.append("the gradebook keeps whatever it held before this run")
    finally:
        outcome.seconds = time.monotonic() - start


def _grade(api, outcome: Outcome) -> None:
    root = Path(api.coursedir.root)
    reason = take_in(root, outcome)
    if reason:
        outcome.status = "zero"
        outcome.problems.insert(0, reason)
        record_zero(api, outcome)
    else:
        take_events(outcome.assignment, outcome.student)  # nothing left over from an earlier attempt
        result = api.autograde(outcome.assignment, outcome.student, force=True, create=True)
        read_events(take_events(outcome.assignment, outcome.student), outcome)
        if not result.get("success"):
            outcome.status = "failed"
            detail = (result.get("error") or result.get("log") or "").strip().splitlines()
            outcome.problems.insert(0, "nbgrader could not grade it: " + (detail[-1] if detail else "no detail"))
            outcome.problems.append("the gradebook keeps whatever it held before this run")
            return
    read_score(api, outcome)


def print_waiting(outcomes: list[Outcome]) -> None:
    """Say which submissions hold written answers that wait for hand grading, and where they are graded."""
    waiting = [o for o in outcomes if o.waiting]
    if waiting:
        total = sum(o.waiting for o in waiting)
        print(f"{len(waiting)} submission(s) hold written answers not graded yet ({waiting_text(total)} in all, counted as 0 in "
              "the scores above until then): grade them in the formgrader (Manual Grading), then make report and "
              "make feedback.")


REPORT_COLUMNS = ["assignment", "student", "status", "score", "max_score", "isolated", "problems", "seconds",
                  "waiting_points"]  # points that wait for hand grading (the formgrader's Manual Grading)


def earlier_rows(path: Path) -> dict[tuple[str, str], list[str]]:
    """The rows an earlier run wrote (kept for submissions this run did not grade again)."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}
    if not rows or rows[0][:7] != REPORT_COLUMNS[:7]:
        return {}
    return {(r[0], r[1]): (r + [""] * len(REPORT_COLUMNS))[:len(REPORT_COLUMNS)] for r in rows[1:] if len(r) >= 7}


def write_report(root: Path, outcomes: list[Outcome]) -> Path:
    """Write reports/grading_report.csv: one row per submission, this run's rows replacing an earlier run's."""
    path = root / REPORTS / "grading_report.csv"
    path.parent.mkdir(exist_ok=True)
    kept = earlier_rows(path)
    for o in outcomes:
        kept.pop((o.assignment, o.student), None)
    with path.open("w", newline="", encoding="utf-8", errors="backslashreplace") as handle:
        writer = csv.writer(handle)
        writer.writerow(REPORT_COLUMNS)
        for row in sorted(kept.values()):
            writer.writerow(safe_row(row))
        for o in outcomes:
            writer.writerow(safe_row([o.assignment, o.student, o.status, "" if o.score is None else f"{o.score:g}",
                                      "" if o.max_score is None else f"{o.max_score:g}",
                                      {True: "yes", False: "NO", None: ""}[o.isolated], "; ".join(o.problems),
                                      f"{o.seconds:.1f}", f"{o.waiting:g}"]))
    return path


class Stopped(Exception):
    """The grading run received SIGTERM or SIGINT."""


_signals: list[str] = []


def _stop(signum, _frame):
    # nbgrader's API catches every exception inside a grading step, so remember the signal as well.
    _signals.append(signal.Signals(signum).name)
    raise Stopped(_signals[-1])


def usable_cores() -> int:
    """The CPU cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def default_jobs() -> int:
    """One grading process per core, plus one: each process spends part of every submission waiting for its
    kernel to start and stop, and the extra one keeps the cores busy meanwhile (benchmarks/grading.py, 2 cores:
    x1.82 the serial throughput with 2 processes, x1.99 with 3)."""
    return usable_cores() + 1


def add_students(api, outcomes: list[Outcome]) -> None:
    """Create every student's gradebook row before grading starts, so no two processes race to create one."""
    from nbgrader.api import Gradebook

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        for student in sorted({o.student for o in outcomes}):
            gb.update_or_create_student(student)


_worker: dict[str, object] = {}


def _start_worker(root: str) -> None:
    """Set up one grading process (forked from the command, so the key files are already read)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole terminal group: the command decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    wait_for_gradebook()
    _worker["api"] = load_api(Path(root))


def _grade_in_worker(outcome: Outcome) -> Outcome:
    grade_one(_worker["api"], outcome)
    return outcome


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the clean-up and the report
    pool.shutdown(wait=False, cancel_futures=True)
    children = multiprocessing.active_children()
    for child in children:
        child.terminate()  # its sandboxed run dies with it (bubblewrap --die-with-parent)
    for child in children:
        child.join(timeout=30)


def mark(marker: Path, running: list[Outcome]) -> None:
    """Record which submissions are being graded, so a stopped run can say where it stopped."""
    marker.write_text(", ".join(f"{safe_text(o.student)} ({safe_text(o.assignment)})" for o in running) + "\n",
                      encoding="utf-8")


def _new_pool(root: Path, jobs: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    return ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(str(root),))


def _lost(outcome: Outcome, err: BaseException) -> Outcome:
    outcome.status = "failed"
    outcome.problems.insert(0, f"the grading process stopped while grading it ({type(err).__name__}); run the "
                               "command again for this student")
    return outcome


def grade_in_parallel(root: Path, todo: list[Outcome], jobs: int, progress: Progress, marker: Path,
                      done: dict[int, Outcome]) -> None:
    """Grade todo with `jobs` processes into done (by position in todo); no student is graded twice at once.

    A grading process that dies (killed, out of memory) breaks the pool and every submission in flight with it:
    the pool is started again for the rest, up to MAX_RESTARTS times, and each submission that was in flight is
    graded again at the end, alone, so only the one that kills its grading process fails.
    """
    pool = _new_pool(root, jobs)
    restarts, broken = 0, False
    suspects: list[int] = []  # in flight when a grading process died: the culprit or a bystander
    waiting = list(range(len(todo)))
    running: dict[Future, int] = {}
    try:
        while waiting or running:
            busy = {todo[i].student for i in running.values()}
            for i in list(waiting):
                if len(running) >= jobs:
                    break
                if todo[i].student in busy:
                    continue
                try:
                    future = pool.submit(_grade_in_worker, todo[i])
                except BrokenProcessPool:
                    broken = True  # the results below say which ones were lost; the pool is replaced after them
                    break
                waiting.remove(i)
                busy.add(todo[i].student)
                running[future] = i
                mark(marker, [todo[j] for j in sorted(running.values())])
            finished, _ = wait(running, timeout=1.0, return_when=FIRST_COMPLETED) if running else (set(), set())
            for future in finished:
                i = running.pop(future)
                try:
                    done[i] = future.result()
                except BrokenProcessPool:  # a grading process died: nothing was decided for this one
                    broken = True
                    suspects.append(i)
                    continue
                except Exception as err:
                    done[i] = _lost(todo[i], err)
                progress.finished(done[i])
            if finished and running:
                mark(marker, [todo[j] for j in sorted(running.values())])
            if _signals:
                raise Stopped(_signals[-1])
            if broken and not running:
                pool.shutdown(wait=True)
                restarts, broken = restarts + 1, False
                if restarts > MAX_RESTARTS:
                    for i in waiting:
                        done[i] = _lost(todo[i], RuntimeError("grading processes kept dying"))
                        progress.finished(done[i])
                    waiting = []
                    continue
                pool = _new_pool(root, jobs)
            progress.tick()
        pool.shutdown(wait=True)
        for i in suspects:  # alone, in a process of its own: a bystander is graded, the culprit fails again
            pool = _new_pool(root, 1)
            try:
                done[i] = pool.submit(_grade_in_worker, todo[i]).result()
            except Exception as err:
                done[i] = _lost(todo[i], err)
            pool.shutdown(wait=True)
            progress.finished(done[i])
            if _signals:
                raise Stopped(_signals[-1])
    except Stopped:
        _stop_workers(pool)
        for i in suspects:
            done.setdefault(i, _lost(todo[i], Stopped(_signals[-1] if _signals else "stopped")))
        raise


def main(argv: list[str] | None = None) -> int:
    """Command line: grade every (or the named) assignment and say exactly what happened to each student."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="assignments to grade (default: all under source/)")
    parser.add_argument("--root", default="autograder")
    parser.add_argument("--student", action="append", help="grade only this student (repeatable)")
    parser.add_argument("-j", "--jobs", type=int, default=0,
                        help="submissions graded at once (default: one per CPU core, plus one; 1 grades one by one)")
    args = parser.parse_args(argv)
    if args.jobs < 0:
        parser.error("--jobs must be 1 or more (or 0 for the default: one per CPU core, plus one)")
    root = Path(args.root).resolve()
    warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader 0.9.6 + SQLAlchemy 2: benign
    wait_for_gradebook()
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
        print(f"The previous grading run stopped while grading "
              f"{safe_text(marker.read_text(encoding='utf-8', errors='replace').strip())}; "
              "grading everything again.")
    marker.parent.mkdir(exist_ok=True)
    api = load_api(root)
    _signals.clear()
    for name in args.names or assignments(root):
        preload_keys(root, name)  # read the key files before any student code runs
    todo = [Outcome(name, p.parent.name) for name in (args.names or assignments(root))
            for p in sorted((root / "submitted").glob(f"*/{name}")) if p.is_dir()
            and (not args.student or p.parent.name in args.student)]
    jobs = min(args.jobs or default_jobs(), max(1, len({o.student for o in todo})))
    done: dict[int, Outcome] = {}
    progress = Progress(len(todo), len({o.student for o in todo}))
    for outcome in todo:
        progress.expect(outcome.student)
    if todo:
        print(f"Grading {len(todo)} submission(s) of {progress.students} student(s), {jobs} at a time.", flush=True)
    previous = {s: signal.signal(s, _stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        if jobs > 1:
            add_students(api, todo)
            grade_in_parallel(root, todo, jobs, progress, marker, done)
        else:
            for number, outcome in enumerate(todo):
                mark(marker, [outcome])
                grade_one(api, outcome)
                if _signals:
                    raise Stopped(_signals[-1])
                done[number] = outcome
                progress.finished(outcome)
    except Stopped as why:
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not lose the report
        progress.close()
        write_report(root, [done[i] for i in sorted(done)])
        where = safe_text(marker.read_text(encoding="utf-8", errors="replace").strip()) if marker.is_file() else "?"
        print(f"Grading STOPPED by {why} while grading {where}: {len(done)} of {len(todo)} done. "
              "Run it again to grade everyone.", file=sys.stderr)
        return 3
    except Exception as err:  # the command itself broke: keep what was graded and say so
        progress.close()
        write_report(root, [done[i] for i in sorted(done)])
        print(f"Grading FAILED ({type(err).__name__}: {safe_text(err)}): {len(done)} of {len(todo)} done; the report lists them.",
              file=sys.stderr)
        return 4
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    progress.close()
    marker.unlink(missing_ok=True)
    outcomes = [done[i] for i in range(len(todo))]
    report = write_report(root, outcomes)
    bad = [o for o in outcomes if o.status != "graded"]
    print(f"Report: {report}")
    if not todo:
        print("No submissions found under submitted/.")
    if bad:
        print_waiting(outcomes)
        print(f"{len(bad)} of {len(outcomes)} submission(s) were NOT graded from their notebook:",
              *(f"  {safe_text(o.student)} ({safe_text(o.assignment)}): {o.status}: {safe_text(o.problems[0])}"
                for o in bad), sep="\n")
        return 1
    print(f"All {len(outcomes)} submission(s) graded in {progress.elapsed():.0f} s.")
    print_waiting(outcomes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
