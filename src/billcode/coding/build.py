"""Build the course's ICD-10-CM data file (data/coding/icd10cm.sqlite) once, for `make data`.

It holds the FY2026 tabular list from simple-icd-10-cm (every code, its description, billable flag, notes and
7th characters) and the Alphabetic Index, with a full-text index (SQLite FTS5) over Index terms, tabular titles,
inclusion terms and Includes notes. Kernels read it memory-mapped and never import simple-icd-10-cm.

    python -m billcode.coding.build            # rebuild (from the Index source file when present)
    python -m billcode.coding.build --check    # fail if a rebuild would differ from the committed file

The Alphabetic Index source is not committed (see data/README.md, "Code sets"): put it in .cache/icd10cm/ (or name
it with BILLCODE_INDEX_SOURCE). Without it the Index terms are carried over from the committed data file.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import re
import sqlite3
import sys
import tempfile
import warnings
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from billcode.data import data_dir

DB_FILE = "coding/icd10cm.sqlite"
CACHE = Path(__file__).resolve().parents[3] / ".cache" / "icd10cm"
TABULAR_RELEASE = "ICD-10-CM FY2026 (April 1, 2026 release, CDC/NCHS), via simple-icd-10-cm 1.5.0"

# Index sources this build knows, by file name: the SHA-256 a copy must have, and where it comes from.
INDEX_SOURCES = {
    "ICD10CM_2025_Index.csv": {
        "sha256": "ed46c243bb91ca24ef9da6ad50cf8f204f2c97f2d69632f34ff0f8081a0609ed",
        "release": "ICD-10-CM FY2025 Alphabetic Index (CDC/NCHS, 2025 update files), flattened to CSV",
        "origin": "github.com/wbdill/Python-sandbox01, commit 6418224e1c2a786f19f6a099c853eecd0ffdbb55 "
                  "(2025-03-02), path ICD10CM/output/ICD10CM_2025_Index.csv",
    },
}
KINDS = ("code", "block", "chapter")  # codes.kind is the position in this list
NOTE_KINDS = ("inclusion", "includes", "excludes1", "excludes2", "use_additional", "code_first", "code_also", "notes")
WORD = re.compile(r"[a-z0-9]+")
# References that name the Neoplasm Table, the Table of Drugs and Chemicals, a whole set ("by site") or no entry at
# all ("see condition"): the disease Index cannot resolve them by design.
OUTSIDE = re.compile(r"Neoplasm|Table of|by site|by type|by region|by body|condition|Drugs", re.IGNORECASE)


@dataclass
class Term:
    """One Index entry: a main term (level 0) or a subterm, with what it points to."""

    id: int
    level: int
    title: str
    nemod: str = ""
    code: str = ""
    see: str = ""
    see_also: str = ""
    parent: int | None = None
    children: list[int] = field(default_factory=list)


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def read_index_csv(path: Path) -> list[Term]:
    """The flattened Index (RowID, Letter, Level, Term, See, SeeAlso, NonEssModif, Code), in document order."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [Term(i + 1, int(r["Level"]), _clean(r["Term"]), _clean(r["NonEssModif"]), _clean(r["Code"]),
                 _clean(r["See"]), _clean(r["SeeAlso"])) for i, r in enumerate(rows)]


def read_index_xml(path: Path) -> list[Term]:
    """The official CDC/NCHS Index XML (letter > mainTerm > term level=N), in document order."""
    terms: list[Term] = []

    def walk(node: ET.Element, level: int) -> None:
        title = node.find("title")
        nemod = title.find("nemod") if title is not None else None
        words = "".join(t for t in (title.itertext() if title is not None else []))
        if nemod is not None:
            words = (title.text or "") + (nemod.tail or "")
        code = node.findtext("code") or node.findtext("subcat") or ""
        terms.append(Term(len(terms) + 1, level, _clean(words), _clean("".join(nemod.itertext()) if nemod is not None else ""),
                          _clean(code), _clean(node.findtext("see")), _clean(node.findtext("seeAlso"))))
        for child in node.findall("term"):
            walk(child, level + 1)

    for letter in ET.parse(path).getroot().iter("letter"):
        for main in letter.findall("mainTerm"):
            walk(main, 0)
    return terms


