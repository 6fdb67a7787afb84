"""The package, its data and the two environments (pip and conda/Binder) stay in step."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from billcode.data import data_dir, is_code_column, load_json, load_table

ROOT = Path(__file__).resolve().parents[1]
CONDA_TO_PIP = {"python-fastjsonschema": "fastjsonschema"}  # conda-forge names that differ from PyPI's
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def requirement_names(specs) -> dict[str, str]:
    """name -> version constraint, with names normalised as pip does."""
    out = {}
    for spec in specs:
        match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
        out[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2).replace(" ", "")
    return out


def as_pip(conda_dep: str) -> str:
    """A conda-forge requirement written with its PyPI name."""
    name = re.match(r"[\w.-]+", conda_dep).group(0)
    return CONDA_TO_PIP.get(name, name) + conda_dep[len(name):]


def test_environment_yml_names_the_same_packages_as_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    python = next(d for d in conda if d.startswith("python"))
    assert python == "python=3.11"
    conda_pkgs = requirement_names(as_pip(d) for d in conda if not d.startswith(("python=", "pip")))
    declared = {**conda_pkgs, **requirement_names(pip)}
    wanted = requirement_names(PYPROJECT["project"]["dependencies"])
    assert declared == wanted


def test_binder_installs_the_course_package_in_postbuild():
    post = (ROOT / "postBuild").read_text()
    assert post.startswith("#!/bin/bash") and "set -euo pipefail" in post
    assert "pip install --no-deps ." in post
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists(), "repo2docker would ignore root files"


def test_every_data_file_is_documented():
    readme = (ROOT / "data" / "README.md").read_text()
    files = [p.relative_to(ROOT / "data").as_posix() for p in (ROOT / "data").rglob("*") if p.is_file() and p.name != "README.md"]
    assert files
    for name in files:
        assert f"`{name}`" in readme, name


def test_loaders_read_code_columns_as_text():
    assert is_code_column("code") and is_code_column("dx_code") and is_code_column("CARC") and not is_code_column("step")
    table = load_table("revenue_cycle")
    assert table["step"].tolist() == list(range(1, 14))
    assert load_json("quiz/01_overview.json")["bank"] == "01_overview"
    with pytest.raises(FileNotFoundError, match="Available files: .*revenue_cycle.csv"):
        load_table("nope")


def test_data_is_found_from_any_working_directory(tmp_path):
    code = "from billcode import load_table; print(len(load_table('credentials')))"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "5"
    assert data_dir().is_dir()


@pytest.mark.slow
def test_wheel_ships_the_data_and_the_schema(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("billcode-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in (ROOT / "data").rglob("*"):
        if path.is_file():
            assert f"billcode/data/{path.relative_to(ROOT / 'data').as_posix()}" in names
    assert "billcode/quiz/item_bank.schema.json" in names


def test_no_cpt_descriptor_text_anywhere():
    """CPT descriptors are AMA-copyrighted: nothing shipped may pair a five-digit CPT-like code with a descriptor."""
    pattern = re.compile(r"\b\d{4}[0-9FTU]\b\s*[|:–-]\s*[A-Za-z]{4,}")
    for path in [*(ROOT / "data").rglob("*"), *(ROOT / "docs").rglob("*.md"), *(ROOT / "autograder" / "source").rglob("*.ipynb"), *(ROOT / "course").glob("*.ipynb")]:
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace")  # the ICD-10-CM data file is SQLite, text in UTF-8
            assert not pattern.search(text), (path, pattern.search(text).group(0))


def test_nbformat_starts_without_the_slow_iri_checker():
    """jsonschema >= 4.24 would import rfc3987-syntax (2-3 s) in every nbformat, nbgrader and nbval start."""
    import subprocess
    import sys

    probe = "import nbformat, sys; print('rfc3987_syntax' in sys.modules, 'lark' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
