"""MkDocs hooks: one ``mkdocs.yml``, one build per language, pages generated from content/.

The German build runs first (at ``/``); its ``on_post_build`` runs the English build into
``site/en`` with ``MLOPS_KIT_LANG=en``. A separate build per language gives each its own
``theme.language`` and its own search index, so German searches never list English pages.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from generator.bank import check
from generator.diagnostics import CODES
from generator.model import Bank, Download
from generator.downloads import read_manifest
from generator.site import alternates, pages, scoped_env

LANG_ENV = "MLOPS_KIT_LANG"
CONTENT_ENV = "MLOPS_KIT_CONTENT"
DOWNLOADS_ENV = "MLOPS_KIT_DOWNLOADS"  # where plain mkdocs finds decks/PDFs (dist/)
BASE_ENV = "MLOPS_KIT_BASE_URL"

_state = pages.current


def _lang() -> str:
    return os.environ.get(LANG_ENV, "de")


def _content_dir(config: MkDocsConfig) -> Path:
    env = os.environ.get(CONTENT_ENV)
    return Path(env) if env else Path(config.config_file_path).parent / "content"


def _downloads(config: MkDocsConfig, lang: str) -> tuple[list[Download], dict[str, bytes]]:
    """This language's decks and PDFs. `mlops-kit build` names them up front and copies
    them in afterwards; plain `mkdocs build`/`serve` offers what the last `mlops-kit build`
    wrote to ``dist/`` (its manifest, ``downloads.json``, holds the typed list)."""
    published = _state.get("published")
    if published is not None:
        return [d for d in published if d.lang == lang], {}  # type: ignore[attr-defined]
    root = Path(os.environ.get(DOWNLOADS_ENV) or Path(config.config_file_path).parent / "dist")
    found, data = [], {}
    for d in read_manifest(root):
        path = root / ("decks" if d.kind == "deck" else "pdf") / d.name
        if d.lang == lang and path.exists():
            found.append(d)
            data[d.name] = path.read_bytes()
    return found, data


@event_priority(100)  # before the search plugin fixes its language
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    lang = _lang()
    content = _content_dir(config)
    # Parse once: `mlops-kit build` hands over the bank it validated, and the nested English
    # build reuses the German one's. `mkdocs serve` re-reads content on every rebuild.
    bank = _state.pop("preloaded", None) if lang == "de" else _state.get("bank")
    if bank is None:
        bank, problems = check(content, check_lock=False)
        if bank is None:
            lines = [p.format() for p in problems if not p.warning]
            raise PluginError("content has problems (run `mlops-kit validate`):\n"
                              + "\n".join(lines) + f"\n(codes: "
                              f"{', '.join(sorted({p.code for p in problems}))}; see "
                              f"CONTRIBUTING.md, {len(CODES)} rules)")
    _state["bank"] = bank
    _state["lang"] = lang
    de_url = os.environ.get(BASE_ENV) or config.site_url or "/"
    if not de_url.endswith("/"):
        de_url += "/"
    _state["base"] = de_url
    config.theme["language"] = lang
    if lang == "en":
        config.site_url = de_url + "en/"
    search = config.plugins.get("material/search") or config.plugins.get("search")
    if search is not None:
        search.config.lang = [lang]
    t = bank.ui
    config.site_name = t["site_name"][lang]
    home = bank.pages.get("home")
    config.site_description = home.text[lang].description if home else t["site_name"][lang]
    config.copyright = t["license"][lang]
    config.nav = pages.nav(bank, lang)
    # Every label in the page's language: the palette toggle, the heading permalink.
    for palette in config.theme.get("palette") or []:
        toggle = palette.get("toggle") or {}
        toggle["name"] = t["dark_mode" if palette.get("scheme") == "default" else
                           "light_mode"][lang]
    config.mdx_configs.setdefault("toc", {})["permalink_title"] = t["permalink"][lang]
    # One scope for Material's stored preferences (the palette): both languages share it.
    config.extra["scope"] = urlsplit(de_url).path or "/"
    config.extra["kit_404"] = {
        "title": t["not_found_title"][lang], "text": t["not_found_text"][lang],
        "home": t["not_found_home"][lang],
        "root": urlsplit(config.site_url or "/").path or "/",
        "other": t["not_found_other"][lang],
        "other_root": (urlsplit(de_url).path or "/") + ("en/" if lang == "de" else ""),
        "lang": lang}
    # The switcher: the other language's root; overrides/partials/alternate.html appends
    # the current page path so the reader stays on the same question.
    # Relative to the site root of this build, so they work on any host and under any
    # sub-path; absolute links would make Material fetch the other host's sitemap.
    # `alternate: true` makes Material include the switcher partial but emit no
    # <link rel=alternate> tags, which would make it fetch every language's sitemap.
    config.extra["alternate"] = True
    config.extra["kit_languages"] = [
        {"name": "Deutsch", "link": "./" if lang == "de" else "../", "lang": "de"},
        {"name": "English", "link": "en/" if lang == "de" else "./", "lang": "en"},
    ]
    if str(content) not in config.watch:
        config.watch.append(str(content))
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    bank: Bank = _state["bank"]  # type: ignore[assignment]
    lang: str = _state["lang"]  # type: ignore[assignment]
    downloads, data = _downloads(config, lang)
    _state["downloads"] = downloads
    for path, content in sorted(pages.generate(bank, lang, downloads, data).items()):
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, path, content=content))
    return files


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S)


def csp(html: str) -> str:
    """A Content-Security-Policy allowing only this site's files and the page's own inline
    scripts by hash. Styles keep 'unsafe-inline': Material writes style attributes (e.g. the
    search result highlighting) that cannot be hashed in a meta policy."""
    hashes = sorted({
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for attrs, body in _INLINE_SCRIPT.findall(html) if "application/json" not in attrs
    })
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' " + " ".join(hashes),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])


_WORKER = re.compile(r'"search": "([^"]*?)assets/javascripts/workers/(search\.[0-9a-f]+\.min\.js)"')


def search_worker(output: str, lang: str) -> str:
    """Point Material's search at our worker layer (word forms, compounds, synonyms), which
    loads Material's own worker behind it (see docs/assets/javascripts/workers/mlk-search.js)."""
    return _WORKER.sub(lambda m: f'"search": "{m.group(1)}assets/javascripts/workers/mlk-search.js'
                       f'?lang={lang}&w={m.group(2)}"', output, count=1)


