"""The course on one machine: JupyterHub, real Unix users, the nbgrader exchange and a PostgreSQL gradebook.

    python3 deploy/hub/hubctl.py setup [--course NAME] [--state DIR] [--students a,b,c] [--instructors i] ...
    python3 deploy/hub/hubctl.py start | stop | status | teardown [--purge]
    python3 deploy/hub/hubctl.py collect | grade | feedback | release-feedback ASSIGNMENT [--course NAME]

Run as root. `setup` is idempotent: it builds the shared venv (PREFIX/venv, readable by every user) and the
proxy (npm), creates the accounts it is asked for (and remembers which ones it created), a PostgreSQL cluster
with the gradebook, the exchange, the grader's course root (a copy of autograder/ whose nbgrader_config.py points
the gradebook at PostgreSQL and names the course) and the released assignments. `setup --course OTHER` on an
existing deployment adds a second course (a section) beside the first: its own grader account, formgrader service,
gradebook database and exchange folder, on the same hub. `teardown` stops everything and removes every account,
process and folder `setup` created (the venv too with --purge). The grading commands run as the course's grader
account: `grade` is the course's own `python -m billcode.instructor.grade.autograde`, `feedback` the course's
feedback command, `collect` nbgrader's collect with the course's checks (a folder in inbound/ is collected only if
the student it names handed it in; a folder whose name or time does not parse is skipped, named, and stops nothing).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PREFIX = Path(os.environ.get("BILLCODE_HUB_PREFIX", "/srv/billcode-hub"))
STATE = PREFIX / "state"
PROXY_VERSION = "5.3.0"
COURSE = "billing-vs-coding"
STUDENT_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                   "@jupyter/nbgrader:course-list")
STUDENT_SERVER_OFF = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")
COURSE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")  # a hub service, a group, a folder and a database name


def _safe_text():
    """The course's safe_text (student text shown escaped), loaded by path: hubctl needs only Debian's Python."""
    spec = importlib.util.spec_from_file_location("billcode_safe_text", REPO / "src" / "billcode" / "instructor" /
                                                  "safe_text.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.safe_text


safe_text = _safe_text()


def log(message: str) -> None:
    """One progress line on stderr."""
    print(f"[hubctl] {message}", file=sys.stderr, flush=True)


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command; raise with its output when it fails."""
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def load(state: Path) -> dict:
    """The deployment's settings, as `setup` wrote them (a deployment of one course from before sections is read
    as one with that course)."""
    cfg = json.loads((state / "hub.json").read_text(encoding="utf-8"))
    if "courses" not in cfg:
        name = cfg.pop("course")
        cfg["courses"] = {name: {"name": name, **{k: cfg.pop(k) for k in (
            "grader", "instructors", "students", "assignments", "service_port", "service_token", "db_user", "db_name",
            "db_password")}}}
    return cfg


def courses(cfg: dict) -> list[dict]:
    """The deployment's courses, in the order they were set up."""
    return list(cfg["courses"].values())


def course(cfg: dict, name: str | None = None) -> dict:
    """One course's settings: the named one, or the only one."""
    if name is None:
        if len(cfg["courses"]) != 1:
            raise SystemExit(f"This hub has {len(cfg['courses'])} courses ({', '.join(cfg['courses'])}): say which "
                             "with --course NAME.")
        return courses(cfg)[0]
    if name not in cfg["courses"]:
        raise SystemExit(f"No course {name!r} on this hub (it has {', '.join(cfg['courses'])}).")
    return cfg["courses"][name]


