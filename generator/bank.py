"""Load ``content/`` into a validated :class:`~generator.model.Bank`, collecting every problem.

Validation = JSON Schema per file + the rules a schema cannot express (codes in
:mod:`generator.diagnostics`). All problems are gathered before anything fails, so a
contributor fixes a whole batch in one go.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path

from . import lock as lockfile
from . import memo, schema
from .diagnostics import ContentError, PathNames, Problem
from .filecheck import check_files
from .loader import Document
from .model import (
    Bank,
    Question,
    Term,
    category_from,
    page_from,
    question_from,
    term_from,
)
from .rules import glossary_rules, markdown_problems, page_rules, question_rules

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


def _load_checked(path: Path, schema_name: str, problems: list[Problem], store: memo.Store,
                  names: PathNames) -> Document | None:
    doc, found = memo.load(path, store, names(path))
    problems.extend(found)
    if doc is None or found:
        return None
    schema_problems = schema.check(doc, _schemas(path_root(path)) / schema_name)
    problems.extend(schema_problems)
    return None if schema_problems else doc


def path_root(path: Path) -> Path:
    """The content root a file belongs to (files sit at most one folder deep)."""
    return path.parent.parent if path.parent.name in ("questions", "pages") else path.parent


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


def check(root: Path, *, check_diagrams: bool = True, check_lock: bool = True,
          today: date | None = None, cache: bool = True) -> tuple[Bank | None, list[Problem]]:
    """Validate everything under ``root``. Returns the bank (None on errors) and problems.

    ``today`` fixes the date review ages are measured against (tests pass one). ``cache``
    lets unchanged files answer from the validation cache (:mod:`generator.memo`); the
    results are the same either way."""
    store = memo.Store.for_root(root, cache)
    with _collector_paused():
        result = _check(root, check_diagrams, check_lock, today or date.today(), store)
    store.save()
    return result


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a bank is read: the run builds hundreds of
    thousands of long-lived containers (data, positions, Markdown tokens) and almost no
    garbage cycles, and CPython 3.11 would rescan them all again and again (a third of a
    warm run at 2,000 questions). Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _check(root: Path, check_diagrams: bool, check_lock: bool, today: date,
           store: memo.Store) -> tuple[Bank | None, list[Problem]]:
    names = PathNames()
    problems: list[Problem] = []
    cats_doc = _load_checked(root / "categories.yaml", "categories.schema.json", problems,
                             store, names)
    tags_doc = _load_checked(root / "tags.yaml", "tags.schema.json", problems, store, names)
    ui_doc = _load_checked(root / "ui.yaml", "ui.schema.json", problems, store, names)
    categories = [category_from(c) for c in cats_doc.data["categories"]] if cats_doc else []
    cat_ids = {c.id for c in categories}
    tags = dict(tags_doc.data["tags"]) if tags_doc else {}
    ui = dict(ui_doc.data["strings"]) if ui_doc else {}
    if ui_doc:  # interface strings are read too: the same safety rules as answers
        problems += [p for key, texts in ui.items() for lang, text in texts.items()
                     for p in markdown_problems(ui_doc, ("strings", key, lang), text)]
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
    checked = check_files(paths, _schemas(root) / "question.schema.json", check_diagrams,
                          store, names)
    parsed = []
    keys: dict[Path | None, str] = {}  # question file -> its cache key
    for c in checked:
        problems += c.problems
        if c.doc is not None and c.own is not None:
            parsed.append((c.doc, question_from(c.doc.data, c.doc.path), c.own))
            keys[c.doc.path] = c.key
    tag_ids = set(tags)
    # The file named after its id is the original: a copy is the one blamed for the clash.
    for doc, q, own in sorted(parsed, key=lambda dq: (dq[0].path.stem != dq[1].id,
                                                      dq[0].path)):
        qid = q.id
        if qid in first_file:
            problems.append(doc.problem(("id",), "MLK201", f"id '{qid}' is already used by "
                                        f"{first_file[qid]}; ids must be unique"))
            continue
        first_file[qid] = doc.shown
        found = question_rules(doc, q, cat_ids, tag_ids, check_diagrams, today, own) \
            if cats_doc and tags_doc else []
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
        doc = _load_checked(path, "page.schema.json", problems, store, names)
        if doc is not None:
            found = page_rules(doc)
            problems += found
            if not found:
                pages[doc.data["id"]] = page_from(doc.data)

    glossary: list[Term] = []
    if (root / "glossary.yaml").exists():
        gdoc = _load_checked(root / "glossary.yaml", "glossary.schema.json", problems, store,
                             names)
        if gdoc is not None:
            # Its rules read the question ids too; the file and the ids name the entry.
            found = memo.problems_for(store, ("glossary", gdoc.shown, gdoc.text,
                                              *sorted(all_ids)),
                                      partial(glossary_rules, gdoc, all_ids))
            problems += found
            glossary = sorted((term_from(t) for t in gdoc.data["terms"]), key=lambda t: t.id)
    questions = _with_backlinks(questions)

    if cats_doc:  # decks/*.yaml (MLK218): the deck renderer owns these rules
        from .deck_config import check as check_decks

        problems += check_decks(root, [c.id for c in categories])[1]

    order = {c.id: i for i, c in enumerate(categories)}
    questions.sort(key=lambda q: (order.get(q.category, 99), q.difficulty, q.id))
    bank = Bank(root, categories, tags, questions, pages, ui, glossary)
    if check_lock and not any(not p.warning for p in problems):
        path = lockfile.lock_path(root)
        lock, found = lockfile.read(path, store)
        problems += found or lockfile.problems(
            bank, lock, path, memo.content_hashes(store, [(q, keys[q.path]) for q in questions]),
            names)
    if any(not p.warning for p in problems):
        return None, problems
    return bank, problems


def load_bank(root: Path, **kwargs: bool) -> Bank:
    """The validated bank, or :class:`ContentError` listing every problem."""
    bank, problems = check(root, **kwargs)
    if bank is None:
        raise ContentError(problems)
    return bank
