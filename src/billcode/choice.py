"""A labelled native <select>: a drop-down (rows=1) or a list box (rows>1), whose keys stay with it in JupyterLab.

JupyterLab's notebook shortcuts would take the arrow keys, so keydown stops here: a keyboard user moves through the
options with the arrows and hears each one.
"""

from __future__ import annotations

import anywidget
import traitlets

_ESM = r"""
let counter = 0;
function render({ model, el }) {
  const id = `bc-select-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const rows = model.get("rows");
  el.classList.add("bc-select");
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  el.innerHTML = rows > 1
    ? `<label for="${id}" style="font-weight:600;display:block"></label>
       <select id="${id}" size="${rows}" style="min-width:40em;max-width:100%"></select>`
    : `<div style="display:flex;flex-wrap:wrap;align-items:center;gap:0.6em;margin:0.2em 0">
       <label for="${id}" style="font-weight:600"></label><select id="${id}" style="max-width:100%"></select></div>`;
  const label = el.querySelector("label");
  const select = el.querySelector("select");
  const draw = () => {
    label.textContent = model.get("description");
    const options = model.get("options");
    if (select.dataset.options !== JSON.stringify(options)) {
      select.replaceChildren(...options.map(([text, key]) => { const o = document.createElement("option");
        o.value = key; o.textContent = text; return o; }));
      select.dataset.options = JSON.stringify(options);
    }
    if (select.value !== model.get("value")) select.value = model.get("value");
  };
  select.addEventListener("change", () => { model.set("value", select.value); model.save_changes(); });
  select.addEventListener("keydown", (e) => e.stopPropagation());
  model.on("change", draw);
  draw();
}
export default { render };
"""


class AccessibleSelect(anywidget.AnyWidget):
    """Pick one of several options, each (text, key); value is the chosen key ("" = none chosen)."""

    _esm = _ESM
    description = traitlets.Unicode("").tag(sync=True)
    options = traitlets.List(traitlets.List()).tag(sync=True)
    value = traitlets.Unicode("").tag(sync=True)
    rows = traitlets.Int(1).tag(sync=True)

    def __init__(self, description: str, options: list[tuple[str, str]] = (), value: str | None = None,
                 rows: int = 1) -> None:
        if not description:
            raise ValueError("A list needs a description: it is its accessible name.")
        keys = [key for _, key in options]
        first = keys[0] if keys and rows == 1 else ""
        super().__init__(description=description, options=[[t, k] for t, k in options], rows=rows,
                         value=value if value in keys else first)

    @traitlets.validate("value")
    def _known(self, proposal: dict) -> str:
        keys = [key for _, key in self.options]
        return proposal["value"] if proposal["value"] in keys or proposal["value"] == "" else self.value
