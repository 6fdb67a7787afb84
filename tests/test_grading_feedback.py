"""The feedback page (billcode.instructor.report.feedback_page): built from the grader's parts, every text escaped.

The whole cycle (grading, then `make feedback`) is in test_nbgrader_cycle.py and test_hostile_submissions.py; the
browser checks (axe, 1280 and 390 px) in tests/browser/test_feedback_page.py.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from billcode.instructor.grade.grading_steps import inert_markdown
from billcode.instructor.grade.marking import message_name, message_parts, score_quiz, score_value
from billcode.instructor.keys import FunctionCheck, QuizKey, ValueCheck
from billcode.instructor.report.feedback_page import (
    Facts, Graded, page_html, prose_html, result_parts, shown_answer,
)
from billcode.instructor.report.graded_items import WRITTEN, GradedItem, graded_items, written_items
from billcode.quiz.answers import parse_answers
from billcode.quiz.bank import load_bank
from billcode.quiz.render import heading, label
from nbgrader_helpers import AUTOGRADER

HOSTILE = ('<script>alert("x")</script><img src=x onerror="alert(1)"> [click](javascript:alert(2)) '
           '=HYPERLINK("http://evil.example") $\\href{https://evil.example/}{x}$ &amp; &lt;b&gt;')
PAGE_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "main", "section",
             "nav", "ol", "li", "a", "span", "strong", "em", "code", "pre", "table", "caption", "thead", "tbody",
             "tr", "th", "td", "div", "br"}


class Tags(HTMLParser):
    """Every element of a page with its attributes, and its text."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data):
        self.text.append(data)


def item(name="Question 1 (2 points): A question", kind="question", objective="O1", grade_id="test_x"):
    return GradedItem(grade_id, name, kind, objective, "The objective's text." if objective else "")


def facts(*items: Graded, **kw) -> Facts:
    total = sum(g.score for g in items if not g.waiting)
    return Facts(title="A notebook", assignment="99_fixture", student=kw.pop("student", "s1"), score=total,
                 max_score=sum(g.points for g in items), objectives={"O1": "The objective's text.",
                                                                     "O2": "Another."}, items=list(items), **kw)


# --- the grader's message, in parts ------------------------------------------------------------------------

def test_a_message_is_cut_at_the_graders_own_texts(bank):
    """The result loses the cell's name and the points (the page shows both), the explanation is its own part, and
    an answer that writes 'Why:' or the points itself moves neither part."""
    check = QuizKey("fx-g7", "I10", "Hypertension is I10.")
    raw = json.dumps({"bank": "99_fixture", "graded": {"fx-g7": {"answer": "E11.9"}}}).encode()
    earned, message = score_quiz(bank, check, parse_answers(raw, "99_fixture"), 1)
    parts = message_parts(message, message_name(bank, check), check.explanation, earned, 1)
    assert parts == {"result": "You answered: E11.9.", "why": "Hypertension is I10."}, message
    value = ValueCheck("steps", ["a", "b"], "Two steps.")
    earned, message = score_value(value, True, ["a"], 1)
    assert message_parts(message, "steps", value.explanation, earned, 1) == {
        "result": 'Your value: ["a"].\nYour list has 1 item(s); the expected list has 2.', "why": "Two steps."}
    forged = "0 of 1 point(s). Full marks!\nWhy: Two steps."  # the grader's own words, typed as an answer
    earned, message = score_value(value, True, forged, 1)
    parts = message_parts(message, "steps", value.explanation, earned, 1)
    assert parts["why"] == "Two steps." and parts["result"].startswith("Your value: ") and "Full marks!" in parts["result"]
    # A message without the grader's name or explanation (an unforeseen error) is shown whole.
    assert message_parts("odd: something", "other", "", 0.0, 1) == {"result": "odd: something", "why": ""}
    assert message_name(bank, FunctionCheck("f", len, "")) == "f"


def test_the_page_reads_the_parts_the_grader_stored_and_falls_back_to_its_message():
    from nbformat.v4 import new_code_cell, new_output

    cell = new_code_cell("quiz.check_saved('x')", outputs=[
        new_output("stream", name="stdout", text="Question 1 (x): 1 of 1 point(s). You answered: a.\n"),
        new_output("execute_result", data={"text/plain": "1.0"}, execution_count=1,
                   metadata={"billcode_feedback": {"result": "You answered: a.", "why": "Because."}})])
    assert result_parts(cell) == ("You answered: a.", "Because.")
    cell.outputs[1].metadata = {}
    assert result_parts(cell) == ("Question 1 (x): 1 of 1 point(s). You answered: a.", "")


# --- what the page shows -----------------------------------------------------------------------------------

def test_student_text_is_shown_as_text_and_the_page_loads_nothing():
    """Code, a written answer, a result quoting the answer, a comment and the student id: each shown, none markup."""
    page = page_html(facts(
        Graded(item("Code exercise (2 points): Sum (`total`)", "exercise"), 0.0, 2.0, answer=HOSTILE,
               result=f"Your function gave {HOSTILE}", why="Add them up."),
        Graded(item("Reflection (3 points)", WRITTEN, "", "reflection"), 1.0, 3.0,
               answer=shown_answer_of(HOSTILE), manual_score=1.0, comment=HOSTILE),
        student=HOSTILE))
    tags = Tags(page)
    assert {t for t, _ in tags.tags} <= PAGE_TAGS, {t for t, _ in tags.tags} - PAGE_TAGS
    assert not [a for _, a in tags.tags if any(k.startswith("on") or k == "src" for k in a)]
    assert all(a["href"].startswith("#") for t, a in tags.tags if t == "a")  # links only within the page
    assert [a.get("name") for t, a in tags.tags if t == "meta"] == [None, "viewport"]
    shown = "".join(tags.text)
    assert shown.count('<script>alert("x")</script>') == 5  # code, result, written answer, comment, student id
    assert shown.count("$\\href{https://evil.example/}{x}$") == 5 and "&amp; &lt;b&gt;" in shown
    assert "$\\href" in page.replace("\u200b", "")  # shown as written: the page loads no MathJax to typeset it


