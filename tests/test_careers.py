"""04 and 05's arithmetic and tools, checked against values worked by hand."""

from __future__ import annotations

import json
import math

import pytest

from billcode.careers.choosing import FACTORS, recommend, self_assessment
from billcode.careers.costs import (
    PAY_NOW_DEFAULT, annual_pay, five_year_net, gain_over_staying, monthly_gain, payback_months, total_cost, with_uplift,
)
from billcode.careers.exercises import EXERCISES, PROGRAM_EXAMPLES, example_paths
from billcode.careers.explorer import cost_explorer
from billcode.careers.paths import default_paths
from billcode.careers.plan import PLAN_DATA, PLAN_FILE, PlanBuilder, load_plan, save_plan
from billcode.careers.salaries import salary_evidence
from billcode.instructor.keys import load_graded
from billcode.quiz.bank import load_bank
from billcode.quiz.params import choose_params
from nbgrader_helpers import AUTOGRADER


def keys(name):
    return {c.name: c.reference for c in load_graded(AUTOGRADER, name, choose_params(load_bank(name), None)).values()
            if hasattr(c, "reference")}


def test_a_years_pay_by_hand():
    assert annual_pay(17.5) == 36_400.0  # 17.50 × 2,080
    assert annual_pay(20) == 41_600.0
    assert annual_pay(15, 30) == 23_400.0  # 15 × 30 × 52
    assert annual_pay(24.16) == 50_252.8  # BLS's hourly median × 2,080, next to its yearly 50,250
    import numpy as np

    assert annual_pay(np.int64(20)) == annual_pay(np.float64(20)) == 41_600.0  # numbers from a table
    assert with_uplift(47_200, 20) == 56_640.0
    assert PAY_NOW_DEFAULT == 15_080.0  # 7.25 × 2,080


def test_the_worked_payback_examples():
    # 3,000 cost, 10 months, 20,000 now, 44,000 after: gain 2,000 a month, so 10 + 1.5.
    assert monthly_gain(20_000, 44_000, 0) == 2_000
    assert payback_months(3_000, 10, 20_000, 44_000, 0) == 11.5
    # The notebook's billing certificate: 2,525 / ((36,400 - 15,080 - 222) / 12 = 1,758.17) = 1.44 -> 11.4.
    assert total_cost(2_100, 0, 425) == 2_525
    assert payback_months(2_525, 10, 15_080, 36_400, 222) == 11.4
    assert payback_months(4_000, 12, 40_000, 40_000, 0) is None  # no gain: never
    assert payback_months(4_000, 12, 40_000, 40_100, 222) is None  # the fees eat the gain
    assert payback_months(0, 6, 20_000, 30_000, 0) == 6.0


def test_five_years_by_hand():
    # 10 months at 20,000 a year + 50 months at 44,000 - 3,000 = 16,666.67 + 183,333.33 - 3,000.
    assert five_year_net(3_000, 10, 20_000, 44_000, 0) == 197_000.0
    assert gain_over_staying(3_000, 10, 20_000, 44_000, 0) == 97_000.0  # 197,000 - 60 × 20,000 / 12
    assert gain_over_staying(3_000, 10, 20_000, 44_000, 0, month=11.5) == 0.0  # it crosses zero at payback
    assert gain_over_staying(3_000, 10, 20_000, 44_000, 0, month=5) == -3_000.0
    assert five_year_net(1_000, 66, 20_000, 50_000, 0) == 99_000.0  # still studying after five years
    assert five_year_net(0, 0, 0, 12_000, 1_200) == 54_000.0  # fees come out of every month's pay


@pytest.mark.parametrize("bad", [-1, math.nan, math.inf, "100", True])
def test_bad_amounts_are_refused_with_their_name(bad):
    with pytest.raises(ValueError, match="tuition"):
        total_cost(bad, 0, 0)


def test_the_paths_start_from_the_articles_figures():
    paths = default_paths()
    assert [p.tuition for p in paths.values()] == [2_100, 3_500, 5_000, 10_000, 40_000]
    assert paths["billing_certificate"].pay_after == 36_400.0
    assert paths["coding_certificate"].pay_after == 56_640.0  # AAPC 2022 non-certified × the article's 20%
    assert paths["associate_public"].pay_after == 50_250.0  # BLS May 2024 median, no uplift
    assert all(p.books == 0 for p in paths.values())  # the article gives no figure


def test_the_key_files_agree_with_the_course_arithmetic():
    """The graders' references and the explorer compute the same numbers on every input the grader makes."""
    refs = keys("04_costs_and_careers")
    for seed in ("example", "class-a", "class-b"):
        for args in EXERCISES["annual_pay"].cases(seed):
            assert refs["annual_pay"](*args) == annual_pay(*args)
        for args in EXERCISES["payback_months"].cases(seed):
            assert refs["payback_months"](*args) == payback_months(*args)
    frame = example_paths()
    by_net = sorted(default_paths().values(), key=lambda p: (-p.net(PAY_NOW_DEFAULT), p.label))
    assert refs["rank_paths"](frame, PAY_NOW_DEFAULT) == [p.label for p in by_net]
    assert refs["rank_paths"](frame, PAY_NOW_DEFAULT)[0] == "Coding certificate"


