"""Instructor tool: what a graded class shows, from the gradebook (nbgrader's API) and the grading report.

    python -m billcode.instructor.report.analytics [--root autograder]

writes reports/scores.csv, reports/items.csv and reports/mastery.csv, and prints the items that look broken.
The class report notebook (autograder/class_report.ipynb) shows the same tables with plots.

- Difficulty of a graded cell: the class's mean share of its points (1.0: everyone earned them all).
- Discrimination: the correlation between a cell's share and the rest of the assignment's score (the total
  without that cell), over the students graded from their notebook. For a right-or-wrong cell this is the
  point-biserial correlation. Near 0 the cell does not separate stronger from weaker students; below 0 the
  weaker ones do better, which usually means a wrong key or a misleading question.
- Mastery per learning objective: each student's share of the points of the objective's graded cells; an
  objective is mastered by the class when its mean share is at least 70% (the course's pass line).
Submissions that scored 0 because they could not be graded (no notebook, a damaged file) are left out of the
item statistics, and listed with every other flagged submission.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from pathlib import Path

import pandas as pd

from billcode.instructor.grade.progress import waiting_text
from billcode.instructor.report.graded_items import graded_items
from billcode.instructor.safe_text import safe_table, safe_text
from billcode.quiz.mastery import PASS_LINE

REPORTS = "reports"
WRITTEN = "written answer (graded by hand)"


def gradebook_rows(root: Path | str) -> pd.DataFrame:
    """One row per graded cell of every submission: scores, whether it waits for a grader, and its comment."""
    from nbgrader.api import Gradebook

    root = Path(root)
    rows = []
    with Gradebook(db_url(root)) as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    comments = {c.name: c for c in notebook.comments}
                    for grade in notebook.grades:
                        comment = comments.get(grade.name)
                        rows.append({
                            "assignment": assignment.name, "student": submission.student.id, "notebook": notebook.name,
                            "cell": grade.name, "auto_score": grade.auto_score, "manual_score": grade.manual_score,
                            "extra_credit": grade.extra_credit, "score": float(grade.score),
                            "max_score": float(grade.max_score), "needs_manual_grade": bool(grade.needs_manual_grade),
                            "auto_comment": comment.auto_comment if comment else None,
                            "manual_comment": comment.manual_comment if comment else None,
                            "late_penalty": notebook.late_submission_penalty,
                        })
    columns = ["assignment", "student", "notebook", "cell", "auto_score", "manual_score", "extra_credit", "score",
               "max_score", "needs_manual_grade", "auto_comment", "manual_comment", "late_penalty"]
    return pd.DataFrame(rows, columns=columns).sort_values(["assignment", "student", "cell"], ignore_index=True)


def db_url(root: Path) -> str:
    """The gradebook URL nbgrader_config.py sets for this course root (SQLite in the root by default)."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    return config.CourseDirectory.get("db_url") or f"sqlite:///{Path(root).resolve() / 'gradebook.db'}"


def grading_report(root: Path | str) -> pd.DataFrame:
    """The grading command's report (reports/grading_report.csv), or an empty table if grading has not run."""
    path = Path(root) / REPORTS / "grading_report.csv"
    columns = ["assignment", "student", "status", "score", "max_score", "isolated", "problems"]
    if not path.is_file():
        return pd.DataFrame(columns=columns)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def objectives(root: Path | str, assignment: str) -> dict[str, tuple[str, str]]:
    """grade_id -> (objective id, objective text) for every graded cell of an assignment the key file checks."""
    return {grade_id: (item.objective, item.objective_text)
            for grade_id, item in graded_items(root, assignment).items() if item.objective}


def graded_from_notebook(rows: pd.DataFrame, report: pd.DataFrame) -> pd.DataFrame:
    """The rows of submissions graded from their notebook (not a 0 for a missing or damaged one)."""
    if report.empty:
        return rows
    bad = report.loc[report["status"] != "graded", ["assignment", "student"]]
    keys = set(zip(bad["assignment"], bad["student"]))
    # The report holds ids as written for people (safe_text: escaped, a formula prefixed), the gradebook raw ones.
    keep = pd.Series([(safe_text(a), safe_text(s)) not in keys for a, s in zip(rows["assignment"], rows["student"])],
                     index=rows.index, dtype=bool)
    return rows[keep]  # a Series, not a list: an empty list would select no columns (a class of 0-point notebooks)


