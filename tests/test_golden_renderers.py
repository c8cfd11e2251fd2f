"""Golden files for the renderers' output on the sample question: the generated question
page (Markdown with embedded HTML) and the rendered card fields, side by side in
``tests/golden/render/`` so a change shows up as a reviewable diff. After an intended
change: ``UPDATE_GOLDEN=1 pytest tests/test_golden_renderers.py``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.bank import load_bank
from tests.sample import DIAGRAM, QUESTION, TABLE, make

GOLDEN = Path(__file__).parent / "golden" / "render"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory):
    content = make(tmp_path_factory.mktemp("golden"))
    (content / "questions" / "sample.yaml").write_text(QUESTION + TABLE + DIAGRAM,
                                                       encoding="utf-8")
    return load_bank(content, check_lock=False)


def _check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"wrote missing golden file {name}; review and commit it")
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} renders differently; if intended: UPDATE_GOLDEN=1 pytest {__file__}")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_question_page(bank, lang: str) -> None:
    from generator.site import pages

    files = pages.generate(bank, lang, [])
    _check(f"question-{lang}.md", str(files["questions/sample.md"]))


@pytest.mark.parametrize("lang", ["de", "en"])
def test_card_fields(bank, lang: str) -> None:
    from generator.decks import note

    rendered = note.render(bank.questions[0], bank, lang, "https://example.org/q/")
    _check(f"card-{lang}.html", "\n\n".join(f"<!-- {name} -->\n{value}" for name, value in
                                          zip(note.FIELDS, rendered.fields, strict=True)) + "\n")
