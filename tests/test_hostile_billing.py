"""Hostile students on the billing notebooks' function exercises (patient_share in 02_billing, pointer_problem in
02b_billing_payments): one grading run over both assignments, with a class secret set.

Each attacker knows the public source (the key file included) but not the class secret, starts from the
released notebook with no answers file, and must score exactly 0 on every function cell it attacks. Honest
students (a_honest and z_honest are graded first and last, before and after every attacker) keep full marks.

One submission calls the course package's own helpers (library_oracle): that earns points, as a calculator
would, and the grading report names the imports so the instructor can review the answer by hand.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell
from nbgrader_helpers import AUTOGRADER, cell_by_id, copy_course_root, gradebook_scores

from billcode.exercises import EXERCISES
from billcode.instructor.keys import FunctionCheck, QuizKey, load_graded
from billcode.instructor.author.release import nbgrader
from billcode.instructor.grade.sandbox import sandbox_problem
from billcode.instructor.variants import class_params, grading_seed
from billcode.quiz.answers import save_graded
from billcode.quiz.bank import load_bank
from billcode.quiz.checks import plain
from billcode.quiz.params import choose_params

pytestmark = pytest.mark.slow

ASSIGNMENTS = ("02_billing", "02b_billing_payments")  # each student hands in both
FUNCTIONS = {"patient_share": 2.0, "pointer_problem": 2.0}  # bucket and npi_is_valid are practice (02b's stretch)
OWNER = {"patient_share": "02_billing", "pointer_problem": "02b_billing_payments"}  # the notebook of each exercise
FUNCTION_CELLS = [f"{name}_test" for name in FUNCTIONS]
QUIZ = {"test_bl_g1": 1.0, "test_bl_g4": 2.0, "test_bl_g2": 2.0, "test_bl_g3": 2.0}
QUIZ_OWNER = {"test_bl_g1": "02_billing", "test_bl_g4": "02b_billing_payments", "test_bl_g2": "02b_billing_payments",
              "test_bl_g3": "02b_billing_payments"}
FULL = {**QUIZ, **{f"{name}_test": points for name, points in FUNCTIONS.items()}}
ZERO = dict.fromkeys(FULL, 0.0)
CELL_OWNER = {**QUIZ_OWNER, **{f"{name}_{end}": a for name, a in OWNER.items() for end in ("test", "answer")}}
TOKEN = uuid.uuid4().hex[:12]
INJECTED = f"INJECTED-NOTE-{TOKEN}"


def public_checks() -> dict[str, FunctionCheck]:
    """The key file's reference functions (the key file is public in this repo)."""
    found = {}
    for assignment in ASSIGNMENTS:
        graded = load_graded(AUTOGRADER, assignment, choose_params(load_bank(assignment), None))
        found.update({c.name: c for c in graded.values() if isinstance(c, FunctionCheck)})
    return found


def master_solutions() -> dict[str, str]:
    """Each answer cell of the master with its solution in place (the solution markers removed)."""
    found = {}
    for name in FUNCTIONS:
        nb = nbformat.read(AUTOGRADER / "source" / OWNER[name] / f"{OWNER[name]}.ipynb", 4)
        found[name] = "\n".join(line for line in cell_by_id(nb, f"{name}_answer").source.splitlines()
                                if "### " not in line)
    return found


def example_answers() -> dict[str, list]:
    """The right answers on the notebook's own examples (what a faker copies from the master)."""
    checks = public_checks()
    return {name: [plain(checks[name].reference(*args)) for args in EXERCISES[name].cases("example")]
            for name in FUNCTIONS}


def public_seed_guess(student: str, empty: Path, assignment: str) -> str:
    """The seed the grader would use for `student` if the instructor had set no class secret."""
    return grading_seed(empty, assignment, student)


