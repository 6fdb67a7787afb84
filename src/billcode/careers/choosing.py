"""05b's self-assessment: four of the article's five "how to choose" factors, weighed, with a recommendation that explains
itself (the fifth, career prospects, is shown and not scored)."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

import ipywidgets as widgets

from billcode.choice import AccessibleSelect


@dataclass(frozen=True)
class Factor:
    """One of the article's factors, as a statement to agree or disagree with, and the path agreeing points to."""

    key: str
    name: str
    statement: str
    points_to: str  # "billing" or "coding"
    article: str  # what the article says, in short


FACTORS = [
    Factor("communication", "Communication",
           "I would enjoy sorting out payment problems by phone and email with patients and insurers on most days.",
           "billing", "billers often talk with patients and insurers about coverage and bills; coders mostly work "
                      "without direct patient contact"),
    Factor("detail", "Detail orientation",
           "I would rather study a doctor's note to decide which codes it supports than follow a claim until it is paid.",
           "coding", "coding fits people who like analyzing clinical information; accuracy matters in both jobs, so "
                     "this asks what you would analyze, not how carefully"),
    Factor("learning", "Learning style",
           "I would rather learn anatomy and disease than insurance plans and payment rules.",
           "coding", "billing programs emphasize insurance and finance; coding programs anatomy and complex code systems"),
    Factor("environment", "Work environment",
           "I would rather focus on one kind of task for long, quiet stretches than switch between many short tasks.",
           "coding", "billing offers a dynamic workplace, coding quiet, behind-the-scenes work (the social side is "
                     "asked under communication, so it counts once)"),
]
# The article's fifth factor, shown but not scored: it mixes three things, and none of them separates the paths here.
PROSPECTS_NOT_SCORED = (
    "Career prospects is not scored. The article bundles three things in it: pay (its coder figure, USD 54,789 in "
    "2025, has no source, and the course found no source that gives entry pay for every path), remote work (which "
    "the article says both jobs offer) and teamwork and patient contact (asked once, under communication)."
)
ANSWERS = {1: "strongly disagree", 2: "disagree", 3: "neither agree nor disagree", 4: "agree", 5: "strongly agree"}
WEIGHTS = {1: "matters a little", 2: "matters", 3: "matters a lot"}
MIN_ANSWERS = 3
LEAN = 0.25  # a lean under a quarter of the strongest possible is too weak to pick one path


@dataclass(frozen=True)
class Recommendation:
    """What the answers point to ("billing", "coding", "combined", or None: not enough answers), and why."""

    path: str | None
    score: float  # positive: coding; negative: billing
    strongest: float
    answered: int
    reasons: list[str]
    summary: str
    points: dict[str, float] = field(default_factory=dict)  # each answered factor's signed pull (+ coding, - billing)


