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
FIELDS: tuple[str, ...] = ("Id", "Question", "Category", "Difficulty", "Intent", "KeyPoints",
                           "Answer", "Table", "Diagram", "Sources")
TEMPLATE_NAME = "Recall"
SORT_FIELD = FIELDS.index("Question")
# The note type's own modification time. Anki replaces an imported note type's templates and
# CSS only when this is newer than its copy: bump it (to the current Unix time) whenever
# front.html, back.html, card.css or a label they use changes (the frozen test says so).
NOTETYPE_MODIFIED = 1795508886
_LABEL = re.compile(r"\[\[([a-z0-9_]+)\]\]")  # [[key]] in a template: a label from ui.yaml


@lru_cache(maxsize=8)
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


def note_type(model_id: int, name: str, bank: Bank, lang: str) -> NoteType:
    """The note type of one language: fixed fields, one template, labels from ui.yaml."""
    return NoteType(
        model_id, name,
        fields=[{"name": f} for f in FIELDS],
        templates=[{"name": TEMPLATE_NAME,
                    "qfmt": _labelled(_read("front.html"), bank, lang).strip(),
                    "afmt": _labelled(_read("back.html"), bank, lang).strip()}],
        css=_read("card.css"),
        sort_field_index=SORT_FIELD,
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


_TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)


def _scrolling(html: str) -> str:
    """Wrap each table so it scrolls sideways on a phone instead of widening the card."""
    return _TABLE.sub(r'<div class="mlk-scroll"><table>\1</table></div>', html)


_VIEWBOX = re.compile(rb'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"')
# D2 draws labels at 16 px and most diagrams are 1000-2200 px wide: shrunk to a 360 px phone
# they are unreadable. At this scale labels stay about 11 px and the figure scrolls sideways.
DIAGRAM_SCALE = 0.7


def _size(svg: bytes) -> str:
    """``width``/``height`` attributes showing the diagram at :data:`DIAGRAM_SCALE`."""
    m = _VIEWBOX.search(svg)
    if not m:
        return ""
    w, h = (round(float(v) * DIAGRAM_SCALE) for v in m.groups())
    return f' width="{w}" height="{h}"'


def render(q: Question, bank: Bank, lang: str, page_url: str = "") -> Rendered:
    """Every field of ``q`` in ``lang`` as sanitised HTML, in :data:`FIELDS` order.

    ``page_url`` (the question's page on the site) leads the sources, for reading on."""
    x = q.text[lang]
    media: dict[str, bytes] = {}
    cat = next(c for c in bank.categories if c.id == q.category)
    points = "".join(f"<li>{markup.inline_html(p)}</li>" for p in x.key_points)
    table = ""
    if q.table:
        header, rows = q.table.cells(lang)
        head = "".join(f'<th scope="col">{markup.inline_html(h)}</th>' for h in header)
        body = "".join(
            "<tr>" + "".join((f'<th scope="row">{markup.inline_html(c)}</th>' if i == 0
                              else f"<td>{markup.inline_html(c)}</td>") for i, c in enumerate(row))
            + "</tr>" for row in rows)
        table = (f"<table><caption>{markup.inline_html(q.table.caption[lang])}</caption>"
                 f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    figure = ""
    if q.diagram:
        svg = diagrams.render(q.diagram.source(lang), "light").encode()
        name = media_name(svg)
        media[name] = svg
        figure = (f'<figure class="mlk-diagram mlk-scroll"><img src="{name}"{_size(svg)} '
                  f'alt="{escape(q.diagram.alt[lang])}"></figure>')
    links = ([(bank.t("site_name", lang), page_url)] if page_url else []) + \
        [(s.title, s.url) for s in q.sources]
    sources = "".join(f"<li>{markup.link(title, url)}</li>" for title, url in links)
    level = q.difficulty
    values = {
        "Id": escape(q.id),
        "Question": markup.inline_html(x.question),
        "Category": escape(cat.title[lang]),
        "Difficulty": escape(f"{'●' * level}{'○' * (3 - level)} "
                             f"{bank.t(f'difficulty_{level}', lang)}"),
        "Intent": markup.inline_html(x.intent),
        "KeyPoints": f'<ul class="mlk-points">{points}</ul>',
        "Answer": _scrolling(markup.to_html(x.answer)),
        "Table": _scrolling(markup.sanitise(table)) if table else "",
        "Diagram": markup.sanitise(figure) if figure else "",
        "Sources": f'<ul class="mlk-sources">{sources}</ul>' if sources else "",
    }
    return Rendered([values[f].strip() for f in FIELDS], media)


def tags(q: Question) -> list[str]:
    """Hierarchical tags (ids, so the same in both languages; never spaces)."""
    return ([f"mlops-kit::topic::{t}" for t in q.tags]
            + [f"mlops-kit::category::{q.category}", f"mlops-kit::difficulty::{q.difficulty}"])
