"""Anki decks, checked with the real Anki library: what a learner's collection sees after an
import, after a re-import, and after we publish an edited question."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import build as buildmod
from generator import cli
from generator import deck_config as config
from generator import lock as lockfile
from generator.bank import check, load_bank
from generator.decks import note
from tests.sample import line_of, make

anki_collection = pytest.importorskip("anki.collection")
from anki import import_export_pb2 as ie  # noqa: E402 - after the importorskip above
from anki.scheduler_pb2 import CardAnswer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
LANGS = ("de", "en")


# --- helpers ----------------------------------------------------------------------------


@pytest.fixture
def col(tmp_path: Path) -> Iterator[anki_collection.Collection]:
    """A fresh, empty Anki collection."""
    c = anki_collection.Collection(str(tmp_path / "c.anki2"))
    yield c
    c.close()


def import_apkg(col: anki_collection.Collection, path: Path):
    """Import as a learner would (update notes and note types if newer); returns the log."""
    options = anki_collection.ImportAnkiPackageOptions(
        merge_notetypes=False,
        update_notes=ie.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        update_notetypes=ie.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        with_scheduling=False, with_deck_configs=False)
    request = anki_collection.ImportAnkiPackageRequest(package_path=str(path.resolve()),
                                                       options=options)
    return col.import_anki_package(request).log


def build_decks(content: Path, out: Path) -> Path:
    """A decks-only build through the real build orchestration."""
    buildmod.build(content, out, buildmod.Progress(quiet=True), only=("decks",))
    return out / "decks"


def deck_configs(content: Path = CONTENT) -> dict[str, config.DeckConfig]:
    bank = load_bank(content)
    return {c.language: c for c in config.load_decks(content, [x.id for x in bank.categories])}


def package_decks(path: Path) -> dict[str, dict]:
    """The decks table inside an .apkg (its SQLite collection), by deck id."""
    with zipfile.ZipFile(path) as zf, tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "collection.anki2"
        db.write_bytes(zf.read("collection.anki2"))
        conn = sqlite3.connect(db)
        try:
            return json.loads(conn.execute("SELECT decks FROM col").fetchone()[0])
        finally:
            conn.close()


def review_first_card(col: anki_collection.Collection, deck: str) -> int:
    """Answer the first due card of a deck with Easy, as the reviewer does; its card id."""
    col.decks.select(col.decks.id_for_name(deck))
    queued = col.sched.get_queued_cards().cards[0]
    card = col.get_card(queued.card.id)
    card.start_timer()
    col.sched.answer_card(col.sched.build_answer(card=card, states=queued.states,
                                                 rating=CardAnswer.EASY))
    return card.id


@pytest.fixture(scope="module")
def bank():
    return load_bank(CONTENT)


@pytest.fixture(scope="module")
def lock():
    return lockfile.read(lockfile.lock_path(CONTENT))[0]


# --- the published decks ------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_import_gives_one_note_per_question(built: Path, bank, lock, col, lang: str) -> None:
    cfg = deck_configs()[lang]
    log = import_apkg(col, built / "decks" / cfg.file)
    notes = len(bank.questions) + len(bank.glossary)
    assert len(log.new) == notes == col.note_count()
    assert col.card_count() == len(bank.questions) + 2 * len(bank.glossary)
    assert not log.updated and not log.conflicting

    # Sub-decks sort in the order of categories.yaml (Anki sorts by name), glossary last.
    cats = {c.id: f"{i:02d} {c.title[lang]}" for i, c in enumerate(bank.categories, start=1)}
    names = {d.name for d in col.decks.all_names_and_ids()} - {"Default"}
    glossary = {f"{cfg.name}::{len(cats) + 1:02d} {bank.t('glossary', lang)}"} \
        if bank.glossary else set()
    assert names == {cfg.name} | {f"{cfg.name}::{t}" for t in cats.values()} | glossary
    assert sorted(names)[1:] == [f"{cfg.name}::{t}" for t in cats.values()] + sorted(glossary)
    assert "(Deutsch)" in cfg.name if lang == "de" else "(English)" in cfg.name
    # Anki matches decks by name and gives them its own ids; the package keeps ours stable.
    assert str(cfg.deck_id) in package_decks(built / "decks" / cfg.file)

    by_id = bank.by_id()
    media: set[str] = set()
    for nid in col.find_notes(f"mid:{cfg.model_id}"):
        n = col.get_note(nid)
        q = by_id[n["Id"]]
        # Identity and time come from the lock, never from genanki's defaults or the clock.
        assert n.guid == lock.questions[q.id].guid[lang] == lockfile.guid(q.id, lang)
        assert n.mod == lock.modified(q.id, lang)
        assert n.mid == cfg.model_id
        root = f"mlops-kit::{lang}"  # tags never mix the languages in one collection
        assert sorted(n.tags) == sorted([f"{root}::topic::{t}" for t in q.tags] + [
            f"{root}::category::{q.category}", f"{root}::difficulty::{q.difficulty}"]
            + ([f"{root}::practice"] if q.practice else []))
        assert all(" " not in t for t in n.tags)
        (card,) = n.cards()
        assert col.decks.name(card.did) == f"{cfg.name}::{cats[q.category]}"
        found = re.findall(r'<img class="mlk-(?:light|dark)" src="([^"]+)"', n["Diagram"])
        assert len(found) == (2 if q.diagram else 0)  # light and night palettes
        media.update(found)
    assert all(re.fullmatch(r"mlk-[0-9a-f]{12}\.svg", m) for m in media)
    folder = Path(col.media.dir())
    assert {p.name for p in folder.iterdir()} == media
    for name in media:  # content-hashed names: the name is the hash of the bytes
        assert note.media_name((folder / name).read_bytes()) == name


def test_both_languages_share_one_collection(built: Path, bank, col) -> None:
    """A bilingual learner imports both decks: nothing collides, nothing merges."""
    logs = [import_apkg(col, built / "decks" / c.file) for c in deck_configs().values()]
    notes = len(bank.questions) + len(bank.glossary)
    assert [len(log.new) for log in logs] == [notes] * 2
    assert col.note_count() == 2 * notes
    assert not any(t.startswith("mlops-kit::topic") for t in col.tags.all())


def test_card_layout(built: Path, bank, col) -> None:
    """Front: category, difficulty, question. Back: short answer and key points open, then
    the answer, follow-ups, table, diagram and sources folded, in the site's order."""
    cfg = deck_configs()["en"]
    import_apkg(col, built / "decks" / cfg.file)
    q = next(q for q in bank.questions if q.table and q.diagram and q.sources)
    card = col.get_note(col.find_notes(f"Id:{q.id}")[0]).cards()[0]
    front, back = card.question(), card.answer()
    cat = next(c for c in bank.categories if c.id == q.category).title["en"]
    for text in (cat, bank.t(f"difficulty_{q.difficulty}", "en"), bank.t("difficulty", "en")):
        assert text in front
    assert bank.t("key_points", "en") not in front
    order = [back.index(f"<h2>{bank.t(k, 'en')}</h2>") for k in ("short_answer", "key_points")]
    order += [back.index(f"<summary>{bank.t(k, 'en')}</summary>")
              for k in ("answer", "follow_ups", "table", "diagram", "sources")]
    assert order == sorted(order)
    assert "<details open" not in back  # every section starts closed, on every card
    assert 'data-label="' in back  # table cells keep their column label on a phone
    assert "<script" not in front
    assert f"/en/questions/{q.id}/" in back  # the card leads back to its page on the site


