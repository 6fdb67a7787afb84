"""What nbgrader test cells call in the student's kernel: visible checks that hint, and a data-only export.

Nothing here decides a grade. The grader scores every graded cell in its own process (billcode.instructor.grade.marking),
from the answers file as submitted and from the value check_answer() exports, with keys the kernel never sees.
"""

from __future__ import annotations

import contextlib
import copy
import html
import io
import json
import math
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from IPython.display import HTML, display

EXPORT_MIME = "application/vnd.billcode.value+json"
GRADING_FILE = ".billcode_grading.json"  # the grader's inputs (data, never a seed), in the sandbox's scratch folder
PUBLIC_SEED = "example"  # the inputs a learner's own check runs on: the notebook's worked examples
MAX_EXPORT_ITEMS = 10_000  # values, all levels together
MAX_EXPORT_DEPTH = 8


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence warnings and stderr: nbgrader scores any cell that writes to stderr as 0."""
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


class NotPlainData(TypeError):
    """A value that cannot leave the kernel as plain data; the message is meant for the learner."""


def plain(value: object, depth: int = 0, budget: list[int] | None = None) -> object:
    """Copy a value into exact built-in types (str, int, float, bool, None, list, dict with str keys).

    Subclasses are copied through the base type's own methods, so an overridden __eq__, __iter__ or __str__
    never reaches the grader; anything else (objects, arrays, Series) is refused with a hint.
    """
    budget = budget if budget is not None else [MAX_EXPORT_ITEMS]
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_EXPORT_DEPTH:
        raise NotPlainData("it is too large or too deeply nested")
    if value is None or type(value) is bool:
        return value
    for base in (str, int, float):
        if isinstance(value, base) and not isinstance(value, bool):
            return base.__new__(base, value) if base is not str else str.__str__(value)
    if isinstance(value, list):
        return [plain(v, depth + 1, budget) for v in list.__iter__(value)]
    if isinstance(value, dict):
        items = list(dict.items(value))
        if any(not isinstance(k, str) for k, _ in items):
            raise NotPlainData("its dictionary keys must be text")
        return {str.__str__(k): plain(v, depth + 1, budget) for k, v in items}
    hint = " (use .tolist() to turn a pandas column into a list)" if hasattr(value, "tolist") else ""
    raise NotPlainData(f"it holds a {type(value).__name__}, not only plain lists, text and numbers{hint}")


class NotDone(AssertionError):
    """A graded task is not done yet; shown as one plain line (no course source) when nbgrader validates."""

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


def not_done(title: str, problem: str) -> None:
    """Tell the learner what is missing: a notice on screen, or a failed check for nbgrader's Validate button."""
    if os.environ.get("NBGRADER_VALIDATING"):
        raise NotDone(f"{title}: {problem}")
    from billcode.quiz.render import inline_html
    from billcode.quiz.widgets import message_html

    problem = problem[:1].upper() + problem[1:]
    plain_text = f"⚠ {title}: not done yet. {problem}".replace("`", "")
    display({"text/html": message_html("notice", inline_html(problem), title=f"{title}: not done yet.", live=False),
             "text/plain": plain_text}, raw=True)


def passed(headline: str, detail: str) -> None:
    """Tell the learner a check passed, the same way everywhere: a tick and a headline, then what was checked."""
    from billcode.quiz.widgets import message_html

    body = html.escape(detail)
    display({"text/html": message_html("correct", body, title=headline, live=False),
             "text/plain": f"✔ {headline} {detail}".strip()}, raw=True)


