"""The grading sandbox: what student code can reach while its notebook runs, and what the grader is told."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from billcode.instructor.grade import sandbox
from billcode.instructor.grade.sandbox import readable_paths, run_isolated, sandbox_problem
from nbgrader_helpers import FORK_BOMB, copy_course_root

RUNNER = [sys.executable, "-m", "billcode.instructor.grade.run_notebook", "{folder}/nb.ipynb", "--out-fd", "{out_fd}",
          "--cell-timeout", "5", "--copy-from", "{input}"]


def needs_sandbox():
    if sandbox_problem():
        if os.environ.get("CI"):
            pytest.fail(f"CI must be able to isolate student code: {sandbox_problem()}")
        pytest.skip(f"no sandbox here: {sandbox_problem()}")


def run_cells(tmp_path: Path, cells: list[str], forbidden: list[Path], timeout: float = 120, cell_timeout: int = 5):
    work = tmp_path / "work"
    work.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), work / "nb.ipynb")
    runner = [a if a != "5" else str(cell_timeout) for a in RUNNER]
    result = run_isolated(work, runner, timeout=timeout, forbidden=forbidden)
    outputs = []
    if result.output:
        for cell in nbformat.reads(result.output.decode(), 4).cells:
            outputs.append(" ".join(o.get("text", "") + o.get("ename", "") + o.get("evalue", "") for o in cell.outputs))
    return result, outputs


@pytest.mark.slow
def test_student_code_cannot_reach_the_course_root_the_network_or_outlive_its_run(tmp_path):
    needs_sandbox()
    secret = tmp_path / "course"
    secret.mkdir()
    (secret / "gradebook.db").write_text("keys")
    marker = f"billcode-sandbox-test-{os.getpid()}"
    result, out = run_cells(tmp_path, [
        f"import os; print(os.path.exists({str(secret)!r}), os.getcwd())",
        "import socket\ntry:\n    socket.create_connection(('127.0.0.1', 22), timeout=2)\nexcept OSError as e:\n    print('blocked', e)",
        f"import subprocess; subprocess.Popen(['sleep', '300', {marker!r}], start_new_session=True); print('started')",
        "import os, signal\ntry:\n    os.kill(1, signal.SIGKILL)\nexcept OSError as e:\n    print('no', e)",
        "x = bytearray(8 * 1024**3)",
        "print('still running')",
    ], forbidden=[secret])
    assert result.isolated and not result.timed_out
    assert out[0].startswith("False /submission")
    assert "blocked" in out[1]
    assert "MemoryError" in out[4] and "still running" in out[5]
    time.sleep(0.5)
    assert subprocess.run(["pgrep", "-f", marker], capture_output=True).stdout == b""


@pytest.mark.slow
def test_a_run_past_its_time_limit_is_stopped_and_reported(tmp_path):
    start = time.monotonic()
    # Each cell stays under the 5 s cell limit; together they pass the 8 s limit of the whole run.
    result, _ = run_cells(tmp_path, ["import time; time.sleep(4)"] * 6, forbidden=[tmp_path / "course"], timeout=8)
    assert result.timed_out and time.monotonic() - start < 30


def test_without_the_sandbox_the_run_says_it_was_unisolated(tmp_path, monkeypatch):
    monkeypatch.setenv(sandbox.MODE_ENV, "off")
    sandbox.sandbox_problem.cache_clear()
    try:
        result, out = run_cells(tmp_path, ["print('hello')"], forbidden=[tmp_path / "course"])
        assert not result.isolated and "UNISOLATED" in result.note and "hello" in out[0]
        monkeypatch.setenv(sandbox.MODE_ENV, "require")
        with pytest.raises(RuntimeError, match="required"):
            run_cells(tmp_path / "again", ["1"], forbidden=[])
    finally:
        sandbox.sandbox_problem.cache_clear()


def test_the_sandbox_is_never_given_a_folder_that_holds_the_course_root(tmp_path):
    assert readable_paths([tmp_path / "course"])
    with pytest.raises(RuntimeError, match="cannot be given"):
        readable_paths([Path(sys.prefix) / "autograder"])


@pytest.mark.slow
def test_a_grading_run_stopped_by_a_signal_names_the_student_it_was_on(tmp_path):
    from billcode.instructor.author.release import nbgrader

    root = copy_course_root(tmp_path)
    nbgrader(root, "generate_assignment", "01_overview")
    for student in ("amy", "ben"):
        folder = root / "submitted" / student / "01_overview"
        folder.mkdir(parents=True)
        (folder / "01_overview.ipynb").write_bytes((root / "release" / "01_overview" / "01_overview.ipynb").read_bytes())
    proc = subprocess.Popen([sys.executable, "-m", "billcode.instructor.grade.autograde", "--root", str(root)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    marker = root / "reports" / ".grading-in-progress"
    deadline = time.monotonic() + 120
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 3, out + err
    assert "STOPPED by SIGTERM while grading amy (01_overview)" in err
    again = subprocess.run([sys.executable, "-m", "billcode.instructor.grade.autograde", "--root", str(root)],
                           capture_output=True, text=True, timeout=300)
    assert "previous grading run stopped while grading amy (01_overview)" in again.stdout
    assert again.returncode == 0, again.stdout + again.stderr


def test_the_runner_caps_outputs_per_cell_and_their_size():
    import nbformat

    from billcode.instructor.grade.run_notebook import MAX_OUTPUTS, trim_outputs

    many = [nbformat.v4.new_output("stream", name="stdout", text=f"{i}\n") for i in range(5000)]
    big = nbformat.v4.new_output("display_data", data={"text/plain": "x" * 3_000_000})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("spam", outputs=many),
                                         nbformat.v4.new_code_cell("big", outputs=[big])])
    assert trim_outputs(nb) == 5000 - MAX_OUTPUTS + 1
    kept = nb.cells[0].outputs
    assert len(kept) == MAX_OUTPUTS and kept[-1]["text"] == "4999\n" and kept[0]["text"] == "0\n"
    assert "over 2 MB" in nb.cells[1].outputs[0]["text"]


@pytest.mark.slow
def test_student_files_go_to_a_capped_private_folder_not_the_hosts_disk(tmp_path):
    needs_sandbox()
    result, out = run_cells(tmp_path, [
        "open('kept.txt', 'w').write('x'); print('wrote')",
        "try:\n    open('/input/nb.ipynb', 'a').write('x')\nexcept OSError as e:\n    print('read-only', e.errno)",
        "block = bytes(64 * 1024**2)\ntry:\n    for i in range(16):\n        open(f'f{i}', 'wb').write(block)\n"
        "except OSError as e:\n    print('full', e.errno)",
    ], forbidden=[tmp_path / "course"], timeout=900, cell_timeout=300)
    # 1 GB offered, in 64 MB files (each under the one-file limit): the folder's 512 MB cap says "no space left"
    # (ENOSPC, 28). Zeros, not random bytes: a tmpfs keeps every page alike, and they cost no CPU to make, so the
    # cell needs a second or two; its 300 s limit only stops a run that hangs.
    assert "wrote" in out[0] and "read-only" in out[1] and "full 28" in out[2], out
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == ["nb.ipynb"]  # nothing reached the host


def needs_process_cap():
    if sandbox.process_cap() is None:
        pytest.skip("this machine gives the grader no way to cap processes (no pids cgroup; root ignores RLIMIT_NPROC)")


def leftover_cgroups() -> list[str]:
    """This test process's run cgroups still there (other processes' runs are theirs to remove)."""
    mine = f"billcode-run-{os.getpid()}-*"
    return sorted(str(own / p.name) for own, _ in sandbox._candidates() for p in own.glob(mine))


@pytest.mark.slow
def test_a_fork_bomb_stops_at_the_process_cap_and_the_kernel_goes_on(tmp_path):
    """Student code that forks without end gets at most PROCESSES tasks; the next cell still runs."""
    needs_sandbox()
    needs_process_cap()
    before = leftover_cgroups()
    cells = [FORK_BOMB, "print('still here')"]
    # 256 forks of a kernel took 6-20 s with the 2 cores busy: the cell gets 300 s, so no clock decides the count
    # (its children wait on a pipe, not a timer); the limit only stops a run that hangs.
    result, out = run_cells(tmp_path, cells, forbidden=[tmp_path / "course"], timeout=900, cell_timeout=300)
    forked = int(out[0].split("FORKED")[1].split()[0])
    assert 0 < forked < sandbox.PROCESSES, out[0]
    assert "still here" in out[1] and not result.timed_out
    assert leftover_cgroups() == before  # each run's cgroup is removed with it


def test_unisolated_a_detached_process_is_still_ended_with_its_run(tmp_path, monkeypatch):
    """Without the sandbox, a child in a new session escapes the process group, not the run's cgroup."""
    if sandbox.process_cap() != "cgroup":
        pytest.skip("no pids cgroup here: unisolated, a detached process outlives its run (the report says UNISOLATED)")
    monkeypatch.setenv(sandbox.MODE_ENV, "off")
    sandbox.sandbox_problem.cache_clear()
    marker = f"bc-detached-{os.getpid()}-{time.monotonic_ns()}"
    code = ("import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', "
            f"'{marker}'], start_new_session=True)\nprint('started')")
    try:
        _, out = run_cells(tmp_path, [code], forbidden=[tmp_path / "course"])
    finally:
        sandbox.sandbox_problem.cache_clear()
    assert "started" in out[0]
    time.sleep(0.5)
    assert subprocess.run(["pgrep", "-f", marker], capture_output=True).returncode == 1  # none left


