"""The notebooks: generated copies match the masters, they validate, run under nbval, and hide what they must."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.validator import Validator

from billcode.instructor.author.authoring import asked_item, sync_notebook
from billcode.quiz.bank import key_length_problems, load_bank
from billcode.coding.codes import icd10cm_billable, icd10cm_description
from billcode.instructor.author.release import drift
from billcode.quiz.scoring import clean_answer
from billcode.instructor.report.feedback import forbidden_texts
from billcode.exercises import EXERCISES
from billcode.instructor.keys import FunctionCheck, QuizKey, ValueCheck, load_graded
from billcode.quiz.render import question_markdown
from billcode.quiz.params import choose_params
from nbgrader_helpers import AUTOGRADER, MASTERS, ROOT, STUDENT_NOTEBOOKS

SANITIZE = Path(__file__).parent / "nbval_sanitize.cfg"
ALL_NOTEBOOKS = MASTERS + STUDENT_NOTEBOOKS


def ids(paths):
    return [f"{p.parent.name}/{p.name}" for p in paths]


def scratch_copy(path: Path, tmp_path: Path) -> Path:
    target = tmp_path / path.parent.name
    shutil.copytree(path.parent, target, ignore=shutil.ignore_patterns("*_answers.json", ".ipynb_checkpoints"))
    return target / path.name


def test_every_master_has_a_student_notebook():
    assert [p.stem for p in MASTERS] == [p.stem for p in STUDENT_NOTEBOOKS]
    assert (ROOT / "course" / "01_overview.ipynb").exists()


@pytest.mark.slow
def test_course_is_exactly_what_the_masters_generate():
    assert drift(AUTOGRADER, ROOT / "course") == []


@pytest.mark.slow
@pytest.mark.parametrize("master", MASTERS, ids=ids(MASTERS))
def test_validator_passes_on_master(master, tmp_path):
    result = Validator().validate(str(scratch_copy(master, tmp_path)))
    assert result == {}, result


@pytest.mark.slow
@pytest.mark.parametrize("student", STUDENT_NOTEBOOKS, ids=ids(STUDENT_NOTEBOOKS))
def test_validator_inverted_passes_on_release(student, tmp_path):
    """Every test cell of an untouched student copy fails (nothing is answered yet)."""
    result = Validator(invert=True).validate(str(scratch_copy(student, tmp_path)))
    assert result == {}, result


def run_nbval(args: list[str], paths: list[Path]) -> None:
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-current-env", *args, *map(str, paths)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=paths[0].parent)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert re.search(r"\d+ passed", done.stdout)


@pytest.mark.slow
def test_nbval_strict_on_masters(tmp_path):
    """Masters are committed with outputs; re-running them must reproduce every output."""
    copies = [scratch_copy(m, tmp_path) for m in MASTERS]
    run_nbval(["--nbval", "--nbval-sanitize-with", str(SANITIZE)], copies)


@pytest.mark.slow
def test_nbval_lax_on_student_notebooks(tmp_path):
    folder = tmp_path / "course"
    shutil.copytree(ROOT / "course", folder, ignore=shutil.ignore_patterns("*_answers.json"))
    run_nbval(["--nbval-lax"], sorted(folder.glob("*.ipynb")))


@pytest.mark.slow
def test_nbval_lax_on_the_apps(tmp_path):
    """The stand-alone apps (apps/, served by Voila) run from top to bottom without an error."""
    folder = tmp_path / "apps"
    shutil.copytree(ROOT / "apps", folder)
    run_nbval(["--nbval-lax"], sorted(folder.glob("*.ipynb")))


@pytest.mark.parametrize("master", MASTERS, ids=ids(MASTERS))
def test_masters_are_executed_and_committed_with_outputs(master):
    """nbval never compares a cell that was not run, so an unexecuted master would pass strict mode for nothing."""
    nb = nbformat.read(master, 4)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert all(c.execution_count is not None for c in code), "run `make masters` and commit the outputs"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids(ALL_NOTEBOOKS))
def test_no_widget_state_or_answers_files_committed(path):
    nb = nbformat.read(path, 4)
    assert "widgets" not in nb.metadata, "widget state in metadata: run `make masters` / `make release`"
    assert not list(path.parent.glob("*_answers.json")) or path.parent.name == "course"


@pytest.mark.parametrize("student", STUDENT_NOTEBOOKS, ids=ids(STUDENT_NOTEBOOKS))
def test_student_notebooks_hide_solutions_tests_and_keys(student):
    text = student.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "BEGIN MARK SCHEME", "quiz.record(",
                   "instructor-only", "key_answers", "billcode.instructor.keys", "billcode.instructor.grade.marking"):
        assert marker not in text, marker
    for line in forbidden_texts(AUTOGRADER, student.stem):
        assert line not in text, line
    for check in load_graded(AUTOGRADER, student.stem, choose_params(load_bank(student.stem), None)).values():
        assert check.explanation not in text
    nb = nbformat.read(student, 4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("master", MASTERS, ids=ids(MASTERS))
def test_question_text_cells_match_the_bank(master):
    nb = nbformat.read(master, 4)
    assert sync_notebook(nb, load_bank(master.stem)) == 0, "run `make masters` to refresh the question cells"


@pytest.mark.parametrize("master", MASTERS, ids=ids(MASTERS))
def test_every_graded_cell_has_a_key_and_every_graded_item_a_cell(master):
    """The key file covers exactly the master's graded cells; each quiz key is a valid answer for its item."""
    nb = nbformat.read(master, 4)
    bank = load_bank(master.stem)
    checks = load_graded(AUTOGRADER, master.stem, choose_params(bank, None))
    cells = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
             if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}
    assert sorted(checks) == sorted(cells)  # written (markdown) answers are graded by hand: no key
    graded = {i["id"]: i for i in bank["items"] if i["mode"] == "graded"}
    quiz = {check.item: gid for gid, check in checks.items() if isinstance(check, QuizKey)}
    assert sorted(quiz) == sorted(graded), "one QuizKey per graded bank item"
    asked = [asked_item(c) for c in nb.cells if asked_item(c)]
    assert sorted(asked) == sorted(i["id"] for i in bank["items"]), "every bank item is asked exactly once"
    for item_id, grade_id in quiz.items():
        item, cell, check = graded[item_id], cells[grade_id], checks[grade_id]
        assert cell.metadata["nbgrader"]["points"] == item["points"], item_id
        assert "raises-exception" in cell.metadata.get("tags", []), "Run All must go past unanswered checks"
        assert cell.source.strip() == f'quiz.check_saved("{item_id}")', "a quiz test cell holds no key"
        clean_answer(item, check.key)  # the key is a valid answer for its item
        assert not key_length_problems(item, check.key), item_id  # graded keys must not give themselves away either
        assert len(check.explanation) > 40
        if item["type"] == "ordering":
            assert [s["id"] for s in item["steps"]] != check.key, "the listed order must not give the answer away"
    exercises = {e["name"]: e for e in bank.get("exercises", []) if e.get("mode", "graded") == "graded"}  # practice: no key
    values = {check.name: gid for gid, check in checks.items() if isinstance(check, ValueCheck)}
    functions = {check.name: gid for gid, check in checks.items() if isinstance(check, FunctionCheck)}
    assert sorted(exercises) == sorted([*values, *functions]), "the bank lists every code exercise the key file checks"
    for name, grade_id in functions.items():
        assert name in EXERCISES, f"{name}: no inputs are defined for it (billcode.exercises)"
        assert cells[grade_id].source.strip().endswith(f'check_function("{name}")'), "the check finds the function by name"
        assert "raises-exception" in cells[grade_id].metadata.get("tags", [])
        assert len(checks[grade_id].explanation) > 40
        assert cells[grade_id].metadata["nbgrader"]["points"] == exercises[name]["points"]
        assert exercises[name]["objective"] in bank["objectives"]
    for name, grade_id in values.items():
        source = cells[grade_id].source
        # The check passes the value (check_answer("x", x, ...)) or finds it by name (lookup=True), so that a lost
        # answer cell gives a message, not a NameError.
        assert f'check_answer("{name}", {name},' in source or (
            f'check_answer("{name}",' in source and "lookup=True" in source and not re.search(rf"\b{name}\b(?!\")", source)
        ), source
        assert "HIDDEN" not in cells[grade_id].source and len(checks[grade_id].explanation) > 40
        assert cells[grade_id].metadata["nbgrader"]["points"] == exercises[name]["points"]
        assert exercises[name]["objective"] in bank["objectives"]


