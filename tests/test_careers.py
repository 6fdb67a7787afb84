"""04 and 05's arithmetic, tools and graded functions, checked against values worked by hand and against fakes."""

from __future__ import annotations

import ast
import copy
import json
import math
import re
import runpy

import nbformat
import pytest

from billcode.careers.choosing import FACTORS, PROSPECTS_NOT_SCORED, recommend, recommendation_html, self_assessment
from billcode.careers.costs import (
    PAY_NOW_DEFAULT, annual_pay, five_year_net, gain_over_staying, given_up, monthly_gain, payback_months, total_cost,
    with_uplift,
)
from billcode.careers.exercises import EXERCISES, PROGRAM_EXAMPLES, example_paths
from billcode.careers.explorer import cost_explorer
from billcode.careers.paths import basis_pay, default_paths, pay_bases, paths_frame, rank_paths
from billcode.careers.plan import PLAN_DATA, PLAN_FILE, PlanBuilder, load_plan, save_plan
from billcode.careers.salaries import CHART_LABEL_CHARS, chart_rows, salary_chart, salary_evidence, salary_table
from billcode.data import MissingColumns
from billcode.instructor.keys import FunctionCheck, load_graded
from billcode.instructor.grade.marking import score_function
from billcode.quiz.bank import load_bank
from billcode.quiz.checks import plain, run_cases, same_value
from billcode.quiz.params import choose_params
from nbgrader_helpers import AUTOGRADER, cell_by_id

CAREERS = ("04_costs_and_careers", "05_choosing_a_path", "05b_your_plan")


def checks(name: str) -> dict[str, FunctionCheck]:
    graded = load_graded(AUTOGRADER, name, choose_params(load_bank(name), None))
    return {c.name: c for c in graded.values() if isinstance(c, FunctionCheck)}


def keys(name):
    """Every exercise's reference in the key file: the graded ones' and the stretch exercises' (practice)."""
    module = runpy.run_path(str(AUTOGRADER / "keys" / f"{name}.py"))
    return {e["name"]: module[e["name"]] for e in load_bank(name)["exercises"]}


def master_functions(name: str) -> dict:
    """The master's answer cells run with their solutions, as the grader's reference would see a right answer."""
    master = nbformat.read(AUTOGRADER / "source" / name / f"{name}.ipynb", 4)
    namespace: dict = {}
    for cell in master.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            exec(cell.source, namespace)
    return namespace


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
    # The notebook's billing certificate on the BLS basis: 2,525 / ((50,250 - 15,080 - 222) / 12 = 2,912.33) = 0.87.
    assert total_cost(2_100, 0, 425) == 2_525
    assert payback_months(2_525, 10, 15_080, 50_250, 222) == 10.9
    assert payback_months(4_000, 12, 40_000, 40_000, 0) is None  # no gain: never
    assert payback_months(4_000, 12, 40_000, 40_100, 222) is None  # the fees eat the gain
    assert payback_months(0, 6, 20_000, 30_000, 0) == 6.0


def test_five_years_by_hand():
    # 10 months at 20,000 a year + 50 months at 44,000 - 3,000 = 16,666.67 + 183,333.33 - 3,000.
    assert five_year_net(3_000, 10, 20_000, 44_000, 0) == 197_000.0
    assert five_year_net(2_525, 10, 15_080, 50_250, 222) == 218_491.67  # the notebook's worked example
    assert gain_over_staying(3_000, 10, 20_000, 44_000, 0) == 97_000.0  # 197,000 - 60 × 20,000 / 12
    assert gain_over_staying(3_000, 10, 20_000, 44_000, 0, month=11.5) == 0.0  # it crosses zero at payback
    assert gain_over_staying(3_000, 10, 20_000, 44_000, 0, month=5) == -3_000.0
    assert five_year_net(1_000, 66, 20_000, 50_000, 0) == 99_000.0  # still studying after five years
    assert five_year_net(0, 0, 0, 12_000, 1_200) == 54_000.0  # fees come out of every month's pay


def test_ahead_of_staying_is_five_year_net_less_five_years_of_pay_now():
    """The two five-year figures the explorer shows differ by exactly what staying put earns (5 × pay now)."""
    for pay_now in (0, PAY_NOW_DEFAULT, 40_000):
        for p in default_paths().values():
            assert p.ahead(pay_now) == pytest.approx(p.net(pay_now) - 5 * pay_now, abs=0.02)
            assert p.but(kept_pct=50, search_months=3).ahead(pay_now) == pytest.approx(
                p.but(kept_pct=50, search_months=3).net(pay_now) - 5 * pay_now, abs=0.02)


@pytest.mark.parametrize("bad", [-1, math.nan, math.inf, "100", True])
def test_bad_amounts_are_refused_with_their_name(bad):
    with pytest.raises(ValueError, match="tuition"):
        total_cost(bad, 0, 0)


def test_every_path_starts_on_one_stated_pay_basis():
    bases = pay_bases()
    assert set(bases.index) == {"bls_median", "aapc_noncertified", "aapc_certified"}
    for basis in bases.index:
        paths = default_paths(basis)
        assert {p.pay_after for p in paths.values()} == {basis_pay(basis)}  # the same pay for every path
        assert all(p.uplift_pct == 0 for p in paths.values())  # no path gets a premium the others do not
    assert basis_pay("bls_median") == 50_250 and basis_pay("aapc_noncertified") == 47_200
    assert basis_pay("aapc_certified") == 60_097
    assert set(bases["year"]) == {"May 2024", "2022"}  # one year per source
    with pytest.raises(ValueError, match="No pay basis is called 'entry'.*bls_median"):
        default_paths("entry")


