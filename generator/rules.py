"""The content rules a JSON Schema cannot express, per file: one function per kind of
document (question, page, glossary), each returning every located, coded problem.

:mod:`generator.bank` runs them across the content folder; the codes are listed in
:mod:`generator.diagnostics` and CONTRIBUTING.md.
"""

from __future__ import annotations

import difflib
from datetime import date
from typing import Any

from . import diagrams, markup
from .diagnostics import Problem
from .loader import Document
from .model import LANGS, Kind, Question, term_from

MAX_KEY_POINT = 120
ANSWER_WORDS = (120, 350)  # prose words, code blocks not counted (a warning, MLK219)
SHORT_ANSWER_WORDS = (40, 80)  # the 30-second spoken answer (MLK220)
PRACTICE_FRONT_WORDS = 34  # a story card's front shows question + intent: < 40 with labels
REVIEW_MAX_MONTHS = 12  # older reviews are a warning (MLK221)

def markdown_problems(doc: Document, pointer: tuple, text: str) -> list[Problem]:
    out = []
    line, col = doc.locate(pointer)
    # Block scalars (|, >) start on the line after the key; plain strings on the same line.
    first = line + 1 if doc.lines[line - 1].rstrip() \
        .endswith(("|", ">", "|-", ">-")) else line
    for offset, code, message in markup.unsafe_parts(text):
        out.append(Problem(doc.shown, first + offset, col, code, message,
                           doc.data.get("id")))
    return out


# A question file's own problems, in three runs: what comes before, between and after the
# problems that need other files or the date (see :func:`question_rules` for the order).
FileRules = tuple[list[Problem], list[Problem], list[Problem]]


def question_rules(doc: Document, q: Question, categories: set[str], tags: set[str],
                   check_diagrams: bool, today: date, own: FileRules | None = None
                   ) -> list[Problem]:
    """Every rule of one question file. ``own`` is :func:`file_rules` of this file when
    already known (the validation cache keeps it): only the rules that read
    ``categories``, ``tags`` or ``today`` run again."""
    head, body, tail = file_rules(doc, q, check_diagrams) if own is None else own
    return head + context_rules(doc, categories, tags) + body + _review_rules(doc, q, today) \
        + tail


def context_rules(doc: Document, categories: set[str], tags: set[str]) -> list[Problem]:
    """The rules that read other files: the category and the tags must exist."""
    d = doc.data
    out: list[Problem] = []
    if d["category"] not in categories:
        out.append(doc.problem(("category",), "MLK203", f"unknown category '{d['category']}'; "
                               f"use one of {', '.join(sorted(categories))} or add it to "
                               "content/categories.yaml"))
    for i, tag in enumerate(d["tags"]):
        if tag not in tags:
            near = difflib.get_close_matches(tag, sorted(tags), n=1, cutoff=0.6)
            hint = f"did you mean '{near[0]}'? Otherwise add" if near else "add"
            out.append(doc.problem(("tags", i), "MLK204", f"unknown tag '{tag}'; {hint} it to "
                                   "content/tags.yaml or use an existing tag"))
    return out


def file_rules(doc: Document, q: Question, check_diagrams: bool) -> FileRules:
    """The rules that read nothing but this file (and its diagrams' D2 output), so their
    result depends on the file's bytes alone and may be kept between runs."""
    d = doc.data
    qid = d["id"]
    head: list[Problem] = []
    if qid != doc.path.stem:
        head.append(doc.problem(("id",), "MLK202", f"id '{qid}' does not match the file name "
                                f"'{doc.path.name}'; rename the file or fix the id"))
    out: list[Problem] = []
    for i, rel in enumerate(d.get("related", [])):
        if rel == qid:
            out.append(doc.problem(("related", i), "MLK216", "a question cannot be related to "
                                   "itself; remove it"))
    for lang in LANGS:
        for i, point in enumerate(d[lang]["key_points"]):
            if len(point) > MAX_KEY_POINT:
                out.append(doc.problem((lang, "key_points", i), "MLK208",
                                       f"key point has {len(point)} characters (at most "
                                       f"{MAX_KEY_POINT}); shorten it, details belong in the "
                                       "answer"))
    for lang in LANGS:
        words = len(markup.plain(d[lang]["answer"]).split())
        if not ANSWER_WORDS[0] <= words <= ANSWER_WORDS[1]:
            out.append(doc.problem((lang, "answer"), "MLK219", f"answer has {words} words; aim "
                                   f"for {ANSWER_WORDS[0]}-{ANSWER_WORDS[1]} (code blocks not "
                                   "counted)", warning=True))
    # Structural parity: both languages must carry the same elements.
    de, en = d["de"], d["en"]
    for listed, what in (("key_points", "key points"), ("follow_ups", "follow-ups")):
        if len(de.get(listed, [])) != len(en.get(listed, [])):
            out.append(doc.problem(("en", listed), "MLK209",
                                   f"{len(de.get(listed, []))} {what} in de but "
                                   f"{len(en.get(listed, []))} in en; keep them parallel"))
    sde, sen = markup.structure(de["answer"]), markup.structure(en["answer"])
    for what in sde:
        if sde[what] != sen[what]:
            out.append(doc.problem(("en", "answer"), "MLK209", f"answer has {sde[what]} "
                                   f"{what} in de but {sen[what]} in en; keep the structure "
                                   "parallel"))
    if "table" in d:
        out += _table_rules(doc, d["table"])
    for lang in LANGS:
        for pointer, kind, text in q.fields(lang):
            if kind is not Kind.URL:
                out += markdown_problems(doc, pointer, text)
    out += _short_answer_rules(doc, q)
    out += _practice_rules(doc, q)
    tail = _diagram_rules(doc, q) if q.diagram and check_diagrams else []
    return head, out, tail


