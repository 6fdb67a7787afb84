"""Find ICD-10-CM codes for words or a code, as a coder does: Alphabetic Index first, then the Tabular List.

Words are matched (SQLite FTS5, ranked with bm25) against the Index terms with their subterm paths, the tabular
titles, inclusion terms and Includes notes. Coder abbreviations are expanded (data/coding/coder_abbreviations.csv),
a word also matches its other forms where English changes more than the ending the stemmer removes (bite, bitten:
data/coding/word_forms.csv), a word no entry has is corrected to a known word one letter away, and an Index entry that needs more characters
(S93.40-) is followed into the Tabular List with the rest of the words (right, left, initial...). Code-like input is
looked up as a code, with the usual slips fixed (the letter O typed as 0, the placeholder X left out, no dot).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache

from billcode.coding import codeset
from billcode.coding.codes import ORDINALS, icd10cm_exists, icd10cm_hints, normalize_code, seventh_characters, subdivided, with_placeholders
from billcode.data import data_dir

MAX_CHARS = 200  # longer input is cut here (the note says so)
MAX_WORDS = 12
CANDIDATES = 400  # documents read per full-text query, best first
CODE_INPUT = re.compile(r"^[A-Z0-9][A-Z0-9]{2}(\.?[A-Z0-9]{1,4})?\.?$|^[A-Z0-9][0-9O]$")
STOPWORDS = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "is", "has", "had", "my", "his", "her",
             "by", "pt", "patient", "dx", "not", "no"}
ENCOUNTER_WORDS = {"initial": "initial", "subsequent": "subsequent", "sequela": "sequela", "first": "initial",
                   "followup": "subsequent", "follow": "subsequent"}
SOURCE_NAMES = ("Index main term", "Index", "Tabular title", "Inclusion term", "Includes note")
SOURCE_BONUS = (6.0, 4.0, 3.0, 2.0, 1.0)


@dataclass
class Hit:
    """One code found: its score, how it matched (match) and the words that show why (why)."""

    code: str
    score: float
    match: str
    why: str
    source: int = 2  # position in SOURCE_NAMES of the document that matched
    ref: int | None = None  # the Index term's id, or the note's number


@dataclass
class Found:
    """A search's answer: the ranked hits, how many codes matched in all, and a note for the learner ("" if none)."""

    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    note: str = ""


@cache
def abbreviations() -> dict[str, list[str]]:
    """Coder abbreviations and the words they stand for (lower case)."""
    with (data_dir() / "coding" / "coder_abbreviations.csv").open(encoding="utf-8", newline="") as handle:
        return {row["abbreviation"]: row["stands_for"].split() for row in csv.DictReader(handle)}


@cache
def word_forms() -> dict[str, list[str]]:
    """Each form of an irregular word and all its forms ("bitten" -> ["bite", "bitten"]): the stemmer (Porter) takes
    regular endings off (bites, biting -> bite) but cannot tie bite to bitten or fall to fell."""
    with (data_dir() / "coding" / "word_forms.csv").open(encoding="utf-8", newline="") as handle:
        groups = [row["forms"].split() for row in csv.DictReader(handle)]
    return {form: group for group in groups for form in group}


@cache
def vocabulary() -> dict[str, int]:
    """Every word of the searched text, with how many times it occurs (for one-letter corrections)."""
    return dict(codeset.query("SELECT word, n FROM words"))


