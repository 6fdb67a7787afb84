"""03_coding and 03b_coding_rules against the official code set: every ICD-10-CM code the course shows, the
look-up, and the exercises' reference answers (worked by hand where the notebooks state them)."""

from __future__ import annotations

import json
import re
import runpy

import nbformat
import pytest

from billcode.coding.codes import icd10cm_billable, icd10cm_exists, normalize_code
from billcode.coding.exercises import EXERCISES
from billcode.coding.lookup import details, search
from billcode.data import data_dir, load_table
from billcode.quiz.bank import load_bank
from nbgrader_helpers import AUTOGRADER, ROOT

NOTEBOOKS = ("03_coding", "03b_coding_rules")  # part 1 (C1-C2: finding codes), part 2 (C3-C5: a visit, by the rules)
KEY_FILES = {n: runpy.run_path(str(AUTOGRADER / "keys" / f"{n}.py")) for n in NOTEBOOKS}
# The exercises' references by name, from whichever key file holds them (the names do not repeat).
KEYS = {name: f for keys in KEY_FILES.values() for name, f in keys.items() if callable(f) and name in EXERCISES}
DOTTED = re.compile(r"(?<![\w.])([A-TV-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4})(?![\w])|(?<![\w.])(U07\.1|U09\.9)(?![\w])")
# Written on purpose as codes that are NOT valid: planted on claims to be caught, or shown as mistakes.
NOT_CODES = {"E11.99", "I10.0", "T15.01A", "S93.40XA", "S61.41XA"}


def course_texts() -> dict[str, str]:
    """Everything a learner or grader reads: notebooks, banks, data files, key files, the README."""
    paths = [*ROOT.glob("course/*.ipynb"), *AUTOGRADER.glob("source/*/*.ipynb"), *AUTOGRADER.glob("keys/*.py"),
             *(p for p in data_dir().rglob("*") if p.is_file() and "icd10cm_billable" not in p.name
               and p.suffix not in (".sqlite", ".pickle")),  # binary: the code set (tests/test_lookup_data.py
             # checks it) and pyx12's parsed X12 maps (tests/test_x12_maps.py)
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


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_three_character_answer_is_official(notebook):
    bank = load_bank(notebook)
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
    assert "Found by the search, not the Index:" in lookup.info.value and "Step 2, Tabular List" in lookup.info.value
    lookup.box.value = "pneumonia"  # found in the Index: that is step 1
    lookup.results.value = "J18.9"
    assert "Step 1, Alphabetic Index:</strong> Pneumonia, J18.9" in lookup.info.value
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
    import simple_icd_10_cm as cm

    for code, _seventh in EXERCISES["with_seventh"].cases(seed):
        children = cm.get_children(code)
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

BANKS = {n: load_bank(n) for n in NOTEBOOKS}
BANK = BANKS["03_coding"]
ENTRIES = {e["name"]: e for b in BANKS.values() for e in b["exercises"]}
ENTRY_NOTEBOOK = {e["name"]: n for n, b in BANKS.items() for e in b["exercises"]}
MASTERS = {n: nbformat.read(AUTOGRADER / "source" / n / f"{n}.ipynb", 4) for n in NOTEBOOKS}
MASTER = MASTERS["03_coding"]
RULES = MASTERS["03b_coding_rules"]  # part 2


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_the_banks_worked_answers_are_the_keys(name):
    from billcode.quiz.checks import plain

    cases = EXERCISES[name].cases("example")
    assert ENTRIES[name]["examples"] == [plain(KEYS[name](*args)) for args in cases]
    stretch = ENTRIES[name].get("stretch", False)  # an optional stretch exercise is practice, never graded
    assert EXERCISES[name].notebook == ENTRY_NOTEBOOK[name]
    assert EXERCISES[name].notebook == ("03b_coding_rules" if name in ("em_level", "apply_ptp") else "03_coding")
    assert ENTRIES[name].get("mode", "graded") == ("practice" if stretch else "graded")
    assert 2 <= len(ENTRIES[name]["hints"]) <= 3


def test_the_worked_examples_stated_in_the_notebook_are_the_banks():
    """Each exercise's prompt states its worked examples' answers: they must be what the check compares with."""
    prompts = {}
    for cell in [c for master in MASTERS.values() for c in master.cells]:
        found = re.match(r"### (Exercise \d+ \(\d+ points?\)|Stretch exercise): .*", cell.source) \
            if cell.cell_type == "markdown" else None
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


GRADED = sorted(n for n, e in ENTRIES.items() if e.get("mode", "graded") == "graded")


STRETCH = ["normalize_icd", "claim_ready", "em_level", "apply_ptp"]


def test_the_stretch_exercises_are_off_the_clock_and_not_graded():
    """Round 2 (a newcomer's hour): with_seventh is the graded exercise; normalize_icd and claim_ready (03) and
    em_level and apply_ptp (03b) sit in optional stretch sections: no points, no graded cell, no key-file check."""
    from billcode.instructor.author.estimate import stretch_cells
    from billcode.instructor.keys import FunctionCheck, load_graded
    from billcode.quiz.params import choose_params

    assert GRADED == ["with_seventh"] and ENTRIES["with_seventh"]["points"] == 2
    functions = {n: {c.name for c in load_graded(AUTOGRADER, n, choose_params(BANKS[n], None)).values()
                     if isinstance(c, FunctionCheck)} for n in NOTEBOOKS}
    assert functions == {"03_coding": {"with_seventh"}, "03b_coding_rules": set()}
    for name in STRETCH:
        master = MASTERS[ENTRY_NOTEBOOK[name]]
        inside = stretch_cells(master)
        assert ENTRIES[name]["stretch"] and "points" not in ENTRIES[name] and ENTRIES[name]["mode"] == "practice"
        cells = [i for i, c in enumerate(master.cells) if re.search(rf"\b{name}\b", c.source)]
        assert cells and all(i in inside for i in cells), name
        assert not any(master.cells[i].metadata.get("nbgrader", {}).get("grade") for i in cells), name
        end = next(i for i, c in enumerate(master.cells) if c.source.startswith("## Check your notebook"))
        assert all(i < end for i in inside)


@pytest.mark.parametrize("notebook, sections", [("03_coding", 2), ("03b_coding_rules", 3)])
def test_every_stretch_section_says_it_is_optional_and_has_its_own_self_check(notebook, sections):
    """A heading "Stretch (optional"; a practice check or practice exercise inside; nothing graded inside; the
    first says where to skip to."""
    from billcode.instructor.author.estimate import stretch_cells

    master = MASTERS[notebook]
    inside = sorted(stretch_cells(master))
    starts = [i for i in inside if master.cells[i].source.startswith("## Stretch (optional")]
    assert len(starts) == sections
    assert "skip to **Check your notebook before submitting**" in master.cells[starts[0]].source
    for start, stop in zip(starts, [*starts[1:], inside[-1] + 1]):
        section = master.cells[start:stop]
        assert "not on the clock" in section[0].source.lower(), section[0].source[:80]
        asks = [m for c in section for m in re.findall(r'quiz\.ask\("([\w-]+)"\)', c.source)]
        checks = [m for c in section for m in re.findall(r'check_function\("(\w+)"\)', c.source)]
        assert asks or checks, section[0].source[:80]
        assert all(ITEMS[a]["mode"] == "practice" for a in asks)
        assert all(ENTRIES[c]["mode"] == "practice" for c in checks)
        assert not any(c.metadata.get("nbgrader", {}).get("grade") for c in section)


@pytest.mark.parametrize("name", GRADED)
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
    assert len(notices) == 1 and "not done yet" in notices[0] and re.search(r"Hint \d covers this", notices[0]), notices
    assert "Traceback" not in notices[0]


# Issue 21's teaching part: Index first, several codes graded as a set, laterality and the fracture 7th characters

ITEMS = {i["id"]: i for b in BANKS.values() for i in b["items"]}
ITEM_NOTEBOOK = {i["id"]: n for n, b in BANKS.items() for i in b["items"]}


def graded_keys() -> dict[str, object]:
    from billcode.instructor.keys import QuizKey, load_graded
    from billcode.quiz.params import choose_params

    return {c.item: c.key for n in NOTEBOOKS for c in load_graded(AUTOGRADER, n, choose_params(BANKS[n], None)).values()
            if isinstance(c, QuizKey)}


def key_codes() -> dict[str, list[str]]:
    """Every code a code question wants (practice keys from the bank, graded keys from the key file), by item."""
    keys = {**{i: item["key"] for i, item in ITEMS.items() if "key" in item}, **graded_keys()}
    return {i: [k] if isinstance(k, str) else list(k) for i, k in keys.items()
            if ITEMS[i]["type"] in ("code", "codes")}


def bare(code: str) -> str:
    return code.replace(".", "").upper()


def test_the_worked_example_reads_the_index_as_the_notebook_says():
    """Throat: see condition; Pharyngitis > streptococcal J02.0; Sore > throat: see also Pharyngitis; the dash on
    Sprain > ankle; Sty: see Hordeolum; and J02.0's inclusion term in the Tabular List."""
    from billcode.coding.reading import index_entry

    throat = index_entry("Throat")
    assert throat.lines[0].see == "condition" and not throat.lines[0].code
    pharyngitis = {line.title: line.code for line in index_entry("Pharyngitis").lines}
    assert pharyngitis["Pharyngitis"] == "J02.9" and pharyngitis["streptococcal"] == "J02.0"
    sore = index_entry("Sore", "throat")
    assert sore.path == ["Sore", "throat"] and sore.lines[1].see_also == "Pharyngitis"
    assert index_entry("Sprain", "ankle").lines[1].code == "S93.40-"  # the dash: more characters in the Tabular List
    sty = index_entry("Sty").lines[0]
    assert sty.see == "Hordeolum" and sty.via_see and sty.code == "H00.019"
    assert "Streptococcal sore throat" in details("J02.0")["inclusion_terms"]
    text = "\n".join(c.source for c in MASTER.cells if c.cell_type == "markdown")
    for said in ("*Throat* only says *see condition*", "*Sty*: see *Hordeolum*",
                 "*Sore > throat*: see also *Pharyngitis*",
                 "*Sprain > ankle* **S93.40-**", "subterm *streptococcal* gives **J02.0**"):
        assert said in text, said
    first = next(c for c in MASTER.cells if c.cell_type == "code" and c.source.startswith("show_index("))
    shown = "".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in first.outputs)
    assert "Alphabetic Index FY2025" in shown and "valid in the FY2026 code set" in shown  # the year, with its source
    narrowed = next(c for c in MASTER.cells if c.source == 'show_index("Pharyngitis", "streptococcal")')
    assert "streptococcal J02.0" in "".join(o.get("data", {}).get("text/plain", "") for o in narrowed.outputs)


