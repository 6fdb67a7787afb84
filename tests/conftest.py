"""Shared fixtures: the all-types fixture bank and a scratch folder for answers files."""

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
