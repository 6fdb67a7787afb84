"""The grading command's progress: one line per submission, and a bar with what is left.

On a terminal the bar is redrawn in place under the submission lines; in a log (CI, a pipe) it is printed as a
line of its own every tenth of the way, so the output stays readable.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from billcode.instructor.safe_text import safe_text

WIDTH = 24


def duration(seconds: float) -> str:
    """A short human duration: '45 s', '3 min 05 s', '1 h 02 min'."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def waiting_text(points: float) -> str:
    """'3 points wait for hand grading', '1 point waits for hand grading'."""
    return f"{points:g} point{' waits' if points == 1 else 's wait'} for hand grading"


class Progress:
    """Counts finished submissions and students, failures so far, and estimates the time left."""

    def __init__(self, total: int, students: int, stream: TextIO | None = None, live: bool | None = None):
        self.total, self.students = total, students
        self.stream = stream or sys.stdout
        self.live = self.stream.isatty() if live is None else live
        self.start = time.monotonic()
        self.count = 0
        self.failed = 0
        self.left_per_student: dict[str, int] = {}
        self.students_done = 0
        self._printed_at = -1
        self._bar_shown = False

    def elapsed(self) -> float:
        """Seconds since grading started."""
        return time.monotonic() - self.start

    def expect(self, student: str) -> None:
        """Count one more submission of this student (called once per submission before grading)."""
        self.left_per_student[student] = self.left_per_student.get(student, 0) + 1

    def bar(self) -> str:
        """The progress bar: done, students finished, failures so far and time left."""
        filled = WIDTH * self.count // self.total if self.total else WIDTH
        left = "" if not self.count or self.count == self.total else \
            f" · about {duration(self.elapsed() / self.count * (self.total - self.count))} left"
        return (f"[{'#' * filled}{'.' * (WIDTH - filled)}] {self.count}/{self.total} submissions · "
                f"{self.students_done}/{self.students} students done · {self.failed} not graded so far{left}")

    def _write(self, text: str) -> None:
        if self.live and self._bar_shown:
            self.stream.write("\r\x1b[2K")
        self.stream.write(text)
        self.stream.flush()

    def finished(self, outcome) -> None:
        """Report one finished submission (an autograde Outcome)."""
        self.count += 1
        self.failed += outcome.status != "graded"
        left = self.left_per_student.get(outcome.student)
        if left is not None:
            self.left_per_student[outcome.student] = left - 1
            self.students_done += left == 1
        score = "-" if outcome.score is None else f"{outcome.score:g}/{outcome.max_score:g}"
        if outcome.status == "graded" and outcome.max_score == 0:
            score = "(practice only: nothing is graded)"
        elif getattr(outcome, "waiting", 0):
            score += f", {waiting_text(outcome.waiting)}"
        # The student id and the problems hold student text (file names, cell ids): shown escaped, never raw.
        self._write(f"[{self.count}/{self.total}] {safe_text(outcome.assignment)} {safe_text(outcome.student)}: "
                    f"{outcome.status} {score}"
                    + (f" ({safe_text('; '.join(outcome.problems))})" if outcome.problems else "") + "\n")
        self._bar_shown = False
        self.tick()

    def tick(self) -> None:
        """Redraw the bar on a terminal; in a log, print it every tenth of the way."""
        if self.live:
            self._write(self.bar())
            self._bar_shown = True
        elif self.total and self.count * 10 // self.total != self._printed_at * 10 // self.total \
                and self.count != self._printed_at:
            self._printed_at = self.count
            self.stream.write(self.bar() + "\n")
            self.stream.flush()

    def close(self) -> None:
        """End the bar's line on a terminal."""
        if self.live and self._bar_shown:
            self.stream.write("\n")
            self.stream.flush()
            self._bar_shown = False