def test_the_paths_start_from_the_articles_figures_and_sourced_fees():
    paths = default_paths()
    assert [p.tuition for p in paths.values()] == [2_100, 3_500, 5_000, 10_000, 40_000]
    assert [p.months for p in paths.values()] == [10, 10, 12, 24, 24]
    assert paths["associate_public"].fees == 109  # AHIMA recertification, USD 218 every two years
    assert all(p.books == 0 and p.yearly_books == 0 for p in paths.values())  # no sourced price: the learner types it
    assert all(p.search_months == 0 and p.kept_pct == 100 for p in paths.values())


def test_the_models_assumptions_change_the_numbers_the_way_they_say():
    billing = default_paths()["billing_certificate"]
    # A 3-month job search: the new pay starts 3 months later; all pay kept meanwhile.
    searching = billing.but(search_months=3)
    assert searching.payback(15_080) == round(billing.payback(15_080) + 3, 1)
    assert searching.net(15_080) == five_year_net(2_525, 13, 15_080, 50_250, 222)
    # Half your pay while studying: the pay given up is a cost.
    half = billing.but(kept_pct=50)
    assert half.given_up(15_080) == 6_283.33  # 15,080 × 10 / 12 × 50%
    assert half.payback(15_080) == payback_months(2_525 + 6_283.33, 10, 15_080, 50_250, 222)
    assert half.net(15_080) == pytest.approx(billing.net(15_080) - 6_283.33, abs=0.01)
    # New code books every year come off every year's pay, like a membership.
    books = billing.but(yearly_books=300)
    assert books.fees == 522 and books.net(15_080) == five_year_net(2_525, 10, 15_080, 50_250, 522)
    assert given_up(20_000, 12) == 0  # the default keeps all your pay
    with pytest.raises(ValueError, match="over 100%"):
        given_up(20_000, 12, 150)


def test_on_one_basis_cost_and_length_set_the_order_whatever_the_pay_now():
    frame = example_paths()
    low, high = rank_paths(frame, 15_080), rank_paths(frame, 40_000)
    assert low == high == ["Billing certificate", "Coding certificate", "Combined billing and coding certificate",
                           "Associate degree, public college", "Associate degree, private college"]
    private = default_paths()["associate_private"]
    assert private.ahead(40_000) < 0 < private.ahead(15_080)  # the notebook's check on a higher pay now
    twin = frame.copy()
    twin.loc[len(twin)] = {**frame.iloc[1].to_dict(), "path": "A twin of the coding certificate"}
    ranked = rank_paths(twin, 15_080)
    assert ranked.index("A twin of the coding certificate") == ranked.index("Coding certificate") - 1  # ties: a-z
    with pytest.raises(MissingColumns, match="pay_after"):
        rank_paths(frame.drop(columns=["pay_after"]), 15_080)


def test_the_paths_table_follows_the_model():
    paths = default_paths()
    paths["billing_certificate"] = paths["billing_certificate"].but(search_months=2, yearly_books=100)
    row = paths_frame(paths).iloc[0]
    assert row["months"] == 12 and row["yearly_fees"] == 322  # job search and yearly books are in the table


def test_the_key_files_agree_with_the_course_arithmetic():
    """The graders' references and the explorer compute the same numbers on every input the grader makes."""
    refs = keys("04_costs_and_careers")
    for seed in ("example", "class-a", "class-b"):
        for args in EXERCISES["annual_pay"].cases(seed):
            assert refs["annual_pay"](*args) == annual_pay(*args)
        for args in EXERCISES["payback_months"].cases(seed):
            assert refs["payback_months"](*args) == payback_months(*args)
        for args in EXERCISES["five_year_net"].cases(seed):
            assert refs["five_year_net"](*args) == pytest.approx(five_year_net(*args), abs=0.005)


@pytest.mark.parametrize("name", CAREERS)
def test_the_banks_worked_examples_are_the_keys_and_the_masters_answers(name):
    """What a learner's own check compares with (the bank's examples) is what the key and the master's solution give."""
    solutions = master_functions(name)
    references = keys(name)
    graded = checks(name)
    for entry in load_bank(name)["exercises"]:
        cases = EXERCISES[entry["name"]].cases("example")
        assert (entry["name"] in graded) == (entry.get("mode", "graded") == "graded"), entry["name"]
        tolerance = graded[entry["name"]].tolerance if entry["name"] in graded else 0.0  # as the learner's check
        assert len(entry["examples"]) == len(cases), entry["name"]
        for args, want in zip(cases, entry["examples"]):
            assert same_value(plain(references[entry["name"]](*copy.deepcopy(args))), want, tolerance)
            assert same_value(plain(solutions[entry["name"]](*copy.deepcopy(args))), want, tolerance)


def _export(function, name, label, cases):
    return {"inputs": label, "results": run_cases(EXERCISES[name], function, cases)}


