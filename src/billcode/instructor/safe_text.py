"""Student text as data wherever the instructor reads it: a terminal line or a spreadsheet cell.

A student controls their id (the folder name they hand in under), the names of the files they submit, the grade
ids and metadata of their cells and the text of their answers. Any of these can reach the grading command's
progress lines and the report CSVs. `safe_text` is the one function every writer passes such a string through:

- every control or invisible formatting character (C0 and C1 controls including ESC, \\r, \\x0b, \\x0c,
  \\x1c-\\x1e and \\x85, the line and paragraph separators U+2028/U+2029, bidirectional overrides, lone
  surrogates) is shown escaped (`\\x1b`, `\\r`, `\\u2028`), so it can neither start a line, move the cursor, change
  a window title nor split a CSV row;
- a value a spreadsheet would evaluate as a formula (one that starts with =, +, -, @, a tab or a carriage return,
  or their full-width forms, also after spaces) gets a leading single quote, as OWASP's CSV-injection guidance
  says, so `=HYPERLINK(...)` stays text.

It needs only the standard library (deploy/hub/hubctl.py loads it by path with Debian's Python). The result is
stable: passing it through again changes nothing.
"""

from __future__ import annotations

import unicodedata

ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}  # controls, formatting, surrogates, private and unassigned
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _escaped(char: str) -> str:
    if char in ESCAPES:
        return ESCAPES[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def safe_text(value: object) -> str:
    """A student-controlled value as text that is safe in a terminal line and in a spreadsheet cell."""
    text = value if isinstance(value, str) else str(value)
    text = "".join(_escaped(c) if c in ESCAPES or unicodedata.category(c) in HIDDEN else c for c in text)
    if text.lstrip(" ").startswith(FORMULA_START):
        text = "'" + text
    return text


def safe_row(values: list[object]) -> list[str]:
    """Every cell of a CSV row through safe_text (numbers the grader formatted are left as they are)."""
    return [v if isinstance(v, int | float) and not isinstance(v, bool) else safe_text(v) for v in values]


def safe_table(table):
    """A pandas table whose text columns have been passed through safe_text (numbers stay numbers)."""
    import pandas as pd

    out = table.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: v if v is None or (isinstance(v, float) and v != v)
                                          or isinstance(v, int | float | bool) else safe_text(v))
    out.columns = [safe_text(c) for c in out.columns]
    return out
