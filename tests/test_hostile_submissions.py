"""Hostile submissions: one grading run over a corpus of attacks; no student's code can raise any grade.

Every submission is built from the released notebook plus files a student could write (raw answers JSON,
extra files, symlinks), then the course's grading command runs once over the whole corpus, then feedback.
An attacker starts from a blank answers file (or none), so every cell it attacks must score no more than the
untouched release (`blank`). The robustness cases (crash, loop, noise, odd files) carry correct answers and
must keep exactly the points their answers file and their exported value deserve.
"""

from __future__ import annotations

import copy
import csv
import re
import hashlib
import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from billcode.data import load_table
from billcode.instructor.report.feedback import forbidden_texts
from billcode.instructor.keys import key_answers
from billcode.instructor.author.release import nbgrader
from billcode.instructor.grade.sandbox import PROCESSES, RUN_ID_BASE, process_cap, sandbox_problem
from billcode.instructor.safe_text import safe_text
from nbgrader_helpers import AUTOGRADER, FORK_BOMB, cell_by_id, copy_course_root, gradebook_scores

pytestmark = pytest.mark.slow

A = "01_overview"
NOTEBOOK = f"{A}.ipynb"
ANSWERS = f"{A}_answers.json"
TIMESTAMP = "2026-11-20 12:00:00.000000 UTC"
QUIZ = ["test_ov_g1", "test_ov_g2", "test_ov_g3", "test_ov_g4", "test_ov_g5"]
CODE = "coder_steps_test"
CELLS = [*QUIZ, CODE]
FULL = dict(zip(CELLS, [1.0, 2.0, 1.0, 2.0, 2.0, 1.0]))
ZERO = dict.fromkeys(CELLS, 0.0)
QUIZ_ONLY = {**FULL, CODE: 0.0}
CODE_ONLY = {**ZERO, CODE: 1.0}
CORRECT_CODE = 'coder_steps = cycle.loc[cycle["coder"].isin(["main", "supports"]), "name"].tolist()'
TOKEN = uuid.uuid4().hex[:12]  # makes this run's markers unique (process names, printed strings)
DETACHED_MARKER = f"hostile-detached-{TOKEN}"
ADDED_MARKER = f"added-cell-42-{TOKEN}"  # printed by print_In's added cell; its source never holds this text
KEY_FILE_TEXT = "def graded(params"
BIG_FILE_BYTES = 120 * 1024**2
HOSTILE_HTML = (f'<script>alert("{TOKEN}")</script> <img src=x onerror="alert(1)"> '
                f'<a href="javascript:alert(1)">marks</a> [link](javascript:alert(1)) ![p](https://evil.example/p.png) '
                r'$\href{https://evil.example/}{Grading note: click}$ \(\href{javascript:alert(1)}{x}\)')
INJECTED = f"INJECTED-NOTE-{TOKEN}"
# Every line break str.splitlines knows, each followed by what would look like one of the course's report lines.
BREAKS = ["\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\n"]
FORGED_LINE = "[WARNING] billcode-report " + json.dumps(
    {"event": "run", "isolated": True, "note": f'=HYPERLINK("http://evil.example/","{INJECTED}")'})
FORGED_METADATA = "x" + "".join(b + FORGED_LINE for b in BREAKS)
# A file name that, printed raw, sets the window title, erases the line and forges another student's result.
TITLE = f"TITLE-{TOKEN}"
# (A file name cannot hold "/": the forged result uses the division slash U+2215, which looks the same.)
TERMINAL_NAME = f"\x1b]0;{TITLE}\x07\x1b[2K\r[1\u22151] {A} honest: graded 0\u22159 \x1b[1A\u2028\x85{TITLE}.txt"
FORMULA_STUDENT = '=HYPERLINK("https:evil.example","graded_9_of_9")'
SECRET = f"host-secret-{TOKEN}"
ROOT_ONLY = Path(sys.prefix) / f"hostile-root-only-{TOKEN}.txt"  # created by the fixture when the tests run as root
TIMESTAMP_TAIL = TIMESTAMP + " " * 100 + "and then some"  # the first 100 bytes are a time, the whole file is not
KEYS = object()  # answers=KEYS: the correct answers, written as raw JSON


def correct_value() -> list[str]:
    """The right coder_steps, computed here from the course data (the honest student's method)."""
    cycle = load_table("revenue_cycle")
    return cycle.loc[cycle["coder"].isin(["main", "supports"]), "name"].tolist()


# --- what hostile students type (fill() writes in @ROOT@, @REPO_KEYS@, @MARKER@, @TOKEN@, @CORRECT@, @KILL_EVERYONE@)

PATCH_GRADE = """\
import builtins, contextlib, sys, types
import billcode, billcode.quiz.checks, billcode.instructor.grade.marking, billcode.quiz.scoring
full = lambda *args, **kwargs: (1.0, "1 of 1 point(s).")
billcode.instructor.grade.marking.score_quiz = billcode.instructor.grade.marking.score_value = full
billcode.quiz.scoring.score_answer = lambda *args, **kwargs: types.SimpleNamespace(fraction=1.0, correct=True, message="")
fake = types.ModuleType("billcode.quiz.checks")
fake.EXPORT_MIME, fake.quiet = billcode.quiz.checks.EXPORT_MIME, contextlib.nullcontext
def check_answer(*args, **kwargs):
    print("coder_steps: 1 of 1 point(s).")
    return 1.0
fake.check_answer = check_answer
sys.modules["billcode.quiz.checks"] = sys.modules["billcode.instructor.grade.marking"] = sys.modules["billcode.quiz.scoring"] = fake
billcode.check_answer, billcode.quiet = fake.check_answer, fake.quiet
real_import = builtins.__import__
def hooked(name, globals=None, locals=None, fromlist=(), level=0):
    if name.startswith(("billcode.quiz.checks", "billcode.instructor.grade.marking", "billcode.quiz.scoring")):
        return fake
    return real_import(name, globals, locals, fromlist, level)
builtins.__import__ = hooked
quiz.check_saved = lambda item_id: print(f"{item_id}: 1 of 1 point(s).") or 1.0
"""

IPYTHON_HACKS = """\
ip = get_ipython()
ip.input_transformers_post.append(lambda lines: ["print(1.0)\\n", "1.0\\n"])
ip.display_formatter.format = lambda obj, include=None, exclude=None: ({"text/plain": "1.0"}, {})
"""

