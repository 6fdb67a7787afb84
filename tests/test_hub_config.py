"""The hub deployment's files, checked without starting anything: the Kubernetes values against the jupyterhub
chart's own schema (as helm would on install), and the one-machine configuration's Python."""

from __future__ import annotations

import importlib.util
import py_compile
from pathlib import Path

import yaml

HUB = Path(__file__).resolve().parents[1] / "deploy" / "hub"


def validator():
    spec = importlib.util.spec_from_file_location("validate", HUB / "z2jh" / "validate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_kubernetes_values_pass_the_charts_schema(capsys):
    assert validator().main([str(HUB / "z2jh" / "chart")]) == 0, capsys.readouterr().out


def test_a_wrong_value_or_a_misspelt_key_is_caught(tmp_path, monkeypatch):
    module = validator()
    values = yaml.safe_load((HUB / "z2jh" / "values.yaml").read_text())
    values["hub"]["db"]["type"] = "postgresql"  # the chart wants "postgres"
    values["singleuser"]["storag"] = {}
    (tmp_path / "values.yaml").write_text(yaml.safe_dump(values))
    (tmp_path / "formgrader.yaml").write_text((HUB / "z2jh" / "formgrader.yaml").read_text())
    monkeypatch.setattr(module, "HERE", tmp_path)
    assert module.main([str(HUB / "z2jh" / "chart")]) == 1


def test_the_hub_configuration_is_valid_python():
    for name in ("jupyterhub_config.py", "course_nbgrader_config.py", "hubctl.py"):
        py_compile.compile(str(HUB / name), doraise=True)
