"""Start an isolated, token-less JupyterLab on a free localhost port, and stop it again.

The server gets its own config, runtime, settings and workspace folders (so nothing leaks in from the
user's profile or from earlier runs), and is started in its own process group so that stopping it
also stops its kernels.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """Linux: SIGTERM the server if pytest itself is killed, so no server outlives the tests."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


def _settings(folder: Path) -> None:
    """User settings for a quiet, deterministic Lab: no news toast, no update check."""
    files = {
        # Pitfall 3 of the research note: --LabApp.news_url=None alone does not stop the news toast.
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }
    for relative, content in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))


class LabServer:
    """A running `jupyter lab` serving root_dir; use .url, .log and .stop()."""

    def __init__(self, root_dir: Path, work_dir: Path, timeout: float = 90.0, instructor: bool = False) -> None:
        self.root_dir = Path(root_dir)
        self.work_dir = Path(work_dir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.work_dir / "server.log"
        env = dict(
            os.environ,
            JUPYTER_CONFIG_DIR=str(self.work_dir / "config"),
            # The learner's settings, as `make lab` uses them (no instructor panels); `make instructor` has none.
            JUPYTER_CONFIG_PATH="" if instructor else str(Path(__file__).resolve().parents[2] / "jupyter" / "learner"),
            JUPYTER_RUNTIME_DIR=str(self.work_dir / "runtime"),
            JUPYTER_DATA_DIR=str(self.work_dir / "data"),
            JUPYTERLAB_SETTINGS_DIR=str(self.work_dir / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(self.work_dir / "workspaces"),
            IPYTHONDIR=str(self.work_dir / "ipython"),
            # The kernels and the server come from this environment, whatever the caller's PATH says.
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        )
        env.pop("JUPYTERHUB_USER", None)
        _settings(self.work_dir / "settings")
        for sub in ("config", "runtime", "data", "workspaces", "ipython"):
            (self.work_dir / sub).mkdir(parents=True, exist_ok=True)
        cmd = [
            sys.executable, "-m", "jupyter", "lab",
            "--no-browser", "--ip=127.0.0.1", f"--port={self.port}", "--port-retries=0",
            "--IdentityProvider.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
            "--allow-root",
            f"--ServerApp.root_dir={self.root_dir}",
            "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, for reliable waits
            "--JupyterNotebookApp.expose_app_in_browser=True",  # the same in Notebook 7 pages
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--ServerApp.open_browser=False",
        ]
        self._log_handle = open(self.log, "w")
        self.proc = subprocess.Popen(
            cmd, env=env, cwd=self.root_dir, stdout=self._log_handle, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_die_with_parent,
        )
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        start = time.monotonic()
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with code {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() - start > timeout:
                self.stop()
                raise TimeoutError(f"jupyter lab did not answer within {timeout:.0f} s:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.2)

    def api(self, path: str, method: str = "GET") -> object:
        request = urllib.request.Request(f"{self.url}{path}", method=method)
        with urllib.request.urlopen(request, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def delete_sessions(self) -> None:
        """Shut every kernel session down, so the next test starts a new kernel (pitfall 6)."""
        for session in self.api("/api/sessions"):
            self.api(f"/api/sessions/{session['id']}", method="DELETE")
        for kernel in self.api("/api/kernels"):  # e.g. Voila's or an orphan kernel
            try:
                self.api(f"/api/kernels/{kernel['id']}", method="DELETE")
            except OSError:
                pass

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM the whole process group (the server shuts its kernels down), SIGKILL if it hangs."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            except ProcessLookupError:
                pass
        # Kernels are in the same process group; make sure none is left behind.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._log_handle.close()