def one_letter_away(word: str) -> list[str]:
    """Known words one edit (a letter dropped, added, changed, or two swapped) away, most frequent first."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b} | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1} | \
        {a + c + b[1:] for a, b in splits if b for c in letters} | {a + c + b for a, b in splits for c in letters}
    known = vocabulary()
    return sorted((w for w in edits if w in known and w != word), key=lambda w: (-known[w], w))


def _quoted(word: str) -> str:
    """A word as an FTS5 string (so no query syntax can get through); "word*" stays a prefix query, and "a|b" matches
    either form."""
    if "|" in word:
        return "(" + " OR ".join(_quoted(w) for w in word.split("|")) + ")"
    stem = word[:-1] if word.endswith("*") else word
    return '"' + stem.replace('"', '""') + '"' + ("*" if word.endswith("*") else "")


def _matches(expression: str) -> bool:
    return bool(codeset.query("SELECT 1 FROM docs_fts WHERE docs_fts MATCH ? LIMIT 1", (expression,)))


def words_of(text: str) -> tuple[list[list[str]], list[str]]:
    """The query as groups of words that must all match (an abbreviation becomes its words), and notes on changes."""
    text = text.lower().replace("’", "'").replace("'", "")
    text = re.sub(r"\bw/o\b|\bw/o(?=\s|$)", " without ", text)
    text = re.sub(r"\bw/(?=\s|\w|$)", " with ", text)
    raw = re.findall(r"[a-z0-9]+", text)
    notes = []
    if len(raw) > MAX_WORDS:
        notes.append(f"Only the first {MAX_WORDS} words were searched.")
        raw = raw[:MAX_WORDS]
    groups, table = [], abbreviations()
    for word in raw:
        if word in STOPWORDS:
            continue
        if word in table:
            groups.append(table[word])
            continue
        if word in word_forms():
            groups.append(["|".join(word_forms()[word])])
            continue
        if len(word) >= 4 and not word.isdigit() and not _matches(_quoted(word)):
            if _matches(_quoted(word + "*")):  # a shortened word, as coders write them ("strep", "lac")
                groups.append([word + "*"])
                continue
            fixes = one_letter_away(word)
            if fixes:
                notes.append(f"“{word}” is in no entry: searched for “{fixes[0]}”.")
                groups.append([fixes[0]])
            else:
                notes.append(f"“{word}” is in no entry, so it was left out.")
            continue
        groups.append([word])
    return groups, notes


def _expression(groups: list[list[str]]) -> str:
    parts = []
    for group in groups:
        words = [_quoted(w) for w in group]
        parts.append(words[0] if len(words) == 1 else "(" + " AND ".join(words) + ")")
    return " AND ".join(parts)


def _docs(groups: list[list[str]]) -> list[tuple[int, str, int | None, float, int]]:
    """Documents matching every group: (source, code, ref, bm25, number of words), best first."""
    return codeset.query(
        "SELECT d.source, d.code, d.ref, bm25(docs_fts, 10.0, 3.0, 0.5) AS score, d.words FROM docs_fts "
        "JOIN docs d ON d.id = docs_fts.rowid WHERE docs_fts MATCH ? ORDER BY score LIMIT ?",
        (_expression(groups), CANDIDATES))


def _count(groups: list[list[str]]) -> int:
    return codeset.query("SELECT count(DISTINCT d.code) FROM docs_fts JOIN docs d ON d.id = docs_fts.rowid "
                         "WHERE docs_fts MATCH ?", (_expression(groups),))[0][0]


def index_path(ref: int) -> str:
    """An Index entry as a coder reads it: main term > subterm > ... (with "see" when it sends elsewhere)."""
    titles, via, node = [], None, ref
    while node:
        parent, title, see = codeset.query("SELECT parent, title, via FROM index_terms WHERE id = ?", (node,))[0]
        titles.append(title)
        via = via or (see if node == ref else None)
        node = parent
    path = " > ".join(reversed(titles))
    return f"{path} (see {via})" if via else path


def modifiers_on_path(ref: int) -> str:
    """The nonessential modifiers of an Index term and the terms above it ("(cat bite) (dog bite)"), main term first."""
    mods, node = [], ref
    while node:
        parent, nemod = codeset.query("SELECT parent, nemod FROM index_terms WHERE id = ?", (node,))[0]
        mods.append(nemod)
        node = parent
    return " ".join(m for m in reversed(mods) if m)


def _why(source: int, code: str, ref: int | None, groups: list[list[str]] | None = None) -> str:
    if source <= 1:
        dash = codeset.query("SELECT dash FROM index_terms WHERE id = ?", (ref,))[0][0]
        path = index_path(ref)
        shown = {_stem(w) for w in re.findall(r"[a-z0-9]+", path.lower())}
        hidden = [g for g in groups or [] if not _stems(g) & shown]
        mods = modifiers_on_path(ref) if hidden else ""
        words = f" (your words are in its nonessential modifiers: {mods})" if mods else ""
        return f"Index: {path}, {code}{'-' if dash else ''}{words}"
    if source == 2:
        return "Tabular title"
    kind = "inclusion" if source == 3 else "includes"
    text = codeset.query("SELECT text FROM notes WHERE code = ? AND kind = ? AND seq = ?", (code, kind, ref))[0][0]
    return f"{SOURCE_NAMES[source]}: {text}"


def _stem(word: str) -> str:
    return word[:5]


def _stems(group: list[str]) -> set[str]:
    """The stems of a group's words, each form of a word with several ("bite|bitten") included."""
    return {_stem(form.rstrip("*")) for word in group for form in word.split("|")}


