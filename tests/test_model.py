"""The model's one declaration of fields, and what reads it: safety rules, content hash."""

from __future__ import annotations

from pathlib import Path

from generator.bank import load_bank
from generator.model import LANGS, RENDERING_VERSION, Kind
from tests.sample import DIAGRAM, QUESTION, TABLE, make


def _bank(tmp_path: Path, extra: str = ""):
    content = make(tmp_path)
    (content / "questions" / "sample.yaml").write_text(QUESTION + extra, encoding="utf-8")
    return load_bank(content, check_lock=False)


def test_every_reader_visible_text_is_declared(tmp_path: Path) -> None:
    q = _bank(tmp_path, TABLE + DIAGRAM).questions[0]
    for lang in LANGS:
        fields = {pointer: kind for pointer, kind, _ in q.fields(lang)}
        for pointer in [(lang, "question"), (lang, "intent"), (lang, "short_answer"),
                        (lang, "answer"), (lang, "key_points", 0),
                        (lang, "follow_ups", 0, "question"), (lang, "follow_ups", 0, "answer"),
                        ("table", "caption", lang), ("table", "header", lang, 0),
                        ("table", "rows", 0, lang, 1), ("diagram", "alt", lang),
                        ("diagram", "labels", "a", lang), ("sources", 0, "url")]:
            assert pointer in fields, pointer
        assert fields[(lang, "answer")] is Kind.BLOCK
        assert fields[("table", "caption", lang)] is Kind.INLINE
        assert fields[("sources", 0, "url")] is Kind.URL


def test_content_hash_moves_with_every_field_and_the_rendering_version(
        tmp_path: Path, monkeypatch) -> None:
    q = _bank(tmp_path / "a", TABLE).questions[0]
    changed = _bank(tmp_path / "b", TABLE.replace("[x, y]", "[x, z]", 1)).questions[0]
    assert q.content_hash("de") != changed.content_hash("de")  # a table cell counts
    assert q.content_hash("en") == changed.content_hash("en")  # only de changed
    import generator.model as model

    before = q.content_hash("en")
    monkeypatch.setattr(model, "RENDERING_VERSION", RENDERING_VERSION + 1)
    assert q.content_hash("en") != before  # a deliberate new rendering reaches every note


def test_related_links_go_both_ways(tmp_path: Path) -> None:
    content = make(tmp_path)
    other = QUESTION.replace("id: sample", "id: other").replace("related: []",
                                                                 "related: [sample]")
    (content / "questions" / "other.yaml").write_text(other, encoding="utf-8")
    by_id = load_bank(content, check_lock=False).by_id()
    assert by_id["other"].related == ("sample",)
    assert by_id["sample"].related == ("other",)  # the back-link, computed


def test_reviewed_label_and_practice(tmp_path: Path) -> None:
    q = _bank(tmp_path).questions[0]
    assert q.reviewed_label("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec") == "Nov 2026"
    assert not q.practice
