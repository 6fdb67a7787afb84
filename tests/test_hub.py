"""The course on JupyterHub, end to end: real Unix users, nbgrader's exchange, the PostgreSQL gradebook.

One throwaway deployment (deploy/hub/hubctl.py: its own PostgreSQL cluster, hub, proxy, formgrader services and
accounts with random names) drives a whole cycle over HTTP, as the Assignments panel and the formgrader do:
release -> fetch -> answer (honest, blank, hostile) -> submit -> collect -> grade (the course's own command) ->
feedback -> fetch feedback. Two courses run side by side on the one hub (the second with a name of its own, sharing
the honest student and the instructor), and the hostile student plants a folder in the first course's inbound/
named after the honest student with a later time, and one whose time does not parse: the collect skips and names
both, and everyone's own work is collected. Needs root, PostgreSQL, npm and bubblewrap; skipped without them
(failed under CI).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import copy
import importlib.util
import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
import requests

from billcode.instructor.report.synthetic import quiz_keys, solutions
from billcode.quiz.answers import ANSWERS_SUFFIX, FORMAT

pytestmark = [pytest.mark.hub, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "01_overview"
FULL_MARKS = 9.0
PASSWORD = "hub-test-" + secrets.token_hex(6)
TIMINGS: dict[str, float] = {}


def load_hubctl():
    """deploy/hub/hubctl.py as a module."""
    spec = importlib.util.spec_from_file_location("hubctl", REPO / "deploy" / "hub" / "hubctl.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hubctl = load_hubctl()


def missing() -> str | None:
    """Why this machine cannot run the hub test, if it cannot."""
    if os.geteuid() != 0:
        return "needs root (it creates Unix accounts and a PostgreSQL cluster)"
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        return "needs PostgreSQL (apt-get install postgresql)"
    if not shutil.which("npm"):
        return "needs npm for configurable-http-proxy (apt-get install npm)"
    if not shutil.which("bwrap"):
        return "needs bubblewrap (apt-get install bubblewrap)"
    return None


def free_port(offsets: tuple[int, ...] = (0,)) -> int:
    """A port p such that p + each offset is free on localhost."""
    for _ in range(200):
        base = 20000 + secrets.randbelow(30000)
        if all(_free(base + offset) for offset in offsets):
            return base
    raise RuntimeError("no free port")


def _free(port: int) -> bool:
    """Whether nothing listens on this localhost port."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


class Step:
    """Time one step of the cycle into TIMINGS."""

    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        self.start = time.monotonic()
        return self

    def __exit__(self, *exc):
        TIMINGS[self.name] = round(time.monotonic() - self.start, 2)


# ---------------------------------------------------------------- HTTP, as the browser's JupyterLab does

class User:
    """One hub user: logged in with the shared password, with an API token for the hub and their server."""

    def __init__(self, base: str, name: str):
        self.base, self.name = base, name
        self.web = requests.Session()
        self.token = ""

    def login(self) -> None:
        """The login form (xsrf cookie, then the password), then a token, as the hub's token page mints it."""
        self.web.get(f"{self.base}/hub/login").raise_for_status()
        xsrf = self.web.cookies.get("_xsrf")
        reply = self.web.post(f"{self.base}/hub/login", data={"username": self.name, "password": PASSWORD,
                                                               "_xsrf": xsrf}, allow_redirects=False)
        assert reply.status_code == 302, (self.name, reply.status_code, reply.text[:300])
        self.web.get(f"{self.base}/hub/token").raise_for_status()
        xsrf = self.web.cookies.get("_xsrf", path="/hub/") or xsrf
        reply = self.web.post(f"{self.base}/hub/api/users/{self.name}/tokens", json={"note": "test"},
                              headers={"X-XSRFToken": xsrf, "Referer": f"{self.base}/hub/token"})
        reply.raise_for_status()
        self.token = reply.json()["token"]

    def headers(self) -> dict[str, str]:
        """Token authorization."""
        return {"Authorization": f"token {self.token}"}

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        """A request with this user's token (path from the hub's root)."""
        return requests.request(method, f"{self.base}{path}", headers=self.headers(), timeout=300, **kwargs)

    def spawn(self) -> None:
        """Start this user's server."""
        reply = self.call("POST", f"/hub/api/users/{self.name}/server")
        assert reply.status_code in (201, 202), reply.text

    def wait_ready(self, timeout: float = 120) -> None:
        """Poll the hub until the server is ready."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.call("GET", f"/hub/api/users/{self.name}").json().get("servers", {}).get("", {})
            if server.get("ready"):
                return
            time.sleep(0.5)
        raise TimeoutError(f"{self.name}'s server did not start")

    def server(self, method: str, path: str, **kwargs) -> requests.Response:
        """A request to this user's own server."""
        return self.call(method, f"/user/{self.name}{path}", **kwargs)

    def action(self, action: str, course: str) -> dict:
        """An Assignments panel action (fetch, submit, fetch_feedback)."""
        reply = self.server("POST", f"/assignments/{action}", data={"course_id": course, "assignment_id": ASSIGNMENT})
        reply.raise_for_status()
        result = reply.json()
        assert result.get("success"), (self.name, action, result)
        return result

    def formgrader(self, method: str, path: str, course: str) -> requests.Response:
        """A formgrader API call, through the hub's service route."""
        return self.call(method, f"/services/{course}/formgrader/api/{path}")


