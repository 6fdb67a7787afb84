"""Fixtures for the real-browser tests: Debian's Chromium, an isolated JupyterLab (which also serves
Voila) on a temporary copy of the notebooks, and a browser context that cannot reach the internet.

Run: .venv/bin/python -m pytest tests/browser -m browser -p no:cacheprovider
Needs: apt-get install chromium; cd tests/browser && npm install --no-audit --no-fund (for axe-core).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from labserver import LabServer  # noqa: E402
from notebook_cases import REPO  # noqa: E402

HERE = Path(__file__).parent
CHROMIUM = Path(os.environ.get("BILLCODE_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
RESULTS = REPO / "test-results" / "browser"
IN_CI = os.environ.get("CI") == "true"

# Anything that is not this machine is aborted at once: offline, Voila's CDN requests (Font Awesome,
# MathJax) would otherwise hang the page's load event instead of failing.
LOCAL = re.compile(r"^(https?://(127\.0\.0\.1|localhost)(:\d+)?/|data:|blob:|about:)")


def _missing(what: str) -> None:
    """Fail in CI (the tests must run there), skip on a developer machine."""
    if IN_CI:
        pytest.fail(f"{what} (CI=true, so the browser tests cannot be skipped)", pytrace=False)
    pytest.skip(what)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} not found: install Debian's chromium: apt-get install chromium "
                 "(Playwright's own browser download is not used)")
    return CHROMIUM


@pytest.fixture(scope="session")
def axe_js() -> Path | None:
    """axe-core's script, or None on a developer machine without it (only the axe checks are skipped)."""
    if AXE_JS.exists():
        return AXE_JS
    what = f"{AXE_JS.relative_to(REPO)} not found: cd tests/browser && npm ci --no-audit --no-fund"
    if IN_CI:
        pytest.fail(f"{what} (CI=true, so the accessibility checks cannot be skipped)", pytrace=False)
    import warnings

    warnings.warn(f"accessibility checks skipped: {what}", stacklevel=1)
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium):
    # Keep pytest-playwright's own options (--headed, --slowmo) and point it at Debian's Chromium.
    return {
        **browser_type_launch_args,
        "executable_path": str(chromium),
        "args": ["--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def lab_root(tmp_path_factory) -> Path:
    """The folder the server serves: copies of the notebooks (Lab autosaves; the repo must stay clean)."""
    root = tmp_path_factory.mktemp("lab-root")
    (root / "masters").mkdir()
    (root / "course").mkdir()
    (root / "apps").mkdir()
    return root


def _copy_notebooks(root: Path) -> None:
    for folder in (root / "masters", root / "course", root / "apps"):
        for old in folder.iterdir():
            if old.is_file():
                old.unlink()  # answers files, checkpoints of an earlier test
    for notebook in REPO.glob("autograder/source/*/*.ipynb"):
        shutil.copy2(notebook, root / "masters" / notebook.name)
    for notebook in REPO.glob("course/*.ipynb"):
        shutil.copy2(notebook, root / "course" / notebook.name)
    for notebook in REPO.glob("apps/*.ipynb"):
        shutil.copy2(notebook, root / "apps" / notebook.name)


@pytest.fixture(scope="session")
def lab(chromium, lab_root, tmp_path_factory):
    _copy_notebooks(lab_root)
    server = LabServer(lab_root, tmp_path_factory.mktemp("lab-server"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def base_url(lab) -> str:  # overrides pytest-base-url: page.goto("/lab") works too
    return lab.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def context(context, lab):
    blocked: list[str] = []

    def abort(route):
        blocked.append(route.request.url)
        route.abort()

    context.route(lambda url: not LOCAL.match(url), abort)
    context.blocked_requests = blocked
    context.set_default_timeout(30_000)
    yield context


@pytest.fixture
def page(page):
    """The page, with uncaught JavaScript errors collected (tests assert there are none)."""
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    yield page


@pytest.fixture(autouse=True)
def fresh_notebooks(lab, lab_root):
    """Each test: pristine notebook copies, no answers files, and (after it) no kernels left running."""
    lab.delete_sessions()
    _copy_notebooks(lab_root)
    yield
    lab.delete_sessions()


@pytest.fixture(scope="session")
def results() -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    return RESULTS


@pytest.fixture(scope="session")
def voila(lab) -> str:
    """Voila's URL prefix: the Lab server serves /voila/render/<path> (voila's server extension,
    enabled when voila is installed). Checked here, so a missing extension is a clear failure."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"{lab.url}/voila/tree", timeout=30) as r:
            ok = r.status == 200
    except urllib.error.URLError:
        ok = False
    if not ok:
        pytest.fail("the Lab server does not serve /voila/: is voila installed in this environment "
                    "(jupyter server extension list)?", pytrace=False)
    return f"{lab.url}/voila"
