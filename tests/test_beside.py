"""The English build's process under `serve` (generator/site/beside.py): its errors reach
the German build as a plugin error, and closing it ends it."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from generator.bank import load_bank
from generator.site import beside
from tests.conftest import CONTENT


def test_an_english_error_is_raised_by_finish_and_close_ends_the_process(
        tmp_path: Path) -> None:
    english = beside.English()
    try:
        bank = load_bank(CONTENT, check_lock=False)
        english.start(beside.Job(str(tmp_path / "missing.yml"), str(tmp_path / "en"),
                                 str(CONTENT), bank, "https://example.org/"))
        with pytest.raises(PluginError, match=r"English site: .*missing\.yml"):
            english.finish()
        english.finish()  # nothing pending: returns at once
        assert english.alive
    finally:
        english.close()
    assert not english.alive
