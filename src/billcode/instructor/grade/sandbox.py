"""Run student code in a sandbox: its own scratch folder, no network, no view of the course root, capped.

Built on bubblewrap (Debian's `bubblewrap`): new PID, network, IPC and UTS namespaces, a read-only view of the
Python installation, the course package and the few files of /etc Python reads, a private /tmp, and a capped
in-memory folder as the only writable one. Student code never runs as root: an unprivileged grader's own uid (in
a user namespace), or, when the grader is root, a uid of its own with no capability (run_identity). Every process it starts dies with it. Where bubblewrap is missing or cannot create
namespaces, the same run happens unisolated in a subprocess and the caller is told so.
"""

from __future__ import annotations

import importlib.util
import os
import resource
import time
import uuid
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODE_ENV = "BILLCODE_SANDBOX"  # "auto" (default), "require" or "off"
INSIDE = Path("/submission")  # the run's working folder: a private, size-capped tmpfs
INPUT = Path("/input")  # the scratch copy of the submission, read-only; the runner copies it into INSIDE
SUBMISSION_BYTES = 512 * 1024**2  # all the files student code may write in its working folder, together
MEMORY_BYTES = 3 * 1024**3  # address space for the runner and its kernel, each
MAX_RESULT_BYTES = 64 * 1024**2
TMP_BYTES = 256 * 1024**2  # the sandbox's private /tmp (memory-backed)
FILE_BYTES = 512 * 1024**2  # the largest file student code may write
SHM_BYTES = 64 * 1024**2  # /dev/shm (memory-backed); the rest of /dev is read-only
PROCESSES = 256  # processes and threads one run may have at once: a fork bomb stops there
RUN_MEMORY_BYTES = 2 * 1024**3  # all the memory of one run: its processes and the files in its memory-backed folders
CGROUP_FS = Path("/sys/fs/cgroup")
V1_LIMITS = {"pids": ("pids.max", PROCESSES), "memory": ("memory.limit_in_bytes", RUN_MEMORY_BYTES)}
V2_LIMITS = {"pids": ("pids.max", PROCESSES), "memory": ("memory.max", RUN_MEMORY_BYTES)}
USR_LINKS = ("bin", "lib", "lib64", "sbin")
# The files of /etc the interpreter, the dynamic loader and the kernel read (python3.X is added: Debian's
# sitecustomize). Nothing else of /etc is in the sandbox: not shadow, not ssh or TLS keys, not the host's accounts.
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "nsswitch.conf", "host.conf",
             "hosts", "gai.conf", "mime.types", "os-release", "alternatives", "fonts", "python3")
RUN_ID_BASE = 2_000_000_000  # + the grading process's id: student code's uid and gid when the grader is root
SETPRIV = "/usr/bin/setpriv"


@dataclass
class RunResult:
    """How an isolated run ended: the runner's output (untrusted), and what the grader saw happen."""

    output: bytes
    isolated: bool
    timed_out: bool
    note: str = ""


def readable_paths(forbidden: list[Path]) -> list[Path]:
    """What the sandbox may read: the interpreter, the environment and the course package (not the course root)."""
    from billcode.data import data_dir

    package = Path(importlib.util.find_spec("billcode").submodule_search_locations[0]).resolve()
    wanted = {Path(sys.prefix), Path(sys.base_prefix), package.parent, data_dir().resolve()}
    for entry in sys.path:
        if entry and Path(entry).is_dir() and "site-packages" in entry:
            wanted.add(Path(entry).resolve())
    paths = sorted(p.resolve() for p in wanted if p.exists())
    for path in paths:
        for secret in forbidden:
            secret = secret.resolve()
            if secret == path or secret.is_relative_to(path):
                raise RuntimeError(f"{path} holds {secret}, so the sandbox cannot be given it; install the course elsewhere.")
    return [p for p in paths if not any(p != q and p.is_relative_to(q) for q in paths)]


def run_identity() -> int | None:
    """The unprivileged uid (and gid) student code runs as when the grader is root, or None (it is not root).

    One of its own per grading process (RUN_ID_BASE plus the process id: parallel runs never share one), never an
    account of the machine: it owns no file outside the run, so RLIMIT_NPROC caps the run's processes even without
    a cgroup, and root's files (0600 or 0640) are as closed to it as to any other user.
    """
    return RUN_ID_BASE + os.getpid() if os.geteuid() == 0 else None