def correlation(x: list[float], y: list[float]) -> float:
    """Pearson's r (the point-biserial correlation when x is 0 or 1); NaN when either does not vary."""
    n = len(x)
    if n < 2:
        return math.nan
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx, syy = sum((a - mx) ** 2 for a in x), sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else math.nan


def waiting(rows: pd.DataFrame) -> pd.Series:
    """Whether each row is a written answer that waits for hand grading (no score from anyone yet)."""
    return rows["needs_manual_grade"].astype(bool) & rows["manual_score"].isna() & rows["auto_score"].isna()


def scores(rows: pd.DataFrame) -> pd.DataFrame:
    """Each student's total per assignment, with the share of the maximum and the points that wait for hand grading
    (counted as 0 in score and share until a person grades them)."""
    rows = rows.assign(waiting_points=rows["max_score"].where(waiting(rows), 0.0))
    totals = rows.groupby(["assignment", "student"], as_index=False)[["score", "max_score", "waiting_points"]].sum()
    totals["share"] = totals["score"] / totals["max_score"]
    return totals[["assignment", "student", "score", "max_score", "share", "waiting_points"]]


MIN_STUDENTS = 5  # fewer students: no item is called broken (one odd answer would decide it)
NEGATIVE = -0.1  # discrimination below this is called negative (a little noise around 0 is not)


def looks_broken(difficulty: float, discrimination: float, n: int) -> str:
    """Why an item looks broken, or '' (never with fewer than MIN_STUDENTS students)."""
    if n < MIN_STUDENTS:
        return ""
    if difficulty == 0:
        return "everyone scored 0: check the key and the question"
    if not math.isnan(discrimination) and discrimination < NEGATIVE:
        return "negative discrimination: weaker students did better; check the key"
    return ""


def item_stats(rows: pd.DataFrame, root: Path | str | None = None) -> pd.DataFrame:
    """Per graded cell: points, students, difficulty, discrimination (item-rest correlation), objective, flag."""
    out = []
    auto = rows[~rows["needs_manual_grade"] | rows["manual_score"].notna()]  # written answers count once graded
    auto = auto[auto["max_score"] > 0].assign(score=lambda t: t["score"].clip(upper=t["max_score"]))  # no extra credit
    for assignment, part in auto.groupby("assignment"):
        names = objectives(root, assignment) if root is not None else {}
        # The rest of the test is the same cells for everyone: those graded for every student of this assignment.
        students = part["student"].nunique()
        common = part.groupby("cell")["student"].nunique().loc[lambda n: n == students].index
        totals = part[part["cell"].isin(common)].groupby("student")["score"].sum()
        for cell, item in part.groupby("cell"):
            points = float(item["max_score"].iloc[0])
            share = item.set_index("student")["score"] / points
            mine = item.set_index("student")["score"] if cell in common else 0
            rest = totals.reindex(share.index, fill_value=0) - mine
            difficulty = float(share.mean()) if len(share) else math.nan
            r = correlation(share.tolist(), rest.tolist())
            objective, text = names.get(cell, ("", WRITTEN if root is not None else ""))  # no key: graded by hand
            out.append({"assignment": assignment, "cell": cell, "points": points, "students": len(share),
                        "difficulty": round(difficulty, 3), "discrimination": round(r, 3) if not math.isnan(r) else None,
                        "objective": objective, "objective_text": text,
                        "looks_broken": looks_broken(difficulty, r, len(share))})
    columns = ["assignment", "cell", "points", "students", "difficulty", "discrimination", "objective",
               "objective_text", "looks_broken"]
    return pd.DataFrame(out, columns=columns)


def mastery(rows: pd.DataFrame, root: Path | str) -> pd.DataFrame:
    """Per learning objective: students, the class's mean share of its points, students at 70%+, mastered or not."""
    out = []
    for assignment, part in rows.groupby("assignment"):
        names = objectives(root, assignment)
        part = part[part["cell"].isin(names)]
        for objective in sorted({names[c][0] for c in part["cell"]}):
            cells = [c for c in names if names[c][0] == objective]
            mine = part[part["cell"].isin(cells)].groupby("student")[["score", "max_score"]].sum()
            share = mine["score"] / mine["max_score"]
            mean = float(share.mean())
            out.append({"assignment": assignment, "objective": objective,
                        "objective_text": next(names[c][1] for c in cells), "cells": ", ".join(sorted(cells)),
                        "students": len(share), "mean_share": round(mean, 3),
                        "students_at_pass_line": int((share >= PASS_LINE - 1e-9).sum()),
                        "mastered": "yes" if mean >= PASS_LINE - 1e-9 else "no"})
    columns = ["assignment", "objective", "objective_text", "cells", "students", "mean_share", "students_at_pass_line",
               "mastered"]
    return pd.DataFrame(out, columns=columns)


