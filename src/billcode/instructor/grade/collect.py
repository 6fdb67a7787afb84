"""`nbgrader collect` for this course: only a student's own hand-in is collected as theirs, and no folder stops it.

nbgrader 0.9.6 names each hand-in in the exchange's inbound/ `<student>+<assignment>+<timestamp>+<random>` and
collects the latest one per name. Anyone who may hand in may write a folder there (inbound/ is 2733), so:

- a folder named after another student, with a later time, replaced that student's work (nbgrader only logs a
  warning when the folder's owner differs): here it is skipped unless its owner is the account the name gives;
- a folder whose name or time does not parse (`zz+01_overview+not a time+x`) made nbgrader stop, and nobody's work
  was collected: here it is skipped;
- nbgrader leaves each hand-in folder writable by everyone (0777): a folder holding a file someone else put there
  is skipped too;
- any other failure while copying one hand-in (a damaged timestamp.txt inside it) costs only that one.

Each skipped folder is named in the log (escaped: it is student text). nbgrader_config.py selects this class
(`c.ExchangeFactory.collect`); `c.ExchangeCollect.check_owner = False` turns the owner check off for an exchange
where every student has the same uid (Zero to JupyterHub's default `jovyan`), where it cannot tell them apart.
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import re
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect, groupby
from nbgrader.utils import parse_utc

from billcode.instructor.safe_text import safe_text


ACCOUNT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")  # Unix and JupyterHub user names, no text
SKIPPED_FILE = "collect_skipped.json"  # in the course root: what the last collect left, for hubctl (not a log parse)


class SafeExchangeCollect(ExchangeCollect):
    """nbgrader's collect with the owner of every inbound folder checked, and one folder never stopping the rest."""

    def start(self):
        """Collect, then record what was left where it was in the course root (a file no student can write)."""
        try:
            return super().start()
        finally:
            left = [f"{safe_text(name)}: {why}" for name, why in getattr(self, "skipped", [])]
            record = {"assignment": safe_text(self.coursedir.assignment_id), "not_collected": left}
            (Path(self.coursedir.root) / SKIPPED_FILE).write_text(json.dumps(record, indent=1) + "\n")

    def skip(self, filename: str, why: str) -> None:
        """Leave one inbound folder where it is, and say why (the name is the student's text)."""
        self.skipped.append((filename, why))
        self.log.warning("Not collected: %s: %s", safe_text(filename), why)

    def _path_to_record(self, path: str) -> dict | None:
        filename = os.path.basename(path)
        parts = filename.rsplit("+", 3)
        if len(parts) < 3:
            self.skip(filename, "the name is not <student>+<assignment>+<time>")
            return None
        username = parts[0]
        if not ACCOUNT_NAME.fullmatch(username):  # checked with or without the owner check (z2jh turns that off)
            self.skip(filename, "the student name is not one an account can have (letters, digits, . _ @ -)")
            return None
        try:
            timestamp = parse_utc(parts[2])
        except Exception:
            self.skip(filename, "its time does not parse")
            return None
        if self.check_owner:
            try:
                owner, claimed = os.lstat(path).st_uid, pwd.getpwnam(username).pw_uid
            except (OSError, KeyError):
                self.skip(filename, f"{safe_text(username)} is not an account of this machine")
                return None
            if owner != claimed:
                self.skip(filename, f"it is named after {safe_text(username)} but was handed in by someone else "
                                    f"(owner uid {owner})")
                return None
            # nbgrader leaves the folder writable by all (0777): a file someone else put there is not the student's.
            # A folder the grader cannot read or search (a student's chmod 0644 on their own hand-in) is skipped, not
            # allowed to stop everyone's collect.
            unreadable: list[OSError] = []
            try:
                for folder, dirs, files in os.walk(path, onerror=unreadable.append):
                    if any(os.lstat(os.path.join(folder, name)).st_uid != claimed for name in (*dirs, *files)):
                        self.skip(filename, f"it holds a file {safe_text(username)} did not hand in")
                        return None
            except OSError as err:
                unreadable.append(err)
            if unreadable:
                self.skip(filename, f"the grader cannot read all of it ({type(unreadable[0]).__name__}); ask "
                                    f"{safe_text(username)} to hand in again")
                return None
        return {"username": username, "filename": filename, "timestamp": timestamp}

    def init_src(self):
        """nbgrader's init_src, keeping only the folders that parse and belong to the student they name."""
        self.skipped: list[tuple[str, str]] = []
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        student_id = self.coursedir.student_id or "*"  # the instructor's --student (a glob, as in nbgrader)
        pattern = os.path.join(self.inbound_path, f"{student_id}+{self.coursedir.assignment_id}+*")
        records = [r for r in (self._path_to_record(f) for f in sorted(glob.glob(pattern))) if r is not None]
        groups = groupby(records, lambda item: item["username"])
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self.src_records = []
        for group in groups.values():
            ordered = self._sort_by_timestamp(group)
            early = [r for r in ordered if self.duedate is not None and r["timestamp"] <= self.duedate]
            self.src_records.append(early[0] if self.before_duedate and early else ordered[0])

    def copy_files(self):
        """nbgrader's copy_files, one hand-in at a time: a failure skips that one and the rest are collected."""
        records = self.src_records
        for record in records:
            self.src_records = [record]
            try:
                super().copy_files()
            except Exception as err:
                self.skip(record["filename"], f"it could not be collected ({type(err).__name__})")
        self.src_records = records
