"""Drive JupyterLab and the course widgets from Playwright, with waits that proved reliable.

See /work/shared/research/browser-e2e.md: wait for the kernel websocket to be connected and idle (not the
toolbar's execution indicator), and for every code cell to have an execution count.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from billcode.amounts import format_amount

TIMEOUT = 60_000

KERNEL_READY_JS = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
}"""

ALL_EXECUTED_JS = """() => window.jupyterapp.shell.currentWidget.content.widgets
  .filter(c => c.model.type === 'code').every(c => c.model.executionCount != null)"""

# Run All ends either with every code cell run, or early: a cell without the raises-exception tag
# failed, the kernel dropped the rest of the queue and went idle. Either way, stop waiting.
RUN_FINISHED_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.widgets.filter(c => c.model.type === 'code');
  if (cells.every(c => c.model.executionCount != null)) return true;
  const k = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const failed = cells.some(c => !(c.model.getMetadata('tags') || []).includes('raises-exception')
    && c.model.outputs.toJSON().some(o => o.output_type === 'error'));
  return failed && !!k && k.status === 'idle';
}"""

# Every output of every code cell, from the notebook model: [index, cell source, [[type, name, text]]].
OUTPUTS_JS = """() => window.jupyterapp.shell.currentWidget.content.widgets.map((c, i) => [
  i, c.model.sharedModel.getSource(),
  c.model.type !== 'code' ? [] : c.model.outputs.toJSON().map(o => [
    o.output_type, o.ename || o.name || '',
    o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : [].concat(o.text || '').join('')])])"""

# Restart detection: remember the kernel's status changes from now on.
WATCH_RESTART_JS = """() => {
  const ctx = window.jupyterapp.shell.currentWidget.sessionContext;
  window.__bcStatuses = [];
  ctx.statusChanged.connect((_, status) => window.__bcStatuses.push(status));
  for (const node of document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')) node.dataset.bcOld = '1';
}"""
RESTARTED_AND_RERUN_JS = """() => (window.__bcStatuses || []).includes('restarting')
  && document.querySelectorAll('.jp-Notebook .jp-OutputArea-output[data-bc-old]').length === 0"""


# --- notebook life cycle ---------------------------------------------------------------------

def open_notebook(page: Page, base_url: str, path: str) -> None:
    page.goto(f"{base_url}/lab/tree/{path}?reset")  # ?reset: ignore any saved workspace layout
    page.locator(".jp-Notebook").first.wait_for(timeout=TIMEOUT)
    page.wait_for_function(KERNEL_READY_JS, timeout=TIMEOUT)
    # More room for the notebook, and no sidebar in the screenshots.
    page.evaluate("window.jupyterapp.shell.collapseLeft()")


def run_all(page: Page) -> None:
    """Run every cell (as Run > Run All Cells does) and wait until all have run and the kernel is idle."""
    page.evaluate("window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    _wait_run(page)


def _wait_run(page: Page) -> None:
    page.wait_for_function(RUN_FINISHED_JS, timeout=TIMEOUT)
    page.wait_for_function(KERNEL_READY_JS, timeout=TIMEOUT)
    if not page.evaluate(ALL_EXECUTED_JS):
        raise AssertionError("Run All stopped early, at an error in a cell not tagged raises-exception:\n"
                             + "\n".join(map(str, problems(page))))
    wait_for_layout(page)


def restart_and_run_all_from_menu(page: Page) -> None:
    """Kernel > Restart Kernel and Run All Cells…, confirm, and wait for the new run to finish."""
    page.evaluate(WATCH_RESTART_JS)
    page.locator('.lm-MenuBar-itemLabel:text-is("Kernel")').click()
    page.locator('.lm-Menu-content .lm-Menu-itemLabel:text-is("Restart Kernel and Run All Cells…")').click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_contain_text("Restart")
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
    page.wait_for_function(RESTARTED_AND_RERUN_JS, timeout=TIMEOUT)
    _wait_run(page)


def outputs(page: Page) -> list[tuple[int, str, list]]:
    return [tuple(row) for row in page.evaluate(OUTPUTS_JS)]


def problems(page: Page) -> list[tuple[int, str, str, str]]:
    """Every error output and every stderr stream: (cell index, cell source, error or stream name, text)."""
    found = []
    for index, source, outs in outputs(page):
        for kind, name, text in outs:
            if kind == "error" or (kind == "stream" and name == "stderr"):
                found.append((index, source, name, text.strip()[:300]))
    return found


# --- questions -------------------------------------------------------------------------------

def question(page: Page, item: dict) -> Locator:
    return page.locator(f".bc-question.bc-{item['id']}")


def feedback(page: Page, item: dict) -> Locator:
    return question(page, item).locator(".bc-feedback")


def button(page: Page, item: dict) -> Locator:
    return question(page, item).locator(".bc-save" if item["mode"] == "graded" else ".bc-check")


# A code question's answer reads the prebuilt code-set file (about 10 ms in a fresh kernel); 5 s is for a busy machine.
CODE_SET_LOAD_MS = 5_000


def expect_feedback(page: Page, item: dict, kind: str, word: str) -> None:
    """The question shows one feedback message of this kind, announced (role=alert), starting with
    an icon (aria-hidden) and then the word that carries the meaning."""
    box = question(page, item).locator(f".bc-feedback.bc-{kind}[role=alert]")
    wait = CODE_SET_LOAD_MS if item["type"] in ("code", "codes") else 5_000
    expect(box).to_have_text(re.compile(rf"^\W*{re.escape(word)}"), timeout=wait)
    expect(feedback(page, item)).to_have_count(1)


def typed_text(item: dict, value: object) -> str:
    if item["type"] == "numeric":
        number = float(value)
        return f"{int(number)}" if number.is_integer() else f"{number}"
    if item["type"] == "codes" and isinstance(value, list):  # several codes typed in one box
        return ", ".join(value)
    return str(value)


def shown_text(item: dict, value: object) -> str:
    """How the controls show a saved answer after a restart (Controls.fill in widgets.py)."""
    if item["type"] == "numeric":
        return format_amount(float(value), item["unit"]).replace(" months", "")
    if item["type"] == "codes" and isinstance(value, list):
        return ", ".join(value)
    return str(value)


def any_valid_answer(item: dict) -> object:
    """A complete, well-formed answer for a graded item (graded items have no key in the bank)."""
    kind = item["type"]
    if kind == "single":
        return item["options"][-1]["id"]
    if kind == "multiple":
        return [item["options"][0]["id"], item["options"][-1]["id"]]
    if kind == "truefalse":
        return True
    if kind == "numeric":
        return 1234 if item["unit"] == "USD" else 7
    if kind == "code":
        return "E11.9"
    if kind == "codes":
        return ["E11.9", "I10"]
    if kind == "matching":
        return {left["id"]: item["right"][n % len(item["right"])]["id"] for n, left in enumerate(item["left"])}
    if kind == "ordering":
        return [step["id"] for step in reversed(item["steps"])]
    raise AssertionError(f"unknown question type {kind!r}")


def _text_of(choices: list[dict], choice_id: str) -> str:
    return next(c["text"] for c in choices if c["id"] == choice_id)


# A click lands where Playwright last saw its target. When a widget above finishes drawing in that moment
# (seen in CI, on a busy machine, just after Run All), the page moves and the click falls between two options:
# nothing is chosen, as happens to a person. They click again; so does this, at most twice more, and only
# while the control does not yet hold what was clicked (a second click on a radio cannot undo the first).
MISSED_CLICK_MS = 3_000
CLICK_TRIES = 3


def click_until(target: Locator, holds) -> None:
    """Click the target until `holds()` (an expect(...) with a short timeout) passes; fail after CLICK_TRIES."""
    for attempt in range(1, CLICK_TRIES + 1):
        target.click()
        try:
            holds()
            return
        except AssertionError:
            if attempt == CLICK_TRIES:
                raise


def wait_for_layout(page: Page, quiet_ms: int = 400, timeout_ms: int = 15_000) -> None:
    """Wait until the notebook stops moving: the cells' heights are unchanged for quiet_ms (widgets drawn)."""
    page.wait_for_function(
        """([quiet]) => {
          const h = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell')]
            .map(c => Math.round(c.getBoundingClientRect().height)).join(',');
          const now = performance.now();
          if (window.__bcLayout !== h) { window.__bcLayout = h; window.__bcLayoutSince = now; }
          return now - window.__bcLayoutSince >= quiet;
        }""",
        arg=[quiet_ms], polling=100, timeout=timeout_ms)


def fill_with_mouse(page: Page, item: dict, value: object) -> None:
    """Answer with the mouse (and typing where a text box needs it), as a learner would."""
    q = question(page, item)
    kind = item["type"]
    if kind in ("single", "truefalse"):
        # Click the option's text (its <label>), as most people do, rather than the small circle.
        name = ("True" if value else "False") if kind == "truefalse" else _text_of(item["options"], value)
        radio = q.get_by_role("radio", name=name, exact=True)
        # (`has` takes a locator relative to each label, so it starts from the page, not from the question)
        label = q.locator(".widget-radio-box label").filter(has=page.get_by_role("radio", name=name, exact=True))
        click_until(label, lambda: expect(radio).to_be_checked(timeout=MISSED_CLICK_MS))
    elif kind == "multiple":
        for option in item["options"]:
            box = q.get_by_role("checkbox", name=option["text"], exact=True)
            want = option["id"] in value
            if want != box.is_checked():
                click_until(box, lambda: expect(box).to_be_checked(checked=want, timeout=MISSED_CLICK_MS))
    elif kind in ("numeric", "code", "codes"):
        box = q.get_by_role("textbox")
        box.click()
        box.fill(typed_text(item, value))  # the value is sent when the box loses focus (the click below)
    elif kind == "matching":
        for left in item["left"]:
            q.get_by_role("combobox", name=left["text"], exact=True).select_option(
                value=_text_of(item["right"], value[left["id"]]))
    elif kind == "ordering":
        for n, step_id in enumerate(value, start=1):
            q.get_by_role("combobox", name=f"Step {n}", exact=True).select_option(value=_text_of(item["steps"], step_id))
    else:
        raise AssertionError(f"unknown question type {kind!r}")


def expect_controls_hold(page: Page, item: dict, value: object) -> None:
    """The controls show this answer (e.g. restored from the answers file after a restart)."""
    q = question(page, item)
    kind = item["type"]
    if kind == "single":
        for option in item["options"]:
            radio = q.get_by_role("radio", name=option["text"], exact=True)
            expect(radio).to_be_checked(checked=option["id"] == value)
    elif kind == "truefalse":
        expect(q.get_by_role("radio", name="True", exact=True)).to_be_checked(checked=value is True)
        expect(q.get_by_role("radio", name="False", exact=True)).to_be_checked(checked=value is False)
    elif kind == "multiple":
        for option in item["options"]:
            expect(q.get_by_role("checkbox", name=option["text"], exact=True)).to_be_checked(
                checked=option["id"] in value)
    elif kind in ("numeric", "code", "codes"):
        expect(q.get_by_role("textbox")).to_have_value(shown_text(item, value))
    elif kind == "matching":
        for left in item["left"]:
            expect(q.get_by_role("combobox", name=left["text"], exact=True)).to_have_value(
                _text_of(item["right"], value[left["id"]]))
    elif kind == "ordering":
        for n, step_id in enumerate(value, start=1):
            expect(q.get_by_role("combobox", name=f"Step {n}", exact=True)).to_have_value(
                _text_of(item["steps"], step_id))


SPILL_JS = """area => [...area.querySelectorAll('*')].filter(e => {
    const s = getComputedStyle(e);
    return s.display !== 'inline' && s.overflowY === 'visible' && e.clientHeight > 0
      && e.scrollHeight > e.clientHeight + 1;
  }).map(e => ({tag: e.tagName.toLowerCase(), cls: String(e.className), radio: !!e.closest('.widget-radio'),
                box: `${e.clientHeight}px high, content ${e.scrollHeight}px`, text: e.textContent.trim().slice(0, 90)}))"""


def spilled_text(page: Page, selector: str = ".bc-question") -> dict[str, list[dict]]:
    """Elements whose content is taller than their box and spills over what follows (e.g. a wrapped
    radio option running over the next option), per widget area."""
    found = {}
    for area in page.locator(selector).all():
        classes = [c for c in (area.get_attribute("class") or "").split() if c.startswith("bc-")]
        spill = area.evaluate(SPILL_JS)
        if spill:
            found[classes[-1] if classes else selector] = spill
    return found


# --- keyboard --------------------------------------------------------------------------------

FOCUSED_JS = "el => el === document.activeElement"


def tab_to(page: Page, target: Locator, key: str = "Tab", max_presses: int = 25) -> None:
    """Press Tab (or Shift+Tab) until the target has the focus; fail if it is not reachable that way."""
    for _ in range(max_presses):
        if target.evaluate(FOCUSED_JS):
            return
        page.keyboard.press(key)
    assert target.evaluate(FOCUSED_JS), f"{target} is not reachable with {key} within {max_presses} presses"


# --- accessibility ---------------------------------------------------------------------------

WIDGET_AREAS = [".bc-question", ".bc-tuition-explorer", ".bc-mastery-report"]


def run_axe(page: Page, axe_js: Path | None, selectors: list[str] = WIDGET_AREAS) -> list[dict] | None:
    """Run axe-core on the course's widget areas only (JupyterLab's own chrome has known issues).
    Without axe-core (a developer machine without npm; see conftest.axe_js) there is nothing to run."""
    if axe_js is None:
        return None
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_js))
    present = [s for s in selectors if page.locator(s).count()]
    result = page.evaluate(
        """include => axe.run({include}, {resultTypes: ['violations']})""", [[s] for s in present]
    )
    return result["violations"]


