"""No question is answered by the text right above it: a key's text, or a long run of its words, is not in the prose.

A graded item is checked against every prose cell before it in its notebook; a practice check against the prose of
its own section (since the last `##` heading), where the lesson it practises is meant to be. Question cells
themselves (their prompts and options) are left out: their options are there by design.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from billcode.instructor.keys import QuizKey, load_graded
from billcode.quiz.bank import load_bank
from billcode.quiz.params import choose_params
from nbgrader_helpers import AUTOGRADER, MASTERS

RUN = 6  # this many words of a key in a row, in the prose above, give it away
ASK = re.compile(r"""quiz\.ask\(\s*["']([\w-]+)["']""")


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def key_texts(item: dict, key: object) -> list[str]:
    """The texts a learner would copy to answer: the keyed options, the keyed right-hand choices, a code or number."""
    if item["type"] in ("single", "multiple"):
        keyed = key if isinstance(key, list) else [key]
        return [o["text"] for o in item["options"] if o["id"] in keyed]
    if item["type"] == "matching":
        right = {c["id"]: c["text"] for c in item["right"]}
        return [f"{left['text']} {right[key[left['id']]]}" for left in item["left"] if left["id"] in key]
    if item["type"] == "code":
        return [str(key)]
    if item["type"] == "numeric" and (abs(float(key)) >= 1000 or float(key) != int(float(key))):
        return [f"{float(key):,.2f}".rstrip("0").rstrip(".")]
    return []


def given_away(key_text: str, prose: list[str], item_type: str) -> str | None:
    """The run of the key found in the prose, or None."""
    joined = " " + " ".join(prose) + " "
    if item_type == "code":
        bare = key_text.replace(".", "").lower()
        return key_text if bare in {w.replace(".", "") for w in re.findall(r"[a-z0-9.]+", joined)} else None
    if item_type == "numeric":
        return key_text if re.search(rf"(?<![\d.,]){re.escape(key_text)}(?![\d]|\.\d)", " ".join(prose)) else None
    tokens = words(key_text)
    size = min(RUN, len(tokens))
    if size < 3:
        return None
    for start in range(len(tokens) - size + 1):
        run = " ".join(tokens[start:start + size])
        if f" {run} " in joined:
            return run
    return None


def _cases():
    for master in MASTERS:
        nb = nbformat.read(master, as_version=4)
        bank = load_bank(master.stem)
        items = {i["id"]: i for i in bank["items"]}
        graded = {c.item: c.key for c in load_graded(AUTOGRADER, master.stem, choose_params(bank, None)).values()
                  if isinstance(c, QuizKey)}
        before: list[str] = []
        section: list[str] = []
        for cell in nb.cells:
            if cell.cell_type == "markdown" and "question" not in cell.metadata.get("billcode", {}) \
                    and not cell.metadata.get("nbgrader", {}).get("solution"):
                if re.match(r"^##\s", cell.source):
                    section = []
                before.append(" ".join(words(cell.source)))
                section.append(" ".join(words(cell.source)))
            for item_id in ASK.findall(cell.source) if cell.cell_type == "code" else []:
                item = items[item_id]
                key = graded.get(item_id) if item["mode"] == "graded" else item.get("key")
                if key is not None:
                    yield master.stem, item, key, list(before if item["mode"] == "graded" else section)


CASES = list(_cases())


@pytest.mark.parametrize("stem, item, key, prose", CASES, ids=[f"{c[0]}-{c[1]['id']}" for c in CASES])
def test_the_text_above_does_not_give_the_answer_away(stem, item, key, prose):
    for text in key_texts(item, key):
        found = given_away(text, prose, item["type"])
        assert found is None, (f"{stem} {item['id']}: the prose above it already says {found!r} (from the key "
                               f"{text!r}); ask the learner to apply it instead")


def test_the_rule_catches_a_copied_key_and_lets_a_paraphrase_pass():
    prose = [" ".join(words("Billers work on the money: they send claims, post payments and follow up on denials."))]
    assert given_away("They send claims, post payments and follow up on denials", prose, "single")
    assert given_away("Billers get the practice paid", prose, "single") is None
    assert given_away("T15.01XA", ["foreign body t15 01xa in the cornea"], "code") is None  # split by the dot
    assert given_away("T15.01XA", [" ".join(re.findall(r"[a-z0-9.]+", "code it as t15.01xa"))], "code")
    assert given_away("42.1", ["the rate is 42.1 percent"], "numeric") and not given_away("42.1", ["142.15"], "numeric")