def check_answer(name: str, value: object = None, expected: type | tuple[type, ...] = object, *,
                 item_type: type | None = None, lookup: bool = False) -> None:
    """Visible check of a code answer's type and shape (never whether it is right); hands the value to the grader.

    With lookup=True the value is found in the notebook by its name, so a lost cell gives a message, not a NameError.
    """
    if lookup:
        value = notebook_value(name)
    wanted = expected if isinstance(expected, tuple) else (expected,)
    problem = None
    if value is MISSING:
        problem = (f"there is no `{name}` in this notebook yet: run the cell that sets it, then this one."
                   + _stopped_with_error())
    elif value is Ellipsis:
        problem = f"`{name}` is still `...`: replace the ... with your answer and run that cell, then this one."
    elif not isinstance(value, wanted):
        names = " or ".join(in_words(t.__name__) for t in wanted)
        problem = f"`{name}` should be {names}, but it is {in_words(type(value).__name__)}."
    elif item_type is not None and any(not isinstance(v, item_type) for v in value):
        odd = next(v for v in value if not isinstance(v, item_type))
        problem = (f"every item of `{name}` should be {in_words(item_type.__name__)}; found "
                   f"{in_words(type(odd).__name__)}.")
    if problem is None:
        try:
            data = plain(value)
        except NotPlainData as err:
            problem = f"`{name}` cannot be handed in: {err}."
    if problem:
        not_done(f"Code exercise {name}", problem)
        return
    display({EXPORT_MIME: {"name": name, "value": data}, "text/plain": ""}, raw=True)
    size = f"{count(len(data), 'item')}: " if isinstance(data, list) else ""
    passed(f"{name} is ready for grading.", f"It holds {size}{_short(repr(data), 300)}. This check looks at its kind, "
           "not whether it is right: grading does that. Save the notebook before you submit it.")


@dataclass(frozen=True)
class Exercise:
    """A graded function exercise: inputs to call the learner's function on, and what it must return.

    cases(seed) gives the argument tuples: PUBLIC_SEED gives the notebook's own examples. The grader makes a set from
    a seed of its own and hands the kernel only the inputs (grading_inputs), so a function that only knows the
    examples' answers cannot pass, and the generator cannot be replayed to find them. Keys never live here.
    """

    name: str
    cases: Callable[[str], list[tuple]]
    returns: type | tuple[type, ...]
    shape: str
    describe: Callable[[tuple], str] = repr
    hint: Callable[[list], str | None] | None = None  # on the examples' results: a shape problem, in words, or None
    notebook: str = ""  # the bank whose exercise entry holds its hints and worked examples' answers


def encode_args(args: tuple) -> list:
    """A case's arguments as JSON data: a DataFrame becomes {"frame": its CSV text}."""
    import pandas as pd

    return [{"frame": a.to_csv(index=False)} if isinstance(a, pd.DataFrame) else a for a in args]


def decode_args(data: list) -> tuple:
    """The arguments encode_args wrote, with each table read back exactly as load_table reads a file."""
    from billcode.data import read_csv_text

    return tuple(read_csv_text(a["frame"]) if isinstance(a, dict) and set(a) == {"frame"} else a for a in data)


def grading_inputs(name: str) -> tuple[str, list[tuple]] | None:
    """The inputs the grader handed this run for one exercise, with their label, or None outside autograding."""
    path = Path(GRADING_FILE)
    if os.environ.get("NBGRADER_EXECUTION") != "autograde" or not path.is_file():
        return None
    try:
        handed = json.loads(path.read_text(encoding="utf-8"))
        label, cases = handed["label"], handed["cases"][name]
        return str(label), [decode_args(c) for c in cases]
    except Exception:  # a damaged file: the check runs on the examples, and the grader will see that
        return None


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run_cases(exercise: Exercise, function: Callable, cases: list[tuple]) -> list[dict]:
    """Call the function on each case (on copies, so it cannot change later cases): its value, or its error."""
    results = []
    for args in cases:
        try:
            value = function(*copy.deepcopy(args))
        except Exception as err:  # the learner's error, reported per case
            results.append({"error": _short(f"{type(err).__name__}: {err}")})
            continue
        if not isinstance(value, exercise.returns):
            kinds = exercise.returns if isinstance(exercise.returns, tuple) else (exercise.returns,)
            names = " or ".join("None" if t is type(None) else t.__name__ for t in kinds)
            numpy = " (a pandas or numpy number: wrap it in int(...) or float(...))" if hasattr(value, "item") else ""
            results.append({"error": f"returned {type(value).__name__}{numpy}, not {names}"})
            continue
        try:
            results.append({"value": plain(value)})
        except NotPlainData as err:
            results.append({"error": f"returned something that cannot be handed in: {err}"})
    return results


