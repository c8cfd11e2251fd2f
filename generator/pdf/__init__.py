"""PDF cheat sheets: the whole bank and one sheet per category, per language and paper size.

Typst lays out each language once, on A4, as a contents page, one section per category
(each starting on its own page, numbered on its own) and the glossary; :mod:`.derive`
makes the US Letter sheet and the category sheets from those pages without laying out
again.

Python gathers plain data (JSON via ``sys.inputs``) and converts Markdown to Typst markup;
``sheet.typ`` does all layout. Plain strings stay strings in Typst, so only Markdown-derived
fields need escaping (:mod:`.typst_markup`). Only Typst's embedded fonts are used and the
document date is the content revision, so the same content gives byte-identical PDFs on any
machine with the same ``typst`` wheel and ``d2`` binary.

Files: ``mlops-kit-<lang>-<paper>.pdf`` and ``mlops-kit-<lang>-<paper>-<category>.pdf``.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pikepdf
import typst

from generator import diagrams, markup
from generator.model import LANGS, Bank, Download, Question

from . import derive, typst_markup, viewer

if TYPE_CHECKING:
    from generator.build import Context

TEMPLATE = Path(__file__).with_name("sheet.typ")
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


def build(bank: Bank, out_dir: Path, ctx: Context,
          timing: dict[str, float] | None = None) -> list[Path]:
    """Write every sheet into ``out_dir``; returns the written paths in a stable order.

    Typst lays out each language once (:mod:`.derive` makes the Letter and category sheets
    from those pages). ``timing``, when given, receives the seconds each language took.
    """
    numbers = {q.id: i for i, q in enumerate(bank.questions, start=1)}
    figures = {q.id: i for i, q in enumerate((q for q in bank.questions if q.diagram), start=1)}

    def one_language(lang: str) -> list[Path]:
        start = time.perf_counter()
        questions = {c.id: [_question(q, numbers[q.id], figures.get(q.id, 0), lang)
                            for q in bank.in_category(c.id)] for c in bank.categories}
        data = json.dumps(_sheet(bank, ctx, lang, questions))
        a4 = viewer.show_outline(_layout_apart(data))
        written = _write(out_dir / file_name(lang, "a4"), a4)
        with pikepdf.open(io.BytesIO(a4)) as pdf:
            parts = derive.sections(pdf)[:len(bank.categories)]  # then the glossary
            for c, part in zip(bank.categories, parts, strict=True):
                title = f"{bank.t('cheat_sheet_title', lang)}: {c.title[lang]}"
                sheet = derive.extract(pdf, part, title)
                written += _write(out_dir / file_name(lang, "a4", c.id), sheet)
                written += _write(out_dir / file_name(lang, "letter", c.id),
                                  derive.letter(sheet))
            # Last: it moves the open document's page boxes to Letter.
            written += _write(out_dir / file_name(lang, "letter"), derive.letter(a4, pdf))
        if timing is not None:
            timing[lang] = time.perf_counter() - start
        return written

    # One language after the other: Typst already lays out on every core (two languages
    # at once: 27.7 s instead of 29.1 s at 2,000 questions), and one layout at a time
    # halves its memory (about 900 MiB for a 2,000-question language).
    paths = [p for lang in LANGS for p in one_language(lang)]
    order = {d.name: i for i, d in enumerate(outputs(bank))}
    return sorted(paths, key=lambda p: order[p.name])


def layout(data: str) -> bytes:
    """Typst's A4 layout of one language's sheet data (``sheet.typ``)."""
    compiler = typst.Compiler(TEMPLATE, root=TEMPLATE.parent, ignore_system_fonts=True)
    pdf = compiler.compile(format="pdf", sys_inputs={"data": data})
    assert isinstance(pdf, bytes)
    return pdf


def _layout_apart(data: str) -> bytes:
    """:func:`layout` in a child process that ends with it.

    Typst keeps what it memoised while laying out for the life of its process, and that
    is most of its memory: at 2,000 questions 1.0 GiB after the first language, 1.6 GiB
    after the second (measured in one process). A child hands the memory back with each
    language. The child comes from a fork server, a clean process started for this: a
    plain fork of a process that has laid out before inherits Typst's thread pool without
    its threads, and the child's layout then waits for them forever."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as child:
        return child.submit(layout, data).result()


def _write(path: Path, data: bytes) -> list[Path]:
    path.write_bytes(data)
    return [path]


def _sheet(bank: Bank, ctx: Context, lang: str,
           questions: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The data of a language's layout: the contents page, every category (empty ones
    too: each has its sheet) and the glossary."""
    def t(key: str) -> str:
        return bank.t(key, lang)

    base = ctx.site_root(lang)
    rev = ctx.revision
    return {
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
        "glossary": [{"term": x.text[lang].term, "other": x.text[_other(lang)].term,
                      "definition": typst_markup.inline(x.text[lang].definition)}
                     for x in sorted(bank.glossary, key=lambda x: x.text[lang].term.casefold())],
        "categories": [{"id": c.id, "title": c.title[lang], "url": f"{base}categories/{c.id}/",
                        "questions": questions[c.id]} for c in bank.categories],
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