def precomputed(seed: str) -> dict[str, dict]:
    """The full, correct export (reference answers) for a seed, computed with the public key file."""
    checks = public_checks()
    return {name: {"inputs": seed, "results": [{"value": plain(checks[name].reference(*args))}
                                               for args in EXERCISES[name].cases(seed)]}
            for name in FUNCTIONS}


# --- what hostile students type ------------------------------------------------------------------------------
# fill() writes in @ROOT@, @REPO_KEYS@, @EXAMPLES@, @GUESS@, @PRECOMPUTED@, @INJECTED@.

# The grading file holds the grader's one-time label and this student's inputs (as data); the seed never leaves
# the grader. Attackers read what is there.
READ_SEED = ('import json as _json\n_HANDED = _json.load(open(".billcode_grading.json"))\n'
             'SEED = _HANDED["label"]\nN = {k: len(v) for k, v in _HANDED["cases"].items()}\n')

# Replace every check the kernel could run (and the grader's own functions, as far as the kernel sees them);
# the forged check exports, for the real seed, the right NUMBER of results, filled with the examples' answers.
PATCH_CHECKS = READ_SEED + """\
import builtins, sys, types
from IPython.display import display
import billcode, billcode.exercises, billcode.quiz.checks as checks, billcode.instructor.grade.marking as marking
from billcode.billing.exercises import EXERCISES as REAL
MIME = checks.EXPORT_MIME
EXAMPLES = @EXAMPLES@
def forged(name, *args, **kwargs):
    n = N[name]
    results = [{"value": EXAMPLES[name][i % len(EXAMPLES[name])]} for i in range(n)]
    export = {"name": name, "value": {"inputs": SEED, "results": results}}
    display({MIME: export, "text/plain": "handed in"}, raw=True)
    display({MIME: _json.dumps(export), "text/plain": "handed in as text"}, raw=True)
    print(f"{name}: 3 of 3 point(s). Right on all {n} test inputs.")
marking.score_function = marking.score_value = lambda *a, **k: (3.0, "full marks")
marking.same_value = lambda *a, **k: True
checks.grading_inputs = lambda name: (SEED, [])
checks.plain = lambda value, *a, **k: value
billcode.check_function = billcode.exercises.check_function = checks.check_function = forged
billcode.exercises._check = forged
def hooked(name, globals=None, locals=None, fromlist=(), level=0, _real=builtins.__import__):
    module = _real(name, globals, locals, fromlist, level)
    if name == "billcode":
        module.check_function = forged
    return module
builtins.__import__ = hooked
"""

# A post_run_cell hook appends a forged export to every function test cell (after the real one: the grader
# takes the last); the test cells' sources are edited too, and a forging cell is added after each of them.
HOOK = READ_SEED + """\
from IPython.display import display
import billcode.quiz.checks as checks
from billcode.billing.exercises import EXERCISES as REAL
MIME = checks.EXPORT_MIME
FILLER = {"patient_share": 0.0, "pointer_problem": True}
def forge(name):
    results = [{"value": FILLER[name]} for _ in range(N[name])]
    display({MIME: {"name": name, "value": {"inputs": SEED, "results": results}}, "text/plain": "forged"}, raw=True)
def after(result):
    for name in FILLER:
        if f'check_function("{name}"' in (result.info.raw_cell or ""):
            forge(name)
get_ipython().events.register("post_run_cell", after)
"""
FORGE_CELL = 'forge("{name}")\nprint("FORGED {name}")\n'

# Not knowing the class secret, the student assumes there is none, computes their seed with the public fallback,
# and precomputes the right answers for it (with the public key file); the grading file is rewritten to match.
SEED_GUESS = """\
import json
from IPython.display import display
import billcode, billcode.exercises, billcode.quiz.checks as checks
GUESS, PRE = "@GUESS@", json.loads(@PRECOMPUTED@)
open(".billcode_grading.json", "w").write(json.dumps({"label": GUESS, "cases": {}}))
def forged(name, *args, **kwargs):
    display({checks.EXPORT_MIME: {"name": name, "value": PRE[name]}, "text/plain": "handed in"}, raw=True)
billcode.check_function = billcode.exercises.check_function = checks.check_function = forged
"""

