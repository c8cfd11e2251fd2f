"""The note type and the notes: one note per question and language.

The note type's shape (field names, template names) is frozen: Anki refuses to update notes
whose note type changed shape, so ``tests/test_decks.py`` pins it together with a hash of the
templates and CSS. Field HTML comes from :mod:`generator.markup` (sanitised with nh3), the
same path the site uses; the back mirrors the site's order.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

import genanki

from .. import diagrams, markup
from ..model import Bank, Question

HERE = Path(__file__).parent
# Frozen for release 1.0 (tests/test_decks.py pins it): Anki refuses updates to notes whose
# note type changed shape, so the fields hold what later features need too. Practice: the
# prompt of a story question (empty for recall cards); Terms: the glossary entries a question
# uses; Reviewed: when its facts were checked; Link: its page on the site.
FIELDS: tuple[str, ...] = ("Id", "Question", "Category", "Difficulty", "Intent", "ShortAnswer",
                           "KeyPoints", "Practice", "Answer", "FollowUps", "Table", "Diagram",
                           "Terms", "Sources", "Reviewed", "Link")
TEMPLATE_NAME = "Recall"
# The note types' own modification time. Anki replaces an imported note type's templates and
# CSS only when this is newer than its copy: bump it (to the current Unix time) whenever a
# template, card.css or a label they use changes (the frozen test says so).
NOTETYPE_MODIFIED = 1796083200
_LABEL = re.compile(r"\[\[([a-z0-9_]+)\]\]")  # [[key]] in a template: a label from ui.yaml


@lru_cache(maxsize=16)
def _read(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


def _labelled(template: str, bank: Bank, lang: str) -> str:
    return _LABEL.sub(lambda m: escape(bank.t(m.group(1), lang)), template)


class NoteType(genanki.Model):
    """A genanki model whose ``mod`` is :data:`NOTETYPE_MODIFIED`, not the package time, so
    a content release does not push the (unchanged) templates over a learner's own edits."""

    def to_json(self, timestamp: float, deck_id: int) -> dict[str, Any]:
        data = super().to_json(timestamp, deck_id)
        data["mod"] = NOTETYPE_MODIFIED
        return data


def note_type(model_id: int, name: str, bank: Bank, lang: str,
              fields: tuple[str, ...] = FIELDS,
              templates: tuple[tuple[str, str, str], ...] = (
                  (TEMPLATE_NAME, "front.html", "back.html"),)) -> NoteType:
    """A note type of one language: fixed fields, templates with labels from ui.yaml.

    Anki sorts the browser by the second field: the question, or a glossary note's term."""
    return NoteType(
        model_id, name,
        fields=[{"name": f} for f in fields],
        templates=[{"name": tname, "qfmt": _labelled(_read(front), bank, lang).strip(),
                    "afmt": _labelled(_read(back), bank, lang).strip()}
                   for tname, front, back in templates],
        css=_read("card.css"),
        sort_field_index=1,
    )


class TimedNote(genanki.Note):
    """A note whose ``mod`` is the time its content last changed (from the lock).

    Anki updates an existing note only when the incoming ``mod`` is newer. genanki stamps
    every note with the package time instead: ``Note.write_to_db`` writes ``int(timestamp)``
    as the note's (and its cards') ``mod``. Handing it our own time there is the one place
    to change that without copying genanki's SQL.
    """

    def __init__(self, *, modified: int, **kwargs: Any):
        super().__init__(**kwargs)
        self.modified = modified

    def write_to_db(self, cursor: Any, timestamp: float, deck_id: int, id_gen: Any) -> None:
        super().write_to_db(cursor, self.modified, deck_id, id_gen)


@dataclass(frozen=True)
class Rendered:
    """The field values of one note and the media files they reference."""

    fields: list[str]
    media: dict[str, bytes]


def media_name(data: bytes, suffix: str = ".svg") -> str:
    """Flat, content-hashed media name: a changed diagram never clashes with an old one."""
    return f"mlk-{hashlib.sha256(data).hexdigest()[:12]}{suffix}"