def etc_binds() -> list[str]:
    """bubblewrap arguments for the few files of /etc that Python and the kernel read (never /etc/shadow, keys...)."""
    cmd = []
    wanted = [*ETC_FILES, f"python3.{sys.version_info.minor}"]
    for name in wanted:
        path = Path("/etc") / name
        if path.is_symlink():
            cmd += ["--symlink", os.readlink(path), str(path)]
        elif path.exists():
            cmd += ["--ro-bind", str(path), str(path)]
    return cmd


def _folders(paths: list[Path]) -> list[str]:
    """bubblewrap arguments that create every parent of these paths as a plain 0755 folder (as root, bubblewrap
    would copy the host's modes: a Python under /root would sit behind a 0700 folder the run's user cannot cross)."""
    made, cmd = set(), []
    for path in paths:
        for parent in reversed(path.parents[:-1]):
            if parent in made or parent.is_relative_to("/usr") or str(parent) in ("/tmp", "/etc", "/proc", "/dev"):
                continue  # already there: bound (read-only) or mounted above
            made.add(parent)
            cmd += ["--perms", "0755", "--dir", str(parent)]
    return cmd


def bwrap_command(scratch: Path, argv: list[str], forbidden: list[Path], run_as: int | None = None) -> list[str]:
    """The bubblewrap command line that runs argv with scratch mounted at /submission.

    run_as (the grader is root): bubblewrap, as root, builds the sandbox without a user namespace (so it can bind a
    Python that lives under root's home) and keeps only the capabilities to change user; setpriv then becomes
    run_as before anything of the run starts, with no capability left and no way to gain one (no_new_privs, every
    mount nosuid). Otherwise (an unprivileged grader) a user namespace maps the grader's own uid.
    """
    if run_as is None:
        cmd = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    else:
        cmd = ["bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
               "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--cap-add", "CAP_SETUID",
               "--cap-add", "CAP_SETGID"]
    cmd += ["--ro-bind", "/usr", "/usr"]
    for name in USR_LINKS:
        if Path(f"/usr/{name}").is_dir() and Path(f"/{name}").is_symlink():
            cmd += ["--symlink", f"usr/{name}", f"/{name}"]
        elif Path(f"/{name}").is_dir():
            cmd += ["--ro-bind", f"/{name}", f"/{name}"]
    cmd += ["--perms", "0755", "--dir", "/etc", *etc_binds()]
    # A private /tmp first: the environment itself may live under /tmp (a clone there), and is bound on top.
    # /dev: the usual device nodes on a read-only tmpfs, with a small /dev/shm (bubblewrap's own /dev is a tmpfs
    # as large as half the machine's memory, outside every other cap).
    cmd += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(SHM_BYTES), "--tmpfs", "/dev/shm",
            "--remount-ro", "/dev", "--perms", "1777", "--size", str(TMP_BYTES), "--tmpfs", "/tmp"]
    paths = readable_paths(forbidden)
    cmd += _folders(paths)
    for path in paths:
        cmd += ["--ro-bind", str(path), str(path)]
    # The submission comes in read-only; what student code writes goes to a capped tmpfs, never the host's disk.
    cmd += ["--ro-bind", str(scratch), str(INPUT), "--perms", "1777", "--size", str(SUBMISSION_BYTES), "--tmpfs",
            str(INSIDE), "--chdir", str(INSIDE), "--clearenv"]
    for name, value in sandbox_env().items():
        cmd += ["--setenv", name, value]
    if run_as is not None:
        argv = [SETPRIV, f"--reuid={run_as}", f"--regid={run_as}", "--clear-groups", "--", *argv]
    return [*cmd, "--", *argv]


def sandbox_env() -> dict[str, str]:
    """A small, predictable environment for student code."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "JUPYTER_RUNTIME_DIR": "/tmp/jupyter-runtime",
        "PYTHONDONTWRITEBYTECODE": "1",
        "USER": "student",  # the run's uid has no account: getpass and Jupyter read these first
        "LOGNAME": "student",
        "NBGRADER_EXECUTION": "autograde",
        # One thread per numeric library: grading runs several kernels at once, and OpenBLAS would start one thread
        # per core in each (on a big server, more than the run's PROCESSES allow).
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


def hand_over(scratch: Path, run_as: int | None) -> None:
    """Give the run's own user the scratch copy it reads (it is mounted read-only; only that user may read it)."""
    if run_as is None:
        return
    for folder, _dirs, files in os.walk(scratch):
        os.chown(folder, run_as, run_as)
        for name in files:
            os.chown(os.path.join(folder, name), run_as, run_as, follow_symlinks=False)


