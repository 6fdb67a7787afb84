"""Grading: the grading command (autograde, with progress and gradebook_wait), nbgrader's steps (preprocessors,
grading_steps, metadata_check), student code run isolated (sandbox, run_notebook) and scored here (marking)."""