def test_every_code_the_index_shows_in_03_is_in_the_official_set():
    """The Index is FY2025: each code it gives in the notebook's calls and hints is in FY2026 (a dash: not a leaf)."""
    import simple_icd_10_cm as cm

    from billcode.coding.reading import index_entry

    calls = [re.findall(r'"([^"]*)"', m) for c in MASTER.cells for m in re.findall(r"show_index\(([^)]*)\)", c.source)]
    calls += [["Fracture, traumatic", "radius", "lower end"], ["Sty"], ["Hordeolum"], ["Diabetes", "with"],
              ["Bite", "forearm"]]  # the paths the hints send learners down
    for call in calls:
        entry = index_entry(*call)
        assert entry.lines and not entry.note.startswith(("The Index has no", "“")), (call, entry.note)
        for line in entry.lines:
            if line.code:
                code = line.code.rstrip("-")
                assert cm.is_valid_item(code), (call, line)
                assert not line.code.endswith("-") or not cm.is_leaf(code), (call, line)  # a dash: more to choose


def test_the_index_is_stored_in_document_order():
    """show_index reads a term's subterms as the run of terms after it (one range query): each term's parent is the
    nearest term before it at a shallower level."""
    from billcode.coding import codeset

    stack: list[tuple[int, int]] = []
    for term_id, parent, level in codeset.query("SELECT id, parent, level FROM index_terms ORDER BY id"):
        while stack and stack[-1][1] >= level:
            stack.pop()
        assert parent == (stack[-1][0] if stack else None), term_id
        stack.append((term_id, level))


@pytest.mark.parametrize("args, words", [
    ((), "Type a main term"), (("",), "Type a main term"), ((None,), "Type a main term"),
    (("Throatt",), "no main term"), (("Fracture",), "main terms start with"),
    (("Pharyngitis", "zzz"), "has no subterm"), (("x" * 10_000,), "longer than any"),
    (("'; DROP TABLE index_terms; --",), "no main term"), (("\"NEAR\" OR *",), "no main term"),
    (("🦷",), "no main term"), (("<img src=x onerror=alert(1)>",), "no main term"), ((42,), "no main term"),
])
def test_show_index_answers_bad_input_with_a_message(args, words):
    from billcode.coding.reading import show_index

    view = show_index(*args) if args else show_index("")
    bundle = view._repr_mimebundle_()
    assert words in bundle["text/plain"] and "Source: ICD-10-CM Alphabetic Index FY2025" in bundle["text/plain"]
    assert "<img" not in bundle["text/html"]  # the learner's text is escaped, never markup


def test_show_index_shows_levels_as_nested_lists_and_narrows_long_entries():
    from billcode.coding.reading import MAX_LINES, index_entry, show_index

    html = show_index("Hordeolum").html()
    assert html.count("<ul>") == html.count("</ul>") and "<li>left <strong>H00.016</strong><ul><li>lower" in html
    long = index_entry("Fracture, traumatic")
    assert len(long.lines) <= MAX_LINES + 1 and long.more > 1000 and "not shown" in long.note
    assert index_entry("fracture, TRAUMATIC", "Radius", "lower").path == ["Fracture, traumatic", "radius", "lower end"]


@pytest.mark.parametrize("typed, words", [("", "Type a code"), ("E11.99", "not in the official code set"),
                                          ("<b>x</b>", "An ICD-10-CM code is"), ("x" * 10_000, "An ICD-10-CM code is"),
                                          (None, "Type a code")])
def test_show_tabular_answers_bad_input_with_a_message(typed, words):
    from billcode.coding.reading import show_tabular

    bundle = show_tabular(typed)._repr_mimebundle_()
    assert words in bundle["text/plain"] and "<b>" not in bundle["text/html"]


