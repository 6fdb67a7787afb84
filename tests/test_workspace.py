"""make lab's working copy: my-work/ is made once from course/, and a course update never overwrites it."""

from __future__ import annotations

from datetime import date

from billcode.workspace import first_notebook, main, prepare


def test_copies_once_then_keeps_the_learners_work_and_saves_an_update_beside_it(tmp_path):
    course, work = tmp_path / "course", tmp_path / "my-work"
    course.mkdir()
    (course / "01_overview.ipynb").write_text("v1")
    (course / "02_billing.ipynb").write_text("b1")
    assert len(prepare(course, work)) == 2
    (work / "01_overview.ipynb").write_text("my answers")  # the learner saves
    assert prepare(course, work) == []  # nothing new: nothing touched
    (course / "01_overview.ipynb").write_text("v2")  # git pull brings an update
    done = prepare(course, work, today=date(2026, 12, 6))
    assert (work / "01_overview.ipynb").read_text() == "my answers"
    assert (work / "01_overview (course update 2026-12-06).ipynb").read_text() == "v2"
    assert len(done) == 1 and "your copy is unchanged" in done[0]
    assert prepare(course, work, today=date(2026, 12, 7)) == []  # once per version
    assert first_notebook(work) == "01_overview.ipynb"


def test_a_lost_record_does_not_duplicate_an_unchanged_copy(tmp_path):
    course, work = tmp_path / "course", tmp_path / "my-work"
    course.mkdir()
    (course / "00_python_for_this_course.ipynb").write_text("same")
    prepare(course, work)
    (work / ".course-versions.json").write_text("not json")
    assert prepare(course, work) == [] and first_notebook(work) == "00_python_for_this_course.ipynb"


def test_without_a_course_folder_it_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main([]) == 2 and "no course/ folder" in capsys.readouterr().err
