"""Find and load the course data shipped with the package."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd

# Columns that hold codes (ICD-10-CM, HCPCS, CARC, NPI, ZIP, indicators, dates such as 20260401 or "*"): always
# read as text so that leading zeros survive, "00100" never becomes the number 100 (pandas 3 infers numbers), and
# a column's values compare with each other.
CODE_COLUMNS = {"code", "codes", "carc", "rarc", "npi", "zip", "modifier", "pos", "group", "line", "letter"}


def data_dir() -> Path:
    """Return the folder holding the course data (inside the installed package, or the repo's data/)."""
    packaged = Path(__file__).parent / "data"
    if packaged.is_dir():
        return packaged
    # Editable install from a clone: the package sits in src/billcode and the data in data/.
    repo_data = Path(__file__).resolve().parents[2] / "data"
    if repo_data.is_dir():
        return repo_data
    raise FileNotFoundError(
        "The course data folder is missing from this installation of billcode. "
        "Reinstall the course package (make install, or pip install .)."
    )


def data_path(name: str) -> Path:
    """Return the path of one data file, with a friendly error listing what exists."""
    path = data_dir() / name
    if not path.is_file():
        known = sorted(str(p.relative_to(data_dir())) for p in data_dir().rglob("*") if p.is_file())
        raise FileNotFoundError(f"No course data file named {name!r}. Available files: {', '.join(known)}")
    return path


def is_code_column(column: str) -> bool:
    """Tell whether a column holds codes and must be read as text."""
    name = column.lower()
    return name in CODE_COLUMNS or name.endswith(("_code", "_codes", "_npi", "_date", "_indicator"))


def read_csv_text(text: str) -> pd.DataFrame:
    """A table from CSV text, read exactly as load_table reads a file (code columns as text, blanks as NaN)."""
    import io

    header = pd.read_csv(io.StringIO(text), nrows=0).columns
    return pd.read_csv(io.StringIO(text), dtype={c: str for c in header if is_code_column(c)})


def load_table(name: str) -> pd.DataFrame:
    """Load a CSV table from the course data, reading code columns as text."""
    path = data_path(name if name.endswith(".csv") else f"{name}.csv")
    header = pd.read_csv(path, nrows=0).columns
    return pd.read_csv(path, dtype={col: str for col in header if is_code_column(col)})


@cache
def _load_json_cached(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def load_json(name: str) -> object:
    """Load a JSON file from the course data (a fresh copy each call)."""
    return json.loads(_load_json_cached(str(data_path(name))))


class MissingColumns(KeyError):
    """A table handed to a course helper lacks columns it needs; the message names them."""

    def __str__(self) -> str:
        return str(self.args[0])


def require_columns(frame: object, columns: list[str], what: str) -> None:
    """Raise MissingColumns naming what is missing, if frame is not a DataFrame with these columns."""
    if not isinstance(frame, pd.DataFrame):
        raise MissingColumns(f"{what} should be a pandas DataFrame, not a {type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingColumns(f"{what} has no {', '.join(repr(c) for c in missing)} column (it has: "
                             f"{', '.join(map(str, frame.columns)) or 'no columns'}).")