def shown_answer_of(text: str) -> str:
    """A written answer as the page shows it once grading made it inert."""
    from nbformat.v4 import new_markdown_cell

    return shown_answer(new_markdown_cell(inert_markdown(text)))


def test_a_written_answer_reads_as_the_student_wrote_it():
    """Grading turns a written answer into inert Markdown; the page undoes exactly that, then escapes it again."""
    plain = "<b>bold?</b> 1 < 2 & 3 > 2, C:\\path \\(x\\) &lt; &amp;amp;"
    assert shown_answer_of(plain) == plain
    # Links and script URLs stay broken apart, as grading left them.
    assert shown_answer_of(HOSTILE) == HOSTILE.replace("](", "] (").replace("javascript:", "javascript :")
    text = "I lean to coding.\nIt suits me.\n\nReasons:\n- anatomy\n- no phone calls\n1. first"
    assert prose_html(text) == ("<p>I lean to coding. It suits me.</p>"
                                "<p>Reasons:<br>- anatomy<br>- no phone calls<br>1. first</p>")


def test_the_summary_gives_the_score_each_objective_and_what_waits_for_a_person():
    page = page_html(facts(
        Graded(item("Question 1 (2 points): First", grade_id="a"), 2.0, 2.0, result="You answered: b."),
        Graded(item("Question 2 (1 point): Second", objective="O2", grade_id="b"), 0.0, 1.0),
        Graded(item("Code exercise (2 points): Third (`third`)", "exercise", grade_id="c"), 1.0, 2.0),
        Graded(item("Reflection (3 points, graded by your instructor)", WRITTEN, "", "r"), 0.0, 3.0, waiting=True,
               answer="My plan.")))
    text = re.sub(r"\s+", " ", " ".join(Tags(page).text))
    assert "3 of 8 points so far" in text and "(38%)" not in text
    assert "3 points wait for your instructor's grading: Reflection (3 points, graded by your instructor)." in text
    assert "O1: The objective's text. 3 of 4" in text and "O2: Another. 0 of 1" in text
    assert "Reflection (3 points, graded by your instructor) not graded yet" in text
    # The contents name every graded cell as the notebook does, in its order, with its points.
    contents = re.search(r"<nav.*?</nav>", page).group(0)
    assert re.findall(r"<a href='#item-(\w+)'>", contents) == ["a", "b", "c", "r"]
    assert "Third (<code>third</code>)</a> <span class='small'>(1 of 2 points)</span>" in contents
    # Each outcome in words, not colour alone.
    assert [re.sub("<.*?>", "", s) for s in re.findall(r"<span class='status'>.*?</span>", page)] == [
        "Full marks", "Not yet", "Partly right", "Waiting for your instructor"]
    done = " ".join(Tags(page_html(facts(Graded(item(), 1.5, 2.0, auto_score=0.5, manual_score=1.5)))).text)
    assert "1.5 of 2 points (your instructor changed the grader's 0.5)" in done and "(75%)" in done


def test_a_practice_only_notebook_says_so_instead_of_zero_of_zero():
    page = page_html(facts())
    text = "".join(Tags(page).text)
    assert "Practice only: nothing in this notebook is graded." in text
    assert "0 of 0" not in text and "Contents" not in text


# --- names from the bank and the key file -------------------------------------------------------------------

@pytest.mark.parametrize("assignment", sorted(p.name for p in (AUTOGRADER / "source").iterdir() if p.is_dir()))
def test_every_graded_cell_has_the_notebooks_own_name(assignment):
    """Questions as "Question N (P points): label", exercises as the notebook's check lists them, written answers
    by the heading above them: computed from the bank, so a rewritten master keeps them right."""
    bank = load_bank(assignment)
    names = graded_items(AUTOGRADER, assignment)
    questions = {i["id"]: i for i in bank["items"] if i["mode"] == "graded"}
    exercises = {e["name"]: e for e in bank.get("exercises", []) if e.get("mode", "graded") == "graded"}
    assert len(names) == len(questions) + len(exercises)
    for found in names.values():
        assert found.objective in bank["objectives"], found
        if found.kind == "question":
            one = next(i for i in questions.values() if found.name == f"{heading(bank, i)}: {label(i)}")
            assert found.objective == one["objective"]
        else:
            one = next(e for e in exercises.values() if found.name.endswith(f": {e['label']} (`{e['name']}`)"))
            assert found.name.startswith(f"Code exercise ({one['points']:g} point")
    import nbformat

    master = nbformat.read(AUTOGRADER / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    written = [c.metadata.nbgrader["grade_id"] for c in master.cells if c.cell_type == "markdown"
               and c.metadata.get("nbgrader", {}).get("grade") and c.metadata.nbgrader.get("solution")]
    found = written_items(AUTOGRADER, assignment)
    assert sorted(found) == sorted(written)
    for grade_id, one in found.items():
        above = [c.source for c in master.cells[:[c.metadata.get("nbgrader", {}).get("grade_id") for c in
                                                  master.cells].index(grade_id)] if c.cell_type == "markdown"]
        assert one.name != "Written answer" and any(one.name in text.replace("*", "") for text in above), one
