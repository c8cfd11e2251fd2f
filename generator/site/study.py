"""Study mode: spaced repetition and a mock interview in the browser, offline.

Per language this adds ``study/index.md`` (the page), ``study/cards.<hash>.json`` (the card
data, named by its content so caches never serve a stale copy) and
``study/manifest.webmanifest``; the German build also writes ``sw.js`` at the site root,
the one service worker for both languages (the German scope contains ``en/``).

The browser side lives in ``docs/assets/study/`` (ES modules plus the vendored ts-fsrs
scheduler, see ``vendor/refresh_ts_fsrs.py``). Progress stays in the learner's browser,
keyed by question id, so German and English share one schedule.
"""

from __future__ import annotations

import hashlib
import json
from html import escape
from importlib import metadata
from pathlib import Path
from typing import Any

from jinja2 import Environment

from .. import markup
from ..model import LANG_ROOTS, Bank, Download

SITE = Path(__file__).resolve().parent
GENERATOR = SITE.parent
ASSETS = SITE / "docs" / "assets" / "study"
PAGE = "study/index.md"
MANIFEST = "study/manifest.webmanifest"
WORKER = "sw.js"
CARD_FORMAT = "mlops-interview-kit/cards"
# Interface strings the browser needs besides the study_* ones.
SHARED_UI = ("show_answer", "short_answer", "key_points", "star_structure", "category",
             "difficulty", "tags", "difficulty_1", "difficulty_2", "difficulty_3")
# Packages whose version changes the HTML of an unchanged bank.
DEPENDENCIES = ("mkdocs", "mkdocs-material", "mkdocs-macros-plugin", "markdown-it-py", "nh3",
                "pygments", "jinja2")


def _used_tags(bank: Bank) -> list[str]:
    """Tags at least one question carries, in vocabulary order (the filter offers these)."""
    used = {tag for q in bank.questions for tag in q.tags}
    return [tag for tag in bank.tags if tag in used]


def card_data(bank: Bank, lang: str) -> dict[str, Any]:
    """What the study page needs, in one language: cards in bank order, labels, strings.

    The question is plain text (escaped here); short answer and key points are sanitised
    inline HTML. The full model answer is not included: the page loads it from the
    question page on demand, which keeps this file small for large banks."""
    return {
        "format": CARD_FORMAT,
        "version": 1,
        "lang": lang,
        "categories": [{"id": c.id, "title": c.title[lang]} for c in bank.categories],
        "tags": {tag: bank.tags[tag][lang] for tag in _used_tags(bank)},
        "ui": {key: value[lang] for key, value in bank.ui.items()
               if key.startswith("study_") or key in SHARED_UI},
        "cards": [{
            "id": q.id,
            "c": q.category,
            "d": q.difficulty,
            "t": list(q.tags),
            "q": escape(q.text[lang].question, quote=False),
            "s": markup.inline_html(q.text[lang].short_answer)
            if q.text[lang].short_answer else "",
            "k": [markup.inline_html(point) for point in q.text[lang].key_points],
            **({"p": 1} if q.practice else {}),  # a story to tell (STAR), not a fact
        } for q in bank.questions],
    }