MISSING = object()  # check_function was given no function: look the name up in the notebook


def same_value(got: object, want: object, tolerance: float = 0.0) -> bool:
    """Exact comparison of plain data: same types all the way down (True is not 1), numbers within tolerance."""
    if type(want) is float or (type(want) is int and type(got) is float):
        return type(got) in (int, float) and math.isfinite(got) and abs(got - want) <= tolerance + 1e-9
    if type(got) is not type(want):
        return False
    if type(want) is list:
        return len(got) == len(want) and all(same_value(g, w, tolerance) for g, w in zip(got, want))
    if type(want) is dict:
        return got.keys() == want.keys() and all(same_value(got[k], want[k], tolerance) for k in want)
    return got == want


def notebook_value(name: str) -> object:
    """The value a name has in the running notebook, or MISSING (outside IPython: MISSING too)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return MISSING
    shell = get_ipython()
    return shell.user_ns.get(name, MISSING) if shell is not None else MISSING


def problem_kind(error: str) -> str:
    """Sort a case's error into the kinds hints are written for: unwritten, error or type."""
    if error.startswith(("NameError", "NotImplementedError", "UnboundLocalError")) or "returned NoneType" in error \
            or "returned ellipsis" in error or (error.startswith("TypeError") and "'ellipsis'" in error):
        return "unwritten"
    return "type" if error.startswith("returned") else "error"


TYPE_WORDS = {"None": "None", "int": "a whole number", "float": "a decimal number", "str": "text", "dict": "a dict", "list": "a list",
              "NoneType": "nothing (None)", "bool": "True or False", "set": "a set",
              "tuple": "two values joined by a comma (a tuple)",
              "ellipsis": "... (not written yet)", "DataFrame": "a whole table", "Series": "a whole column"}


def count(n: int, thing: str, things: str | None = None) -> str:
    """'1 example', '3 examples': a number with its noun (no '(s)')."""
    return f"{n} {thing if n == 1 else things or thing + 's'}"


def in_words(type_name: str) -> str:
    """A Python type's name as the course says it ("str" is text)."""
    return TYPE_WORDS.get(type_name, f"a {type_name}")


def plain_error(error: str) -> str:
    """A Python error message, with what it usually means in this course's words after it."""
    compared = re.search(r"'(.+?)' not supported between instances of '(\w+)' and '(\w+)'", error)
    if compared:
        left, right = in_words(compared.group(2)), in_words(compared.group(3))
        tip = " (compare a number with a number: a count is a number, and a number is written without quotes)" \
            if "text" in (left, right) \
            else " (look up one value of the dict first: its name, then the key in square brackets)" if "a dict" in (left, right) else ""
        return f"{error}: it compared {left} with {right}, which Python cannot do{tip}"
    arguments = re.search(r"(\w+)(?:\(\))? (?:takes|expected|missing) .*?(\d+)", error)
    if arguments and "argument" in error:
        return (f"{error}: {arguments.group(1)}(...) was given a different number of values in its brackets than it "
                "needs; look at the example that uses it")
    if error.startswith("KeyError"):
        return f"{error}: there is no such key or column; check its spelling, and that a column's name is in quotes"
    attribute = re.search(r"'(\w+)' object has no attribute '(\w+)'", error)
    if attribute and attribute.group(1) == "dict":
        return (f"{error}: read a dict's value with square brackets and the key in quotes after its name, "
                f"[\"{attribute.group(2)}\"], not with a dot")
    if "can't set attribute" in error or "cannot assign to" in error:
        return f"{error}: one = stores a value; to compare two values, use =="
    if error.startswith("TypeError") and "not callable" in error:
        return f"{error}: round brackets call a function; to look something up, use square brackets [...]"
    if error.startswith("ZeroDivisionError"):
        return f"{error}: it divided by zero; one of the worked examples has a zero to handle"
    return error