def test_laterality_as_the_notebook_states_it_is_the_code_sets():
    """H10.02-: 1 right, 2 left, 3 bilateral, 9 unspecified; S82.22-: 1-3 displaced, 4-6 nondisplaced; eyelids:
    H01.00- and H00.01- name the eye and the lid (1-6, 9, and H01.00's A and B), as the text and cd-p12 say."""
    import simple_icd_10_cm as cm

    pink = {c[-1]: cm.get_description(c) for c in cm.get_children("H10.02")}
    assert sorted(pink) == ["1", "2", "3", "9"]
    assert [pink[k].rsplit(", ", 1)[1] for k in "1239"] == ["right eye", "left eye", "bilateral", "unspecified eye"]
    tibia = [cm.get_description(c) for c in cm.get_children("S82.22")]
    assert all(d.startswith("Displaced") for d in tibia[:3]) and all(d.startswith("Nondisplaced") for d in tibia[3:])
    assert [d.split("shaft of ")[1].split()[0] for d in tibia] == ["right", "left", "unspecified"] * 2
    lids = {c[-1]: cm.get_description(c).split("blepharitis ")[1] for c in cm.get_children("H01.00")}
    assert lids == {"1": "right upper eyelid", "2": "right lower eyelid", "3": "right eye, unspecified eyelid",
                    "4": "left upper eyelid", "5": "left lower eyelid", "6": "left eye, unspecified eyelid",
                    "9": "unspecified eye, unspecified eyelid", "A": "right eye, upper and lower eyelids",
                    "B": "left eye, upper and lower eyelids"}
    stye = {c[-1]: cm.get_description(c).split("externum ")[1] for c in cm.get_children("H00.01")}
    assert {k: v for k, v in lids.items() if k.isdigit()} == stye
    pattern = "1 right upper, 2 right lower, 3 right eye unspecified eyelid, 4 left upper, 5 left lower"
    assert pattern in ITEMS["cd-p12"]["explanation"]
    text = next(c.source for c in MASTER.cells if c.source.startswith("More sides:"))
    text = " ".join(text.split())
    assert "1 right eye, 2 left, **3 bilateral**, **9 unspecified eye**" in text and "1-3 displaced" in text
    core = next(c.source for c in MASTER.cells if c.source.startswith("## Read the Tabular List"))
    core = " ".join(core.split())
    assert "unspecified* side is only for a record that does not say." in core and "I.B.13, side" in core
    eyelids = next(c.source for c in MASTER.cells if c.source.startswith("### Eyelids"))
    assert "6th character" in eyelids and "A and B mean both lids of one eye" in eyelids


def test_the_fracture_sevenths_as_the_notebook_states_them_are_the_code_sets():
    """S52, S72 and S82 take 16 letters (A, B, C first encounter; D-F routine, G-J delayed, K-N nonunion, P-R malunion
    healing; S); torus fractures (S52.52) only six; the look-up and show_tabular read them from the data file."""
    import simple_icd_10_cm as cm

    full = cm.get_seven_chr_def("S52")
    assert list(full) == list("ABCDEFGHJKMNPQRS")
    assert cm.get_seven_chr_def("S72") == full == cm.get_seven_chr_def("S82")
    for letters, words in (("ABC", "initial encounter"), ("DEF", "routine healing"), ("GHJ", "delayed healing"),
                           ("KMN", "nonunion"), ("PQR", "malunion")):
        assert all(words in full[k] for k in letters), letters
        assert "closed" in full[letters[0]] and "type I or II" in full[letters[1]] and "IIIA" in full[letters[2]]
    assert list(cm.get_seven_chr_def("S52.52")) == list("ADGKPS")
    for category in ("S02", "S12", "S22", "S32"):  # skull, spine, ribs, pelvis: no P
        assert list(cm.get_seven_chr_def(category)) == list("ABDGKS"), category
    for category in ("S42", "S62", "S92"):  # the other limb bones
        assert list(cm.get_seven_chr_def(category)) == list("ABDGKPS"), category
    assert list(cm.get_seven_chr_def("T15")) == list("ADS") == list(cm.get_seven_chr_def("W19"))
    from billcode.coding.codes import seventh_title

    shown = {k: seventh_title(v) for k, v in full.items()}  # B's "/<tab>...NOS" note left out (the official title)
    assert details("S52.5")["seventh_characters"] == shown  # what show_tabular and the look-up show
    assert list(details("S52.52")["seventh_characters"]) == list("ADGKPS")
    text = next(c.source for c in MASTER.cells if c.source.startswith("## Stretch (optional): fracture 7th"))
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in text.splitlines()
            if line.startswith("| ") and not line.startswith("| Visit")]
    words = {"First": "initial encounter", "Later, routine": "routine healing", "Later, delayed": "delayed healing",
             "Later, nonunion": "nonunion", "Later, malunion": "malunion"}
    assert len(rows) == 5
    for visit, closed, open_12, open_3 in rows:
        wanted = next(w for k, w in words.items() if visit.startswith(k))
        assert wanted in full[closed] and "closed" in full[closed], visit
        assert wanted in full[open_12] and "type I or II" in full[open_12], visit
        assert wanted in full[open_3] and "IIIA" in full[open_3], visit
    assert sorted(letter for row in rows for letter in row[1:]) + ["S"] == sorted(full)
    assert "(S52, S72, S82) take 16 letters" in " ".join(text.split())
    shown = next(c for c in MASTER.cells if c.source == 'show_tabular("S52.5")')  # the category's 16, as the text says
    output = "".join(o.get("data", {}).get("text/plain", "") for o in shown.outputs)
    assert output.count("7th character") == 16


def test_the_several_code_keys_follow_the_code_sets_notes():
    """cd-p14: E11.22's note asks for the CKD stage (N18.1-N18.6) and N18.3's says code the diabetic CKD first;
    cd-g4: the injury (chapter 19) first, then its external cause (chapter 20, V00-Y99), both complete codes."""
    keys = key_codes()
    assert ITEMS["cd-p14"]["type"] == ITEMS["cd-g4"]["type"] == "codes"
    assert keys["cd-p14"] == ["E11.22", "N18.31"] and ITEMS["cd-p14"]["sequence"] == "all"
    assert "N18.1-N18.6" in details("E11.22")["use_additional"][0] and "E11.22" in details("N18.31")["code_first"][0]
    assert keys["cd-g4"] == ["S51.851A", "W54.0XXA"] and ITEMS["cd-g4"]["sequence"] == "first"
    assert keys["cd-g4"][0][0] == "S" and keys["cd-g4"][1][0] in "VWXY"
    for codes in keys.values():
        assert all(icd10cm_billable(c) for c in codes), codes


def answers_file(value: object) -> bytes:
    return json.dumps({"bank": "03b_coding_rules", "graded": {"cd-g4": {"answer": value}}}).encode()


@pytest.mark.parametrize("typed, points, said", [
    (["S51.851A", "W54.0XXA"], 2.0, "2 of 2"), (["s51851a", "w540xxa"], 2.0, "2 of 2"),
    ("S51.851A, W54.0XXA", 2.0, "2 of 2"), ("s51.851a w540xxa", 2.0, "2 of 2"),  # dots or not, any case, , or space
    (["W54.0XXA", "S51.851A"], 1.0, "S51.851A is listed first"),  # both right, the external cause listed first
    (["S51.851A", "W54.0XXA", "Y92.009"], 1.0, "1 code that does not belong"),  # an extra code (the place)
    (["S51.851A"], 1.0, "1 of 2 codes found"),  # a single code: the injury alone
    (["W54.0XXA"], 0.0, "S51.851A is listed first"),  # the external cause alone is listed first
    (["S51.852A", "W54.0XXA"], 0.0, "1 code that does not belong"),  # the wrong side does not belong
    (["S51.851", "W54.0"], 0.0, "0 of 2 codes found"),  # no 7th characters: not the codes asked for
    ([], 0.0, "cannot be graded"), ("", 0.0, "cannot be graded"),
    (["S51.851A", "s51851a", "W54.0XXA"], 0.0, "more than once"),
    ([["S51.851A"], "W54.0XXA"], 0.0, "cannot be graded"), ({"0": "S51.851A"}, 0.0, "cannot be graded"),
    (["S51.851A"] + [f"I{n}" for n in range(10, 22)], 0.0, "at most 12"), (7, 0.0, "cannot be graded"),
])
def test_the_graded_set_of_codes_is_scored_in_the_graders_process(typed, points, said):
    """cd-g4 as the grader scores it from the submitted answers file: a share per right code, one off per code that
    does not belong and for the external cause listed first; bad or forged answers score 0 with a message."""
    from billcode.instructor.grade.marking import score_quiz
    from billcode.instructor.keys import QuizKey
    from billcode.quiz.answers import parse_answers

    check = QuizKey("cd-g4", graded_keys()["cd-g4"], "Because.")
    rules = BANKS["03b_coding_rules"]
    earned, message = score_quiz(rules, check, parse_answers(answers_file(typed), "03b_coding_rules"), 2)
    assert earned == points and (said in message or points == 2.0), message
    assert f"{earned:g} of 2 point(s)" in message or "Scored 0 of 2" in message


