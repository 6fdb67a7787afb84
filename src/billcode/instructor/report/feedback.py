"""Instructor tool: write feedback pages, and refuse any page that would show key or hidden-test text.

    python -m billcode.instructor.report.feedback [--root autograder] [ASSIGNMENT ...]

nbgrader writes the pages into a scratch folder; each is scanned for what must never reach a student (hidden
test markers and lines, code lines of the key file, the class secret) and only clean pages are moved to
feedback/. Exits 1 if any page was held back.
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
from billcode.instructor.author.release import ReleaseError, assignments, nbgrader
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


def write_feedback(root: Path, assignment: str) -> tuple[int, list[str]]:
    """Generate, scan and move one assignment's feedback; return (pages written, problems)."""
    staging = root / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    nbgrader(root, "generate_feedback", assignment, "--force", f"--CourseDirectory.feedback_directory={STAGING}")
    texts = forbidden_texts(root, assignment)
    written, problems = 0, []
    for folder in sorted(staging.glob(f"*/{assignment}")):
        student = folder.parent.name
        found = sorted({t for page in folder.glob("*.html") for t in leaks(page.read_text(encoding="utf-8"), texts)})
        target = root / "feedback" / student / assignment
        if found:
            problems.append(f"{student}: feedback held back, it would show {found[0][:80]!r}")
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
    status = 0
    for name in args.names or assignments(root):
        if not any((root / "autograded").glob(f"*/{name}")):
            continue
        try:
            written, problems = write_feedback(root, name)
        except ReleaseError as err:
            print(err, file=sys.stderr)
            return 2
        print(f"{name}: {written} feedback page(s) written")
        for problem in problems:
            status = 1
            print(f"  {problem}")
    return status


if __name__ == "__main__":
    sys.exit(main())