def _short_answer_rules(doc: Document, q: Question) -> list[Problem]:
    """The short answer is said aloud in about 30 seconds: 40-80 words of prose, no blocks."""
    out = []
    low, high = SHORT_ANSWER_WORDS
    for lang in LANGS:
        text = q.text[lang].short_answer
        words = len(markup.plain(text).split())
        if not low <= words <= high:
            out.append(doc.problem((lang, "short_answer"), "MLK220",
                                   f"short answer has {words} words; write {low}-{high} words "
                                   "a candidate can say in 30 seconds"))
        elif markup.has_blocks(text):
            out.append(doc.problem((lang, "short_answer"), "MLK220",
                                   "short answer must be plain prose (no lists, headings or "
                                   "code blocks): it is spoken, not shown"))
    return out


def _practice_rules(doc: Document, q: Question) -> list[Problem]:
    """A story card (tag star-method) shows the question and the intent on its front, which
    a learner reads at a glance before telling their own story: keep both short (MLK225)."""
    if not q.practice:
        return []
    out = []
    for lang in LANGS:
        x = q.text[lang]
        words = len(x.question.split()) + len(x.intent.split())
        if words > PRACTICE_FRONT_WORDS:
            out.append(doc.problem((lang, "intent"), "MLK225", f"question and intent of a "
                                   f"story card have {words} words; the card front shows both,"
                                   f" keep them at {PRACTICE_FRONT_WORDS} or fewer (shorten "
                                   "the intent)"))
    return out


def _review_rules(doc: Document, q: Question, today: date) -> list[Problem]:
    """Facts age: a review date in the future is a mistake, one over a year old a warning."""
    year, month = (int(v) for v in q.reviewed.split("-"))
    age = (today.year - year) * 12 + today.month - month
    if age < 0:
        return [doc.problem(("reviewed",), "MLK221", f"reviewed {q.reviewed} lies in the "
                            f"future; use the month you checked the facts "
                            f"({today:%Y-%m} or earlier)")]
    if age > REVIEW_MAX_MONTHS:
        return [doc.problem(("reviewed",), "MLK221", f"facts last reviewed {q.reviewed}, "
                            f"{age} months ago; check them against the sources and set "
                            f"reviewed: {today:%Y-%m}", warning=True)]
    return []


def _table_rules(doc: Document, table: dict[str, Any]) -> list[Problem]:
    out = []
    width = {lang: len(table["header"][lang]) for lang in LANGS}
    if width["de"] != width["en"]:
        out.append(doc.problem(("table", "header", "en"), "MLK206",
                               f"table header has {width['de']} columns in de but "
                               f"{width['en']} in en"))
    for r, row in enumerate(table["rows"]):
        for lang in LANGS:
            if len(row[lang]) != width[lang]:
                out.append(doc.problem(("table", "rows", r, lang), "MLK206",
                                       f"table row {r + 1} has {len(row[lang])} cells in "
                                       f"{lang} but the header has {width[lang]}"))
    return out