def test_the_practice_set_of_codes_gives_feedback_and_hints_not_the_key(tmp_path):
    """cd-p14 in the learner's kernel: right in order, partial when the order or a code is missing; the new checks'
    hints teach the method and never hold the answer."""
    from billcode.quiz.engine import Quiz

    quiz = Quiz("03b_coding_rules", folder=tmp_path)
    assert quiz.answer("cd-p14", "e11.22, n18.31").startswith("correct")
    swapped = quiz.answer("cd-p14", "N18.31, E11.22")
    assert swapped.startswith("partial") and "in which order" in swapped  # the item's feedback says what to check
    assert quiz.answer("cd-p14", "E11.22").startswith("partial")
    assert quiz.answer("cd-p14", "E11.9").startswith("incorrect")
    assert "at least one" in quiz.answer("cd-p14", "")
    for item_id in ("cd-p12", "cd-p13", "cd-p14", "cd-p2"):
        hints = " ".join(ITEMS[item_id]["hints"])
        assert 2 <= len(ITEMS[item_id]["hints"]) <= 3
        assert not any(bare(k) in bare(hints).replace(" ", "") for k in key_codes()[item_id]), item_id


def _prose_before(item_id: str) -> str:
    """Every markdown cell a learner reads before an item is asked, in its notebook (question cells left out)."""
    text = []
    for cell in MASTERS[ITEM_NOTEBOOK[item_id]].cells:
        if cell.cell_type == "code" and re.search(rf'quiz\.ask\("{item_id}"\)', cell.source):
            return "\n".join(text)
        if cell.cell_type == "markdown" and "question" not in cell.metadata.get("billcode", {}):
            text.append(cell.source)
    raise AssertionError(f"{item_id} is not asked")


def test_no_code_key_is_in_the_prose_above_its_question():
    """tests/test_giveaways.py checks single codes; this covers the 'codes' items too (every code of the set)."""
    for item_id, codes in key_codes().items():
        words = {bare(w) for w in re.findall(r"[A-Za-z0-9.]+", _prose_before(item_id))}
        assert not [c for c in codes if bare(c) in words], item_id


def test_what_03_shows_before_a_check_never_holds_its_answer():
    """The pre-filled look-up and every Index or Tabular entry 03 shows: none lists a code question's exact answer
    (issue 21: the learner does the look-up)."""
    from billcode.coding.reading import show_index, show_tabular

    answers = {bare(c) for codes in key_codes().values() for c in codes}
    shown = []
    for cell in MASTER.cells:
        for query in re.findall(r'lookup_explorer\("([^"]*)"\)', cell.source):
            for code in search(query)["code"]:  # each result, and what picking it shows below it
                shown += [code, *details(code)["children"]]
        for call in re.findall(r"show_index\(([^)]*)\)", cell.source):
            shown += [line.code.rstrip("-") for line in show_index(*re.findall(r'"([^"]*)"', call)).entry.lines]
        for code in re.findall(r'show_tabular\("([^"]*)"\)', cell.source):
            shown += re.findall(r"\b[A-Z][0-9][0-9A-Z]\.?[0-9A-Z]*\b", show_tabular(code).text())
    assert shown and not answers & {bare(c) for c in shown if c}


# The look-up's round-2 fixes (newcomer trials of 03): word forms, the words an Index match hid, 7th-character
# titles without the tabular file's notes, and a side left unspecified

def test_a_word_matches_its_irregular_forms():
    """"dog bite" found only A28.0 (Pasteurella, from an Index note "(dog bite)"): bite now also matches bitten,
    so the external cause W54.0 (Bitten by dog) comes first; the same rule ties fell to Fall, torn to Tear."""
    from billcode.coding.finder import word_forms

    bite = search("dog bite", 5)
    assert bite["code"].tolist()[:2] == ["W54.0", "W54.0XXA"] and "A28.0" in bite["code"].tolist()
    assert search("fell off ladder", 3)["code"].iloc[0] == "W11"
    assert search("torn meniscus", 3)["code"].iloc[0].startswith("S83.2")
    assert search("bitten by dog", 2)["code"].tolist() == ["W54.0", "W54.0XXA"]  # the title's own words still work
    assert word_forms()["bitten"] == word_forms()["bite"] == ["bite", "bitten"]


