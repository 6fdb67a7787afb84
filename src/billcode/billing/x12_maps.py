"""pyx12's 5010 maps, parsed once at `make data` and shipped ready to load (a fresh kernel's first check: 0.5 s -> 30 ms).

pyx12 (BSD licence) validates a file against a map it parses from XML, about 0.4 s a map in every new process. The
maps the course validates with are parsed here by pyx12 itself and stored with pickle in data/billing/pyx12_maps/,
with a manifest naming the pyx12 version and the checksum of each source file. A map is used only when the
manifest matches the installed pyx12 and the file's checksum matches; otherwise pyx12 parses the XML as before.
The stored maps are read with an unpickler that makes nothing but pyx12's own map classes.

    python -c "from billcode.billing.x12_maps import build; build()"    # rebuild (make data does this)
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import subprocess
import sys
from importlib.metadata import distribution, version
from importlib.resources import files
from pathlib import Path

from billcode.data import data_dir

MAP_PATH_SLOT = "(pyx12's map folder on the machine that loads the map)"
MAPS = ("x12.control.00501.xml", "837.5010.X222.A1.xml", "835.5010.X221.A1.xml")  # the ISA envelope, 837P, 835
FOLDER = "billing/pyx12_maps"
# What a stored map may be made of: pyx12's map classes, and the two helpers they pickle by reference.
ALLOWED = {("logging", "getLogger"), ("re", "_compile")}


class _MapsOnly(pickle.Unpickler):
    """An unpickler that builds pyx12's own objects and refuses anything else."""

    def find_class(self, module: str, name: str) -> object:
        if module.startswith("pyx12.") or (module, name) in ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a pyx12 map")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_bytes(map_file: str) -> bytes:
    """The XML of one of pyx12's maps, as pyx12 ships it."""
    return files("pyx12").joinpath("map", map_file).read_bytes()


def manifest_for(pickled: dict[str, bytes]) -> dict:
    """What the stored maps were made from: pyx12's version, each source's and each stored file's checksum."""
    return {"pyx12": version("pyx12"), "pickle_protocol": 5,
            "resources": {name: _sha256(source_bytes(name)) for name in ("codes.xml", "dataele.xml")},
            "maps": {name: {"source_sha256": _sha256(source_bytes(name)), "sha256": _sha256(data)}
                     for name, data in pickled.items()}}


def pickled_maps() -> dict[str, bytes]:
    """Parse each map with pyx12 (default parameters, no config file) and pickle it; needs PYTHONHASHSEED=0.

    pyx12 keeps code lists in sets, whose order (and so the pickle's bytes) follows the string hash seed.
    """
    import pyx12.map_if
    import pyx12.params

    if os.environ.get("PYTHONHASHSEED") != "0":
        raise RuntimeError("Build the maps with PYTHONHASHSEED=0 (x12_maps.build() does).")
    out = {}
    for name in MAPS:
        parsed = pyx12.map_if.load_map_file(name, pyx12.params.ParamsBase())
        parsed.param.params["map_path"] = MAP_PATH_SLOT  # where pyx12 is installed: filled in on load, not stored
        buffer = io.BytesIO()
        pickle.Pickler(buffer, protocol=5).dump(parsed)
        out[name] = buffer.getvalue()
    return out


def write_maps(folder: Path) -> None:
    """Write the stored maps and their manifest into folder (in this process: PYTHONHASHSEED must be 0)."""
    pickled = pickled_maps()
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in pickled.items():
        (folder / f"{name}.pickle").write_bytes(data)
    (folder / "manifest.json").write_text(json.dumps(manifest_for(pickled), indent=1, sort_keys=True) + "\n")
    # pyx12's BSD licence asks that a redistribution in binary form carries its notice: it goes with the maps.
    (folder / "LICENSE.txt").write_text(distribution("pyx12").read_text("licenses/LICENSE.txt") or "", encoding="utf-8")


def build(folder: Path | None = None) -> None:
    """Rebuild the stored maps (in a child process with PYTHONHASHSEED=0, so the bytes are the same every time)."""
    target = folder or data_dir() / FOLDER
    code = "import sys, pathlib\nfrom billcode.billing.x12_maps import write_maps\nwrite_maps(pathlib.Path(sys.argv[1]))"
    subprocess.run([sys.executable, "-c", code, str(target)], check=True, env={**os.environ, "PYTHONHASHSEED": "0"})


_MANIFEST: list[dict | None] = []  # read once per process


def _manifest() -> dict | None:
    """The stored maps' manifest when it matches the installed pyx12, else None."""
    if not _MANIFEST:
        try:
            stored = json.loads((data_dir() / FOLDER / "manifest.json").read_text(encoding="utf-8"))
            ok = stored.get("pyx12") == version("pyx12") and all(
                _sha256(source_bytes(name)) == digest for name, digest in stored.get("resources", {}).items())
        except (OSError, ValueError, AttributeError, TypeError):
            stored, ok = None, False
        _MANIFEST.append(stored if ok else None)
    return _MANIFEST[0]


def stored_map(map_file: str, map_path: str | None) -> object | None:
    """The stored, ready-parsed map for pyx12's own map file, or None (pyx12 then parses the XML)."""
    manifest = _manifest()
    entry = (manifest or {}).get("maps", {}).get(map_file) if map_path is None else None
    if not isinstance(entry, dict):
        return None
    try:
        data = (data_dir() / FOLDER / f"{map_file}.pickle").read_bytes()
        if _sha256(data) != entry.get("sha256") or _sha256(source_bytes(map_file)) != entry.get("source_sha256"):
            return None
        loaded = _MapsOnly(io.BytesIO(data)).load()
        import pyx12.params

        loaded.param.params["map_path"] = pyx12.params.ParamsBase().get("map_path")  # this machine's pyx12
        return loaded
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None