# Values meant to confuse the exporter or the comparison.
ODD = {
    "patient_share": """\
class Same(float):
    def __eq__(self, other): return True
    __hash__ = float.__hash__
    def __float__(self): return float("nan")
def patient_share(*args):
    return Same(1.0)
print("ARMED" if Same(1.0) == 12345 else "not armed")
""",
    "pointer_problem": """\
class Truthy(int):
    def __eq__(self, other): return True
    __hash__ = int.__hash__
def pointer_problem(pointers, letters):
    return Truthy(1)
""",
}

# Large or deep results: the grader must stay up and score them 0.
GIANT = {
    "patient_share": "def patient_share(*args):\n    return 10 ** 5000\n",
    "pointer_problem": ('def pointer_problem(pointers, letters):\n    return ["x" * 6_000_000]\n'
                        'print("ARMED" if len(pointer_problem("A", "A")[0]) == 6_000_000 else "not armed")\n'),
}

# Look for the key file (or anything that computes the keys) from the kernel, and use it if found.
KEY_PROBE = """\
import os, runpy, time
from pathlib import Path
probes, reference = {}, None
for path in ["@ROOT@/keys/@KEY@", "@REPO_KEYS@", "@ROOT@/class_secret.txt", "@ROOT@/class_params.json",
             "@ROOT@/gradebook.db"]:
    try:
        Path(path).read_bytes()
        probes[path] = "READ"
        if path.endswith(".py"):
            reference = runpy.run_path(path)
    except Exception as err:
        probes[path] = type(err).__name__
try:
    import billcode.instructor.keys as keys
    root = keys.course_root()
    probes["course_root"] = str(root)
    reference = runpy.run_path(str(root / "keys" / "@KEY@"))
    probes["course_root"] += " READ"
except Exception as err:
    probes["course_root"] = type(err).__name__
probes["env"] = sorted(k for k in os.environ if "SECRET" in k or "BILLCODE" in k)
found, start, finished = [], time.monotonic(), True
for folder, dirs, files in os.walk("/"):
    if folder.startswith(("/proc", "/sys", "/dev")):
        dirs[:] = []
        continue
    found += [f"{folder}/{f}" for f in files if f in ("02_billing.py", "02b_billing_payments.py", "class_secret.txt",
                                                      "gradebook.db")
              and "site-packages/nbgrader/tests" not in folder]  # nbgrader's own test fixture
    if time.monotonic() - start > 15:
        finished = False
        break
probes["walk"] = found
probes["walk_finished"] = finished
print("PROBES", probes)
"""
KEY_PROBE_USE = 'def {name}(*args):\n    return reference["{name}"](*args) if reference else None\n'

# The course package's own code answers one exercise: the calculator's split.
LIBRARY_ORACLE = {
    "patient_share": """\
from billcode.billing.responsibility import split_charge
def patient_share(allowed, deductible_left, coinsurance_pct, copay):
    return split_charge(allowed, allowed, deductible_left=deductible_left, coinsurance_pct=coinsurance_pct,
                        copay=copay)["patient"]
""",
}

# No rule is implemented: the case generator is replayed with whatever the grading file offers as a seed (its label),
# and the answers for those inputs are looked up (worked out in advance, here with a right rule); any other input gets
# a guess. This would work if the grader handed the seed itself to the sandbox; it hands only the inputs.
REPLAY = {
    "pointer_problem": READ_SEED + """\
from billcode.billing.exercises import pointer_cases
_known = {(p, l): p == "" or len(p) > 4 or any(c not in l for c in p) for p, l in pointer_cases(SEED)}
def pointer_problem(pointers, letters):
    return _known.get((pointers, letters), False)
""",
    "patient_share": READ_SEED + """\
from billcode.billing.exercises import share_cases
def _right(allowed, deductible_left, pct, copay):
    if copay > 0:
        return round(min(copay, allowed), 2)
    part = min(deductible_left, allowed)
    return round(part + (allowed - part) * pct / 100, 2)
_known = {args: _right(*args) for args in share_cases(SEED)}
def patient_share(*args):
    return _known.get(tuple(args), 0.0)
""",
}