def test_rank_paths_breaks_ties_and_handles_long_programs():
    refs = keys("04_costs_and_careers")
    cases = EXERCISES["rank_paths"].cases("class-a")
    twin = cases[0][0]
    ranked = refs["rank_paths"](*cases[0])
    original = next(n for n in twin["path"] if f"A twin of {n}" in set(twin["path"]))
    assert ranked.index(f"A twin of {original}") == ranked.index(original) - 1  # same net: "A twin" sorts first
    assert "Part-time degree" in refs["rank_paths"](*cases[1])


def test_the_recommendation_by_hand():
    # Communication 5 (billing, +4 to billing), detail 2 (coding, disagree: +2 billing), learning 4 (billing, +2),
    # prospects 2 (coding, disagree: +2 billing), environment 4 (billing, +2): 12 of 20 toward billing.
    result = recommend({"communication": 5, "detail": 2, "learning": 4, "prospects": 2, "environment": 4})
    assert (result.path, result.score, result.strongest) == ("billing", -12, 20)
    assert all(f.name in " ".join(result.reasons) for f in FACTORS)
    # 3 of 12 is exactly a quarter: enough to lean.
    edge = recommend({"communication": 4, "detail": 3, "learning": 3},
                     {"communication": 3, "detail": 2, "learning": 1})
    assert (edge.path, edge.score, edge.strongest) == ("billing", -3, 12)
    assert recommend({"communication": 4, "detail": 4, "learning": 3}).path == "combined"


def test_with_everything_skipped_it_says_so():
    nothing = recommend({})
    assert nothing.path is None and "Not enough answers yet" in nothing.summary and "0 of 5" in nothing.summary
    two = recommend({"communication": 5, "detail": 1})
    assert two.path is None and "2 of 5" in two.summary
    assert "Not enough answers yet" in self_assessment().output.value
    with pytest.raises(ValueError, match="1 to 5"):
        recommend({"communication": 7})
    with pytest.raises(ValueError, match="1 to 5"):
        recommend({"communication": True, "detail": 1, "learning": 1})  # True == 1, but it is not an answer
    with pytest.raises(ValueError, match="1, 2 or 3"):
        recommend({"communication": 5, "detail": 1, "learning": 1}, {"detail": True})
    with pytest.raises(ValueError, match="No factor is called 'comunication'.*the factors are communication"):
        recommend({"comunication": 5, "detail": 1, "learning": 1})
    with pytest.raises(ValueError, match="'enviroment' \\(in the weights\\)"):
        recommend({"communication": 5}, {"enviroment": 3})


def test_the_lean_key_is_the_self_assessment():
    lean = keys("05_choosing_a_path")["lean"]
    for seed in ("example", "class-a", "class-b"):
        for answers, weights in EXERCISES["lean"].cases(seed):
            assert lean(answers, weights) == recommend(answers, weights).path


def test_red_flags_by_hand():
    flags = keys("05_choosing_a_path")["red_flags"]
    assert flags(PROGRAM_EXAMPLES[0]) == []
    assert flags(PROGRAM_EXAMPLES[1]) == ["approval", "code_books", "cost", "externship", "pass_rate", "placement"]
    assert flags(PROGRAM_EXAMPLES[2]) == ["cost", "pass_rate"]  # 11,800 over a 10,000 budget; no pass rate
    cases = [c[0] for c in EXERCISES["red_flags"].cases("class-a")]
    assert flags(next(c for c in cases if c["name"] == "On budget exactly")) == []
    assert flags(next(c for c in cases if c["name"] == "Blank approval")) == ["approval"]


def test_salary_evidence_per_year():
    table = salary_evidence().set_index("figure")
    assert table.loc["The article: entry-level billers", ["low_per_year", "high_per_year"]].tolist() == [31_200, 41_600]
    assert table.loc["AAPC: certified members", "year"] == "2022"
    assert set(table.loc[table["kind"] != "article claim", "year"]) == {"May 2024", "2022"}  # one year per source