@cache
def sandbox_problem() -> str | None:
    """None when bubblewrap can isolate here; otherwise why not (the caller then runs unisolated)."""
    if os.environ.get(MODE_ENV, "auto") == "off":
        return f"{MODE_ENV}=off"
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed (apt-get install bubblewrap)"
    run_as = run_identity()
    if run_as is not None and not Path(SETPRIV).is_file():
        return f"{SETPRIV} (util-linux) is missing: a root grader needs it to run student code as another user"
    with tempfile.TemporaryDirectory() as scratch:
        hand_over(Path(scratch), run_as)
        # The run's user must be able to start the kernel: the interpreter, the environment and the course package.
        check = [sys.executable, "-c", "import billcode, ipykernel"]
        try:
            probe = subprocess.run(bwrap_command(Path(scratch), check, [], run_as), capture_output=True, text=True,
                                   timeout=120)
        except (OSError, subprocess.TimeoutExpired) as err:
            return f"bubblewrap could not start ({err})"
    if probe.returncode == 0:
        return None
    if run_as is not None and "bwrap:" not in probe.stderr:
        return (f"student code runs as uid {run_as}, which cannot read the Python environment ({sys.prefix}) or the "
                f"course package: make them readable by every user: {probe.stderr.strip()[-300:]}")
    return f"bubblewrap cannot create namespaces here: {probe.stderr.strip()[:300]}"


def _membership() -> list[tuple[str, str]]:
    """This process's cgroups: (controllers, path) per hierarchy ("" controllers: the v2 unified one)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return []
    return [(parts[1], parts[2]) for parts in (line.split(":", 2) for line in lines) if len(parts) == 3]


def _candidates() -> list[tuple[Path, dict[str, tuple[str, int]]]]:
    """(this process's cgroup folder, the limits a child of it takes) for each writable hierarchy that can cap a run."""
    found = []
    for controllers, path in _membership():
        if controllers:  # cgroup v1: a hierarchy per controller
            for name in controllers.split(","):
                if name in V1_LIMITS:
                    found.append((CGROUP_FS / name / path.lstrip("/"), {name: V1_LIMITS[name]}))
            continue
        for base in (CGROUP_FS, CGROUP_FS / "unified"):  # cgroup v2, alone or beside v1 (hybrid)
            if (base / "cgroup.controllers").is_file():
                own = base / path.lstrip("/")
                try:
                    delegated = set((own / "cgroup.subtree_control").read_text().split())
                except OSError:
                    break
                limits = {name: V2_LIMITS[name] for name in V2_LIMITS if name in delegated}
                if limits:
                    found.append((own, limits))
                break
    return [(own, limits) for own, limits in found if own.is_dir() and os.access(own, os.W_OK)]


def _sweep(own: Path) -> None:
    """Remove the cgroups of runs whose grading process died before it could (a killed worker)."""
    for group in own.glob("billcode-run-*"):
        try:
            os.kill(int(group.name.split("-")[2]), 0)
            continue  # its grading process is alive: its run may still be going
        except ProcessLookupError:
            pass
        except (PermissionError, ValueError, IndexError):
            continue
        _end_cgroups([group])


def run_cgroups() -> list[tuple[Path, list[str]]]:
    """New cgroups for one run, with their limits written: (folder, the controllers it caps); [] where none can be made."""
    made = []
    for own, limits in _candidates():
        _sweep(own)
        group = own / f"billcode-run-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            group.mkdir()
        except OSError:
            continue
        capped = []
        for name, (file, value) in limits.items():
            try:
                (group / file).write_text(str(value))
                capped.append(name)
            except OSError:
                pass
        if capped:
            made.append((group, capped))
        else:
            _end_cgroups([group])
    return made


def user_task_limit() -> int | None:
    """Without a cgroup: RLIMIT_NPROC for a run, the user's tasks now plus PROCESSES (root is never limited by it)."""
    if os.getuid() == 0:
        return None
    uid, tasks = str(os.getuid()), 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("Uid", "").split()[:1] == [uid]:
            tasks += int(fields.get("Threads", "1"))
    soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
    wanted = tasks + PROCESSES
    return wanted if hard == resource.RLIM_INFINITY or wanted <= hard else None


def task_limit(sandboxed: bool) -> int | None:
    """RLIMIT_NPROC for a run without a pids cgroup: PROCESSES for a sandboxed run of a root grader (its own uid
    has no other task), else the grader's own tasks plus PROCESSES (never for root, which the limit ignores)."""
    if sandboxed and run_identity() is not None:
        return PROCESSES
    return user_task_limit()


def process_cap() -> str | None:
    """How this machine caps the processes of a run: "cgroup", "rlimit", or None (not capped)."""
    made = run_cgroups()
    _end_cgroups([group for group, _ in made])
    if any("pids" in capped for _, capped in made):
        return "cgroup"
    return "rlimit" if task_limit(sandboxed=sandbox_problem() is None) is not None else None


def memory_cap() -> bool:
    """Whether this machine caps the memory of a whole run (a memory cgroup), beyond each process's address space."""
    made = run_cgroups()
    _end_cgroups([group for group, _ in made])
    return any("memory" in capped for _, capped in made)


def _end_cgroups(groups: list[Path]) -> None:
    """Kill whatever is left in a run's cgroups, then remove them."""
    for group in groups:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                group.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:
                pass
            try:
                for pid in (group / "cgroup.procs").read_text().split():
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except (ProcessLookupError, PermissionError, ValueError):
                        pass
            except OSError:
                break
            time.sleep(0.05)


def _limits(memory: int, groups: list[Path] = (), tasks: int | None = None) -> None:
    """In the child before exec: join the run's cgroups, cap memory, core dumps and processes, and make it the
    leader of its own process group."""
    for group in groups:
        try:
            (group / "cgroup.procs").write_text(str(os.getpid()))
        except OSError:
            pass
    if tasks is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (tasks, tasks))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_BYTES, FILE_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.setpgrp()
    try:  # if the grading process dies (a stopped parallel run), the run dies too, sandboxed or not
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


