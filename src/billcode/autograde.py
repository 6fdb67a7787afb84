"""Instructor tool: autograde safely. Checks the setup first, grades, then finds silent failures.

    python -m billcode.autograde [--root autograder] [ASSIGNMENT ...]

nbgrader exits 0 even when every test scored 0 because the kernel could not import the course package,
and one student's tampered notebook makes it exit 1 for the batch. This wrapper says which is which.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager

from billcode.release import ReleaseError, assignments, nbgrader, nbgrader_env

IMPORT_ERRORS = ("ModuleNotFoundError", "ImportError")


def preflight(kernel: str = "python3") -> str:
    """Check that the grading kernel can import the course package; return its interpreter."""
    spec = KernelSpecManager().get_kernel_spec(kernel)
    launcher = spec.argv.index("-m") if "-m" in spec.argv else 1  # the interpreter and its own flags
    probe = [*spec.argv[:launcher], "-c", "import billcode, ipykernel; print(billcode.__file__)"]
    done = subprocess.run(probe, capture_output=True, text=True, env=nbgrader_env(), timeout=120)
    if done.returncode != 0:
        raise ReleaseError(
            f"The {kernel!r} kernel ({spec.argv[0]}) cannot import the course package, so every test would "
            f"silently score 0. Run `make install` (it installs billcode and pins the kernel).\n{done.stderr.strip()}"
        )
    return spec.argv[0]


def import_failures(course_root: Path) -> list[str]:
    """List autograded notebooks where the course package failed to import."""
    found = []
    for path in sorted((Path(course_root) / "autograded").glob("*/*/*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error" and out.get("ename") in IMPORT_ERRORS and "billcode" in out.get("evalue", ""):
                    found.append(f"{path.relative_to(course_root)}: {out['ename']}: {out['evalue']}")
                    break
            else:
                continue
            break
    return found


def ungraded(course_root: Path, assignment: str) -> list[str]:
    """Students with a submission but no autograded copy (nbgrader refused them, e.g. tampered metadata)."""
    root = Path(course_root)
    submitted = {p.parent.name for p in (root / "submitted").glob(f"*/{assignment}")}
    graded = {p.parent.name for p in (root / "autograded").glob(f"*/{assignment}")}
    return sorted(submitted - graded)


def main(argv: list[str] | None = None) -> int:
    """Command line: grade every (or the named) assignment and report problems clearly."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="assignments to grade (default: all under source/)")
    parser.add_argument("--root", default="autograder")
    args = parser.parse_args(argv)
    root = Path(args.root)
    try:
        python = preflight()
    except ReleaseError as err:
        print(err, file=sys.stderr)
        return 2
    print(f"Grading kernel: {python} (imports billcode)")
    status = 0
    for name in args.names or assignments(root):
        if not any((root / "submitted").glob(f"*/{name}")):
            print(f"{name}: no submissions")
            continue
        try:
            nbgrader(root, "autograde", name, "--force", timeout=3600)
        except ReleaseError as err:
            status = 1
            print(f"{name}: nbgrader reported a failure; details follow the summary.", file=sys.stderr)
            detail = str(err)
        else:
            detail = ""
        refused = ungraded(root, name)
        if refused:
            status = 1
            print(f"{name}: NOT graded for {', '.join(refused)} (their notebook's nbgrader metadata was changed; "
                  "see nbgrader's log below, fix or re-issue the notebook, then grade again).")
        if detail and not refused:
            print(detail, file=sys.stderr)
        elif detail:
            print(detail[-4000:], file=sys.stderr)
    failures = import_failures(root)
    if failures:
        status = 1
        print("The course package failed to import while grading (these scores are not real):", *failures, sep="\n  ")
    print("Autograding finished" + (" with problems (see above)." if status else " cleanly."))
    return status


if __name__ == "__main__":
    sys.exit(main())
