"""JSON Schema checks with located, coded messages, each problem once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from generator import schema
from generator.loader import load
from tests.sample import QUESTION, ROOT

SCHEMA = ROOT / "content" / "schema" / "question.schema.json"


def _problems(tmp_path: Path, text: str):
    path = tmp_path / "sample.yaml"
    path.write_text(text, encoding="utf-8")
    doc, found = load(path)
    assert doc is not None and not found
    return schema.check(doc, SCHEMA)


def test_valid_sample_passes(tmp_path: Path) -> None:
    assert _problems(tmp_path, QUESTION) == []


def test_a_misspelt_field_is_one_problem_with_a_suggestion(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, QUESTION.replace("  answer: |\n    Drift means",
                                                      "  anwser: |\n    Drift means"))
    assert problem.code == "MLK102" and "did you mean 'answer'" in problem.message


def test_missing_fields_are_each_reported_once(tmp_path: Path) -> None:
    text = QUESTION.replace("reviewed: 2026-11\n", "").replace("difficulty: 1\n", "")
    found = _problems(tmp_path, text)
    assert sorted(p.message for p in found) == sorted(set(p.message for p in found))
    assert {p.code for p in found} == {"MLK101"} and len(found) == 2


def test_review_month_pattern(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, QUESTION.replace("reviewed: 2026-11", "reviewed: 2026-13"))
    assert problem.code == "MLK104" and problem.line == 5


# --- the quick validator (jsonschema-rs) may only ever agree that a file is valid ---------

SCHEMAS = sorted((ROOT / "content" / "schema").glob("*.schema.json"))
SAMPLES = ("a", "a-b", "ab_c", "2026-11", "https://a/b", "x.apkg", "*", "Ab")


def _patterns() -> set[str]:
    import json

    def walk(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pattern" and isinstance(value, str):
                    yield value
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    return {p for path in SCHEMAS for p in walk(json.loads(path.read_text(encoding="utf-8")))}


def test_rust_patterns_accept_nothing_python_refuses_beyond_the_known_gap() -> None:
    """For each schema pattern, one character put into an accepted text: the Rust engine
    must not accept what Python's refuses, except the characters in schema.ENGINE_GAP (a
    text holding one always goes to the full validator). Every code point where the
    pattern has a Unicode class (\\s, \\d, \\w), Latin and the general punctuation
    elsewhere."""
    import re

    import jsonschema_rs

    gap: set[str] = set()
    for pattern in _patterns():
        quick = jsonschema_rs.Draft202012Validator({"type": "string", "pattern": pattern})
        full = re.compile(pattern).search
        bases = [s for s in SAMPLES if full(s)]
        assert bases, f"no sample text fits {pattern}"
        unicode_class = re.search(r"\\[sSdDwWb]", pattern)
        points = range(0x110000) if unicode_class else [*range(0x300), *range(0x2000, 0x2070)]
        for base in bases[:1] if unicode_class else bases:
            for c in points:
                if 0xD800 <= c < 0xE000:
                    continue
                for text in (base[:1] + chr(c) + base[1:], base + chr(c)):
                    if quick.is_valid(text) and not full(text):
                        gap.add(chr(c))
    assert gap <= schema.ENGINE_GAP, sorted(map(hex, map(ord, gap - schema.ENGINE_GAP)))


TRICKY: tuple[object, ...] = (
    "", "a", "a\n", "kebab-case\n", "\x1c", "a\x85b", "\u00a0", "\ud800", "😀" * 3, "x" * 400,
    0, 1, 3, 4, 1.0, 3.0, 3.5, True, False, 2**70, -(2**70), float("nan"), float("inf"),
    None, [], {}, ["a", "a"], [1, True], [1, 1.0], [0, False], {"de": "x", "en": "y"},
)


def _pointers(data: object, pointer: tuple = ()) -> Iterator[tuple]:
    yield pointer
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _pointers(value, (*pointer, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _pointers(value, (*pointer, i))


def _with(data: object, pointer: tuple, value: object) -> object:
    if not pointer:
        return value
    import copy

    out = copy.deepcopy(data)
    node = out
    for part in pointer[:-1]:
        node = node[part]  # type: ignore[index]
    node[pointer[-1]] = value  # type: ignore[index]
    return out


def test_quick_validator_never_accepts_an_invalid_question(tmp_path: Path) -> None:
    """Every node of the sample question replaced by each tricky value (numbers that are
    whole, booleans, huge or not numbers at all, texts with odd line ends, spaces and
    surrogates): when the quick validator says valid, the full one agrees (so skipping
    the full one for such a file loses no problem)."""
    path = tmp_path / "sample.yaml"
    path.write_text(QUESTION, encoding="utf-8")
    doc, _ = load(path)
    assert doc is not None
    full = schema.validator(SCHEMA)
    checked = 0
    for pointer in _pointers(doc.data):
        for value in TRICKY:
            data = _with(doc.data, pointer, value)
            if schema.surely_valid(data, SCHEMA):
                assert full.is_valid(data), (pointer, value)
            checked += 1
    assert checked > 1000
    extra = _with(doc.data, ("de", "unknown"), 1)
    assert not schema.surely_valid(extra, SCHEMA) and not full.is_valid(extra)


def test_a_broken_schema_still_fails_loudly(tmp_path: Path) -> None:
    import pytest
    from jsonschema.exceptions import SchemaError

    broken = tmp_path / "broken.schema.json"
    broken.write_text('{"type": 5}', encoding="utf-8")
    path = tmp_path / "sample.yaml"
    path.write_text(QUESTION, encoding="utf-8")
    doc, _ = load(path)
    assert doc is not None
    with pytest.raises(SchemaError):
        schema.check(doc, broken)
