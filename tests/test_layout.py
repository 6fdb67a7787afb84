"""The package's layout: folders that show the course, and no import cycles between its modules."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "billcode"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The billcode modules a file imports anywhere (not under `if TYPE_CHECKING:`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
               and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING" for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("billcode")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("billcode"):
            found.add(node.module)
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports(path) if m in modules and m != name} for name, path in modules.items()}


def test_no_import_cycles():
    edges = graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(trail[trail.index(nxt):] + [nxt]) if nxt in trail else f"{node} -> {nxt}")
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_modules_never_import_the_package_front_door():
    """`from billcode import ...` is for notebooks; inside the package it would tie every module to all others."""
    # kernel_trace runs in a graded kernel and must tell calls through the front door from the rest.
    allowed = {"billcode", "billcode.instructor.grade.kernel_trace"}
    offenders = [name for name, path in ((module_name(p), p) for p in PACKAGE.rglob("*.py"))
                 if name not in allowed and "billcode" in imports(path)]
    assert not offenders, offenders


def test_kernel_side_code_never_imports_the_instructor_tools():
    """What runs in a learner's kernel must not reach the grading code (or be able to find the key files)."""
    offenders = {name: sorted(m for m in deps if m.startswith("billcode.instructor"))
                 for name, deps in graph().items() if not name.startswith("billcode.instructor")}
    assert not {k: v for k, v in offenders.items() if v}


def test_the_folders_show_the_course():
    subpackages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert {"quiz", "billing", "coding", "careers", "instructor"} <= set(subpackages)
    shared = {p.stem for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    assert shared == {"amounts", "choice", "data", "exercises", "slider", "tables", "workspace"}, "only shared modules at the top"


def test_instructor_tools_are_grouped_by_task():
    """instructor/ holds author/, grade/ and report/ (plus what they share: key files, class secret, safe text);
    authoring never needs grading or reports, and grading never needs reports."""
    folder = PACKAGE / "instructor"
    assert sorted(p.name for p in folder.iterdir() if (p / "__init__.py").is_file()) == ["author", "grade", "report"]
    assert {p.stem for p in folder.glob("*.py")} == {"__init__", "keys", "variants", "safe_text"}
    later = {"author": ("grade", "report"), "grade": ("report",), "report": ()}
    offenders = {name: sorted(m for m in deps if any(m.startswith(f"billcode.instructor.{g}") for g in later[part]))
                 for name, deps in graph().items() if name.startswith("billcode.instructor.")
                 and (part := name.split(".")[2]) in later}
    assert not {k: v for k, v in offenders.items() if v}, offenders