@pytest.mark.parametrize("name", CAREERS)
def test_fakes_score_zero_and_a_right_answer_full_marks(name):
    """Scored in the grader's process on a student's own inputs: only a function that computes the answer earns."""
    solutions = master_functions(name)
    for check in checks(name).values():
        exercise = EXERCISES[check.name]
        label, cases = "grader-label", exercise.cases("0f" * 16)
        examples = [plain(check.reference(*args)) for args in exercise.cases("example")]

        def score(value):
            return score_function(check, exercise, label, cases, True, value, 2)[0]

        assert score(_export(solutions[check.name], check.name, label, cases)) == 2.0, check.name
        calls = [0]

        def knows_the_examples(*args):  # answers the worked examples perfectly, in order, then repeats them
            calls[0] += 1
            return examples[(calls[0] - 1) % len(examples)]

        assert score(_export(knows_the_examples, check.name, label, cases)) == 0.0, check.name

        class Anything(dict):
            def __eq__(self, other):
                return True

        assert score(_export(lambda *a: Anything(), check.name, label, cases)) == 0.0, check.name
        # A patched check that ran the examples instead of the grader's inputs: its results carry another label.
        on_examples = _export(solutions[check.name], check.name, "example", exercise.cases("example"))
        assert score(on_examples) == 0.0, check.name
        forged = {"inputs": label, "results": [{"value": e} for e in examples] * len(cases)}
        assert score(forged) == 0.0, check.name  # the right number of answers is not enough either


def test_one_rule_wrong_scores_zero():
    """The grader's inputs reach the edges the rules are about."""
    cases = EXERCISES["lean"].cases("0a" * 16)
    flags_cases = EXERCISES["red_flags"].cases("0a" * 16)
    refs = {**keys("05_choosing_a_path"), **keys("05b_your_plan")}
    solutions = master_functions("05_choosing_a_path")
    source = cell_by_id(nbformat.read(AUTOGRADER / "source" / "05b_your_plan" / "05b_your_plan.ipynb", 4),
                        "lean_answer").source
    on_the_line: dict = {}
    exec(source.replace("abs(score) < 0.25 * strongest", "abs(score) <= 0.25 * strongest"), on_the_line)
    assert any(on_the_line["lean"](*c) != refs["lean"](*c) for c in cases)  # exactly a quarter is enough to lean
    ignores_sign: dict = {}
    exec(source.replace("pull = -pull", "pull = pull"), ignores_sign)
    assert any(ignores_sign["lean"](*c) != refs["lean"](*c) for c in cases)
    externship_only = lambda p: [f for f in solutions["red_flags"](p) if f != "hands_on"] + (  # noqa: E731
        [] if p["externship"] else ["hands_on"])
    assert any(sorted(externship_only(p)) != refs["red_flags"](p) for (p,) in flags_cases)  # a practice set counts


def test_the_recommendation_by_hand_and_each_answers_points():
    # Communication 5 (billing, +4 to billing), detail 2 (coding, disagree: +2 to billing), learning 2 (coding,
    # disagree: +2 to billing), environment 3: 8 of 16 toward billing.
    result = recommend({"communication": 5, "detail": 2, "learning": 2, "environment": 3})
    assert (result.path, result.score, result.strongest) == ("billing", -8, 16)
    assert result.points == {"communication": -4, "detail": -2, "learning": -2, "environment": 0}
    shown = recommendation_html(result)
    assert "Running total" in shown and "-8" in shown and "4 toward billing" in shown
    assert "Career prospects is not scored" in shown and PROSPECTS_NOT_SCORED in shown.replace("&#x27;", "'")
    assert all(f.name in " ".join(result.reasons) for f in FACTORS)
    # 3 of 12 is exactly a quarter: enough to lean.
    edge = recommend({"communication": 4, "detail": 3, "learning": 3}, {"communication": 3, "detail": 2, "learning": 1})
    assert (edge.path, edge.score, edge.strongest) == ("billing", -3, 12)
    assert recommend({"communication": 4, "detail": 4, "learning": 3}).path == "combined"


def test_each_statement_asks_one_thing_once():
    assert [f.key for f in FACTORS] == ["communication", "detail", "learning", "environment"]
    for factor in FACTORS:
        assert factor.statement.count(" than ") <= 1 and " and higher pay" not in factor.statement
        assert "pay" not in factor.statement.lower().replace("payment", "")  # no untraced pay claim is scored
    social = [f for f in FACTORS if any(w in f.statement.lower() for w in ("social", "patients", "people"))]
    assert [f.key for f in social] == ["communication"]  # sociability counts once
    assert "accuracy" in next(f for f in FACTORS if f.key == "detail").article  # accuracy is shared, not asked


def test_with_everything_skipped_it_says_so():
    nothing = recommend({})
    assert nothing.path is None and "0 of 4" in nothing.summary
    assert recommendation_html(nothing).count("Not enough answers yet") == 1  # the heading says it, the summary not again
    two = recommend({"communication": 5, "detail": 1})
    assert two.path is None and "2 of 4" in two.summary
    assert "Not enough answers yet" in self_assessment().output.value
    with pytest.raises(ValueError, match="1 to 5"):
        recommend({"communication": 7})
    with pytest.raises(ValueError, match="1 to 5"):
        recommend({"communication": True, "detail": 1, "learning": 1})  # True == 1, but it is not an answer
    with pytest.raises(ValueError, match="1, 2 or 3"):
        recommend({"communication": 5, "detail": 1, "learning": 1}, {"detail": True})
    with pytest.raises(ValueError, match="No factor is called 'comunication'.*the factors are communication"):
        recommend({"comunication": 5, "detail": 1, "learning": 1})
    with pytest.raises(ValueError, match="'prospects' \\(in the answers\\)"):
        recommend({"prospects": 5})  # shown, not scored


