"""Glossary notes: one note per term and language, two cards (term -> definition and back).

Like question notes, a glossary note keeps its GUID from the lock and carries the time its
content last changed, so re-imports update it in place. Its note type is frozen together
with the question note type (tests/test_decks.py).
"""

from __future__ import annotations

from html import escape

from .. import markup
from ..model import LANGS, Bank, Term

FIELDS: tuple[str, ...] = ("Id", "Term", "Synonyms", "Definition", "OtherTerm", "Questions",
                           "Link")
TEMPLATES: tuple[tuple[str, str, str], ...] = (
    ("Term", "glossary_front.html", "glossary_back.html"),
    ("Definition", "glossary_reverse_front.html", "glossary_reverse_back.html"),
)


def render(term: Term, bank: Bank, lang: str, site: str) -> list[str]:
    """The fields of ``term`` in ``lang``; the back names the other language's term."""
    x = term.text[lang]
    other = next(term.text[code].term for code in LANGS if code != lang)
    by_id = bank.by_id()
    questions = "".join(
        f"<li>{markup.link(by_id[qid].text[lang].question, f'{site}questions/{qid}/')}</li>"
        for qid in term.questions if qid in by_id)
    values = {
        "Id": escape(term.id),
        "Term": escape(x.term),
        "Synonyms": escape(", ".join(x.synonyms)),
        "Definition": markup.inline_html(x.definition),
        "OtherTerm": escape(other),
        "Questions": markup.sanitise(f"<ul>{questions}</ul>") if questions else "",
        "Link": escape(f"{site}glossary/#{term.id}"),
    }
    return [values[f] for f in FIELDS]


def terms_of(bank: Bank, lang: str) -> dict[str, list[tuple[str, str]]]:
    """Question id -> (term, definition HTML) of each glossary entry that names it."""
    out: dict[str, list[tuple[str, str]]] = {}
    for term in sorted(bank.glossary, key=lambda t: t.text[lang].term.casefold()):
        for qid in term.questions:
            out.setdefault(qid, []).append(
                (term.text[lang].term, markup.inline_html(term.text[lang].definition)))
    return out
