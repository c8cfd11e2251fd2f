"""Turn the bank into the site's pages (Markdown with embedded, sanitised HTML) and SVGs.

Structure (links, headings, navigation) is written as Markdown so MkDocs validates every
internal link and anchor; content (answers, key points, tables) is rendered by the shared
:mod:`generator.markup` path and embedded as HTML, so it never passes through
Python-Markdown or Jinja: ``${{ github.sha }}`` in an answer stays verbatim.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .. import diagrams, markup
from ..downloads import size_label, size_slot
from ..model import Bank, Download, Question
from . import glossary, study

TEMPLATES = Path(__file__).parent / "templates"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")


def md_text(text: str) -> Markup:
    """Plain text made safe inside Markdown (link text, list items): escape both layers."""
    return Markup(_MD_SPECIAL.sub(r"\\\1", escape(text, quote=False)))


@dataclass(frozen=True)
class Layouts:
    wide: str  # site path, e.g. assets/diagrams/<id>-ab12-wide-light.svg
    narrow: str


@dataclass(frozen=True)
class DiagramFiles:
    """A question's diagram in both palettes, wide (desktop) and narrow (phones)."""

    light: Layouts
    dark: Layouts
    wide_width: int  # intrinsic sizes, so the page reserves the space before images load
    wide_height: int
    narrow_width: int
    narrow_height: int


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                      undefined=StrictUndefined, keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["md"] = md_text
    env.filters["html"] = lambda s: Markup(markup.to_html(s))
    env.filters["inline"] = lambda s: Markup(markup.inline_html(s))
    env.filters["code_label"] = lambda s, label: Markup(markup.label_code(str(s), label))
    env.filters["terms"] = lambda s, link: Markup(link(str(s)))
    env.globals["link"] = lambda title, url: Markup(markup.link(title, url))
    return env


def diagram_files(q: Question, lang: str) -> tuple[DiagramFiles, dict[str, bytes]]:
    """Render a question's diagram in both palettes and both layouts (names are content
    hashes): the desktop page shows the wide layout while its labels stay legible, phones
    the narrow one (see :mod:`generator.diagrams`)."""
    assert q.diagram is not None
    files: dict[str, bytes] = {}
    names: dict[str, dict[str, str]] = {}
    sizes: dict[str, diagrams.Svg] = {}
    for variant in ("light", "dark"):
        for medium, layout in (("desktop", "wide"), ("phone", "narrow")):
            svg = diagrams.for_medium(q.diagram, lang, medium, variant)
            digest = hashlib.sha256(svg.text.encode()).hexdigest()[:12]
            name = f"assets/diagrams/{q.id}-{digest}-{layout}-{variant}.svg"
            files[name] = svg.encode()
            names.setdefault(variant, {})[layout] = name
            sizes[layout] = svg
    return DiagramFiles(Layouts(**names["light"]), Layouts(**names["dark"]),
                        round(sizes["wide"].width), round(sizes["wide"].height),
                        round(sizes["narrow"].width), round(sizes["narrow"].height)), files


def generate(bank: Bank, lang: str, downloads: list[Download],
             download_files: dict[str, bytes] | None = None,
             memo: dict[str, dict[str, str | bytes]] | None = None) -> dict[str, str | bytes]:
    """Every generated file of one language: ``{site path: content}``.

    ``downloads`` are listed on the home page; their bytes come with ``download_files``
    (plain ``mkdocs build``) or are copied in after the build (``mlops-kit build``).
    ``memo`` (kept by `serve` between rebuilds) holds each question's files by
    :func:`question_key`: after an edit only the edited question is rendered again, where
    rendering every question was a third of a rebuild."""
    env = _env()
    t = {key: value[lang] for key, value in bank.ui.items()}
    by_id = bank.by_id()
    cats = {c.id: c for c in bank.categories}
    files: dict[str, str | bytes] = {}
    common = {"t": t, "lang": lang, "bank": bank, "cats": cats, "by_id": by_id}
    link_terms = glossary.linker(bank, lang, "../../")
    explained = glossary.explained_by(bank, lang)

    neighbours = around_in_category(bank)
    keys = {}
    if memo is not None:
        around = _surroundings(bank, lang)
        keys = {q.id: question_key(around, q, lang, *neighbours[q.id], by_id)
                for q in bank.questions}
    kept = {q.id: memo[keys[q.id]] for q in bank.questions if memo and keys[q.id] in memo}
    diagrams.prefetch([(diagrams.layout_source(q.diagram, lang, layout), variant)
                       for q in bank.questions if q.diagram and q.id not in kept
                       for variant in ("light", "dark") for layout in ("wide", "narrow")])
    for q in bank.questions:
        own = kept.get(q.id)
        if own is None:
            own = {}
            figure = None
            if q.diagram:
                figure, svgs = diagram_files(q, lang)
                own.update(svgs)
            own[f"questions/{q.id}.md"] = env.get_template("question.md.j2").render(
                q=q, x=q.text[lang], figure=figure, prev=neighbours[q.id][0],
                next=neighbours[q.id][1], tags=[bank.tags[tag][lang] for tag in q.tags],
                link_terms=link_terms, terms=explained.get(q.id, []), **common)
        files.update(own)
        kept[q.id] = own
    if memo is not None:  # this build's questions only: the memo never outgrows the bank
        memo.clear()
        memo.update({keys[q]: own for q, own in kept.items()})
    for c in bank.categories:
        files[f"categories/{c.id}/index.md"] = env.get_template("category.md.j2").render(
            c=c, questions=bank.in_category(c.id), **common)
    home = bank.pages.get("home")
    files["index.md"] = env.get_template("home.md.j2").render(
        page=home.text[lang] if home else None,
        downloads=sorted((d for d in downloads if d.lang == lang),
                         key=lambda d: d.order([c.id for c in bank.categories])), **common)
    files["tags.md"] = env.get_template("tags.md.j2").render(**common)
    files["downloads.md"] = downloads_page(env, bank, lang, downloads, download_files, common)
    if bank.glossary:
        files["glossary.md"] = glossary.page(bank, lang)
    files["assets/javascripts/workers/mlk-synonyms.js"] = glossary.synonyms_js(bank, lang)
    for name, data in (download_files or {}).items():
        files[f"downloads/{name}"] = data
    files.update(study.files(bank, lang, downloads))  # study mode: page, cards, offline
    return files