@pytest.mark.parametrize("master", MASTERS, ids=ids(MASTERS))
def test_instructor_cell_records_the_key_files_answers(master):
    nb = nbformat.read(master, 4)
    cells = [c for c in nb.cells if "instructor-only" in c.metadata.get("tags", []) and c.cell_type == "code"]
    assert len(cells) == 1 and "nbgrader" not in cells[0].metadata
    assert f'quiz.record(key_answers("{master.stem}"))' in cells[0].source


@pytest.mark.parametrize("master", MASTERS, ids=[m.stem for m in MASTERS])
def test_every_written_answer_has_a_rubric_that_stays_with_the_instructor(master):
    """A hand-graded (markdown) answer cell is followed by the instructor-only rubric its points are given by."""
    nb = nbformat.read(master, 4)
    for i, cell in enumerate(nb.cells):
        role = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and role.get("grade"):
            assert role.get("solution") and role.get("points"), role
            rubric = nb.cells[i + 1]
            assert "instructor-only" in rubric.metadata.get("tags", []) and rubric.source.startswith("**Rubric"), role
            assert f"{role['points']} points" in rubric.source


def test_a_class_secret_changes_the_numbers_and_the_key(tmp_path):
    """A private class's computed questions take other numbers than the public copy, and the key follows them."""
    bank = load_bank("01_overview")
    public = choose_params(bank, None)
    picks = {choose_params(bank, f"class-{n}")["ov-g1"]["position"] for n in range(40)}
    assert len(picks) > 3 and public["ov-g1"]["position"] == 50
    secret = next(f"class-{n}" for n in range(40) if choose_params(bank, f"class-{n}") != public)
    private = choose_params(bank, secret)
    key = {c.item: c.key for c in load_graded(AUTOGRADER, "01_overview", private).values() if isinstance(c, QuizKey)}
    assert key["ov-g1"] != 1400
    shown = question_markdown(bank, "ov-g1", private["ov-g1"])
    assert f"**{private['ov-g1']['position']}%**" in shown and "{position}" not in shown


