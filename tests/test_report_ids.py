"""The class report leaves out submissions that were not graded from a notebook, whatever their student id holds."""

from __future__ import annotations

import pandas as pd

from billcode.instructor.report.analytics import graded_from_notebook
from billcode.instructor.safe_text import safe_text

FORMULA = '=HYPERLINK("https://evil.example","x")'


def test_a_failed_student_whose_id_needed_escaping_is_left_out_of_item_statistics():
    rows = pd.DataFrame({"assignment": ["01_overview"] * 3, "student": ["ann", FORMULA, "bo\x1b[2K"],
                         "score": [1.0, 0.0, 0.0]})
    # grading_report.csv holds ids escaped (safe_text); the gradebook's rows hold them raw
    report = pd.DataFrame({"assignment": ["01_overview"] * 3, "student": [safe_text(s) for s in rows["student"]],
                           "status": ["graded", "zero", "failed"]})
    assert safe_text(FORMULA) != FORMULA
    assert graded_from_notebook(rows, report)["student"].tolist() == ["ann"]