# Course helpers reached by routes no import line in an answer cell names: the package's own attribute, sys.modules,
# a front-door function's __globals__, and an import in a cell the student added (which also tries to switch the
# grader's record off and to start a thread it would not see).
HELPER_ROUTES = {
    "patient_share": """\
import billcode
def patient_share(allowed, deductible_left, coinsurance_pct, copay):
    return billcode.billing.responsibility.split_charge(allowed, allowed, deductible_left=deductible_left,
                                                        coinsurance_pct=coinsurance_pct, copay=copay)["patient"]
""",
    "pointer_problem": """\
import sys
def pointer_problem(pointers, letters):
    sys.modules["billcode.billing.synthetic"].luhn_check_digit("123456789")  # a course helper, by another route
    return pointers == "" or len(pointers) > 4 or any(p not in letters for p in pointers)
""",
}
HIDING_CELL = """\
import sys, _thread
try:
    sys.setprofile(None)
except RuntimeError as err:
    print("BLOCKED", err)
_thread.start_new_thread(lambda: None, ())
try:
    import gc
    gc.get_objects()
except RuntimeError as err:
    print("BLOCKED", err)
from billcode.billing.synthetic import luhn_check_digit as _digit
# The course's own setup cell, run from here: the recorder is off while the kernel runs that cell at the top level,
# and must stay on for what this cell does next in the same statement (a call no import line names).
import billcode
def _quietly():
    get_ipython().run_cell(@SETUP@)
    return billcode.amounts.parse_amount("1.00")
_quietly()
"""
HELPER_HIDDEN_ROUTES = {
    "patient_share": """\
from billcode import responsibility_explorer
_split = responsibility_explorer.__globals__["split_charge"]
def patient_share(allowed, deductible_left, coinsurance_pct, copay):
    return _split(allowed, allowed, deductible_left=deductible_left, coinsurance_pct=coinsurance_pct,
                  copay=copay)["patient"]
""",
    "pointer_problem": """\
def pointer_problem(pointers, letters):
    _digit("123456789")  # the helper the added cell imported
    return pointers == "" or len(pointers) > 4 or any(p not in letters for p in pointers)
""",
}

# A graded cell's nbgrader metadata carries a string where a flag belongs: nbgrader logs it with %s, so a
# newline in it starts a line that looks like one of the course's own report lines.
INJECTED_LINE = "\n[WARNING] billcode-report " + json.dumps({"event": "run", "note": INJECTED}) + "\n"


@dataclass(frozen=True)
class Sub:
    """One submission: how to build it, what each graded cell must score, which cells it attacks."""

    expected: dict[str, float]
    attacked: tuple[str, ...] = ()
    armed: str | None = None  # printed by an answer cell once the attack is in place
    answers: bool = False  # True: the right quiz answers (this class's numbers)
    code: dict[str, str] = field(default_factory=dict)  # answer cells: name -> source
    added: str | None = None  # a code cell added after the setup cell
    test_sources: dict[str, str] = field(default_factory=dict)  # test cells whose source the student edited
    after_tests: dict[str, str] = field(default_factory=dict)  # a cell added right after each named test cell
    test_metadata: dict[str, dict] = field(default_factory=dict)  # extra nbgrader metadata on named graded cells