def _source_and_inputs(function: object) -> tuple[str, list[str]]:
    """A function's source and its input names ('' and [] when Python cannot tell)."""
    import inspect

    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        source = ""
    try:
        inputs = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        inputs = []
    return source, inputs


TEXT_METHODS = {"ljust", "rjust", "upper", "lower", "replace", "strip", "split", "startswith", "endswith", "isdigit",
                "zfill", "center", "title", "count", "find", "join"}


SPREADSHEET_WORDS = {"OR": "`a or b` is True when either is True", "AND": "`a and b` is True when both are True",
                     "NOT": "`not a` is True when a is False", "IF": "`if condition:` on its own line, then the "
                     "indented line it runs", "SUM": "`sum(values)` adds a list", "ROUND": "`round(value, 2)`"}


def _set_only_under_if(source: str, name: str) -> bool:
    """Tell whether every line that sets `name` sits inside an if (so a False condition leaves it unset)."""
    import ast
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:
        return False
    def stores(node: ast.AST) -> set[int]:
        return {id(n) for n in ast.walk(node) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)}

    every = stores(tree)
    guarded = set().union(*(stores(node) for node in ast.walk(tree) if isinstance(node, ast.If)))
    return bool(every) and every <= guarded


def _ends_with_bare_value(source: str) -> bool:
    """Tell whether a function's last statement works a value out and drops it (a missing `return`)."""
    import ast
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:
        return False
    function = next((node for node in tree.body if isinstance(node, ast.FunctionDef)), None)
    last = function.body[-1] if function and function.body else None
    if not isinstance(last, ast.Expr) or isinstance(last.value, ast.Constant):
        return False  # a docstring or `...` alone is the unwritten gap, which the usual words cover
    call = last.value
    return not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "print")


def specific_advice(error: str, function: object = None, scaffold: str = "") -> str | None:
    """Advice for a slip the error alone does not name (a letter without quotes, a line that never runs...), or None."""
    source, inputs = _source_and_inputs(function) if function is not None else ("", [])
    if _is_scaffold(source, scaffold):
        return None  # the starting code, unchanged: the usual words (write your line) fit
    named = re.match(r"(?:NameError|UnboundLocalError): .*?'(\w+)'", error)
    if named and source:
        name = named.group(1)
        if name in TEXT_METHODS:
            return (f"`{name}` is a text method, so Python read it as a name: write it after the text and a dot, as in "
                    f"`text.{name}(...)`")
        if re.search(rf"^\s*{re.escape(name)}\s*==[^=]", source, re.M) and not re.search(rf"\b{re.escape(name)}\s*=[^=]", source):
            return (f"`{name} == ...` compares and keeps nothing: one `=` gives a name its value "
                    f"(`{name} = ...`), two (`==`) compare")
        if name in SPREADSHEET_WORDS:
            return (f"`{name}(...)` is a spreadsheet function; Python writes the word in lower case between the values: "
                    f"{SPREADSHEET_WORDS[name]}")
        keyed = re.search(rf"""\b(\w+)\[["']{re.escape(name)}["']\]""", scaffold + "\n" + source)
        dicts = set(re.findall(r"""\b(\w+)\[["']\w+["']\]""", scaffold)) & set(inputs)
        if not keyed and len(dicts) == 1:
            keyed = re.match(r"(\w+)", next(iter(dicts)))
        if keyed and keyed.group(1) in inputs and not re.search(rf"\b{re.escape(name)}\s*=[^=]", source):
            holder = keyed.group(1)
            # Every name Python will not know in the learner's lines, not only the first one it stopped at.
            bare = [name] + [k for k in _unknown_names(function, _own_lines(source, scaffold)) if k != name]
            names = " and ".join(f"`{k}`" for k in bare)
            looks = ", ".join(f"{holder}[\"{k}\"]" for k in bare)
            return (f"{names} on {'its' if len(bare) == 1 else 'their'} own {'is a name' if len(bare) == 1 else 'are names'}"
                    f" Python does not know; if you meant the {holder}'s value, read it with its key in square brackets: "
                    f"{looks}")
        if len(name) == 1 and name.isupper():
            return f"Python read {name} as a name: if you meant the letter, put it in quotes: \"{name}\""
        if _set_only_under_if(source, name):
            return (f"`{name}` is set only inside an `if`: when the condition is False that line never runs, so "
                    f"`{name}` has no value. A comparison is already True or False: set it in one line, "
                    f"`{name} = <your comparison>`")
        if scaffold and not re.search(rf"\b{re.escape(name)}\b", scaffold) and not re.search(rf"\b{name}\s*=[^=]", source):
            return (f"nothing in this function sets `{name}`, and the task does not ask for it: build the answer from "
                    f"the function's inputs ({', '.join(inputs)})")
    if "returned NoneType" in error and source:
        body = [line.strip() for line in source.splitlines() if line.strip() and not line.strip().startswith("#")]
        last = body[-1] if body else ""
        if re.match(r"^\w+\s*=[^=]", last):
            return ("it returned nothing (None): your last line stores a value but does not hand it back. Start that "
                    "line with `return` instead of a name and `=`")
        if _ends_with_bare_value(source):
            return ("it returned nothing (None): your last line works out a value but does not hand it back. Start "
                    "that line with `return`")
    return None


