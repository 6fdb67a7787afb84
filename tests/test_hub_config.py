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


PROBE = """
from nbgrader.apps.baseapp import NbGrader
app = NbGrader()
app.load_config_file()
print(app.config.Exchange.root, app.config.CourseDirectory.course_id)
"""


def test_on_the_hub_the_hubs_exchange_wins_over_the_courses_own(tmp_path):
    """autograder/nbgrader_config.py gives a single machine its own exchange folder; a course root on the hub loads
    that file too (as course_config.py), and must still use the hub's shared exchange (hubctl's common config)."""
    import os
    import shutil
    import subprocess
    import sys

    autograder = HUB.parents[1] / "autograder"
    root = tmp_path / "billing-vs-coding"
    (root / "source" / "01_overview").mkdir(parents=True)
    shutil.copy(autograder / "nbgrader_config.py", root / "course_config.py")
    shutil.copy(HUB / "course_nbgrader_config.py", root / "nbgrader_config.py")
    (root / "course_id.txt").write_text("section-b\n")
    (root / "gradebook_url.txt").write_text("sqlite:///x.db\n")
    common = tmp_path / "common"
    common.mkdir()
    (common / "nbgrader_config.py").write_text(f"c = get_config()\nc.Exchange.root = {str(tmp_path / 'hub-x')!r}\n")
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(common)}
    shown = subprocess.run([sys.executable, "-c", PROBE], cwd=root, env=env, capture_output=True, text=True, check=True)
    assert shown.stdout.split() == [str(tmp_path / "hub-x"), "section-b"], shown
    alone = subprocess.run([sys.executable, "-c", PROBE], cwd=autograder, env={**os.environ, "JUPYTER_CONFIG_PATH": ""},
                           capture_output=True, text=True, check=True)
    assert alone.stdout.split() == [str(autograder / "exchange"), "billing-vs-coding"], alone


def test_make_instructor_makes_the_courses_own_exchange_folder(tmp_path, capsys):
    """`make instructor` runs this first: the folder nbgrader_config.py names, writable by every account like /tmp."""
    import shutil
    import stat

    from billcode.instructor.author.release import main

    root = tmp_path / "autograder"
    root.mkdir()
    shutil.copy(HUB.parents[1] / "autograder" / "nbgrader_config.py", root)
    (root / "source").mkdir()
    assert main(["--root", str(root), "--exchange"]) == 0
    assert stat.S_IMODE((root / "exchange").stat().st_mode) == 0o1777
    assert f"The course's exchange: {root / 'exchange'}" in capsys.readouterr().out
    assert main(["--root", str(root), "--exchange"]) == 0  # again: nothing to do, no error
    (root / "nbgrader_config.py").write_text("c = get_config()\n")
    assert main(["--root", str(root), "--exchange"]) == 0
    assert "sets no exchange folder" in capsys.readouterr().out