INSTRUCTOR_ONLY = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                   "@jupyter/nbgrader:course-list")


def page_config(user: User) -> dict:
    """The JupyterLab page's settings (which plugins are disabled and locked) for this user."""
    page = user.server("GET", "/lab").text
    start = page.index('id="jupyter-config-data"')
    start = page.index(">", start) + 1
    return json.loads(page[start:page.index("</script>", start)])


# ---------------------------------------------------------------- what each student hands in

HOSTILE = '''
import glob, os, socket
found = []
for path in {targets!r}:
    try:
        if os.path.isdir(path):
            found.append((path, os.listdir(path)))
        else:
            found.append((path, open(path).read()[:200]))
    except OSError as err:
        print("blocked:", path, type(err).__name__)
try:
    socket.create_connection(("127.0.0.1", {pg_port}), timeout=2).close()
    found.append(("postgres", "connected"))
except OSError as err:
    print("blocked: postgres", type(err).__name__)
for what in found:
    print("LE" + "AK", what)
'''


def answered(released: dict, kind: str, attack: str = "") -> tuple[dict, dict | None]:
    """The notebook and answers file a student of this kind hands in (honest: the master's answers)."""
    nb = nbformat.from_dict(copy.deepcopy(released))
    if kind == "honest":
        master = solutions(REPO / "autograder", ASSIGNMENT)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in master and cell.metadata["nbgrader"].get("solution"):
                cell.source = master[grade_id]
        keys = quiz_keys(REPO / "autograder", ASSIGNMENT)
        answers = {"format": FORMAT, "bank": ASSIGNMENT, "graded": {i: {"answer": k} for i, k in keys.items()},
                   "practice": {}}
        return nb, answers
    if attack:
        nb.cells.insert(1, nbformat.v4.new_code_cell(attack))
    return nb, None


def hand_in(user: User, course: str, kind: str, attack: str) -> None:
    """Save the notebook (and answers) in the fetched folder through the contents API, as JupyterLab saves."""
    folder = f"/api/contents/{course}/{ASSIGNMENT}"
    reply = user.server("GET", f"{folder}/{ASSIGNMENT}.ipynb")
    reply.raise_for_status()
    nb, answers = answered(reply.json()["content"], kind, attack)
    user.server("PUT", f"{folder}/{ASSIGNMENT}.ipynb",
                json={"type": "notebook", "format": "json", "content": nb}).raise_for_status()
    if answers is not None:
        user.server("PUT", f"{folder}/{ASSIGNMENT}{ANSWERS_SUFFIX}",
                    json={"type": "file", "format": "text", "content": json.dumps(answers)}).raise_for_status()


# ---------------------------------------------------------------- checks run on the machine

def as_user(name: str, code: str) -> subprocess.CompletedProcess:
    """Python code run as a Unix user from the hub's venv (what that user's kernel could run)."""
    return subprocess.run(["runuser", "-u", name, "--", "/srv/billcode-hub/venv/bin/python", "-c", code],
                          capture_output=True, text=True, cwd="/", timeout=60)


def scores_in_gradebook(cfg: dict, one: dict) -> dict[str, float]:
    """Each student's score, read by the course's grader straight from its PostgreSQL gradebook."""
    code = ("import json; from nbgrader.api import Gradebook; "
            f"url = open({str(hubctl.course_root(cfg, one) / 'gradebook_url.txt')!r}).read().strip(); "
            "assert url.startswith('postgresql+psycopg2://'), url\n"
            f"with Gradebook(url, {one['name']!r}) as gb:\n"
            f"    print(json.dumps({{s.student.id: s.score for s in gb.assignment_submissions({ASSIGNMENT!r})}}))")
    done = hubctl.as_grader(cfg, one, str(hubctl.venv_python(cfg)), "-c", code)
    return json.loads(done.stdout.strip().splitlines()[-1])


