"""Turn item-bank text into markdown cells and small HTML snippets."""

from __future__ import annotations

import html
import re

from billcode.quiz.bank import find_item, item_number
from billcode.quiz.scoring import CREDIT_RULES
from billcode.quiz.params import choose_params, fill

TYPE_NAMES = {
    "single": "Single choice",
    "multiple": "Select all that apply",
    "truefalse": "True or false",
    "numeric": "Type a number",
    "code": "Type a code",
    "codes": "Type the codes, in order",
    "matching": "Matching",
    "ordering": "Put in order",
}
UNIT_HINTS = {
    "USD": "Answer in dollars: 1,234.50 and 1234.5 are both accepted, with or without a dollar sign.",
    "percent": "Answer as a percentage: 20 and 20% are both accepted.",
    "months": "Answer in months, as a number.",
    "count": "Answer with a number.",
}


def inline_html(text: str) -> str:
    """Render the small markdown subset used in feedback (bold, italics, code) as safe HTML."""
    out = html.escape(text, quote=False)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])", r"<em>\1</em>", out)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", out)


def label(item: dict) -> str:
    """The short accessible name of an item."""
    if item.get("label"):
        return item["label"]
    first = re.sub(r"[*_`#>]", "", item["prompt"]).strip().splitlines()[0]
    return first if len(first) <= 60 else first[:57] + "..."


def heading(bank: dict, item: dict) -> str:
    """'Check 3' or 'Question 2 (2 points)'."""
    number = item_number(bank, item["id"])
    if item["mode"] == "graded":
        points = item["points"]
        return f"{number} ({points:g} point{'s' if points != 1 else ''})"
    return number


def static_class(item_id: str) -> str:
    """The CSS class of a question's options block in its markdown cell."""
    return f"bc-static-{item_id}"


def question_notes(item: dict) -> str:
    """How to answer and how it is scored, in a sentence or three (markdown)."""
    kind = item["type"]
    notes = [TYPE_NAMES[kind] + "."]
    if kind == "numeric":
        notes.append(UNIT_HINTS[item["unit"]])
    if kind == "code":
        notes.append("ICD-10-CM; the dot is optional." if item["code_system"] == "ICD-10-CM" else "HCPCS Level II.")
    if kind == "codes":
        order = {"first": " The guidelines fix which code is listed first.",
                 "all": " The guidelines fix their order."}.get(item.get("sequence", "none"), "")
        notes.append(f"{item['code_system']}, separated by commas; the dot is optional.{order}")
    if item["mode"] == "graded":
        notes.append(tolerance_rule(item) if kind == "numeric" else CREDIT_RULES[kind])
        notes.append("Press **Save answer**; right or wrong is shown only after grading.")
    else:
        notes.append("Press **Check answer** for feedback; you can try again.")
    return " ".join(notes)


def tolerance_rule(item: dict) -> str:
    """How close a number must be, in words: 'All or nothing, to the cent.'"""
    from billcode.quiz.scoring import DEFAULT_TOLERANCE

    unit, tolerance = item["unit"], item.get("tolerance", DEFAULT_TOLERANCE[item["unit"]])
    if tolerance == 0:
        return "All or nothing: the exact number."
    if unit == "USD" and tolerance <= 0.005:
        return "All or nothing, to the cent."
    amount = {"USD": f"USD {tolerance:,.2f}", "percent": f"{tolerance:g} percentage points",
              "months": f"{tolerance:g} months", "count": f"{tolerance:g}"}[unit]
    return f"All or nothing, within {amount} of the answer."


def question_markdown(bank: dict, item_id: str, params: dict | None = None) -> str:
    """The markdown cell shown above a question, readable without a kernel; params: this class's numbers."""
    item = find_item(bank, item_id)
    if params is None:
        params = choose_params({"bank": bank["bank"], "items": [item]}, None).get(item_id)
    lines = [f"### {heading(bank, item)}: {label(item)}", "", fill(item["prompt"].strip(), params), ""]
    kind = item["type"]
    # Options and notes sit in a block that the question's widget hides once it is drawn: a learner with a
    # kernel reads them once (in the widget), a reader without one (GitHub, nbviewer, a fresh copy) still has them.
    lines += [f'<div class="bc-static-choices {static_class(item_id)}">', ""]
    if kind in ("single", "multiple"):
        lines += [f"- {c['text']}" for c in item["options"]] + [""]
    elif kind == "truefalse":
        lines += ["- True", "- False", ""]
    elif kind == "matching":
        lines += [f"- {c['text']}" for c in item["left"]]
        lines += ["", "Choices (one for each line above):", ""] + [f"{n}. {c['text']}" for n, c in enumerate(item["right"], 1)]
        lines += [""]
    elif kind == "ordering":
        lines += [f"- {c['text']}" for c in item["steps"]] + [""]
    lines += [f"*{question_notes(item)} Run the next cell to answer (it needs a running notebook).*", "", "</div>"]
    lines += ["", f"<small>Item {item['id']} · objective {item['objective']}"
              + (f" · exams: {', '.join(item['exam'])}" if item.get("exam") else "") + "</small>"]
    return "\n".join(lines)