def test_the_lean_key_is_the_self_assessment():
    lean = keys("05b_your_plan")["lean"]
    for seed in ("example", "class-a", "class-b"):
        for answers, weights in EXERCISES["lean"].cases(seed):
            assert lean(answers, weights) == recommend(answers, weights).path


def test_red_flags_by_hand():
    flags = keys("05_choosing_a_path")["red_flags"]
    assert flags(PROGRAM_EXAMPLES[0]) == []
    assert flags(PROGRAM_EXAMPLES[1]) == ["approval", "code_books", "cost", "hands_on", "pass_rate", "placement"]
    assert flags(PROGRAM_EXAMPLES[2]) == ["cost", "pass_rate"]  # a practice set is hands-on practice too
    cases = {c[0]["name"]: c[0] for c in EXERCISES["red_flags"].cases("class-a")}
    assert flags(cases["On budget exactly"]) == []
    assert flags(cases["Blank approval"]) == ["approval"]
    assert flags(cases["Practice set only"]) == [] and flags(cases["Neither"]) == ["hands_on"]
    assert flags(cases["Pass rate of zero"]) == []  # published, if poor: not the missing-rate flag


def test_salary_evidence_per_year_and_the_chart_labels_fit():
    table = salary_evidence().set_index("figure")
    assert table.loc["The article: entry-level billers", ["low_per_year", "high_per_year"]].tolist() == [31_200, 41_600]
    assert table.loc["AAPC: certified members", "year"] == "2022"
    assert set(table.loc[table["kind"] != "article claim", "year"]) == {"May 2024", "2022"}  # one year per source
    assert "AAPC" not in table.loc["The article: coders in 2025", "source"]  # the question asks the learner to compare
    rows = chart_rows()
    assert len(rows) == len(table) and all(len(label) <= CHART_LABEL_CHARS for label, _, _ in rows)
    svg = salary_chart().data
    assert all(label.replace("'", "&#x27;") in svg for label, _, _ in rows)


def test_the_explorer_recomputes_and_refuses_bad_numbers():
    explorer = cost_explorer("billing_certificate")
    before = explorer.results()
    message = explorer.sliders["tuition"].type_value("-500")
    assert "cannot be negative" in message and explorer.current.tuition == 2_100
    assert "outside this slider's range" in explorer.sliders["months"].type_value("400")
    assert "box is empty" in explorer.sliders["books"].type_value("   ")
    explorer.sliders["tuition"].type_value("3,000")
    assert explorer.results().loc[0, "total_cost"] == 3_425
    explorer.pay_unit.value = "hour"  # 50,250 a year becomes 24.16 an hour, the same pay within a cent an hour
    assert explorer.pay.value == 24.16 and explorer.results().loc[0, "pay_after"] == annual_pay(24.16)
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


def test_the_explorer_says_its_pay_basis_and_lets_the_learner_switch_it():
    explorer = cost_explorer("coding_certificate")
    assert "BLS median, all experience levels (May 2024)" in explorer.summary.value
    assert "$50,250.00 a year for every path" in explorer.basis_note.value
    assert "no pay figure for medical billers alone" in explorer.basis_note.value
    assert set(explorer.results()["pay_after"]) == {50_250}
    explorer.pay.type_value("55,000")  # a figure from a job advert, for this path only
    assert explorer.results().loc[1, "pay_after"] == 55_000 and "(your figure)" in explorer.summary.value
    explorer.basis.value = "aapc_certified"  # every path on the new basis; typed pay replaced, other settings kept
    assert set(explorer.results()["pay_after"]) == {60_097} and "(your figure)" not in explorer.summary.value
    assert "AAPC average, certified members (2022)" in explorer.summary.value
    explorer.about["search_months"].value = 3
    explorer.about["kept_pct"].value = 50
    assert all(p.search_months == 3 and p.kept_pct == 50 for p in explorer.paths.values())
    assert explorer.results().loc[0, "pay_given_up"] == given_up(PAY_NOW_DEFAULT, 13, 50)
    for words in ("you keep all your pay", "job search", "no raises", "new code books", "Ahead of staying"):
        assert words in explorer.box.children[-2].value + explorer.summary.value, words


def test_the_plan_is_written_and_nothing_is_lost(tmp_path):
    plan = {"path": "coding", "exam": "CPC", "budget": 4000, "study_months": 10, "exam_date": "2027-09",
            "program": "Sample College", "checks": "", "first_jobs": "coder", "keeping": "",
            "shadowing": "the billing office at my clinic"}
    save_plan(plan, {"summary": "Leans to coding.", "reasons": ["Detail orientation: agreed."]}, tmp_path)
    text = (tmp_path / PLAN_FILE).read_text()
    assert "Medical coding" in text and "CPC (AAPC)" in text and "$4,000.00" in text and "_not decided yet_" in text
    assert "**Shadowing and software:** the billing office at my clinic" in text
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
    builder = PlanBuilder(self_assessment(communication=5, detail=1, learning=1), tmp_path)
    assert builder.path.value == "billing"  # suggested by the self-assessment
    assert builder.exam_date.layout.width == "100%"  # wide enough for its label and its whole placeholder
    builder.texts["program"].value = "Sample College"
    builder.exam_date.value = "next spring"
    assert "Not saved" in builder.save() and not (tmp_path / PLAN_FILE).exists()
    assert builder.texts["program"].value == "Sample College"
    builder.exam_date.value = "2027-03"
    assert "Saved" in builder.save() and "Download my_plan.md" in builder.status.value
    assert "Your answers point to billing" in (tmp_path / PLAN_FILE).read_text()
    assert json.loads((tmp_path / PLAN_DATA).read_text())["assessment"]["reasons"]
    assert "earlier plan is kept" not in builder.status.value  # nothing was there before
    builder.texts["program"].value = "Other College"
    assert "Your earlier plan is kept as my_plan.previous.md" in builder.save()  # the trials missed it on screen
    assert "Sample College" in (tmp_path / "my_plan.previous.md").read_text()
    assert PlanBuilder(None, tmp_path).texts["program"].value == "Other College"  # filled in next time


