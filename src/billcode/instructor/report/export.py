"""`nbgrader export` (make export) for this course: nbgrader's grades.csv, written as a CSV a spreadsheet reads as text.

nbgrader 0.9.6's CsvExportPlugin joins the fields with commas and no quoting: a student id with a comma shifts every
column after it, and one that starts with "=" is a formula in the instructor's spreadsheet. This plugin writes the
same columns and rows through the csv module, every text field through safe_text. nbgrader_config.py selects it.
"""

from __future__ import annotations

import csv

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import CsvExportPlugin

from billcode.instructor.safe_text import safe_row

COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email", "raw_score",
           "late_submission_penalty", "score", "max_score"]


def _text(value: object) -> str:
    return "" if value is None else str(value)


class SafeCsvExport(CsvExportPlugin):
    """nbgrader's grades.csv, with proper quoting and student text neutralised."""

    def export(self, gradebook: Gradebook) -> None:
        """Write one row per assignment and student, as nbgrader's CsvExportPlugin does."""
        dest = self.to or "grades.csv"
        students, assignments = [str(s) for s in self.student], [str(a) for a in self.assignment]
        self.log.info("Exporting grades to %s", dest)
        with open(dest, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for assignment in gradebook.assignments:
                if assignments and assignment.name not in assignments:
                    continue
                for student in gradebook.students:
                    if students and student.id not in students:
                        continue
                    try:
                        submission = gradebook.find_submission(assignment.name, student.id)
                        timestamp, raw = submission.timestamp, submission.score
                        penalty = submission.late_submission_penalty
                        score = max(0.0, submission.score - penalty)
                    except MissingEntry:
                        timestamp, raw, penalty, score = "", 0.0, 0.0, 0.0
                    writer.writerow(safe_row([_text(v) for v in (
                        assignment.name, assignment.duedate, timestamp, student.id, student.last_name,
                        student.first_name, student.email, raw, penalty, score, assignment.max_score)]))