def recommend(answers: dict[str, int | None], weights: dict[str, int] | None = None) -> Recommendation:
    """Weigh each answered factor (answer 1-5, weight 1-3) and say which path it points to, with reasons."""
    weights = weights or {}
    known = {factor.key for factor in FACTORS}
    for given, what in ((answers, "answers"), (weights, "weights")):
        unknown = sorted(set(given) - known, key=str)
        if unknown:
            raise ValueError(f"No factor is called {', '.join(map(repr, unknown))} (in the {what}); "
                             f"the factors are {', '.join(sorted(known))}.")
    score, strongest, reasons, answered, points = 0.0, 0.0, [], 0, {}
    for factor in FACTORS:
        answer = answers.get(factor.key)
        if answer is None:
            reasons.append(f"{factor.name}: skipped, so it counts for nothing.")
            continue
        if isinstance(answer, bool) or answer not in ANSWERS:
            raise ValueError(f"{factor.name}: the answer must be 1 to 5 (got {answer!r}).")
        weight = weights.get(factor.key, 2)
        if isinstance(weight, bool) or weight not in WEIGHTS:
            raise ValueError(f"{factor.name}: the weight must be 1, 2 or 3 (got {weight!r}).")
        answered += 1
        strongest += 2 * weight
        pull = (answer - 3) * weight
        toward = factor.points_to if pull > 0 else ("coding" if factor.points_to == "billing" else "billing")
        signed = pull if factor.points_to == "coding" else -pull
        points[factor.key] = signed
        score += signed
        if pull == 0:
            reasons.append(f"{factor.name}: you neither agree nor disagree, so it points neither way.")
        else:
            reasons.append(f"{factor.name} ({WEIGHTS[weight]}): you {ANSWERS[answer]} that “{factor.statement}” "
                           f"That points to {toward} ({abs(pull)} of {2 * weight} points). The article: {factor.article}.")
    if answered < MIN_ANSWERS:
        return Recommendation(None, score, strongest, answered, reasons,
                              f"You answered {answered} of {len(FACTORS)} factors. Answer at "
                              f"least {MIN_ANSWERS} for a recommendation; until then any verdict would be a guess.", points)
    if abs(score) < LEAN * strongest:
        path = "combined"
        toward = "" if score == 0 else f" toward {'coding' if score > 0 else 'billing'}"
        summary = (f"Your answers lean neither way strongly ({abs(score):g} of {strongest:g} points{toward}): a combined "
                   "billing and coding program keeps both doors open; small offices often want one person who does both.")
    else:
        path = "coding" if score > 0 else "billing"
        summary = (f"Your answers point to {path} ({abs(score):g} of {strongest:g} possible points toward {path}: a score of "
                   f"{score:g}), for the reasons below. "
                   "It is a starting point for your own judgement, not a verdict.")
    return Recommendation(path, score, strongest, answered, reasons, summary, points)


def points_table_html(result: Recommendation) -> str:
    """How each answer moved the result: one row per factor, its points and the running total, in words."""
    rows, total = [], 0.0
    for factor in FACTORS:
        if factor.key not in result.points:
            rows.append(f"<tr><th scope='row'>{html.escape(factor.name)}</th><td>skipped</td><td>0</td>"
                        f"<td>{total:+g}</td></tr>")
            continue
        signed = result.points[factor.key]
        total += signed
        toward = "neither way" if signed == 0 else ("toward coding" if signed > 0 else "toward billing")
        rows.append(f"<tr><th scope='row'>{html.escape(factor.name)}</th><td>{abs(signed):g} {toward}</td>"
                    f"<td>{signed:+g}</td><td>{total:+g}</td></tr>")
    quarter = LEAN * result.strongest
    return ("<table class='bc-table bc-points'><caption>How each answer moved the result (plus: toward coding; minus: "
            "toward billing)</caption><thead><tr><th scope='col'>Factor</th><th scope='col'>Your answer's pull</th>"
            "<th scope='col'>Points</th><th scope='col'>Running total</th></tr></thead><tbody>"
            + "".join(rows) + f"</tbody></table><p><small>Strongest possible with these weights: "
            f"{result.strongest:g} points either way (2 * the sum of your weights). A total closer to 0 than a quarter of it, "
            f"{quarter:g}, suggests a combined program: here a total strictly between -{quarter:g} and +{quarter:g}."
            "</small></p>")


def recommendation_html(result: Recommendation) -> str:
    """The recommendation, the points each answer added, and every reason, in words (no colour needed to read it)."""
    heading = {"billing": "Leans to billing", "coding": "Leans to coding", "combined": "Leans to a combined program",
               None: "Not enough answers yet"}[result.path]
    # Too few answers: no points and no reasons yet, only what to do next (a partial sum would be a guess).
    items = "".join(f"<li>{html.escape(r)}</li>" for r in result.reasons) if result.path else ""
    return (f"<div class='bc-recommendation' role='status' aria-live='polite'><p><strong>{heading}.</strong> "
            f"{html.escape(result.summary)}</p>{points_table_html(result) if result.path else ''}<ul>{items}</ul>"
            f"<p><small>{html.escape(PROSPECTS_NOT_SCORED)}</small></p></div>")