def around_in_category(bank: Bank) -> dict[str, tuple[Question | None, Question | None]]:
    """Each question's previous and next question in its category (the page's pager)."""
    out: dict[str, tuple[Question | None, Question | None]] = {}
    for c in bank.categories:
        members = bank.in_category(c.id)
        for i, q in enumerate(members):
            out[q.id] = (members[i - 1] if i else None,
                         members[i + 1] if i + 1 < len(members) else None)
    return out


def _surroundings(bank: Bank, lang: str) -> str:
    """A digest of everything besides a question and its neighbours that its page shows: labels,
    category titles, tag names, the glossary (terms are linked in answers) and the page
    templates themselves (Jinja reloads an edited template while serving)."""
    templates = sorted((p.name, p.read_bytes()) for p in TEMPLATES.glob("*.j2"))
    blob = repr((lang, bank.ui, bank.categories, bank.tags, bank.glossary, templates))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def question_key(around: str, q: Question, lang: str, prev: Question | None,
                 next_: Question | None, by_id: dict[str, Question]) -> str:
    """What a question's page is made from, as a digest: the question itself (the full
    dataclass, every field), the titles it links to (previous, next, related) and
    :func:`_surroundings`. Equal keys give equal files, so `serve` reuses them."""
    links = [(o.id, o.text[lang].question) if o else None for o in (prev, next_)]
    related = [(rid, by_id[rid].text[lang].question) for rid in q.related if rid in by_id]
    blob = repr((around, q, links, related)).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def downloads_page(env: Environment, bank: Bank, lang: str, downloads: list[Download],
                   download_files: dict[str, bytes] | None, common: dict) -> str:
    """The downloads table. Sizes are known for files handed over (plain mkdocs); for
    `mlops-kit build` the build writes them in after publishing the files."""
    files = download_files or {}

    def size(d: Download) -> Markup:
        if d.name in files:
            return Markup(escape(size_label(len(files[d.name]))))
        return Markup(size_slot(escape(d.name)))

    t = common["t"]
    counts = {c.id: len(bank.in_category(c.id)) for c in bank.categories}
    counts[None] = len(bank.questions)
    mine = sorted((d for d in downloads if d.lang == lang),
                  key=lambda d: d.order([c.id for c in bank.categories]))
    return env.get_template("downloads.md.j2").render(
        downloads=mine, size=size, counts=counts,
        papers={"a4": t["paper_a4"], "letter": t["paper_letter"]},
        deck_cards=len(bank.questions) + 2 * len(bank.glossary), **common)


def problems_page(problems: list) -> str:
    """What `mlops-kit serve` shows while content is broken: every located problem, in the
    browser the author is looking at; live reload brings the site back once it is fixed."""
    items = "\n".join(f"<li><code>{escape(p.format())}</code></li>" for p in problems)
    return ("---\ntitle: Content has problems\n---\n\n# Content has problems\n\n"
            "<p>Fix these in <code>content/</code>; this page reloads by itself when the "
            "files are saved (the same list: <code>mlops-kit validate</code>).</p>\n\n"
            f'<ul class="mlk-problems">\n{items}\n</ul>\n')


def nav(bank: Bank, lang: str) -> list:
    """The navigation: home, categories, tags, downloads.

    Questions are reached from their category page, not listed in the navigation: every
    page carries the whole navigation, so listing them would make each page grow with the
    bank and the build grow with its square (measured: tests/benchmarks).
    """
    t = bank.ui
    items: list = [{t["home"][lang]: "index.md"}]
    items.append({t["study"][lang]: "study/index.md"})
    for c in bank.categories:
        items.append({c.title[lang]: f"categories/{c.id}/index.md"})
    if bank.glossary:
        items.append({t["glossary"][lang]: "glossary.md"})
    items.append({t["tags_index"][lang]: "tags.md"})
    items.append({t["downloads"][lang]: "downloads.md"})
    return items