def _drill(hit: Hit, groups: list[list[str]]) -> list[Hit]:
    """Codes below an Index entry that needs more characters, scored by the query words their titles hold."""
    below = [(c, d) for c, d, _b in codeset.descendants(hit.code, 400) if d is not None]
    wanted = set().union(*(_stems(g) for g in groups))
    out = []
    for code, title in below:
        have = {_stem(w) for w in re.findall(r"[a-z0-9]+", title.lower())}
        extra = len(wanted & have)
        unspecified = "unspecified" in title.lower()
        score = hit.score + 0.5 + 2.0 * extra + (0.4 if unspecified else 0.0) - 0.1 * len(code)
        where = hit.why.rsplit(", ", 1)[0] if hit.why.startswith("Index") else hit.why  # the path, without its code
        out.append(Hit(code, score, "Index, then Tabular", f"{where}, {hit.code}-; Tabular List: {title}"))
    return out


def _encounter(groups: list[list[str]]) -> str | None:
    for group in groups:
        for word in group:
            if word in ENCOUNTER_WORDS:
                return ENCOUNTER_WORDS[word]
    return None


def _completions(hit: Hit, kind: str | None) -> list[Hit]:
    """Complete codes for a hit that needs only a 7th character: the one the encounter word names (ranked above the
    hit; initial -> A, closed fracture being the default), or, with no such word, its initial-encounter codes
    (ranked just below it)."""
    code = hit.code
    if len(code.replace(".", "")) >= 7 or subdivided(code):
        return []
    sevenths = seventh_characters(code)
    if kind:
        letters = [k for k, v in sevenths.items() if v.startswith(kind) and "open" not in v][:1] or \
            [k for k, v in sevenths.items() if v.startswith(kind)][:1]
        bonus = 0.3
    else:
        letters, bonus = [k for k, v in sevenths.items() if v.startswith("initial")][:2], -0.01
    return [Hit(with_placeholders(code, k), hit.score + bonus * (i + 1 if bonus < 0 else 1), hit.match,
                f"{hit.why}; 7th character {k}: {sevenths[k]}") for i, k in enumerate(letters)]


def find_words(text: str, limit: int) -> Found:
    """Ranked codes for words."""
    groups, notes = words_of(text)
    if not groups:
        return Found(note=" ".join(notes) or "Type words from the note, like “strep throat”, or a code.")
    docs = _docs(groups)
    total = _count(groups) if len(docs) == CANDIDATES else len({d[1] for d in docs})  # count only past the first page
    if not docs and len(groups) > 1:  # relax: every group but one, then any group
        relaxed = {}
        for skip in range(len(groups)):
            for row in _docs(groups[:skip] + groups[skip + 1:]):
                relaxed.setdefault(row, None)
        if not relaxed and len(groups) > 2:
            for group in groups:
                for row in _docs([group]):
                    relaxed.setdefault(row, None)
        if relaxed and not docs:
            notes.append("No entry has all the words: these have most of them.")
        extra = [r for r in relaxed if r not in set(docs)]
        docs = docs + extra
        total = max(total, len({r[1] for r in docs}))
        full = len(docs) - len(extra)
    else:
        full = len(docs)
    best: dict[str, Hit] = {}
    asked = sum(len(g) for g in groups)
    for i, (source, code, ref, bm25, size) in enumerate(docs):
        brevity = 4.0 * min(1.0, asked / max(size, 1))  # shorter entries first: most of their words were asked for
        score = (100.0 if i < full else 50.0) - bm25 + SOURCE_BONUS[source] + brevity
        if code not in best or score > best[code].score:
            best[code] = Hit(code, score, SOURCE_NAMES[source], "", source, ref)
    billable = dict(codeset.billable_of(list(best)))
    for hit in best.values():
        hit.score += 2.0 if billable.get(hit.code) else 0.0
    ranked = sorted(best.values(), key=lambda h: (-h.score, h.code))
    for hit in ranked[:8]:
        hit.why = _why(hit.source, hit.code, hit.ref, groups)
    drilled: dict[str, Hit] = {}
    for hit in ranked[:8]:
        if hit.match.startswith("Index") and not billable.get(hit.code):
            for child in _drill(hit, groups):
                if child.code not in best and (child.code not in drilled or child.score > drilled[child.code].score):
                    drilled[child.code] = child
    ranked = sorted([*ranked, *drilled.values()], key=lambda h: (-h.score, h.code))
    kind, listed = _encounter(groups), {h.code for h in ranked}
    for hit in ranked[:10]:
        if not hit.why:
            hit.why = _why(hit.source, hit.code, hit.ref, groups)
    extended = [full for hit in ranked[:10] for full in _completions(hit, kind) if full.code not in listed]
    ranked = sorted([*ranked, *{h.code: h for h in extended}.values()], key=lambda h: (-h.score, h.code))
    for hit in ranked[:limit]:
        if not hit.why:
            hit.why = _why(hit.source, hit.code, hit.ref, groups)
    return Found(ranked, max(total, len(ranked)), " ".join(notes))