def save(state: Path, cfg: dict) -> None:
    """Write the settings (root only: they hold the service token and the gradebook password)."""
    path = state / "hub.json"
    path.write_text(json.dumps(cfg, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    path.chmod(0o600)


# ---------------------------------------------------------------- software: the shared venv and the proxy

def venv_python(cfg: dict) -> Path:
    """The shared venv's interpreter."""
    return Path(cfg["venv"]) / "bin" / "python"


def build_venv(venv: Path) -> None:
    """The shared venv from Debian's Python (readable by everyone), with the hub, nbgrader and the course."""
    stamp = venv / ".billcode-hub-installed"
    if stamp.is_file() and stamp.read_text() == (HERE / "requirements.txt").read_text():
        return
    log(f"building {venv} (a few minutes the first time)")
    run(["/usr/bin/python3", "-m", "venv", str(venv)])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    run([*pip, "-r", str(HERE / "requirements.txt")])
    run([*pip, "--no-deps", "--force-reinstall", str(REPO)])
    stamp.write_text((HERE / "requirements.txt").read_text())
    subprocess.run(["chmod", "-R", "a+rX", str(venv)], check=True)


def install_course_package(venv: Path) -> None:
    """Reinstall the course package from the repository (cheap; keeps the venv's copy current)."""
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(REPO)])
    subprocess.run(["chmod", "-R", "a+rX", str(venv)], check=True)


def build_proxy(prefix: Path) -> Path:
    """configurable-http-proxy from npm, in PREFIX/node."""
    binary = prefix / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
    if not binary.exists():
        log("installing configurable-http-proxy from npm")
        (prefix / "node").mkdir(parents=True, exist_ok=True)
        run(["npm", "install", "--prefix", str(prefix / "node"), "--no-audit", "--no-fund", "--loglevel=error",
             f"configurable-http-proxy@{PROXY_VERSION}"])
    return binary


# ---------------------------------------------------------------- accounts

def user_exists(name: str) -> bool:
    """Whether a Unix account exists."""
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def home(name: str) -> Path:
    """A Unix account's home folder."""
    return Path(pwd.getpwnam(name).pw_dir)


def create_user(cfg: dict, name: str) -> None:
    """A real Unix account with a private home; remembered so that teardown removes it."""
    if not user_exists(name):
        run(["useradd", "-m", "-s", "/bin/bash", "-d", f"{cfg['home_base']}/{name}", name])
        cfg["created_users"].append(name)
    home(name).chmod(0o700)


def everyone(cfg: dict) -> list[str]:
    """Every account of every course: graders, instructors and students (each once)."""
    return list(dict.fromkeys(name for c in courses(cfg) for name in (c["grader"], *c["instructors"], *c["students"])))


# ---------------------------------------------------------------- PostgreSQL

def pg_bin(tool: str) -> str:
    """A PostgreSQL server program (Debian keeps them out of PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{tool}"), key=lambda p: int(p.parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql")
    return str(found[-1])


def as_postgres(*cmd: str) -> subprocess.CompletedProcess:
    """Run a command as the postgres account."""
    return run(["runuser", "-u", "postgres", "--", *cmd], cwd="/")


def pg_running(cfg: dict) -> bool:
    """Whether the course's PostgreSQL cluster is up."""
    data = Path(cfg["state"]) / "pg" / "data"
    return data.is_dir() and subprocess.run(["runuser", "-u", "postgres", "--", pg_bin("pg_ctl"), "-D", str(data),
                                             "status"], capture_output=True, cwd="/").returncode == 0