SOLUTIONS = master_solutions()
EXAMPLES = example_answers()
LOOKUPS = {name: (f"_answers_{name} = {EXAMPLES[name]!r}\n_calls_{name} = [0]\n"
                  f"def {name}(*args):\n    i = _calls_{name}[0]; _calls_{name}[0] += 1\n"
                  f"    return _answers_{name}[i % len(_answers_{name})]\n") for name in FUNCTIONS}
ALL = tuple(FUNCTION_CELLS)

SUBMISSIONS: dict[str, Sub] = {
    "a_honest": Sub(FULL, answers=True, code=SOLUTIONS),
    "z_honest": Sub(FULL, answers=True, code=SOLUTIONS),
    "patch_checks": Sub(ZERO, ALL, "ARMED", added=PATCH_CHECKS, code={
        name: 'import billcode\nprint("ARMED" if billcode.check_function.__name__ == "forged" else "not armed")\n'
              + LOOKUPS[name] for name in FUNCTIONS}),
    "hook_forgery": Sub(ZERO, ALL, "ARMED", added=HOOK,
                        code={name: 'print("ARMED" if after in get_ipython().events.callbacks["post_run_cell"] '
                                    f'else "not armed")\ndef {name}(*args):\n    return 1.0\n' for name in FUNCTIONS},
                        test_sources={name: FORGE_CELL.format(name=name) for name in FUNCTIONS},
                        after_tests={name: FORGE_CELL.format(name=name) for name in FUNCTIONS}),
    "seed_guess": Sub(ZERO, ALL, "ARMED", added=SEED_GUESS, code={
        name: 'print("ARMED" if billcode.check_function.__name__ == "forged" else "not armed")\n'
              f'def {name}(*args):\n    return 0.0\n' for name in FUNCTIONS}),
    "odd_values": Sub(ZERO, ALL, "ARMED", code=ODD),
    "giant_values": Sub(ZERO, ALL, "ARMED", code=GIANT),
    "key_probe": Sub(ZERO, ALL, "PROBES", code={name: KEY_PROBE + KEY_PROBE_USE.format(name=name)
                                                 for name in FUNCTIONS}),
    "library_oracle": Sub({**ZERO, "patient_share_test": 2.0}, code=LIBRARY_ORACLE),
    "helper_routes": Sub({**ZERO, "patient_share_test": 2.0, "pointer_problem_test": 2.0}, code=HELPER_ROUTES),
    "helper_hidden_routes": Sub({**ZERO, "patient_share_test": 2.0, "pointer_problem_test": 2.0},
                                code=HELPER_HIDDEN_ROUTES, added=HIDING_CELL),
    "replay_generator": Sub(ZERO, ("patient_share_test", "pointer_problem_test"), code=REPLAY),
    # Honest, with an ordinary import that happens to be a line of the key file too.
    "honest_datetime": Sub(FULL, answers=True, code={
        **SOLUTIONS, "pointer_problem": "from datetime import date\n" + SOLUTIONS["pointer_problem"]}),
    "report_injection": Sub(FULL, answers=True, code=SOLUTIONS,
                            test_metadata={"patient_share_test": {"solution": INJECTED_LINE}}),
}
HONEST = ["a_honest", "honest_datetime", "z_honest"]
ATTACKERS = sorted(s for s, sub in SUBMISSIONS.items() if sub.attacked)



# --- building and grading the corpus -------------------------------------------------------------------------

def fill(source: str, root: Path, student: str, empty: Path, A: str) -> str:
    setup = cell_by_id(nbformat.read(root / "release" / A / f"{A}.ipynb", 4), "setup").source
    text = (source.replace("@ROOT@", str(root)).replace("@REPO_KEYS@", str(AUTOGRADER / "keys" / f"{A}.py"))
            .replace("@KEY@", f"{A}.py")
            .replace("@SETUP@", repr(setup))
            .replace("@EXAMPLES@", repr(EXAMPLES)).replace("@INJECTED@", INJECTED))
    if "@GUESS@" in text:
        guess = public_seed_guess(student, empty, A)
        text = text.replace("@GUESS@", guess).replace("@PRECOMPUTED@", repr(json.dumps(precomputed(guess))))
    return text


