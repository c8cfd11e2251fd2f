"""Load ``content/`` into a validated :class:`~generator.model.Bank`, collecting every problem.

Validation = JSON Schema per file + the rules a schema cannot express (codes in
:mod:`generator.diagnostics`). All problems are gathered before anything fails, so a
contributor fixes a whole batch in one go.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from . import diagrams, markup, schema
from . import lock as lockfile
from .diagnostics import ContentError, Problem
from .loader import Document, load
from .model import (
    LANGS,
    Bank,
    Kind,
    Question,
    Term,
    category_from,
    page_from,
    question_from,
    term_from,
)

MAX_KEY_POINT = 120
ANSWER_WORDS = (120, 350)  # prose words, code blocks not counted (a warning, MLK219)
SHORT_ANSWER_WORDS = (40, 80)  # the 30-second spoken answer (MLK220)
PRACTICE_FRONT_WORDS = 34  # a story card's front shows question + intent: < 40 with labels
REVIEW_MAX_MONTHS = 12  # older reviews are a warning (MLK221)
# Interface strings the renderers use; ui.yaml must define each (MLK217).
UI_KEYS = (
    "site_name", "show_answer", "key_points", "answer", "intent", "difficulty", "category",
    "tags", "related", "sources", "table", "diagram", "questions", "downloads", "deck",
    "cheat_sheet", "all_questions", "difficulty_1", "difficulty_2", "difficulty_3",
    "license", "revision", "page", "switch_language", "tags_index", "home",
    "cheat_sheet_title", "by_category", "all_downloads", "downloads_missing", "pdf_footer",
    "short_answer", "hide_answer", "follow_ups", "reviewed", "months", "show_code",
    "practice_prompt", "model_story", "star_structure", "previous", "next", "glossary",
    "glossary_intro", "synonyms", "other_language_term", "explained_in", "glossary_term",
    "glossary_definition", "zoom_in", "zoom_out", "close", "open_diagram", "figure",
    "import_ankidroid", "import_ankimobile", "import_desktop", "deck_pace", "downloads_intro",
    "file", "language", "language_name", "contents", "size", "paper", "cards", "cheat_sheets",
    "cheat_sheet_short", "paper_a4", "paper_letter", "dark_mode", "light_mode", "permalink",
    "not_found_title", "not_found_text", "not_found_home", "not_found_other", "on_this_page",
)
# Study mode (generator/site/study.py and its scripts).
UI_KEYS += (
    "study", "study_short_name", "study_description", "study_cta", "study_intro", "study_noscript",
    "study_load_failed", "study_tab_review", "study_tab_mock", "study_tab_progress", "study_new",
    "study_learning", "study_due", "study_done_today", "study_key_space", "study_rate",
    "study_again", "study_hard", "study_good", "study_easy", "study_rated", "study_full_answer",
    "study_open_question", "study_answer_offline", "study_undo", "study_finished",
    "study_next_due", "study_more_new", "study_no_match", "study_keys_hint", "study_filters",
    "study_filter_hint", "study_new_per_day", "study_mock_intro", "study_mock_count",
    "study_mock_minutes", "study_mock_start", "study_mock_none", "study_mock_position",
    "study_mock_time_left", "study_mock_done", "study_mock_pause", "study_mock_resume",
    "study_mock_warning", "study_mock_time_up", "study_mock_check", "study_mock_next",
    "study_mock_finish", "study_mock_cancel", "study_mock_summary", "study_mock_score",
    "study_mock_weak", "study_mock_no_weak", "study_mock_queued", "study_mock_review_now",
    "study_mock_again", "study_learned", "study_retention", "study_reviews", "study_privacy",
    "study_export", "study_import", "study_exported", "study_imported", "study_import_invalid",
    "study_import_newer", "study_reset", "study_reset_question", "study_reset_yes", "study_cancel",
    "study_reset_done", "study_storage_off", "study_storage_unreadable", "study_offline_ready",
    "study_offline_title", "study_offline_page", "study_back_to_study",
)


def _schemas(root: Path) -> Path:
    return root / "schema"


def _load_checked(path: Path, schema_name: str, problems: list[Problem]) -> Document | None:
    doc, found = load(path)
    problems.extend(found)
    if doc is None or found:
        return None
    schema_problems = schema.check(doc, _schemas(path_root(path)) / schema_name)
    problems.extend(schema_problems)
    return None if schema_problems else doc


def path_root(path: Path) -> Path:
    """The content root a file belongs to (files sit at most one folder deep)."""
    return path.parent.parent if path.parent.name in ("questions", "pages") else path.parent


def _markdown_problems(doc: Document, pointer: tuple, text: str) -> list[Problem]:
    out = []
    line, col = doc.locate(pointer)
    # Block scalars (|, >) start on the line after the key; plain strings on the same line.
    first = line + 1 if doc.lines[line - 1].rstrip() \
        .endswith(("|", ">", "|-", ">-")) else line
    for offset, code, message in markup.unsafe_parts(text):
        out.append(Problem(doc.shown, first + offset, col, code, message,
                           doc.data.get("id")))
    return out


def _question_rules(doc: Document, q: Question, categories: set[str], tags: set[str],
                    check_diagrams: bool, today: date) -> list[Problem]:
    d = doc.data
    qid = d["id"]
    out: list[Problem] = []
    if qid != doc.path.stem:
        out.append(doc.problem(("id",), "MLK202", f"id '{qid}' does not match the file name "
                               f"'{doc.path.name}'; rename the file or fix the id"))
    if d["category"] not in categories:
        out.append(doc.problem(("category",), "MLK203", f"unknown category '{d['category']}'; "
                               f"use one of {', '.join(sorted(categories))} or add it to "
                               "content/categories.yaml"))
    for i, tag in enumerate(d["tags"]):
        if tag not in tags:
            out.append(doc.problem(("tags", i), "MLK204", f"unknown tag '{tag}'; add it to "
                                   "content/tags.yaml or use an existing tag"))
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
                out += _markdown_problems(doc, pointer, text)
    out += _short_answer_rules(doc, q)
    out += _practice_rules(doc, q)
    out += _review_rules(doc, q, today)
    if q.diagram and check_diagrams:
        out += _diagram_rules(doc, q)
    return out


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


def _page_rules(doc: Document) -> list[Problem]:
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
        out += _markdown_problems(doc, (lang, "body"), d[lang]["body"])
        for i, s in enumerate(sec[lang]):
            if s.get("body"):
                out += _markdown_problems(doc, (lang, "sections", i, "body"), s["body"])
            for j, item in enumerate(s.get("items", [])):
                out += _markdown_problems(doc, (lang, "sections", i, "items", j, "text"),
                                          item["text"])
    return out


def _with_backlinks(questions: list[Question]) -> list[Question]:
    """Related links go both ways: a question lists its own picks first, then every
    question that points to it, so a writer links a new question from its own file only."""
    back: dict[str, list[str]] = {}
    for q in questions:
        for rel in q.related:
            back.setdefault(rel, []).append(q.id)
    out = []
    for q in questions:
        extra = tuple(sorted(i for i in back.get(q.id, []) if i not in q.related))
        out.append(replace(q, related=q.related + extra) if extra else q)
    return out


def _glossary_rules(doc: Document, question_ids: set[str]) -> list[Problem]:
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
                out += [p for p in _markdown_problems(doc, ("terms", i, lang, *pointer), text)]
            if markup.has_blocks(term.text[lang].definition):
                out.append(doc.problem(("terms", i, lang, "definition"), "MLK222",
                                       "a definition is one sentence of inline text (no lists "
                                       "or code blocks)", item=t["id"]))
    return out


def check(root: Path, *, check_diagrams: bool = True, check_lock: bool = True,
          today: date | None = None) -> tuple[Bank | None, list[Problem]]:
    """Validate everything under ``root``. Returns the bank (None on errors) and problems.

    ``today`` fixes the date review ages are measured against (tests pass one)."""
    today = today or date.today()
    problems: list[Problem] = []
    cats_doc = _load_checked(root / "categories.yaml", "categories.schema.json", problems)
    tags_doc = _load_checked(root / "tags.yaml", "tags.schema.json", problems)
    ui_doc = _load_checked(root / "ui.yaml", "ui.schema.json", problems)
    categories = [category_from(c) for c in cats_doc.data["categories"]] if cats_doc else []
    cat_ids = {c.id for c in categories}
    tags = dict(tags_doc.data["tags"]) if tags_doc else {}
    ui = dict(ui_doc.data["strings"]) if ui_doc else {}
    if ui_doc:
        problems += [ui_doc.problem(("strings",), "MLK217", f"interface string '{k}' is missing;"
                                    " add it with de and en") for k in UI_KEYS if k not in ui]
    if cats_doc:
        seen: set[str] = set()
        for i, c in enumerate(categories):
            if c.id in seen:
                problems.append(cats_doc.problem(("categories", i, "id"), "MLK201",
                                                 f"category '{c.id}' is listed twice"))
            seen.add(c.id)

    questions: list[Question] = []
    first_file: dict[str, str] = {}
    qdocs: list[Document] = []
    paths = sorted((root / "questions").glob("*.yaml"))
    docs = [doc for path in paths
            if (doc := _load_checked(path, "question.schema.json", problems)) is not None]
    parsed = [(doc, question_from(doc.data, doc.path)) for doc in docs]
    if check_diagrams:  # compile every diagram up front, in parallel (cached by content)
        diagrams.prefetch([(diagrams.layout_source(q.diagram, lang, layout), "light")
                           for _, q in parsed if q.diagram for lang in LANGS
                           for layout in ("wide", "narrow")])
    for doc, q in parsed:
        qid = q.id
        if qid in first_file:
            problems.append(doc.problem(("id",), "MLK201", f"id '{qid}' is already used by "
                                        f"{first_file[qid]}; ids must be unique"))
            continue
        first_file[qid] = doc.shown
        found = _question_rules(doc, q, cat_ids, set(tags), check_diagrams, today) if cats_doc and \
            tags_doc else []
        problems += found
        qdocs.append(doc)
        if not any(not p.warning for p in found):
            questions.append(q)
    all_ids = set(first_file) | {p.stem for p in paths}  # invalid files still exist
    for doc in qdocs:  # needs every id first
        for i, rel in enumerate(doc.data.get("related", [])):
            if rel not in all_ids and rel != doc.data["id"]:
                problems.append(doc.problem(("related", i), "MLK205", f"related id '{rel}' does "
                                            "not exist; fix the id or remove it"))

    pages = {}
    for path in sorted((root / "pages").glob("*.yaml")):
        doc = _load_checked(path, "page.schema.json", problems)
        if doc is not None:
            found = _page_rules(doc)
            problems += found
            if not found:
                pages[doc.data["id"]] = page_from(doc.data)

    glossary: list[Term] = []
    if (root / "glossary.yaml").exists():
        gdoc = _load_checked(root / "glossary.yaml", "glossary.schema.json", problems)
        if gdoc is not None:
            found = _glossary_rules(gdoc, all_ids)
            problems += found
            glossary = sorted((term_from(t) for t in gdoc.data["terms"]), key=lambda t: t.id)
    questions = _with_backlinks(questions)

    if cats_doc:  # decks/*.yaml (MLK218): the deck renderer owns these rules
        from .decks.config import check as check_decks

        problems += check_decks(root, [c.id for c in categories])[1]

    order = {c.id: i for i, c in enumerate(categories)}
    questions.sort(key=lambda q: (order.get(q.category, 99), q.difficulty, q.id))
    bank = Bank(root, categories, tags, questions, pages, ui, glossary)
    if check_lock and not any(not p.warning for p in problems):
        path = lockfile.lock_path(root)
        lock, found = lockfile.read(path)
        problems += found or lockfile.problems(bank, lock, path)
    if any(not p.warning for p in problems):
        return None, problems
    return bank, problems


def load_bank(root: Path, **kwargs: bool) -> Bank:
    """The validated bank, or :class:`ContentError` listing every problem."""
    bank, problems = check(root, **kwargs)
    if bank is None:
        raise ContentError(problems)
    return bank
