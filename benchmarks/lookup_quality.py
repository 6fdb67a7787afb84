"""Hit@1/5/10 of the ICD-10-CM look-up on the course's query set (docs/lookup-queries.csv).

    python benchmarks/lookup_quality.py            # the table by kind, and every miss
    python benchmarks/lookup_quality.py --json F   # also write the per-query ranks to F

A query is a hit at k when one of the first k codes search() returns is one of the query's codes ("S62.10*" counts
S62.10 and every code below it). The query set was written before the engine it measures (docs/lookup.md).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "docs" / "lookup-queries.csv"
KS = (1, 5, 10)


def load_queries(path: Path = QUERIES) -> list[dict]:
    """The query set: kind, query, the codes that count as a hit, and why."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [{**row, "hits": row["hits"].split()} for row in csv.DictReader(handle)]


def is_hit(code: str, hits: list[str]) -> bool:
    """Whether a returned code is one of the expected ones (a trailing * takes every code below it)."""
    return any(code.startswith(h[:-1]) if h.endswith("*") else code == h for h in hits)


def rank_of(codes: list[str], hits: list[str]) -> int | None:
    """1-based rank of the first expected code among the returned ones, or None."""
    return next((i + 1 for i, code in enumerate(codes) if is_hit(code, hits)), None)


def evaluate(search, queries: list[dict]) -> list[dict]:
    """Run every query (asking for 10 results) and record the rank of the first hit."""
    rows = []
    for q in queries:
        codes = [str(c) for c in search(q["query"], 10)["code"].tolist()]
        rows.append({"kind": q["kind"], "query": q["query"], "rank": rank_of(codes, q["hits"]), "top": codes[:3]})
    return rows


def summary(rows: list[dict]) -> dict[str, dict[int, int]]:
    """Hits at 1, 5 and 10 per kind and overall."""
    kinds = sorted({r["kind"] for r in rows}, key=["plain", "near", "code"].index) + ["all"]
    table = {}
    for kind in kinds:
        ranks = [r["rank"] for r in rows if kind in ("all", r["kind"])]
        table[kind] = {k: sum(1 for r in ranks if r is not None and r <= k) for k in KS} | {"n": len(ranks)}
    return table


def main() -> int:
    """Print hit@1/5/10 by kind and the misses at 10."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, help="write the per-query results here")
    args = parser.parse_args()
    from billcode.coding.lookup import search

    rows = evaluate(search, load_queries())
    print(f"{'kind':6} {'hit@1':>7} {'hit@5':>7} {'hit@10':>7}")
    for kind, counts in summary(rows).items():
        print(f"{kind:6} " + " ".join(f"{str(counts[k]) + '/' + str(counts['n']):>7}" for k in KS))
    for r in rows:
        if r["rank"] is None or r["rank"] > 1:
            print(f"  {r['kind']:5} {r['query']!r}: rank {r['rank']}, top {r['top']}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
