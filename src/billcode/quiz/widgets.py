"""Build the accessible ipywidgets controls for each question type."""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field
from typing import Callable

import ipywidgets as widgets
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from billcode.amounts import format_amount

UNIT_WORDS = {"USD": "Amount in dollars", "percent": "Percentage", "months": "Number of months", "count": "Number"}
CHOOSE = "— choose —"


@dataclass
class Controls:
    """The input widgets of one question, with a way to read and to fill their value."""

    box: widgets.Widget
    read: Callable[[], object]
    fill: Callable[[object], None]
    inputs: list[widgets.Widget] = field(default_factory=list)


def _order(choices: list[dict], rng: random.Random | None) -> list[dict]:
    ordered = list(choices)
    if rng is not None:
        rng.shuffle(ordered)
    return ordered


_SHARED: dict[tuple, widgets.Widget] = {}


def shared(kind: type, **props: str) -> widgets.Widget:
    """One Layout or Style model per set of properties, shared by every control that uses it.

    Each model is a message between kernel and page; a question drew 25 to 39 of them, most of them alike (every
    control made its own default Layout and Style). Nothing in the course changes a layout or style after drawing.
    """
    key = (kind, tuple(sorted(props.items())))
    if key not in _SHARED:
        _SHARED[key] = kind(**props)
    return _SHARED[key]


def plain(kind: type, *args: object, classes: tuple[str, ...] = (), **kwargs: object) -> widgets.Widget:
    """A widget with the shared default layout (and style, where it has one) unless given its own.

    classes: its CSS classes, given when it is made (add_class afterwards sends the page one more message each).
    """
    if classes:
        kwargs["_dom_classes"] = tuple(classes)
    kwargs.setdefault("layout", shared(widgets.Layout))
    style = {widgets.HTML: HTMLStyle, widgets.Button: widgets.ButtonStyle}.get(kind)
    if style is not None:
        kwargs.setdefault("style", shared(style))
    return kind(*args, **kwargs)


def _full_width() -> widgets.Layout:
    return shared(widgets.Layout, width="100%")


def _single(item: dict, rng: random.Random | None) -> Controls:
    options = [(c["text"], c["id"]) for c in _order(item["options"], rng)]
    radios = widgets.RadioButtons(options=options, value=None, layout=_full_width(),
                                  style=shared(DescriptionStyle), _dom_classes=("bc-radios",))

    def fill(value: object) -> None:
        radios.value = value if value in [o[1] for o in options] else None

    return Controls(radios, lambda: radios.value, fill, [radios])


def _truefalse(item: dict, rng: random.Random | None) -> Controls:
    radios = widgets.RadioButtons(options=[("True", True), ("False", False)], value=None,
                                  layout=shared(widgets.Layout), style=shared(DescriptionStyle),
                                  _dom_classes=("bc-radios",))

    def fill(value: object) -> None:
        radios.value = value if isinstance(value, bool) else None

    return Controls(radios, lambda: radios.value, fill, [radios])


def _multiple(item: dict, rng: random.Random | None) -> Controls:
    boxes = {
        c["id"]: widgets.Checkbox(
            value=False, description=c["text"], indent=False, layout=_full_width(),
            style=shared(CheckboxStyle, description_width="initial")
        )
        for c in _order(item["options"], rng)
    }

    def fill(value: object) -> None:
        chosen = set(value) if isinstance(value, list) else set()
        for key, box in boxes.items():
            box.value = key in chosen

    ids = [c["id"] for c in item["options"]]
    return Controls(
        plain(widgets.VBox, list(boxes.values())),
        lambda: [k for k in ids if boxes[k].value],
        fill,
        list(boxes.values()),
    )


def _typed(item: dict, rng: random.Random | None) -> Controls:
    if item["type"] == "numeric":
        label = UNIT_WORDS[item["unit"]]
        hint = "for example 1,250.50" if item["unit"] == "USD" else "a number"
    elif item["type"] == "codes":
        label = f"{item['code_system']} codes, in order"
        hint = "codes separated by commas"
    else:
        label = f"{item['code_system']} code"
        hint = "letters and digits"
    text = widgets.Text(
        value="",
        description=label,
        placeholder=hint,
        continuous_update=False,
        style=shared(TextStyle, description_width="initial"),
        layout=shared(widgets.Layout, width="28em"),
    )

    def fill(value: object) -> None:
        if item["type"] == "numeric" and isinstance(value, int | float) and not isinstance(value, bool):
            text.value = format_amount(float(value), item["unit"]).replace(" months", "")
        elif isinstance(value, str):
            text.value = value
        elif item["type"] == "codes" and isinstance(value, list):
            text.value = ", ".join(str(v) for v in value)

    return Controls(text, lambda: text.value, fill, [text])