def link(terms: list[Term]) -> None:
    """Set each term's parent and children from the levels (document order)."""
    stack: list[Term] = []
    for term in terms:
        del stack[term.level:]
        if stack:
            term.parent = stack[-1].id
            stack[-1].children.append(term.id)
        stack.append(term)


def find_source() -> Path | None:
    """The Index source file, if it is on this machine."""
    named = os.environ.get("BILLCODE_INDEX_SOURCE")
    if named:
        return Path(named)
    return next((CACHE / name for name in INDEX_SOURCES if (CACHE / name).is_file()), None)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_source(path: Path) -> tuple[list[Term], dict]:
    """Read the Index source after checking its checksum; returns the terms and the facts recorded about it."""
    known = INDEX_SOURCES.get(path.name)
    digest = sha256(path)
    if known is None or digest != known["sha256"]:
        raise SystemExit(f"{path}: SHA-256 {digest} is not a known Index source; the known ones are "
                         + "; ".join(f"{n} ({v['sha256']})" for n, v in INDEX_SOURCES.items()))
    terms = read_index_xml(path) if path.suffix == ".xml" else read_index_csv(path)
    return terms, {"index_release": known["release"], "index_origin": known["origin"], "index_sha256": digest,
                   "index_file": path.name}


# The tabular list, from simple-icd-10-cm

def official():
    """simple-icd-10-cm (2-3 s to import, about 170 MB), with its import-time warnings silenced: build time only."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import simple_icd_10_cm

    return simple_icd_10_cm


def _as_list(value: object) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def tabular_rows() -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Codes (code, description or None when it is the parent's plus its 7th character's, billable, parent, kind),
    notes (code, kind, seq, text) and 7th characters (code, letter, definition), from the official package."""
    cm = official()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        codes, notes, sevenths = [], [], []
        getters = {"inclusion": cm.get_inclusion_term, "includes": cm.get_includes, "excludes1": cm.get_excludes1,
                   "excludes2": cm.get_excludes2, "use_additional": cm.get_use_additional_code,
                   "code_first": cm.get_code_first, "code_also": cm.get_code_also, "notes": cm.get_notes}
        blocks_seen: set[str] = set()
        for code in cm.get_all_codes(with_dots=True):  # a block named like its category comes first (B99, then B99)
            kind = "chapter" if cm.is_chapter(code) else "block" if cm.is_block(code) and code not in blocks_seen else "code"
            if kind == "block":
                blocks_seen.add(code)
            description = cm.get_description(code, prioritize_blocks=kind == "block")
            parent = cm.get_parent(code, prioritize_blocks=kind == "block") or None
            generated = False
            if kind == "code" and len(code.replace(".", "")) == 7 and parent:
                definition = cm.get_seven_chr_def(code, search_in_ancestors=True).get(code[-1], "")
                generated = bool(definition) and description == f"{cm.get_description(parent)}, {definition}"
            leaf = kind == "code" and cm.is_leaf(code)
            codes.append((code, KINDS.index(kind), None if generated else description, int(leaf), parent))
            if generated or kind != "code":
                continue
            for name, getter in getters.items():
                for seq, text in enumerate(_as_list(getter(code))):
                    notes.append((code, name, seq, text))
            for letter, definition in (cm.get_seven_chr_def(code) or {}).items():
                sevenths.append((code, letter, definition))
            seventh_note = cm.get_seven_chr_note(code)
            if seventh_note:
                notes.append((code, "seventh_note", 0, seventh_note))
    return codes, notes, sevenths


