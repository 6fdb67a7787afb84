"""The ICD-10-CM look-up: search by words or a code as a coder does (Alphabetic Index, then Tabular List).

`search(query, limit)` is the programmatic entry: ranked rows (code, description, billable, match, why) with the
total number of codes found in `.attrs["total"]` and a note on any fix in `.attrs["note"]`. `details(code)` is what
the Tabular List says about a code. `lookup_explorer()` shows both steps in a widget, ready at once: everything is
read from the prebuilt data file (billcode.coding.codeset), never loaded whole. `lookup_box()` is the same look-up,
empty and shorter, to sit right above a question that needs one.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from billcode.choice import AccessibleSelect
from billcode.coding import codeset
from billcode.coding.codes import (ICD10CM_RELEASE, normalize_code, seventh_characters, seventh_hint, subdivided, code_title,
                                   unspecified_side, with_placeholders)
from billcode.coding.finder import find

MAX_RESULTS = 25
COLUMNS = ["code", "description", "billable", "match", "why"]


def search(query: object, limit: int = MAX_RESULTS) -> pd.DataFrame:
    """Codes for words ("strep throat", "fx lt radius shaft init") or a code ("s52521a", "080"), best first.

    Columns: code, description, billable, match (Code, Index main term, Index, Index then Tabular, Tabular title,
    Inclusion term, Includes note) and why (the Index path, the inclusion term, or the fix applied to a code).
    attrs["total"] is how many codes matched in all; attrs["note"] explains a correction or says why nothing matched.
    """
    found = find(query, limit)
    codes = [h.code for h in found.hits]
    table = pd.DataFrame({"code": pd.Series(codes, dtype=object),
                          "description": pd.Series([code_title(c) for c in codes], dtype=object),
                          "billable": pd.Series([codeset.billable(c) for c in codes], dtype=bool),
                          "match": pd.Series([h.match for h in found.hits], dtype=object),
                          "why": pd.Series([h.why for h in found.hits], dtype=object)}, columns=COLUMNS)
    table.attrs["total"] = found.total
    table.attrs["note"] = found.note
    return table


def details(code: str) -> dict:
    """What the tabular list says about one code: description, billable, parent, notes and valid 7th characters."""
    code = normalize_code(code)
    if not codeset.exists(code):
        raise KeyError(f"{code} is not a code in {ICD10CM_RELEASE}")
    parent = codeset.parent(code) or ""
    sevenths = seventh_characters(code)
    needs_seventh = bool(sevenths) and len(code.replace(".", "")) < 7
    return {
        "code": code, "description": code_title(code), "billable": codeset.billable(code),
        "parent": parent, "parent_description": codeset.description(parent) or codeset.block_description(parent) or "",
        "children": codeset.children(code),
        "inclusion_terms": codeset.notes(code, "inclusion"), "includes": codeset.notes(code, "includes"),
        "excludes1": codeset.notes(code, "excludes1"), "excludes2": codeset.notes(code, "excludes2"),
        "use_additional": codeset.notes(code, "use_additional", inherit=True),
        "code_first": codeset.notes(code, "code_first", inherit=True),
        "code_also": codeset.notes(code, "code_also", inherit=True),
        "seventh_characters": sevenths if needs_seventh else {},
        "seventh_hint": seventh_hint(code) or "",
        "subdivided": bool(subdivided(code)),
    }


def _list(title: str, items: list[str]) -> str:
    if not items:
        return ""
    return f"<p>{html.escape(title)}:</p><ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"


FOUND_IN_TABULAR = {"Tabular title": "words in its title", "Inclusion term": "an inclusion term",
                    "Includes note": "an Includes note"}


def found_by(why: str) -> tuple[str, str]:
    """How a search found a code, as a label and its words: the Alphabetic Index (step 1), or the Tabular List's own
    text (a title, an inclusion term) said as the search's find, so it never reads as an Index step; or the code typed."""
    main, sep, seventh = why.partition("; 7th character ")
    suffix = f"; 7th character {seventh}" if sep else ""
    if main.startswith("Index: "):
        return "Step 1, Alphabetic Index:", main.removeprefix("Index: ") + suffix
    kind, _, text = main.partition(": ")
    if kind in FOUND_IN_TABULAR:
        return "Found by the search, not the Index:", f"{FOUND_IN_TABULAR[kind]} in the Tabular List{': ' + text if text else ''}{suffix}"
    if main == "Exact code":
        return "Found by:", "the code you typed"
    if main.startswith("Code fixed: "):
        return "Found by:", "the code you typed, fixed: " + main.removeprefix("Code fixed: ") + suffix
    return "Found by:", main[:1].lower() + main[1:] + suffix


