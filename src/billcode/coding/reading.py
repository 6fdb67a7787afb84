"""Read ICD-10-CM's two books as a coder does: an Alphabetic Index entry (step 1), then a Tabular List entry (step 2).

`show_index("Pharyngitis")` shows a main term as the Index prints it: its nonessential modifiers in parentheses,
the code it gives (a trailing dash: more characters in the Tabular List), "see" and "see also", and its subterms,
indented. `show_index("Fracture, traumatic", "radius", "lower end")` goes down a path of subterms.
`show_tabular("J02.0")` shows what the Tabular List says about a code. Both read the course's prebuilt data file.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache

from billcode.coding import codeset
from billcode.coding.codes import ICD10CM_RELEASE, icd10cm_hints, normalize_code, code_title
from billcode.coding.lookup import details, details_html

MAX_LINES = 40  # subterms shown at most (the deeper levels only when they all fit)
INDEX_SOURCE = ("ICD-10-CM Alphabetic Index FY2025 (CDC/NCHS), the newest Index the course could get; every code "
                "it gives is valid in the FY2026 code set")
TIP = "The Index lists conditions (pharyngitis, fracture, sprain), not body parts: look up what the patient has."


@dataclass(frozen=True)
class IndexLine:
    """One Index term as printed: how deep it sits, its words, and where it leads."""

    depth: int
    title: str
    modifiers: str
    code: str  # with a trailing "-" when the Tabular List has more characters to choose; "" if none
    see: str
    see_also: str
    via_see: bool  # the code is the one the "see" reference leads to (the printed Index shows only "see")
    subterms: int


@dataclass
class IndexEntry:
    """What show_index found: the path followed, the lines to show, and a note for the learner."""

    path: list[str]
    lines: list[IndexLine]
    note: str = ""
    more: int = 0  # subterms left out (too many to show)


COLUMNS = "id, parent, level, title, nemod, code, dash, see, see_also, via"


@lru_cache(maxsize=1)
def _main_terms() -> list[tuple]:
    """Every main term (level 0), in Index order."""
    return codeset.query(f"SELECT {COLUMNS} FROM index_terms WHERE level = 0 ORDER BY id")


def _subtree(row: tuple) -> list[tuple]:
    """Every term under a term, in Index order: the Index is stored in document order, so they are the terms after
    it up to the next one at its level or above."""
    term_id, level = row[0], row[2]
    end = codeset.query("SELECT id FROM index_terms WHERE id > ? AND level <= ? ORDER BY id LIMIT 1", (term_id, level))
    last = end[0][0] if end else term_id + 10**9
    return codeset.query(f"SELECT {COLUMNS} FROM index_terms WHERE id > ? AND id < ? ORDER BY id", (term_id, last))


def _line(row: tuple, depth: int, subterms: int) -> IndexLine:
    _id, _parent, _level, title, modifiers, code, dash, see, see_also, via = row
    return IndexLine(depth, title, modifiers or "", f"{code}{'-' if dash else ''}" if code else "", see or "",
                     see_also or "", bool(via) and bool(code), subterms)


def _pick(rows: list[tuple], wanted: str) -> list[tuple]:
    """The terms a typed word names: the exact title, else titles starting with it (before a comma, or as words)."""
    key = " ".join(wanted.lower().split())
    exact = [r for r in rows if r[3].lower() == key]
    if exact:
        return exact[:1]
    return [r for r in rows if r[3].lower().split(",")[0].strip() == key] or \
        [r for r in rows if r[3].lower().startswith(key + " ") or r[3].lower().startswith(key + ",")]


def _neighbours(word: str) -> str:
    """The main terms printed around where a word would be, as a reader flipping the book would see them."""
    titles = sorted((r[3] for r in _main_terms()), key=str.lower)
    at = next((i for i, t in enumerate(titles) if t.lower() >= word.lower()), len(titles))
    return "; ".join(titles[max(0, at - 2):at + 3])


def _children(rows: list[tuple]) -> dict[int, list[tuple]]:
    found: dict[int, list[tuple]] = {}
    for row in rows:
        found.setdefault(row[1], []).append(row)
    return found


def _below(top: tuple, rows: list[tuple], depth: int) -> tuple[list[IndexLine], int]:
    """The subterms under a term: every level when they fit in MAX_LINES, else as many whole levels as fit (the
    first level cut at MAX_LINES)."""
    kids = _children(rows)
    by_level: dict[int, list[tuple]] = {}
    for row in rows:
        by_level.setdefault(row[2], []).append(row)
    kept: set[int] = set()
    for i, level in enumerate(sorted(by_level)):
        terms = by_level[level]
        if i and len(kept) + len(terms) > MAX_LINES:
            break
        kept |= {r[0] for r in (terms if i else terms[:MAX_LINES])}
    lines: list[IndexLine] = []

    def walk(parent: int, at: int) -> None:
        for row in kids.get(parent, []):
            if row[0] in kept:
                lines.append(_line(row, at, len(kids.get(row[0], []))))
                walk(row[0], at + 1)

    walk(top[0], depth + 1)
    return lines, len(rows) - len(lines)


def index_entry(term: object, *subterms: object) -> IndexEntry:
    """An Alphabetic Index entry: a main term (and a path of subterms under it), with the subterms below it."""
    words = [" ".join(str(w if w is not None else "").split()) for w in (term, *subterms)]
    if not words[0]:
        return IndexEntry([], [], "Type a main term, the condition's name: for example show_index(\"Pharyngitis\").")
    if any(len(w) > 100 for w in words):
        return IndexEntry([], [], "That is longer than any Index term: type one main term, then subterms if you like.")
    found = _pick(_main_terms(), words[0])
    if not found:
        return IndexEntry([], [], f"The Index has no main term “{words[0]}”. Main terms near it: "
                          f"{_neighbours(words[0])}. {TIP}")
    if len(found) > 1:  # several main terms start with the word ("Fracture, burst", "Fracture, traumatic"...)
        return IndexEntry([], [_line(row, 0, 0) for row in found],
                          f"{len(found)} main terms start with “{words[0]}”: type the one you want in full, "
                          f"for example show_index(\"{found[-1][3]}\").")
    row = found[0]
    rows = _subtree(row)
    kids = _children(rows)
    path, lines = [row[3]], [_line(row, 0, len(kids.get(row[0], [])))]
    for word in (w for w in words[1:] if w):
        below = kids.get(row[0], [])
        chosen = _pick(below, word)
        if len(chosen) != 1:
            names = ", ".join(r[3] for r in below[:30]) + (", ..." if len(below) > 30 else "")
            problem = "has no subterm" if not chosen else "has several subterms starting with"
            return IndexEntry(path, lines, f"“{' > '.join(path)}” {problem} “{word}”. Its subterms: {names or 'none'}.")
        row = chosen[0]
        lines.append(_line(row, len(path), len(kids.get(row[0], []))))
        path.append(row[3])
    after = [r for r in rows if r[0] > row[0]]
    under = after[:next((i for i, r in enumerate(after) if r[2] <= row[2]), len(after))]  # the chosen term's own
    shown, more = _below(row, under, len(path) - 1)
    note = f"{more} more subterm(s) are not shown: add the next one to the path to narrow it." if more else ""
    return IndexEntry(path, lines + shown, note, more)


def _where(line: IndexLine, as_html: bool) -> str:
    esc = html.escape if as_html else (lambda s: s)
    em = (lambda s: f"<em>{s}</em>") if as_html else (lambda s: s)
    parts = []
    code = f"<strong>{esc(line.code)}</strong>" if as_html and line.code else line.code
    if line.see:
        parts.append(f"{em('see')} {esc(line.see)}" + (f" (it leads to {code})" if line.via_see else ""))
        if line.code and not line.via_see:
            parts.insert(0, code)
    elif line.code:
        parts.append(code)
    if line.see_also:
        parts.append(f"{em('see also')} {esc(line.see_also)}")
    return " — ".join(parts)


def _words(line: IndexLine, as_html: bool) -> str:
    esc = html.escape if as_html else (lambda s: s)
    title = f"<strong>{esc(line.title)}</strong>" if as_html and line.depth == 0 else esc(line.title)
    modifiers = esc(line.modifiers)
    if modifiers and not modifiers.startswith(("(s)", "(es)")):  # "Bite(s)" is printed as one word
        modifiers = " " + modifiers
    where = _where(line, as_html)
    return f"{title}{modifiers}{' ' + where if where else ''}"


class IndexView:
    """An Index entry shown as the printed Index: one line per term, subterms indented under it."""

    def __init__(self, entry: IndexEntry) -> None:
        self.entry = entry

    def text(self) -> str:
        """The entry as plain text (each subterm level indented two spaces, with a dash as the Index prints it)."""
        lines = [("  " * line.depth + ("- " if line.depth else "") + _words(line, False)) for line in self.entry.lines]
        if self.entry.note:
            lines.append(self.entry.note)
        lines.append(f"Source: {INDEX_SOURCE}.")
        return "\n".join(lines)

    def html(self) -> str:
        """The entry as accessible HTML: nested lists, so each subterm's level is announced, not only indented."""
        parts = ["<div class='bc-index-entry'>",
                 "<p><strong>Step 1, Alphabetic Index</strong>"
                 + (f": {html.escape(' > '.join(self.entry.path))}" if self.entry.path else "") + "</p>"]
        depth = -1
        for line in self.entry.lines:
            while depth < line.depth:
                parts.append("<ul>")
                depth += 1
            while depth > line.depth:
                parts.append("</li></ul>")
                depth -= 1
            if parts[-1] != "<ul>":
                parts.append("</li>")
            parts.append(f"<li>{_words(line, True)}")
        while depth >= 0:
            parts.append("</li></ul>")
            depth -= 1
        if self.entry.note:
            parts.append(f"<p role='status'>{html.escape(self.entry.note)}</p>")
        parts.append(f"<p><small>Source: {html.escape(INDEX_SOURCE)}. A dash after a code: the Tabular List has more "
                     "characters to choose. Words in parentheses (nonessential modifiers) do not change the code."
                     "</small></p></div>")
        return "".join(parts)

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        return {"text/plain": self.text(), "text/html": self.html()}


