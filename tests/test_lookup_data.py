"""The course's ICD-10-CM data file (data/coding/icd10cm.sqlite) against its sources: every code's validity, billable
flag and description and a sample of notes compared with simple-icd-10-cm; the Index's codes; a deterministic rebuild."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from billcode.coding import codeset
from billcode.coding.build import DB_FILE, build, comparable
from billcode.data import data_dir


def official():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import simple_icd_10_cm as cm
    return cm


def test_every_code_the_index_points_to_is_in_the_tabular_set():
    missing = codeset.query("SELECT count(*) FROM index_terms t WHERE t.code IS NOT NULL AND NOT EXISTS "
                            "(SELECT 1 FROM codes c WHERE c.code = t.code AND c.kind = 0)")[0][0]
    figures = codeset.meta()
    assert missing == 0 and int(figures["figure_codes"]) == int(figures["figure_codes_valid"]) > 60_000
    assert int(figures["figure_see_resolved"]) / int(figures["figure_see"]) > 0.75
    assert figures["index_sha256"] == "ed46c243bb91ca24ef9da6ad50cf8f204f2c97f2d69632f34ff0f8081a0609ed"


def test_every_search_document_points_to_a_code():
    assert codeset.query("SELECT count(*) FROM docs d WHERE NOT EXISTS "
                         "(SELECT 1 FROM codes c WHERE c.code = d.code AND c.kind = 0)")[0][0] == 0


def test_the_data_file_is_small():
    assert (data_dir() / DB_FILE).stat().st_size < 20e6


@pytest.mark.slow
def test_every_code_matches_the_official_package():
    """Validity, billable flag and description of every category, subcategory and code (98,186), and nothing more."""
    cm = official()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        codes = {c for c in cm.get_all_codes(with_dots=True) if cm.is_category_or_subcategory(c)}
        for code in sorted(codes):
            assert codeset.exists(code), code
            assert codeset.billable(code) is cm.is_leaf(code), code
            assert codeset.description(code) == cm.get_description(code), code
    assert codeset.query("SELECT count(*) FROM codes WHERE kind = 0")[0][0] == len(codes)
    for wrong in ["E11.99", "I10.0", "T15.01A", "S61.41XA", "S52.52XA", "ABC", "E08-E13", "1"]:
        assert not codeset.exists(wrong), wrong


@pytest.mark.slow
def test_notes_and_sevenths_match_the_official_package_on_a_sample():
    cm = official()
    getters = {"inclusion": cm.get_inclusion_term, "includes": cm.get_includes, "excludes1": cm.get_excludes1,
               "excludes2": cm.get_excludes2, "use_additional": cm.get_use_additional_code,
               "code_first": cm.get_code_first, "code_also": cm.get_code_also, "notes": cm.get_notes}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        codes = [c for c in cm.get_all_codes(with_dots=True) if cm.is_category_or_subcategory(c) and len(c) < 8]
        sample = codes[::37] + ["E11", "E11.22", "I10", "J02.0", "S52", "S52.521", "T15.01", "W19", "N18.31"]
        checked = 0
        for code in sample:
            for kind, getter in getters.items():
                value = getter(code)
                wanted = [] if not value else [value] if isinstance(value, str) else list(value)
                assert codeset.notes(code, kind) == wanted, (code, kind)
                checked += bool(wanted)
            assert codeset.seventh_characters(code) == dict(cm.get_seven_chr_def(code, search_in_ancestors=True) or {}), code
    assert checked > 300


@pytest.mark.slow
def test_a_rebuild_gives_the_same_bytes(tmp_path: Path):
    """make data is deterministic: the tabular part rebuilt from the package (and the Index carried over) is the file."""
    committed = data_dir() / DB_FILE
    build(tmp_path / "icd10cm.sqlite", previous=committed)
    assert comparable(tmp_path / "icd10cm.sqlite") == comparable(committed), "run make data"
