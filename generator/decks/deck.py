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
from ..deck_config import DeckConfig
from ..model import Bank
from . import glossary, note

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


NEW_PER_DAY = 20  # the pace the deck description suggests


def description(bank: Bank, lang: str, url: str, timestamp: int) -> str:
    """The parent deck's text: what the kit is, how to import it on each client, a pace,
    its licence, where it lives, and the date of its newest note (not the whole bank's: an
    English edit leaves the German deck's bytes)."""
    revision = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).date()
    home = bank.pages.get("home")
    intro = f"<p>{escape(home.text[lang].description)}</p>" if home else ""
    howto = "".join(f"<li>{markup.inline_html(bank.t(key, lang))}</li>"
                    for key in ("import_ankidroid", "import_ankimobile", "import_desktop"))
    cards = len(bank.questions) + 2 * len(bank.glossary)
    pace = bank.t("deck_pace", lang).format(cards=cards, per_day=NEW_PER_DAY,
                                            days=-(-cards // NEW_PER_DAY))
    return markup.sanitise(
        f"{intro}<ul>{howto}</ul><p>{markup.inline_html(pace)}</p>"
        f"<p>{escape(bank.t('license', lang))}<br>"
        f'<a href="{escape(url)}">{escape(url)}</a><br>'
        f"{escape(bank.t('revision', lang))}: {revision.isoformat()}</p>")


def assemble(bank: Bank, cfg: DeckConfig, ctx: Context) -> Assembled:
    """Build the genanki decks of ``cfg``: notes with lock GUIDs and lock times.

    Sub-decks are numbered in the order of ``content/categories.yaml`` (Anki sorts them by
    name), the glossary last."""
    lang = cfg.language
    t = {key: value[lang] for key, value in bank.ui.items()}
    model = note.note_type(cfg.model_id, cfg.name, bank, lang)
    terms_model = note.note_type(cfg.glossary_model_id, f"{cfg.name} – {t['glossary']}", bank,
                                 lang, glossary.FIELDS, glossary.TEMPLATES)
    parent = genanki.Deck(cfg.deck_id, cfg.name)
    out = Assembled([parent])
    cats = {c.id: c for c in bank.categories}
    site = ctx.site_root(lang)
    terms = glossary.terms_of(bank, lang)
    position = 0
    for number, cat_id in enumerate(cfg.categories, start=1):
        cat = cats[cat_id]
        sub = genanki.Deck(subdeck_id(cfg.deck_id, cat_id),
                           f"{cfg.name}::{number:02d} {cat.title[lang]}",
                           markup.sanitise(f"<p>{escape(cat.description[lang])}</p>"))
        for q in bank.in_category(cat_id):
            rendered = note.render(q, bank, lang, f"{site}questions/{q.id}/", terms.get(q.id))
            modified = ctx.lock.modified(q.id, lang)
            sub.add_note(note.TimedNote(
                model=model, fields=rendered.fields, tags=note.tags(q, lang),
                guid=ctx.lock.questions[q.id].guid[lang], modified=modified,
                due=position))  # new cards come in bank order: category, difficulty, id
            position += 1
            out.media.update(rendered.media)
            out.timestamp = max(out.timestamp, modified)
        sub.add_model(model)
        out.decks.append(sub)
    if bank.glossary:
        sub = genanki.Deck(subdeck_id(cfg.deck_id, "glossary"),
                           f"{cfg.name}::{len(cfg.categories) + 1:02d} {t['glossary']}",
                           markup.sanitise(f"<p>{escape(t['glossary_intro'])}</p>"))
        for term in sorted(bank.glossary, key=lambda x: x.text[lang].term.casefold()):
            modified = ctx.lock.modified(term.id, lang, "glossary")
            sub.add_note(note.TimedNote(
                model=terms_model, fields=glossary.render(term, bank, lang, site),
                tags=[f"mlops-kit::{lang}::glossary"],
                guid=ctx.lock.glossary[term.id].guid[lang], modified=modified, due=position))
            position += 1
            out.timestamp = max(out.timestamp, modified)
        sub.add_model(terms_model)
        out.decks.append(sub)
    parent.add_model(model)
    out.notes = position
    out.timestamp = out.timestamp or note.NOTETYPE_MODIFIED  # an empty deck: still fixed
    parent.description = description(bank, lang, site, out.timestamp)
    return out
