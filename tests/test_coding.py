"""03_coding against the official code set: every ICD-10-CM code the course shows, the look-up, and the
exercises' reference answers (worked by hand where the notebook states them)."""

from __future__ import annotations

import json
import re
import runpy

import pytest

from billcode.coding.codes import icd10cm_billable, icd10cm_exists, normalize_code
from billcode.coding.exercises import EXERCISES
from billcode.coding.lookup import details, search
from billcode.data import data_dir, load_table
from billcode.quiz.bank import load_bank
from nbgrader_helpers import AUTOGRADER, ROOT

KEYS = runpy.run_path(str(AUTOGRADER / "keys" / "03_coding.py"))
DOTTED = re.compile(r"(?<![\w.])([A-TV-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4})(?![\w])|(?<![\w.])(U07\.1|U09\.9)(?![\w])")
# Written on purpose as codes that are NOT valid: planted on claims to be caught, or shown as mistakes.
NOT_CODES = {"E11.99", "I10.0", "T15.01A", "S93.40XA", "S61.41XA"}


def course_texts() -> dict[str, str]:
    """Everything a learner or grader reads: notebooks, banks, data files, key files, the README."""
    paths = [*ROOT.glob("course/*.ipynb"), *AUTOGRADER.glob("source/*/*.ipynb"), *AUTOGRADER.glob("keys/*.py"),
             *(p for p in data_dir().rglob("*") if p.is_file() and "icd10cm_billable" not in p.name
               and p.suffix != ".sqlite"),  # the code set itself, binary; tests/test_lookup_data.py checks it
             ROOT / "README.md"]
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in paths}


def test_every_dotted_icd10cm_code_anywhere_is_in_the_official_set():
    seen = set()
    for name, text in course_texts().items():
        for match in DOTTED.finditer(text):
            code = match.group(1) or match.group(2)
            seen.add(code)
            assert code in NOT_CODES or icd10cm_exists(code), f"{name}: {code} is not in ICD-10-CM FY2026"
    assert {"S52.521A", "T15.01XA", "S93.401A", "W19.XXXA"} <= seen


def test_final_answers_are_billable():
    """Keys of code questions (practice and graded) and the codes on the claims are complete codes."""
    for bank_file in sorted((data_dir() / "quiz").glob("*.json")):
        bank = json.loads(bank_file.read_text(encoding="utf-8"))
        for item in bank["items"]:
            if item["type"] == "code" and item["mode"] == "practice":
                assert icd10cm_billable(item["key"]), (bank_file.name, item["id"])
    from billcode.instructor.keys import QuizKey, load_graded
    from billcode.quiz.params import choose_params

    for key_file in AUTOGRADER.glob("keys/*.py"):
        bank = load_bank(key_file.stem)
        kinds = {i["id"]: i["type"] for i in bank["items"]}
        for check in load_graded(AUTOGRADER, key_file.stem, choose_params(bank, None)).values():
            if isinstance(check, QuizKey) and kinds[check.item] == "code":
                assert icd10cm_billable(check.key), (key_file.stem, check.item)


def test_every_three_character_answer_is_official():
    bank = load_bank("03_coding")
    for item in bank["items"]:
        for code in re.findall(r"\b([A-Z][0-9]{2})\b", item.get("prompt", "") + item.get("explanation", "")):
            assert icd10cm_exists(code), (item["id"], code)


# The look-up

def test_search_by_words_code_and_prefix():
    torus = search("torus fracture lower end right radius")
    assert torus["code"].iloc[0] == "S52.521" and torus.attrs["total"] >= len(torus)
    assert search("S52.52")["code"].iloc[0] == "S52.52"
    assert search("s5252")["code"].tolist()[:3] == ["S52.52", "S52.521", "S52.522"]
    assert search("e119")["code"].tolist() == ["E11.9"]
    assert search("zzzz qqqq").empty and search("").empty
    assert "No entry has all the words" in search("no such words here").attrs["note"]  # honest: a partial match
    fractures = search("fracture")
    assert len(fractures) == 25 and fractures.attrs["total"] > 1000  # the widget shows the total, not just 25
    assert list(fractures.columns) == ["code", "description", "billable", "match", "why"]


def test_details_show_notes_and_sevenths_from_the_code_set():
    t15 = details("t1501")
    assert t15["billable"] is False and t15["seventh_characters"] == {"A": "initial encounter", "D": "subsequent encounter",
                                                                      "S": "sequela"}
    assert details("E11.22")["use_additional"] and details("T15.01XA")["seventh_characters"] == {}
    assert "type 1 diabetes mellitus (E10.-)" in details("E11")["excludes1"]
    assert "Streptococcal sore throat" in details("J02.0")["inclusion_terms"]
    with pytest.raises(KeyError, match="not a code"):
        details("E11.99")