PLANT = """\
import json, os, shutil, sys
inbound, outbound, victim, name = sys.argv[1:5]
for folder, notebook in ((f"{victim}+{name}+2099-01-01 00:00:00.000000 UTC+later", True),
                         (f"zz+{name}+not a time+x", True)):
    os.mkdir(os.path.join(inbound, folder))
    if notebook:  # the released notebook, untouched: handed in as the victim's, it would score 0
        shutil.copy(os.path.join(outbound, name, name + ".ipynb"), os.path.join(inbound, folder, name + ".ipynb"))
print("PLANTED")
"""


def probe(cfg: dict, one: dict, attacker: str, victims: list[str]) -> list[str]:
    """What the attacker's own processes can read of other students and the grader: must be nothing."""
    state, root = Path(cfg["state"]), hubctl.course_root(cfg, one)
    targets = [str(hubctl.home(v)) for v in victims] + [
        str(hubctl.home(v) / one["name"] / ASSIGNMENT / "feedback") for v in victims] + [
        str(state / "exchange" / one["name"] / "inbound"), str(state / "exchange" / one["name"] / "feedback"),
        str(root), str(root / "gradebook_url.txt"), str(root / "submitted"), str(root / "feedback"),
        str(state / "hub.json"), str(state / "hub"), str(state / "pg")]
    code = ("import os, json\nopened = []\n"
            f"for p in {targets!r}:\n"
            "    try:\n"
            "        os.listdir(p) if os.path.isdir(p) else open(p).read()\n"
            "        opened.append(p)\n"
            "    except OSError:\n"
            "        pass\n"
            "import psycopg2\n"
            f"for user, pw in (('postgres', ''), ('gradebook', ''), ('gradebook', 'gradebook'), ({attacker!r}, '')):\n"
            "    try:\n"
            f"        psycopg2.connect(host='127.0.0.1', port={cfg['pg_port']}, user=user, password=pw,"
            " dbname='gradebook', connect_timeout=3).close()\n"
            "        opened.append('postgres as ' + user)\n"
            "    except psycopg2.OperationalError:\n"
            "        pass\n"
            "print(json.dumps(opened))\n")
    done = as_user(attacker, code)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def leftovers(uids: list[int], state: Path, names: list[str]) -> list[str]:
    """What is left of the deployment after teardown: processes, accounts, folders."""
    left = [f"process {p.name}" for p in Path("/proc").iterdir() if p.name.isdigit() and p.exists()
            and _uid(p) in uids]
    left += [f"account {n}" for n in names if hubctl.user_exists(n)]
    left += [f"folder {state}"] if state.exists() else []
    return left


def _uid(path: Path) -> int | None:
    """A process's owner, or None once it has gone."""
    try:
        return path.stat().st_uid
    except FileNotFoundError:
        return None


# ---------------------------------------------------------------- the deployment

@pytest.fixture(scope="module")
def deployment(request):
    """Settings for a throwaway deployment; the finalizer tears down whatever was created, even on failure."""
    why = missing()
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the hub test cannot run under CI: {why}")
        pytest.skip(why)
    tag = "bh" + secrets.token_hex(2)
    state = Path(tempfile.mkdtemp(prefix="billcode-hub-test-"))
    port = free_port((0, 1, 81, 199, 200))
    args = argparse.Namespace(
        state=state, prefix=hubctl.PREFIX, course=hubctl.COURSE, grader=f"{tag}-grader", instructors=f"{tag}-instr",
        students=f"{tag}-honest,{tag}-blank,{tag}-hostile", assignments=ASSIGNMENT, home_base=str(state / "home"),
        port=port, pg_port=free_port(), password=PASSWORD, reinstall_course=True)

    def finalize() -> None:
        """Tear down whatever setup got to create (hub.json records the accounts it made)."""
        if (state / "hub.json").is_file():
            hubctl.teardown(hubctl.load(state))
        shutil.rmtree(state, ignore_errors=True)

    request.addfinalizer(finalize)
    return args