def run_isolated(scratch: Path, argv: list[str], *, timeout: float, forbidden: list[Path],
                 memory: int = MEMORY_BYTES) -> RunResult:
    """Run argv on the scratch folder; the output written to the `{out_fd}` descriptor is returned.

    In argv, `{folder}` is the run's working folder and `{input}` the scratch copy (the same folder when unisolated;
    in the sandbox a read-only /input and a fresh, capped /submission the runner copies it into).
    """
    problem = sandbox_problem()
    if problem and os.environ.get(MODE_ENV) == "require":
        raise RuntimeError(f"The grading sandbox is required ({MODE_ENV}=require) but unavailable: {problem}")
    with tempfile.TemporaryFile() as result:
        fd = result.fileno()
        argv = [a.replace("{out_fd}", str(fd)).replace("{folder}", str(scratch if problem else INSIDE))
                .replace("{input}", str(scratch if problem else INPUT)) for a in argv]
        if problem:  # no secrets in its environment either: only what a run needs
            cmd, env, cwd = argv, {**sandbox_env(), "HOME": str(scratch)}, scratch
            env.pop("JUPYTER_RUNTIME_DIR")
        else:
            run_as = run_identity()
            hand_over(scratch, run_as)
            cmd, env, cwd = bwrap_command(scratch, argv, forbidden, run_as), None, None
        made = run_cgroups()
        groups = [group for group, _ in made]
        tasks = None if any("pids" in capped for _, capped in made) else task_limit(sandboxed=not problem)
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, pass_fds=(fd,), cwd=cwd, env=env,
                                    preexec_fn=lambda: _limits(memory, groups, tasks))
        except BaseException:
            _end_cgroups(groups)
            raise
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            _kill_group(proc)
            _end_cgroups(groups)  # and anything that left the process group (unisolated: a detached child)
        result.seek(0)
        output = result.read(MAX_RESULT_BYTES + 1)
    note = "" if not problem else f"ran UNISOLATED: {problem}"
    if len(output) > MAX_RESULT_BYTES:
        output, note = b"", (note + "; " if note else "") + "the executed notebook was too large to keep"
    return RunResult(output, not problem, timed_out, note)


def _kill_group(proc: subprocess.Popen) -> None:
    """End the run and everything it started (in the sandbox the PID namespace already guarantees this)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