def test_the_plan_budget_is_typed_in_its_box_and_a_bad_amount_loses_nothing(tmp_path):
    """Round-6 trial: the 0-45,000 slider in steps of 100 was fiddly; its labelled box takes an exact amount."""
    builder = PlanBuilder(None, tmp_path)
    builder.texts["program"].value = "Sample College"
    assert builder.budget.description == "My budget" and builder.budget.unit_word == "an amount in dollars"
    assert builder.budget.type_value("3,050") == "" and builder.budget.value == 3050  # exact, not a step of 100
    for typed, words in [("-500", "cannot be negative"), ("lots", "is not a number"), ("1e9", "is not a number"),
                         ("5000000", "is outside this slider's range"), (" ", "The box is empty")]:
        message = builder.budget.type_value(typed)
        assert words in message and "The slider stays at $3,050.00." in message, (typed, message)
        assert builder.budget.value == 3050 and builder.texts["program"].value == "Sample College"
    assert "Saved" in builder.save()
    assert "**Budget:** $3,050.00" in (tmp_path / PLAN_FILE).read_text()
    assert PlanBuilder(None, tmp_path).budget.value == 3050  # filled in next time


def test_the_exam_menu_says_which_path_each_exam_fits():
    """Round-6 trial: nothing in 05 said which exam goes with which path; the menu says it, as 04's table does."""
    from billcode.careers.plan import EXAMS
    from billcode.data import load_table

    focus = load_table("credentials").set_index("credential")["focus"]
    labels = dict((key, label) for label, key in EXAMS if key)
    assert set(labels) == set(focus.index)
    for key, path in [("CPC", "coding"), ("CCA", "coding"), ("CPB", "billing"), ("CCS", "hospital coding")]:
        assert f"for {path}" in labels[key] and path.split()[-1] in focus[key].lower(), (key, labels[key], focus[key])
    assert "billing and coding together" in labels["CBCS"] and "billing and coding together" in focus["CBCS"].lower()


def test_a_retired_plan_box_keeps_what_was_typed_in_it(tmp_path):
    """The 'checks' box was cut (objective P5 does not ask for it); a plan saved with it keeps that text."""
    (tmp_path / PLAN_DATA).write_text(json.dumps({"program": "Sample College", "checks": "ask for pass rates"}))
    builder = PlanBuilder(None, tmp_path)
    assert "checks" not in builder.texts and builder.plan()["checks"] == "ask for pass rates"
    builder.save()
    assert "**Checks before I enrol:** ask for pass rates" in (tmp_path / PLAN_FILE).read_text()
    assert load_plan(tmp_path)["checks"] == "ask for pass rates"
    (tmp_path / "new").mkdir()
    assert "Checks before I enrol" not in save_plan({"program": "x"}, None, tmp_path / "new").read_text()


def test_written_answers_form_no_links_or_html():
    from billcode.instructor.grade.grading_steps import inert_markdown

    for hostile in ["[a](javascript\\:alert(1))", "[b](java&#115;cript:alert(1))", "![p](https://evil.example/p.png)",
                    "[c][1]\n\n[1]: javascript:alert(1)", "<script>alert(1)</script>", "<javascript:alert(1)>"]:
        safe = inert_markdown(hostile)
        assert "](" not in safe and "]:" not in safe and "<" not in safe, safe


@pytest.mark.parametrize("name", ["payback_months", "lean", "red_flags", "five_year_net", "annual_pay"])
def test_an_unfinished_scaffold_gets_a_message_not_a_traceback(name):
    """The released answer cell, run as it is, defines a function whose check names what is missing."""
    notebook = EXERCISES[name].notebook
    released = nbformat.read(AUTOGRADER.parent / "course" / f"{notebook}.ipynb", 4)
    namespace: dict = {}
    exec(cell_by_id(released, f"{name}_answer").source, namespace)
    exercise = EXERCISES[name]
    results = run_cases(exercise, namespace[name], exercise.cases("example"))
    problems = [r["error"] for r in results if "error" in r]
    hint = exercise.hint([r["value"] for r in results]) if not problems and exercise.hint else None
    assert problems or hint, name  # an unfinished scaffold is never taken for a finished function
    assert all(not p.startswith(("SyntaxError", "IndentationError")) for p in problems)


def test_the_masters_solutions_are_short():
    """Each graded function asks for a few lines (issue 20): count what the learner writes."""
    from billcode.instructor.author.estimate import written_lines

    for name in CAREERS:
        master = nbformat.read(AUTOGRADER / "source" / name / f"{name}.ipynb", 4)
        for cell in master.cells:
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
                assert 1 <= written_lines(cell.source) <= 5, cell.metadata["nbgrader"]["grade_id"]
                ast.parse(cell.source)


# --- what the newcomer trials got stuck on ---------------------------------------------------------------------

