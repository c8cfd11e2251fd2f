"""PDF cheat sheets: the whole bank and one sheet per category, per language and paper size.

Python gathers plain data (JSON via ``sys.inputs``) and converts Markdown to Typst markup;
``sheet.typ`` does all layout. Plain strings stay strings in Typst, so only Markdown-derived
fields need escaping (:mod:`.typst_markup`). Only Typst's embedded fonts are used and the
document date is the content revision, so the same content gives byte-identical PDFs on any
machine with the same ``typst`` wheel and ``d2`` binary.

Files: ``mlops-kit-<lang>-<paper>.pdf`` and ``mlops-kit-<lang>-<paper>-<category>.pdf``.
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typst

from generator import diagrams, markup
from generator.model import LANGS, Bank, Category, Download, Question

from . import typst_markup, viewer

if TYPE_CHECKING:
    from generator.build import Context

TEMPLATE = Path(__file__).with_name("sheet.typ")
PAPERS: dict[str, str] = {"a4": "a4", "letter": "us-letter"}  # file name part -> Typst paper
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


def build(bank: Bank, out_dir: Path, ctx: Context,
          timing: dict[str, float] | None = None) -> list[Path]:
    """Write every sheet into ``out_dir``; returns the written paths in a stable order.

    ``timing``, when given, receives the seconds each file took (for measurements).
    """
    numbers = {q.id: i for i, q in enumerate(bank.questions, start=1)}
    figures = {q.id: i for i, q in enumerate((q for q in bank.questions if q.diagram), start=1)}
    jobs: list[tuple[str, str]] = []  # (file name, JSON input), in a stable order
    for lang in LANGS:
        questions = {c.id: [_question(q, numbers[q.id], figures.get(q.id, 0), lang)
                            for q in bank.in_category(c.id)] for c in bank.categories}
        for paper in PAPERS:
            sheets: list[tuple[str, Category | None]] = [(file_name(lang, paper), None)]
            sheets += [(file_name(lang, paper, c.id), c) for c in bank.categories]
            for name, only in sheets:
                cats = [c for c in bank.categories if only is None or c.id == only.id]
                data = _sheet(bank, ctx, lang, paper, cats, questions, only)
                jobs.append((name, json.dumps(data)))

    def compile_one(job: tuple[str, str]) -> Path:
        # A fresh compiler per sheet: a reused one carries Typst's memo cache along, which
        # made the five category sheets after a 2,000-question sheet take 2.9 s instead of
        # 0.9 s in isolation. Typst compiles outside the GIL, so threads use every core.
        compiler = typst.Compiler(TEMPLATE, root=TEMPLATE.parent, ignore_system_fonts=True)
        name, data = job
        start = time.perf_counter()
        pdf = compiler.compile(format="pdf", sys_inputs={"data": data})
        assert isinstance(pdf, bytes)
        pdf = viewer.show_outline(pdf)
        path = out_dir / name
        path.write_bytes(pdf)
        if timing is not None:
            timing[name] = time.perf_counter() - start
        return path

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(compile_one, jobs))


def _sheet(bank: Bank, ctx: Context, lang: str, paper: str, cats: list[Category],
           questions: dict[str, list[dict[str, Any]]], only: Category | None) -> dict[str, Any]:
    def t(key: str) -> str:
        return bank.t(key, lang)

    base = ctx.site_root(lang)
    rev = ctx.revision
    shown = [c for c in cats if questions[c.id] or only is not None]
    count = sum(len(questions[c.id]) for c in shown)
    return {
        "lang": lang,
        "paper": PAPERS[paper],
        "title": t("cheat_sheet_title"),
        "category": only.id if only else None,  # None: the whole bank
        "subtitle": only.title[lang] if only else "",
        "author": AUTHOR,
        "date": [rev.year, rev.month, rev.day],
        "revision": rev.strftime("%d.%m.%Y" if lang == "de" else "%Y-%m-%d"),
        "count": count,
        "url": base + (f"categories/{only.id}/" if only else ""),
        "labels": {k: t(k) for k in ("revision", "page", "questions", "difficulty",
                                     "difficulty_1", "difficulty_2", "difficulty_3",
                                     "pdf_footer", "diagram", "figure", "glossary")},
        "glossary": [{"term": x.text[lang].term, "other": x.text[_other(lang)].term,
                      "definition": typst_markup.inline(x.text[lang].definition)}
                     for x in sorted(bank.glossary, key=lambda x: x.text[lang].term.casefold())]
        if only is None else [],
        "categories": [{"id": c.id, "title": c.title[lang], "url": f"{base}categories/{c.id}/",
                        "questions": questions[c.id]} for c in shown],
    }


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