# Index terms: codes, "see" references and the rows the search reads

def normal_index_code(raw: str) -> tuple[str, bool]:
    """An Index code as the tabular list writes it, and whether the Index marked it with a dash (more characters)."""
    dash = raw.endswith("-")
    code = raw.rstrip("-").rstrip(".").upper()
    return code, dash


def _key(text: str) -> str:
    return " ".join(WORD.findall(re.sub(r"\([^)]*\)", " ", text.lower())))


class Resolver:
    """Follows an Index cross-reference ("see Infarct, myocardium") to the entry it names."""

    def __init__(self, terms: list[Term]) -> None:
        self.terms = {t.id: t for t in terms}
        self.mains: dict[str, list[Term]] = {}
        for t in terms:
            if t.level == 0:
                for name in {_key(t.title), _key(t.title.split(",")[0])}:
                    self.mains.setdefault(name, []).append(t)

    def _child(self, node: Term, part: str) -> Term | None:
        """The subterm a part of a reference names; looks inside a "with" subterm too (Diabetes > with > ...)."""
        kids = [self.terms[i] for i in node.children]
        for test in (lambda k: _key(k.title) == part, lambda k: _key(k.title.split(",")[0]) == part,
                     lambda k: _key(k.title).startswith(part + " ") or _key(k.title).startswith(part)):
            found = next((k for k in kids if test(k)), None)
            if found:
                return found
        within = next((k for k in kids if _key(k.title) == "with"), None)
        return self._child(within, part) if within is not None and part != "with" else None

    def resolve(self, reference: str) -> Term | None:
        """The entry a reference names, or None when it names none (for example "see condition")."""
        parts = [_key(p) for p in reference.split(",") if _key(p)]
        if not parts:
            return None
        words = parts[0].split()
        if len(words) > 1 and parts[0] not in self.mains:  # "Otitis media": main term Otitis, subterm media
            for cut in range(len(words) - 1, 0, -1):
                if " ".join(words[:cut]) in self.mains:
                    parts = [" ".join(words[:cut]), " ".join(words[cut:]), *parts[1:]]
                    break
        for take in range(len(parts), 0, -1):  # a main term may itself hold commas ("Infarct, infarction")
            for main in self.mains.get(" ".join(parts[:take]), []):
                node, rest, own = main, parts[take:], {_key(p) for p in main.title.split(",")}
                while rest and node is not None:
                    part = rest.pop(0)
                    child = self._child(node, part)
                    if child is None and part in own:
                        continue
                    node = child
                if node is not None:
                    return node
        return None

    def code_of(self, term: Term, depth: int = 0) -> tuple[str, Term] | None:
        """The code a term gives, following "see" up to three times; with the term that holds it."""
        if term.code:
            return term.code, term
        if term.see and depth < 3:
            target = self.resolve(term.see)
            if target is not None:
                return self.code_of(target, depth + 1)
        return None


def index_rows(terms: list[Term], valid: set[str]) -> tuple[list[tuple], dict]:
    """Rows of the index_terms table and the figures about the Index (codes valid, references resolved)."""
    link(terms)
    resolver = Resolver(terms)
    rows, figures = [], Counter()
    for t in terms:
        code, dash, via = "", 0, ""
        if t.code:
            figures["codes"] += 1
            code, dashed = normal_index_code(t.code)
            dash = int(dashed)
            if code in valid:
                figures["codes_valid"] += 1
            else:
                figures["codes_invalid"] += 1
                code = ""
        for kind, reference in (("see", t.see), ("see_also", t.see_also)):
            if reference:
                figures[f"{kind}"] += 1
                target = resolver.resolve(reference)
                if target is not None:
                    figures[f"{kind}_resolved"] += 1
                elif OUTSIDE.search(reference):
                    figures[f"{kind}_outside"] += 1
        if not code and t.see:
            found = resolver.code_of(t)
            if found and normal_index_code(found[0])[0] in valid:
                code, dashed = normal_index_code(found[0])
                dash, via = int(dashed), t.see
                figures["see_to_code"] += 1
        rows.append((t.id, t.parent, t.level, t.title, t.nemod, code or None, dash, t.see or None,
                     t.see_also or None, via or None))
    figures["terms"] = len(terms)
    figures["main_terms"] = sum(1 for t in terms if t.level == 0)
    return rows, dict(figures)