def test_a_whole_cycle_on_the_hub(deployment):
    """release, fetch, answer, submit, collect, grade, feedback, fetch feedback: as the users, over HTTP."""
    args = deployment
    started = time.monotonic()
    names: list[str] = []
    uids: list[int] = []
    try:
        with Step("setup (venv check, accounts, PostgreSQL, exchange, generate_assignment)"):
            cfg = hubctl.setup(args)
        with Step("setup again (idempotent: nothing new)"):
            args.reinstall_course = False
            again = hubctl.setup(args)
        one = hubctl.course(again, hubctl.COURSE)
        assert again["created_users"] == cfg["created_users"] and one == hubctl.course(cfg, hubctl.COURSE)
        # A second section beside the first, with a name of its own: its own grader, gradebook and exchange folder;
        # the instructor and the honest student take both.
        section = f"{args.grader.split('-')[0]}-section-b.2026"
        honest_name = args.students.split(",")[0]
        with Step("setup of a second course on the same hub"):
            cfg = hubctl.setup(argparse.Namespace(**{**vars(args), "course": section, "grader": "",
                                                     "students": honest_name}))
        two = hubctl.course(cfg, section)
        assert two["grader"] != one["grader"] and two["db_name"] != one["db_name"]
        assert (hubctl.course_root(cfg, two) / "course_id.txt").read_text().strip() == section
        names = hubctl.everyone(cfg)
        uids = [pwd.getpwnam(n).pw_uid for n in names]
        with Step("start (PostgreSQL, hub, proxy, formgrader service)"):
            hubctl.start(cfg)
        course, base = one["name"], f"http://127.0.0.1:{cfg['port']}"
        kinds = dict(zip(one["students"], ("honest", "blank", "hostile")))
        instructor = User(base, one["instructors"][0])
        students = {name: User(base, name) for name in one["students"]}
        everybody = [instructor, *students.values()]
        with Step("log in and spawn 4 servers"):
            for user in everybody:
                user.login()
                user.spawn()
            for user in everybody:
                user.wait_ready()
        bad = User(base, one["students"][0])
        bad.web.get(f"{base}/hub/login")
        assert bad.web.post(f"{base}/hub/login", data={"username": bad.name, "password": "wrong",
                                                       "_xsrf": bad.web.cookies.get("_xsrf")},
                            allow_redirects=False).status_code == 403

        # Students: no instructor panels, no formgrader (the hub refuses the service); the Assignments panel stays.
        for student in students.values():
            assert student.formgrader("GET", "assignments", course).status_code == 403
            assert student.call("GET", f"/services/{course}/formgrader").status_code == 403
            assert student.server("GET", "/formgrader").status_code == 404
            assert student.server("GET", "/formgraders").status_code == 404
            page = page_config(student)
            assert sorted(page["disabledExtensions"]) == sorted(page["lockedExtensions"]) == sorted(INSTRUCTOR_ONLY)
        assert page_config(instructor)["disabledExtensions"] == []
        courses = instructor.server("GET", "/formgraders").json()["value"]
        assert sorted(c["course_id"] for c in courses if c["kind"] == "jupyterhub") == sorted([course, section])

        with Step("release (instructor, formgrader API, both courses)"):
            for name in (course, section):
                reply = instructor.formgrader("POST", f"assignment/{ASSIGNMENT}/release", name)
                assert reply.status_code == 200 and reply.json()["success"], reply.text
        with Step("fetch (3 students, Assignments panel; the honest one from both courses)"):
            for student in students.values():
                listed = student.server("GET", "/assignments", params={"course_id": course}).json()
                assert listed["success"] and [a["assignment_id"] for a in listed["value"]] == [ASSIGNMENT], listed
                student.action("fetch", course)
            students[honest_name].action("fetch", section)
        hostile_name = one["students"][2]
        victims = [n for n in one["students"] if n != hostile_name]
        attack = HOSTILE.format(targets=[str(hubctl.home(v)) for v in victims] + [
            str(Path(cfg["state"]) / "exchange" / course / "inbound"), str(hubctl.course_root(cfg, one)),
            str(hubctl.course_root(cfg, one) / "gradebook_url.txt"), str(Path(cfg["state"]) / "hub.json")],
            pg_port=cfg["pg_port"])
        with Step("answer and submit (3 students, and the honest one in the second course)"):
            for name, student in students.items():
                hand_in(student, course, kinds[name], attack if kinds[name] == "hostile" else "")
                student.action("submit", course)
            hand_in(students[honest_name], section, "honest", "")
            students[honest_name].action("submit", section)
        # The hostile student hands in as the honest one (a later time) and plants a folder nbgrader cannot parse.
        exchange = Path(cfg["state"]) / "exchange" / course
        planted = as_user(hostile_name, f"import sys\nsys.argv = ['x', {str(exchange / 'inbound')!r}, "
                                        f"{str(exchange / 'outbound')!r}, {honest_name!r}, {ASSIGNMENT!r}]\n" + PLANT)
        assert "PLANTED" in planted.stdout, planted.stderr
        with Step("collect (hubctl collect, as the grader; the second course by the formgrader API)"):
            collected = hubctl.collect(cfg, one, ASSIGNMENT)
            reply = instructor.formgrader("POST", f"assignment/{ASSIGNMENT}/collect", section)
            assert reply.status_code == 200 and reply.json()["success"], reply.text
        assert collected.returncode == 0, collected.stdout + collected.stderr
        left = hubctl.skipped(cfg, one)
        assert len(left) == 2, collected.stderr
        assert any(f"named after {honest_name} but was handed in by someone else" in line for line in left), left
        assert any(line.startswith(f"zz+{ASSIGNMENT}+not a time+x: its time does not parse") for line in left), left
        with Step("grade (python -m billcode.instructor.grade.autograde, as each course's grader)"):
            graded = hubctl.grade(cfg, one, ASSIGNMENT)
            graded_two = hubctl.grade(cfg, two, ASSIGNMENT)
        assert graded.returncode == 0, graded.stdout + graded.stderr
        assert graded_two.returncode == 0, graded_two.stdout + graded_two.stderr
        assert "Student code runs isolated" in graded.stdout, graded.stdout

        scores = scores_in_gradebook(cfg, one)
        assert scores == {one["students"][0]: FULL_MARKS, one["students"][1]: 0.0, hostile_name: 0.0}, scores
        assert scores_in_gradebook(cfg, two) == {honest_name: FULL_MARKS}
        listed = instructor.formgrader("GET", f"submissions/{ASSIGNMENT}", course).json()
        assert {s["student"]: s["score"] for s in listed} == scores
        assert not (hubctl.course_root(cfg, one) / "gradebook.db").exists()

        with Step("feedback (python -m billcode.instructor.report.feedback, as the grader)"):
            made = hubctl.feedback(cfg, one, ASSIGNMENT)
        assert made.returncode == 0 and "3 feedback page(s) written" in made.stdout, made.stdout + made.stderr
        with Step("release feedback (instructor, formgrader API)"):
            reply = instructor.formgrader("POST", f"assignment/{ASSIGNMENT}/release_feedback", course)
            assert reply.status_code == 200 and reply.json()["success"], reply.text
        pages = {}
        with Step("fetch feedback (3 students, Assignments panel)"):
            for name, student in students.items():
                student.action("fetch_feedback", course)
                folder = student.server("GET", f"/api/contents/{course}/{ASSIGNMENT}/feedback").json()
                stamp = folder["content"][0]["path"]
                pages[name] = student.server("GET", f"/api/contents/{stamp}/{ASSIGNMENT}.html").json()["content"]
        assert all(ASSIGNMENT in page for page in pages.values())
        # The feedback page shows only what the grader wrote: nothing of the attack, neither its source nor its output.
        # (The old page showed the added cell's source, which is where "blocked:" used to be found; its output has
        # never reached a page since the grader drops an added cell's output. The sandbox's refusals themselves are
        # tested in tests/test_sandbox.py, and the attacker's own processes by probe() below.)
        assert "LEAK" not in pages[hostile_name] and "blocked" not in pages[hostile_name]

        # Nobody reads anybody else's work: not through the hub, not from their own processes.
        assert students[hostile_name].server("GET", "/api/contents").status_code == 200
        for victim in victims:
            assert students[hostile_name].call("GET", f"/user/{victim}/api/contents").status_code == 403
        for attacker in one["students"]:
            others = [n for n in one["students"] if n != attacker]
            assert probe(cfg, one, attacker, others) == [], attacker
        assert str(hubctl.home(hostile_name)) in probe(cfg, one, hostile_name, [hostile_name])  # the probe does see
        # A course's grader cannot open the other course's gradebook with its own role (each its own role and
        # database, and no database lets anyone else connect); with its own database it can.
        mine = hubctl.gradebook_url(cfg, one)
        for db, works in ((two["db_name"], False), (one["db_name"], True)):
            url = mine.rsplit("/", 1)[0] + "/" + db
            tried = hubctl.as_grader(cfg, one, str(hubctl.venv_python(cfg)), "-c",
                                     f"import sqlalchemy; sqlalchemy.create_engine({url!r}).connect()", check=False)
            assert (tried.returncode == 0) is works, (db, tried.stderr[-500:])
    finally:
        with Step("teardown (stop everything, remove accounts)"):
            if (args.state / "hub.json").is_file():
                hubctl.teardown(hubctl.load(args.state))
        TIMINGS["whole cycle"] = round(time.monotonic() - started, 2)
        print("\nHub cycle timings (s):", json.dumps(TIMINGS, indent=1), file=sys.stderr)
        (REPO / "test-results").mkdir(exist_ok=True)  # kept after a passing run too, for the figures
        (REPO / "test-results" / "hub-cycle-timings.json").write_text(json.dumps(TIMINGS, indent=1) + "\n")
    assert leftovers(uids, args.state, names) == []