def on_post_page(output: str, page, config: MkDocsConfig) -> str:
    """Our search worker, then the page's Content-Security-Policy first in <head>."""
    output = search_worker(output, _state["lang"])  # type: ignore[arg-type]
    links = alternates.head_links(str(_state["base"]), page.url)
    output = output.replace("</head>", f"  {links}\n  </head>", 1)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{csp(output)}">'
    return output.replace("<head>", "<head>\n    " + meta, 1)


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    """Static templates (the 404 page) get the same search worker and CSP as pages."""
    if not template_name.endswith(".html"):
        return output
    output = search_worker(output, _state["lang"])  # type: ignore[arg-type]
    meta = f'<meta http-equiv="Content-Security-Policy" content="{csp(output)}">'
    return output.replace("<head>", "<head>\n    " + meta, 1)


def on_post_build(config: MkDocsConfig) -> None:
    """After the German build, build English into ``<site_dir>/en`` (same process)."""
    if _lang() != "de":
        return
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    with scoped_env(**{LANG_ENV: "en", BASE_ENV: str(_state["base"])}):
        en = load_config(config.config_file_path, site_dir=str(Path(config.site_dir) / "en"),
                         strict=config.strict)
        build(en, dirty=False)
    alternates.annotate_sitemaps(Path(config.site_dir), str(_state["base"]))