# The database

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE codes (code TEXT NOT NULL, kind INTEGER NOT NULL, description TEXT, billable INTEGER NOT NULL,
                    parent TEXT, PRIMARY KEY (code, kind)) WITHOUT ROWID;
CREATE TABLE notes (code TEXT NOT NULL, kind TEXT NOT NULL, seq INTEGER NOT NULL, text TEXT NOT NULL,
                    PRIMARY KEY (code, kind, seq)) WITHOUT ROWID;
CREATE TABLE sevenths (code TEXT NOT NULL, letter TEXT NOT NULL, definition TEXT NOT NULL,
                       PRIMARY KEY (code, letter)) WITHOUT ROWID;
CREATE TABLE index_terms (id INTEGER PRIMARY KEY, parent INTEGER, level INTEGER NOT NULL, title TEXT NOT NULL,
                          nemod TEXT NOT NULL, code TEXT, dash INTEGER NOT NULL, see TEXT, see_also TEXT, via TEXT);
CREATE TABLE docs (id INTEGER PRIMARY KEY, source INTEGER NOT NULL, code TEXT NOT NULL, ref INTEGER,
                   words INTEGER NOT NULL);
CREATE VIRTUAL TABLE docs_fts USING fts5(term, context, mods, content='',
                                         tokenize='porter unicode61 remove_diacritics 2');