def test_every_word_form_row_is_documented_and_its_example_uses_a_form():
    import csv

    from billcode.coding import codeset
    from billcode.coding.finder import word_forms

    with (data_dir() / "coding" / "word_forms.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    forms = [f for row in rows for f in row["forms"].split()]
    assert len(forms) == len(set(forms)) == len(word_forms()), "a form in two rows"
    for row in rows:
        assert row["source"].strip() and all(f.isalpha() and f.islower() for f in row["forms"].split())
        title = set(re.findall(r"[a-z]+", codeset.description(row["example"]).lower()))
        assert title & set(row["forms"].split()) or any(w.startswith(row["forms"].split()[0]) for w in title), row


def test_a_match_hidden_in_nonessential_modifiers_says_so():
    """A28.0's Index path (Infection > Pasteurella NEC > septica) has neither word of "dog bite": its why names the
    nonessential modifiers that matched; a path that shows the words stays as it was."""
    why = dict(zip(*[search("dog bite", 5)[c].tolist() for c in ("code", "why")]))
    assert "(dog bite)" in why["A28.0"] and "nonessential modifiers" in why["A28.0"]
    assert search("pneumonia")["why"].iloc[0] == "Index: Pneumonia, J18.9"


def test_seventh_character_titles_leave_out_the_tabular_files_notes():
    """The package joins a 7th character's note to its title with "/" (S52's B: "... type I or II/<tab>initial
    encounter for open fracture NOS"; W08's S: "sequela/Fall from stool"); the course shows the title alone, as the
    official code titles read."""
    from billcode.coding import codeset
    from billcode.coding.codes import code_title, seventh_characters
    from billcode.coding.reading import show_tabular

    assert seventh_characters("S52.5")["B"] == "initial encounter for open fracture type I or II"
    assert code_title("S82.221B").endswith("initial encounter for open fracture type I or II")
    assert code_title("W08.XXXS") == "Fall from other furniture, sequela"
    assert code_title("C84.90") == codeset.description("C84.90")  # a "/" inside a title (T/NK-cell) stays
    for (code,) in codeset.query("SELECT DISTINCT code FROM sevenths"):
        assert not any("/" in v or "\t" in v for v in seventh_characters(code).values()), code
    for code in ("S52.5", "S82.221", "S72.0"):
        text = show_tabular(code).text()
        assert "/" not in text and "\t" not in text, code
    assert "/" not in search("S82.221B")["description"].iloc[0]


def test_a_side_left_unspecified_is_named_when_the_codes_beside_it_name_one():
    """Guidelines I.B.13: the look-up lists H00.019 (unspecified eye and eyelid) first for "stye"; a learner who
    types it is told what it leaves out, and the look-up's panel says so too. No note where the side is named or
    where no code names one."""
    from billcode.coding.codes import code_hints, unspecified_side
    from billcode.coding.lookup import details_html

    for code in ("H00.019", "H10.029", "S52.509A", "S51.859A"):
        assert "side is unspecified" in unspecified_side(code) and "I.B.13" in unspecified_side(code), code
    for code in ("H00.015", "H00.013", "S52.501A", "R10.9", "I10", "E11.9", "W54.0XXA", "H00.01", "E11.99"):
        assert unspecified_side(code) is None, code
    assert "side is unspecified" in " ".join(code_hints("h00019", "ICD-10-CM"))
    assert code_hints("H00.015", "ICD-10-CM") == [] and code_hints("H00.01", "ICD-10-CM")  # incomplete: that hint
    assert "side is unspecified" in details_html("H00.019")


def test_the_seventh_character_panel_says_when_x_is_needed():
    """The panel said "the placeholder X fills any empty place" for S82.221 too, where no place is empty."""
    from billcode.coding.lookup import details_html

    assert "follows the 6th character directly" in details_html("S82.221") and "S82.221F" in details_html("S82.221")
    assert "placeholder X fills the places up to the 6th" in details_html("T15.01")


# Round 2: what the newcomer trials of 03 got stuck on

def _check_message(name: str, source: str, monkeypatch) -> str:
    """What the learner's own check says about a function written as source (its first not-done message)."""
    from billcode.exercises import check_function
    from billcode.quiz import checks

    shown = []
    monkeypatch.setattr(checks, "display", lambda obj, raw=False: shown.append(obj))
    monkeypatch.delenv("NBGRADER_VALIDATING", raising=False)
    namespace = {"load_table": load_table}
    exec(source, namespace)
    check_function(name, namespace[name])
    return " ".join(o["text/plain"] for o in shown if isinstance(o, dict) and o.get("text/plain"))


def _solution(name: str) -> str:
    cell = next(c for c in MASTERS[ENTRY_NOTEBOOK[name]].cells if c.metadata.get("nbgrader", {}).get("grade_id") == f"{name}_answer")
    return "\n".join(line for line in cell.source.splitlines() if "### " not in line)


# (exercise, the master's line, a newcomer's wrong line, words the hint the check points to must hold)
MISTAKES = [
    ("em_level", "met = row.patient == patient and row.minimum_minutes <= minutes",
     "met = row.patient == patient and minimum_minutes <= minutes", "`row.minimum_minutes`"),  # no row. (trial 1)
    ("em_level", "met = row.patient == patient and row.minimum_minutes <= minutes",
     "met = row.patient = patient and minutes >= row.minimum_minutes", "`==`"),  # = for == (trial 2)
    ("em_level", "met = row.patient == patient and row.minimum_minutes <= minutes",
     "met = row.patient == patient and row.minimum_minutes <= minutes <= row.maximum_minutes",
     "level 5's maximum"),  # a BETWEEN test (trial 2): the 80-minute example catches it
    ("claim_ready", 'return "incomplete"', '"incomplete"', "starts with `return`"),  # no return (trial 2)
    ("claim_ready", "if is_code(code):", "if is_billable(code):", "`is_code(code)`"),
    ("normalize_icd", 'return bare[:3] + "." + bare[3:]', 'return bare[:3] + "." + bare', "`bare[3:]`"),  # trial 1
    ("normalize_icd", 'return bare[:3] + "." + bare[3:]', 'return bare[:3] + "." + bare[4:]', "`bare[3:]`"),  # trial 2
    ("normalize_icd", 'return bare[:3] + "." + bare[3:]', 'bare[:3] + "." + bare[3:]', "`return`"),
    ("with_seventh", 'padded = bare.ljust(6, "X")', 'bare.ljust(6, "X")', "`padded = ...`"),  # trial 1
    ("with_seventh", 'padded = bare.ljust(6, "X")', 'padded = bare.ljust(7, "X")', "`text.ljust(6, \"X\")`"),
    ("with_seventh", 'padded = bare.ljust(6, "X")', 'padded = "bare".ljust(6, "X")', "without quotes"),  # round 4
    ("with_seventh", 'padded = bare.ljust(6, "X")', "", "'ellipsis'"),  # round 7: the placeholder's ... left in
]


@pytest.mark.parametrize("name, right, wrong, words", MISTAKES, ids=[f"{m[0]}:{m[2][:40]}" for m in MISTAKES])
def test_each_trial_mistake_points_to_the_hint_that_fixes_it(name, right, wrong, words, monkeypatch):
    """A faked wrong answer of each kind the trials saw: the check says it is not done and names the hint whose
    text holds the fix (hints teach the method, never the value)."""
    source = _solution(name)
    assert right in source
    message = _check_message(name, source.replace(right, wrong, 1), monkeypatch)
    number = re.search(r"Hint (\d) covers this", message)
    assert "not done yet" in message and number, message
    assert words in ENTRIES[name]["hints"][int(number.group(1)) - 1], (message, ENTRIES[name]["hints"])
    assert "✔" in _check_message(name, source, monkeypatch)


def test_em_levels_examples_include_a_visit_past_level_5s_maximum():
    """A between-minimum-and-maximum answer passed the learner's check and failed grading: an 80-minute new patient
    (level 5 is 60-74) is now a worked example, stated in the notebook."""
    table = load_table("coding/em_office_time")
    top = table[(table["patient"] == "new") & (table["level"] == 5)].iloc[0]
    assert ("new", 80) in EXERCISES["em_level"].cases("example") and 80 > top["maximum_minutes"]
    assert KEYS["em_level"]("new", 80) == 5 and ENTRIES["em_level"]["examples"][-1] == 5


def test_matching_choices_are_not_in_the_order_of_the_notes():
    """Question 2's choices came in the notes' order: matching straight across scored full marks."""
    from billcode.instructor.keys import load_graded
    from billcode.quiz.params import choose_params

    key = next(c.key for c in load_graded(AUTOGRADER, "03_coding", choose_params(BANK, None)).values()
               if getattr(c, "item", None) == "cd-g2")
    left = [r["id"] for r in ITEMS["cd-g2"]["left"]]
    right = [r["id"] for r in ITEMS["cd-g2"]["right"]]
    assert all(right.index(key[note]) != left.index(note) for note in left)


def test_question_1_needs_the_7th_character_rule_not_only_a_search():
    """cd-g1 was one search away (S61.412A, the look-up's second result). Now the laceration is seen for a wound check
    five days after its repair, at a clinic that sees the patient for the first time: D (healing phase), which the
    notebook's rule decides (I.C.19.a), while a search for the note's words lists the A code first."""
    assert graded_keys()["cd-g1"] == "S61.412D" and icd10cm_billable("S61.412D")
    before = " ".join(_prose_before("cd-g1").split())
    assert "**D** for routine care while it heals (a wound check" in before
    assert "not whether this provider sees the patient for the first time." in before
    assert "(Source: ICD-10-CM Official Guidelines FY2026, sections I.B.13, side; I.C.19.a, 7th characters" in before
    codes = search("laceration left hand no foreign body", 5)["code"].tolist()
    assert "S61.412A" in codes and codes.index("S61.412A") < (codes.index("S61.412D") if "S61.412D" in codes else 99)
    assert "first time" in ITEMS["cd-g1"]["prompt"] or "New patient" in ITEMS["cd-g1"]["prompt"]


def test_check_1s_answers_are_in_the_notebooks_summary_of_the_article():
    summary = " ".join(_prose_before("cd-p1").split()).lower()
    for option in ITEMS["cd-p1"]["options"]:
        said = {"a": "memorization", "b": "several code sets", "d": "small errors lead to claim denials or compliance"}
        if option["id"] in ITEMS["cd-p1"]["key"]:
            assert said[option["id"]] in summary, option["text"]


def test_the_external_cause_index_is_named_and_the_lookup_finds_the_cause_from_the_notes_words():
    """Question 3 (dog bite): the course has the Index of diseases and injuries, not the External Cause Index; the
    notebook says so and how to search instead, and the look-up finds the cause for "dog bite"."""
    before = " ".join(_prose_before("cd-g4").split())
    assert "External Cause Index*, which this course does not include" in before
    assert "W54.0" in search("dog bite", 3)["code"].tolist()


def test_the_stye_checks_feedback_says_what_an_unspecified_code_leaves_out():
    from billcode.quiz.engine import Quiz

    feedback = ITEMS["cd-p12"]["feedback"]["incorrect"]
    assert "unspecified eye" in feedback and "names the side and the lid" in feedback


def test_the_stye_check_answered_with_the_first_search_result_explains_it(tmp_path):
    from billcode.quiz.engine import Quiz

    said = Quiz("03_coding", folder=tmp_path).answer("cd-p12", "H00.019")
    assert said.startswith("incorrect") and "side is unspecified" in said and "I.B.13" in said


def test_the_objectives_that_were_graded_keep_a_graded_item():
    """C2, C3 and C4 were graded before round 2 moved em_level (C4) into a stretch section; C4 keeps Question 4 (59 on
    a second procedure at a separate site), now 03b's Question 2. C1 and C5 are assessed by practice checks."""
    # Round 5 (issue 20, 75 minutes): the stye (C2) and modifier 25 (C4) checks moved into stretch sections; C2 keeps
    # Exercise 1 and Questions 1-2 on the clock, C4 Question 4, so no objective is left with nothing on the clock.
    # Round 7: C2 gets a practice check before its graded tasks (cd-p15, the first use of the look-up); the
    # uncertain-diagnosis check (cd-p7, C3) moves to the outpatient stretch section, C3 keeping Question 3.
    # The split (issue 20): 03 holds C1-C2, 03b C3-C5, each objective in one notebook only.
    # After the split, 03b's uncertain-diagnosis check (cd-p7, C3) came back on the clock: 03b needs half its core
    # tasks hands-on, and a code typed from a note is one.
    wanted = {"03_coding": ({"C2"}, {"C1", "C2"}), "03b_coding_rules": ({"C3", "C4"}, {"C3", "C5"})}
    for notebook, bank in BANKS.items():
        graded = {e["objective"] for e in [*bank["items"], *bank["exercises"]] if e.get("mode", "graded") == "graded"}
        practice = {i["objective"] for i in bank["items"] if i["mode"] == "practice" and not i.get("stretch")}
        assert (graded, practice) == wanted[notebook] and practice | graded == set(bank["objectives"]), notebook
    assert ITEMS["cd-p12"]["stretch"] and ITEMS["cd-p11"]["stretch"] and not ITEMS["cd-p7"].get("stretch")
    assert graded_keys()["cd-g5"] == "b" and ITEMS["cd-g5"]["options"][1]["text"].startswith("59")
    # Every graded item keeps its points across the split: 1 + 2 (questions) and 2 (with_seventh) in 03, 2 + 1 in 03b.
    points = {n: {i["id"]: i["points"] for i in b["items"] if i["mode"] == "graded"} for n, b in BANKS.items()}
    assert points == {"03_coding": {"cd-g1": 1, "cd-g2": 2}, "03b_coding_rules": {"cd-g4": 2, "cd-g5": 1}}
    assert [(e["name"], e.get("points")) for e in BANK["exercises"] if e.get("mode", "graded") == "graded"] == \
        [("with_seventh", 2)]


# Round-3 fixes (newcomer trials 2): a look-up where each question needs one, the Index's year said once, the
# 7th characters tied to the code set's titles, and a stop marker that is not a heading

def test_show_index_explains_the_index_year_once_a_session(monkeypatch):
    """The first entry says why the Index is FY2025; later ones only name it (still a source beside each)."""
    from billcode.coding import reading

    monkeypatch.setitem(reading._SESSION, "year_explained", False)
    first, later = reading.show_index("Pharyngitis"), reading.show_index("Throat")
    why = "the newest Index the course could get"
    assert why in first.text() and why in first.html()
    assert why not in later.text() and why not in later.html()
    assert "Source: ICD-10-CM Alphabetic Index FY2025 (CDC/NCHS)." in later.text()
    assert "Source: ICD-10-CM Alphabetic Index FY2025 (CDC/NCHS)" in later.html()
    assert why not in reading.show_index("Throat")._repr_mimebundle_()["text/plain"]  # re-running a cell: still once


def test_lookup_box_is_the_same_look_up_empty_and_shorter():
    from billcode import lookup_box, lookup_explorer

    box, full = lookup_box(), lookup_explorer()
    assert box.box.value == "" and not box.results.options and box.results.rows < full.results.rows
    box.box.value = "laceration left hand"  # typing and Enter run the search, as in the full look-up
    assert [o[1] for o in box.results.options] == search("laceration left hand")["code"].tolist()
    assert "look-up" in box._repr_mimebundle_()["text/plain"]


def _core_cells(notebook: str = "03_coding") -> list:
    from billcode.instructor.author.estimate import stretch_cells

    master = MASTERS[notebook]
    inside = stretch_cells(master)
    return [c for i, c in enumerate(master.cells) if i not in inside]


def test_every_core_question_that_needs_a_look_up_has_one_right_above_it():
    """Round 2: learners scrolled back to the only look-up for each of these; now an empty one sits above each (in
    03b too, whose setup cell loads it)."""
    needed = set()
    for notebook in NOTEBOOKS:
        cells = _core_cells(notebook)
        needing = [item_id for c in cells for item_id in re.findall(r'quiz\.ask\("([\w-]+)"\)', c.source)
                   if ITEMS[item_id].get("lookup") or ITEMS[item_id]["type"] in ("code", "codes")]
        needed |= set(needing)
        for item_id in needing:
            ask = next(i for i, c in enumerate(cells) if f'quiz.ask("{item_id}")' in c.source)
            assert cells[ask - 1].metadata.get("billcode", {}).get("question") == item_id  # its text, then the box
            assert cells[ask - 2].cell_type == "code" and cells[ask - 2].source.strip() == "lookup_box()", item_id
    assert {"cd-p15", "cd-g1", "cd-g4"} <= needed
    stye = next(i for i, c in enumerate(MASTER.cells) if 'quiz.ask("cd-p12")' in c.source)  # in a stretch section now
    assert MASTER.cells[stye - 2].source.strip() == "lookup_box()"
    setup = next(c for c in RULES.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    assert "lookup_box" in setup.source and "Course tools loaded." in "".join(o.get("text", "") for o in setup.outputs)


def test_the_seventh_characters_are_tied_to_the_titles_before_question_1():
    cells = _core_cells()
    q1 = next(i for i, c in enumerate(cells) if 'quiz.ask("cd-g1")' in c.source)
    text = "\n".join(c.source for c in cells[:q1] if c.cell_type == "markdown")
    assert "**initial encounter** for A" in text and "**subsequent encounter** for D" in text
    assert "Each question that needs a search has its own empty look-up just above it" in text
    # The look-up's first use (Check 2, a code that needs X and a 7th character) comes after the paragraph that
    # explains them.
    explained = next(i for i, c in enumerate(cells) if "**The placeholder X.**" in c.source)
    tried = next(i for i, c in enumerate(cells) if 'quiz.ask("cd-p15")' in c.source)
    assert explained < tried
    assert "Replace the `...` in `padded = ...`" in "\n".join(c.source for c in cells)
    for term in ("**E/M** (evaluation", "**RT**", "nothing to do with the Index's nonessential modifiers"):
        assert term in "\n".join(c.source for c in _core_cells("03b_coding_rules")), term
    # Round 7: NEC/NOS and the see / see also / dash signposts serve only the stretch's Index-first checks: taught there.
    signposts = next(i for i, c in enumerate(MASTER.cells) if c.source.startswith("### Index signposts"))
    assert signposts < next(i for i, c in enumerate(MASTER.cells) if 'quiz.ask("cd-p2")' in c.source)
    for term in ("**NEC**, not elsewhere classifiable", "**NOS**, not otherwise specified", "**see also**", "**dash**"):
        assert term in MASTER.cells[signposts].source, term
    assert "ship" not in "\n".join(c.source for c in cells if c.cell_type == "markdown")


def test_the_good_place_to_stop_is_a_marker_not_a_heading():
    """A heading would put the sections after it under it in the table of contents. Since the split (issue 20), 03
    is under 45 minutes (tests/test_estimate.py's STOP_AFTER), so neither part marks one, nor promises one."""
    from billcode.instructor.author.estimate import STOP_AFTER, estimate

    for notebook, master in MASTERS.items():
        marks = [c.source for c in master.cells if c.cell_type == "markdown" and "place to stop" in c.source.lower()]
        assert estimate(AUTOGRADER / "source" / notebook / f"{notebook}.ipynb").minutes <= STOP_AFTER, notebook
        assert not marks, (notebook, marks)


# Round-4 trials (never programmed; spreadsheet user): a quoted name, the placeholder rule in plain words, and
# Question 3's words and search tip

def test_python_you_need_here_shows_ljust_on_a_name_and_what_quotes_do():
    """A learner copied `"W19".ljust(6, "X")` as `"bare".ljust(6, "X")`: the example now pads a name, and shows the
    quoted word beside it; hint 2 (the one the check points to) says to drop the quotes. Round 6: the example was the
    answer line itself (bare = "W19"; bare.ljust(6, "X")); it now pads another name with another filler."""
    cells = _core_cells()
    teach = next(i for i, c in enumerate(cells) if c.source.startswith("#### Python you need here: `.ljust`"))
    assert "A name goes without quotes" in cells[teach].source
    example = cells[teach + 1]
    assert example.source.startswith('part = "Z23"\n') and 'part.ljust(6, "-")' in example.source
    assert "bare" not in example.source and '"X"' not in example.source  # not the answer's name or filler
    shown = "".join(o.get("text", "") for o in example.outputs)
    assert "Z23---" in shown and "S93401 " in shown and "part--" in shown  # padded; long enough; the quoted word
    assert "without quotes" in ENTRIES["with_seventh"]["hints"][1]


def test_the_placeholder_rule_is_said_plainly_and_as_the_code_set_has_it():
    """Guidelines I.A.4-5, as the notebook now says it: go as far down as the code set goes, then X up to six
    characters, then the 7th. The codes it names are the FY2026 set's."""
    import simple_icd_10_cm as cm

    text = " ".join(next(c.source for c in MASTER.cells if c.source.startswith("## Read the Tabular List")).split())
    rule = "Go as far down as the code set goes, then fill any empty place before the 7th character with X:"
    assert rule in text and text.index(rule) < text.index("W19.XXXA") < text.index("T15.02XA") < text.index("S93.401A")
    # Round 7: the rule, then a table of the three cases (nothing to choose, no 6th to choose, a 6th chosen)
    assert "| W19 (unspecified fall: nothing to choose after it) | W19.XXXA |" in text
    assert "| T15.02 (foreign body, left cornea: no 6th character to choose) | T15.02XA |" in text
    assert cm.get_children("T15.02") == ["T15.02XA", "T15.02XD", "T15.02XS"]
    assert cm.get_children("W19") == ["W19.XXXA", "W19.XXXD", "W19.XXXS"]  # no 4th-6th character: X, then the 7th
    assert cm.get_children("T15.01") == ["T15.01XA", "T15.01XD", "T15.01XS"]  # the exercise's first worked example
    assert cm.get_children("S93.40") == ["S93.401", "S93.402", "S93.409"]  # a 6th character to choose first
    assert cm.is_valid_item("S93.401A") and not cm.is_valid_item("S93.40XA")
    exercise = next(c.source for c in MASTER.cells if c.source.startswith("### Exercise 1"))
    assert "(S93.401, never S93.40)" in exercise


def test_question_3_asks_for_two_codes_and_its_search_tip_leads_to_them_without_giving_them():
    """The tip (the kind of wound and the body part) finds the Index's Bite > forearm, S51.85-, from which the
    side and the 7th character are still to choose; the note's words find the cause; 'open wound' alone would give
    only unspecified wounds, as the tip says. The prompt holds no code of the key."""
    prompt = ITEMS["cd-g4"]["prompt"]
    assert "Type two codes, the wound first, found with two searches" in prompt
    assert "as in 03_coding's Question 1" in prompt  # 03b: the question it points back to is 03's
    assert "\n1. the wound: the kind of wound the note names (here a bite;" in prompt and "\n2. how it happened, in plain words" in prompt
    assert "add the X" not in " ".join(_prose_before("cd-g4").split()) + prompt
    assert "W54.0XXA" in search("dog bite", 3)["code"].tolist()  # the plain-words search offers the complete code
    first = next(i for i in load_bank("03_coding")["items"] if i["id"] == "cd-g1")["prompt"]
    assert "the Index's word for the injury (the note gives it in parentheses) and the body part" in first
    assert "(laceration)" in first
    assert "Y92, Y93, Y99" in prompt and not any(bare(k) in bare(prompt) for k in key_codes()["cd-g4"])
    for query in ("bite forearm", "bitten forearm"):
        top = search(query, 5)
        assert top["code"].iloc[0] == "S51.85" and top["why"].iloc[0] == "Index: Bite > forearm, S51.85-", query
        assert "S51.851" in details("S51.85")["children"]
    assert search("laceration hand", 3)["why"].iloc[0].startswith("Index: Laceration > hand")
    assert {"W54.0", "W54.0XXA"} <= set(search("bitten by dog", 3)["code"])
    assert search("open wound right forearm", 2)["description"].iloc[0].startswith("Unspecified open wound")


# Round 7 (never programmed, round-6 log): a C2 practice check before the graded C2 tasks, Question 4's jargon glossed,
# guideline sections in source lines, a pre-indented placeholder in Exercise 1

def test_check_2_practises_the_look_up_the_x_and_the_7th_character_before_they_count(tmp_path):
    """cd-p15: the note's bracketed word, the part of the eye and the side find T15.02 first; it has no 6th character
    (X) and today's check while it heals takes D. It sits before Exercise 1 and Question 1, below an empty look-up."""
    import simple_icd_10_cm as cm

    from billcode.quiz.engine import Quiz

    item = ITEMS["cd-p15"]
    assert item["objective"] == "C2" and item["mode"] == "practice" and item["lookup"] and not item.get("stretch")
    assert item["key"] == "T15.02XD" and icd10cm_billable("T15.02XD")
    assert cm.get_children("T15.02") == ["T15.02XA", "T15.02XD", "T15.02XS"]  # nothing fills the 6th place: X
    assert "subsequent encounter" in cm.get_description("T15.02XD")
    assert "(foreign body)" in item["prompt"] and "left cornea" in item["prompt"]
    assert search("foreign body left cornea", 2)["code"].tolist() == ["T15.02", "T15.02XA"]  # D: open T15.02 for it
    assert not any(bare(item["key"]) in bare(h).replace(" ", "") for h in item["hints"])
    assert Quiz("03_coding", folder=tmp_path).answer("cd-p15", "t1502xd").startswith("correct")
    order = [i for i, c in enumerate(MASTER.cells) if re.search(r'quiz\.ask\("(cd-p15|cd-g1)"\)', c.source)]
    exercise = next(i for i, c in enumerate(MASTER.cells) if c.source.startswith("### Exercise 1"))
    assert order[0] < exercise < order[1]


def test_check_2_says_what_each_wrong_7th_character_or_missing_x_means(tmp_path):
    from billcode.quiz.engine import Quiz

    quiz = Quiz("03_coding", folder=tmp_path)
    for typed in ("T15.02XA", "T15.01XD", "T15.02D"):
        said = quiz.answer("cd-p15", typed)
        assert said.startswith("incorrect") and "Traceback" not in said, (typed, said)


def test_question_4s_words_and_the_credentials_are_said_in_plain_words_first():
    """Round 6: 'edit' and 'bundle' were defined only after Question 4 (or in the stretch); CCA, CPC, AHIMA and AAPC
    were never spelled out."""
    before = " ".join(_prose_before("cd-g5").split())
    assert "A payer's **edit**: an automatic rule that, of two codes billed together, pays one (the other is **bundled**" \
        in before
    assert "XE" not in before  # round 7: the precise 59s are the stretch's, not on the clock
    article = " ".join(_prose_before("cd-p1").split())
    assert "CCA (Certified Coding Associate, from AHIMA, the American Health Information Management Association)" in article
    assert "CPC (Certified Professional Coder, from AAPC)" in article
    credentials = load_table("credentials").set_index("credential")  # the course's sourced credentials table
    assert tuple(credentials.loc["CCA", ["full_name", "granted_by"]]) == ("Certified Coding Associate", "AHIMA")
    assert tuple(credentials.loc["CPC", ["full_name", "granted_by"]]) == ("Certified Professional Coder", "AAPC")


SOURCE_TAIL = re.compile(r"\(Source: ICD-10-CM Official Guidelines FY2026, sections? [^()]*\)")


def test_guideline_sections_sit_in_source_tails_not_in_the_running_prose():
    """Round 6: "I.B.1", "I.A.4-5", "I.C.19.a" and "I.C.4.a.2" in the running prose read like legal references. On the
    clock, each guideline section is named in a '(Source: ICD-10-CM Official Guidelines FY2026, section ...)' tail."""
    tails = 0
    for cell in _core_cells("03_coding") + _core_cells("03b_coding_rules"):
        if cell.cell_type != "markdown" or "question" in cell.metadata.get("billcode", {}):
            continue
        tails += len(SOURCE_TAIL.findall(cell.source))
        rest = SOURCE_TAIL.sub("", cell.source)
        assert not re.search(r"\bI\.[A-C]\.\d|Guidelines (section )?I", rest), rest[:120]
    assert tails >= 4


def test_exercise_1s_placeholder_is_pre_indented_and_its_comment_fits_the_cell():
    """Round 6: the stub said 'replace any ... in this cell' in a cell with no ...; the learner typed the line at the
    left margin (IndentationError). The released cell now has `padded = ...` with its 4 spaces, and says so."""
    scaffold = ENTRIES["with_seventh"]["scaffold"]
    assert "\n    padded = ...\n    # YOUR CODE HERE" in scaffold  # one place to write (round 7: two comments confused)
    student = nbformat.read(ROOT / "course" / "03_coding.ipynb", 4)
    cell = next(c for c in student.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "with_seventh_answer")
    assert cell.source == scaffold and "bare.ljust" not in cell.source


def test_check_2_practises_the_first_visit_twist_before_graded_question_1():
    """Round 7: every reviewer re-read Question 1's 'New patient at this clinic'; the twist is now practised first,
    with feedback, in Check 2 (a first visit to this clinic, care while healing: still D)."""
    check = ITEMS["cd-p15"]
    assert check["prompt"].count("First visit to this eye clinic") == 1 and check["key"] == "T15.02XD"
    assert "A first visit to this clinic does not make it A" in check["feedback"]["correct"]
    assert check["mode"] == "practice" and ITEMS["cd-g1"]["mode"] == "graded"
    assert "here a bite" in ITEMS["cd-g4"]["prompt"] and "leave them out" in ITEMS["cd-g4"]["prompt"]


def test_03b_reminds_what_it_uses_from_03_without_teaching_it_again():
    """The split (issue 20): 03b relies on 03's look-up and 7th character; a short reminder before Get ready says so,
    and the look-up is loaded by 03b's own setup cell."""
    from billcode.instructor.author.estimate import count_words

    heads = [c.source.splitlines()[0] for c in RULES.cells if c.cell_type == "markdown" and c.source.startswith("## ")]
    assert heads[:6] == ["## What you'll learn", "## What you'll need", "## How the questions work",
                         "## What you need from 03_coding", "## Get ready",
                         "## Outpatient rules: more than one code, in order"]
    reminder = next(c.source for c in RULES.cells if c.source.startswith("## What you need from 03_coding"))
    assert "look-up" in reminder and "7th character" in reminder and count_words(reminder) < 60
    assert "after **03_coding**, which comes first" in next(c.source for c in RULES.cells
                                                          if c.source.startswith("## What you'll need"))


# 03b through nbgrader (issue 20's split): its graded items are questions only, so the faked answers are a forged
# answers file and code that, while the notebook is graded, rewrites the answers file, reads the key file or patches
# the check. The score comes from what was handed in, in the grader's process.

HOSTILE_03B = '''
import json, pathlib
import billcode.quiz.engine as _engine
_engine.Quiz.check_saved = lambda self, item_id: print("2 of 2 points: correct")  # a forged check
for _path in ("{keys}", "../keys/03b_coding_rules.py", "../../keys/03b_coding_rules.py"):
    try:
        print("KEY FILE READ:", pathlib.Path(_path).read_text()[:40])
    except OSError:
        pass
_file = pathlib.Path("03b_coding_rules_answers.json")
_data = json.loads(_file.read_text()) if _file.exists() else {{"bank": "03b_coding_rules", "graded": {{}}}}
_data["graded"] = {{"cd-g4": {{"answer": ["S51.851A", "W54.0XXA"]}}, "cd-g5": {{"answer": "b"}}}}
_data["score"] = 3
_file.write_text(json.dumps(_data))
'''


@pytest.mark.slow
def test_03b_through_nbgrader_scores_only_what_was_handed_in(tmp_path):
    from billcode.instructor.author.release import nbgrader
    from billcode.instructor.grade.autograde import main as autograde_main
    from billcode.instructor.keys import key_answers
    from billcode.quiz.answers import save_graded
    from nbgrader_helpers import cell_by_id, copy_course_root, gradebook_scores

    name = "03b_coding_rules"
    root = copy_course_root(tmp_path)
    nbgrader(root, "generate_assignment", name)
    keys = key_answers(name, AUTOGRADER)
    assert keys == {"cd-g4": ["S51.851A", "W54.0XXA"], "cd-g5": "b"}
    wrong = {"cd-g4": ["W54.0XXA", "S51.852A"], "cd-g5": "a"}
    # A wrong answer that claims its points and a right one, and the right answer not in an answer's place
    forged = {"cd-g4": {"answer": wrong["cd-g4"], "points": 2, "score": 2, "correct": True}, "cd-g5": ["b"]}

    def submit(student, answers, hostile=False, raw=None):
        nb = nbformat.read(root / "release" / name / f"{name}.ipynb", 4)
        if hostile:  # the stretch exercise's cell is the one a learner may write in
            cell = cell_by_id(nb, "em_level_answer")
            cell.source = HOSTILE_03B.format(keys=root / "keys" / f"{name}.py") + "\n" + cell.source
        folder = root / "submitted" / student / name
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{name}.ipynb")
        (folder / "timestamp.txt").write_text("2026-12-02 12:00:00.000000 UTC")
        for item_id, value in answers.items():
            save_graded(folder / f"{name}_answers.json", name, item_id, value)
        if raw is not None:
            (folder / f"{name}_answers.json").write_text(json.dumps(raw))

    submit("alice", keys)
    submit("bob", {})
    submit("mallory", wrong, hostile=True)  # wrong answers handed in; the right ones written while graded
    submit("trent", {}, raw={"bank": name, "graded": forged, "score": 3})
    submit("sybil", {}, hostile=True)  # nothing handed in
    status = autograde_main(["--root", str(root)])
    assert status == 0
    full = {"test_cd_g4": 2.0, "test_cd_g5": 1.0}
    assert gradebook_scores(root, name, "alice", full) == full
    for student in ("bob", "mallory", "trent", "sybil"):
        assert gradebook_scores(root, name, student, full) == dict.fromkeys(full, 0.0), student
    for student in ("mallory", "sybil"):  # the key file was out of reach while the notebook ran
        graded_nb = nbformat.read(root / "autograded" / student / name / f"{name}.ipynb", 4)
        shown = json.dumps([c.get("outputs", []) for c in graded_nb.cells])
        assert "KEY FILE READ" not in shown, (student, root)