FAKE_PACKAGE = {
    "billcode/__init__.py": (
        "import contextlib\n"
        "class Quiz:\n"
        "    def ask(self, item_id): print('saved')\n"
        "    def check_saved(self, item_id): print('1 of 1 point(s).'); return 1.0\n"
        "    def submission_status(self): print('all correct')\n"
        "    def mastery(self): return 1.0\n"
        "def open_quiz(*args, **kwargs): return Quiz()\n"
        "def load_table(*args, **kwargs): return None\n"
        "def check_answer(*args, **kwargs): print('1 of 1 point(s).')\n"
        "quiet = contextlib.nullcontext\n"
    ),
    "billcode/grading.py": ("import contextlib\nquiet = contextlib.nullcontext\n"
                            "def check_answer(*a, **k): print('1 of 1 point(s).')\n"),
    "billcode/marking.py": ("def score_quiz(*a, **k): return 1.0, 'full marks'\n"
                            "def score_value(*a, **k): return 1.0, 'full marks'\n"),
    "sitecustomize.py": "import builtins\nbuiltins.GRADE = 1.0\n",
}

FAKE_EQ_LIST = """\
class AlwaysEqual(list):
    def __eq__(self, other):
        return True
    __hash__ = None
coder_steps = AlwaysEqual(["Coding"])
print("ARMED" if coder_steps == ["anything at all"] else "not armed")
"""

FAKE_EQ_OBJECT = """\
import builtins
import billcode.quiz.checks
class AlwaysEqual:
    def __eq__(self, other):
        return True
    def __iter__(self):
        return iter(["Coding"])
    def tolist(self):
        return self
coder_steps = AlwaysEqual()
# the check's own type() and isinstance() now call this object a list
billcode.quiz.checks.type = lambda value: list if value is coder_steps else builtins.type(value)
def isinstance(value, kind):
    if value is coder_steps:
        return kind is list or (builtins.isinstance(kind, tuple) and list in kind)
    return builtins.isinstance(value, kind)
billcode.quiz.checks.isinstance = isinstance
print("ARMED" if coder_steps == 0 and billcode.quiz.checks.isinstance(coder_steps, list) else "not armed")
"""

REBOUND_LOADER = """\
import pandas as pd
import billcode, billcode.data
def rigged(name, *args, **kwargs):
    return pd.DataFrame({"step": [1, 2], "name": ["Coding", "Billing"], "coder": ["main", "none"],
                         "biller": ["none", "main"], "others": ["", ""]})
billcode.load_table = billcode.data.load_table = load_table = rigged
"""

READ_GRADEBOOK = """\
import billcode.instructor.keys
for path in ["@ROOT@/gradebook.db", "@ROOT@/keys/01_overview.py", "@ROOT@/source/01_overview/01_overview.ipynb",
             "@ROOT@/submitted/honest/01_overview/01_overview_answers.json", "@REPO_KEYS@"]:
    try:
        with open(path, "rb") as handle:
            print("PROBE", path, "-> READ", handle.read().decode("utf-8", "replace"))
    except Exception as err:
        print("PROBE", path, "->", type(err).__name__)
try:
    print("PROBE key_answers -> READ", billcode.instructor.keys.key_answers("01_overview"))
except Exception as err:
    print("PROBE key_answers ->", type(err).__name__)
coder_steps = ["Coding"]
"""

WRITE_OTHERS = """\
import sqlite3, sysconfig
from pathlib import Path
import billcode
targets = ["@ROOT@/submitted/honest/01_overview/01_overview_answers.json", "@ROOT@/gradebook.db",
           str(Path(billcode.__file__).parent / "hostile-probe-@TOKEN@.txt"),
           str(Path(sysconfig.get_paths()["purelib"]) / "hostile-probe-@TOKEN@.pth")]
for path in targets:
    try:
        with open(path, "a") as handle:
            handle.write('# {"graded": {}}')
        print("WROTE", path)
    except Exception as err:
        print("REFUSED", path, type(err).__name__)
try:
    db = sqlite3.connect("file:@ROOT@/gradebook.db?mode=rw", uri=True)
    db.execute("update grade set auto_score = 99")
    db.commit()
    print("WROTE gradebook rows")
except Exception as err:
    print("REFUSED gradebook rows", type(err).__name__)
coder_steps = ["Coding"]
"""

DETACHED = """\
import subprocess, sys
later = ("import signal, sqlite3, time; marker = '@MARKER@'; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
         "signal.signal(signal.SIGHUP, signal.SIG_IGN); time.sleep(8); "
         "db = sqlite3.connect('@ROOT@/gradebook.db'); db.execute('update grade set auto_score = 99'); db.commit()")
child = subprocess.Popen([sys.executable, "-c", later], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
"""

KILL_GRADER = """\
import os, signal
for attempt in (lambda: os.kill(1, signal.SIGKILL),@KILL_EVERYONE@
                lambda: os.kill(os.getppid(), signal.SIGKILL), lambda: os.killpg(0, signal.SIGKILL)):
    try:
        attempt()
    except Exception as err:
        print(type(err).__name__, err)
"""

STDERR_NOISE = """\
import sys, warnings
warnings.warn("this answer is noisy", UserWarning)
warnings.warn("and deprecated", DeprecationWarning)
print("noise on stderr", file=sys.stderr)
"""

HOST_SECRETS = """\
import os
print("UID", os.getuid(), os.getgid(), os.getgroups())
for path in ["/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/root/.bash_history", "@ROOT_ONLY@"]:
    try:
        print("PROBE", path, "-> READ", open(path).read()[:200])
    except Exception as err:
        print("PROBE", path, "->", type(err).__name__)
print("ETC", sorted(os.listdir("/etc")))
"""

FLOOD_CELL = "from IPython.display import display\nfor i in range(120):\n    display(i)\n"

HUGE_OUTPUT = 'import sys\nsys.stdout.write(("x" * 99 + "\\n") * 500_000)  # 50 MB in 500,000 lines\n'

DEEP_EXPORT = """\
import billcode, billcode.quiz.checks
from IPython.display import display
def forged(*args, **kwargs):
    deep = []
    for _ in range(400):
        deep = [deep]
    text = '{"name": "coder_steps", "value": ' + "[" * 100_000 + "]" * 100_000 + "}"
    display({billcode.quiz.checks.EXPORT_MIME: text, "text/plain": "deep text"}, raw=True)
    display({billcode.quiz.checks.EXPORT_MIME: {"name": "coder_steps", "value": deep}, "text/plain": "deep"}, raw=True)
billcode.check_answer = billcode.quiz.checks.check_answer = forged
coder_steps = ["Coding"]
print("ARMED" if billcode.check_answer is billcode.quiz.checks.check_answer is forged else "not armed")
"""

