"""Instructor tool: write feedback pages, and refuse any page that would show key or hidden-test text.

    python -m billcode.instructor.report.feedback [--root autograder] [ASSIGNMENT ...]

nbgrader writes the pages into a scratch folder; each is scanned for what must never reach a student (hidden
test markers and lines, code lines of the key file, the class secret) and only clean pages are moved to
feedback/. Each student's page is made on its own if the class's run did not make it, so a notebook that cannot
be rendered costs only that student's page; the output names every student without one. Exits 1 if any page was
held back or could not be made, 2 if the course root itself is unusable.
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import shutil
import sys
import tokenize
from pathlib import Path

from billcode.instructor.keys import KEYS_DIR
from billcode.instructor.author.release import ReleaseError, assignments
from billcode.instructor.safe_text import safe_text
from billcode.instructor.variants import MIN_SECRET_CHARS, class_secret

STAGING = ".feedback-staging"
MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN MARK SCHEME", "BEGIN SOLUTION")
MIN_LINE = 25  # shorter code lines are too generic to flag


def key_file_lines(path: Path) -> list[str]:
    """Code lines of a key file (its keys), strings removed: none may appear in feedback (explanations may)."""
    kept = []
    text = path.read_text(encoding="utf-8")
    strings: dict[int, list[tuple[int, int]]] = {}
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.STRING and token.start[0] == token.end[0]:
            strings.setdefault(token.start[0], []).append((token.start[1], token.end[1]))
        elif token.type == tokenize.STRING:
            for row in range(token.start[0], token.end[0] + 1):
                strings.setdefault(row, []).append((0, 10**6))
    # A reference solution (a function other than graded()) is a solution, not a key: a student's own code may
    # look the same, and must not get their feedback held back.
    solutions = set()
    # Imports are not keys either: a student's solution may well start with the same import lines.
    for node in ast.parse(text).body:
        if (isinstance(node, ast.FunctionDef) and node.name != "graded") or isinstance(node, ast.Import | ast.ImportFrom):
            solutions.update(range(node.lineno - len(getattr(node, "decorator_list", [])), node.end_lineno + 1))
    for number, line in enumerate(text.splitlines(), 1):
        if number in solutions:
            continue
        code = line
        for start, end in sorted(strings.get(number, []), reverse=True):
            code = code[:start] + code[end:]
        code = re.sub(r"#.*", "", code).strip()
        if len(code) >= MIN_LINE:
            kept.append(line.strip())
    return kept


def hidden_lines(master: Path) -> list[str]:
    """Lines inside the master's hidden-test blocks."""
    import nbformat

    found = []
    for cell in nbformat.read(master, as_version=4).cells:
        for block in re.findall(r"BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", cell.source, re.S):
            found += [line.strip() for line in block.splitlines() if len(line.strip()) >= MIN_LINE]
    return found


def forbidden_texts(root: Path, assignment: str) -> list[str]:
    """Everything that must never appear in this assignment's feedback."""
    texts = list(MARKERS)
    key_file = root / KEYS_DIR / f"{assignment}.py"
    if key_file.is_file():
        texts += key_file_lines(key_file)
    for master in (root / "source" / assignment).glob("*.ipynb"):
        texts += hidden_lines(master)
    secret = class_secret(root)
    if secret and len(secret) >= MIN_SECRET_CHARS:
        texts.append(secret)
    return texts


def leaks(page: str, texts: list[str]) -> list[str]:
    """The forbidden texts a feedback page shows, however it is escaped or split into highlighting spans."""
    import html

    shown = html.unescape(re.sub(r"<[^>]*>", "", page))
    return [t for t in texts if t in page or t in shown]


def feedback_api(root: Path):
    """nbgrader's API on this course root, writing feedback pages into the staging folder."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.feedback_directory = STAGING
    config.Application.log_level = "CRITICAL"  # failures are reported per student below
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def _why(result: dict) -> str:
    """The last line of nbgrader's error (the exception), as text that is safe to print."""
    lines = (result.get("error") or result.get("log") or "").strip().splitlines()
    return safe_text(lines[-1][:200]) if lines else "no detail"


def write_feedback(root: Path, assignment: str) -> tuple[int, list[str]]:
    """Generate, scan and move one assignment's feedback; return (pages written, problems).

    The whole class is generated at once; a student whose page did not come out (nbgrader stops at some errors, and
    drops the page of a notebook that fails) is generated again alone, so one notebook nbconvert cannot render costs
    only that student's page, and the problems name the student."""
    staging = root / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    students = sorted(p.parent.name for p in (root / "autograded").glob(f"*/{assignment}") if p.is_dir())
    api = feedback_api(root)
    api.generate_feedback(assignment)
    texts = forbidden_texts(root, assignment)
    written, problems = 0, []
    for student in students:
        folder = staging / student / assignment
        if not any(folder.glob("*.html")):
            alone = api.generate_feedback(assignment, student)
            if not alone.get("success") or not any(folder.glob("*.html")):
                problems.append(f"{safe_text(student)}: no feedback page: it could not be made ({_why(alone)})")
                shutil.rmtree(folder, ignore_errors=True)
                continue
        found = sorted({t for page in folder.glob("*.html") for t in leaks(page.read_text(encoding="utf-8"), texts)})
        target = root / "feedback" / student / assignment
        if found:
            problems.append(f"{safe_text(student)}: feedback held back, it would show {safe_text(found[0][:80])!r}")
            shutil.rmtree(target, ignore_errors=True)
            continue
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(folder), target)
        written += 1
    shutil.rmtree(staging, ignore_errors=True)
    return written, problems


def main(argv: list[str] | None = None) -> int:
    """Command line: feedback for every (or the named) assignment."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*")
    parser.add_argument("--root", default="autograder")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    status, total = 0, 0
    for name in args.names or assignments(root):
        if not any((root / "autograded").glob(f"*/{name}")):
            continue
        try:
            written, problems = write_feedback(root, name)
        except (ReleaseError, OSError, ValueError) as err:  # the course root itself (its config, its folders)
            print(f"Feedback could not be written for {name}: {safe_text(err)}", file=sys.stderr)
            return 2
        total += written
        print(f"{name}: {written} feedback page(s) written, each in {where(root)}/<student>/{name}/{name}.html")
        for problem in problems:
            status = 1
            print(f"  {problem}")
    if total:
        print(f"The pages are in {where(root)}/ (one folder per student): open one in a browser to read it. Students "
              "get theirs from the formgrader's Release Feedback button (then Fetch Feedback in their Assignments "
              "panel), or send each student their own folder.")
    else:
        print("No feedback written: nothing is graded yet (run make grade first).")
    return status


def where(root: Path) -> str:
    """The feedback folder, relative to the current folder when it is under it."""
    folder = root / "feedback"
    try:
        return str(folder.relative_to(Path.cwd()))
    except ValueError:
        return str(folder)


if __name__ == "__main__":
    sys.exit(main())