def _dropdowns(labels: list[tuple[str, str]], choices: list[dict]) -> dict[str, widgets.Dropdown]:
    options = [(CHOOSE, "")] + [(c["text"], c["id"]) for c in choices]  # "" (not None) keeps the label shown
    return {
        key: widgets.Dropdown(
            options=options,
            value="",
            description=label,
            style=shared(DescriptionStyle, description_width="initial"),
            layout=_full_width(),
        )
        for key, label in labels
    }


def _matching(item: dict, rng: random.Random | None) -> Controls:
    menus = _dropdowns([(c["id"], c["text"]) for c in item["left"]], item["right"])

    def fill(value: object) -> None:
        for key, menu in menus.items():
            chosen = value.get(key) if isinstance(value, dict) else None
            menu.value = chosen if chosen in [o[1] for o in menu.options] else ""

    return Controls(
        plain(widgets.VBox, list(menus.values())), lambda: {k: m.value for k, m in menus.items()}, fill, list(menus.values())
    )


def _ordering(item: dict, rng: random.Random | None) -> Controls:
    positions = [(str(n), f"Step {n}") for n in range(1, len(item["steps"]) + 1)]
    menus = _dropdowns(positions, _order(item["steps"], rng))

    def fill(value: object) -> None:
        chosen = list(value) if isinstance(value, list) else []
        for n, menu in enumerate(menus.values()):
            step = chosen[n] if n < len(chosen) else None
            menu.value = step if step in [o[1] for o in menu.options] else ""

    return Controls(
        plain(widgets.VBox, list(menus.values())), lambda: [m.value for m in menus.values()], fill, list(menus.values())
    )


BUILDERS: dict[str, Callable[[dict, random.Random | None], Controls]] = {
    "single": _single,
    "truefalse": _truefalse,
    "multiple": _multiple,
    "numeric": _typed,
    "code": _typed,
    "codes": _typed,
    "matching": _matching,
    "ordering": _ordering,
}


def build_controls(item: dict, rng: random.Random | None = None) -> Controls:
    """Return the input controls for an item; rng shuffles choices when given."""
    return BUILDERS[item["type"]](item, rng)


# ipywidgets draws each radio option in a fixed 20 px row, so a long option that wraps covers the next one
# (and hides its button). Every question carries this small style sheet in its title.
QUESTION_CSS = (
    "<style>.bc-radios .widget-radio-box label{display:flex;align-items:flex-start;height:auto;"
    "min-height:var(--jp-widgets-inline-height);line-height:1.4;white-space:normal;padding:2px 0}"
    ".bc-radios .widget-radio-box label input{order:-1;flex:none;margin:0.25em 0.5em 0 0}</style>"
)

STYLES = {
    "correct": ("✔", "Correct.", "#1b5e20", "#e8f5e9"),
    "partial": ("◐", "Partly right.", "#7a4f01", "#fff8e1"),
    "incorrect": ("✘", "Not quite.", "#8e1b1b", "#fdecea"),
    "notice": ("⚠", "Check your answer.", "#5c3b00", "#fff3cd"),
    "saved": ("✔", "Saved.", "#0d3c61", "#e3f2fd"),
    "info": ("ℹ", "", "#263238", "#eceff1"),
}


def message_html(kind: str, body: str, *, title: str | None = None, live: bool = True) -> str:
    """Render a feedback message: an icon and a word carry the meaning, colour only repeats it."""
    icon, word, ink, paper = STYLES[kind]
    heading = title if title is not None else word
    role = ' role="alert"' if live else ""
    return (
        f'<div class="bc-feedback bc-{kind}"{role} style="border-left:4px solid {ink};background:{paper};'
        f'color:{ink};padding:0.4em 0.8em;margin-top:0.4em;line-height:1.45">'
        f'<strong><span aria-hidden="true">{icon}</span> {html.escape(heading)}</strong> {body}</div>'
    )
