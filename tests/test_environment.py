"""Binder's environment.yml installs what pyproject.toml asks for, with the same version ranges."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"fastjsonschema": "python-fastjsonschema"}  # conda-forge names that differ from PyPI's


def _spec(line: str) -> tuple[str, str]:
    name, spec = re.match(r"^([A-Za-z0-9_.-]+)\s*(.*)$", line.strip()).groups()
    return name.lower(), spec.replace(" ", "")


def environment() -> tuple[dict[str, str], dict[str, str]]:
    """(conda packages, pip packages) of environment.yml, name -> version range."""
    conda, pip, in_pip = {}, {}, False
    for raw in (ROOT / "environment.yml").read_text().splitlines():
        line = raw.split("#")[0].rstrip()
        if line.strip() == "- pip:":
            in_pip = True
            continue
        if line.strip().startswith("- "):
            name, spec = _spec(line.strip()[2:])
            (pip if in_pip and raw.startswith("      ") else conda)[name] = spec
    return conda, pip


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_spec(d) for d in project["dependencies"])
    conda, pip = environment()
    for name, spec in wanted.items():
        found = conda.get(CONDA_NAMES.get(name, name), pip.get(name))
        assert found is not None, f"environment.yml lacks {name} (pyproject.toml asks for {name}{spec})"
        assert found.replace("==", "=").lstrip("=") == spec.replace("==", "=").lstrip("="), \
            f"{name}: environment.yml says {found!r}, pyproject.toml {spec!r}"
    assert conda["python"].startswith("=3.11")


def test_binder_links_all_point_at_one_repository():
    readme = (ROOT / "README.md").read_text()
    slugs = set(re.findall(r"mybinder\.org/v2/gh/([^/]+/[^/]+)/", readme))
    assert len(slugs) == 1, f"the README's Binder links point at {sorted(slugs)}: run make binder-links REPO=owner/name"


def test_the_kernel_make_install_registers_is_the_one_the_notebooks_name():
    """Opening a notebook must not change it: its kernelspec names the kernel make install registers."""
    import json

    makefile = (ROOT / "Makefile").read_text()
    name = re.search(r'ipykernel install --sys-prefix --name (\S+) --display-name "([^"]+)"', makefile).groups()
    for notebook in sorted((ROOT / "course").glob("*.ipynb")) + sorted((ROOT / "autograder" / "source").glob("*/*.ipynb")):
        spec = json.loads(notebook.read_text())["metadata"]["kernelspec"]
        assert (spec["name"], spec["display_name"]) == name, notebook.name