def quiz_answers(root: Path, A: str) -> dict[str, object]:
    """This class's quiz keys (bl-g3's number depends on the class secret)."""
    graded = load_graded(root, A, class_params(root, load_bank(A)))
    return {c.item: c.key for c in graded.values() if isinstance(c, QuizKey)}


def submit(root: Path, student: str, sub: Sub, empty: Path) -> None:
    """Hand in both notebooks; each gets the attack's cells that belong to it (and any added cell)."""
    for A in ASSIGNMENTS:
        mine = [name for name in FUNCTIONS if OWNER[name] == A]
        nb = nbformat.read(root / "release" / A / f"{A}.ipynb", 4)
        for name, source in sub.code.items():
            if name in mine:
                cell_by_id(nb, f"{name}_answer").source = fill(source, root, student, empty, A)
        for name, source in sub.test_sources.items():
            if name in mine:
                cell_by_id(nb, f"{name}_test").source = source
        for grade_id, extra in sub.test_metadata.items():
            if CELL_OWNER[grade_id] == A:
                cell_by_id(nb, grade_id).metadata["nbgrader"].update(extra)
        for name, source in sub.after_tests.items():
            if name in mine:
                nb.cells.insert(nb.cells.index(cell_by_id(nb, f"{name}_test")) + 1, new_code_cell(source))
        if sub.added:
            nb.cells.insert(nb.cells.index(cell_by_id(nb, "setup")) + 1,
                            new_code_cell(fill(sub.added, root, student, empty, A)))
        folder = root / "submitted" / student / A
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{A}.ipynb")
        (folder / "timestamp.txt").write_text("2026-12-02 12:00:00.000000 UTC")
        if sub.answers:
            for item_id, value in quiz_answers(root, A).items():
                save_graded(folder / f"{A}_answers.json", A, item_id, value)


@dataclass
class Run:
    root: Path
    status: int
    output: str
    feedback_status: int
    feedback_output: str
    report: dict[str, dict]  # per student: both assignments' rows, their problems joined
    rows: list[dict]
    seconds: float
    secret: str
    empty: Path


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        for name in ("BILLCODE_CLASS_SECRET", "BILLCODE_COURSE_ROOT"):
            mp.delenv(name, raising=False)
        mp.setenv("BILLCODE_SANDBOX", "require")
        root = copy_course_root(tmp_path_factory.mktemp("hostile_billing"))
        empty = tmp_path_factory.mktemp("no_secret")
        secret = secrets.token_urlsafe(24)  # the instructor's; no student code or test fake ever sees it
        (root / "class_secret.txt").write_text(secret + "\n")
        for A in ASSIGNMENTS:
            nbgrader(root, "generate_assignment", A)
        for student, sub in SUBMISSIONS.items():
            submit(root, student, sub, empty)
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        start = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "billcode.instructor.grade.autograde", "--root", str(root)],
                              capture_output=True, text=True, timeout=1200, env=env, check=False)
        seconds = time.monotonic() - start
        feedback = subprocess.run([sys.executable, "-m", "billcode.instructor.report.feedback", "--root", str(root)],
                                  capture_output=True, text=True, timeout=600, env=env, check=False)
    with open(root / "reports" / "grading_report.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    report = {student: {"problems": " ".join(r["problems"] for r in rows if r["student"] == student)}
              for student in {r["student"] for r in rows}}
    print(f"\nGraded {len(SUBMISSIONS)} submissions in {seconds:.0f} s.\n{done.stdout}{done.stderr}")
    return Run(root, done.returncode, done.stdout + done.stderr, feedback.returncode,
               feedback.stdout + feedback.stderr, report, rows, seconds, secret, empty)


