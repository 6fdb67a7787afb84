"""A fast ICD-10-CM look-up over the whole official FY2026 tabular list: search by words, a code or a prefix.

The index is built once per kernel from simple-icd-10-cm (about 3 s and 200 MB, the official files' own cost);
a search then answers in milliseconds. Details (notes, 7th characters) are read from the same official data.
"""

from __future__ import annotations

import html
import re
import threading
import warnings
from functools import cache

import ipywidgets as widgets
import pandas as pd

from billcode.choice import AccessibleSelect
from billcode.coding.codes import ICD10CM_RELEASE, _icd, icd10cm_hints, normalize_code

CODE_LIKE = re.compile(r"^[A-Za-z][0-9][0-9A-Za-z]?(\.?[0-9A-Za-z]{0,4})?$")
MAX_RESULTS = 25


@cache
def code_index() -> pd.DataFrame:
    """Every category and code of the tabular list: code, bare code, description (and lower-case), billable, parent."""
    cm = _icd()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        codes = [c for c in cm.get_all_codes(with_dots=True) if cm.is_category_or_subcategory(c)]
        rows = {"code": codes,
                "description": [cm.get_description(c) for c in codes],
                "billable": [cm.is_leaf(c) for c in codes],
                "parent": [cm.get_parent(c) for c in codes]}
    table = pd.DataFrame(rows)
    table["bare"] = table["code"].str.replace(".", "", regex=False)
    table["words"] = table["description"].str.lower()
    return table


def search(query: str, limit: int = MAX_RESULTS) -> pd.DataFrame:
    """Codes matching a code or prefix ("S52.52", "s5252") or all the words of a description ("torus radius")."""
    text = (query or "").strip()
    index = code_index()
    if not text:
        return index.head(0)[["code", "description", "billable"]]
    if CODE_LIKE.match(text.replace(" ", "")):
        bare = normalize_code(text).replace(".", "")
        found = index[index["bare"].str.startswith(bare)]
    else:
        words = re.findall(r"[a-z0-9]+", text.lower())
        if not words:
            return index.head(0)[["code", "description", "billable"]]
        found = index
        for word in words:
            found = found[found["words"].str.contains(word, regex=False)]
    return found.head(limit)[["code", "description", "billable"]].reset_index(drop=True)


def _notes(value: object) -> list[str]:
    """A note field as a list of notes (the package gives a list, or one string, or nothing)."""
    if not value:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def details(code: str) -> dict:
    """What the tabular list says about one code: description, billable, parent, notes and valid 7th characters."""
    cm = _icd()
    code = normalize_code(code)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if not (cm.is_valid_item(code) and cm.is_category_or_subcategory(code)):
            raise KeyError(f"{code} is not a code in {ICD10CM_RELEASE}")
        parent = cm.get_parent(code)
        try:
            sevenths = dict(cm.get_seven_chr_def(code, search_in_ancestors=True) or {})
        except ValueError:
            sevenths = {}
        needs_seventh = bool(sevenths) and len(code.replace(".", "")) < 7
        return {
            "code": code, "description": cm.get_description(code), "billable": cm.is_leaf(code),
            "parent": parent, "parent_description": cm.get_description(parent) if parent else "",
            "children": list(cm.get_children(code)),
            "excludes1": _notes(cm.get_excludes1(code)), "excludes2": _notes(cm.get_excludes2(code)),
            "use_additional": _notes(cm.get_use_additional_code(code, search_in_ancestors=True)),
            "code_first": _notes(cm.get_code_first(code, search_in_ancestors=True)),
            "seventh_characters": sevenths if needs_seventh else {},
        }


