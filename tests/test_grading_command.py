"""The grading command's own pieces, fed what a hostile or careless submission puts in front of them."""

from __future__ import annotations

import csv

import nbformat
import pytest

from billcode.amounts import AmountError, parse_amount
from billcode.instructor.grade import autograde
from billcode.instructor.grade.autograde import Outcome, read_log, shown, take_in, write_report
from billcode.instructor.report.feedback import leaks
from billcode.instructor.grade.grading_steps import REPORT, safe_output
from billcode.instructor.variants import save_class_params
from billcode.quiz.bank import load_bank


def test_report_lines_come_only_from_the_course_steps():
    """A grade_id a student wrote can put a newline and a fake report line into nbgrader's log: ignored."""
    log = "\n".join([
        "[WARNING] Cell with id 'x",
        f'{REPORT} {{"event": "duplicate-cell", "cell": "forged"}}',  # the forged line does not start the log line
        f"[WARNING] {REPORT} 1",  # not an event
        f'[WARNING] {REPORT} {{"event": "run", "note": {{"a": 1}}}}',  # not plain fields
        f'[WARNING] {REPORT} {{"event": "run", "isolated": true, "ending": "finished", "timeouts": 2, "cell_timeout": 30}}',
    ])
    outcome = Outcome("01_overview", "sam")
    read_log(log, outcome)
    assert outcome.isolated is True
    assert outcome.problems == ["2 cell(s) ran past the 30 s time limit and were interrupted"]


def test_odd_file_names_and_sizes_never_stop_the_report(tmp_path):
    folder = tmp_path / "submitted" / "sam" / "01_overview"
    folder.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), folder / "01_overview.ipynb")
    (folder / "01_overview_answers.json").write_bytes(b" " * 2_000_000)  # too large to be answers
    (folder / "timestamp.txt").write_bytes(b"9" * 5000)
    (folder / b"\xff.txt".decode("utf-8", "surrogateescape")).write_text("x")
    outcome = Outcome("01_overview", "sam")
    assert take_in(tmp_path, outcome) is None
    taken = sorted(p.name for p in (tmp_path / ".intake" / "sam" / "01_overview").iterdir())
    assert taken == ["01_overview.ipynb"]
    listed = "; ".join(outcome.problems)
    assert "\\udcff.txt" in listed and "01_overview_answers.json" in listed and "timestamp.txt" in listed
    report = write_report(tmp_path, [outcome])
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert rows[0]["student"] == "sam" and "\\udcff.txt" in rows[0]["problems"]
    assert shown("caf\udce9") == "caf\\udce9"


def test_huge_numbers_are_a_learner_message_not_a_crash():
    with pytest.raises(AmountError, match="too large"):
        parse_amount(10**400, "USD")


def test_feedback_scan_sees_through_escaping_and_highlighting():
    line = 'expected = cycle.loc[cycle["coder"] != "none", "name"].tolist()'
    escaped = line.replace('"', "&#34;").replace("!=", "<span class='o'>!=</span>")
    assert leaks(f"<pre>{escaped}</pre>", [line]) == [line]
    assert leaks("<p>nothing to see</p>", [line]) == []


def test_run_outputs_reach_the_instructor_without_html_or_script():
    html = {"output_type": "display_data", "metadata": {"x": 1},
            "data": {"text/html": "<script>steal()</script>", "application/javascript": "steal()", "text/plain": "ok"}}
    assert safe_output(html) == {"output_type": "display_data", "metadata": {}, "data": {"text/plain": "ok"}}
    only_html = safe_output({"output_type": "execute_result", "data": {"text/html": "<b>x</b>"}, "metadata": {}})
    assert list(only_html["data"]) == ["text/plain"]


def test_a_short_class_secret_is_refused(tmp_path):
    (tmp_path / "class_secret.txt").write_text("abc")
    with pytest.raises(ValueError, match="at least 12"):
        save_class_params(tmp_path, load_bank("01_overview"))


def test_by_default_one_grading_process_per_usable_core_plus_one(monkeypatch):
    monkeypatch.setattr(autograde.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert autograde.usable_cores() == 2 and autograde.default_jobs() == 3


def test_a_submission_without_its_answers_file_is_reported(tmp_path):
    """The likeliest mistake (handing in the notebook alone) scores 0 on the quiz: the report says why."""
    folder = tmp_path / "submitted" / "ann" / "01_overview"
    folder.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), folder / "01_overview.ipynb")
    outcome = Outcome("01_overview", "ann")
    assert take_in(tmp_path, outcome) is None
    assert outcome.problems == ["no readable 01_overview_answers.json was submitted: every quiz question scores 0 "
                                "(it is handed in next to the notebook)"]
    (folder / "01_overview_answers.json").write_text('{"format": 1, "graded": {}}')
    again = Outcome("01_overview", "ann")
    assert take_in(tmp_path, again) is None and again.problems == []


def test_a_huge_answer_cell_is_scanned_not_parsed_by_the_grader():
    """Parsing a 9 MB answer cell cost the grading process 8.6 GB (hostile review): above the limit it is read as
    text, in a few MB, and still names the course modules it imports."""
    import tracemalloc
    from types import SimpleNamespace

    from billcode.instructor.grade.grading_steps import PARSE_LIMIT, course_internals

    small = SimpleNamespace(source="from billcode.billing.x12 import validate_x12\nx = 1")
    assert course_internals(small) == ["billcode.billing.x12"]
    huge = SimpleNamespace(source="import billcode.careers.costs\nx = [" + "1," * 3_000_000 + "]")
    assert len(huge.source) > PARSE_LIMIT
    tracemalloc.start()
    try:
        found = course_internals(huge)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found == ["billcode.careers.costs"] and peak < 50 * 1024**2, peak
