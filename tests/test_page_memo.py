"""`serve` reuses a question's generated files while what its page shows is unchanged
(:func:`generator.site.pages.question_key`): reused files must equal freshly made ones,
and every input a page shows must change its key."""

from __future__ import annotations

import dataclasses

import pytest

from generator.bank import load_bank
from generator.model import Bank
from generator.site import pages
from tests.conftest import CONTENT


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(CONTENT, check_lock=False)


def retitled(bank: Bank, qid: str, title: str) -> Bank:
    """The bank with one question's English title changed."""
    def change(q):
        if q.id != qid:
            return q
        text = {**q.text, "en": dataclasses.replace(q.text["en"], question=title)}
        return dataclasses.replace(q, text=text)

    return dataclasses.replace(bank, questions=[change(q) for q in bank.questions])


def keys(bank: Bank, lang: str = "en") -> dict[str, str]:
    by_id = bank.by_id()
    around = pages._surroundings(bank, lang)
    neighbours = pages.around_in_category(bank)
    return {q.id: pages.question_key(around, q, lang, *neighbours[q.id], by_id)
            for q in bank.questions}


def test_reused_pages_equal_fresh_ones_after_an_edit(bank: Bank) -> None:
    memo: dict = {}
    assert pages.generate(bank, "en", [], None, memo) == pages.generate(bank, "en", [])
    assert len(memo) == len(bank.questions)
    edited = retitled(bank, "mlops-vs-devops", "How do MLOps and DevOps differ (edited)?")
    reused = pages.generate(edited, "en", [], None, memo)
    assert reused == pages.generate(edited, "en", [])
    assert "edited" in str(reused["questions/what-is-mlops.md"])  # it links there


def test_a_title_changes_the_keys_of_the_pages_showing_it_only(bank: Bank) -> None:
    before = keys(bank)
    after = keys(retitled(bank, "mlops-vs-devops", "Edited?"))
    changed = {qid for qid in before if before[qid] != after[qid]}
    by_id = bank.by_id()
    showing = {q.id for q in bank.questions if "mlops-vs-devops" in q.related}
    members = [q.id for q in bank.in_category(by_id["mlops-vs-devops"].category)]
    i = members.index("mlops-vs-devops")
    showing |= {"mlops-vs-devops", *members[max(0, i - 1):i + 2]}
    assert changed == showing


def test_labels_and_the_glossary_change_every_key(bank: Bank) -> None:
    before = keys(bank)
    ui = {**bank.ui, "sources": {**bank.ui["sources"], "en": "References"}}
    assert all(before[q] != k for q, k in keys(dataclasses.replace(bank, ui=ui)).items())
    fewer = dataclasses.replace(bank, glossary=bank.glossary[1:])
    assert all(before[q] != k for q, k in keys(fewer).items())
