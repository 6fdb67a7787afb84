"""The quiz engine the notebooks use: practice checks, graded questions and the mastery report."""

from __future__ import annotations

import getpass
import hashlib
import os
import random
from pathlib import Path

import ipywidgets as widgets

from billcode.quiz.answers import answers_path, read_answers, save_graded, save_practice
from billcode.quiz.bank import find_item, load_bank
from billcode.quiz.checks import not_done
from billcode.quiz.hints import HintBox, hint_texts
from billcode.quiz.mastery import MasteryReport
from billcode.quiz.render import heading, inline_html, label, question_notes, static_class
from billcode.quiz.scoring import AnswerError, Score, clean_answer, describe_answer, format_hints, score_answer
from billcode.quiz.widgets import QUESTION_CSS, Controls, build_controls, message_html, plain, shared

EXPLAIN_AFTER = 2  # wrong practice attempts before the explanation is shown anyway


def learner_id() -> str:
    """Who is working: the hub user name where there is one, else the account name."""
    for var in ("JUPYTERHUB_USER", "NB_USER"):
        if os.environ.get(var):
            return os.environ[var]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "learner"


def learner_rng(seed: str, item_id: str) -> random.Random:
    """A random generator that gives each learner a stable order per question."""
    digest = hashlib.sha256(f"{seed}:{item_id}".encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


class Question:
    """One question on screen: its controls, its button and its feedback area."""

    def __init__(self, quiz: Quiz, item: dict) -> None:
        self.quiz = quiz
        self.item = item
        self.graded = item["mode"] == "graded"
        rng = learner_rng(quiz.seed, item["id"]) if quiz.shuffle else None
        self.controls: Controls = build_controls(item, rng)
        # The markdown cell above holds the title and prompt; this hides its copy of the options and notes,
        # so with a kernel each part of the question shows once (without one, the markdown shows it all).
        self.notes = plain(widgets.HTML,
            QUESTION_CSS + f"<style>.{static_class(item['id'])}{{display:none}}</style>"
            f'<p class="bc-question-notes"><small>{inline_html(question_notes(item).replace("**", ""))}</small></p>'
        )
        self.button = plain(widgets.Button,
            description="Save answer" if self.graded else "Check answer",
            tooltip=("Save your answer for grading" if self.graded else "Check your answer") + f": {label(item)}",
            layout=shared(widgets.Layout, width="max-content", margin="0.5em 0 0 0"),
            classes=("bc-save" if self.graded else "bc-check",),
        )
        self.feedback = plain(widgets.HTML, "", classes=("bc-feedback-area",))
        parts = [self.notes, self.controls.box, self.button, self.feedback]
        self.hints: HintBox | None = None
        if not self.graded and hint_texts(item):
            self.hints = HintBox(hint_texts(item), item["id"], label(item), quiz.path, quiz.name)
            parts.append(self.hints.box)
        self.box = plain(widgets.VBox, parts, classes=("bc-question", f"bc-{item['id']}"))
        self.button.on_click(lambda _button: self.submit())
        self._saved_value: object = None  # what the controls held when last saved (graded)
        self._restore()
        for control in self.controls.inputs:
            control.observe(self._changed, names="value")

    # --- what the learner sees -------------------------------------------------------------
    def _show(self, kind: str, body: str, title: str | None = None) -> None:
        self.feedback.value = message_html(kind, body, title=title)

    def _restore(self) -> None:
        record = read_answers(self.quiz.path, self.quiz.name)
        section = record.graded if self.graded else record.practice
        entry = section.get(self.item["id"])
        if not isinstance(entry, dict) or "answer" not in entry:
            return
        try:
            answer = clean_answer(self.item, entry["answer"])
        except AnswerError as err:
            self._show("notice", inline_html(f"Your saved answer could not be shown ({err}). Answer again."))
            return
        self.controls.fill(answer)
        if self.graded:
            self._show("info", f"Saved earlier: {inline_html(describe_answer(self.item, answer))}.", title="Saved.")
        self._saved_value = self.controls.read()

    def _changed(self, _change: dict) -> None:
        if self.graded and self._saved_value is not None and self.controls.read() != self._saved_value:
            self._show("notice", "Press <strong>Save answer</strong> to keep this change.", title="Not saved yet.")

    # --- actions ---------------------------------------------------------------------------
    def set(self, value: object) -> None:
        """Fill the controls from Python, as a learner would by clicking or typing."""
        self.controls.fill(value)

    def submit(self) -> str:
        """Check (practice) or save (graded) what the controls hold; return the message shown."""
        raw = self.controls.read()
        try:
            answer = clean_answer(self.item, raw)
        except AnswerError as err:
            self._show("notice", inline_html(str(err)))
            return str(err)
        hints, notes = format_hints(self.item, raw)
        if self.graded:
            return self._save(answer, hints + notes)
        return self._check(answer, hints, notes)

    def _save(self, answer: object, notes: list[str]) -> str:
        try:
            warning = save_graded(self.quiz.path, self.quiz.name, self.item["id"], answer)
        except OSError as err:
            text = f"Could not save your answer ({err}). Your choice is still here; try again or ask for help."
            self._show("notice", inline_html(text), title="Not saved.")
            return text
        self._saved_value = self.controls.read()
        text = (
            f"Your answer: {describe_answer(self.item, answer)}. It is saved in {self.quiz.path.name}; "
            "you can change it and save again until you submit. Grading will tell you whether it is right."
        )
        extra = [warning] if warning else []
        self._show("saved", " ".join(inline_html(t) for t in [text, *notes, *extra]))
        return text

    def _check(self, answer: object, hints: list[str], notes: list[str]) -> str:
        score = score_answer(self.item, answer, self.item["key"])
        if hints and score.correct:
            hints = []
        try:
            warning = save_practice(self.quiz.path, self.quiz.name, self.item["id"], answer, score.fraction)
        except OSError:
            warning = "Your progress could not be saved to disk, so the mastery report may miss this answer."
        attempts = self.quiz.attempts.get(self.item["id"], 0) + 1
        self.quiz.attempts[self.item["id"]] = attempts
        kind, parts = self._feedback(answer, score, hints, attempts)
        parts += notes + ([warning] if warning else [])
        body = " ".join(inline_html(p) for p in parts if p)
        if kind == "correct" or attempts >= EXPLAIN_AFTER:
            body += f'<br><span class="bc-explanation"><strong>Why:</strong> {inline_html(self.item["explanation"])}</span>'
            body += f'<br><small class="bc-source">Source: {inline_html(self.item["source"])}</small>'
        self._show(kind, body)
        return f"{kind}: {body}"

    def _feedback(self, answer: object, score: Score, hints: list[str], attempts: int) -> tuple[str, list[str]]:
        item = self.item
        parts: list[str] = []
        if item["type"] in ("single", "multiple"):
            chosen = answer if isinstance(answer, list) else [answer]
            right = item["key"] if isinstance(item["key"], list) else [item["key"]]
            for option in item["options"]:
                if option["id"] in chosen and (score.correct or option["id"] not in right):
                    parts.append(option["feedback"])
        elif item.get("feedback"):
            parts.append(item["feedback"]["correct" if score.correct else "incorrect"])
        if score.correct:
            return "correct", parts
        if item["type"] in ("multiple", "matching", "ordering", "codes") and score.message:
            parts.insert(0, score.message)
        parts += hints
        retry = "Try again." if attempts < EXPLAIN_AFTER else "Read the explanation, then try again."
        if self.hints is not None and self.hints.opened < len(self.hints.hints):
            retry += f" Stuck? Open hint {self.hints.opened + 1} below."
        kind = "partial" if score.fraction > 0 else "incorrect"
        return kind, parts + [retry]

    # --- display ---------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"{heading(self.quiz.bank, self.item)}: {label(self.item)} (run this notebook to answer)"
        return bundle


class Quiz:
    """All questions of one notebook, and where its answers are saved."""

    def __init__(self, name: str, folder: Path | str | None = None, *, shuffle: bool = False,
                 seed: str | None = None, bank: dict | None = None):
        self.name = name
        self.bank = bank if bank is not None else load_bank(name)
        self.path = answers_path(name, folder)
        self.shuffle = shuffle
        self.seed = seed if seed is not None else learner_id()
        self.attempts: dict[str, int] = {}
        self.questions: dict[str, Question] = {}

    def ask(self, item_id: str) -> Question:
        """Show one question (practice or graded) with its controls."""
        question = Question(self, find_item(self.bank, item_id))
        self.questions[item_id] = question
        return question

    def answer(self, item_id: str, value: object) -> str:
        """Answer a question from code: fill its controls and press its button."""
        question = self.questions.get(item_id) or Question(self, find_item(self.bank, item_id))
        question.set(value)
        return question.submit()

    def record(self, answers: dict[str, object]) -> None:
        """Save several graded answers at once (the instructor's copy uses this to fill in the key)."""
        for item_id, value in answers.items():
            item = find_item(self.bank, item_id)
            if item["mode"] != "graded":
                raise ValueError(f"{item_id} is a practice question; record() is for graded ones.")
            save_graded(self.path, self.name, item_id, clean_answer(item, value))

    def hints(self, name: str) -> HintBox:
        """Show the hints of a code exercise (or a question), to open one at a time."""
        entry = find_exercise(self.bank, name)
        if entry is None:
            entry = find_item(self.bank, name)
        return HintBox(hint_texts(entry), name, entry.get("label", name), self.path, self.name,
                       entry.get("scaffold", ""))

    def check_saved(self, item_id: str) -> None:
        """Say whether a graded answer is saved (never whether it is right); nothing to fix shows as a notice."""
        item = find_item(self.bank, item_id)
        name = heading(self.bank, item)
        record = read_answers(self.path, self.name)
        entry = record.graded.get(item_id)
        problem = None
        if record.problem:
            problem = f"{record.problem} Answer the question again and press Save answer."
        elif not isinstance(entry, dict) or "answer" not in entry:
            problem = "No answer is saved yet: answer the question above, press Save answer, then run this cell again."
        else:
            try:
                answer = clean_answer(item, entry["answer"])
            except AnswerError as err:
                problem = f"The saved answer cannot be used ({err}). Answer the question again and press Save answer."
        if problem:
            not_done(name, problem)
            return
        print(f"{name}: your answer is saved ({describe_answer(item, answer)}).")
        print("This check only confirms that an answer is saved; it does not say whether it is right.")

    def submission_status(self, namespace: dict | None = None) -> None:
        """Print, before submitting, which graded questions are saved and which code exercises are filled in.

        namespace is the notebook's globals(), where the code exercises' answers live.
        """
        record = read_answers(self.path, self.name)
        if record.problem:
            print(f"Warning: {record.problem}")
        graded = [i for i in self.bank["items"] if i["mode"] == "graded"]
        missing = 0
        for item in graded:
            saved = isinstance(record.graded.get(item["id"]), dict) and not record.problem
            missing += not saved
            print(f"{'saved    ' if saved else 'NOT SAVED'}  {heading(self.bank, item)}: {label(item)}")
        exercises = [e for e in self.bank.get("exercises", []) if e.get("mode", "graded") == "graded"]
        for exercise in exercises:
            name = exercise["name"]
            if name not in (namespace or {}):  # never run in this kernel: a restart forgets every cell's work
                problem = (f"not run since this notebook was opened: run its cell (the one that sets `{name}`) "
                           "again, then this one")
            else:
                value = namespace[name]
                problem = "not filled in" if value is ... else function_problem(name, value)
            missing += problem is not None
            points = f"{exercise['points']:g} point{'s' if exercise['points'] != 1 else ''}"
            print(f"{'NOT DONE ' if problem else 'filled in'}  Code exercise ({points}): {exercise['label']} "
                  f"(`{exercise['name']}`)" + (f": {problem}" if problem and problem != "not filled in" else ""))
        total = len(graded) + len(exercises)
        if missing:
            print(f"{missing} of {total} graded tasks are not done yet: save the questions' answers and fill in the "
                  "code exercises, then run this cell again.")
        else:
            done = "The graded task is done" if total == 1 else f"All {total} graded tasks are done"
            print(f"{done}. Submit {self.path.name} together with this notebook.")

    def mastery(self) -> MasteryReport:
        """Show the mastery report: practice score per learning objective, with the 70% pass line."""
        return MasteryReport(self.bank, self.path, self.name)


def open_quiz(name: str, folder: Path | str | None = None, *, shuffle: bool = False, seed: str | None = None,
              bank: dict | None = None) -> Quiz:
    """Open the question bank of a notebook; answers are saved next to the notebook (or in folder)."""
    return Quiz(name, folder, shuffle=shuffle, seed=seed, bank=bank)


def find_exercise(bank: dict, name: str) -> dict | None:
    """A code exercise of a bank by its function's name, or None."""
    return next((e for e in bank.get("exercises", []) if e["name"] == name), None)


def function_problem(name: str, value: object) -> str | None:
    """Why a graded function is not done yet (it still returns None, or a worked example differs), or None."""
    from billcode.exercises import EXERCISES, exercise_entry
    from billcode.quiz.checks import PUBLIC_SEED, example_problem, run_cases

    if name not in EXERCISES:
        return None
    if not callable(value):
        return "it is not a function yet"
    exercise = EXERCISES[name]
    cases = exercise.cases(PUBLIC_SEED)
    results = run_cases(exercise, value, cases)
    failed = next((r["error"] for r in results if "error" in r), None)
    if failed:
        return "it returns nothing yet" if "NoneType" in failed else f"on the examples it {failed if failed.startswith('returned') else 'raised ' + failed}"
    shape = exercise.hint([r["value"] for r in results]) if exercise.hint else None
    found = exercise_entry(name)
    return shape or (example_problem(exercise, found[1], cases, results, value) if found else None)