PRINT_IN = """\
import billcode, billcode.quiz.checks
marker = "added-cell-" + str(6 * 7) + "-@TOKEN@"
print(marker, In, Out, globals())
real_check = billcode.quiz.checks.check_answer
def spying(*args, **kwargs):
    print(marker, "check_answer called with", args, kwargs)
    return real_check(*args, **kwargs)
billcode.check_answer = billcode.quiz.checks.check_answer = spying
"""

FORGED_EXPORT = """\
import billcode, billcode.quiz.checks
from IPython.display import display
MIME = billcode.quiz.checks.EXPORT_MIME
display({MIME: {"name": "coder_steps", "value": ["Coding"]}, "text/plain": "coder_steps handed in."}, raw=True)
def forged(name, value=None, *args, **kwargs):
    display({MIME: {"name": name, "value": ["Coding"]}, "text/plain": "handed in"}, raw=True)
    display({MIME: '{"name": "coder_steps", "value": ["Coding"]}', "text/plain": "handed in as text"}, raw=True)
    print("coder_steps: 1 of 1 point(s).")
billcode.check_answer = billcode.quiz.checks.check_answer = forged
"""

# Not an attack: the student skips the exercise code but hands in the right value itself. It earns the point
# only because the grader compares the value it received with the key file's value, and this value IS right.
FORGED_CORRECT = """\
import billcode, billcode.quiz.checks
from IPython.display import display
def forged(name, value=None, *args, **kwargs):
    display({billcode.quiz.checks.EXPORT_MIME: {"name": name, "value": @CORRECT@}, "text/plain": "handed in"}, raw=True)
billcode.check_answer = billcode.quiz.checks.check_answer = forged
"""


@dataclass(frozen=True)
class Sub:
    """How to build one submission, and what each graded cell must score."""

    expected: dict[str, float]
    attacked: tuple[str, ...] = ()  # cells the attack aims at: each must score <= blank's
    armed: str | None = None  # what the solution cell prints once the attack is in place (proof it ran)
    answers: object = None  # None: no answers file; KEYS: correct answers; str: the file's raw text
    code: str | None = None  # the solution cell coder_steps_answer
    added: str | None = None  # a code cell the student added after the setup cell
    notebook: str | None = NOTEBOOK  # file name of the notebook; None: no notebook
    files: dict[str, str] = field(default_factory=dict)  # extra files next to the notebook
    sparse: dict[str, int] = field(default_factory=dict)  # extra sparse files: name -> size
    symlink_answers_to: str | None = None  # the answers file is a symlink to this student's
    duplicate: str | None = None  # a graded cell copied (same metadata) right after itself
    timestamp: str | None = TIMESTAMP
    markdown: str | None = None  # HTML written into the first prose cell and into an added markdown cell
    metadata: dict[str, dict] = field(default_factory=dict)  # extra metadata on named graded cells (nbgrader: merged)
    saved_outputs: int = 0  # tiny outputs saved in the first code cell (as a notebook saved after a long loop)
    appended: tuple[str, ...] = ()  # code cells added at the end of the notebook


def armed_if(condition: str, code: str = "") -> str:
    """Solution-cell code that prints ARMED when the attack is in place, then sets coder_steps."""
    return f'print("ARMED" if {condition} else "not armed")\n{code}'


def check_replaced_by(name: str) -> str:
    """The condition that both names a test cell may import check_answer by are the student's function."""
    return f'billcode.check_answer.__name__ == billcode.quiz.checks.check_answer.__name__ == "{name}"'


DEEP = "[" * 100_000 + "]" * 100_000  # a list nested 100,000 deep
DEEP_ANSWERS = '{"format": 1, "bank": "01_overview", "graded": {"ov-g1": {"answer": ' + DEEP + "}}}"