def show_index(term: object, *subterms: object) -> IndexView:
    """Step 1: an Alphabetic Index main term (and subterms under it), as the Index prints it."""
    return IndexView(index_entry(term, *subterms))


NOTES = [("Inclusion term", "inclusion_terms"), ("Includes", "includes"), ("Excludes1", "excludes1"),
         ("Excludes2", "excludes2"), ("Use additional code", "use_additional"), ("Code first", "code_first"),
         ("Code also", "code_also")]


class TabularView:
    """A Tabular List entry (step 2), or a friendly note when the text is not a code."""

    def __init__(self, typed: object) -> None:
        self.typed = " ".join(str(typed if typed is not None else "").split())[:40]
        code = normalize_code(self.typed)
        self.code = code if self.typed and codeset.exists(code) else ""

    def text(self) -> str:
        """The entry as plain text: the code, its title, the codes below it and the 7th characters it takes."""
        if not self.code:
            return " ".join(icd10cm_hints(self.typed)) or f"{self.typed} is not a code in {ICD10CM_RELEASE}."
        info = details(self.code)
        lines = [f"{info['code']}: {info['description']} ({'billable' if info['billable'] else 'not billable'})"]
        for title, key in NOTES:
            lines += [f"  {title}: {' '.join(note.split())}" for note in info[key]]
        lines += [f"  {c} {code_title(c)}" for c in info["children"][:15]]
        if info["subdivided"]:  # a code that needs only its 7th character lists its complete codes above
            lines += [f"  7th character {k}: {' '.join(v.split())}" for k, v in info["seventh_characters"].items()]
        return "\n".join(lines)

    def html(self) -> str:
        """The entry as the look-up shows it (details_html), or the note in a status line."""
        if not self.code:
            return f"<p role='status'>{html.escape(self.text())}</p>"
        return details_html(self.code)

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        return {"text/plain": self.text(), "text/html": self.html()}


def show_tabular(code: object) -> TabularView:
    """Step 2: what the Tabular List says about a code (title, notes, the codes below it, 7th characters)."""
    return TabularView(code)