def details_html(code: str) -> str:
    """The details of one code as accessible HTML (headings and lists, words not colours)."""
    info = details(code)
    state = "Billable: yes, it can go on a claim." if info["billable"] else \
        "Billable: no. It is a category: pick one of the codes below it."
    parts = [f"<h4>{html.escape(info['code'])}: {html.escape(info['description'])}</h4>", f"<p><strong>{state}</strong>"
             f" Parent: {html.escape(info['parent'])} ({html.escape(info['parent_description'])}).</p>"]
    sections = [("Excludes1 (not coded together with this code, unless the two conditions are unrelated)", info["excludes1"]),
                ("Excludes2 (not included here; both may be coded)", info["excludes2"]),
                ("Use additional code", info["use_additional"]), ("Code first", info["code_first"]),
                ("Codes below it", info["children"][:15])]
    if info["seventh_characters"]:
        sections.append(("7th character (required; fill empty places with the placeholder X)",
                         [f"{k}: {v}" for k, v in info["seventh_characters"].items()]))
    for title, items in sections:
        if items:
            parts.append(f"<p>{html.escape(title)}:</p><ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
    parts.append(f"<p><small>Source: {html.escape(ICD10CM_RELEASE)}.</small></p>")
    return f"<div class='bc-code-details'>{''.join(parts)}</div>"


class CodeLookup:
    """Search box, results list and details; the code set loads in the background and the status says so."""

    def __init__(self, query: str = "") -> None:
        self.box = widgets.Text(value=query, description="Search ICD-10-CM", placeholder="words, a code or a prefix",
                                continuous_update=False, style={"description_width": "initial"},
                                layout=widgets.Layout(width="32em"))
        self.button = widgets.Button(description="Search", tooltip="Search the code set")
        self.status = widgets.HTML("<p role='status'>Loading the official ICD-10-CM FY2026 code set (98,000 entries; "
                                   "about 5 seconds the first time)…</p>")
        self.results = AccessibleSelect("Results: pick one for its details", rows=10)
        self.info = widgets.HTML()
        self.results.observe(self._show, names="value")
        self.box.observe(lambda _change: self.find(), names="value")
        self.button.on_click(lambda _button: self.find())
        self.widget = widgets.VBox([widgets.HBox([self.box, self.button]), self.status, self.results, self.info])
        self.widget.add_class("bc-code-lookup")
        self.ready = threading.Event()
        threading.Thread(target=self._load, daemon=True).start()

    def _load(self) -> None:
        count = len(code_index())
        self.ready.set()
        self.status.value = (f"<p role='status'>Ready: {count:,} categories and codes ({html.escape(ICD10CM_RELEASE)}). "
                             "Type words or a code and press Enter.</p>")
        if self.box.value.strip():
            self.find()

    def find(self) -> pd.DataFrame | None:
        """Run the search in the box and list the results (the first one's details shown)."""
        if not self.ready.is_set():
            self.status.value = "<p role='status'>Still loading the code set: your search runs as soon as it is ready.</p>"
            return None
        found = search(self.box.value)
        if not self.box.value.strip():
            self.status.value = "<p role='status'>Type words (for example <em>torus fracture right radius</em>) or a code.</p>"
        elif found.empty:
            hints = icd10cm_hints(self.box.value) if CODE_LIKE.match(self.box.value.strip().replace(" ", "")) else []
            tip = " ".join(hints) or ("Try fewer or other words (the tabular list says laceration for a cut), or the "
                                      "first characters of a code.")
            self.status.value = f"<p role='status'>No match for “{html.escape(self.box.value)}”. {html.escape(tip)}</p>"
        else:
            more = " (first 25: add words to narrow it)" if len(found) == MAX_RESULTS else ""
            self.status.value = f"<p role='status'>{len(found)} result(s){more}. Pick one to see its details.</p>"
        self.results.options = [[f"{r.code}  {r.description}  [{'billable' if r.billable else 'category'}]", r.code]
                                for r in found.itertuples()]
        self.results.value = ""
        return found

    def _show(self, change: dict) -> None:
        if change["new"]:
            self.info.value = details_html(change["new"])

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = "ICD-10-CM look-up: type words or a code (run this notebook to use it)"
        return bundle


def lookup_explorer(query: str = "") -> CodeLookup:
    """Show the ICD-10-CM look-up (optionally with a first search)."""
    return CodeLookup(query)