@pytest.fixture
def shown(monkeypatch):
    """What the learner's own checks show, as plain text (the data handed to the grader left out)."""
    from billcode.quiz import checks as shared

    notices: list[str] = []

    def display(obj, raw=False):
        if not (isinstance(obj, dict) and shared.EXPORT_MIME in obj):
            notices.append(obj.get("text/plain", "") if isinstance(obj, dict) else str(obj))

    monkeypatch.setattr(shared, "display", display)
    monkeypatch.delenv("NBGRADER_VALIDATING", raising=False)
    return notices


def with_slip(notebook: str, name: str, line: str, slip: str):
    """The master's answer cell with the learner's line replaced by a newcomer's slip, run: the function it makes."""
    source = cell_by_id(nbformat.read(AUTOGRADER / "source" / notebook / f"{notebook}.ipynb", 4), f"{name}_answer").source
    assert line in source, (name, line)
    namespace: dict = {}
    exec(source.replace(line, slip), namespace)
    return namespace[name]


PAYBACK = "return round(months + cost / gain, 1)"
HANDS_ON = 'hands_on = program["externship"] or program["practice_set"]'
# (notebook, exercise, the learner's line in the master, a slip from the trials or like them, the hint the check must
# point to, words that hint must hold to cover the slip)
SLIPS = [
    ("04_costs_and_careers", "payback_months", PAYBACK, 'return "None"', 1, "no quotes"),  # Excel's "N/A" habit
    ("04_costs_and_careers", "payback_months", PAYBACK, "pass", 1, "starts with `return`"),
    ("04_costs_and_careers", "payback_months", PAYBACK, "return months + cost / gain", 2, "round(..., 1)"),
    ("04_costs_and_careers", "payback_months", PAYBACK, "return round((months + cost) / gain, 1)", 2,
     "divides before it adds"),
    # round-2 trials: the `, 1` outside round's brackets (the check names round's brackets, so must the hint), and
    # the model's **Payback** taken for a name
    ("04_costs_and_careers", "payback_months", PAYBACK, "return round(months + cost / gain), 1", 1,
     "`round(value, 1)`, not `round(value), 1`"),
    ("04_costs_and_careers", "payback_months", PAYBACK, "return round(payback, 1)", 1, "Nothing in the function sets"),
    ("05_choosing_a_path", "red_flags", HANDS_ON, "hands_on = program.externship or program.practice_set", 1,
     "AttributeError"),  # the itertuples habit, row.balance
    # the cell's placeholder `hands_on = ...` left as it is (round-4 trials: the placeholder keeps the indent right)
    ("05_choosing_a_path", "red_flags", HANDS_ON, "pass", 2, "Replace the `...`"),
    ("05_choosing_a_path", "red_flags", HANDS_ON, 'hands_on = program["externship"] and program["practice_set"]', 2,
     "**or**"),
    ("05_choosing_a_path", "red_flags", HANDS_ON,
     'hands_on = not program["externship"] and not program["practice_set"]', 2, "True when"),  # the old neither-nor
    # round-6 trial: an English-style `or` (a bare list on its right) and a comma in its place
    ("05_choosing_a_path", "red_flags", HANDS_ON, 'hands_on = program["externship"] or ["practice_set"]', 2,
     "Each side of `or` is a whole look-up, with the dict's name in front"),
    ("05_choosing_a_path", "red_flags", HANDS_ON, 'hands_on = program["externship"], program["practice_set"]', 2,
     "joined by the word `or`"),
    ("05b_your_plan", "lean", "pull = -pull", "pull = pull", 3, "pull = -pull"),
    ("05b_your_plan", "lean", "pull = (answer - 3) * weight", "pull = answer * weight", 3, "(5 - 3) * 2"),
    ("04_costs_and_careers", "five_year_net", "working * (pay_after - yearly_fees) / 12", "working * pay_after / 12",
     2, "the fees come off"),
    ("04_costs_and_careers", "annual_pay", "return round(hourly * hours_per_week * 52, 2)",
     "yearly = round(hourly * hours_per_week * 52, 2)", 2, "starts with `return`"),  # a named cell, as in a sheet
    ("04_costs_and_careers", "annual_pay", "return round(hourly * hours_per_week * 52, 2)",
     "return round(hourly * hours_per_week * 50, 2)", 3, "17.5 times 40 times 52"),
]


@pytest.mark.parametrize(("notebook", "name", "line", "slip", "hint", "words"), SLIPS,
                         ids=[f"{s[1]}:{s[3][:30]}" for s in SLIPS])
def test_each_slip_points_to_the_hint_that_covers_it(shown, notebook, name, line, slip, hint, words):
    from billcode.exercises import check_function

    check_function(name, with_slip(notebook, name, line, slip))
    entry = next(e for e in load_bank(notebook)["exercises"] if e["name"] == name)
    assert len(shown) == 1 and "not done yet" in shown[0], shown
    assert f"Hint {hint} covers this" in shown[0], shown[0]
    assert words in entry["hints"][hint - 1], (hint, entry["hints"][hint - 1])


