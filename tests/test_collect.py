"""The course's nbgrader collect (billcode.instructor.grade.collect): a hand-in is collected as the student's only
if that student handed it in, and a folder whose name or time does not parse stops nothing.

nbgrader 0.9.6 collected a folder named `<victim>+<assignment>+<later time>+x` as the victim's newest submission
(it only logged a warning), and stopped collecting for everyone at `zz+01_overview+not a time+x`. The hub test
(tests/test_hub.py) does the same with real accounts over the hub; this one runs nbgrader collect itself.
"""

from __future__ import annotations

import json
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
    assert "\x1b" not in log and "Not collected: \\x1b]0;pwned\\x07+01_overview+\\x1b[2K\\r: the student name is not" in log, log
    if other:
        assert log.count("handed in by someone else") == 2, log
        assert f"+planted: it holds a file {other.pw_name} did not hand in" in log, log
    # What was left is also recorded in the course root, for hubctl: a file, not a parse of the log a file name in a
    # hand-in can forge lines in.
    record = json.loads((root / "collect_skipped.json").read_text())
    assert record["assignment"] == A
    assert "zz+01_overview+not a time+x: its time does not parse" in record["not_collected"]
    assert not any("\x1b" in line for line in record["not_collected"]), record
    assert len(record["not_collected"]) == (5 if other else 2), record


def test_a_hand_in_the_grader_cannot_read_is_skipped_not_a_stop_for_everyone(tmp_path, monkeypatch):
    """A student's chmod 0644 on their own hand-in made the grader's lstat fail inside it (EACCES, as a non-root
    grader on the hub): that folder is skipped and named; the walk does not raise."""
    from types import SimpleNamespace

    from billcode.instructor.grade.collect import SafeExchangeCollect

    me = pwd.getpwuid(os.getuid())
    folder = tmp_path / f"{me.pw_name}+{A}+{EARLY}+locked"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "f.txt").write_text("x")
    real = os.lstat

    def lstat(path, *args, **kwargs):
        if str(path).endswith("f.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "lstat", lstat)
    skipped = []
    fake = SimpleNamespace(check_owner=True, skip=lambda name, why: skipped.append((name, why)))
    assert SafeExchangeCollect._path_to_record(fake, str(folder)) is None
    assert skipped and "cannot read all of it" in skipped[0][1], skipped


@pytest.mark.parametrize("name", ["\x1b]0;TITLE\x07", "a b", "", ".hidden", "x" * 65])
def test_a_folder_whose_student_name_no_account_can_have_is_skipped_even_without_the_owner_check(tmp_path, name):
    """With check_owner off (Zero to JupyterHub's shared uid), the name was trusted whatever it held."""
    from types import SimpleNamespace

    from billcode.instructor.grade.collect import SafeExchangeCollect

    skipped = []
    fake = SimpleNamespace(check_owner=False, skip=lambda n, why: skipped.append((n, why)))
    assert SafeExchangeCollect._path_to_record(fake, str(tmp_path / f"{name}+{A}+{EARLY}+x")) is None
    assert "not one an account can have" in skipped[0][1]
    assert SafeExchangeCollect._path_to_record(fake, str(tmp_path / f"jo.doe@x-1+{A}+{EARLY}+x"))["username"] == "jo.doe@x-1"