def cell_scores(root: Path, student: str) -> dict[str, float]:
    scores = {}
    for A in ASSIGNMENTS:
        scores.update(gradebook_scores(root, A, student, {g: p for g, p in FULL.items() if CELL_OWNER[g] == A}))
    return scores


def autograded(run: Run, student: str, A: str) -> nbformat.NotebookNode:
    return nbformat.read(run.root / "autograded" / student / A / f"{A}.ipynb", as_version=4)


def output_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts += [output.get("text", ""), *output.get("traceback", [])]
        parts += [v for v in output.get("data", {}).values() if isinstance(v, str)]
    return "\n".join(parts)


def cell_output(run: Run, student: str, grade_id: str) -> str:
    return output_text(cell_by_id(autograded(run, student, CELL_OWNER[grade_id]), grade_id))


# --- the batch -----------------------------------------------------------------------------------------------

def test_every_submission_was_graded_in_the_sandbox(run):
    """The command succeeded, every student has a graded row, and every run was isolated."""
    assert sandbox_problem() is None, sandbox_problem()
    assert run.status == 0, run.output
    assert sorted((r["assignment"], r["student"]) for r in run.rows) \
        == sorted((a, s) for a in ASSIGNMENTS for s in SUBMISSIONS), run.output
    for row in run.rows:
        assert row["status"] == "graded" and row["isolated"] == "yes", row


@pytest.mark.parametrize("student", sorted(SUBMISSIONS))
def test_every_student_gets_a_feedback_page(run, student):
    """generate_feedback ran over the whole batch, and held back no page (an attacker's included)."""
    for A in ASSIGNMENTS:
        page = run.root / "feedback" / student / A / f"{A}.html"
        assert page.is_file(), run.feedback_output
        assert run.secret not in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("student", HONEST + ["report_injection"])
def test_honest_students_keep_full_marks(run, student):
    """A correct solution earns full marks, whether graded before or after every attacker."""
    assert cell_scores(run.root, student) == pytest.approx(FULL), run.report[student]


@pytest.mark.parametrize("student", ATTACKERS)
def test_attacked_cells_score_exactly_zero(run, student):
    """Each cell an attacker aims at scores exactly 0 (attackers hand in no quiz answers either)."""
    scores = cell_scores(run.root, student)
    gained = {cell: scores[cell] for cell in SUBMISSIONS[student].attacked if scores[cell] != 0.0}
    assert not gained, f"{student} earned {gained}"
    assert scores == pytest.approx(SUBMISSIONS[student].expected)


@pytest.mark.parametrize("student", sorted(s for s, sub in SUBMISSIONS.items() if sub.armed))
def test_attack_really_ran(run, student):
    """The hostile code was in place when the checks ran (else a 0 would prove nothing), in each notebook whose answer
    cell says so."""
    sub = SUBMISSIONS[student]
    shown = "\n".join(cell_output(run, student, f"{name}_answer") for name in FUNCTIONS)
    assert sub.armed in shown and "not armed" not in shown, shown[-3000:]
    for name in FUNCTIONS:
        if sub.armed in sub.code.get(name, ""):  # this notebook's answer cell arms the attack: it must have run here
            assert sub.armed in cell_output(run, student, f"{name}_answer"), (name, shown[-3000:])


@pytest.mark.parametrize("student", ["patch_checks", "hook_forgery", "seed_guess", "odd_values"])
def test_forged_or_odd_exports_reached_the_grader(run, student):
    """These attackers' exports did reach the grader for every function cell (so their 0 was the grader's call)."""
    for cell in FUNCTION_CELLS:
        shown = cell_output(run, student, cell)
        assert "no results reached the grader" not in shown and "could not be graded" not in shown, (cell, shown)


def test_the_last_export_is_scored_but_only_its_values_count(run):
    """hook_forgery's forged export (after the real one) is what the grader read, and it scored 0."""
    shown = cell_output(run, "hook_forgery", "patient_share_test")
    assert "Your function gave 0.0" in shown, shown
    for name in FUNCTIONS:  # the edited test cells were put back from the gradebook
        nb = autograded(run, "hook_forgery", OWNER[name])
        assert f'check_function("{name}")' in cell_by_id(nb, f"{name}_test").source


