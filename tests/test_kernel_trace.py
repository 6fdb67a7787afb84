"""The kernel's record of the course code a graded notebook calls (billcode.instructor.grade.kernel_trace).

The recorder is off while an unchanged course cell runs (the course using itself; recording slows every line), so
student code that such a cell would run, a front-door name rebound to a function written in a cell or an IPython
event callback written in a cell, used to call course code unseen (the third hostile review's last audit, G2)."""

from __future__ import annotations

import pytest
import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from billcode.instructor.grade.run_notebook import run

SETUP = "from billcode import load_table"
CALL = ("billcode.billing.responsibility.split_charge(100, 100, deductible_left=0, coinsurance_pct=20, copay=0)"
        "['patient']")
REBOUND = ("import billcode\n_real = load_table\n"
           "def load_table(*a, **k):\n"
           "    global stash\n"
           f"    stash = {CALL}\n"
           "    return _real(*a, **k)\n")
CALLBACK = ("import billcode\n"
            "def after(result):\n"
            "    global stash\n"
            f"    stash = {CALL}\n"
            "get_ipython().events.register('post_run_cell', after)\n")


@pytest.mark.slow
@pytest.mark.parametrize("student", [REBOUND, CALLBACK], ids=["rebound-front-door-name", "ipython-callback"])
def test_student_code_run_by_a_quiet_course_cell_is_still_recorded(tmp_path, student):
    path = tmp_path / "nb.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(SETUP), new_code_cell(student),
                                       new_code_cell('cycle = load_table("revenue_cycle")'),
                                       new_code_cell("print(stash)")]), path)
    nb, how = run(path, 60, [0, 2])  # cells 0 and 2 are the course's own: quiet
    assert how["ending"] == "finished"
    assert nb.cells[3].outputs[0]["text"].strip() == "20.0"  # the student's code did run and use the helper
    records = how["course_code"]["records"]
    assert ["call", "billcode.billing.responsibility", "split_charge", [1]] in records, records


@pytest.mark.slow
def test_an_honest_notebooks_quiet_course_cells_record_nothing(tmp_path):
    path = tmp_path / "nb.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(SETUP), new_code_cell("x = 1"),
                                       new_code_cell('cycle = load_table("revenue_cycle")')]), path)
    nb, how = run(path, 60, [0, 2])
    assert how["ending"] == "finished" and how["course_code"]["records"] == []