def test_the_explorer_recomputes_and_refuses_bad_numbers():
    explorer = cost_explorer("billing_certificate")
    before = explorer.results()
    message = explorer.sliders["tuition"].type_value("-500")
    assert "cannot be negative" in message and explorer.current.tuition == 2_100
    assert "outside this slider's range" in explorer.sliders["months"].type_value("400")
    assert "box is empty" in explorer.sliders["books"].type_value("   ")
    explorer.sliders["tuition"].type_value("3,000")
    assert explorer.results().loc[0, "total_cost"] == 3_425
    explorer.pay_unit.value = "year"  # 17.50 an hour becomes 36,400 a year, the same pay
    assert explorer.pay.value == 36_400 and explorer.results().loc[0, "pay_after"] == 36_400
    explorer.pay_now.value = 200_000
    assert explorer.results()["payback_months"].isna().all()
    assert "never, at these numbers" in explorer.summary.value
    assert all(p.label in explorer.chart.value for p in default_paths().values())
    explorer.choose.value = "coding_certificate"
    assert explorer.sliders["tuition"].value == 3_500 and explorer.pay_unit.value == "year"
    explorer.choose.value = "billing_certificate"  # each path keeps its own settings
    assert explorer.sliders["tuition"].value == 3_000
    coding = default_paths()["coding_certificate"]  # the other paths keep their defaults
    assert explorer.results().loc[1, "five_year_net"] == coding.net(200_000)
    assert before.loc[1, "five_year_net"] == coding.net(PAY_NOW_DEFAULT)


def test_the_plan_is_written_and_nothing_is_lost(tmp_path):
    plan = {"path": "coding", "exam": "CPC", "budget": 4000, "study_months": 10, "exam_date": "2027-09",
            "program": "Sample College", "checks": "", "first_jobs": "coder", "keeping": ""}
    save_plan(plan, {"summary": "Leans to coding.", "reasons": ["Detail orientation: agreed."]}, tmp_path)
    text = (tmp_path / PLAN_FILE).read_text()
    assert "Medical coding" in text and "CPC (AAPC)" in text and "$4,000.00" in text and "_not decided yet_" in text
    untouched = (tmp_path / "x").mkdir() or save_plan({}, None, tmp_path / "x").read_text()
    assert "**Budget:** _not decided yet_" in untouched and "**Study time:** _not decided yet_" in untouched
    assert "Detail orientation: agreed." in text
    save_plan({**plan, "program": "Other College"}, None, tmp_path)
    assert "Sample College" in (tmp_path / "my_plan.previous.md").read_text()
    assert load_plan(tmp_path)["program"] == "Other College"
    (tmp_path / PLAN_DATA).write_text(json.dumps({"budget": "lots", "study_months": -3}))
    assert PlanBuilder(None, tmp_path).budget.value == 0  # a hand-edited file does not break the builder
    (tmp_path / PLAN_DATA).write_text("{broken")
    assert load_plan(tmp_path) == {} and (tmp_path / "my_plan.damaged.json").read_text() == "{broken"
    (tmp_path / PLAN_DATA).write_text("[1, 2]")  # valid JSON, not a plan: also kept, and the learner is told
    builder = PlanBuilder(None, tmp_path)
    assert "could not be read" in builder.status.value and "my_plan.damaged-2.json" in builder.status.value
    assert (tmp_path / "my_plan.damaged.json").read_text() == "{broken"  # the earlier one is not overwritten
    assert (tmp_path / "my_plan.damaged-2.json").read_text() == "[1, 2]" and not (tmp_path / PLAN_DATA).exists()
    assert "could not be read" not in PlanBuilder(None, tmp_path).status.value  # said once, not every time


def test_the_plan_builder_explains_a_bad_date_and_keeps_the_fields(tmp_path):
    builder = PlanBuilder(self_assessment(communication=5, detail=1, learning=5), tmp_path)
    assert builder.path.value == "billing"  # suggested by the self-assessment
    builder.texts["program"].value = "Sample College"
    builder.exam_date.value = "next spring"
    assert "Not saved" in builder.save() and not (tmp_path / PLAN_FILE).exists()
    assert builder.texts["program"].value == "Sample College"
    builder.exam_date.value = "2027-03"
    assert "Saved" in builder.save() and "Download my_plan.md" in builder.status.value
    assert "Your answers point to billing" in (tmp_path / PLAN_FILE).read_text()
    assert json.loads((tmp_path / PLAN_DATA).read_text())["assessment"]["reasons"]
    assert PlanBuilder(None, tmp_path).texts["program"].value == "Sample College"  # filled in next time


def test_written_answers_form_no_links_or_html():
    from billcode.instructor.grade.grading_steps import inert_markdown

    for hostile in ["[a](javascript\\:alert(1))", "[b](java&#115;cript:alert(1))", "![p](https://evil.example/p.png)",
                    "[c][1]\n\n[1]: javascript:alert(1)", "<script>alert(1)</script>", "<javascript:alert(1)>"]:
        safe = inert_markdown(hostile)
        assert "](" not in safe and "]:" not in safe and "<" not in safe, safe


def test_an_unfinished_stub_is_not_taken_for_a_finished_function():
    from billcode.quiz.checks import run_cases

    for name in ("payback_months", "lean"):
        exercise = EXERCISES[name]
        results = run_cases(exercise, lambda *args: None, exercise.cases("example"))
        assert "unfinished stub" in exercise.hint([r["value"] for r in results])