CREATE TABLE words (word TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
"""


SOURCES = ("index_main", "index", "title", "inclusion", "includes")  # docs.source is the position in this list


def index_text(index: list[tuple]) -> dict[int, tuple[str, str, str]]:
    """For each Index term: its own words, its context (the terms above it) and the nonessential modifiers of both."""
    by_id = {row[0]: row for row in index}
    out = {}
    for tid, parent, _level, title, nemod, *_rest in index:
        above, mods = [], [nemod] if nemod else []
        while parent:
            row = by_id[parent]
            above.append(row[3])
            mods.extend([row[4]] if row[4] else [])
            parent = row[1]
        out[tid] = (title, " ".join(reversed(above)), " ".join(reversed(mods)))
    return out


def doc_rows(codes: list[tuple], notes: list[tuple], index: list[tuple]) -> list[tuple]:
    """What the search reads: (source, code, ref, term, context, mods) for Index terms with a code, tabular titles,
    inclusion terms and Includes notes. `ref` is the Index term's id, or the note's number."""
    docs = []
    texts = index_text(index)
    for tid, _parent, level, _title, _nemod, code, *_rest in index:
        if code:
            docs.append((0 if level == 0 else 1, code, tid, *texts[tid]))
    for code, _kind, description, _billable, _parent in codes:
        if description is not None and _kind == 0:
            docs.append((2, code, None, description, "", ""))
    described = {c[0] for c in codes if c[1] == 0}
    for code, kind, seq, text in notes:
        if kind in ("inclusion", "includes") and code in described:
            docs.append((SOURCES.index(kind), code, seq, text, "", ""))
    return docs


def build(path: Path, terms: list[Term] | None = None, source_facts: dict | None = None,
          previous: Path | None = None) -> dict:
    """Write the database to `path` (deterministic: same inputs, same bytes); return the figures."""
    codes, notes, sevenths = tabular_rows()
    valid = {c[0] for c in codes if c[1] == 0}
    if terms is not None:
        index, figures = index_rows(terms, valid)
        facts = dict(source_facts or {})
    else:
        if previous is None or not previous.is_file():
            raise SystemExit("No Alphabetic Index source and no previous data file to carry the Index over from.")
        old = sqlite3.connect(previous)
        index = [tuple(r) for r in old.execute("SELECT * FROM index_terms ORDER BY id")]
        facts = {k: v for k, v in old.execute("SELECT key, value FROM meta") if k.startswith("index_")}
        figures = {k[len("figure_"):]: int(v) for k, v in old.execute("SELECT key, value FROM meta")
                   if k.startswith("figure_")}
        old.close()
    docs = doc_rows(codes, notes, index)
    words = Counter(w for _s, _c, _r, *text in docs for w in WORD.findall(" ".join(text).lower()))
    figures = {**figures, "codes_total": sum(1 for c in codes if c[1] == 0),
               "billable": sum(c[3] for c in codes), "docs": len(docs)}
    meta = {"tabular_release": TABULAR_RELEASE, **facts, **{f"figure_{k}": str(v) for k, v in sorted(figures.items())}}
    if path.exists():
        path.unlink()
    db = sqlite3.connect(path)
    db.execute("PRAGMA page_size = 4096")
    db.execute("PRAGMA journal_mode = OFF")
    db.executescript(SCHEMA)
    with db:
        db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        db.executemany("INSERT INTO codes VALUES (?, ?, ?, ?, ?)", sorted(codes))
        db.executemany("INSERT INTO notes VALUES (?, ?, ?, ?)", sorted(notes))
        db.executemany("INSERT INTO sevenths VALUES (?, ?, ?)", sorted(sevenths))
        db.executemany("INSERT INTO index_terms VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", index)
        db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
                       [(i + 1, *d[:3], len(WORD.findall(f"{d[3]} {d[4]}".lower()))) for i, d in enumerate(docs)])
        db.executemany("INSERT INTO docs_fts (rowid, term, context, mods) VALUES (?, ?, ?, ?)",
                       [(i + 1, *d[3:]) for i, d in enumerate(docs)])
        db.execute("INSERT INTO docs_fts (docs_fts) VALUES ('optimize')")
        db.executemany("INSERT INTO words VALUES (?, ?)", sorted(words.items()))
    db.execute("VACUUM")
    db.close()
    return figures


def comparable(path: Path) -> bytes:
    """The file's bytes without the header fields an SQLite library writes about itself (change counter, version)."""
    data = bytearray(path.read_bytes())
    data[24:28] = b"\0\0\0\0"
    data[92:100] = b"\0" * 8
    return bytes(data)


def main(argv: list[str] | None = None) -> int:
    """Rebuild data/coding/icd10cm.sqlite, or (--check) say whether a rebuild would change it."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if a rebuild differs from the committed file")
    args = parser.parse_args(argv)
    target = data_dir() / DB_FILE
    source = find_source()
    terms = facts = None
    if source is not None:
        terms, facts = load_source(source)
        print(f"Alphabetic Index: {source} (SHA-256 checked)")
    else:
        print("The Alphabetic Index source is not on this machine, so its terms are carried over from "
              f"{DB_FILE}. To rebuild them, put one of these files in {CACHE} (or name it with "
              "BILLCODE_INDEX_SOURCE):\n" + "\n".join(f"  {n}: {v['origin']}; SHA-256 {v['sha256']}"
                                                     for n, v in INDEX_SOURCES.items()))
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "icd10cm.sqlite"
        figures = build(fresh, terms, facts, previous=target)
        if args.check:
            same = target.is_file() and comparable(fresh) == comparable(target)
            print("data/coding/icd10cm.sqlite is up to date." if same else "data/coding/icd10cm.sqlite differs: run make data")
            return 0 if same else 1
        target.write_bytes(fresh.read_bytes())
    print(f"Wrote {target} ({target.stat().st_size / 1e6:.1f} MB): " + ", ".join(f"{k} {v}" for k, v in sorted(figures.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
