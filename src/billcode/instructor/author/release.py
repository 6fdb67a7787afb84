"""Instructor tool: generate the student notebooks in course/ from the nbgrader masters, or check drift.

    python -m billcode.instructor.author.release            # regenerate course/ from autograder/source/
    python -m billcode.instructor.author.release --check    # fail if course/ differs from what the masters generate
    python -m billcode.instructor.author.release --exchange # make the course's own exchange folder (make instructor)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from billcode.quiz.answers import ANSWERS_SUFFIX


class ReleaseError(RuntimeError):
    """The masters cannot be released as they are; the message says why and what to do."""


def assignments(course_root: Path) -> list[str]:
    """The assignment names: one folder per notebook under source/."""
    return sorted(p.name for p in (Path(course_root) / "source").iterdir() if p.is_dir())


def nbgrader_env() -> dict[str, str]:
    """The environment for nbgrader runs: this interpreter's bin/ first, so kernels find the course package."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def nbgrader(course_root: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run an nbgrader command in the course root; raise with its output if it fails."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    done = subprocess.run(cmd, cwd=course_root, env=nbgrader_env(), capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise ReleaseError(f"`nbgrader {' '.join(args)}` failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def check_sources(course_root: Path) -> None:
    """Refuse to release while a master's folder holds saved answers (they would be the key answers)."""
    leftovers = sorted((Path(course_root) / "source").rglob(f"*{ANSWERS_SUFFIX}"))
    if leftovers:
        names = ", ".join(str(p.relative_to(course_root)) for p in leftovers)
        raise ReleaseError(
            f"{names}: saved answers found next to a master notebook (probably from running the master in "
            "place; they hold the key answers). Delete them, then release again."
        )


def generate(course_root: Path, dest: Path, names: list[str] | None = None) -> list[Path]:
    """Run generate_assignment for each assignment and copy the student notebooks to dest."""
    course_root, dest = Path(course_root), Path(dest)
    check_sources(course_root)
    written = []
    for name in names or assignments(course_root):
        nbgrader(course_root, "generate_assignment", name, "--force")
        release_dir = course_root / "release" / name
        extras = sorted(p.name for p in release_dir.iterdir() if p.name != f"{name}.ipynb")
        if extras:
            raise ReleaseError(f"release/{name} has files besides the notebook ({', '.join(extras)}): "
                               "course data belongs in the billcode package, not next to the notebook.")
        dest.mkdir(parents=True, exist_ok=True)
        target = dest / f"{name}.ipynb"
        shutil.copyfile(release_dir / f"{name}.ipynb", target)
        written.append(target)
    return written


def exchange_root(course_root: Path) -> Path | None:
    """The exchange folder the course root's nbgrader_config.py sets (Exchange.root), or None if it sets none."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course_root)).load_config()
    return Path(config.Exchange.root) if "root" in config.Exchange else None


def make_exchange(course_root: Path) -> Path | None:
    """Create the course's exchange folder, where the formgrader's Release puts assignments and Collect finds hand-ins.

    Made like /tmp (everyone may write, only an owner may remove), as nbgrader's docs ask, so other accounts of the
    machine may hand in too; nbgrader makes the course's own folders in it with their permissions at the first
    release. On a hub the hub's configuration sets the exchange instead (deploy/hub/)."""
    root = exchange_root(course_root)
    if root is not None:
        root.mkdir(parents=True, exist_ok=True)
        root.chmod(0o1777)
    return root


def drift(course_root: Path, course_dir: Path) -> list[str]:
    """Generate into a scratch copy and list the student notebooks that differ from course_dir."""
    problems = []
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "autograder"
        shutil.copytree(course_root, root, ignore=shutil.ignore_patterns(
            "gradebook.db", "release", "submitted", "autograded", "feedback", "solution", "exchange", "reports",
            ".intake", "*.pyc", "__pycache__"))
        fresh = generate(root, Path(scratch) / "course")
        for path in fresh:
            committed = Path(course_dir) / path.name
            if not committed.exists():
                problems.append(f"{committed} is missing")
            elif committed.read_bytes() != path.read_bytes():
                problems.append(f"{committed} differs from what {path.stem}'s master generates")
        expected = {p.name for p in fresh}
        problems += [f"{p} has no master" for p in sorted(Path(course_dir).glob("*.ipynb")) if p.name not in expected]
    return problems


def main(argv: list[str] | None = None) -> int:
    """Command line: regenerate course/ or check it for drift."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default="autograder", help="nbgrader course root (default: autograder)")
    parser.add_argument("--course", default="course", help="student notebooks folder (default: course)")
    parser.add_argument("--check", action="store_true", help="only report drift; change nothing")
    parser.add_argument("--exchange", action="store_true", help="only make the course's exchange folder")
    parser.add_argument("names", nargs="*", help="only these assignments (default: all)")
    args = parser.parse_args(argv)
    if args.exchange:
        folder = make_exchange(Path(args.root))
        print(f"The course's exchange: {folder} (the formgrader's Release puts assignments there, Collect takes "
              "hand-ins from it)." if folder else f"{args.root}/nbgrader_config.py sets no exchange folder.")
        return 0
    try:
        if args.check:
            problems = drift(Path(args.root), Path(args.course))
            for problem in problems:
                print(problem)
            if problems:
                print("Run `make release` and commit the result.")
            return 1 if problems else 0
        for path in generate(Path(args.root), Path(args.course), args.names or None):
            print(f"wrote {path}")
        return 0
    except ReleaseError as err:
        print(err, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
