"""pyx12's maps stored ready-parsed (billcode.billing.x12_maps): current, rebuilt byte for byte, and finding exactly
the problems pyx12 finds when it parses the XML itself."""

from __future__ import annotations

import io
import json
import pickle
import subprocess
import sys

import pytest

from billcode.billing import x12, x12_maps
from billcode.data import data_dir, data_path

STORE = data_dir() / x12_maps.FOLDER
CLAIM = data_path("billing/claim_837p.x12").read_text()
REMIT = data_path("billing/remittance_835.x12").read_text()


def without(text: str, start: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith(start))


# Files with structural errors of many kinds (each must be found), and the two valid files.
BROKEN = {
    "mandatory segment missing (HI)": without(CLAIM, "HI*"),
    "date that does not exist": CLAIM.replace("DMG*D8*19600908*M", "DMG*D8*19601340*M"),
    "code not in the element's list (SBR01)": CLAIM.replace("SBR*P*18", "SBR*Z*18"),
    "amount that is not a number": CLAIM.replace("CLM*C1010*200.00", "CLM*C1010*2OO.00"),
    "unknown segment": CLAIM.replace("HL*1**20*1~", "HL*1**20*1~\nZZZ*1~"),
    "entity code not allowed (NM101)": CLAIM.replace("NM1*85*2*", "NM1*99*2*"),
    "segment count wrong (SE01)": CLAIM.replace("\nSE*", "\nSE*9", 1),
    "interchange control numbers differ": CLAIM.replace("IEA*1*000000001", "IEA*1*000000002"),
    "element too long": CLAIM.replace("N4*SPRINGFIELD*IL*62702", "N4*SPRINGFIELD*ILL*62702"),
    "835 claim status not in the list": REMIT.replace("CLP*C1001*1*", "CLP*C1001*99*", 1),
    "835 without its payment segment": without(REMIT, "BPR*"),
}
VALID = {"837P": CLAIM, "835": REMIT}


def test_every_broken_file_really_differs_from_the_valid_one():
    assert all(text not in (CLAIM, REMIT) for text in BROKEN.values())


PARSED: dict = {}  # maps pyx12 parsed from XML, kept for this module's tests (parsing is slow)
STORED: dict = {}  # maps read from the store


def validate_parsing(monkeypatch, text: str) -> list[str]:
    """validate_x12 with pyx12 parsing every map from its XML (the store ignored)."""
    with monkeypatch.context() as m:
        m.setattr(x12, "_MAPS", PARSED)
        m.setattr(x12, "stored_map", lambda map_file, map_path: None)
        return x12.validate_x12(text)


def validate_stored(monkeypatch, text: str) -> list[str]:
    """validate_x12 with the stored maps only (pyx12's XML parser made to fail)."""
    import pyx12.map_if

    def refuse(*args, **kwargs):
        raise AssertionError(f"a map was parsed from XML: {args[0]}")

    with monkeypatch.context() as m:
        m.setattr(x12, "_MAPS", STORED)
        m.setattr(pyx12.map_if, "load_map_file", refuse)
        return x12.validate_x12(text)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_the_stored_maps_find_every_problem_pyx12_finds(monkeypatch, name):
    parsed = validate_parsing(monkeypatch, BROKEN[name])
    assert parsed, f"pyx12 finds nothing wrong with: {name}"
    assert validate_stored(monkeypatch, BROKEN[name]) == parsed


@pytest.mark.parametrize("name", sorted(VALID))
def test_the_stored_maps_pass_the_valid_files(monkeypatch, name):
    assert validate_parsing(monkeypatch, VALID[name]) == validate_stored(monkeypatch, VALID[name]) == []


def test_the_two_ways_used_different_map_objects(monkeypatch):
    validate_parsing(monkeypatch, CLAIM)
    validate_stored(monkeypatch, CLAIM)
    assert set(PARSED) == set(STORED) and all(PARSED[k] is not STORED[k] for k in PARSED)


def test_the_store_is_current_for_the_installed_pyx12():
    """Fails after a pyx12 upgrade or a change of its maps: run `make data` (validation still works, parsing XML)."""
    from importlib.metadata import version

    manifest = json.loads((STORE / "manifest.json").read_text())
    assert manifest["pyx12"] == version("pyx12"), "run make data"
    assert set(manifest["maps"]) == set(x12_maps.MAPS)
    assert manifest == x12_maps.manifest_for({name: (STORE / f"{name}.pickle").read_bytes() for name in x12_maps.MAPS})
    assert x12_maps._manifest() == manifest