def pg_start(cfg: dict) -> None:
    """Create (once) and start the cluster: TCP on 127.0.0.1 with passwords, peer-only socket for postgres."""
    pg = Path(cfg["state"]) / "pg"
    if not (pg / "data").is_dir():
        pg.mkdir(exist_ok=True)
        shutil.chown(pg, "postgres", "postgres")
        pg.chmod(0o700)
        as_postgres(pg_bin("initdb"), "-D", str(pg / "data"), "-U", "postgres", "--auth-local=peer",
                    "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "-N")
        (pg / "sock").mkdir(exist_ok=True)
        shutil.chown(pg / "sock", "postgres", "postgres")
    if not pg_running(cfg):
        as_postgres(pg_bin("pg_ctl"), "-D", str(pg / "data"), "-l", str(pg / "log"), "-w", "-o",
                    f"-p {cfg['pg_port']} -k {pg / 'sock'} -c listen_addresses=127.0.0.1", "start")


def psql(cfg: dict, sql: str) -> str:
    """Run SQL as the cluster's superuser (over its private socket)."""
    sock = Path(cfg["state"]) / "pg" / "sock"
    return as_postgres("psql", "-h", str(sock), "-p", str(cfg["pg_port"]), "-U", "postgres", "-tAq", "-v",
                       "ON_ERROR_STOP=1", "-c", sql).stdout.strip()


def pg_create_gradebook(cfg: dict, one: dict) -> None:
    """A course's gradebook role and database (once): each course its own, so no grader can open another's."""
    if psql(cfg, f"SELECT 1 FROM pg_roles WHERE rolname = '{one['db_user']}'") != "1":
        psql(cfg, f"CREATE ROLE {one['db_user']} LOGIN PASSWORD '{one['db_password']}'")
    if psql(cfg, f"SELECT 1 FROM pg_database WHERE datname = '{one['db_name']}'") != "1":
        psql(cfg, f"CREATE DATABASE {one['db_name']} OWNER {one['db_user']}")
        psql(cfg, f"REVOKE ALL ON DATABASE {one['db_name']} FROM PUBLIC")


def pg_stop(cfg: dict) -> None:
    """Stop the cluster (fast shutdown)."""
    if pg_running(cfg):
        as_postgres(pg_bin("pg_ctl"), "-D", str(Path(cfg["state"]) / "pg" / "data"), "-m", "fast", "-w", "stop")


def gradebook_url(cfg: dict, one: dict) -> str:
    """A course's gradebook URL (psycopg2: SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3)."""
    return (f"postgresql+psycopg2://{one['db_user']}:{one['db_password']}@127.0.0.1:{cfg['pg_port']}"
            f"/{one['db_name']}")


# ---------------------------------------------------------------- configuration files

def write_json(path: Path, data: dict) -> None:
    """A world-readable JSON config file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    path.chmod(0o644)


def write_jupyter_config(cfg: dict) -> None:
    """Config folders on the users' JUPYTER_CONFIG_PATH: common (the exchange), student (panels off and locked)."""
    jupyter = Path(cfg["state"]) / "jupyter"
    common = jupyter / "common" / "nbgrader_config.py"
    common.parent.mkdir(parents=True, exist_ok=True)
    common.write_text(
        '"""The hub\'s exchange: one folder shared by every user, courses kept apart, ids from the hub."""\n'
        "c = get_config()  # noqa: F821\n"
        f"c.Exchange.root = {str(Path(cfg['state']) / 'exchange')!r}\n"
        "c.Exchange.path_includes_course = True\n"
        "c.Authenticator.plugin_class = 'nbgrader.auth.JupyterHubAuthPlugin'\n", encoding="utf-8")
    common.chmod(0o644)
    student = jupyter / "student"
    write_json(student / "labconfig" / "page_config.json", {
        "disabledExtensions": {name: True for name in STUDENT_PLUGINS},
        "lockedExtensions": {name: True for name in STUDENT_PLUGINS}})
    write_json(student / "jupyter_server_config.json",
               {"ServerApp": {"jpserver_extensions": {name: False for name in STUDENT_SERVER_OFF}}})
    (jupyter / "staff").mkdir(exist_ok=True)


def make_exchange(cfg: dict, one: dict) -> None:
    """nbgrader's exchange with its permissions: root 777 (sticky), course outbound 755, inbound 2733, feedback 711."""
    root = Path(cfg["state"]) / "exchange"
    root.mkdir(exist_ok=True)
    root.chmod(0o1777)
    folder_of_course = root / one["name"]
    for sub, mode in (("", 0o755), ("outbound", 0o755), ("inbound", 0o2733), ("feedback", 0o711)):
        folder = folder_of_course / sub
        folder.mkdir(exist_ok=True)
        shutil.chown(folder, one["grader"], one["grader"])
        folder.chmod(mode)


def course_root(cfg: dict, one: dict) -> Path:
    """A course's root (in its grader's private home)."""
    return home(one["grader"]) / one["name"]


def make_course_root(cfg: dict, one: dict) -> None:
    """Copy autograder/ (masters, keys, class numbers) to the grader; its nbgrader_config.py adds PostgreSQL and
    the course's name (course_id.txt: nbgrader's course_id, which the exchange's folders are named by)."""
    root = course_root(cfg, one)
    source = REPO / "autograder"
    root.mkdir(exist_ok=True)
    for name in ("source", "keys"):
        shutil.copytree(source / name, root / name, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*_answers.json"))
    for name in ("class_params.json", "class_secret.txt"):
        if (source / name).is_file():
            shutil.copy2(source / name, root / name)
    shutil.copy2(source / "nbgrader_config.py", root / "course_config.py")
    shutil.copy2(HERE / "course_nbgrader_config.py", root / "nbgrader_config.py")
    (root / "gradebook_url.txt").write_text(gradebook_url(cfg, one) + "\n", encoding="utf-8")
    (root / "course_id.txt").write_text(one["name"] + "\n", encoding="utf-8")
    subprocess.run(["chown", "-R", f"{one['grader']}:{one['grader']}", str(root)], check=True)
    subprocess.run(["chmod", "-R", "go-rwx", str(root)], check=True)


# ---------------------------------------------------------------- running things as the grader

def grader_env(cfg: dict, one: dict) -> dict[str, str]:
    """A clean environment for a course grader's commands (the hub API for nbgrader's JupyterHub plugin)."""
    venv_bin = str(Path(cfg["venv"]) / "bin")
    env = {"HOME": str(home(one["grader"])), "USER": one["grader"], "LOGNAME": one["grader"], "LANG": "C.UTF-8",
           "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin", "JUPYTER_CONFIG_PATH": config_path(cfg, staff=True),
           "JUPYTERHUB_USER": one["grader"], "JUPYTERHUB_API_TOKEN": one["service_token"],
           "JUPYTERHUB_API_URL": f"http://127.0.0.1:{cfg['hub_port']}/hub/api"}
    for name in ("BILLCODE_SANDBOX",):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def as_grader(cfg: dict, one: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run a command as a course's grader, in its course root."""
    cmd = ["runuser", "-u", one["grader"], "--", "env", "-i", *(f"{k}={v}" for k, v in grader_env(cfg, one).items()),
           *args]
    done = subprocess.run(cmd, cwd=course_root(cfg, one), capture_output=True, text=True)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{shown(done.stdout[-4000:])}\n"
                           f"{shown(done.stderr[-4000:])}")
    return done


def nbgrader(cfg: dict, one: dict, *args: str) -> subprocess.CompletedProcess:
    """An nbgrader command as a course's grader."""
    return as_grader(cfg, one, str(venv_python(cfg)), "-m", "nbgrader", *args)


def config_path(cfg: dict, staff: bool) -> str:
    """JUPYTER_CONFIG_PATH for a staff member (every panel) or a student (instructor panels off)."""
    jupyter = Path(cfg["state"]) / "jupyter"
    return f"{jupyter / ('staff' if staff else 'student')}:{jupyter / 'common'}"


def generate(cfg: dict, one: dict) -> None:
    """nbgrader generate_assignment for each of a course's assignments (writes release/ and the gradebook's cells)."""
    for name in one["assignments"]:
        if not (course_root(cfg, one) / "release" / name / f"{name}.ipynb").is_file():
            log(f"generating {name} for {one['name']}")
            nbgrader(cfg, one, "generate_assignment", name, "--force")


# ---------------------------------------------------------------- the hub process

def pid_alive(pid: int) -> bool:
    """Whether a process exists (a child of ours that has exited is reaped, not counted)."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def hub_pid(cfg: dict) -> int | None:
    """The running hub's process id, if any."""
    path = Path(cfg["state"]) / "hub" / "hub.pid"
    if path.is_file() and pid_alive(int(path.read_text())):
        return int(path.read_text())
    return None


def wait_http(url: str, timeout: float, ok=(200,)) -> None:
    """Poll a URL until it answers with one of the expected codes."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status in ok:
                    return
        except urllib.error.HTTPError as err:
            if err.code in ok:
                return
            last = err
        except OSError as err:
            last = err
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer in {timeout:.0f} s ({last})")


def start(cfg: dict) -> None:
    """Start PostgreSQL and the hub (which starts the proxy and the formgrader service); wait until both answer."""
    pg_start(cfg)
    if hub_pid(cfg):
        return
    hubdir = Path(cfg["state"]) / "hub"
    env = {"PATH": f"{Path(cfg['venv']) / 'bin'}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
           "HOME": "/root", "BILLCODE_HUB_STATE": cfg["state"]}
    if "BILLCODE_SANDBOX" in os.environ:  # the formgrader's own autograde button sandboxes the same way
        env["BILLCODE_SANDBOX"] = os.environ["BILLCODE_SANDBOX"]
    with open(hubdir / "hub.log", "ab") as out:
        hub = [str(Path(cfg["venv"]) / "bin" / "jupyterhub"), "-f", str(HERE / "jupyterhub_config.py")]
        proc = subprocess.Popen(hub, cwd=hubdir, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    (hubdir / "hub.pid").write_text(str(proc.pid))
    base = f"http://127.0.0.1:{cfg['port']}"
    try:
        wait_http(f"{base}/hub/api", 90)
        for one in courses(cfg):
            wait_http(f"{base}/services/{one['name']}/", 90, ok=(200, 302))
    except TimeoutError as err:
        raise RuntimeError(f"{err}\n--- hub.log ---\n{(hubdir / 'hub.log').read_text()[-4000:]}") from None


def processes_of(users: list[str]) -> list[int]:
    """Ids of the running processes owned by these accounts."""
    uids = {pwd.getpwnam(u).pw_uid for u in users if user_exists(u)}
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid in uids:
                    found.append(int(entry.name))
            except FileNotFoundError:
                pass
    return found


def stop_pids(pids: list[int], grace: float = 10) -> None:
    """SIGTERM these processes, then SIGKILL whatever is left after the grace period."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(pid_alive(p) for p in pids):
        time.sleep(0.2)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def stop(cfg: dict) -> None:
    """Stop the hub (it stops the servers, the service and the proxy), anything left of ours, then PostgreSQL."""
    pid = hub_pid(cfg)
    if pid:
        stop_pids([pid], grace=20)
        try:
            os.killpg(pid, signal.SIGKILL)  # the proxy, if the hub could not stop it
        except ProcessLookupError:
            pass
    (Path(cfg["state"]) / "hub" / "hub.pid").unlink(missing_ok=True)
    stop_pids(processes_of(everyone(cfg)))
    pg_stop(cfg)


# ---------------------------------------------------------------- the commands

def new_settings(args: argparse.Namespace) -> dict:
    """Settings for a new deployment (secrets drawn once), with no course yet."""
    return {
        "state": str(args.state), "venv": str(args.prefix / "venv"), "proxy": "", "home_base": args.home_base,
        "port": args.port, "hub_port": args.port + 81, "proxy_api_port": args.port + 1, "pg_port": args.pg_port,
        "password": args.password or secrets.token_urlsafe(12), "created_users": [], "courses": {},
    }


def new_course(cfg: dict, args: argparse.Namespace) -> dict:
    """Settings for one more course (section) of the deployment: its grader, people, service and gradebook."""
    name = args.course
    if not COURSE_NAME.fullmatch(name):
        raise SystemExit(f"{name!r} cannot name a course: use letters, digits, '.', '_' or '-' (at most 40, starting "
                         "with a letter or digit).")
    db = "gradebook" if not cfg["courses"] else "gradebook_" + re.sub(r"[^a-z0-9]", "_", name.lower())[:40]
    return {
        "name": name, "grader": args.grader or ("grader-" + re.sub(r"[^a-z0-9_-]", "-", name.lower()))[:32],
        "instructors": args.instructors.split(","),
        "students": [s for s in args.students.split(",") if s], "assignments": args.assignments.split(","),
        "service_port": cfg["port"] + 199 + len(cfg["courses"]), "service_token": secrets.token_hex(32),
        "db_user": db, "db_name": db, "db_password": secrets.token_hex(16),
    }


def setup(args: argparse.Namespace) -> dict:
    """Create (or complete) the deployment, and add the course it names if it is new; idempotent."""
    state = args.state
    cfg = load(state) if (state / "hub.json").is_file() else new_settings(args)
    if args.course not in cfg["courses"]:
        cfg["courses"][args.course] = new_course(cfg, args)
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o755)
    (state / "hub").mkdir(exist_ok=True)
    (state / "hub").chmod(0o700)
    save(state, cfg)
    build_venv(Path(cfg["venv"]))
    if args.reinstall_course:
        install_course_package(Path(cfg["venv"]))
    cfg["proxy"] = str(build_proxy(args.prefix))
    Path(cfg["home_base"]).mkdir(parents=True, exist_ok=True)
    for name in everyone(cfg):
        create_user(cfg, name)
        save(state, cfg)
    write_jupyter_config(cfg)
    was_running = pg_running(cfg)
    pg_start(cfg)
    for one in courses(cfg):
        make_exchange(cfg, one)
        pg_create_gradebook(cfg, one)
        make_course_root(cfg, one)
        generate(cfg, one)
    if not was_running and not hub_pid(cfg):
        pg_stop(cfg)
    save(state, cfg)
    log(f"ready: {state} (start it with: hubctl.py start --state {state})")
    return cfg


def teardown(cfg: dict, purge: bool = False) -> None:
    """Stop everything, remove every account setup created and the state folder (and the venv with purge)."""
    stop(cfg)
    for name in cfg["created_users"]:
        if user_exists(name):
            stop_pids(processes_of([name]), grace=3)
            subprocess.run(["userdel", "-r", "-f", name], capture_output=True)
            subprocess.run(["groupdel", name], capture_output=True)
    shutil.rmtree(cfg["state"], ignore_errors=True)
    if purge:
        shutil.rmtree(cfg["venv"], ignore_errors=True)
        shutil.rmtree(Path(cfg["venv"]).parent / "node", ignore_errors=True)


def collect(cfg: dict, one: dict, assignment: str) -> subprocess.CompletedProcess:
    """nbgrader collect as the course's grader, with the course's checks (billcode.instructor.grade.collect): only
    folders handed in by the student they name; a folder that does not parse is skipped and named."""
    return nbgrader(cfg, one, "collect", "--update", assignment)


def skipped(cfg: dict, one: dict) -> list[str]:
    """The inbound folders the last collect left where they were, with why (escaped).

    Read from the record the course's collect writes in the course root (billcode.instructor.grade.collect's
    SKIPPED_FILE), never parsed out of nbgrader's log, whose lines a file name in a hand-in can forge."""
    record = course_root(cfg, one) / "collect_skipped.json"
    try:
        return [safe_text(line) for line in json.loads(record.read_text())["not_collected"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def shown(text: str) -> str:
    """A command's output for the terminal: every line escaped (it can hold student ids and file names)."""
    return "\n".join(safe_text(line) for line in text.splitlines())


def grade(cfg: dict, one: dict, assignment: str, jobs: int = 0) -> subprocess.CompletedProcess:
    """The course's own grading command, as the course's grader, against its PostgreSQL gradebook."""
    extra = [f"--jobs={jobs}"] if jobs else []
    return as_grader(cfg, one, str(venv_python(cfg)), "-m", "billcode.instructor.grade.autograde", "--root",
                     str(course_root(cfg, one)), *extra, assignment, check=False)


# nbgrader's release_feedback names each page by a hash of the submission's secret (written by `nbgrader submit`
# next to the notebook); the course's intake grades only the notebook, answers and timestamp, so the secret is
# carried from submitted/ to feedback/ here, as the grader (a symlink is never followed).
KEEP_SECRET = """
import os, sys
from pathlib import Path
root, name = Path(sys.argv[1]), sys.argv[2]
for page in sorted((root / "feedback").glob(f"*/{name}")):
    secret = root / "submitted" / page.parent.name / name / "submission_secret.txt"
    if secret.is_file() and not secret.is_symlink():
        fd = os.open(secret, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd) as fh:
            (page / "submission_secret.txt").write_text(fh.read(1024))
"""


def feedback(cfg: dict, one: dict, assignment: str) -> subprocess.CompletedProcess:
    """The course's feedback command (it refuses pages that would leak a key), as the course's grader."""
    done = as_grader(cfg, one, str(venv_python(cfg)), "-m", "billcode.instructor.report.feedback", "--root",
                     str(course_root(cfg, one)), assignment, check=False)
    if done.returncode in (0, 1):  # 1: some pages held back or not made; the others are released
        as_grader(cfg, one, str(venv_python(cfg)), "-c", KEEP_SECRET, str(course_root(cfg, one)), assignment)
    return done


def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["setup", "start", "stop", "status", "teardown", "collect", "grade",
                                       "feedback", "release-feedback"])
    p.add_argument("assignment", nargs="?", default="01_overview")
    p.add_argument("--state", type=Path, default=STATE)
    p.add_argument("--prefix", type=Path, default=PREFIX)
    p.add_argument("--course", default=None, help=f"the course (setup: default {COURSE}; other commands: the "
                   "only course, else required)")
    p.add_argument("--grader", default="")
    p.add_argument("--instructors", default="instructor1")
    p.add_argument("--students", default="student1,student2,student3")
    p.add_argument("--assignments", default="01_overview,02_billing,02b_billing_payments,03_coding,03b_coding_rules,"
                   "04_costs_and_careers,05_choosing_a_path,05b_your_plan")
    p.add_argument("--home-base", default="/home")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--pg-port", type=int, default=15432)
    p.add_argument("--password", default="", help="the try-out's shared password (default: a random one)")
    p.add_argument("--reinstall-course", action="store_true", help="reinstall the course package into the venv")
    p.add_argument("--jobs", type=int, default=0)
    p.add_argument("--purge", action="store_true", help="teardown: also remove the venv and the proxy")
    return p


def main(argv: list[str] | None = None) -> int:
    """Dispatch one command."""
    args = parser().parse_args(argv)
    if os.geteuid() != 0:
        print("hubctl must run as root (it creates Unix accounts).", file=sys.stderr)
        return 2
    if args.command == "setup":
        args.course = args.course or COURSE
        cfg = setup(args)
        print(f"Shared password for the try-out: {cfg['password']}")
        return 0
    cfg = load(args.state)
    if args.command == "start":
        start(cfg)
        print(f"http://127.0.0.1:{cfg['port']}/  (formgrader: "
              + ", ".join(f"/services/{c['name']}/formgrader" for c in courses(cfg)) + ")")
    elif args.command == "stop":
        stop(cfg)
    elif args.command == "status":
        print(f"hub: {hub_pid(cfg) or 'stopped'}; postgres: {'up' if pg_running(cfg) else 'down'}")
    elif args.command == "teardown":
        teardown(cfg, args.purge)
    elif args.command == "collect":
        done = collect(cfg, course(cfg, args.course), args.assignment)
        print(*(safe_text(line) for line in done.stderr.splitlines()), sep="\n")
        left = skipped(cfg, course(cfg, args.course))
        if left:
            print(f"{len(left)} folder(s) in inbound/ were NOT collected:", *(f"  {line}" for line in left), sep="\n")
    elif args.command in ("grade", "feedback"):
        one = course(cfg, args.course)
        done = grade(cfg, one, args.assignment, args.jobs) if args.command == "grade" else feedback(cfg, one, args.assignment)
        print(shown(done.stdout), shown(done.stderr), sep="\n")
        return done.returncode
    elif args.command == "release-feedback":
        print(shown(nbgrader(cfg, course(cfg, args.course), "release_feedback", args.assignment).stderr))
    return 0


if __name__ == "__main__":
    sys.exit(main())
