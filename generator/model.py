"""The typed, validated question bank that every renderer receives.

Renderers never see YAML: they get a :class:`Bank`. The model imports no renderer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

LANGS: tuple[str, ...] = ("de", "en")
# Where each language lives below the site root: the one statement of the URL layout that the
# site, the decks and the PDFs link by.
LANG_ROOTS: dict[str, str] = {"de": "", "en": "en/"}
# Bump when the HTML a renderer makes of unchanged content changes in a way learners should
# receive (e.g. a new card layout): it enters every content hash, so `mlops-kit lock` moves
# every note's modification time forward and Anki updates the notes on re-import.
RENDERING_VERSION = 2


class Kind(Enum):
    """What a reader-visible text field holds; every renderer and check reads this."""

    BLOCK = "block"    # Markdown with paragraphs, lists, code (answers, page bodies)
    INLINE = "inline"  # one line of Markdown: emphasis, code, links (key points, cells)
    PLAIN = "plain"    # text without markup (questions, alt texts, D2 labels)
    URL = "url"        # an http(s) link


Pointer = tuple[str | int, ...]
PRACTICE_TAG = "star-method"  # behavioural stories: cards ask the learner to tell their own


@dataclass(frozen=True)
class FollowUp:
    """A likely follow-up question with a one-line pointer to a good answer."""

    question: str
    answer: str


@dataclass(frozen=True)
class Text:
    """One language of a question."""

    question: str
    intent: str
    short_answer: str  # the 30-second spoken version, said first
    answer: str
    key_points: tuple[str, ...]
    follow_ups: tuple[FollowUp, ...] = ()


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

    def source(self, lang: str, labels: dict[str, dict[str, str]] | None = None) -> str:
        """The D2 source with this language's labels applied after the structure
        (``labels`` replaces the authored ones, e.g. wrapped for a narrow layout)."""
        lines = [self.d2.rstrip("\n"), ""]
        for key, text in (labels or self.labels).items():
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
    reviewed: str = ""  # YYYY-MM: when the facts were last checked
    path: Path | None = field(default=None, compare=False)

    @property
    def practice(self) -> bool:
        """A story to tell (STAR), practised aloud rather than recalled."""
        return PRACTICE_TAG in self.tags

    def reviewed_label(self, months: str) -> str:
        """``reviewed`` as "Dezember 2026": ``months`` is ui.yaml's space-separated list."""
        year, month = self.reviewed.split("-")
        return f"{months.split()[int(month) - 1]} {year}"

    def fields(self, lang: str) -> Iterator[tuple[Pointer, Kind, str]]:
        """Every text a reader of ``lang`` sees, with its YAML pointer and kind.

        The one declaration of a question's fields: validation (safety rules), the content
        hash and link harvesting all walk this, so a new field cannot be missed by one of them.
        """
        x = self.text[lang]
        yield (lang, "question"), Kind.PLAIN, x.question
        yield (lang, "intent"), Kind.PLAIN, x.intent
        yield (lang, "short_answer"), Kind.INLINE, x.short_answer
        yield (lang, "answer"), Kind.BLOCK, x.answer
        for i, point in enumerate(x.key_points):
            yield (lang, "key_points", i), Kind.INLINE, point
        for i, f in enumerate(x.follow_ups):
            yield (lang, "follow_ups", i, "question"), Kind.PLAIN, f.question
            yield (lang, "follow_ups", i, "answer"), Kind.INLINE, f.answer
        if self.table:
            yield ("table", "caption", lang), Kind.INLINE, self.table.caption[lang]
            for i, cell in enumerate(self.table.header[lang]):
                yield ("table", "header", lang, i), Kind.INLINE, cell
            for r, row in enumerate(self.table.rows):
                for i, cell in enumerate(row[lang]):
                    yield ("table", "rows", r, lang, i), Kind.INLINE, cell
        if self.diagram:
            yield ("diagram", "alt", lang), Kind.PLAIN, self.diagram.alt[lang]
            for key, text in self.diagram.labels.items():
                yield ("diagram", "labels", key, lang), Kind.PLAIN, text[lang]
        for i, s in enumerate(self.sources):
            yield ("sources", i, "title"), Kind.PLAIN, s.title
            yield ("sources", i, "url"), Kind.URL, s.url

    def content_hash(self, lang: str) -> str:
        """Hash of everything a reader of ``lang`` sees; changes when that language changes."""
        shared: dict[str, Any] = {
            "rendering": RENDERING_VERSION,
            "category": self.category,
            "difficulty": self.difficulty,
            "reviewed": self.reviewed,
            "tags": self.tags,
            "related": self.related,
            "fields": [[list(p), text] for p, _kind, text in self.fields(lang)],
        }
        if self.diagram:
            shared["diagram"] = self.diagram.source(lang)
        blob = json.dumps(shared, sort_keys=True, ensure_ascii=False, default=list)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class TermText:
    """One language of a glossary entry."""

    term: str
    synonyms: tuple[str, ...]
    definition: str


