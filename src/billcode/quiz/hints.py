"""Hints on demand: two or three progressive hints a learner opens one at a time, remembered in the answers file.

A hint teaches the method, never the value. How many a learner opened shows in the mastery report, never in a grade.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets

from billcode.quiz.answers import read_answers, save_hints
from billcode.quiz.render import inline_html
from billcode.quiz.widgets import plain, shared


def hint_texts(entry: dict) -> list[str]:
    """The hints of a bank entry (a practice item or an exercise), as plain strings in order."""
    return [h if isinstance(h, str) else h["text"] for h in entry.get("hints", [])]


def hint_number_for(entry: dict, problem: str) -> int | None:
    """Which hint (1-based) covers a kind of problem a check found ("unwritten", "error", "type", "example")."""
    number = entry.get("hint_for", {}).get(problem)
    return number if isinstance(number, int) and 1 <= number <= len(hint_texts(entry)) else None


class HintBox:
    """A button that opens the next hint, and the hints opened so far (kept across restarts)."""

    def __init__(self, hints: list[str], key: str, label: str, path: Path, bank: str, starting_code: str = "") -> None:
        self.hints, self.key, self.label, self.path, self.bank = list(hints), key, label, Path(path), bank
        saved = read_answers(self.path, self.bank).hints.get(key, 0)
        self.opened = min(saved, len(self.hints))
        # Each widget is made in its first state: a change after it is made is one more message to the page.
        self.button = plain(widgets.Button, layout=shared(widgets.Layout, width="max-content"),
                            classes=("bc-hint-button",), **self._button_state())
        self.shown = plain(widgets.HTML, self._shown_html(), classes=("bc-hints",))
        self.status = plain(widgets.HTML)
        self.button.on_click(lambda _button: self.next())
        parts = [self.button, self.shown, self.status]
        if starting_code:
            parts.append(plain(widgets.HTML,
                "<details class='bc-starting-code'><summary>The starting code of this exercise (to paste into a new "
                f"cell if you lose yours)</summary><pre>{html.escape(starting_code)}</pre></details>"))
        self.box = plain(widgets.VBox, parts, classes=("bc-hint-box",))

    def _button_state(self) -> dict[str, object]:
        """The button's words, tooltip and whether it still opens a hint."""
        total = len(self.hints)
        if self.opened < total:
            return {"description": f"Show hint {self.opened + 1} of {total}",
                    "tooltip": f"Show hint {self.opened + 1} of {total} for {self.label}", "disabled": False}
        return {"description": f"All {total} hints shown",
                "tooltip": f"All {total} hints for {self.label} are shown below", "disabled": True}

    def _shown_html(self) -> str:
        """The hints opened so far, in a polite live region."""
        items = "".join(f"<li>{inline_html(h)}</li>" for h in self.hints[: self.opened])
        region = f"<ol class='bc-hint-list'>{items}</ol>" if items else ""
        return (f"<div role='region' aria-live='polite' aria-label='Hints for {html.escape(self.label)}'>"
                f"{region}</div>")

    def _draw(self) -> None:
        with self.button.hold_sync():  # one message for the three changes
            for name, value in self._button_state().items():
                setattr(self.button, name, value)
        self.shown.value = self._shown_html()

    def next(self) -> str:
        """Open the next hint; once all are open, say so (asking again changes nothing)."""
        if self.opened >= len(self.hints):
            text = f"All {len(self.hints)} hints are already shown above."
            self.status.value = f"<p role='status'><small>{html.escape(text)}</small></p>"
            return text
        self.opened += 1
        self.status.value = ""
        try:
            note = save_hints(self.path, self.bank, self.key, self.opened)
        except OSError:
            note = "(This could not be saved to disk; the hint is shown anyway.)"
        if note:
            self.status.value = f"<p role='status'><small>{html.escape(note)}</small></p>"
        self._draw()
        return self.hints[self.opened - 1]

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"Hints for {self.label} (run this notebook to open them one at a time)"
        return bundle
