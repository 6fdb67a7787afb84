"""Small nbgrader preprocessors for this course, each with one job, and the course's nbgrader lists."""

from __future__ import annotations

from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearHiddenTests,
    ClearMarkScheme,
    ClearOutput,
    ClearSolutions,
    ComputeChecksums,
    GetGrades,
    IncludeHeaderFooter,
    InstantiateTests,
    LockCells,
    NbGraderPreprocessor,
    SaveCells,
)
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor

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


class ClearWidgetState(NbGraderPreprocessor):
    """Remove saved widget state from the notebook metadata (noisy, and stale in every copy)."""

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        return nb, resources


# nbgrader 0.9.6's GenerateAssignment list, with our two steps first (tests check it still matches nbgrader's).
GENERATE_ASSIGNMENT = [
    RemoveInstructorCells,
    ClearWidgetState,
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

# Feedback without the hidden tests' source (nbgrader's default shows it).
GENERATE_FEEDBACK = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

# Stands in for nbgrader's "YOUR CODE HERE / raise NotImplementedError()": answer cells start with a
# placeholder such as `result = ...`, and the visible test explains what is missing, so "Run All" on a
# fresh student copy only stops at test cells (which carry the raises-exception tag).
CODE_STUB = "# YOUR CODE HERE: replace the ... above with your answer"