def _explain(error: str, function: object = None) -> str:
    """A case's error in words a newcomer can act on (the function, when given, tailors the advice)."""
    source, inputs = _source_and_inputs(function) if function is not None else ("", [])
    if error.startswith(("NameError", "UnboundLocalError")):
        name = error.split("'")[1] if error.count("'") >= 2 else "a name"
        rows = "row." in source or "itertuples" in source
        return (f"`{name}` has no value yet when the function runs: write the line that sets it (where the cell says "
                f"YOUR CODE HERE), and check its spelling" + (f"; if it is a column of a table row, read it from the "
                                                               f"row, as in `row.{name}`" if rows else ""))
    if error.startswith("TypeError") and "'ellipsis'" in error:  # a placeholder `x = ...` left, then used
        left = re.findall(r"^\s*(\w+)\s*=\s*\.\.\.", source, re.M)
        what = f"`{left[0]}` is" if len(left) == 1 else "a name in your function is"
        return f"{what} still `...`, the placeholder: replace the ... with your line, then run that cell again"
    quoted = re.match(r"KeyError: '(\w+)'$", error)
    if quoted and quoted.group(1) in inputs:
        key = quoted.group(1)
        return (f"it raised {error}: \"{key}\" in quotes is the text {key}, not what the input {key} holds; to look up "
                f"the value the input holds, leave the quotes off: [{key}]")
    if re.match(r"returned tuple", error):
        return ("it returned two values joined by a comma (a tuple), not one" +
                (": a `, 1` meant for round(...) sits outside its brackets. Keep it inside: round(value, 1)"
                 if "round(" in source else ": return one value"))
    if "returned NoneType" in error:
        return "it returned nothing (None): the `return` line is missing, or the gap is still empty"
    wrong_type = re.match(r"returned (\w+)(.*?), not (.+)$", error)
    if wrong_type:
        kinds = wrong_type.group(3).split(" or ")
        wanted = " or ".join(in_words(t) for t in kinds)
        got = in_words(wrong_type.group(1))
        tip = " (text goes in quotes)" if wanted == "text" else \
            " (None is written without quotes: \"None\" in quotes is text)" if "None" in kinds and got == "text" else ""
        return f"it returned {got}{wrong_type.group(2)}, not {wanted}{tip}"
    return f"it raised {plain_error(error)}"


def _unknown_names(function: object, lines: str) -> list[str]:
    """Names the lines use that neither the function's notebook, Python, the inputs nor the lines themselves define."""
    import builtins

    code = getattr(function, "__code__", None)
    known = getattr(function, "__globals__", {})
    if code is None:
        return []
    text = re.sub(r"#.*", "", lines)
    # co_names holds the globals (and attributes) the code reads; its own assignments are locals, not in it.
    found = [n for n in code.co_names if n not in known and not hasattr(builtins, n)
             and re.search(rf"(?<![\w.\"']){re.escape(n)}\b(?![\"'])", text)]
    return sorted(found, key=lambda n: text.index(n))