def test_without_a_cgroup_an_unprivileged_grader_caps_its_tasks(monkeypatch):
    monkeypatch.setattr(sandbox.os, "getuid", lambda: 0)
    assert sandbox.user_task_limit() is None  # root: RLIMIT_NPROC would not hold, so it is not offered
    monkeypatch.setattr(sandbox.os, "getuid", lambda: 65534)
    limit = sandbox.user_task_limit()
    assert limit is None or limit >= sandbox.PROCESSES


@pytest.mark.slow
def test_numeric_libraries_run_one_thread_each_in_a_run(tmp_path):
    """Several runs at once on a many-core machine: OpenBLAS must not start a thread per core in each."""
    cells = ["import os, numpy, pandas\nprint('TASKS', len(os.listdir('/proc/self/task')), "
             "*(os.environ.get(n) for n in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS')))"]
    _, out = run_cells(tmp_path, cells, forbidden=[tmp_path / "course"])
    _, tasks, *threads = out[0].split()
    assert threads == ["1", "1", "1"], out[0]
    assert int(tasks) < 32, out[0]  # the kernel's own threads (IO, heartbeat, control...), whatever the core count


def needs_memory_cap():
    if not sandbox.memory_cap():
        pytest.skip("this machine gives the grader no memory cgroup: each process is capped, a whole run is not")