@dataclass(frozen=True)
class Term:
    """A glossary entry: the same concept in both languages, and the questions explaining it."""

    id: str
    questions: tuple[str, ...]
    text: dict[str, TermText]

    def fields(self, lang: str) -> Iterator[tuple[Pointer, Kind, str]]:
        """Every text of this entry a reader of ``lang`` sees (see :meth:`Question.fields`)."""
        x = self.text[lang]
        yield ("term",), Kind.PLAIN, x.term
        for i, syn in enumerate(x.synonyms):
            yield ("synonyms", i), Kind.PLAIN, syn
        yield ("definition",), Kind.INLINE, x.definition

    def content_hash(self, lang: str) -> str:
        """Hash of what a card of ``lang`` shows; its back names the other language's term."""
        other = [t.term for code, t in self.text.items() if code != lang]
        blob = json.dumps([RENDERING_VERSION, self.questions, self.text[lang].__dict__, other],
                          ensure_ascii=False, default=list)
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
    """A file a renderer publishes (deck or PDF), offered on the site of its language.

    Typed, so the site never has to read a file name back: ``paper`` is "a4" or "letter"
    for sheets, ``scope`` the category id of a category sheet (None: the whole bank)."""

    kind: str  # "deck" or "pdf"
    lang: str
    name: str
    paper: str | None = None
    scope: str | None = None

    def order(self, categories: list[str]) -> tuple:
        """Decks first, then whole-bank sheets, then category sheets in category order."""
        return (self.kind != "deck", self.scope is not None,
                categories.index(self.scope) if self.scope in categories else -1,
                self.paper or "", self.name)


@dataclass
class Bank:
    """Everything in ``content/``, validated, in display order."""

    root: Path
    categories: list[Category]
    tags: dict[str, dict[str, str]]
    questions: list[Question]  # ordered by category order, then difficulty, then id
    pages: dict[str, Page]
    ui: dict[str, dict[str, str]]
    glossary: list[Term] = field(default_factory=list)  # ordered by id

    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def in_category(self, category: str) -> list[Question]:
        return [q for q in self.questions if q.category == category]

    def t(self, key: str, lang: str) -> str:
        """An interface string from ``content/ui.yaml``."""
        return self.ui[key][lang]


# --- construction from validated data -------------------------------------------------


def _text(d: dict[str, Any]) -> Text:
    return Text(
        question=d["question"].strip(), intent=" ".join(d["intent"].split()),
        short_answer=" ".join(d.get("short_answer", "").split()),
        answer=d["answer"].strip() + "\n", key_points=tuple(k.strip() for k in d["key_points"]),
        follow_ups=tuple(FollowUp(f["question"].strip(), " ".join(f["answer"].split()))
                         for f in d.get("follow_ups", [])))


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
        table=table, diagram=diagram, reviewed=str(data.get("reviewed", "")), path=path,
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


def term_from(data: dict[str, Any]) -> Term:
    def one(d: dict[str, Any]) -> TermText:
        return TermText(d["term"].strip(), tuple(x.strip() for x in d.get("synonyms", [])),
                        " ".join(d["definition"].split()))

    return Term(data["id"], tuple(data.get("questions", [])),
                {lang: one(data[lang]) for lang in LANGS})


def category_from(data: dict[str, Any]) -> Category:
    return Category(data["id"], {lang: data[lang]["title"] for lang in LANGS},
                    {lang: data[lang]["description"] for lang in LANGS})
