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
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typst

from generator import diagrams, markup
from generator.model import LANGS, Bank, Category, Download, Question

from . import typst_markup

if TYPE_CHECKING:
    from generator.build import Context

TEMPLATE = Path(__file__).with_name("sheet.typ")
PAPERS: dict[str, str] = {"a4": "a4", "letter": "us-letter"}  # file name part -> Typst paper
AUTHOR = "MLOps Interview Kit contributors"
# Points per SVG pixel at which D2's 16 px labels print at 4.5 pt (the template caps the size).
LABEL_SCALE = 4.5 / 16
_VIEWBOX = re.compile(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"')


def file_name(lang: str, paper: str, category: str | None = None) -> str:
    """The published name of a sheet (the site links to these)."""
    return f"mlops-kit-{lang}-{paper}" + (f"-{category}" if category else "") + ".pdf"


def outputs(bank: Bank) -> list[Download]:
    """The sheets this bank publishes: whole bank first, then one per category."""
    return [Download("pdf", lang, file_name(lang, paper, cat))
            for lang in LANGS for paper in PAPERS
            for cat in [None, *(c.id for c in bank.categories)]]


def build(bank: Bank, out_dir: Path, ctx: Context,
          timing: dict[str, float] | None = None) -> list[Path]:
    """Write every sheet into ``out_dir``; returns the written paths in a stable order.

    ``timing``, when given, receives the seconds each file took (for measurements).
    """
    numbers = {q.id: i for i, q in enumerate(bank.questions, start=1)}
    svg = _svg_cache()
    jobs: list[tuple[str, str]] = []  # (file name, JSON input), in a stable order
    for lang in LANGS:
        questions = {c.id: [_question(q, numbers[q.id], lang, svg) for q in
                            bank.in_category(c.id)] for c in bank.categories}
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
                                     "pdf_footer", "diagram")},
        "categories": [{"id": c.id, "title": c.title[lang], "url": f"{base}categories/{c.id}/",
                        "questions": questions[c.id]} for c in shown],
    }


def _question(q: Question, number: int, lang: str,
              svg: Callable[[str], str]) -> dict[str, Any]:
    text = q.text[lang]
    out: dict[str, Any] = {
        "n": number,  # position in the whole bank: the same number on every sheet
        "difficulty": q.difficulty,
        "title": typst_markup.inline(text.question),
        "points": [typst_markup.inline(p) for p in text.key_points],
        "table": None,
        "diagram": None,
    }
    if q.table:
        header, rows = q.table.cells(lang)
        out["table"] = {
            "caption": q.table.caption[lang],
            "header": [typst_markup.inline(c) for c in header],
            "rows": [[typst_markup.inline(c) for c in row] for row in rows],
            "words": [_longest_words([header[i], *(r[i] for r in rows)])
                      for i in range(len(header))],
        }
    if q.diagram:
        image = svg(q.diagram.source(lang))
        width, height = _svg_size(image)
        out["diagram"] = {"svg": image, "alt": q.diagram.alt[lang],
                          "natural": round(width * LABEL_SCALE, 2),
                          "aspect": round(width / height, 4)}
    return out


def _longest_words(cells: list[str], keep: int = 6) -> list[str]:
    """The longest words of a table column: the template measures them to size columns."""
    words = {w for c in cells for w in markup.plain(c).split()}
    return sorted(words, key=lambda w: (-len(w), w))[:keep]


def _svg_size(svg: str) -> tuple[float, float]:
    """Width and height of an SVG in its own units (D2 writes a viewBox, 1 unit = 1 px)."""
    m = _VIEWBOX.search(svg)
    if not m or not float(m.group(1)) or not float(m.group(2)):
        return 400.0, 300.0
    return float(m.group(1)), float(m.group(2))


def _svg_cache() -> Callable[[str], str]:
    """Each diagram is used by four sheets per language: read it from D2's cache once."""
    seen: dict[str, str] = {}

    def get(source: str) -> str:
        if source not in seen:
            seen[source] = diagrams.render(source, "light")
        return seen[source]

    return get