def flagged(report: pd.DataFrame) -> pd.DataFrame:
    """Submissions the instructor should look at: not graded from the notebook, unisolated, or with a note."""
    if report.empty:
        return report
    mask = (report["status"] != "graded") | (report["isolated"] == "NO") | (report["problems"] != "")
    return report.loc[mask, ["assignment", "student", "status", "score", "max_score", "isolated", "problems"]]


def write_reports(root: Path | str) -> dict[str, Path]:
    """Write scores.csv, items.csv, mastery.csv and flagged.csv under reports/; return their paths."""
    root = Path(root)
    rows = gradebook_rows(root)
    report = grading_report(root)
    graded = graded_from_notebook(rows, report)
    folder = root / REPORTS
    folder.mkdir(exist_ok=True)
    tables = {"scores": scores(rows), "items": item_stats(graded, root), "mastery": mastery(graded, root),
              "flagged": flagged(report)}
    paths = {}
    for name, table in tables.items():  # student ids and notes are student text: escaped, never a formula
        paths[name] = folder / f"{name}.csv"
        safe_table(table).to_csv(paths[name], index=False, quoting=csv.QUOTE_MINIMAL)
    return paths


def plot_scores(rows: pd.DataFrame):
    """A histogram of the share of points per assignment (one panel each)."""
    import matplotlib.pyplot as plt

    totals = scores(rows)
    names = sorted(totals["assignment"].unique())
    fig, axes = plt.subplots(1, max(1, len(names)), figsize=(3.2 * max(1, len(names)), 2.6), sharey=True, squeeze=False)
    for ax, name in zip(axes[0], names):
        ax.hist(totals.loc[totals["assignment"] == name, "share"] * 100, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
                color="#4c72b0", edgecolor="white")
        ax.axvline(PASS_LINE * 100, color="black", linestyle="--", linewidth=1)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("% of points (dashed: 70%)")
    axes[0][0].set_ylabel("students")
    fig.tight_layout()
    return fig


def plot_items(items: pd.DataFrame):
    """Difficulty against discrimination, one point per graded cell; broken-looking items named."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.6))
    shown = items.dropna(subset=["discrimination"])
    ax.scatter(shown["difficulty"], shown["discrimination"], color="#4c72b0")
    for _, row in items[items["looks_broken"] != ""].iterrows():
        y = row["discrimination"] if row["discrimination"] is not None and not pd.isna(row["discrimination"]) else 0
        ax.scatter([row["difficulty"]], [y], marker="x", color="#c44e52", s=60)
        ax.annotate(f"{row['assignment']} {row['cell']}", (row["difficulty"], y), fontsize=7, xytext=(4, 4),
                    textcoords="offset points")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel("difficulty (share of points earned; 1 = everyone)")
    ax.set_ylabel("discrimination (item-rest r)")
    ax.set_xlim(-0.05, 1.05)
    ax.set_title("Graded items (x: looks broken)", fontsize=9)
    fig.tight_layout()
    return fig


def plot_mastery(table: pd.DataFrame):
    """Mean share per learning objective, with the 70% line."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 0.3 * max(4, len(table)) + 1))
    # Each bar's words are in its label (not colour alone, and nothing past the 100% end of the axis).
    labels = [f"{a.split('_')[0]} {o}: {share:.0%} {'mastered' if m == 'yes' else 'below 70%'}"
              for a, o, share, m in zip(table["assignment"], table["objective"], table["mean_share"], table["mastered"])]
    colours = ["#55a868" if m == "yes" else "#c44e52" for m in table["mastered"]]
    ax.barh(labels, table["mean_share"] * 100, color=colours, hatch=None)
    ax.tick_params(axis="y", labelsize=7)
    ax.axvline(PASS_LINE * 100, color="black", linestyle="--", linewidth=1)
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.set_xlabel("class mean % of the objective's points (dashed: 70%)")
    fig.tight_layout()
    return fig


def scores_alt(rows: pd.DataFrame) -> str:
    """The score histogram in words, for its alt text."""
    totals = scores(rows).dropna(subset=["share"])
    parts = [f"{name}: {len(part)} student(s), median {part['share'].median():.0%}, "
             f"{int((part['share'] >= PASS_LINE - 1e-9).sum())} at or above 70%"
             for name, part in totals.groupby("assignment")]
    return "Histogram of each assignment's share of points, one panel per assignment. " + "; ".join(parts) + "."