def _diagram_rules(doc: Document, q: Question) -> list[Problem]:
    assert q.diagram is not None
    src_lines = len(q.diagram.d2.rstrip("\n").splitlines())
    labels = list(q.diagram.labels)
    for lang in LANGS:
        err = diagrams.check(q.diagram.source(lang))
        if err is None:
            continue
        if err.line is not None and err.line <= src_lines:
            line, col = doc.locate(("diagram", "d2"))
            return [Problem(doc.shown, line + err.line, col, "MLK207",
                            f"D2 diagram does not compile: {err}; see https://d2lang.com",
                            q.id)]
        if err.line is not None and 0 <= err.line - src_lines - 2 < len(labels):
            key = labels[err.line - src_lines - 2]
            return [doc.problem(("diagram", "labels", key), "MLK207",
                                f"D2 label '{key}' ({lang}) does not compile: {err}", key=True)]
        return [doc.problem(("diagram",), "MLK207", f"D2 diagram ({lang}) does not compile: "
                            f"{err}")]
    return _legibility_rules(doc, q)


def _legibility_rules(doc: Document, q: Question) -> list[Problem]:
    """The size rule (MLK223): every label legible where each medium shows the diagram."""
    assert q.diagram is not None
    for lang in LANGS:
        sizes = diagrams.legibility(q.diagram, lang)
        bad = [(medium, size) for medium, size in sizes.items()
               if size < diagrams.SHOWN[medium][1]]
        if bad:
            unit = {"paper": "pt"}
            shown = ", ".join(f"{m} {s:.1f} {unit.get(m, 'px')} (needs "
                              f"{diagrams.SHOWN[m][1]:g})" for m, s in bad)
            return [doc.problem(("diagram", "d2"), "MLK223", f"diagram ({lang}) is too wide to "
                                f"stay legible: labels would show at {shown}; use fewer shapes "
                                "side by side, shorter labels, or split it (at most 3 shapes "
                                "per row when stacked top to bottom)")]
    return []


def page_rules(doc: Document) -> list[Problem]:
    d = doc.data
    out = []
    if d["id"] != doc.path.stem:
        out.append(doc.problem(("id",), "MLK202", f"id '{d['id']}' does not match the file "
                               f"name '{doc.path.name}'"))
    sec = {lang: d[lang].get("sections", []) for lang in LANGS}
    if [s["id"] for s in sec["de"]] != [s["id"] for s in sec["en"]]:
        out.append(doc.problem(("en", "sections"), "MLK209", "sections differ between de and "
                               "en; use the same section ids in the same order"))
    else:
        for i, (a, b) in enumerate(zip(sec["de"], sec["en"], strict=True)):
            if len(a.get("items", [])) != len(b.get("items", [])):
                out.append(doc.problem(("en", "sections", i), "MLK209",
                                       f"section '{a['id']}' has a different number of items "
                                       "in de and en"))
    for lang in LANGS:
        out += markdown_problems(doc, (lang, "body"), d[lang]["body"])
        for i, s in enumerate(sec[lang]):
            if s.get("body"):
                out += markdown_problems(doc, (lang, "sections", i, "body"), s["body"])
            for j, item in enumerate(s.get("items", [])):
                out += markdown_problems(doc, (lang, "sections", i, "items", j, "text"),
                                          item["text"])
    return out


def glossary_rules(doc: Document, question_ids: set[str]) -> list[Problem]:
    """Ids unique, question links resolvable, and no word naming two entries in one
    language (search and the term links would have to guess), all with MLK222."""
    out: list[Problem] = []
    seen: dict[str, int] = {}
    names: dict[tuple[str, str], str] = {}
    for i, t in enumerate(doc.data["terms"]):
        if t["id"] in seen:
            out.append(doc.problem(("terms", i, "id"), "MLK222", f"glossary id '{t['id']}' is "
                                   f"already used by entry {seen[t['id']] + 1}; ids are unique",
                                   item=t["id"]))
        seen.setdefault(t["id"], i)
        for j, qid in enumerate(t.get("questions", [])):
            if qid not in question_ids:
                out.append(doc.problem(("terms", i, "questions", j), "MLK222", f"glossary "
                                       f"entry '{t['id']}' links to unknown question '{qid}'; "
                                       "fix the id or remove it", item=t["id"]))
        term = term_from(t)
        for lang in LANGS:
            for pointer, kind, text in term.fields(lang):
                if kind is Kind.PLAIN:
                    key = (lang, text.casefold())
                    if key in names and names[key] != t["id"]:
                        out.append(doc.problem(("terms", i, lang, *pointer), "MLK222",
                                               f"'{text}' ({lang}) already names glossary "
                                               f"entry '{names[key]}'; merge the entries or "
                                               "drop the synonym", item=t["id"]))
                    names.setdefault(key, t["id"])
                out += [p for p in markdown_problems(doc, ("terms", i, lang, *pointer), text)]
            if markup.has_blocks(term.text[lang].definition):
                out.append(doc.problem(("terms", i, lang, "definition"), "MLK222",
                                       "a definition is one sentence of inline text (no lists "
                                       "or code blocks)", item=t["id"]))
    return out