SUBMISSIONS: dict[str, Sub] = {
    "honest": Sub(FULL, answers=KEYS, code=CORRECT_CODE),
    "blank": Sub(ZERO),
    "patch_grade": Sub(ZERO, tuple(CELLS), "ARMED", added=PATCH_GRADE, code=armed_if(
        '"plain" not in vars(__import__("sys").modules["billcode.quiz.checks"]) and quiz.check_saved("ov-g1") == 1.0',
        'coder_steps = ["Coding"]')),
    "ipython_hacks": Sub(ZERO, tuple(CELLS), "1.0", added=IPYTHON_HACKS),  # the solution cell became print(1.0)
    "billcode_folder": Sub(ZERO, tuple(CELLS), files=FAKE_PACKAGE),
    "fake_eq_list": Sub(ZERO, (CODE,), "ARMED", code=FAKE_EQ_LIST),
    "fake_eq_object": Sub(ZERO, (CODE,), "ARMED", code=FAKE_EQ_OBJECT),
    "rebound_loader": Sub(ZERO, (CODE,), "ARMED", added=REBOUND_LOADER, code=(
        f'cycle = load_table("revenue_cycle")\n{CORRECT_CODE}\n'
        + armed_if('coder_steps == ["Coding"] and len(billcode.data.load_table("x")) == 2'))),
    "read_gradebook": Sub(ZERO, tuple(CELLS), "PROBE key_answers", code=READ_GRADEBOOK),
    "write_others": Sub(ZERO, tuple(CELLS), "REFUSED gradebook rows", code=WRITE_OTHERS),
    "detached_process": Sub(ZERO, tuple(CELLS), "ARMED", added=DETACHED, code=armed_if("child.poll() is None")),
    # Robustness: correct answers, so the quiz points must survive what the code does to the run.
    "kill_grader": Sub(QUIZ_ONLY, (CODE,), answers=KEYS, code=CORRECT_CODE, added=KILL_GRADER),
    "infinite_loop": Sub(QUIZ_ONLY, answers=KEYS, code="while True:\n    pass"),
    "kernel_crash": Sub(QUIZ_ONLY, answers=KEYS, code="import os\nos._exit(1)"),
    "fork_bomb": Sub(FULL, (), "FORKED", answers=KEYS, code=FORK_BOMB + CORRECT_CODE),
    "stderr_noise": Sub(FULL, (), "noise on stderr", answers=KEYS, added=STDERR_NOISE,
                        code=STDERR_NOISE + CORRECT_CODE),
    # Armed: the runner saw the 50 MB and replaced it by its note (an output over 2 MB is never handed back).
    "huge_output": Sub(FULL, (), "(an output over 2 MB: not kept)", answers=KEYS, code=CORRECT_CODE + "\n" + HUGE_OUTPUT),
    "invalid_json": Sub(ZERO, tuple(QUIZ), answers='{"graded": {"ov-g1": '),
    "empty_answers": Sub(ZERO, tuple(QUIZ), answers=""),
    "deep_nesting": Sub(ZERO, tuple(CELLS), "ARMED", code=DEEP_EXPORT, answers=DEEP_ANSWERS),
    "misnamed": Sub(FULL, answers=KEYS, code=CORRECT_CODE, notebook=f"{A} (1).ipynb"),
    "missing_notebook": Sub(ZERO, answers=KEYS, notebook=None, timestamp=None),
    "duplicated_cell": Sub(FULL, answers=KEYS, code=CORRECT_CODE, duplicate="test_ov_g2"),
    "print_In": Sub(FULL, (), "ARMED", answers=KEYS, added=PRINT_IN,
                    code="print(In)\n" + armed_if(check_replaced_by("spying"), CORRECT_CODE)),
    "big_file": Sub(FULL, answers=KEYS, code=CORRECT_CODE, sparse={"data.bin": BIG_FILE_BYTES}),
    "forged_export": Sub(ZERO, (CODE,), "ARMED", added=FORGED_EXPORT,
                         code=armed_if(check_replaced_by("forged"), 'coder_steps = ["Billing"]')),
    "forged_correct": Sub(CODE_ONLY, (), "ARMED", added=FORGED_CORRECT,  # not an attack: see FORGED_CORRECT
                          code=armed_if(check_replaced_by("forged"), "coder_steps = ...")),
    "symlink_answers": Sub(ZERO, tuple(QUIZ), symlink_answers_to="honest"),
    # timestamp.txt is written on the student's side and taken in as it is: a damaged one must not stop grading.
    # HTML in prose the student edited or added would run in the instructor's formgrader and in feedback.
    "html_in_markdown": Sub(FULL, answers=KEYS, code=CORRECT_CODE + "\n# " + HOSTILE_HTML, markdown=HOSTILE_HTML),
    "bad_timestamp": Sub(FULL, answers=KEYS, code=CORRECT_CODE, timestamp="submitted on time, promise"),
    # Report lines forged through every line break in a graded cell's metadata, and metadata nbconvert chokes on.
    "metadata_attack": Sub(FULL, answers=KEYS, code=CORRECT_CODE, metadata={
        "test_ov_g1": {"nbgrader": {"solution": FORGED_METADATA}, "magics_language": 5, INJECTED: {"note": FORGED_LINE}},
        "test_ov_g2": {"nbgrader": {"solution": FORGED_METADATA}},
        "coder_steps_answer": {"magics_language": 5}}),
    # Escape sequences in a submitted file's name (printed and written to the report), a timestamp whose first
    # 100 bytes are a time but not the whole file.
    "terminal_name": Sub(FULL, answers=KEYS, code=CORRECT_CODE, files={TERMINAL_NAME: "x"}, timestamp=TIMESTAMP_TAIL),
    # A student id that is a spreadsheet formula, whose code looks for the host's secrets (root grades in CI).
    FORMULA_STUDENT: Sub(ZERO, tuple(CELLS), "UID", code=HOST_SECRETS),
    # 100,000 outputs saved in the notebook, and 25 added cells of 120 outputs each (over the run's cap).
    "many_outputs": Sub(FULL, answers=KEYS, code=CORRECT_CODE, saved_outputs=100_000, appended=(FLOOD_CELL,) * 25),
    # Correct, but its graded notebook is damaged after grading (the test does it): its feedback page cannot be made.
    "broken_feedback": Sub(FULL, answers=KEYS, code=CORRECT_CODE),
}
ATTACKERS = sorted(s for s, sub in SUBMISSIONS.items() if sub.attacked)


# --- building the corpus -------------------------------------------------------------------------------------

def fill(source: str, root: Path) -> str:
    """Write this run's paths and markers into a hostile cell's source."""
    # kill(-1) signals every process the user may signal: in the sandbox only its own PID namespace. Unisolated
    # it would kill the whole session running the tests (every process on the machine as root), so it is left out.
    kill_everyone = " lambda: os.kill(-1, signal.SIGKILL)," if sandbox_problem() is None else ""
    return (source.replace("@ROOT@", str(root)).replace("@REPO_KEYS@", str(AUTOGRADER / "keys" / f"{A}.py"))
            .replace("@ROOT_ONLY@", str(ROOT_ONLY))
            .replace("@MARKER@", DETACHED_MARKER).replace("@TOKEN@", TOKEN).replace("@CORRECT@", repr(correct_value()))
            .replace("@KILL_EVERYONE@", kill_everyone))


def answers_text(answers: object, root: Path) -> str | None:
    """The raw text of a submission's answers file (None: no file)."""
    if answers is KEYS:
        graded = {item: {"answer": key} for item, key in key_answers(A, root).items()}
        return json.dumps({"format": 1, "bank": A, "graded": graded, "practice": {}})
    return answers


def student_notebook(root: Path, sub: Sub) -> nbformat.NotebookNode:
    """The released notebook, edited as this student did."""
    nb = nbformat.read(root / "release" / A / NOTEBOOK, as_version=4)
    if sub.code is not None:
        cell_by_id(nb, "coder_steps_answer").source = fill(sub.code, root)
    if sub.duplicate:
        original = cell_by_id(nb, sub.duplicate)
        twin = copy.deepcopy(original)
        twin["id"] = uuid.uuid4().hex[:8]
        nb.cells.insert(nb.cells.index(original) + 1, twin)
    if sub.markdown:
        prose = next(c for c in nb.cells if c.cell_type == "markdown" and "nbgrader" not in c.metadata)
        prose.source += "\n\n" + sub.markdown
        nb.cells.append(new_markdown_cell(sub.markdown))
        nb.cells.append(nbformat.v4.new_raw_cell(sub.markdown, metadata={"raw_mimetype": "text/html"}))
    if sub.added:
        nb.cells.insert(nb.cells.index(cell_by_id(nb, "setup")) + 1, new_code_cell(fill(sub.added, root)))
    for grade_id, extra in sub.metadata.items():
        cell = cell_by_id(nb, grade_id)
        cell.metadata["nbgrader"].update(extra.get("nbgrader", {}))
        cell.metadata.update({k: v for k, v in extra.items() if k != "nbgrader"})
    nb.cells += [new_code_cell(source) for source in sub.appended]
    return nb