ICD_ROW = re.compile(r"\|\s*([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)\s*\|\s*([^|]+?)\s*\|")


def test_icd10cm_codes_in_the_banks_come_from_the_official_set():
    """Every ICD-10-CM key is a complete FY2026 code; every code-and-description table row quotes the official text."""
    checked = 0
    for path in sorted((ROOT / "data" / "quiz").glob("*.json")):
        bank = json.loads(path.read_text())
        for item in bank["items"]:
            if item.get("code_system") == "ICD-10-CM" and "key" in item:
                keys = item["key"] if isinstance(item["key"], list) else [item["key"]]  # a "codes" item: several
                assert all(icd10cm_billable(k) for k in keys), (item["id"], item["key"])
            for code, description in ICD_ROW.findall(item["prompt"]):
                assert icd10cm_description(code) == description, (item["id"], code)
                checked += 1
    assert checked > 0


def test_nbgrader_lists_are_nbgraders_defaults_plus_ours():
    """Our preprocessor lists copy nbgrader's; fail loudly if a new nbgrader changes its defaults."""
    from nbgrader.converters import Autograde, GenerateAssignment, GenerateFeedback

    from billcode.instructor.grade import preprocessors as ext

    default = GenerateAssignment.class_traits()["preprocessors"].default()
    assert ext.GENERATE_ASSIGNMENT == [ext.RemoveInstructorCells, ext.ApplyClassParams, ext.ClearRunMetadata, *default]
    ours = {"OverwriteCells": "RestoreCellsFromGradebook", "DeduplicateIds": "KeepFirstOfEachCell", "Execute": "SandboxedExecute",
            "CheckCellMetadata": "CheckCellMetadataCompiled", "ClearMetadataPreprocessor": "KeepGradingMetadata"}
    sanitize = Autograde.class_traits()["sanitize_preprocessors"].default()
    assert [p.__name__ for p in ext.AUTOGRADE_SANITIZE] == [sanitize[0].__name__, "KeepGradingMetadata",
                                                            *(ours.get(p.__name__, p.__name__) for p in sanitize[1:])]
    autograde = [ours.get(p.__name__, p.__name__) for p in Autograde.class_traits()["autograde_preprocessors"].default()]
    at = autograde.index("SaveAutoGrades")
    assert [p.__name__ for p in ext.AUTOGRADE] == [*autograde[:at], "ScoreOutsideKernel", "DropAddedCellOutputs",
                                                   "InertStudentMarkdown", *autograde[at:]]
    feedback = GenerateFeedback.class_traits()["preprocessors"].default()
    assert ext.GENERATE_FEEDBACK == [feedback[0], ext.ClearHiddenTests, ext.ShortenGradeTracebacks, *feedback[1:]]


def test_instructor_cells_cannot_be_nbgrader_cells():
    from billcode.instructor.grade.preprocessors import RemoveInstructorCells

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", metadata={
        "tags": ["instructor-only"], "nbgrader": {"grade": True, "grade_id": "x", "points": 1}})])
    with pytest.raises(RuntimeError, match="also an nbgrader cell"):
        RemoveInstructorCells().preprocess(nb, {})


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids(ALL_NOTEBOOKS))
def test_no_dollar_signs_in_markdown(path):
    """A pair like $1,200–$3,000 is typeset as maths by JupyterLab (even escaped as \\$, jupyterlab#8645) and
    GitHub; the course writes USD 1,200–3,000 in markdown instead."""
    for cell in nbformat.read(path, 4).cells:
        if cell.cell_type == "markdown":
            assert "$" not in cell.source, cell.source[:200]


@pytest.mark.parametrize("master", MASTERS, ids=ids(MASTERS))
def test_master_outputs_hold_no_stale_widget_views(master):
    """Stored widget views point at models that no longer exist ("model not found") and churn on every run."""
    for cell in nbformat.read(master, 4).cells:
        for output in cell.get("outputs", []):
            assert "application/vnd.jupyter.widget-view+json" not in output.get("data", {})


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids(ALL_NOTEBOOKS))
def test_no_run_timings_in_cell_metadata(path):
    assert all("execution" not in c.metadata for c in nbformat.read(path, 4).cells)