def code_candidates(text: str) -> list[tuple[str, str]]:
    """Codes a code-like input may mean, each with the fix that gives it: as typed, O/0 swapped, placeholders."""
    typed = normalize_code(text)
    shown = text.strip().upper()
    out = [(typed, "the code as typed")]
    bare = typed.replace(".", "")
    swapped = bare[:1].replace("0", "O") + bare[1:].replace("O", "0")
    if swapped != bare:
        out.append((normalize_code(swapped), "the letter O and the digit 0 put right"))
    for code, how in list(out):
        b = code.replace(".", "")
        if 4 <= len(b) < 7 and b[-1].isalpha():
            fix = "the placeholder X added before the 7th character"
            out.append((with_placeholders(b[:-1], b[-1]), fix if how.startswith("the code") else f"{how}, and {fix}"))
    return [(code, how if how.startswith("the code") else f"{shown} with {how}") for code, how in out]


def find_code(text: str, limit: int) -> Found | None:
    """Codes for code-like input (exact code, a fix of a slip, or a prefix); None when nothing code-like matches."""
    compact = re.sub(r"\s+", "", text).upper()
    if not CODE_INPUT.match(compact) or not any(ch.isdigit() for ch in compact):
        return None
    hits, seen, note = [], set(), ""
    for order, (code, how) in enumerate(code_candidates(compact)):
        if icd10cm_exists(code) and code not in seen:
            seen.add(code)
            hits.append(Hit(code, 1000.0 - order, "Code", "Exact code" if order == 0 else f"Code fixed: {how}"))
            if order and not note:
                note = f"{compact} is not a code; showing {code} ({how})."
    prefix = hits[0].code if hits else normalize_code(compact.rstrip("."))
    bare = prefix.replace(".", "")
    below = codeset.query("SELECT code FROM codes WHERE kind = 0 AND code > ? AND code < ? ORDER BY length(code), code LIMIT ?",
                          (prefix, prefix + "~", limit + 1)) if len(bare) >= 3 else []
    for (code,) in below:
        if code not in seen and code.replace(".", "").startswith(bare):
            seen.add(code)
            hits.append(Hit(code, 500.0, "Code", f"A code below {prefix}"))
    if not hits:
        stem = normalize_code(bare[:-1]) if len(bare) > 3 else ""
        if bare[-1:].isalpha() and stem and icd10cm_exists(stem) and seventh_characters(stem) and subdivided(stem):
            place = ORDINALS.get(len(stem.replace(".", "")) + 1, "next")
            note = (f"{compact} is not a code: {stem} is subdivided further, so choose its {place} character before the "
                    "7th (the placeholder X fills a place only where a code has no further subdivision).")
            hits = [Hit(c, 400.0, "Code", f"A code below {stem}") for c in subdivided(stem)]
        else:
            return None
    total = len(hits)
    if len(hits) > limit or (len(bare) >= 3 and len(below) > limit):
        total = codeset.query("SELECT count(*) FROM codes WHERE kind = 0 AND code >= ? AND code < ?",
                              (prefix, prefix + "~"))[0][0] + sum(1 for h in hits if not h.code.startswith(prefix))
    return Found(hits, max(total, len(hits)), note)


def find(query: object, limit: int = 25) -> Found:
    """Ranked codes for a query (words or a code): never raises for any text."""
    text = " ".join(str(query if query is not None else "").split())
    if not text:
        return Found(note="Type words from the note, like “strep throat”, or a code, like E11.9.")
    note = ""
    if len(text) > MAX_CHARS:
        text, note = text[:MAX_CHARS], f"Only the first {MAX_CHARS} characters were searched."
    limit = max(1, min(int(limit), 500))
    found = find_code(text, limit) or find_words(text, limit)
    found.hits = found.hits[:limit]
    compact = re.sub(r"\s+", "", text)
    if not found.hits and not found.note:
        code_like = any(ch.isdigit() for ch in compact) and len(compact) <= 8
        found.note = " ".join(icd10cm_hints(compact)) if code_like else "No entry has these words."
    found.note = " ".join(n for n in (note, found.note) if n)
    return found