def test_css_is_self_contained() -> None:
    """No fonts, scripts or anything else fetched from the network; night mode for both
    Anki desktop and AnkiDroid; tables scroll."""
    css = (ROOT / "generator" / "decks" / "card.css").read_text(encoding="utf-8")
    assert not re.search(r"@import|@font-face|url\(|https?:", css)
    assert ".nightMode" in css and ".night_mode" in css
    # On a phone a table is one block per row, each cell labelled with its column.
    assert re.search(r"@media \(max-width: 480px\)", css)
    assert re.search(r"td::before\s*\{[^}]*attr\(data-label\)", css)
    assert ".highlight" in css


def test_deck_description_states_the_licence(built: Path, col) -> None:
    for cfg in deck_configs().values():
        import_apkg(col, built / "decks" / cfg.file)
        desc = col.decks.get(col.decks.id_for_name(cfg.name))["desc"]
        assert "CC BY-SA 4.0" in desc and "MIT" in desc
        assert buildmod.site_url() in desc


# --- updates ------------------------------------------------------------------------------


def test_reimport_of_the_same_file_adds_nothing(built: Path, bank, col) -> None:
    path = built / "decks" / deck_configs()["de"].file
    import_apkg(col, path)
    log = import_apkg(col, path)
    assert not log.new and not log.updated
    assert len(log.duplicate) == len(bank.questions) + len(bank.glossary) == col.note_count()