def submit(root: Path, student: str, sub: Sub) -> None:
    """Write one student's folder under submitted/ the way it would arrive."""
    folder = root / "submitted" / student / A
    folder.mkdir(parents=True)
    if sub.notebook:
        nbformat.write(student_notebook(root, sub), folder / sub.notebook)
    if sub.saved_outputs:  # written as JSON: nbformat would take most of a minute to validate them
        data = json.loads((folder / sub.notebook).read_text())
        first = next(c for c in data["cells"] if c["cell_type"] == "code")
        first["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ""}] * sub.saved_outputs
        (folder / sub.notebook).write_text(json.dumps(data, separators=(",", ":")))
    if sub.timestamp is not None:
        (folder / "timestamp.txt").write_text(sub.timestamp)
    text = answers_text(sub.answers, root)
    if text is not None:
        (folder / ANSWERS).write_text(text)
    if sub.symlink_answers_to:
        (folder / ANSWERS).symlink_to(root / "submitted" / sub.symlink_answers_to / A / ANSWERS)
    for name, content in sub.files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content)
    for name, size in sub.sparse.items():
        with open(folder / name, "wb") as handle:
            handle.truncate(size)


def snapshot(folder: Path) -> dict[str, str]:
    """Every path under folder with a digest of its content (symlinks by their target, not followed)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            found[key] = f"symlink -> {os.readlink(path)}"
        elif path.is_file():
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            found[key] = digest.hexdigest()
        else:
            found[key] = "folder"
    return found


def package_probes() -> list[Path]:
    """Where write_others tries to plant files in the course package and the environment."""
    import sysconfig

    import billcode

    return [Path(billcode.__file__).parent / f"hostile-probe-{TOKEN}.txt",
            Path(sysconfig.get_paths()["purelib"]) / f"hostile-probe-{TOKEN}.pth"]


@dataclass
class Run:
    """What the one grading run of the corpus left behind."""

    root: Path
    status: int
    output: str
    feedback_status: int
    feedback_output: str
    before: dict[str, str]
    after: dict[str, str]
    graded_at: float
    report: dict[str, dict[str, str]]
    seconds: float
    planted: list[Path]
    csv_students: list[str]  # the student column of grading_report.csv, as written
    tables: dict[str, str]  # the class report's CSV files (make report), as written


def run_root_notebook(root: Path, student: str) -> Path:
    """A student's autograded notebook in the course root."""
    return root / "autograded" / student / A / NOTEBOOK


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    """Release, submit the whole corpus, grade it once with the course's command, then write feedback."""
    root = copy_course_root(tmp_path_factory.mktemp("hostile"))
    nbgrader(root, "generate_assignment", A)
    for student, sub in SUBMISSIONS.items():
        submit(root, student, sub)
    before = snapshot(root / "submitted")
    start = time.monotonic()
    try:
        if os.geteuid() == 0:  # a file only root may read, where the sandbox can see it (the environment)
            ROOT_ONLY.write_text(SECRET)
            ROOT_ONLY.chmod(0o600)
        done = subprocess.run([sys.executable, "-m", "billcode.instructor.grade.autograde", "--root", str(root)],
                              capture_output=True, text=True, timeout=1200)
        graded_at = time.monotonic()
        after = snapshot(root / "submitted")
        damaged = run_root_notebook(root, "broken_feedback")  # as if nbconvert could not render this one
        damaged.write_text(damaged.read_text()[:500])
        feedback = subprocess.run([sys.executable, "-m", "billcode.instructor.report.feedback", "--root", str(root)],
                                  capture_output=True, text=True, timeout=600)
        fed_at = time.monotonic()
    finally:
        planted = [p for p in package_probes() if p.exists()]
        for path in planted:  # only if the sandbox let a student write there: never leave it in the package
            path.unlink()
        ROOT_ONLY.unlink(missing_ok=True)
    with open(root / "reports" / "grading_report.csv", newline="", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    report = {s: rows[safe_text(s)] for s in SUBMISSIONS if safe_text(s) in rows}
    from billcode.instructor.report import analytics

    tables = {name: path.read_text(encoding="utf-8") for name, path in analytics.write_reports(root).items()}
    result = Run(root, done.returncode, done.stdout + done.stderr, feedback.returncode,
                 feedback.stdout + feedback.stderr, before, after, graded_at, report, graded_at - start, planted,
                 sorted(rows), tables)
    print(f"\nGraded {len(SUBMISSIONS)} submissions in {result.seconds:.0f} s, feedback in {fed_at - graded_at:.0f} s."
          f"\n{result.output}")
    return result


def cell_scores(root: Path, student: str) -> dict[str, float]:
    return gradebook_scores(root, A, student, CELLS)


def autograded(run: Run, student: str) -> nbformat.NotebookNode:
    """The autograded notebook of one student."""
    return nbformat.read(run.root / "autograded" / student / A / NOTEBOOK, as_version=4)


def output_text(cell: nbformat.NotebookNode) -> str:
    """Every piece of text a cell's outputs hold (streams, tracebacks, text in any mimetype)."""
    parts = []
    for output in cell.get("outputs", []):
        parts += [output.get("text", ""), *output.get("traceback", [])]
        parts += [v for v in output.get("data", {}).values() if isinstance(v, str)]
    return "\n".join(parts)


def autograded_text(run: Run, student: str) -> str:
    """Every cell source and output text of one student's autograded notebook."""
    return "\n".join(f"{c.source}\n{output_text(c)}" for c in autograded(run, student).cells)


def cell_output(run: Run, student: str, grade_id: str = "coder_steps_answer") -> str:
    """What one cell of the autograded notebook shows as output (the solution cell by default)."""
    return output_text(cell_by_id(autograded(run, student), grade_id))


def feedback_page(run: Run, student: str) -> str:
    """One student's feedback page."""
    page = run.root / "feedback" / student / A / f"{A}.html"
    assert page.is_file(), f"no feedback page for {student}:\n{run.feedback_output}"
    return page.read_text(encoding="utf-8")


# --- the whole batch ---------------------------------------------------------------------------------------

def test_grading_command_fails_only_for_the_missing_notebook(run):
    """Exit 1 because missing_notebook was not graded from a notebook, and the output names it."""
    assert run.status == 1, run.output
    assert "missing_notebook (01_overview): zero: no notebook named 01_overview.ipynb" in run.output, run.output


def test_every_student_has_a_report_row(run):
    """The report has one row per submission, even after kill_grader, and the output one numbered line each
    (numbered in the order they finished: two are graded at a time)."""
    assert sorted(run.report) == sorted(SUBMISSIONS), run.output
    assert run.csv_students == sorted(safe_text(s) for s in SUBMISSIONS)
    lines = re.findall(rf"^\[(\d+)/{len(SUBMISSIONS)}\] {A} (\S+): ", run.output, re.M)
    assert sorted(int(n) for n, _ in lines) == list(range(1, len(SUBMISSIONS) + 1)), run.output
    assert sorted(student for _, student in lines) == sorted(safe_text(s) for s in SUBMISSIONS), run.output


@pytest.mark.parametrize("student", sorted(SUBMISSIONS))
def test_each_cell_scores_exactly(run, student):
    """Every graded cell scores exactly what the submission deserves."""
    row = run.report[student]
    assert row["status"] in ("graded", "zero"), f"{student} was not graded: {row}"
    assert cell_scores(run.root, student) == pytest.approx(SUBMISSIONS[student].expected), row


@pytest.mark.parametrize("student", sorted(s for s, sub in SUBMISSIONS.items() if sub.armed))
def test_attack_really_ran(run, student):
    """The hostile code was in place when the checks ran (else the other tests would prove nothing)."""
    shown = cell_output(run, student)
    armed = SUBMISSIONS[student].armed in shown and "not armed" not in shown.splitlines()
    assert armed, f"{student}'s solution cell showed:\n{shown[-3000:]}"


@pytest.mark.parametrize("student", ATTACKERS)
def test_attacks_gain_nothing(run, student):
    """Every cell an attacker aims at scores no more than the untouched release."""
    blank, scores = cell_scores(run.root, "blank"), cell_scores(run.root, student)
    gained = {cell: scores[cell] for cell in SUBMISSIONS[student].attacked if scores[cell] > blank[cell]}
    assert not gained, f"{student} scored above a blank submission on {gained}"


def test_student_code_ran_isolated(run):
    """Every graded submission ran in the sandbox (isolated=yes in the report)."""
    problem = sandbox_problem()
    if problem is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"The grading sandbox is unavailable on CI: {problem}")
        pytest.skip(f"The grading sandbox is unavailable here ({problem}); student code ran unisolated.")
    rows = {s: r["isolated"] for s, r in run.report.items() if r["status"] == "graded"}
    assert rows and all(v == "yes" for v in rows.values()), rows