def _figure(q: Question, lang: str, alt: str, media: dict[str, bytes]) -> str:
    """The narrow layout (legible at 360 px, rule MLK223) in both palettes: the card shows
    the one that matches night mode and fits it to the width; a tap shows it full size."""
    assert q.diagram is not None
    imgs = []
    for variant in ("light", "dark"):
        svg = diagrams.for_medium(q.diagram, lang, "card", variant)
        name = media_name(svg.encode())
        media[name] = svg.encode()
        imgs.append(f'<img class="mlk-{variant}" src="{name}" width="{round(svg.width)}" '
                    f'height="{round(svg.height)}" alt="{escape(alt)}">')
    return f'<figure class="mlk-diagram">{"".join(imgs)}</figure>'


def render(q: Question, bank: Bank, lang: str, page_url: str = "",
           terms: list[tuple[str, str]] | None = None) -> Rendered:
    """Every field of ``q`` in ``lang`` as sanitised HTML, in :data:`FIELDS` order.

    ``page_url`` (the question's page on the site) leads the sources, for reading on;
    ``terms`` are (term, definition HTML) pairs of the glossary entries it uses."""
    x = q.text[lang]
    t = {key: value[lang] for key, value in bank.ui.items()}
    media: dict[str, bytes] = {}
    cat = next(c for c in bank.categories if c.id == q.category)
    points = "".join(f"<li>{markup.inline_html(p)}</li>" for p in x.key_points)
    follow = "".join(f"<li><b>{markup.inline_html(f.question)}</b><br>"
                     f"{markup.inline_html(f.answer)}</li>" for f in x.follow_ups)
    table = ""
    if q.table:
        header, rows = q.table.cells(lang)
        table = markup.table_html(q.table.caption[lang], header, rows)
    figure = markup.sanitise(_figure(q, lang, q.diagram.alt[lang], media)) if q.diagram else ""
    links = ([(t["site_name"], page_url)] if page_url else []) + \
        [(s.title, s.url) for s in q.sources]
    sources = "".join(f"<li>{markup.link(title, url)}</li>" for title, url in links)
    glossary = "".join(f"<dt>{escape(term)}</dt><dd>{definition}</dd>"
                       for term, definition in terms or [])
    level = q.difficulty
    values = {
        "Id": escape(q.id),
        "Question": markup.inline_html(x.question),
        "Category": escape(cat.title[lang]),
        # Dots at a glance; the level's name for a tap (title) and for screen readers.
        "Difficulty": (f'<span title="{escape(t[f"difficulty_{level}"])}" aria-label="'
                       f'{escape(t["difficulty"])}: {escape(t[f"difficulty_{level}"])}">'
                       f"{'●' * level}{'○' * (3 - level)}</span>"),
        "Intent": markup.inline_html(x.intent),
        "ShortAnswer": markup.inline_html(x.short_answer),
        "KeyPoints": f'<ul class="mlk-points">{points}</ul>',
        "Practice": escape(t["practice_prompt"]) if q.practice else "",
        "Answer": markup.label_code(markup.to_html(x.answer), t["show_code"]),
        "FollowUps": f'<ul class="mlk-follow-ups">{follow}</ul>' if follow else "",
        "Table": table,
        "Diagram": figure,
        "Terms": markup.sanitise(f'<dl class="mlk-terms">{glossary}</dl>') if glossary else "",
        "Sources": f'<ul class="mlk-sources">{sources}</ul>' if sources else "",
        "Reviewed": escape(f"{t['reviewed']} {q.reviewed_label(t['months'])}")
        if q.reviewed else "",
        "Link": escape(page_url),
    }
    return Rendered([values[f].strip() for f in FIELDS], media)


def tags(q: Question, lang: str) -> list[str]:
    """Hierarchical tags, under the deck's language so the German and English decks never
    share a tag in one collection (ids, never spaces)."""
    root = f"mlops-kit::{lang}"
    return ([f"{root}::topic::{t}" for t in q.tags]
            + [f"{root}::category::{q.category}", f"{root}::difficulty::{q.difficulty}"]
            + ([f"{root}::practice"] if q.practice else []))
