"""Keys for 00b_python_lists_tables (part 2 of 00). Instructor only, like every key file.

00b is practice only: its checks compare with the notebook's own worked examples in the learner's kernel, and no cell
is graded. graded() therefore returns no checks; the grading commands must (and do) cope with a 0-point assignment.
"""


def graded(params: dict) -> dict:
    """What each graded cell checks: nothing, since 00b has no graded cells."""
    return {}