def details_html(code: str, why: str = "") -> str:
    """Both steps as accessible HTML: where the Index led (why), then the Tabular List entry with its notes."""
    info = details(code)
    if info["billable"]:
        state = "Billable: yes, it can go on a claim."
    elif info["seventh_characters"] and not info["subdivided"]:
        state = "Billable: no. It needs a 7th character (see below)."
    else:
        state = "Billable: no. It is a category or subcategory: pick one of the codes below it."
    parts = ["<div class='bc-code-details'>"]
    if why:
        name, said = found_by(why)
        parts.append(f"<p><strong>{html.escape(name)}</strong> {html.escape(said)}</p>")
    parts.append("<p><strong>Step 2, Tabular List:</strong> verify the code and read its notes.</p>")
    parts.append(f"<h4>{html.escape(info['code'])}: {html.escape(info['description'])}</h4>")
    parts.append(f"<p><strong>{state}</strong> Parent: {html.escape(info['parent'])} "
                 f"({html.escape(info['parent_description'])}).</p>")
    side = unspecified_side(info["code"])
    if side:
        parts.append(f"<p>{html.escape(side)}</p>")
    sections = [("Inclusion terms (conditions coded here)", info["inclusion_terms"]), ("Includes", info["includes"]),
                ("Excludes1 (not coded together with this code, unless the two conditions are unrelated)", info["excludes1"]),
                ("Excludes2 (not included here; both may be coded)", info["excludes2"]),
                ("Use additional code", info["use_additional"]), ("Code first", info["code_first"]),
                ("Code also", info["code_also"]),
                ("Codes below it", [f"{c} {code_title(c)}" for c in info["children"][:15]])]
    for title, items in sections:
        parts.append(_list(title, items))
    if info["seventh_characters"]:
        if info["subdivided"]:
            parts.append(f"<p>{html.escape(info['seventh_hint'])}</p>")
            parts.append(_list("7th characters this category takes, once the code is complete",
                               [f"{k}: {v}" for k, v in info["seventh_characters"].items()]))
        else:
            filled = len(info["code"].replace(".", "")) >= 6
            how = "it follows the 6th character directly" if filled else \
                "the placeholder X fills the places up to the 6th, as this code has no further subdivision"
            parts.append(_list(f"7th character (required; {how})",
                               [f"{with_placeholders(info['code'], k)} ({k}: {v})" for k, v in info["seventh_characters"].items()]))
    parts.append(f"<p><small>Source: {html.escape(ICD10CM_RELEASE)}; Alphabetic Index: see data/README.md.</small></p>")
    return "".join(parts) + "</div>"


class CodeLookup:
    """Search box, results list (code, title, billable) and the chosen code's Index path and Tabular entry."""

    def __init__(self, query: str = "", rows: int = 10) -> None:
        self.box = widgets.Text(value=query, description="Search ICD-10-CM", placeholder="words from a note, or a code",
                                continuous_update=False, style={"description_width": "initial"},
                                layout=widgets.Layout(width="32em"))
        self.button = widgets.Button(description="Search", tooltip="Search the code set")
        self.status = widgets.HTML("<p role='status'>Ready: type words from a note (for example <em>strep throat</em>) "
                                   "or a code, and press Enter.</p>")
        self.results = AccessibleSelect("Results: pick one for its details", rows=rows)
        self.info = widgets.HTML()
        self.found = search("", 0)
        self.results.observe(self._show, names="value")
        self.box.observe(lambda _change: self.find(), names="value")
        self.button.on_click(lambda _button: self.find())
        self.widget = widgets.VBox([widgets.HBox([self.box, self.button]), self.status, self.results, self.info])
        self.widget.add_class("bc-code-lookup")
        if query.strip():
            self.find()

    def find(self) -> pd.DataFrame:
        """Run the search in the box, list the results and say how many there are."""
        text = self.box.value
        self.found = found = search(text)
        note = html.escape(found.attrs["note"])
        if not text.strip():
            self.status.value = f"<p role='status'>{note}</p>"
        elif found.empty:
            tip = note or ("Try the condition's name (the Index lists conditions, not body parts), fewer words, "
                           "or the first characters of a code.")
            self.status.value = f"<p role='status'>No match for “{html.escape(text[:80])}”. {tip}</p>"
        else:
            total = found.attrs["total"]
            shown = f"the best {len(found)} of {total:,}" if total > len(found) else f"{total:,}"
            self.status.value = (f"<p role='status'>{shown} result{'s' if total != 1 else ''} for "
                                 f"“{html.escape(text[:80])}”. {note} Pick one to see where it comes from and what the "
                                 "Tabular List says.</p>")
        self.results.options = [[f"{r.code}  {r.description}  [{'billable' if r.billable else 'not billable'}]", r.code]
                                for r in found.itertuples()]
        self.results.value = ""
        self.info.value = ""
        return found

    def _show(self, change: dict) -> None:
        code = change["new"]
        if code:
            why = next((r.why for r in self.found.itertuples() if r.code == code), "")
            self.info.value = details_html(code, why)

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = "ICD-10-CM look-up: type words or a code (run this notebook to use it)"
        return bundle


def lookup_explorer(query: str = "") -> CodeLookup:
    """Show the ICD-10-CM look-up (optionally with a first search)."""
    return CodeLookup(query)


def lookup_box() -> CodeLookup:
    """The same look-up, empty and shorter, to sit right above a question that needs one (no scrolling back)."""
    return CodeLookup("", rows=6)