def card_file(bank: Bank, lang: str) -> tuple[str, str]:
    """The card data as compact JSON and its site path, named by a hash of the content."""
    text = json.dumps(card_data(bank, lang), ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return f"study/cards.{digest}.json", text


def manifest(bank: Bank, lang: str) -> str:
    """The web app manifest: the study page installs as its own app per language. Paths
    are relative to the manifest, so the site works under any sub-path."""
    up = "../" + ("../" if lang == "en" else "")  # from study/ to the site root
    icons = [{"src": f"{up}assets/study/icons/icon-{size}.png", "sizes": f"{size}x{size}",
              "type": "image/png", "purpose": purpose}
             for size, purpose in ((192, "any"), (512, "any"), (512, "maskable"))]
    icons[2]["src"] = f"{up}assets/study/icons/icon-maskable-512.png"
    return json.dumps({
        "id": "./",
        "name": f"{bank.t('site_name', lang)}: {bank.t('study', lang)}",
        "short_name": bank.t("study_short_name", lang),
        "description": bank.t("study_description", lang),
        "lang": lang,
        "dir": "ltr",
        "start_url": "./",
        "scope": up,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#3f51b5",
        "icons": icons,
    }, ensure_ascii=False, indent=2) + "\n"


def _tree(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and p.suffix != ".pyc")


def fingerprint(bank: Bank, downloads: list[Download]) -> str:
    """A hash of everything the site is built from: content, the generator (code,
    templates, theme overrides, static assets), mkdocs.yml, the rendering dependencies'
    versions and the published downloads. Builds are deterministic, so equal
    fingerprints mean equal sites, and any change gives the service worker a new cache."""
    h = hashlib.sha256()
    config = GENERATOR.parent / "mkdocs.yml"
    roots = [(bank.root.resolve(), "content"), (GENERATOR, "generator")]
    for root, label in roots:
        for path in _tree(root):
            h.update(f"{label}/{path.relative_to(root).as_posix()}\0".encode())
            h.update(path.read_bytes())
    if config.exists():
        h.update(config.read_bytes())
    for name in DEPENDENCIES:
        try:
            h.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-\0".encode())
    h.update(json.dumps(sorted((d.kind, d.lang, d.name) for d in downloads)).encode())
    return h.hexdigest()[:16]


def _static_assets() -> list[str]:
    """The study page's own files, as site paths (served from the German root)."""
    return [f"assets/study/{p.relative_to(ASSETS).as_posix()}" for p in _tree(ASSETS)
            if p.suffix in (".js", ".css", ".png", ".svg")]


def service_worker(bank: Bank, downloads: list[Download]) -> str:
    """``sw.js`` for the site root: precaches both study pages, their card data and
    assets; pages and assets met later are cached as they are fetched."""
    precache = list(_static_assets())
    pages = []
    for lang, prefix in LANG_ROOTS.items():
        pages.append(f"{prefix}study/")
        # The stub index every page loads; the full one (site/search_index.py) is cached
        # when the learner first searches, not precached: a first visit stays light.
        precache += [f"{prefix}{card_file(bank, lang)[0]}", f"{prefix}{MANIFEST}",
                     f"{prefix}search/search_index.json"]
    config = {
        "version": fingerprint(bank, downloads),
        "pages": pages,
        "precache": precache,
        "skip": ["downloads/", "en/downloads/"],
        "offline": {lang: {"lang": lang, "root": prefix,
                           "title": bank.t("study_offline_title", lang),
                           "text": bank.t("study_offline_page", lang),
                           "link": bank.t("study_back_to_study", lang)}
                    for lang, prefix in LANG_ROOTS.items()},
    }
    return _env().get_template("sw.js.j2").render(config=config)


def _env() -> Environment:
    from .pages import _env as pages_env  # pages imports this module: resolve at call time

    return pages_env()


def page(bank: Bank, lang: str, cards: str) -> str:
    """The study page: static, labelled controls the scripts bring to life."""
    return _env().get_template("study.md.j2").render(
        t={key: value[lang] for key, value in bank.ui.items()}, lang=lang, bank=bank,
        cards=cards.rsplit("/", 1)[1], root="../" + ("../" if lang == "en" else ""),
        tags=[(tag, bank.tags[tag][lang]) for tag in _used_tags(bank)],
        count=len(bank.questions))


def files(bank: Bank, lang: str, downloads: list[Download]) -> dict[str, str | bytes]:
    """Every study file of one language's build: ``{site path: content}``."""
    name, data = card_file(bank, lang)
    out: dict[str, str | bytes] = {
        PAGE: page(bank, lang, name),
        name: data,
        MANIFEST: manifest(bank, lang),
    }
    if lang == "de":  # the site root: one worker whose scope holds both languages
        out[WORKER] = service_worker(bank, downloads)
    return out