def test_learner_edit_survives_reimport_of_unchanged_deck(built: Path, col) -> None:
    path = built / "decks" / deck_configs()["de"].file
    import_apkg(col, path)
    n = col.get_note(col.find_notes(f"mid:{deck_configs()['de'].model_id}")[0])
    n["Answer"] = "Meine eigene Merkhilfe."
    col.update_note(n)
    log = import_apkg(col, path)
    assert not log.updated
    assert col.get_note(n.id)["Answer"] == "Meine eigene Merkhilfe."


def _edit_answer(path: Path, lang: str, extra: str) -> None:
    """Prepend a paragraph to the answer of ``lang`` (German comes first in every file)."""
    text = path.read_text(encoding="utf-8")
    head, sep, tail = text.partition(f"\n{lang}:\n")
    assert sep, f"no {lang} section in {path}"
    marker = "  answer: |\n"
    assert marker in tail
    path.write_text(head + sep + tail.replace(marker, f"{marker}    {extra}\n\n", 1),
                    encoding="utf-8")


def test_edited_question_updates_in_place_keeping_reviews(
        project: Path, tmp_path: Path, col, monkeypatch: pytest.MonkeyPatch) -> None:
    content = project / "content"
    cfgs = deck_configs(content)
    first = build_decks(content, tmp_path / "v1")
    for cfg in cfgs.values():
        import_apkg(col, first / cfg.file)
    before = col.note_count()

    cid = review_first_card(col, cfgs["de"].name)
    reviewed = col.get_card(cid)
    assert reviewed.reps == 1 and reviewed.ivl > 0
    nid = reviewed.nid
    qid = col.get_note(nid)["Id"]

    _edit_answer(content / "questions" / f"{qid}.yaml", "de", "Neu: ein ergänzter Absatz.")
    lock = lockfile.read(lockfile.lock_path(content))[0]
    later = max(t for e in lock.questions.values() for t in e.modified.values()) + 60
    with monkeypatch.context() as m:  # the lock records "now": make it strictly later
        m.setattr(lockfile.time, "time", lambda: later)
        assert cli.main(["lock", "--content", str(content)]) == 0
    assert lockfile.read(lockfile.lock_path(content))[0].modified(qid, "de") == later

    second = build_decks(content, tmp_path / "v2")
    log_de = import_apkg(col, second / cfgs["de"].file)
    assert [u.id.nid for u in log_de.updated] == [nid] and not log_de.new
    # English did not change: the same bytes, and nothing to update.
    assert (second / cfgs["en"].file).read_bytes() == (first / cfgs["en"].file).read_bytes()
    log_en = import_apkg(col, second / cfgs["en"].file)
    assert not log_en.updated and not log_en.new

    assert col.note_count() == before
    assert "Neu: ein ergänzter Absatz." in col.get_note(nid)["Answer"]
    after = col.get_card(cid)
    assert (after.nid, after.ivl, after.reps, after.type, after.due) == (
        reviewed.nid, reviewed.ivl, reviewed.reps, reviewed.type, reviewed.due)


