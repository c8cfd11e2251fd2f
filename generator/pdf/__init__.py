"""PDF cheat sheets: the whole bank and one sheet per category, per language and paper size.

A language's sheet has sections: a contents page, one per category (each numbered on its
own, so its pages are also the category's sheet) and the glossary. Typst lays out each
section on A4, in a process of its own, one per core at a time, and keeps each layout by
its data, so a later build lays out only what changed (:mod:`.sections`). :mod:`.merge`
joins a language's sections into the whole sheet (pages, bookmarks, tag tree) and
:mod:`.derive` writes each sheet for A4 and US Letter without laying out again.

Python gathers plain data (JSON via ``sys.inputs``) and converts Markdown to Typst markup;
``sheet.typ`` does all layout. Plain strings stay strings in Typst, so only Markdown-derived
fields need escaping (:mod:`.typst_markup`). Only Typst's embedded fonts are used and the
document date is the content revision, so the same content gives byte-identical PDFs on any
machine with the same ``typst`` wheel and ``d2`` binary.

Files: ``mlops-kit-<lang>-<paper>.pdf`` and ``mlops-kit-<lang>-<paper>-<category>.pdf``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import diagrams, markup
from generator.model import LANGS, Bank, Category, Download, Question

from . import derive, sections, typst_markup

if TYPE_CHECKING:
    from generator.build import Context

PAPERS = ("a4", "letter")  # file name parts; Typst lays out A4 only (see derive.py)
AUTHOR = "MLOps Interview Kit contributors"
# Points per SVG pixel at which D2's 16 px labels print at 7 pt: the widest a diagram is
# placed (a narrower column shrinks it, never below 6 pt: rule MLK223 in validation).
LABEL_SCALE = 7 / diagrams.FONT_PX


def file_name(lang: str, paper: str, category: str | None = None) -> str:
    """The published name of a sheet (the site links to these)."""
    return f"mlops-kit-{lang}-{paper}" + (f"-{category}" if category else "") + ".pdf"


def outputs(bank: Bank) -> list[Download]:
    """The sheets this bank publishes: whole bank first, then one per category."""
    return [Download("pdf", lang, file_name(lang, paper, cat), paper=paper, scope=cat)
            for lang in LANGS for paper in PAPERS
            for cat in [None, *(c.id for c in bank.categories)]]


def build(bank: Bank, out_dir: Path, ctx: Context) -> list[Path]:
    """Write every sheet into ``out_dir``; returns the written paths in a stable order.

    Typst lays out each section of each language once (:mod:`.sections`); a category's
    layout is its A4 sheet, the whole sheet is every section's pages (:mod:`.merge`), and
    :mod:`.derive` turns each A4 sheet into its US Letter one.
    """
    numbers = {q.id: i for i, q in enumerate(bank.questions, start=1)}
    figures = {q.id: i for i, q in enumerate((q for q in bank.questions if q.diagram), start=1)}
    plans = {lang: _sections(bank, ctx, lang, numbers, figures) for lang in LANGS}
    laid_out = iter(sections.lay_out([data for lang in LANGS for data in plans[lang]]))
    parts = {lang: [next(laid_out) for _ in plans[lang]] for lang in LANGS}
    # Joining and writing a language's sheets is qpdf's work, seconds at 2,000 questions:
    # each language in a child of its own, beside the other.
    files = sections.apart(derive.sheets, [(parts[lang], len(bank.categories))
                                           for lang in LANGS])
    paths: list[Path] = []
    for lang, sheets in zip(LANGS, files, strict=True):
        for category, papers in zip([None, *(c.id for c in bank.categories)], sheets,
                                    strict=True):
            paths += _write(out_dir, lang, category, papers)
    order = {d.name: i for i, d in enumerate(outputs(bank))}
    return sorted(paths, key=lambda p: order[p.name])


def _write(out_dir: Path, lang: str, category: str | None,
           files: tuple[bytes, bytes]) -> list[Path]:
    paths = [out_dir / file_name(lang, paper, category) for paper in PAPERS]
    for path, data in zip(paths, files, strict=True):
        path.write_bytes(data)
    return paths


def _sections(bank: Bank, ctx: Context, lang: str, numbers: dict[str, int],
              figures: dict[str, int]) -> list[str]:
    """The data (JSON for ``sheet.typ``) of a language's sections, in the whole sheet's
    order: the contents page, every category (empty ones too: each has its sheet) and the
    glossary, when there is one."""
    def t(key: str) -> str:
        return bank.t(key, lang)

    base = ctx.site_root(lang)
    rev = ctx.revision
    common = {
        "lang": lang,
        "title": t("cheat_sheet_title"),
        "author": AUTHOR,
        "date": [rev.year, rev.month, rev.day],
        "revision": rev.strftime("%d.%m.%Y" if lang == "de" else "%Y-%m-%d"),
        "count": len(bank.questions),
        "url": base,
        "labels": {k: t(k) for k in ("revision", "page", "questions", "difficulty",
                                     "difficulty_1", "difficulty_2", "difficulty_3",
                                     "pdf_footer", "diagram", "figure", "glossary")},
    }

    def section(part: str, name: str, document_title: str, **fields: Any) -> str:
        return json.dumps({**common, "part": part, "section": name,
                           "document-title": document_title, **fields}, sort_keys=True)

    def url(c: Category) -> str:
        return f"{base}categories/{c.id}/"

    def span(c: Category) -> dict[str, Any]:
        ns = [numbers[q.id] for q in bank.in_category(c.id)]
        return {"title": c.title[lang], "url": url(c), "count": len(ns),
                "first": min(ns, default=0), "last": max(ns, default=0)}

    def questions(c: Category) -> list[dict[str, Any]]:
        return [_question(q, numbers[q.id], figures.get(q.id, 0), lang)
                for q in bank.in_category(c.id)]

    out = [section("contents", "", t("cheat_sheet_title"), glossary=bool(bank.glossary),
                   categories=[span(c) for c in bank.categories])]
    out += [section("category", c.title[lang], f"{t('cheat_sheet_title')}: {c.title[lang]}",
                    category={"title": c.title[lang], "url": url(c),
                              "questions": questions(c)})
            for c in bank.categories]
    if bank.glossary:
        out.append(section("glossary", t("glossary"), t("cheat_sheet_title"), glossary=[
            {"term": x.text[lang].term, "other": x.text[_other(lang)].term,
             "definition": typst_markup.inline(x.text[lang].definition)}
            for x in sorted(bank.glossary, key=lambda x: x.text[lang].term.casefold())]))
    return out


def _other(lang: str) -> str:
    return next(code for code in LANGS if code != lang)


def _question(q: Question, number: int, figure: int, lang: str) -> dict[str, Any]:
    """What a sheet prints of a question: the short answer to say, the key points, the
    table and the diagram. The model answer stays on the site (its code, too)."""
    text = q.text[lang]
    out: dict[str, Any] = {
        "n": number,  # position in the whole bank: the same number on every sheet
        "difficulty": q.difficulty,
        "title": typst_markup.inline(text.question),
        "short": typst_markup.inline(text.short_answer),
        "points": [typst_markup.inline(p) for p in text.key_points],
        "table": None,
        "diagram": None,
    }
    if q.table:
        header, rows = q.table.cells(lang)
        out["table"] = {
            "caption": typst_markup.inline(q.table.caption[lang]),
            "header": [typst_markup.inline(c) for c in header],
            "rows": [[typst_markup.inline(c) for c in row] for row in rows],
            "words": [_longest_words([header[i], *(r[i] for r in rows)])
                      for i in range(len(header))],
        }
    if q.diagram:
        svg = diagrams.for_medium(q.diagram, lang, "paper")
        out["diagram"] = {"svg": svg.text, "alt": q.diagram.alt[lang], "figure": figure,
                          "natural": round(svg.width * LABEL_SCALE, 2),
                          "least": round(svg.width * 6 / diagrams.FONT_PX, 2),
                          "aspect": round(svg.width / svg.height, 4)}
    return out


def _longest_words(cells: list[str], keep: int = 6) -> list[str]:
    """The longest words of a table column: the template measures them to size columns."""
    words = {w for c in cells for w in markup.plain(c).split()}
    return sorted(words, key=lambda w: (-len(w), w))[:keep]