MEMORY_HOG = """\
import os, time
children = []
for _ in range(3):  # 3 x 1 GiB: over the run's 2 GiB, and harmless where there is no cap
    pid = os.fork()
    if pid == 0:
        hog = b"x" * (1 << 30)
        time.sleep(3)
        os._exit(0)
    children.append(pid)
ends = [os.waitpid(pid, 0)[1] for pid in children]
print("SURVIVED", sum(os.WIFEXITED(e) and os.WEXITSTATUS(e) == 0 for e in ends))
"""


@pytest.mark.slow
def test_a_run_is_capped_in_memory_as_a_whole_not_only_per_process(tmp_path):
    """Each process may have 3 GiB; three of them filling 1 GiB each pass the run's 2 GiB, and one is stopped."""
    needs_sandbox()
    needs_memory_cap()
    before = leftover_cgroups()
    # Near its limit the cgroup reclaims before it stops a process: slow, so the cell gets more than 5 s.
    result, out = run_cells(tmp_path, [MEMORY_HOG, "print('still here')"], forbidden=[tmp_path / "course"],
                            cell_timeout=90)
    assert leftover_cgroups() == before
    survived = int(out[0].split("SURVIVED")[1].split()[0])
    assert survived < 3, out[0]
    assert "still here" in out[1], out


