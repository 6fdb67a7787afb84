"""Small nbgrader preprocessors for this course, each with one job, and the course's nbgrader lists."""

from __future__ import annotations

from pathlib import Path

from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    ClearMarkScheme,
    ClearOutput,
    ClearSolutions,
    ComputeChecksums,
    GetGrades,
    IgnorePattern,
    IncludeHeaderFooter,
    InstantiateTests,
    LimitOutput,
    LockCells,
    NbGraderPreprocessor,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
    SaveCells,
)
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from traitlets import Unicode

from billcode.instructor.author.authoring import CODE_STUB, question_cell
from billcode.instructor.grade.metadata_check import CheckCellMetadataCompiled
from billcode.quiz.bank import load_bank
from billcode.instructor.grade.grading_steps import (
    DropAddedCellOutputs, InertStudentMarkdown, KeepFirstOfEachCell, KeepGradingMetadata, SandboxedExecute,
    ScoreOutsideKernel,
)
from billcode.quiz.render import question_markdown
from billcode.instructor.variants import save_class_params
from billcode.quiz.params import choose_params

INSTRUCTOR_TAG = "instructor-only"


class RemoveInstructorCells(NbGraderPreprocessor):
    """Drop cells tagged 'instructor-only' (e.g. the cell that records the key answers) from student copies."""

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            if INSTRUCTOR_TAG in cell.metadata.get("tags", []) and "nbgrader" in cell.metadata:
                raise RuntimeError(
                    f"Cell {cell.get('id', '?')} is tagged {INSTRUCTOR_TAG!r} but is also an nbgrader cell; "
                    "removing it would break grading. Remove the tag or the nbgrader role."
                )
        nb.cells = [c for c in nb.cells if INSTRUCTOR_TAG not in c.metadata.get("tags", [])]
        return nb, resources


class ApplyClassParams(NbGraderPreprocessor):
    """Write this class's numbers (picked by the class secret) into the question text; record them for grading."""

    course_root = Unicode("", help="The nbgrader course root (class_secret.txt and class_params.json).").tag(config=True)

    def preprocess(self, nb, resources):
        bank = load_bank(resources["nbgrader"]["notebook"])
        params = save_class_params(Path(self.course_root), bank)
        if params != choose_params(bank, None):
            self.log.info("Class numbers for %s: %s", bank["bank"], params)
            for cell in nb.cells:
                item_id = question_cell(cell)
                if item_id in params:
                    cell.source = question_markdown(bank, item_id, params[item_id])
        return nb, resources


class ClearRunMetadata(NbGraderPreprocessor):
    """Remove what running a notebook leaves in its metadata: saved widget state and cell timings."""

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        for cell in nb.cells:
            cell.metadata.pop("execution", None)
        return nb, resources