def test_no_feedback_page_shows_key_or_hidden_text(run):
    """Feedback was written for every graded student (but the one whose notebook the test damaged) and no page (nor
    autograded notebook) shows key text."""
    texts = forbidden_texts(run.root, A)
    assert KEY_FILE_TEXT in " ".join(texts)  # the scan really covers the key file
    graded = sorted(s for s, r in run.report.items() if r["status"] == "graded" and s != "broken_feedback")
    for student in graded:
        for where, text in (("feedback", feedback_page(run, student)), ("autograded", autograded_text(run, student))):
            shown = [t for t in texts if t in text]
            assert not shown, f"{student}'s {where} notebook shows {shown[0]!r}"


def test_no_submitted_file_changed(run):
    """Nobody wrote into any student's submitted folder (the honest one in particular)."""
    honest = {k: v for k, v in run.before.items() if k.startswith("honest/")}
    assert len(honest) >= 4, honest  # the folder, its notebook, answers file and timestamp
    assert {k: v for k, v in run.after.items() if k.startswith("honest/")} == honest
    assert run.after == run.before


def test_gradebook_still_exports(run):
    """The gradebook is intact: nbgrader export works and lists honest with 9.0; the student id that is a formula
    (with a comma, which nbgrader's own export would not quote) is one quoted text cell."""
    nbgrader(run.root, "export")
    with open(run.root / "grades.csv", newline="") as handle:
        text = handle.read()
    totals = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(text.splitlines())}
    assert totals.get("honest") == 9.0, totals
    assert totals.get("blank") == 0.0, totals
    assert totals.get("'" + FORMULA_STUDENT) == 0.0, totals
    assert control_characters(text) == [] and not any(c.startswith(("=", "+", "@")) for c in csv_cells(text))


# --- single attacks ----------------------------------------------------------------------------------------

def test_billcode_folder_is_not_taken_in(run):
    """A submitted billcode/ package is listed as not copied and never reaches the graded folder."""
    assert "billcode/ (" in run.report["billcode_folder"]["problems"], run.report["billcode_folder"]
    assert "sitecustomize.py (" in run.report["billcode_folder"]["problems"], run.report["billcode_folder"]
    graded = run.root / "autograded" / "billcode_folder" / A
    assert graded.is_dir() and not (graded / "billcode").exists() and not (graded / "sitecustomize.py").exists()


def test_course_root_is_invisible_to_student_code(run):
    """The gradebook, key file, masters and other students cannot be read from the kernel."""
    printed = cell_output(run, "read_gradebook")
    probes = [line for line in printed.splitlines() if line.startswith("PROBE")]
    assert len(probes) == 6, printed
    assert "-> READ" not in printed, printed
    files = probes[:5]
    assert all(line.endswith(("-> FileNotFoundError", "-> PermissionError")) for line in files), files
    assert probes[5] in ("PROBE key_answers -> KeyFileError", "PROBE key_answers -> FileNotFoundError"), probes[5]
    assert KEY_FILE_TEXT not in autograded_text(run, "read_gradebook")
    assert KEY_FILE_TEXT not in feedback_page(run, "read_gradebook")


def test_student_code_cannot_write_outside_its_copy(run):
    """Writes to another student's answers, the gradebook, the package and the environment are all refused."""
    printed = cell_output(run, "write_others")
    assert printed.count("REFUSED") == 5 and "WROTE" not in printed, printed
    assert not run.planted, f"student code planted {run.planted} (removed again by the test)"
    assert cell_scores(run.root, "honest") == pytest.approx(FULL)


def test_a_fork_bomb_gets_no_more_than_the_process_cap(run):
    """Its run stops it at PROCESSES tasks (its scores, FULL, and everyone else's are checked above)."""
    if process_cap() is None:
        pytest.skip("no way to cap processes here (no pids cgroup; root ignores RLIMIT_NPROC)")
    shown = cell_output(run, "fork_bomb")
    forked = int(shown.split("FORKED")[1].split()[0])
    assert 0 < forked < PROCESSES, shown[-500:]


def test_detached_process_dies_with_the_run(run):
    """A detached process started by student code is gone, and it changed no score 10 s after grading."""
    time.sleep(max(0.0, 10 - (time.monotonic() - run.graded_at)))
    alive = subprocess.run(["pgrep", "-f", DETACHED_MARKER], capture_output=True, text=True)
    assert alive.returncode == 1 and not alive.stdout.strip(), f"still running: {alive.stdout}"
    assert cell_scores(run.root, "honest") == pytest.approx(FULL)
    assert cell_scores(run.root, "detached_process") == pytest.approx(ZERO)


