"""A learner's own working copy of the notebooks: my-work/, made once from course/ and never overwritten.

    python -m billcode.workspace [--course course] [--work my-work]

`make lab` runs this first. Notebooks missing from my-work/ are copied from course/. When the course has changed
a notebook the learner already has (a `git pull` brought an update), their copy is left alone and the new version is
saved beside it as "<name> (course update <date>).ipynb", once per version. my-work/ is ignored by git, so the
learner's saves never clash with an update.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from datetime import date
from pathlib import Path

RECORD = ".course-versions.json"  # which version of each course notebook the learner's copy started from


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_record(work: Path) -> dict[str, str]:
    try:
        data = json.loads((work / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(data, dict) else {}


def prepare(course: Path, work: Path, today: date | None = None) -> list[str]:
    """Bring my-work/ up to date with course/ without touching the learner's files; return what was done, in words."""
    course, work = Path(course), Path(work)
    work.mkdir(parents=True, exist_ok=True)
    record = _read_record(work)
    done = []
    for notebook in sorted(course.glob("*.ipynb")):
        mine, version = work / notebook.name, _digest(notebook)
        if not mine.exists():
            shutil.copyfile(notebook, mine)
            record[notebook.name] = version
            done.append(f"copied {notebook.name} into {work.name}/")
        elif record.get(notebook.name) != version:
            if notebook.name not in record and _digest(mine) == version:  # the same notebook, never recorded
                record[notebook.name] = version
                continue
            stamp = (today or date.today()).isoformat()
            update = work / f"{notebook.stem} (course update {stamp}).ipynb"
            shutil.copyfile(notebook, update)
            record[notebook.name] = version
            done.append(f"the course updated {notebook.name}: your copy is unchanged; the new version is "
                        f"{work.name}/{update.name} (copy your answers across, or keep working in yours)")
    (work / RECORD).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return done


def first_notebook(work: Path) -> str:
    """The notebook a learner starts with: the lowest-numbered one in their copy."""
    names = sorted(p.name for p in Path(work).glob("[0-9][0-9]*_*.ipynb") if "(course update" not in p.name)
    return names[0] if names else ""


def main(argv: list[str] | None = None) -> int:
    """Command line: prepare my-work/ and print what changed and where to start."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course", type=Path, default=Path("course"))
    parser.add_argument("--work", type=Path, default=Path("my-work"))
    parser.add_argument("--first", action="store_true", help="only print the notebook to start with")
    args = parser.parse_args(argv)
    if not args.course.is_dir():
        print(f"There is no {args.course}/ folder here: run this from the course's folder.", file=sys.stderr)
        return 2
    if args.first:
        print(first_notebook(args.work) if args.work.is_dir() else "")
        return 0
    for line in prepare(args.course, args.work):
        print(line)
    print(f"Your notebooks are in {args.work}/ (your own copies: course updates never overwrite them).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