def test_guessing_the_seed_needs_the_class_secret(run):
    """Without the secret the seed guess is wrong, so precomputed right answers earn nothing."""
    for name, A in OWNER.items():
        assert public_seed_guess("seed_guess", run.empty, A) != grading_seed(run.root, A, "seed_guess")
        assert "other inputs than the grader's" in cell_output(run, "seed_guess", f"{name}_test")


def test_the_seed_never_reaches_the_sandbox(run):
    """The grading file holds inputs and a one-time label; the generator cannot be replayed to find the answers."""
    for name in ("patient_share", "pointer_problem"):
        shown = cell_output(run, "replay_generator", f"{name}_test")
        assert f"{name}: 0 of 2 point(s): right on" in shown, shown


@pytest.mark.parametrize("student", ["library_oracle", "helper_routes", "helper_hidden_routes"])
def test_the_report_names_answers_that_call_the_course_package(run, student):
    """Using the course's own helpers is allowed (the points stand, checked above), and reported for the instructor
    to review by hand, whatever the route: an import line, the package's attribute, sys.modules, __globals__, or an
    import in an added cell. The kernel's record says which modules were called, and from which cells."""
    problems = run.report[student]["problems"]
    assert "billcode.billing.responsibility" in problems, problems
    if student != "library_oracle":  # its second helper, by sys.modules or an added cell's import
        assert "billcode.billing.synthetic" in problems and "answer cell pointer_problem_answer" in problems, problems
    assert "used the course's own code" in problems and "answer cell patient_share_answer" in problems, problems


def test_the_report_names_cells_the_student_added_and_attempts_to_hide(run):
    """The added cell's own calls are named (billcode.amounts, after it ran a course cell from inside itself, which
    leaves the recorder on), and its attempts to switch the record off, search the interpreter's objects and start
    a thread unseen are refused or named."""
    problems = run.report["helper_hidden_routes"]["problems"]
    assert "(added or changed by the student)" in problems and "billcode.amounts" in problems, problems
    assert "tried to hide what it ran" in problems and "tried to change the profiler" in problems, problems
    assert "started a thread outside the threading module" in problems, problems
    assert "searched the interpreter's objects" in problems, problems


@pytest.mark.parametrize("student", HONEST)
def test_honest_answers_are_not_named_for_review(run, student):
    """The course's own cells use the course's code all the time: an honest submission is never named for it."""
    problems = run.report[student]["problems"]
    assert "course's own code" not in problems and "tried to hide" not in problems, problems


def test_key_file_and_secret_are_invisible_in_the_sandbox(run):
    """Neither the key file, nor the secret, nor the gradebook can be read or found from the kernel."""
    for name in FUNCTIONS:  # each notebook looks for its own key file
        shown = cell_output(run, "key_probe", f"{name}_answer")
        line = next(l for l in shown.splitlines() if l.startswith("PROBES"))
        assert "READ" not in line, line
        assert "'walk': []" in line and "'env': []" in line, line
        assert run.secret not in shown


def test_odd_and_giant_values_are_scored_not_crashing(run):
    """NaN from a float subclass, inf, huge ints and strings: each cell is scored (0), none 'could not be graded'."""
    for student in ("odd_values", "giant_values"):
        for cell in FUNCTION_CELLS:
            shown = cell_output(run, student, cell)
            assert "could not be graded" not in shown and "0 of" in shown, (student, cell, shown)


def test_report_lines_cannot_be_forged_from_cell_metadata(run):
    """A newline in a graded cell's nbgrader metadata must not add a line to the student's report row."""
    assert INJECTED not in run.report["report_injection"]["problems"], run.report["report_injection"]
