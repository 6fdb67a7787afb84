"""Check values.yaml against the jupyterhub chart's own schema (values.schema.yaml), as `helm` would on install.

    python deploy/hub/z2jh/validate.py CHART_DIR     # a checkout's jupyterhub/ folder (values.yaml + schema)

It merges the chart's default values with ours the way helm does (maps deep, everything else replaced) and
validates the result with jsonschema; it also checks that every key we set exists in the chart's defaults or
under a free-form key (hub.config, hub.extraConfig, hub.services, hub.loadRoles, ...). It is not `helm template`:
templates are not rendered.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jsonschema
import yaml

HERE = Path(__file__).resolve().parent
FREE_FORM = {("hub", "config"), ("hub", "extraConfig"), ("hub", "services"), ("hub", "loadRoles"),
             ("singleuser", "extraEnv"), ("singleuser", "storage", "extraVolumes"),
             ("singleuser", "storage", "extraVolumeMounts"), ("hub", "resources"), ("proxy", "chp", "resources")}


def merge(base: object, override: object) -> object:
    """helm's merge of values: maps merged key by key, anything else replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        return {k: merge(base[k], override[k]) if k in base and k in override else override.get(k, base.get(k))
                for k in {**base, **override}}
    return override


def unknown_keys(ours: dict, defaults: dict, path: tuple[str, ...] = ()) -> list[str]:
    """Keys we set that the chart's defaults do not have (outside the free-form ones)."""
    found = []
    for key, value in ours.items():
        here = (*path, key)
        if here in FREE_FORM:
            continue
        if not isinstance(defaults, dict) or key not in defaults:
            found.append(".".join(here))
        elif isinstance(value, dict):
            found += unknown_keys(value, defaults[key] or {}, here)
    return found


def main(argv: list[str]) -> int:
    """Validate; print what is wrong and return 1, or 0."""
    chart = Path(argv[0])
    schema = yaml.safe_load((chart / "values.schema.yaml").read_text())
    defaults = yaml.safe_load((chart / "values.yaml").read_text())
    ours = yaml.safe_load((HERE / "values.yaml").read_text())
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(merge(defaults, ours)), key=str)
    for err in errors:
        print(f"schema: {'.'.join(map(str, err.absolute_path))}: {err.message}")
    unknown = unknown_keys(ours, defaults)
    for key in unknown:
        print(f"not a chart value: {key}")
    for doc in yaml.safe_load_all((HERE / "formgrader.yaml").read_text()):
        assert doc["apiVersion"] and doc["kind"] and doc["metadata"]["name"], doc
    print("values.yaml: OK against the chart's schema" if not errors and not unknown else "values.yaml: INVALID")
    return 1 if errors or unknown else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
