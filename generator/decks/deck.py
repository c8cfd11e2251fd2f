"""One published deck assembled from the bank: a parent deck, a sub-deck per category.

Identity and time come from the lock, never from the build: the note GUID is the lock's
(``genanki.guid_for(namespace, id, lang)``), each note's ``mod`` is the time its content last
changed in that language, and the package time is the newest of those.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING

import genanki

from .. import markup
from ..model import Bank
from . import note
from .config import DeckConfig

if TYPE_CHECKING:
    from ..build import Context


@dataclass
class Assembled:
    """Everything a package needs: decks (parent first), media and the package time."""

    decks: list[genanki.Deck]
    media: dict[str, bytes] = field(default_factory=dict)
    timestamp: int = 0
    notes: int = 0


def subdeck_id(deck_id: int, category: str) -> int:
    """A stable 31-bit id per sub-deck. Anki matches decks by name; a stable id keeps the
    package itself reproducible."""
    digest = hashlib.sha256(f"{deck_id}::{category}".encode()).digest()
    return (1 << 30) | (int.from_bytes(digest[:4], "big") & ((1 << 30) - 1))


def description(bank: Bank, lang: str, url: str, timestamp: int) -> str:
    """The parent deck's text: what the kit is, its licence, where it lives, and the date of
    its newest note (not the whole bank's: an English edit leaves the German deck's bytes)."""
    revision = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).date()
    home = bank.pages.get("home")
    intro = f"<p>{escape(home.text[lang].description)}</p>" if home else ""
    return markup.sanitise(
        f"{intro}<p>{escape(bank.t('license', lang))}<br>"
        f'<a href="{escape(url)}">{escape(url)}</a><br>'
        f"{escape(bank.t('revision', lang))}: {revision.isoformat()}</p>")


def assemble(bank: Bank, cfg: DeckConfig, ctx: Context) -> Assembled:
    """Build the genanki decks of ``cfg``: notes with lock GUIDs and lock times."""
    lang = cfg.language
    model = note.note_type(cfg.model_id, cfg.name, bank, lang)
    parent = genanki.Deck(cfg.deck_id, cfg.name)
    out = Assembled([parent])
    cats = {c.id: c for c in bank.categories}
    site = ctx.site_root(lang)
    position = 0
    for cat_id in cfg.categories:
        cat = cats[cat_id]
        sub = genanki.Deck(subdeck_id(cfg.deck_id, cat_id), f"{cfg.name}::{cat.title[lang]}",
                           markup.sanitise(f"<p>{escape(cat.description[lang])}</p>"))
        for q in bank.in_category(cat_id):
            rendered = note.render(q, bank, lang, f"{site}questions/{q.id}/")
            modified = ctx.lock.modified(q.id, lang)
            sub.add_note(note.TimedNote(
                model=model, fields=rendered.fields, tags=note.tags(q),
                guid=ctx.lock.questions[q.id].guid[lang], modified=modified,
                due=position))  # new cards come in bank order: category, difficulty, id
            position += 1
            out.media.update(rendered.media)
            out.timestamp = max(out.timestamp, modified)
        sub.add_model(model)
        out.decks.append(sub)
    parent.add_model(model)
    out.notes = position
    out.timestamp = out.timestamp or note.NOTETYPE_MODIFIED  # an empty deck: still fixed
    parent.description = description(bank, lang, site, out.timestamp)
    return out