class RestoreCellsFromGradebook(OverwriteCells):
    """nbgrader's OverwriteCells, made robust to two student edits that make 0.9.6 give up on a submission.

    - A cell whose "graded"/"solution" role was switched off (e.g. in the Create Assignment toolbar) gets its
      role back from the gradebook; nbgrader would raise "Inconsistent checksums" and grade nothing.
    - A cell with a grade_id the gradebook does not know (invented by the student) becomes an ordinary cell.
    - A deleted grade cell is put back after the nearest earlier cell of the master that is still there;
      nbgrader raises KeyError when that earlier cell is a read-only one.
    """

    def preprocess(self, nb, resources):
        self._roles = None
        return super().preprocess(nb, resources)

    def _cell_roles(self) -> dict[str, tuple[bool, bool, float | None]]:
        if self._roles is None:
            source = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
            points = {c.name: c.max_score for c in source.grade_cells}
            solutions = {c.name for c in source.solution_cells}
            self._roles = {c.name: (c.name in points, c.name in solutions, points.get(c.name)) for c in source.source_cells}
        return self._roles

    def preprocess_cell(self, cell, resources, cell_index):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None and grade_id not in self._cell_roles():
            # A role the student invented (nbgrader would keep grade: true without an id and crash): drop it.
            self.log.warning("Cell %r is not in the gradebook; treated as an ordinary cell", grade_id)
            del cell.metadata["nbgrader"]
            return cell, resources
        if grade_id in self._cell_roles():
            grade, solution, points = self._cell_roles()[grade_id]
            meta = cell.metadata.nbgrader
            for attr, wanted in (("grade", grade), ("solution", solution)):
                if bool(meta.get(attr, False)) != wanted:
                    self.report_change(grade_id, attr, wanted, meta.get(attr))
                    meta[attr] = wanted
            if grade and "points" not in meta:
                meta["points"] = points
        return super().preprocess_cell(cell, resources, cell_index)

    def add_missing_grade_cells(self, nb, resources):
        source = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = [c.name for c in source.source_cells]
        cells = {c.name: c for c in source.source_cells}
        grades = {c.name: c.max_score for c in source.grade_cells}
        solutions = {c.name for c in source.solution_cells}
        for name in order:
            present = {c["metadata"]["nbgrader"]["grade_id"]: i for i, c in enumerate(nb.cells)
                       if "grade_id" in c["metadata"].get("nbgrader", {})}
            if name not in grades or name in present:
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook", name)
            earlier = [present[n] for n in order[: order.index(name)] if n in present]
            position = earlier[-1] + 1 if earlier else 0
            nb.cells.insert(position, self.missing_cell_transform(cells[name], grades[name], is_solution=name in solutions))
        return nb, resources


class ShortenGradeTracebacks(NbGraderPreprocessor):
    """In feedback, cut grade cells' tracebacks to their last line: IPython prints the source lines around
    the failing line, and in a test cell those include the hidden tests (and their keys)."""

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.get("cell_type") == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources


# nbgrader 0.9.6's Autograde sanitizing list, with the metadata reduced to what grading needs first, a
# duplicate-proof DeduplicateIds and the robust OverwriteCells. Both grading lists check the metadata with the
# schema compiled once (metadata_check.py): the same checks.
AUTOGRADE_SANITIZE = [ClearOutput, KeepGradingMetadata, KeepFirstOfEachCell, OverwriteKernelspec,
                      RestoreCellsFromGradebook, CheckCellMetadataCompiled]

# nbgrader 0.9.6's Autograde list, with student code run in the sandbox and every graded cell scored here; its
# ClearMetadataPreprocessor (off unless enabled) is KeepGradingMetadata, always on.
AUTOGRADE = [
    SandboxedExecute,
    IgnorePattern,
    KeepGradingMetadata,
    LimitOutput,
    ScoreOutsideKernel,
    DropAddedCellOutputs,
    InertStudentMarkdown,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadataCompiled,
]

# nbgrader 0.9.6's GenerateAssignment list, with our three steps first (tests check it still matches nbgrader's).
GENERATE_ASSIGNMENT = [
    RemoveInstructorCells,
    ApplyClassParams,
    ClearRunMetadata,
    IncludeHeaderFooter,
    InstantiateTests,
    LockCells,
    ClearSolutions,
    ClearOutput,
    CheckCellMetadata,
    ComputeChecksums,
    SaveCells,
    ClearHiddenTests,
    ClearMarkScheme,
    ComputeChecksums,
    CheckCellMetadata,
]

# Feedback without the hidden tests' source, in the cells or in tracebacks (nbgrader's default shows both). The
# course's page (report/feedback_page.py) shows neither test cells nor tracebacks; these stay as a second line, and
# the list stays nbgrader's (tests/test_notebooks.py), for an instructor who switches back to nbgrader's page.
GENERATE_FEEDBACK = [GetGrades, ClearHiddenTests, ShortenGradeTracebacks, CSSHTMLHeaderPreprocessor]

# Stands in for nbgrader's "YOUR CODE HERE / raise NotImplementedError()": answer cells start with a
# placeholder such as `result = ...`, or a function whose body is only its docstring (it returns None), and the
# visible test explains what is missing, so "Run All" on a fresh student copy only stops at test cells.