def test_the_lookup_widget_is_ready_at_once_and_shows_both_steps():
    from billcode.coding.lookup import CodeLookup

    lookup = CodeLookup("foreign body cornea right")
    assert "result" in lookup.status.value  # the first search answered in the constructor: no loading step
    assert any(value == "T15.01XA" for _, value in lookup.results.options) and lookup.results.value == ""
    lookup.results.value = "T15.01"
    assert "7th character" in lookup.info.value and "T15.01XA" in lookup.info.value
    assert "Step 1" in lookup.info.value and "Step 2, Tabular List" in lookup.info.value
    lookup.box.value = "strep throat"
    assert "J02.0" in [v for _, v in lookup.results.options][:5]
    lookup.results.value = "J02.0"
    assert "Pharyngitis" in lookup.info.value or "sore throat" in lookup.info.value
    lookup.box.value = "zzzz qqqq"
    assert "No match" in lookup.status.value
    assert lookup.box.description and lookup.results.description  # every control is labelled


# The exercises' reference answers

def test_normalize_and_seventh_by_hand():
    cases = {" e119 ": "E11.9", "i10": "I10", "T15 01XA": "T15.01XA", "s52.521a": "S52.521A", "E1.19": "E11.9"}
    for typed, wanted in cases.items():
        assert KEYS["normalize_icd"](typed) == wanted == normalize_code(typed)
    assert KEYS["with_seventh"]("W19", "A") == "W19.XXXA" and KEYS["with_seventh"]("T15.01", "A") == "T15.01XA"
    assert KEYS["with_seventh"]("S52.521", "A") == "S52.521A"


@pytest.mark.parametrize("subcategory, sixth", [("S61.41", "S61.412"), ("S52.52", "S52.521"), ("S93.40", "S93.401")])
def test_x_fills_a_place_only_where_the_code_set_has_nothing_more(subcategory, sixth):
    """Guidelines I.A.4-5: these have 6th characters below them, so padding them with X makes codes that do not
    exist; the 6th character is chosen first. 03 never hands with_seventh such a code (next test)."""
    assert not icd10cm_exists(KEYS["with_seventh"](subcategory, "A"))
    assert icd10cm_billable(KEYS["with_seventh"](sixth, "A"))
    assert not icd10cm_exists(subcategory + "XA") and icd10cm_billable(sixth + "A")


@pytest.mark.parametrize("seed", ["example", "s1", "another student"])
def test_with_seventh_is_only_given_codes_that_go_as_far_as_the_code_set(seed):
    """Every code with_seventh gets has only 7th-character codes below it (its 6th character, if any, chosen)."""
    from billcode.coding.codes import _icd

    for code, _seventh in EXERCISES["with_seventh"].cases(seed):
        children = _icd().get_children(code)
        assert children and all(len(c.replace(".", "")) == 7 for c in children), (code, children)


@pytest.mark.parametrize("seed", ["example", "s1", "another student"])
def test_hidden_seventh_cases_rebuild_official_billable_codes(seed):
    for code, seventh in EXERCISES["with_seventh"].cases(seed):
        built = KEYS["with_seventh"](code, seventh)
        assert icd10cm_billable(built), (code, seventh, built)


@pytest.mark.parametrize("seed", ["example", "s1"])
def test_claim_ready_agrees_with_the_official_set(seed):
    for (typed,) in EXERCISES["claim_ready"].cases(seed):
        code = normalize_code(typed)
        wanted = "billable" if icd10cm_billable(code) else "incomplete" if code and icd10cm_exists(code) else "not a code"
        assert KEYS["claim_ready"](typed) == wanted, typed


def test_em_levels_by_hand():
    table = {("new", 14): None, ("new", 15): 2, ("new", 35): 3, ("new", 45): 4, ("new", 60): 5, ("new", 90): 5,
             ("established", 9): None, ("established", 10): 2, ("established", 25): 3, ("established", 32): 4,
             ("established", 40): 5}
    for (patient, minutes), level in table.items():
        assert KEYS["em_level"](patient, minutes) == level, (patient, minutes)


def test_the_notebooks_ptp_example_by_hand():
    """A1: basic panel inside the comprehensive one (0); A2: XS on a separate wound (1, bypassed); A3: the same
    without a modifier; A4: the edit was deleted on 2026-04-01; A5: indicator 9, and 59 cannot bypass a 0 edit."""
    lines, edits = load_table("coding/ptp_claim_lines"), load_table("coding/ncci_ptp_synthetic")
    assert KEYS["apply_ptp"](lines, edits) == ["A1:2", "A3:2", "A5:3"]


def test_the_ptp_table_has_the_real_files_columns_and_indicators():
    edits = load_table("coding/ncci_ptp_synthetic")
    assert list(edits.columns) == ["column_1", "column_2", "in_existence_prior_1996", "effective_date",
                                   "deletion_date", "modifier_indicator", "ptp_edit_rationale"]
    assert set(edits["modifier_indicator"]) == {"0", "1", "9"}
    assert (edits.loc[edits["modifier_indicator"] == "9", "deletion_date"] ==
            edits.loc[edits["modifier_indicator"] == "9", "effective_date"]).all()  # 9: deleted back to its start
    assert all(c.startswith("SYN-") for c in [*edits["column_1"], *edits["column_2"]])


