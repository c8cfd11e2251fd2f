"""The typed, validated question bank that every renderer receives.

Renderers never see YAML: they get a :class:`Bank`. The model imports no renderer.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LANGS: tuple[str, ...] = ("de", "en")


@dataclass(frozen=True)
class Text:
    """One language of a question."""

    question: str
    intent: str
    answer: str
    key_points: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A comparison table; ``header[lang]`` and each ``rows[i][lang]`` have equal length."""

    caption: dict[str, str]
    header: dict[str, tuple[str, ...]]
    rows: tuple[dict[str, tuple[str, ...]], ...]

    def cells(self, lang: str) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
        """Header and body rows of one language."""
        return self.header[lang], [row[lang] for row in self.rows]


@dataclass(frozen=True)
class Diagram:
    """Language-neutral D2 source plus a label per D2 key and language."""

    d2: str
    labels: dict[str, dict[str, str]]
    alt: dict[str, str]

    def source(self, lang: str) -> str:
        """The D2 source with this language's labels applied after the structure."""
        lines = [self.d2.rstrip("\n"), ""]
        for key, text in self.labels.items():
            lines.append(f"{key}.label: {json.dumps(text[lang], ensure_ascii=False)}")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Question:
    id: str
    category: str
    difficulty: int
    tags: tuple[str, ...]
    related: tuple[str, ...]
    text: dict[str, Text]
    sources: tuple[Source, ...]
    table: Table | None = None
    diagram: Diagram | None = None
    path: Path | None = field(default=None, compare=False)

    def content_hash(self, lang: str) -> str:
        """Hash of everything a reader of ``lang`` sees; changes when that language changes."""
        shared: dict[str, Any] = {
            "category": self.category,
            "difficulty": self.difficulty,
            "tags": self.tags,
            "related": self.related,
            "sources": [(s.title, s.url) for s in self.sources],
            "text": self.text[lang].__dict__,
        }
        if self.table:
            shared["table"] = [self.table.caption[lang], self.table.header[lang],
                               [r[lang] for r in self.table.rows]]
        if self.diagram:
            shared["diagram"] = [self.diagram.source(lang), self.diagram.alt[lang]]
        blob = json.dumps(shared, sort_keys=True, ensure_ascii=False, default=list)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Category:
    id: str
    title: dict[str, str]
    description: dict[str, str]


@dataclass(frozen=True)
class Item:
    title: str
    text: str


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    body: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class PageText:
    title: str
    description: str
    body: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Page:
    id: str
    text: dict[str, PageText]


@dataclass(frozen=True)
class Download:
    """A file a renderer publishes (deck or PDF), offered on the site of its language."""

    kind: str  # "deck" or "pdf"
    lang: str
    name: str


@dataclass
class Bank:
    """Everything in ``content/``, validated, in display order."""

    root: Path
    categories: list[Category]
    tags: dict[str, dict[str, str]]
    questions: list[Question]  # ordered by category order, then difficulty, then id
    pages: dict[str, Page]
    ui: dict[str, dict[str, str]]

    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def in_category(self, category: str) -> list[Question]:
        return [q for q in self.questions if q.category == category]

    def t(self, key: str, lang: str) -> str:
        """An interface string from ``content/ui.yaml``."""
        return self.ui[key][lang]


# --- construction from validated data -------------------------------------------------


def _text(d: dict[str, Any]) -> Text:
    return Text(d["question"].strip(), " ".join(d["intent"].split()), d["answer"].strip() + "\n",
                tuple(k.strip() for k in d["key_points"]))


def question_from(data: dict[str, Any], path: Path | None = None) -> Question:
    table = None
    if "table" in data:
        t = data["table"]
        table = Table(dict(t["caption"]), {lang: tuple(t["header"][lang]) for lang in LANGS},
                      tuple({lang: tuple(r[lang]) for lang in LANGS} for r in t["rows"]))
    diagram = None
    if "diagram" in data:
        d = data["diagram"]
        diagram = Diagram(d["d2"], {k: dict(v) for k, v in d["labels"].items()}, dict(d["alt"]))
    return Question(
        id=data["id"], category=data["category"], difficulty=data["difficulty"],
        tags=tuple(data["tags"]), related=tuple(data.get("related", [])),
        text={lang: _text(data[lang]) for lang in LANGS},
        sources=tuple(Source(s["title"], s["url"]) for s in data.get("sources", [])),
        table=table, diagram=diagram, path=path,
    )


def page_from(data: dict[str, Any]) -> Page:
    def one(d: dict[str, Any]) -> PageText:
        sections = tuple(
            Section(s["id"], s["title"], s.get("body", ""),
                    tuple(Item(i["title"], i["text"]) for i in s.get("items", [])))
            for s in d.get("sections", [])
        )
        return PageText(d["title"], " ".join(d["description"].split()), d["body"], sections)

    return Page(data["id"], {lang: one(data[lang]) for lang in LANGS})


def category_from(data: dict[str, Any]) -> Category:
    return Category(data["id"], {lang: data[lang]["title"] for lang in LANGS},
                    {lang: data[lang]["description"] for lang in LANGS})