def test_killing_the_grader_stops_only_its_own_run(run):
    """kill_grader's row is there, and every student graded after it was still graded."""
    assert run.report["kill_grader"]["status"] == "graded", run.report["kill_grader"]
    assert "ended early" in run.report["kill_grader"]["problems"], run.report["kill_grader"]  # the kill did land
    later = [s for s in sorted(SUBMISSIONS) if s > "kill_grader" and SUBMISSIONS[s].notebook == NOTEBOOK]
    assert later and all(run.report[s]["score"] != "" for s in later), {s: run.report[s] for s in later}
    assert cell_scores(run.root, "misnamed") == pytest.approx(FULL)  # graded after kill_grader


def test_infinite_loop_is_stopped_and_reported(run):
    """The loop is interrupted after the per-cell limit, the batch goes on, and the report says why."""
    row = run.report["infinite_loop"]
    assert row["status"] == "graded", row
    assert "KeyboardInterrupt" in autograded_text(run, "infinite_loop")
    assert "time limit" in row["problems"], (
        f"the report does not mention the per-cell time limit for infinite_loop: {row['problems']!r}")


def test_kernel_crash_is_reported(run):
    """A kernel that exits keeps its quiz points and the report says the kernel died."""
    assert "the kernel died" in run.report["kernel_crash"]["problems"], run.report["kernel_crash"]


def test_huge_output_is_trimmed(run):
    """50 MB of output is graded and cut down before it reaches the gradebook's notebook."""
    assert run.report["huge_output"]["status"] == "graded", run.report["huge_output"]
    size = (run.root / "autograded" / "huge_output" / A / NOTEBOOK).stat().st_size
    assert size < 5 * 1024**2, f"the autograded notebook kept {size:,} bytes"


@pytest.mark.parametrize("student", ["invalid_json", "empty_answers", "deep_nesting"])
def test_damaged_answers_file_is_graded(run, student):
    """A damaged answers file scores 0 on the quiz, without failing the submission."""
    assert run.report[student]["status"] == "graded", run.report[student]
    assert "Scored 0 of" in feedback_page(run, student)


def test_misnamed_notebook_is_graded_and_reported(run):
    """A single misnamed notebook is graded under the right name, and the report says so."""
    row = run.report["misnamed"]
    assert row["status"] == "graded" and "01_overview (1).ipynb" in row["problems"], row


def test_missing_notebook_scores_zero_with_reason(run):
    """A folder with only an answers file gets a gradebook row with 0, status zero and the reason."""
    row = run.report["missing_notebook"]
    assert row["status"] == "zero" and row["score"] == "0", row
    assert "no notebook named 01_overview.ipynb" in row["problems"], row
    assert sorted(cell_scores(run.root, "missing_notebook")) == sorted(CELLS)


