"""JSON Schema checks with located, coded messages, each problem once."""

from __future__ import annotations

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
