"""The compiled metadata check (metadata_check.py) passes and fails exactly where nbgrader's own check does."""

from __future__ import annotations

import copy
import logging
from pathlib import Path

import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.preprocessors import CheckCellMetadata

from billcode.instructor.grade.metadata_check import CheckCellMetadataCompiled, CompiledMetadataValidator

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(REPO.glob("autograder/source/*/*.ipynb")) + sorted(REPO.glob("course/*.ipynb"))
WITH_GRADES = [p for p in NOTEBOOKS if '"grade": true' in p.read_text()]  # 00 is practice only: no graded cell
GRADED = WITH_GRADES[0]


def _outcome(validator, nb) -> tuple[str, str]:
    try:
        validator.validate_nb(nb)
    except Exception as err:  # the type and the message are what a grader sees in the log
        return type(err).__name__, str(err)
    return "ok", ""


def _graded_cell(nb) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade"))


def _set(key, value):
    def change(nb):
        nb.cells[_graded_cell(nb)].metadata.nbgrader[key] = value
    return change


def _drop(key):
    def change(nb):
        del nb.cells[_graded_cell(nb)].metadata.nbgrader[key]
    return change


def _duplicate_id(nb):
    ids = [i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade")]
    nb.cells[ids[1]].metadata.nbgrader["grade_id"] = nb.cells[ids[0]].metadata.nbgrader["grade_id"]


def _markdown_grade_only(nb):
    cell = nb.cells[_graded_cell(nb)]
    nb.cells[_graded_cell(nb)] = nbformat.v4.new_markdown_cell(cell.source, metadata=copy.deepcopy(cell.metadata))
    nb.cells[_graded_cell(nb)].metadata.nbgrader.update(solution=False, cell_type="markdown")


def _task_on_code(nb):
    nb.cells[_graded_cell(nb)].metadata.nbgrader.update(task=True)


CHANGES = {
    "as written": lambda nb: None,
    "no grade_id": _drop("grade_id"),
    "empty grade_id": _set("grade_id", ""),
    "no points": _drop("points"),
    "points as text": _set("points", "ten"),
    "negative points": _set("points", -1),
    "grade as text": _set("grade", "yes"),
    "old schema": _set("schema_version", 2),
    "new schema": _set("schema_version", 4),
    "no schema version": _drop("schema_version"),
    "unknown key": _set("secret", 1),
    "no locked flag": _drop("locked"),
    "duplicate grade id": _duplicate_id,
    "markdown grade cell without solution": _markdown_grade_only,
    "task flag on a code cell": _task_on_code,
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_notebook_passes_both_checks_as_written(path):
    nb = nbformat.read(path, 4)
    assert _outcome(CompiledMetadataValidator(), nb) == _outcome(MetadataValidator(), nb) == ("ok", "")


@pytest.mark.parametrize("path", WITH_GRADES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_same_verdict_as_nbgraders_check(path):
    original = nbformat.read(path, 4)
    verdicts = {}
    for change_name, change in CHANGES.items():
        nb = copy.deepcopy(original)
        change(nb)
        theirs, ours = _outcome(MetadataValidator(), nb), _outcome(CompiledMetadataValidator(), nb)
        assert ours == theirs, (change_name, ours, theirs)
        verdicts[change_name] = theirs[0]
    assert verdicts["as written"] == "ok"
    # Most changes break the metadata (so the comparison above covered failures, not only passes).
    assert sum(v != "ok" for v in verdicts.values()) >= 10, verdicts


def test_the_preprocessor_fails_the_same_way(caplog):
    nb = nbformat.read(GRADED, 4)
    _set("points", "ten")(nb)
    messages = []
    for step in (CheckCellMetadata(), CheckCellMetadataCompiled()):
        with caplog.at_level(logging.ERROR), pytest.raises(ValidationError) as raised:
            step.preprocess(copy.deepcopy(nb), {})
        messages.append(str(raised.value))
    assert messages[0] == messages[1] == "Notebook failed to validate; the nbgrader metadata may be corrupted."
    good = nbformat.read(GRADED, 4)
    assert CheckCellMetadataCompiled().preprocess(good, {})[0] is good


def test_it_checks_the_schema_once_not_once_per_cell(monkeypatch):
    """Counted in checks of the schema against the meta-schema (the slow part), not in seconds."""
    import jsonschema

    nb = nbformat.read(GRADED, 4)
    cells = sum("nbgrader" in c.metadata for c in nb.cells)
    cls = jsonschema.validators.validator_for(MetadataValidator().schema)
    real, calls = cls.check_schema, []
    monkeypatch.setattr(cls, "check_schema", lambda schema, *a, **k: calls.append(1) or real(schema, *a, **k))
    counts = []
    for validator in (MetadataValidator(), CompiledMetadataValidator()):
        calls.clear()
        validator.validate_nb(nb)
        validator.validate_nb(nb)
        counts.append(len(calls))
    assert counts == [2 * cells, 0], counts  # ours checked it once, when it was made (before counting)