# --- determinism --------------------------------------------------------------------------


def test_rebuild_is_byte_identical(built: Path, tmp_path: Path) -> None:
    """Same content, a later run, decks only: the same bytes (and no build clock inside)."""
    again = build_decks(CONTENT, tmp_path / "again")
    files = sorted(p.name for p in (built / "decks").glob("*.apkg"))
    assert files == sorted(c.file for c in deck_configs().values())
    for name in files:
        assert (again / name).read_bytes() == (built / "decks" / name).read_bytes(), name
        with zipfile.ZipFile(again / name) as zf:
            infos = zf.infolist()
        assert [i.filename for i in infos][:2] == ["collection.anki2", "media"]
        assert len({i.date_time for i in infos}) == 1


# --- the frozen note type -----------------------------------------------------------------

# The note type's shape is frozen. Measured with Anki 26.9: once learners hold these notes,
# a changed field or template list turns every later update into "conflicting" (nothing is
# updated), with the same model_id and with a new one alike; only an import with "Merge note
# types" recovers. So a change of FIELDS or TEMPLATE_NAME means a new note type: draw a new
# model_id for each decks/*.yaml and tell learners to import with "Merge note types".
# Template text and CSS may change, but Anki only takes them over when the note type is
# newer: bump note.NOTETYPE_MODIFIED to the current time, then update TEMPLATE_HASH below.
# Release 1.0 (model ids changed with the new fields; README: "Upgrading from 0.x").
FROZEN_FIELDS = ("Id", "Question", "Category", "Difficulty", "Intent", "ShortAnswer",
                 "KeyPoints", "Practice", "Answer", "FollowUps", "Table", "Diagram", "Terms",
                 "Sources", "Reviewed", "Link")
FROZEN_TEMPLATES = ("Recall",)
FROZEN_GLOSSARY_FIELDS = ("Id", "Term", "Synonyms", "Definition", "OtherTerm", "Questions",
                          "Link")
FROZEN_GLOSSARY_TEMPLATES = ("Term", "Definition")
FROZEN_SORT_FIELD = 1
NOTETYPE_MODIFIED = 1796083200
TEMPLATE_HASH = {
    "de": "fb43d79b3333355e",
    "en": "cd000bb4b46ee947",
}


def _template_hash(model: note.NoteType) -> str:
    blob = "\0".join([*(t["qfmt"] + "\0" + t["afmt"] for t in model.templates), model.css])
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@pytest.mark.parametrize("lang", LANGS)
def test_note_type_is_frozen(built: Path, bank, col, lang: str) -> None:
    cfg = deck_configs()[lang]
    model = note.note_type(cfg.model_id, cfg.name, bank, lang)
    assert tuple(f["name"] for f in model.fields) == FROZEN_FIELDS, "see the comment above"
    assert tuple(t["name"] for t in model.templates) == FROZEN_TEMPLATES, "see the comment"
    assert model.sort_field_index == FROZEN_SORT_FIELD
    assert (note.NOTETYPE_MODIFIED, _template_hash(model)) == (
        NOTETYPE_MODIFIED, TEMPLATE_HASH[lang]), (
        "templates or CSS changed: bump note.NOTETYPE_MODIFIED, then update NOTETYPE_MODIFIED "
        f"and TEMPLATE_HASH[{lang!r}] = {_template_hash(model)!r} here")
    # ...and that is what a learner's Anki holds after the import.
    import_apkg(col, built / "decks" / cfg.file)
    held = col.models.get(cfg.model_id)
    assert tuple(f["name"] for f in held["flds"]) == FROZEN_FIELDS
    assert tuple(t["name"] for t in held["tmpls"]) == FROZEN_TEMPLATES
    assert held["mod"] == NOTETYPE_MODIFIED
    terms = col.models.get(cfg.glossary_model_id)
    assert tuple(f["name"] for f in terms["flds"]) == FROZEN_GLOSSARY_FIELDS
    assert tuple(t["name"] for t in terms["tmpls"]) == FROZEN_GLOSSARY_TEMPLATES
    assert terms["mod"] == NOTETYPE_MODIFIED


