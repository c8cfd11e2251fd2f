"""Anki decks: one ``.apkg`` per file in ``decks/`` (German and English).

Notes keep their identity (lock GUID) and carry the time their content last changed, so a
re-import updates edited questions in place, keeps review history, and leaves everything
else (including a learner's own edits) alone. The same content gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..deck_config import load_decks

if TYPE_CHECKING:
    from ..build import Context
    from ..model import Bank, Download

__all__ = ["build", "outputs"]


def outputs(bank: Bank) -> list[Download]:
    """The decks this bank publishes (known before anything is built)."""
    from ..model import Download

    return [Download("deck", cfg.language, cfg.file, scope=None)
            for cfg in load_decks(bank.root, [c.id for c in bank.categories])]


def build(bank: Bank, out_dir: Path, ctx: Context) -> list[Path]:
    """Write every configured deck into ``out_dir``; returns the files in config order."""
    from . import deck, package  # genanki loads only when decks are built

    written = []
    for cfg in load_decks(bank.root, [c.id for c in bank.categories]):
        assembled = deck.assemble(bank, cfg, ctx)
        path = out_dir / cfg.file
        package.write(path, assembled.decks, assembled.media, assembled.timestamp)
        written.append(path)
    return written
