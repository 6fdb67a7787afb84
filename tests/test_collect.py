"""The course's nbgrader collect (billcode.instructor.grade.collect): a hand-in is collected as the student's only
if that student handed it in, and a folder whose name or time does not parse stops nothing.

nbgrader 0.9.6 collected a folder named `<victim>+<assignment>+<later time>+x` as the victim's newest submission
(it only logged a warning), and stopped collecting for everyone at `zz+01_overview+not a time+x`. The hub test
(tests/test_hub.py) does the same with real accounts over the hub; this one runs nbgrader collect itself.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from billcode.instructor.author.release import nbgrader_env
from nbgrader_helpers import AUTOGRADER

COURSE = "section-b.2026"  # not the course's default name: the course id must follow the config
A = "01_overview"
EARLY, LATE = "2026-11-20 10:00:00.000000 UTC", "2026-11-20 23:00:00.000000 UTC"


def hand_in(inbound: Path, name: str, owner: int, marker: str) -> None:
    """A folder in inbound/ as nbgrader submit writes it, owned by `owner`, with a notebook that says `marker`."""
    folder = inbound / name
    folder.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(marker)]), folder / f"{A}.ipynb")
    (folder / "timestamp.txt").write_text(name.split("+")[2] if name.count("+") >= 2 else "x")
    for path in (folder, *folder.iterdir()):
        os.chown(path, owner, owner)


def test_collect_takes_only_each_students_own_hand_in_and_skips_what_does_not_parse(tmp_path):
    me = pwd.getpwuid(os.getuid())
    other = pwd.getpwnam("nobody") if os.getuid() == 0 else None  # root can hand in a folder as another account
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(AUTOGRADER / "nbgrader_config.py", root)
    shutil.copytree(AUTOGRADER / "source" / A, root / "source" / A)
    inbound = tmp_path / "exchange" / COURSE / "inbound"
    inbound.mkdir(parents=True)
    hand_in(inbound, f"{me.pw_name}+{A}+{EARLY}+mine", me.pw_uid, "MINE")
    hand_in(inbound, f"zz+{A}+not a time+x", me.pw_uid, "MALFORMED")
    hand_in(inbound, f"\x1b]0;pwned\x07+{A}+\x1b[2K\r", me.pw_uid, "ESCAPES")
    if other:
        hand_in(inbound, f"{other.pw_name}+{A}+{EARLY}+theirs", other.pw_uid, "THEIRS")
        hand_in(inbound, f"{other.pw_name}+{A}+{LATE}+spoof", me.pw_uid, "SPOOF")  # later, but not theirs
        hand_in(inbound, f"{me.pw_name}+{A}+{LATE}+spoof", other.pw_uid, "SPOOF")
        hand_in(inbound, f"{other.pw_name}+{A}+{LATE}+planted", other.pw_uid, "PLANTED")  # theirs, later...
        planted = inbound / f"{other.pw_name}+{A}+{LATE}+planted" / "extra.py"  # ...but holding my file
        planted.write_text("import os")
    done = subprocess.run([sys.executable, "-m", "nbgrader", "collect", "--update", A,
                           f"--CourseDirectory.course_id={COURSE}", f"--Exchange.root={tmp_path / 'exchange'}"],
                          cwd=root, capture_output=True, text=True, timeout=300, env=nbgrader_env())
    assert done.returncode == 0, done.stdout + done.stderr
    collected = {p.parent.name: (p / f"{A}.ipynb").read_text() for p in (root / "submitted").glob(f"*/{A}")}
    assert sorted(collected) == sorted([me.pw_name] + ([other.pw_name] if other else [])), done.stderr[-3000:]
    assert "MINE" in collected[me.pw_name] and (not other or "THEIRS" in collected[other.pw_name])
    log = done.stderr
    assert "Not collected: zz+01_overview+not a time+x: its time does not parse" in log, log
    assert "\x1b" not in log and "Not collected: \\x1b]0;pwned\\x07+01_overview+\\x1b[2K\\r: its time" in log, log
    if other:
        assert log.count("handed in by someone else") == 2, log
        assert f"+planted: it holds a file {other.pw_name} did not hand in" in log, log