def with_slip_in_a_file(tmp_path, notebook: str, name: str, line: str, slip: str):
    """As with_slip, but the function's source can be read back (as IPython keeps a cell's), so checks can quote it."""
    import importlib.util

    source = cell_by_id(nbformat.read(AUTOGRADER / "source" / notebook / f"{notebook}.ipynb", 4), f"{name}_answer").source
    path = tmp_path / f"slip_{abs(hash(slip))}.py"
    path.write_text(source.replace(line, slip))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def test_payback_months_messages_and_hint_1_say_the_same(shown, tmp_path):
    """Round-2 trials: the `, 1` outside round's brackets and `payback` used as a name; the check and hint 1 agree."""
    from billcode.exercises import check_function

    hint = next(e for e in load_bank("04_costs_and_careers")["exercises"] if e["name"] == "payback_months")["hints"][0]
    slip = with_slip_in_a_file(tmp_path, "04_costs_and_careers", "payback_months", PAYBACK,
                               "return round(months + cost / gain), 1")
    check_function("payback_months", slip)
    assert "round(value, 1)" in shown[-1] and "Hint 1 covers this" in shown[-1], shown[-1]
    assert "round(value, 1)" in hint and "tuple" not in hint
    slip = with_slip_in_a_file(tmp_path, "04_costs_and_careers", "payback_months", PAYBACK, "return round(payback, 1)")
    check_function("payback_months", slip)
    assert "payback has no value yet" in shown[-1] and "row." not in shown[-1], shown[-1]
    assert "Hint 1 covers this" in shown[-1] and "`payback`" in hint


CELL_SLIPS = {  # the trials' slips that leave no function: what the check must then say
    "indent": ("    return", "return", "SyntaxError: 'return' outside function", "same spaces in front"),
    "indent2": ("    return", "      return", "IndentationError", "same spaces in front"),
    "colon": ("):", ")", "expected ':'", "colon missing"),
    "minus": (" - ", " \u2212 ", "invalid character", "type it again from the keyboard"),
    "quote": ("\"", "\u201c", "invalid character", "type it again from the keyboard"),
}


@pytest.mark.parametrize("slip", sorted(CELL_SLIPS))
@pytest.mark.parametrize("name", ["payback_months", "red_flags", "lean", "five_year_net", "annual_pay"])
def test_a_cell_that_stopped_with_a_syntax_error_says_what_to_fix(shown, monkeypatch, name, slip):
    """The trials' colon, indent and U+2212 slips leave no function: the check names the error, its line, the fix."""
    import linecache
    import sys

    from billcode.exercises import check_function

    notebook = EXERCISES[name].notebook
    source = cell_by_id(nbformat.read(AUTOGRADER / "source" / notebook / f"{notebook}.ipynb", 4), f"{name}_answer").source
    good, bad, error_text, fix = CELL_SLIPS[slip]
    if good not in source:
        pytest.skip(f"{name}'s solution has no {good!r} to break")
    broken = source.replace("\n" + good, "\n" + bad, 1) if slip.startswith("indent") else source.replace(good, bad, 1)
    filename = f"<cell {name} {slip}>"
    monkeypatch.setitem(linecache.cache, filename, (len(broken), None, broken.splitlines(keepends=True), filename))
    try:
        compile(broken, filename, "exec")
    except SyntaxError as err:
        monkeypatch.setattr(sys, "last_value", err, raising=False)
    else:
        pytest.skip(f"{name}: the {slip} slip still compiles")
    check_function(name)  # no function in the notebook, as after a SyntaxError in its cell
    assert error_text in shown[0] and "of that cell" in shown[0] and fix in shown[0], shown[0]
    assert "Hint" not in shown[0] and "<cell" not in shown[0], shown[0]


def test_formulas_a_learner_types_are_in_python_form():
    """No typographic minus anywhere, and no × or ÷ inside code, in 04 and 05, their hints and the app."""
    texts = [json.dumps(load_bank(name), ensure_ascii=False) for name in CAREERS]
    for path in [AUTOGRADER / "source" / n / f"{n}.ipynb" for n in CAREERS] + [AUTOGRADER.parent / "apps" /
                                                                              "cost_explorer.ipynb"]:
        texts += [c.source for c in nbformat.read(path, 4).cells]
    for text in texts:
        assert "\u2212" not in text, text[:120]
        for span in re.findall(r"`([^`]+)`", text):
            assert not set(span) & set("×÷"), span


def test_a_saved_choice_is_said_back_with_one_full_stop(tmp_path):
    from billcode.quiz.engine import Quiz

    for name in CAREERS:
        for item in load_bank(name)["items"]:
            assert not [o["text"] for o in item.get("options", []) if o["text"].endswith(".")], item["id"]
    said = Quiz("04_costs_and_careers", tmp_path).answer("cc-g2", "b")
    assert "group. It is saved" in said and ".." not in said
    said = Quiz("05_choosing_a_path", tmp_path).answer("ch-g3", ["a", "f"])
    assert '"to be announced". It is saved' in said and ".." not in said


def test_a_percent_typed_as_a_fraction_is_named(tmp_path):
    from billcode.quiz.engine import Quiz

    quiz = Quiz("05_choosing_a_path", tmp_path)
    assert "percent, out of 100" in find_prompt("05_choosing_a_path", "ch-p3")
    said = quiz.answer("ch-p3", "0.54")
    assert said.startswith("incorrect") and "below 1 is still a fraction" in said
    assert quiz.answer("ch-p3", "54%").startswith("correct")


