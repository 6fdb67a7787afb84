"""Shared fixtures: the all-types fixture bank and a scratch folder for answers files; and how `make test`
shares the tests between its two pytest-xdist workers."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"

# Subprocesses (nbgrader, kernels) use this environment's tools first.
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


@pytest.fixture
def bank() -> dict:
    """A bank with every question type in both modes."""
    return json.loads((FIXTURES / "all_types.json").read_text())


@pytest.fixture
def quiz(bank, tmp_path):
    """A quiz on the fixture bank whose answers file lives in a scratch folder."""
    from billcode.quiz.engine import open_quiz

    return open_quiz("99_fixture", tmp_path, bank=bank)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`make test` runs two pytest-xdist workers with --dist loadfile: each test file goes whole to one worker, so a
    module's fixture (a graded corpus, the hub deployment) is built once. Here the browser folder counts as one file
    too: one JupyterLab and one Chromium at a time, on one worker, while the other worker takes the other files.
    (xdist_group marks would say the same, but pytest-xdist 3.8 cannot apply them under pytest 9.)"""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByFileBrowserTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return "tests/browser/" if path.startswith("tests/browser/") else path

    return ByFileBrowserTogether(config, log)
