"""nbgrader's cell metadata check, with its JSON schema compiled once per process instead of once per cell.

nbgrader 0.9.6 checks every cell's nbgrader metadata with `jsonschema.validate(meta, schema)`, which first checks
the schema itself against JSON Schema's meta-schema: about nine tenths of the check's time, twice per graded
submission (the sanitizing and the autograding lists both end with it). The checks and their error messages are
nbgrader's own: only the schema's validator is built once.
"""

from __future__ import annotations

import traceback
from functools import lru_cache

import jsonschema
from jsonschema.exceptions import best_match
from nbformat.notebooknode import NotebookNode
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.nbgraderformat.common import BaseMetadataValidator, SchemaTooNewError, SchemaTooOldError
from nbgrader.preprocessors import CheckCellMetadata


class _SchemaCheckedOnce(BaseMetadataValidator):
    """BaseMetadataValidator.validate_cell (schema version, then the schema), with a validator built once."""

    def __init__(self) -> None:
        super().__init__()  # reads the schema file
        cls = jsonschema.validators.validator_for(self.schema)
        cls.check_schema(self.schema)  # what jsonschema.validate does on every call
        self._compiled = cls(self.schema)

    def validate_cell(self, cell: NotebookNode) -> None:
        if "nbgrader" not in cell.metadata:
            return
        meta = cell.metadata["nbgrader"]
        schema = meta.get("schema_version", 0)
        if schema < self.schema_version:
            raise SchemaTooOldError(f"Outdated schema version: {schema} (expected {self.schema_version})",
                                    schema, self.schema_version)
        if schema > self.schema_version:
            raise SchemaTooNewError(f"Schema version is too new: {schema} (expected {self.schema_version})",
                                    schema, self.schema_version)
        error = best_match(self._compiled.iter_errors(meta))
        if error is not None:  # what jsonschema.validate raises
            raise error


class CompiledMetadataValidator(MetadataValidator, _SchemaCheckedOnce):
    """nbgrader's current validator; its validate_cell calls up to _SchemaCheckedOnce, not to the base class."""


@lru_cache(maxsize=1)
def _validator() -> CompiledMetadataValidator:
    return CompiledMetadataValidator()


class CheckCellMetadataCompiled(CheckCellMetadata):
    """nbgrader's CheckCellMetadata (the same checks, logs and error), with the schema compiled once."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        try:
            _validator().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg)
        return nb, resources