def test_percent_higher_is_taught_before_it_is_asked(tmp_path):
    """04 teaches 'divide by the one you compare with' with a worked line, then a practice check, then Question 1."""
    from billcode.quiz.engine import Quiz

    cells = nbformat.read(AUTOGRADER / "source" / "04_costs_and_careers" / "04_costs_and_careers.ipynb", 4).cells
    rule = next(i for i, c in enumerate(cells) if "`(higher - lower) / lower * 100`" in c.source)
    practice = next(i for i, c in enumerate(cells) if c.source == 'quiz.ask("cc-p13")')
    graded = next(i for i, c in enumerate(cells) if c.source == 'quiz.ask("cc-g1")')
    assert rule < practice < graded
    quiz = Quiz("04_costs_and_careers", tmp_path)
    wrong_base = quiz.answer("cc-p13", str(round(6000 / 46000 * 100, 1)))  # divided by the new pay
    assert wrong_base.startswith("incorrect") and "the pay you compare with" in wrong_base
    assert quiz.answer("cc-p13", "15").startswith("correct")


def find_prompt(name: str, item_id: str) -> str:
    return next(i["prompt"] for i in load_bank(name)["items"] if i["id"] == item_id)


def test_the_explorer_ranks_the_paths_it_keeps_in_one_order():
    from billcode.careers.explorer import ranks

    explorer = cost_explorer("coding_certificate")
    explorer.sliders["tuition"].type_value("0")  # now the cheapest path: first by five-year net, in its own row
    frame = explorer.results()
    places = ranks(frame)
    by_place = [path for _, path in sorted(zip(places, frame["path"]))]
    assert by_place == rank_paths(paths_frame(explorer.paths), explorer.pay_now.value)
    assert places[1] == 1 and list(frame["path"])[1] == "Coding certificate"
    assert "<th scope='row'>Coding certificate (setting up)</th><td>1</td>" in explorer.summary.value
    assert "Rank orders the paths by five-year net" in explorer.summary.value


def test_the_pay_table_shows_money_to_the_cent():
    shown = salary_table().data
    assert "$50,252.80" in shown and "$50,250.00" in shown and "$50,253<" not in shown


def test_the_self_assessment_comes_back_after_a_restart_and_the_plan_finds_it(tmp_path, monkeypatch):
    """Round-7 trial: 'Good place to stop' then the setup cell left `assessment` undefined for the plan builder."""
    from billcode.careers.choosing import ASSESSMENT_DATA, read_assessment
    from billcode.careers.plan import plan_builder

    monkeypatch.chdir(tmp_path)
    assert plan_builder().assessment is None  # nothing chosen yet: the plan simply has no self-assessment part
    first = self_assessment()
    first.answers["communication"].value = "5"
    first.weights["communication"].value = "3"
    first.answers["detail"].value = "2"
    first.answers["learning"].value = "3"
    assert read_assessment(tmp_path) == ({"communication": 5, "detail": 2, "learning": 3},
                                         {"communication": 3, "detail": 2, "learning": 2, "environment": 2})
    again = self_assessment()  # a new kernel: the same cell brings the choices back
    assert again.chosen() == first.chosen()
    builder = plan_builder()  # no `assessment` name needed
    assert builder.assessment.result().summary == first.result().summary
    assert builder.path.value == first.result().path == "billing"


@pytest.mark.parametrize("text", ["{broken", "[1, 2]", '{"answers": {"detail": 9, "x": 1}, "weights": {"detail": "3"}}'])
def test_a_damaged_or_hand_edited_self_assessment_file_starts_clean_and_is_never_a_traceback(tmp_path, monkeypatch,
                                                                                            text):
    from billcode.careers.choosing import ASSESSMENT_DATA
    from billcode.careers.plan import plan_builder

    monkeypatch.chdir(tmp_path)
    (tmp_path / ASSESSMENT_DATA).write_text(text)
    assert self_assessment().chosen()[0] == dict.fromkeys(["communication", "detail", "learning", "environment"])
    assert plan_builder().assessment is None


def test_a_self_assessment_given_answers_reads_and_writes_no_file(tmp_path, monkeypatch):
    from billcode.careers.choosing import ASSESSMENT_DATA

    monkeypatch.chdir(tmp_path)
    given = self_assessment(communication=5)
    given.answers["detail"].value = "1"
    assert not (tmp_path / ASSESSMENT_DATA).exists()


def test_an_exam_month_already_past_is_saved_with_a_word_about_it(tmp_path):
    """Round-7 trial: 2026-09 typed in December 2026 was saved without a word."""
    from billcode.careers.plan import PlanBuilder

    builder = PlanBuilder(None, tmp_path)
    builder.exam_date.value = "2001-09"
    assert "Saved" in builder.save() and "2001-09 has already passed" in builder.status.value
    builder.exam_date.value = "2999-09"
    assert "Saved" in builder.save() and "already passed" not in builder.status.value
    assert load_plan(tmp_path)["exam_date"] == "2999-09"


@pytest.mark.parametrize(("slip", "named"), [
    ("hands_on = externship or practice_set",
     'externship and practice_set on their own are names Python does not know; if you meant the program\'s value, read '
     'it with its key in square brackets: program["externship"], program["practice_set"]'),
    ('hands_on = externship or program["practice_set"]',
     'externship on its own is a name Python does not know; if you meant the program\'s value, read it with its key in '
     'square brackets: program["externship"]'),
])
def test_every_key_written_as_a_bare_name_is_named_in_one_message(shown, tmp_path, slip, named):
    """Round-7 trial: the comment's words typed as names took three runs, one name per message."""
    from billcode.exercises import check_function

    check_function("red_flags", with_slip_in_a_file(tmp_path, "05_choosing_a_path", "red_flags", HANDS_ON, slip))
    assert named in shown[-1], shown[-1]