def test_dev_is_read_only_and_dev_shm_is_small(tmp_path):
    """bubblewrap's /dev is a tmpfs as large as half the machine's memory: the sandbox keeps only a small /dev/shm."""
    needs_sandbox()
    code = ("import os\nfor path in ('/dev/x', '/dev/shm/big'):\n    written = 0\n    try:\n"
            "        with open(path, 'wb') as f:\n            for _ in range(128):\n"
            "                f.write(b'x' * (1 << 20)); f.flush(); written += 1\n"
            "    except OSError as err:\n        print(path, 'stopped', written, type(err).__name__)\n"
            "with open('/dev/null', 'w') as f:\n    f.write('fine')\nprint('devnull ok')")
    _, out = run_cells(tmp_path, [code], forbidden=[tmp_path / "course"])
    assert "/dev/x stopped 0" in out[0], out
    stopped = int(out[0].split("/dev/shm/big stopped")[1].split()[0])
    assert stopped <= sandbox.SHM_BYTES // 2**20 and "devnull ok" in out[0], out


def test_the_cgroups_of_a_killed_grading_process_are_swept(tmp_path):
    """A grading worker killed mid-run cannot remove its run's cgroups; the next run removes them."""
    made = sandbox.run_cgroups()
    if not made:
        pytest.skip("no cgroup can be made here")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a pid that no longer runs
    stale = [group.parent / f"billcode-run-{dead.pid}-deadbeef" for group, _ in made]
    for group in stale:
        group.mkdir()
    sandbox._end_cgroups([group for group, _ in made])
    again = sandbox.run_cgroups()
    sandbox._end_cgroups([group for group, _ in again])
    assert not any(group.exists() for group in stale)


def test_student_code_is_never_root_and_sees_only_the_etc_files_python_needs(tmp_path):
    """A root grader's run: a uid and gid of its own, no capability, no supplementary group; /etc holds only the
    files Python reads (no shadow, no keys), and a file only root may read, in a folder the sandbox sees, is closed."""
    needs_sandbox()
    secret = Path(sys.prefix) / f"sandbox-root-only-{os.getpid()}.txt"
    try:
        secret.write_text("root's secret")
        secret.chmod(0o600)
        _, out = run_cells(tmp_path, [
            "import os\nprint(os.getuid(), os.getgid(), os.getgroups(), open('/proc/self/status').read().split('CapEff:')[1].split()[0])",
            "print(sorted(os.listdir('/etc')))",
            f"try:\n    print(open({str(secret)!r}).read())\nexcept OSError as e:\n    print('closed', type(e).__name__)",
        ], forbidden=[tmp_path / "course"])
    finally:
        secret.unlink(missing_ok=True)
    uid, gid, groups, caps = out[0].split(maxsplit=3)
    assert int(caps, 16) == 0, out[0]
    if os.geteuid() == 0:
        assert int(uid) == int(gid) >= sandbox.RUN_ID_BASE and groups == "[]", out[0]
        assert "closed PermissionError" in out[2], out[2]
    etc = set(ast.literal_eval(out[1]))
    assert etc <= {*sandbox.ETC_FILES, f"python3.{sys.version_info.minor}"} and "shadow" not in etc, etc