def items_alt(items: pd.DataFrame) -> str:
    """The difficulty-discrimination plot in words, for its alt text."""
    broken = [f"{a} {c}" for a, c, why in zip(items["assignment"], items["cell"], items["looks_broken"]) if why]
    return (f"Scatter plot of {len(items)} graded cell(s): difficulty (share of points earned) against "
            f"discrimination. Marked as looking broken: {', '.join(broken) or 'none'}. The items table above lists "
            "every value.")


def mastery_alt(table: pd.DataFrame) -> str:
    """The mastery bars in words, for its alt text."""
    bars = [f"{a.split('_')[0]} {o} {share:.0%} ({'mastered' if m == 'yes' else 'below 70%'})"
            for a, o, share, m in zip(table["assignment"], table["objective"], table["mean_share"], table["mastered"])]
    return "Bar chart of the class's mean share of each learning objective's points, with the 70% line: " + \
        "; ".join(bars) + "."


def figure_html(fig, alt: str) -> str:
    """A figure as an embedded PNG with alt text (JupyterLab and an HTML export both show it); the figure is closed,
    so it is not shown a second time without one."""
    import base64
    import html
    import io

    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" style="max-width: 100%">'


def shown(fig, alt: str):
    """A figure for a notebook cell's result: the image with its alt text."""
    from IPython.display import HTML

    return HTML(figure_html(fig, alt))


REPORT_NOTEBOOK = "class_report.ipynb"


def render_class_report(root: Path | str) -> Path:
    """Run the class report notebook on the course root and write reports/class_report.html (the tables and plots,
    without the code). The kernel talks over local sockets (IPC), not TCP, and each plot carries alt text."""
    import os
    import tempfile

    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    root = Path(root).resolve()
    nb = nbformat.read(root / REPORT_NOTEBOOK, as_version=4)
    with tempfile.TemporaryDirectory(prefix="billcode-report-") as scratch:
        config = Config()
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(Path(scratch) / "kernel")  # the sockets live here, not in the course root
        client = NotebookClient(nb, timeout=300, kernel_name="python3", config=config,
                                resources={"metadata": {"path": str(root)}})
        client.execute(env={**os.environ, "BILLCODE_COURSE_ROOT": str(root)})
    page, _ = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True).from_notebook_node(nb)
    path = root / REPORTS / "class_report.html"
    path.parent.mkdir(exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line: write the report tables and print what to look at."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default="autograder")
    parser.add_argument("--no-html", action="store_true", help="only the CSV tables (no reports/class_report.html)")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    if not (root / "nbgrader_config.py").is_file():
        print(f"{root} is not a course root (no nbgrader_config.py).", file=sys.stderr)
        return 2
    paths = write_reports(root)
    items = pd.read_csv(paths["items"], keep_default_na=False)
    print("Wrote " + ", ".join(str(p) for p in paths.values()))
    if not args.no_html and (root / REPORT_NOTEBOOK).is_file():
        try:
            print(f"The same with plots: {render_class_report(root)} (open it in a browser), or run "
                  f"{root / REPORT_NOTEBOOK} in make instructor.")
        except Exception as err:  # the tables stand; say why the page is missing
            print(f"The class report page could not be made ({type(err).__name__}: {safe_text(str(err)[:300])}); "
                  f"the tables above stand. Run {root / REPORT_NOTEBOOK} in make instructor to see why.", file=sys.stderr)
    else:
        print(f"The same with plots: open {root / REPORT_NOTEBOOK} (make instructor) and run it.")
    table = pd.read_csv(paths["scores"], keep_default_na=False)
    for assignment, part in table[table["waiting_points"] > 0].groupby("assignment"):
        print(f"  {safe_text(assignment)}: {len(part)} submission(s) with written answers not graded yet "
              f"({waiting_text(float(part['waiting_points'].sum()))} in all; scores.csv counts them as 0 until then): "
              "grade them in the formgrader (Manual Grading), then run make report again.")
    broken = items[items["looks_broken"] != ""]
    for _, row in broken.iterrows():
        print(f"  looks broken: {safe_text(row['assignment'])} {safe_text(row['cell'])}: {row['looks_broken']}")
    if broken.empty:
        print("No graded item looks broken.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
