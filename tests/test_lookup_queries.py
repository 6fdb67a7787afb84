"""The look-up's query set (docs/lookup-queries.csv): its shape, and every expected code in the official set."""

from __future__ import annotations

import sys
import warnings
from collections import Counter

from nbgrader_helpers import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from lookup_quality import is_hit, load_queries, rank_of  # noqa: E402


def test_sixty_queries_in_three_kinds_of_twenty():
    queries = load_queries()
    assert Counter(q["kind"] for q in queries) == {"plain": 20, "near": 20, "code": 20}
    assert len({q["query"].lower() for q in queries}) == 60 and all(q["hits"] and q["why"] for q in queries)


def test_every_expected_code_is_in_the_official_fy2026_set():
    """Checked against simple-icd-10-cm itself (the source the course's data is built from), not the built data."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import simple_icd_10_cm as cm
    for q in load_queries():
        for hit in q["hits"]:
            code = hit.rstrip("*")
            assert cm.is_valid_item(code) and cm.is_category_or_subcategory(code), (q["query"], hit)
            if hit.endswith("*"):
                assert cm.get_children(code), (q["query"], hit)  # a star on a code with nothing below is a slip


def test_hits_and_ranks():
    assert is_hit("S62.101A", ["S62.10*"]) and is_hit("S62.10", ["S62.10*"]) and not is_hit("S62.1", ["S62.10*"])
    assert is_hit("J02.0", ["J02.0"]) and not is_hit("J02.00", ["J02.0"])
    assert rank_of(["J18", "J18.0", "J18.9"], ["J18.9"]) == 3 and rank_of([], ["J18.9"]) is None