def test_the_visit_time_table_gives_each_level_a_range_without_gaps():
    """AMA E/M guidelines (2021): each level's time range starts where the one below ends."""
    table = load_table("coding/em_office_time")
    assert list(table.columns) == ["patient", "level", "minimum_minutes", "maximum_minutes", "stands_in_for"]
    for _, rows in table.groupby("patient"):
        rows = rows.sort_values("level")
        assert list(rows["level"]) == [2, 3, 4, 5]
        assert (rows["minimum_minutes"] < rows["maximum_minutes"]).all()
        assert list(rows["minimum_minutes"])[1:] == [m + 1 for m in list(rows["maximum_minutes"])[:-1]]
    for row in table.itertuples():  # every minute of a level's range gives that level
        for minutes in (row.minimum_minutes, row.maximum_minutes):
            assert KEYS["em_level"](row.patient, minutes) == row.level


# The exercises as a learner meets them: worked examples, hints, scaffolds, and answers that only fit the examples

BANK = load_bank("03_coding")
ENTRIES = {e["name"]: e for e in BANK["exercises"]}


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_the_banks_worked_answers_are_the_keys(name):
    from billcode.quiz.checks import plain

    cases = EXERCISES[name].cases("example")
    assert ENTRIES[name]["examples"] == [plain(KEYS[name](*args)) for args in cases]
    assert EXERCISES[name].notebook == "03_coding" and ENTRIES[name].get("mode", "graded") == "graded"
    assert 2 <= len(ENTRIES[name]["hints"]) <= 3


def test_the_worked_examples_stated_in_the_notebook_are_the_banks():
    """Each exercise's prompt states its worked examples' answers: they must be what the check compares with."""
    import nbformat

    master = nbformat.read(AUTOGRADER / "source" / "03_coding" / "03_coding.ipynb", 4)
    prompts = {}
    for cell in master.cells:
        found = re.match(r"### Exercise \d+ \(\d+ points?\): .*", cell.source) if cell.cell_type == "markdown" else None
        if found:
            current = cell.source
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            prompts[cell.metadata["nbgrader"]["grade_id"].removesuffix("_answer")] = current
    assert set(prompts) == set(ENTRIES)
    for name, prompt in prompts.items():
        for answer in ENTRIES[name]["examples"]:
            shown = json.dumps(answer) if answer is not None else "None"
            assert f"→ {shown}" in prompt.replace("`", ""), (name, shown)


def _example_only(name):
    """A fake that answers each worked example exactly (looked up by its arguments) and anything else wrongly."""
    answers = {repr(args): KEYS[name](*args) for args in EXERCISES[name].cases("example")}
    fallback = next(iter(answers.values()))
    return lambda *args: answers.get(repr(args), fallback)


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_a_function_that_only_knows_the_examples_scores_zero(name):
    from billcode.instructor.keys import FunctionCheck, load_graded
    from billcode.instructor.grade.marking import score_function
    from billcode.quiz.checks import run_cases
    from billcode.quiz.params import choose_params

    checks = {c.name: c for c in load_graded(AUTOGRADER, "03_coding", choose_params(BANK, None)).values()
              if isinstance(c, FunctionCheck)}
    exercise, fake = EXERCISES[name], _example_only(name)
    public = run_cases(exercise, fake, exercise.cases("example"))
    assert [r["value"] for r in public] == ENTRIES[name]["examples"]  # it passes the learner's own check
    for seed in ("grader-seed-1", "grader-seed-2"):
        cases = exercise.cases(seed)
        value = {"inputs": seed, "results": run_cases(exercise, fake, cases)}
        points, message = score_function(checks[name], exercise, seed, cases, True, value, 2)
        assert points == 0.0, message
        right = {"inputs": seed, "results": run_cases(exercise, KEYS[name], cases)}
        assert score_function(checks[name], exercise, seed, cases, True, right, 2)[0] == 2.0


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_an_answer_that_equals_anything_cannot_be_handed_in(name):
    from billcode.quiz.checks import run_cases

    class Anything(str):
        def __eq__(self, other):
            return True

        __hash__ = str.__hash__

    results = run_cases(EXERCISES[name], lambda *args: Anything("x"), EXERCISES[name].cases("example"))
    # a str subclass is copied as plain text ("x"), which is not the answer; other exercises refuse the type
    assert all(r.get("value") == "x" or "error" in r for r in results)
    assert [r.get("value") for r in results] != ENTRIES[name]["examples"]


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_the_scaffold_run_unchanged_gets_a_message_and_a_hint_not_a_traceback(name, monkeypatch):
    from billcode.exercises import check_function
    from billcode.quiz import checks

    shown = []
    monkeypatch.setattr(checks, "display", lambda obj, raw=False: shown.append(obj))
    monkeypatch.delenv("NBGRADER_VALIDATING", raising=False)
    namespace = {"load_table": load_table}
    exec(ENTRIES[name]["scaffold"], namespace)
    check_function(name, namespace[name])
    notices = [o["text/plain"] for o in shown if isinstance(o, dict) and "text/plain" in o and o["text/plain"]]
    assert len(notices) == 1 and "not done yet" in notices[0] and "(open it above) covers this" in notices[0], notices
    assert "Traceback" not in notices[0]