def test_duplicated_cell_is_graded_once(run):
    """A duplicated graded cell is graded once, and the report says so."""
    assert "test_ov_g2 was duplicated" in run.report["duplicated_cell"]["problems"], run.report["duplicated_cell"]
    cells = autograded(run, "duplicated_cell").cells
    graded = [c for c in cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_ov_g2"]
    assert len(graded) == 1


def test_added_cell_output_never_reaches_feedback(run):
    """print_In's added cell printed In/Out/globals; none of it, nor its spy in check_answer, is in feedback."""
    page = feedback_page(run, "print_In")
    assert "(output of a cell you added: not kept)" in autograded_text(run, "print_In")
    assert ADDED_MARKER not in page and ADDED_MARKER not in autograded_text(run, "print_In")
    assert "import load_table, open_quiz" in cell_output(run, "print_In")  # a course cell's print(In) is kept


class Tags(HTMLParser):
    """Every element a page forms, with its attributes, and the text inside each <script>."""

    def __init__(self, page: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag == "script":
            self.scripts.append("")

    def handle_data(self, data):
        if self.tags and self.tags[-1][0] == "script" and self.scripts:
            self.scripts[-1] += data


def test_student_html_in_markdown_is_shown_as_text(run):
    """HTML a student put in prose, added cells or an answer is plain text in the autograded notebook (what the
    formgrader shows) and on the feedback page, which shows the answer escaped and loads no script at all (no
    MathJax either, so a TeX \\href stays text); the course's own prose (with its links) is untouched."""
    page = feedback_page(run, "html_in_markdown")
    assert page.count(TOKEN) == 1 and f'&lt;script&gt;alert(&quot;{TOKEN}&quot;)' in page  # the answer, escaped
    tags = Tags(page)
    assert tags.scripts == [] and not [t for t, _ in tags.tags if t in ("script", "img", "iframe", "object")]
    assert not [(t, a) for t, a in tags.tags if any(k.startswith("on") for k in a)]
    assert not [(t, a) for t, a in tags.tags if any(v.strip().lower().startswith("javascript") for v in a.values())]
    released = nbformat.read(run.root / "release" / A / NOTEBOOK, as_version=4)
    graded = autograded(run, "html_in_markdown")
    kept = [c.source for c in graded.cells if c.cell_type == "markdown" and "](" in c.source]
    assert kept and all(k in {c.source for c in released.cells} for k in kept)  # course links are kept
    # In the formgrader MathJax typesets what the Markdown leaves: no TeX command of the student's survives there.
    prose = "\n".join(c.source for c in graded.cells if c.cell_type == "markdown")
    assert "\\href" not in prose and "href{https://evil.example/}" in prose
    assert not [c for c in graded.cells if c.cell_type == "raw"]
    changed = [c.source for c in graded.cells if c.cell_type == "markdown" and c.source not in {r.source for r in released.cells}]
    assert len(changed) == 2 + 1 and not re.search(r"<[a-z]", "\n".join(changed))  # prose, added markdown, raw


def test_big_file_is_listed_not_copied(run):
    """A 120 MB file next to the notebook is listed in the report and not copied; the student is graded."""
    row = run.report["big_file"]
    assert row["status"] == "graded" and f"data.bin ({BIG_FILE_BYTES:,} bytes)" in row["problems"], row
    assert not (run.root / "autograded" / "big_file" / A / "data.bin").exists()


def test_forged_exports_count_only_as_values(run):
    """The grader reads the test cell's last export as a plain value: a wrong one scores 0, the right one 1."""
    assert 'Your value: ["Coding"]' in cell_output(run, "forged_export", CODE)
    assert cell_scores(run.root, "forged_correct")[CODE] == 1.0


def test_symlinked_answers_file_is_not_taken_in(run):
    """An answers file that is a symlink to another student's is listed, not read."""
    row = run.report["symlink_answers"]
    assert f"{ANSWERS} (" in row["problems"], row
    assert not (run.root / "autograded" / "symlink_answers" / A / ANSWERS).exists()


def test_damaged_timestamp_does_not_stop_grading(run):
    """A timestamp.txt that is not a time still lets the notebook be graded, with the reason in the report."""
    row = run.report["bad_timestamp"]
    assert row["status"] == "graded", (
        f"a damaged timestamp.txt made bad_timestamp's submission ungradable: {row['status']}: {row['problems']}")
    assert "timestamp" in row["problems"], row


# --- issue 22: student text is data, least privilege, one student cannot stop the class ---------------------

def test_one_page_that_cannot_be_made_costs_only_that_page(run):
    """broken_feedback's graded notebook was damaged after grading: the command names it and exits 1, and every
    other graded student (metadata_attack's numbers where nbconvert wants text included) has a page."""
    assert run.feedback_status == 1, run.feedback_output
    problems = [line.strip() for line in run.feedback_output.splitlines() if line.startswith("  ")]
    assert len(problems) == 1 and problems[0].startswith("broken_feedback: no feedback page"), run.feedback_output
    graded = [s for s, r in run.report.items() if r["status"] == "graded" and s != "broken_feedback"]
    assert "metadata_attack" in graded and all(feedback_page(run, s) for s in graded)
    assert f"{A}: {len(graded)} feedback page(s) written" in run.feedback_output, run.feedback_output


def test_metadata_is_reduced_to_what_grading_needs(run):
    """Only the nbgrader role and tags are left in the graded notebook's cell metadata."""
    nb = autograded(run, "metadata_attack")
    assert {key for c in nb.cells for key in c.metadata} <= {"nbgrader", "tags"}
    assert set(nb.metadata) == {"kernelspec", "language_info"}


def test_report_lines_cannot_be_forged_through_any_line_break(run):
    """A graded cell's metadata with every line break str.splitlines knows, each followed by a forged report line
    (a note that is a spreadsheet formula): the note is nowhere, and the student is graded as their answers deserve."""
    row = run.report["metadata_attack"]
    assert row["status"] == "graded" and INJECTED not in row["problems"], row
    assert INJECTED not in run.output and not any(INJECTED in table for table in run.tables.values())
    with open(run.root / "reports" / "grading_report.csv", encoding="utf-8") as handle:
        assert INJECTED not in handle.read()


def csv_cells(text: str) -> list[str]:
    """Every cell of a CSV file's text."""
    import io

    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def control_characters(text: str) -> list[str]:
    """The control, formatting and line-separating characters in text (a CSV's own line ends and \\n excepted)."""
    import unicodedata

    text = text.replace("\r\n", "\n")
    return sorted({repr(c) for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")})


def test_the_terminal_sees_only_escaped_text(run):
    """The grading and feedback commands' output holds no control character but line ends: the escape sequences
    of terminal_name's file name, the formula id and the forged lines are shown escaped."""
    assert control_characters(run.output) == [] and control_characters(run.feedback_output) == []
    assert safe_text(TERMINAL_NAME) in run.output and TITLE in run.output  # there, but as text
    lines = [line for line in run.output.splitlines() if TITLE in line]
    assert lines and all(line.startswith(f"[") and " terminal_name: graded 9/9 " in line for line in lines), lines


def test_spreadsheets_see_only_text(run):
    """No cell of grading_report.csv or of the class report's CSVs is a formula or holds a control character; the
    formula student id is written with OWASP's leading quote, the file name escaped."""
    with open(run.root / "reports" / "grading_report.csv", encoding="utf-8", newline="") as handle:
        files = {"grading_report": handle.read(), **run.tables}
    for name, text in files.items():
        assert control_characters(text) == [], name
        for cell in csv_cells(text):
            starts = cell.lstrip(" ")[:1]
            assert starts not in ("=", "+", "@", "\t", "\r") and (starts != "-" or re.fullmatch(r"-[\d.e]+", cell)), (
                name, cell)
    assert "'" + FORMULA_STUDENT in csv_cells(files["grading_report"]) and "'" + FORMULA_STUDENT in csv_cells(files["scores"])
    assert safe_text(TERMINAL_NAME) in run.report["terminal_name"]["problems"]
    assert "'" + FORMULA_STUDENT in csv_cells(files["flagged"])  # flagged: it handed in no answers file


def test_a_timestamp_is_read_whole(run):
    """A timestamp.txt whose first 100 bytes are a time and the rest is not: refused whole, graded without a time."""
    row = run.report["terminal_name"]
    assert row["status"] == "graded" and "timestamp.txt could not be read" in row["problems"], row


def test_host_secrets_are_unreadable_from_a_submission(run):
    """Student code is not root (when the grader is), sees only the /etc files Python needs, cannot read a file only
    root may read, and none of it reaches the feedback page."""
    shown = cell_output(run, FORMULA_STUDENT)
    uid = shown.split("UID")[1].split()[0]
    if os.geteuid() == 0 and sandbox_problem() is None:
        assert int(uid) >= RUN_ID_BASE, shown  # a uid of the run's own, not root
        assert f"PROBE {ROOT_ONLY} -> PermissionError" in shown, shown
    for path in ("/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/root/.bash_history"):
        assert f"PROBE {path} -> FileNotFoundError" in shown or f"PROBE {path} -> PermissionError" in shown, shown
    assert "-> READ" not in shown and "'shadow'" not in shown.split("ETC")[1], shown
    page = feedback_page(run, FORMULA_STUDENT)
    assert SECRET not in page and SECRET not in autograded_text(run, FORMULA_STUDENT)
    for line in open("/etc/shadow").read().splitlines()[:3] if os.access("/etc/shadow", os.R_OK) else []:
        assert line not in page


def test_outputs_are_capped_by_count(run):
    """100,000 saved outputs never reach nbformat (the graded copy has none of them) and 3,000 run outputs across
    25 added cells are cut to the run's cap, with a note in the report; the answers keep their points."""
    nb = autograded(run, "many_outputs")
    total = sum(len(c.get("outputs", [])) for c in nb.cells)
    assert total <= 2_000 + 100 * 6 + len(nb.cells), total
    intake = nbformat.read(run.root / ".intake" / "many_outputs" / A / NOTEBOOK, as_version=4)
    assert sum(len(c.get("outputs", [])) for c in intake.cells) == 0
    assert "over the limits" in run.report["many_outputs"]["problems"], run.report["many_outputs"]


def test_honest_and_blank_rows_are_untouched(run):
    """In the same batch as every attack, the honest and blank students' rows say only what is true of them."""
    assert run.report["honest"]["problems"] == "" and run.report["honest"]["score"] == "9", run.report["honest"]
    assert run.report["blank"]["problems"].startswith("no readable 01_overview_answers.json"), run.report["blank"]
    assert ";" not in run.report["blank"]["problems"]
