"""A labelled drop-down list (a native <select>) whose arrow keys stay with it inside JupyterLab."""

from __future__ import annotations

import anywidget
import traitlets

_ESM = r"""
let counter = 0;
function render({ model, el }) {
  const id = `bc-select-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  el.classList.add("bc-select");
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  el.innerHTML = `<div style="display:flex;flex-wrap:wrap;align-items:center;gap:0.6em;margin:0.2em 0">
      <label for="${id}" class="bc-select-label" style="font-weight:600"></label>
      <select id="${id}" class="bc-select-input" style="max-width:100%"></select></div>`;
  const select = el.querySelector("select");
  const draw = () => {
    el.querySelector("label").textContent = model.get("description");
    const options = model.get("options");
    if (select.dataset.options !== JSON.stringify(options)) {
      select.replaceChildren(...options.map(([text, key]) => { const o = document.createElement("option");
        o.value = key; o.textContent = text; return o; }));
      select.dataset.options = JSON.stringify(options);
    }
    select.value = model.get("value");
  };
  select.addEventListener("change", () => { model.set("value", select.value); model.save_changes(); });
  select.addEventListener("keydown", (e) => e.stopPropagation());
  model.on("change", draw);
  draw();
}
export default { render };
"""


class AccessibleSelect(anywidget.AnyWidget):
    """Pick one of several options, each (text, key); value is the chosen key."""

    _esm = _ESM
    description = traitlets.Unicode("").tag(sync=True)
    options = traitlets.List(traitlets.List()).tag(sync=True)
    value = traitlets.Unicode("").tag(sync=True)

    def __init__(self, description: str, options: list[tuple[str, str]], value: str | None = None) -> None:
        if not description:
            raise ValueError("A drop-down needs a description: it is its accessible name.")
        keys = [key for _, key in options]
        super().__init__(description=description, options=[[t, k] for t, k in options],
                         value=value if value in keys else keys[0])

    @traitlets.validate("value")
    def _known(self, proposal: dict) -> str:
        keys = [key for _, key in self.options]
        return proposal["value"] if proposal["value"] in keys else self.value