def serious(violations: list[dict] | None) -> list[dict]:
    return [v for v in violations or [] if v.get("impact") in ("serious", "critical")]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        for node in v["nodes"][:5]:
            lines.append(f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}: {node['html'][:160]}")
    return "\n".join(lines)


def save_axe_report(path: Path, violations: list[dict] | None) -> None:
    if violations is None:  # axe-core not installed
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    slim = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [{"target": n["target"], "html": n["html"][:300]} for n in v["nodes"]]} for v in violations]
    path.write_text(json.dumps(slim, indent=1))


# --- screenshots -----------------------------------------------------------------------------

@contextmanager
def tall_viewport(page: Page, width: int = 1280, limit: int = 30_000):
    """Grow the viewport to the notebook's full height (Lab scrolls inside its own panel, so a
    full-page screenshot would only show one screen), then put it back."""
    old = page.viewport_size
    panel = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"
    height = page.evaluate(
        f"() => {{ const p = document.querySelector('{panel}'); return p.scrollHeight + (window.innerHeight - p.clientHeight); }}")
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, limit)})
    try:
        # scroll to the top (scrollPastEnd leaves room below), then let two frames render
        page.evaluate(f"""() => new Promise(done => {{ document.querySelector('{panel}').scrollTop = 0;
            requestAnimationFrame(() => requestAnimationFrame(done)); }})""")
        yield
    finally:
        page.set_viewport_size(old)


def screenshot(page: Page, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