def _own_lines(source: str, scaffold: str) -> str:
    """The lines of source the learner wrote or changed: a line given, as it is, in the starting code is left out."""
    given = {line.strip() for line in scaffold.splitlines() if line.strip()}
    return "\n".join(line for line in source.splitlines() if line.strip() not in given)


def source_slip(source: str) -> str:
    """A slip the code shows on its face (a bare list after `or`), in words, or ''."""
    bare = re.search(r"""(?:(\w+)\[["']\w+["']\]\s*)?\b(?:or|and)\s+\[\s*["'](\w+)["']\s*\]""", source)
    if bare:
        holder, key = bare.group(1) or "the_dict", bare.group(2)
        return (f"In your line, `[\"{key}\"]` after `or`/`and` is a list on its own, not a look-up (and a list with "
                f"something in it counts as True): each side needs its own look-up, `{holder}[\"{key}\"]`.")
    return ""


def _def_cell_error(name: str) -> SyntaxError | None:
    """The notebook's last error when it is a syntax error in a cell that defines `name`, else None.

    IPython keeps each cell's text in linecache under the error's file name, so an old error in another cell is
    told apart from one in this function's own cell.
    """
    import linecache

    value = getattr(sys, "last_value", None)
    if not isinstance(value, SyntaxError):  # IndentationError and TabError are SyntaxErrors too
        return None
    failed = "".join(linecache.getlines(value.filename or ""))
    return value if re.search(rf"\bdef\s+{re.escape(name)}\s*\(", failed) else None


def _syntax_fix(value: SyntaxError) -> str:
    """How to fix a syntax error of this kind, in one sentence a newcomer can act on."""
    if isinstance(value, IndentationError) or "outside function" in str(value.msg):  # 'return' outside function
        return ("A line you add inside a function needs the same spaces in front as the lines around it (4 under "
                "`def`); Python often names the line after the one that is out of place, so look at your line just "
                "above it too.")
    if "invalid character" in str(value.msg):
        return ("That line has a character Python does not read, often a minus, times sign or quote pasted from a "
                "document: type it again from the keyboard (`-`, `*`, `\"`).")
    return ("Look at the line the error names and the one just above it: a colon missing at the end of an `if` or "
            "`def` line, or a bracket or quote opened and not closed.")


def _stale_after_syntax_error(name: str) -> str:
    """' Your last change to name ended in a red error...: this check used the version from before it.' or ''."""
    value = _def_cell_error(name)
    if value is None:
        return ""
    return (f" If your last change to `{name}` ended in a red error (the last one in this notebook was "
            f"{_cell_error(value)}), that cell did not run, so this check used the version of `{name}` from "
            f"before it. {_syntax_fix(value)} Then run that cell again.")


def _stopped_with_error() -> str:
    """' If that cell showed a red error (the last one here was: ...), fix the line it names and run it again.'"""
    error = last_error()
    return (f" If that cell showed a red error (the last one in this notebook was {plain_error(error)[:200]}), fix "
            "the line the error names and run the cell again." if error else "")


def _cell_error(value: SyntaxError) -> str:
    """A syntax error in words a learner can use: 'IndentationError: unexpected indent, on line 4 of that cell'."""
    where = f", on line {value.lineno} of that cell" if isinstance(value.lineno, int) else ""
    return plain_error(f"{type(value).__name__}: {value.msg}")[:120] + where


def _failed_def(name: str) -> str:
    """The reason `name` was never made, when the last red error is a syntax error in the cell defining it, or ''."""
    value = _def_cell_error(name)
    if value is None:
        return ""
    return (f"the cell that starts `def {name}(` stopped with a red error ({_cell_error(value)}), so `{name}` was not "
            f"made. {_syntax_fix(value)} Fix it and run that cell again, then this one.")


def last_error() -> str:
    """The last error a cell of this notebook stopped with (as IPython recorded it), or ''."""
    value = getattr(sys, "last_value", None)
    return f"{type(value).__name__}: {value}" if value is not None else ""


