"""A slider with a real accessible name and a typed-number box, validated in Python."""

from __future__ import annotations

import anywidget
import traitlets

from billcode.amounts import AmountError, format_amount, parse_amount

# A native <input type="range"> named by its <label>, plus a number box. Typed text goes to Python,
# which parses and validates it and answers with a value or a message; the message area is a live region.
_ESM = r"""
let counter = 0;
function render({ model, el }) {
  const id = `bc-slider-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  el.classList.add("bc-slider");
  // Keys typed here belong to the slider, not to JupyterLab's notebook shortcuts.
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  el.innerHTML = `
    <div class="bc-slider-row" style="display:flex;flex-wrap:wrap;align-items:center;gap:0.6em">
      <label for="${id}-range" class="bc-slider-label" style="font-weight:600"></label>
      <input type="range" id="${id}-range" class="bc-slider-range" style="flex:1 1 14em;min-width:10em">
      <label for="${id}-text" class="bc-slider-text-label"></label>
      <input type="text" inputmode="decimal" id="${id}-text" class="bc-slider-text" size="12"
             aria-describedby="${id}-msg">
    </div>
    <div id="${id}-msg" class="bc-slider-message" role="status" aria-live="polite"></div>`;
  const range = el.querySelector(".bc-slider-range");
  const text = el.querySelector(".bc-slider-text");
  const message = el.querySelector(".bc-slider-message");
  const draw = () => {
    el.querySelector(".bc-slider-label").textContent = model.get("description");
    el.querySelector(".bc-slider-text-label").textContent = `or type ${model.get("unit_word")}:`;
    range.min = model.get("min"); range.max = model.get("max"); range.step = model.get("step");
    range.value = model.get("value");
    range.setAttribute("aria-valuetext", model.get("value_text"));
    if (document.activeElement !== text) text.value = model.get("value_text");
    message.textContent = model.get("message");
    message.style.cssText = model.get("message") ? "margin-top:0.3em;padding:0.3em 0.6em;border-left:4px solid #8e1b1b;background:#fdecea;color:#8e1b1b" : "";
  };
  range.addEventListener("input", () => { model.set("value", Number(range.value)); model.set("typed", ""); model.save_changes(); });
  // An empty box is sent as one space, so Python can say so (the slider resets "typed" to "").
  const sendTyped = () => { model.set("typed", text.value.trim() === "" ? " " : text.value); model.save_changes(); };
  text.addEventListener("change", sendTyped);
  text.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); sendTyped(); } });
  for (const node of [range, text]) node.addEventListener("keydown", (e) => e.stopPropagation());
  model.on("change", draw);
  draw();
}
export default { render };
"""


class AccessibleSlider(anywidget.AnyWidget):
    """A labelled range input with a number box; typed values are checked in Python with friendly messages."""

    _esm = _ESM
    value = traitlets.Float(0.0).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(100.0).tag(sync=True)
    step = traitlets.Float(1.0).tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    unit = traitlets.Unicode("count").tag(sync=True)
    unit_word = traitlets.Unicode("a number").tag(sync=True)
    typed = traitlets.Unicode("").tag(sync=True)
    value_text = traitlets.Unicode("").tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)

    def __init__(self, description: str, *, min: float, max: float, value: float, step: float = 1.0,
                 unit: str = "count", **kwargs: object) -> None:
        if not description:
            raise ValueError("A slider needs a description: it is its accessible name.")
        words = {"USD": "an amount in dollars", "months": "a number of months", "percent": "a percentage"}
        super().__init__(description=description, min=min, max=max, step=step, unit=unit,
                         unit_word=words.get(unit, "a number"), value=value, **kwargs)
        self._show_value()

    @traitlets.validate("value")
    def _clamp(self, proposal: dict) -> float:
        return float(min(max(proposal["value"], self.min), self.max))

    @traitlets.observe("value")
    def _on_value(self, _change: dict) -> None:
        self.message = ""
        self._show_value()

    def _show_value(self) -> None:
        self.value_text = format_amount(self.value, self.unit)

    @traitlets.observe("typed")
    def _on_typed(self, change: dict) -> None:
        raw = change["new"]
        if not raw:
            return
        if not raw.strip():
            self.message = f"The box is empty: type a number. The slider stays at {self.value_text}."
            return
        try:
            number = parse_amount(raw, self.unit)
        except AmountError as err:
            self.message = f"{err} The slider stays at {self.value_text}."
            return
        low, high = format_amount(self.min, self.unit), format_amount(self.max, self.unit)
        if number < self.min or number > self.max:
            what = "cannot be negative" if number < 0 <= self.min else "is outside this slider's range"
            self.message = f"{format_amount(number, self.unit)} {what}: type a value from {low} to {high}. The slider stays at {self.value_text}."
            return
        self.message = ""
        self.value = number
        self._show_value()

    def type_value(self, text: str) -> str:
        """Type a value into the number box from Python (as a learner would) and return any message."""
        self.typed = ""
        self.typed = text
        return self.message