# --- deck configuration (MLK218) ----------------------------------------------------------

DECK = """\
# yaml-language-server: $schema=../content/schema/deck.schema.json
name: Test
language: de
deck_id: 1111111111
model_id: 1222222222
glossary_model_id: 1333333333
file: test-de.apkg
categories: [basics]
"""


def _deck_problems(tmp_path: Path, files: dict[str, str]) -> list:
    content = make(tmp_path)
    for name, text in files.items():
        (tmp_path / "decks" / name).write_text(text, encoding="utf-8")
    _, problems = check(content, check_diagrams=False, check_lock=False)
    return [p for p in problems if not p.warning]


def test_valid_deck_config_passes(tmp_path: Path) -> None:
    assert _deck_problems(tmp_path, {"de.yaml": DECK, "all.yaml": DECK.replace(
        "Test", "All").replace("1111111111", "1555555555").replace("1222222222", "1444444444")
        .replace("1333333333", "1666666666")
        .replace("test-de", "all-de").replace("[basics]", '["*"]')}) == []


@pytest.mark.parametrize(("text", "code", "needle"), [
    (DECK.replace("[basics]", "[basics, nope]"), "MLK218", "categories:"),
    (DECK.replace("[basics]", '["*", basics]'), "MLK218", "categories:"),
    (DECK.replace("test-de", "test"), "MLK218", "file:"),
    (DECK.replace("1222222222", "1111111111"), "MLK218", "model_id:"),
    (DECK.replace("deck_id: 1111111111\n", ""), "MLK101", "name:"),
    (DECK.replace("name: Test", "name: A::B"), "MLK104", "name:"),
    (DECK + "colour: blue\n", "MLK102", "colour:"),
])
def test_bad_deck_config_is_located(tmp_path: Path, text: str, code: str, needle: str) -> None:
    (problem,) = _deck_problems(tmp_path, {"de.yaml": text})
    assert (problem.code, problem.line) == (code, line_of(text, needle)), problem.format()
    assert problem.path.endswith("decks/de.yaml")


def test_duplicate_deck_ids_are_reported(tmp_path: Path) -> None:
    other = DECK.replace("name: Test", "name: Other").replace("test-de", "other-de")
    problems = _deck_problems(tmp_path, {"a.yaml": DECK, "b.yaml": other})
    assert {(p.code, p.path.rsplit("/", 1)[-1], p.line) for p in problems} == {
        ("MLK218", "b.yaml", line_of(other, "deck_id:")),
        ("MLK218", "b.yaml", line_of(other, "model_id:")),
        ("MLK218", "b.yaml", line_of(other, "glossary_model_id:")),
    }


def test_template_labels_are_known_interface_strings() -> None:
    """``[[key]]`` in a template is a label from content/ui.yaml, so validation guarantees it."""
    from generator.bank import UI_KEYS

    for name in ("front.html", "back.html", "glossary_front.html", "glossary_back.html",
                 "glossary_reverse_front.html", "glossary_reverse_back.html"):
        text = (ROOT / "generator" / "decks" / name).read_text(encoding="utf-8")
        keys = re.findall(r"\[\[([a-z0-9_]+)\]\]", text)
        assert keys and set(keys) <= set(UI_KEYS), name