def _pointer(entry: dict | None, kind: str) -> str:
    """' Hint 2 (open it above) covers this.' when the exercise has a hint for this kind of problem."""
    from billcode.quiz.hints import hint_number_for

    number = hint_number_for(entry, kind) if entry else None
    if not number:
        return ""
    if number == 1:
        return " Hint 1 covers this: open it above."
    return f" Hint {number} covers this: open the hints above one at a time, up to hint {number}."


def example_problem(exercise: Exercise, entry: dict, cases: list[tuple], results: list[dict],
                    function: object = None) -> str | None:
    """The first worked example the function gets wrong, in words (the examples are the notebook's own)."""
    expected = entry.get("examples")
    if not isinstance(expected, list) or len(expected) != len(results):
        return None
    wrong = [i for i, (r, want) in enumerate(zip(results, expected)) if not same_value(r["value"], want)]
    if not wrong:
        return None
    first = wrong[0]
    values = [repr(results[i]["value"]) for i in wrong]  # the examples it gets wrong (given code may answer others)
    if len(wrong) > 1 and len(set(values)) == 1 and len({repr(expected[i]) for i in wrong}) > 1:
        every = "every worked example" if len(wrong) == len(results) else f"{len(wrong)} of the worked examples"
        inputs = ", ".join(_source_and_inputs(function)[1]) or "its inputs"
        return (f"it gave {_short(values[0], 60)} for {every}, whatever the inputs: use the function's input names "
                f"({inputs}) in your lines, not fixed numbers from an example.")
    return (f"on {len(wrong)} of {count(len(results), 'worked example')} the result differs from the notebook's. Example "
            f"{first + 1}: {_short(exercise.describe(cases[first]), 160)} gave {_short(repr(results[first]['value']), 120)}; "
            f"the notebook's answer is {_short(repr(expected[first]), 120)}.")


def _is_scaffold(source: str, scaffold: str | None) -> bool:
    """Tell whether source is (part of) the starting code, whitespace aside (no source: treat it as written)."""
    return bool(source and scaffold) and " ".join(source.split()) in " ".join(scaffold.split())


def unchanged(function: object, entry: dict | None) -> bool:
    """Tell whether a function is still its exercise's starting code (running that is no first try)."""
    return _is_scaffold(_source_and_inputs(function)[0], (entry or {}).get("scaffold"))