def test_make_data_rebuilds_the_store_byte_for_byte(tmp_path):
    x12_maps.build(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in STORE.iterdir())
    for path in STORE.iterdir():
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_build_refuses_a_random_hash_seed(monkeypatch):
    monkeypatch.setenv("PYTHONHASHSEED", "random")
    with pytest.raises(RuntimeError, match="PYTHONHASHSEED=0"):
        x12_maps.pickled_maps()


class Evil:
    def __reduce__(self):
        return (print, ("this must never run",))


@pytest.fixture
def store_copy(tmp_path, monkeypatch):
    """A copy of the course data whose stored maps a test may spoil."""
    import shutil

    shutil.copytree(data_dir(), tmp_path / "data")
    monkeypatch.setattr(x12_maps, "data_dir", lambda: tmp_path / "data")
    monkeypatch.setattr(x12_maps, "_MANIFEST", [])
    return tmp_path / "data" / x12_maps.FOLDER


def test_a_good_store_gives_a_map(store_copy):
    assert type(x12_maps.stored_map("837.5010.X222.A1.xml", None)).__name__ == "map_if"
    assert x12_maps.stored_map("837.5010.X222.A1.xml", "/some/other/maps") is None  # someone else's maps: parse
    assert x12_maps.stored_map("999.5010.xml", None) is None  # not stored


def test_a_store_for_another_pyx12_is_not_used(store_copy):
    manifest = json.loads((store_copy / "manifest.json").read_text())
    (store_copy / "manifest.json").write_text(json.dumps({**manifest, "pyx12": "3.9.9"}))
    assert x12_maps.stored_map("837.5010.X222.A1.xml", None) is None


def test_a_changed_or_broken_map_file_is_not_used(store_copy):
    path = store_copy / "837.5010.X222.A1.xml.pickle"
    path.write_bytes(path.read_bytes()[:-10])
    assert x12_maps.stored_map("837.5010.X222.A1.xml", None) is None
    (store_copy / "manifest.json").write_text("not json")
    x12_maps._MANIFEST.clear()
    assert x12_maps.stored_map("x12.control.00501.xml", None) is None


def test_a_stored_map_can_only_make_pyx12_objects(store_copy, capsys):
    """Even a file whose checksum was updated to match cannot run code: the unpickler makes only pyx12's classes."""
    evil = pickle.dumps(Evil())
    with pytest.raises(pickle.UnpicklingError, match="not part of a pyx12 map"):
        x12_maps._MapsOnly(io.BytesIO(evil)).load()
    (store_copy / "835.5010.X221.A1.xml.pickle").write_bytes(evil)
    manifest = json.loads((store_copy / "manifest.json").read_text())
    manifest["maps"]["835.5010.X221.A1.xml"]["sha256"] = x12_maps._sha256(evil)
    (store_copy / "manifest.json").write_text(json.dumps(manifest))
    assert x12_maps.stored_map("835.5010.X221.A1.xml", None) is None
    assert "must never run" not in capsys.readouterr().out


def test_a_fresh_process_validates_without_parsing_any_map_xml():
    code = ("import pyx12.map_if\n"
            "def refuse(*a, **k): raise SystemExit('parsed ' + a[0])\n"
            "pyx12.map_if.load_map_file = refuse\n"
            "from billcode import validate_x12\n"
            "from billcode.data import data_path\n"
            "print(validate_x12(data_path('billing/claim_837p.x12').read_text()))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stderr


def test_the_store_holds_no_path_of_the_machine_that_built_it():
    """A fresh clone elsewhere rebuilds the same bytes, and a loaded map looks its code lists up in this pyx12."""
    import pyx12.params

    installed = pyx12.params.ParamsBase().get("map_path")
    for name in x12_maps.MAPS:
        data = (STORE / f"{name}.pickle").read_bytes()
        assert installed.encode() not in data and b"site-packages" not in data and b"/.venv/" not in data, name
        assert x12_maps.stored_map(name, None).param.get("map_path") == installed, name