ASSESSMENT_DATA = "my_self_assessment.json"  # the choices, so a restart (or the plan builder) finds them again


def read_assessment(folder: Path | str = ".") -> tuple[dict[str, int | None], dict[str, int]]:
    """The answers and weights saved last time (anything unreadable or out of range is left out)."""
    try:
        data = json.loads((Path(folder) / ASSESSMENT_DATA).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, {}
    if not isinstance(data, dict):
        return {}, {}
    keys = {f.key for f in FACTORS}

    def valid(part: object, allowed: dict) -> dict:
        return {k: v for k, v in part.items() if k in keys and type(v) is int and v in allowed} \
            if isinstance(part, dict) else {}

    return valid(data.get("answers"), ANSWERS), valid(data.get("weights"), WEIGHTS)


class SelfAssessment:
    """Four factors, each with an answer and a weight, and the recommendation redrawn on every change.

    With a folder, the choices are saved there on every change and read back next time.
    """

    def __init__(self, answers: dict[str, int | None] | None = None, weights: dict[str, int] | None = None,
                 folder: Path | str | None = None) -> None:
        self.folder = Path(folder) if folder is not None else None
        if self.folder is not None and not answers and not weights:
            answers, weights = read_assessment(self.folder)
        answers, weights = answers or {}, weights or {}
        options = [("— skip —", "")] + [(f"{k}: {v}", str(k)) for k, v in ANSWERS.items()]
        weight_options = [(f"{k}: {v}", str(k)) for k, v in WEIGHTS.items()]
        self.answers, self.weights, rows = {}, {}, []
        for factor in FACTORS:
            given = answers.get(factor.key)
            self.answers[factor.key] = AccessibleSelect(f"{factor.name}: {factor.statement}", options,
                                                        str(given) if given else "")
            self.weights[factor.key] = AccessibleSelect(f"How much {factor.name.lower()} matters to you",
                                                        weight_options, str(weights.get(factor.key, 2)))
            for control in (self.answers[factor.key], self.weights[factor.key]):
                control.observe(lambda _c: self._draw(), names="value")
            rows.append(widgets.VBox([self.answers[factor.key], self.weights[factor.key]]))
        self.output = widgets.HTML()
        self.box = widgets.VBox([*rows, self.output])
        self.box.add_class("bc-self-assessment")
        self._draw()

    def chosen(self) -> tuple[dict[str, int | None], dict[str, int]]:
        """The answers (None = skipped) and weights as set now."""
        answers = {k: int(c.value) if c.value else None for k, c in self.answers.items()}
        return answers, {k: int(c.value) for k, c in self.weights.items()}

    def result(self) -> Recommendation:
        """The recommendation for the answers as set now."""
        return recommend(*self.chosen())

    def _draw(self) -> None:
        self.output.value = recommendation_html(self.result())
        if self.folder is not None and hasattr(self, "box"):  # not while the widgets are being made
            answers, weights = self.chosen()
            try:
                (self.folder / ASSESSMENT_DATA).write_text(
                    json.dumps({"answers": {k: v for k, v in answers.items() if v is not None}, "weights": weights}),
                    encoding="utf-8")
            except OSError:
                pass  # a read-only folder: the choices still work on screen, they are only not kept for next time

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = "Self-assessment: answer the four statements (run this notebook to use it)"
        return bundle


def self_assessment(**answers: int) -> SelfAssessment:
    """Show the self-assessment (answers may be given by factor key, 1-5); with none, last time's choices come back."""
    return SelfAssessment(answers) if answers else SelfAssessment(folder=".")


def saved_assessment(folder: Path | str = ".") -> SelfAssessment | None:
    """The self-assessment as saved last time (for the plan), or None when nothing was chosen."""
    answers, weights = read_assessment(folder)
    return SelfAssessment(answers, weights) if answers else None