def check_function(exercise: Exercise, function: object, entry: dict | None = None,
                   record: Callable[[float], None] | None = None) -> None:
    """Visible check of a function exercise: runs it on the examples, points to a hint, hands the results in.

    entry is the exercise's bank entry (hints, the worked examples' answers, graded or practice); record saves a
    practice exercise's score for the mastery report. A graded exercise's results go to the grader as data; the
    grader scores them on inputs of its own, whatever this check says.
    """
    name = exercise.name
    title = f"Code exercise {name}"
    graded = (entry or {}).get("mode", "graded") == "graded"
    if function is MISSING:
        # No hint pointer here: hints teach the exercise's method, not how to get a cell to run.
        not_done(title, _failed_def(name) or (
            f"there is no `{name}` in this notebook yet: run the cell that starts `def {name}(`, then this one."
            + _stopped_with_error() + " If you deleted that cell, add a code cell, paste the starting code shown under "
            "the hints, and run it."))
        return
    if function is Ellipsis:
        not_done(title, f"`{name}` is still `...`: write the function in that cell and run it, then this one.")
        return
    if not callable(function):
        not_done(title, f"`{name}` should be a function (def {name}(...):), but it is a {type(function).__name__}.")
        return
    handed = grading_inputs(name) if graded else None
    label, cases = handed if handed else (PUBLIC_SEED, exercise.cases(PUBLIC_SEED))
    results = run_cases(exercise, function, cases)
    failed = [(i, r["error"]) for i, r in enumerate(results) if "error" in r]
    problem = kind = None
    if failed:
        number, error = failed[0]
        advice = specific_advice(error, function, (entry or {}).get("scaffold") or "")
        # advice that names the slip is the help; a hint pointer chosen by the error's kind could point elsewhere
        kind = None if advice else problem_kind(error)
        problem = (f"on {len(failed)} of {count(len(results), 'input')} it gave no usable answer. Input {number + 1} was "
                   f"{_short(exercise.describe(cases[number]))}: {advice or _explain(error, function)}. It should return "
                   f"{exercise.shape}.")
    elif handed is None:
        shape = exercise.hint([r["value"] for r in results]) if exercise.hint else None
        example = example_problem(exercise, entry, cases, results, function) if entry else None
        problem, kind = (shape, "type") if shape else (example, "example")
    if graded:
        verdict = f"{name} is ready for grading." if problem is None else ""
        display({EXPORT_MIME: {"name": name, "value": {"inputs": label, "results": results}}, "text/plain": verdict},
                raw=True)
    if record is not None and handed is None and kind != "unwritten" and not unchanged(function, entry):
        expected = (entry or {}).get("examples") or []
        right = sum(1 for r, want in zip(results, expected) if "value" in r and same_value(r["value"], want))
        record(right / len(expected) if expected else 0.0)
    if problem:
        slip = source_slip(_own_lines(_source_and_inputs(function)[0], (entry or {}).get("scaffold") or ""))
        stale = _stale_after_syntax_error(name)
        if slip or stale:
            not_done(title, problem + (f" {slip}" if slip else "") + stale)  # named help, so no hint pointer
        else:
            not_done(title, problem + _pointer(entry, kind))
        return
    first = repr(results[0]["value"]) if results else "nothing"
    checked = "matches the notebook's worked examples" if entry and entry.get("examples") else f"returns {exercise.shape}"
    detail = (f"It ran on {count(len(results), 'example')}. For example 1 ({_short(exercise.describe(cases[0]), 120)}) it "
              f"returned {_short(first, 160)}.")
    later = (" Grading runs it on other inputs too, so a function that only fits these examples scores 0. Save the "
             "notebook before you submit it.") if graded else ""
    passed(f"{name} {checked}.", detail + later)


def _kind_of(value: object) -> str:
    names = {str: "text", int: "a whole number", float: "a number", bool: "True or False", list: "a list",
             dict: "a dict", type(None): "None"}
    return names.get(type(value), f"a {type(value).__name__}")


def check_practice_value(name: str, value: object, entry: dict, record: Callable[[float], None]) -> None:
    """Check a practice value against the notebook's own answer (practice only: nothing here is graded)."""
    title = f"Practice {name}"
    want = entry["examples"][0]
    if value is MISSING:
        not_done(title, f"there is no `{name}` yet: run the cell that sets it, then this one." + _stopped_with_error()
                 + _pointer(entry, "unwritten"))
        return
    if value is Ellipsis:
        not_done(title, f"`{name}` is still `...`: replace the ... with your answer and run that cell, then this one."
                 + _pointer(entry, "unwritten"))
        return
    if "start" in entry and value == entry["start"] and type(value) is type(entry["start"]):
        not_done(title, f"`{name}` is still its starting value ({_short(repr(value), 60)}): write your lines where the "
                 "cell says YOUR CODE HERE, run that cell, then this one." + _pointer(entry, "unwritten"))
        return
    try:
        got = plain(value)
    except NotPlainData as err:
        got, problem = None, f"`{name}` {err}."
    else:
        problem = None
    if problem is None and not same_value(got, want):
        numbers = {int, float}
        if type(got) is not type(want) and not (type(got) in numbers and type(want) in numbers):
            problem, kind = f"`{name}` is {_kind_of(got)}; it should be {_kind_of(want)}.", "type"
        else:
            problem, kind = f"`{name}` is {_short(repr(got), 120)}, not the value this exercise asks for.", "example"
    else:
        kind = "type"
    record(0.0 if problem else 1.0)
    if problem:
        not_done(title, problem + " Try again." + _pointer(entry, kind))
        return
    passed(f"Right: {name} is {_short(repr(got), 120)}.", "")
