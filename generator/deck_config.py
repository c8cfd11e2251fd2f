"""The published decks: ``decks/<lang>.yaml`` read, schema-checked and cross-checked (MLK218).

Kept free of genanki so ``mlops-kit validate`` can run these checks without loading the deck
renderer. The ids in these files are chosen once at random and never change: learners'
collections find our deck and note type by them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import schema
from .diagnostics import ContentError, Problem
from .loader import Document, load

SCHEMA = "deck.schema.json"
ALL = "*"
LOCK_NAME = "notes.lock.yaml"  # lives beside the deck files but is not one


@dataclass(frozen=True)
class DeckConfig:
    """One published deck."""

    name: str
    language: str
    deck_id: int
    model_id: int
    glossary_model_id: int
    file: str
    categories: tuple[str, ...]  # resolved: category ids in bank order
    path: Path


def decks_dir(content_root: Path) -> Path:
    """``decks/`` sits beside ``content/`` (as the lock does)."""
    return content_root.parent / "decks"


def deck_files(content_root: Path) -> list[Path]:
    return sorted(p for p in decks_dir(content_root).glob("*.yaml") if p.name != LOCK_NAME)


def check(content_root: Path, categories: list[str]) -> tuple[list[DeckConfig], list[Problem]]:
    """Read every deck file; ``categories`` are the valid ids in display order.

    Returns the configs (only when there is no error) and every problem found.
    """
    problems: list[Problem] = []
    docs: list[Document] = []
    for path in deck_files(content_root):
        doc, found = load(path)
        problems += found
        if doc is None or found:
            continue
        found = schema.check(doc, content_root / "schema" / SCHEMA)
        problems += found
        if not found:
            docs.append(doc)
    configs: list[DeckConfig] = []
    seen: dict[tuple[str, object], str] = {}  # (field, value) -> file that used it first
    for doc in docs:
        d = doc.data
        for key in ("name", "deck_id", "model_id", "glossary_model_id", "file"):
            first = seen.setdefault((key, d[key]), doc.shown)
            if first != doc.shown:
                problems.append(doc.problem((key,), "MLK218", f"{key} {d[key]!r} is already used "
                                            f"by {first}; every deck needs its own"))
        if len({d["deck_id"], d["model_id"], d["glossary_model_id"]}) < 3:
            problems.append(doc.problem(("model_id",), "MLK218", "deck_id, model_id and "
                                        "glossary_model_id must differ; pick different random "
                                        "numbers"))
        if f"-{d['language']}" not in Path(d["file"]).stem:
            problems.append(doc.problem(("file",), "MLK218", f"file name must contain "
                                        f"'-{d['language']}' so the site offers it on the "
                                        f"{d['language']} pages"))
        wanted = list(d["categories"])
        if ALL in wanted and len(wanted) > 1:
            problems.append(doc.problem(("categories",), "MLK218", f"'{ALL}' already means all "
                                        "categories; list it alone"))
        for i, cat in enumerate(wanted):
            if cat != ALL and cat not in categories:
                problems.append(doc.problem(("categories", i), "MLK218", f"unknown category "
                                            f"'{cat}'; use one of {', '.join(categories)} or "
                                            f"'{ALL}'"))
        chosen = categories if ALL in wanted else [c for c in categories if c in wanted]
        configs.append(DeckConfig(d["name"], d["language"], d["deck_id"], d["model_id"],
                                  d["glossary_model_id"], d["file"], tuple(chosen), doc.path))
    if any(not p.warning for p in problems):
        return [], problems
    return configs, problems


def load_decks(content_root: Path, categories: list[str]) -> list[DeckConfig]:
    """The deck configs, or :class:`ContentError` (the build normally validated them already)."""
    configs, problems = check(content_root, categories)
    if any(not p.warning for p in problems):
        raise ContentError(problems)
    return configs
