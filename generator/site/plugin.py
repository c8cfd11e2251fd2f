"""The site renderer as a MkDocs plugin: one ``mkdocs.yml``, one build per language, pages
generated from content/.

In the style of Material's own plugins: typed options (:class:`KitConfig`), all state on
the plugin instance, registered by entry point (``mlops-kit`` in pyproject.toml). The
German build runs first (at ``/``); its ``on_post_build`` runs the English build into
``site/en`` and hands its plugin instance the bank and the downloads, so content is parsed
once and nothing travels through environment variables (`mlops-kit build` instead builds
English in a forked process at the same time, :func:`generator.site.build_language`).
Under `serve`, builds are dirty: only changed pages are rendered (:mod:`.incremental`),
and English rebuilds in a process of its own at the same time as German (:mod:`.beside`).
A separate build per language gives each its own ``theme.language`` and search index:
German searches list no English pages. ``mkdocs build``, ``mkdocs serve``, ``mlops-kit
build`` and ``mlops-kit serve`` all produce both languages.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemBytecodeCache
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files

from .. import caches
from ..bank import check
from ..diagnostics import CODES, Problem
from ..downloads import read_manifest
from ..model import LANG_ROOTS, Bank, Download
from . import alternates, beside, html, incremental, pages, search_index


class KitConfig(Config):
    """Options of the ``mlops-kit`` plugin in mkdocs.yml."""

    lang = c.Choice(tuple(LANG_ROOTS), default="de")  # this build's language
    content = c.Type(str, default="content")  # relative to mkdocs.yml
    downloads = c.Type(str, default="dist")  # where plain mkdocs finds decks and PDFs


class KitPlugin(BasePlugin[KitConfig]):
    """Generates every page of one language from the bank; the German build adds English."""

    def __init__(self) -> None:
        self.bank: Bank | None = None  # set by `mlops-kit build` or the German build
        self.published: list[Download] | None = None  # `mlops-kit build` names its files
        self.base: str | None = None  # the German root URL (English inherits it)
        self.problems: list[Problem] = []  # content errors shown by `serve` as a page
        self.command = "build"
        # The German build runs the English one after it (plain `mkdocs build`, `serve`);
        # `mlops-kit build` builds English in another process at the same time instead.
        self.then_english = True
        # `serve` rebuilds only changed pages (generator.site.incremental): what this
        # language's last build wrote (each language builds in a process of its own);
        # whether this build is a full one, the digests of what it generates, its
        # signature and the pages it rendered.
        self.dirty = False
        self.memory = incremental.Memory()
        self._full = True
        self._digests: dict[str, str] = {}
        self._signature = ""
        self._built: set[str] = set()
        self.downloads: list[Download] = []
        self._english: beside.English | None = None  # English's process under `serve`

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        self.dirty = dirty
        self.memory = incremental.Memory()  # a new command: no earlier build on disk
        self.on_shutdown()

    def on_shutdown(self) -> None:
        if self._english is not None:
            self._english.close()
            self._english = None

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig,
                 builder: Callable) -> LiveReloadServer:
        """Notice saved files within 0.1 s (:func:`incremental.quicker_server`)."""
        return incremental.quicker_server(server, config)

    def content_dir(self, config: MkDocsConfig) -> Path:
        path = Path(self.config.content)
        return path if path.is_absolute() else Path(config.config_file_path).parent / path

    @event_priority(100)  # before the search plugin fixes its language
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        lang = self.config.lang
        content = self.content_dir(config)
        self.problems = []
        bank = self.bank
        # Serve re-reads content on every rebuild, in the German build: English follows it
        # with the bank just read.
        if bank is None or (self.command == "serve" and lang == "de"):
            bank, problems = check(content, check_lock=False)
            if bank is None:
                self.problems = [p for p in problems if not p.warning]
                if self.command != "serve":
                    raise PluginError(_message(self.problems))
                # Not through MkDocs' logger: under strict mode an ERROR record would abort the
                # build, and serve is meant to keep running and show the problems page.
                print(_message(self.problems), file=sys.stderr)
        self.bank = bank
        de_url = self.base or config.site_url or "/"
        self.base = de_url if de_url.endswith("/") else de_url + "/"
        config.theme["language"] = lang
        if lang != "de":
            config.site_url = alternates.page_url(self.base, lang, "")
        search = config.plugins.get("material/search") or config.plugins.get("search")
        if search is not None:
            search.config.lang = [lang]
            if hasattr(search, "is_dirty"):  # its merge assumes one rebuilt page: ours
                search.is_dirty = False    # (incremental.merge_search) takes over
        if str(content) not in config.watch:
            config.watch.append(str(content))
        if bank is not None:
            _configure(config, bank, lang, self.base)
            if self.dirty and lang == "de" and self.then_english:
                if self._english is None or not self._english.alive:  # once, or again
                    self._english = beside.English()  # if it ended: a fresh English state
                self._english.start(beside.Job(
                    str(config.config_file_path), str(Path(config.site_dir) / "en"),
                    str(content), bank, self.base))
        else:  # serve with broken content: one page listing the problems
            config.nav = [{"Content has problems": "index.md"}]
            config.extra["kit_404"] = {"title": "Not found", "text": "", "home": "Home",
                                       "other": "", "root": "/", "other_root": "/",
                                       "lang": lang}
            config.extra["kit_languages"] = []
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        lang = self.config.lang
        memory = self.memory
        if self.bank is None or self.problems:
            generated: dict[str, str | bytes] = {"index.md": pages.problems_page(self.problems)}
        else:
            self.downloads, data = self._downloads(config, lang)
            generated = pages.generate(self.bank, lang, self.downloads, data,
                                       memory.pages if self.dirty else None)
        self._signature = incremental.signature(config, generated) if self.dirty else ""
        full = not self.dirty or self._signature != memory.signature
        if self.dirty and full:  # as a clean build: no page of an earlier build survives
            # English builds into site/en at this moment (generator.site.beside)
            incremental.empty(Path(config.site_dir), keep=LANG_ROOTS["en"].rstrip("/")
                              if lang == "de" else None)
        elif self.dirty:
            incremental.remove_stale(Path(config.site_dir), memory, generated)
        self._digests, self._built = {}, set()
        for path, content in sorted(generated.items()):
            existing = files.get_file_from_path(path)
            if existing is not None:
                files.remove(existing)
            file = incremental.GeneratedFile.generated(config, path, content=content)
            if self.dirty:  # a clean build rebuilds everything: no digest to compare
                self._digests[path] = incremental.digest(content)
                file.unchanged = (not full and memory.digests.get(path) == self._digests[path]
                                  and not incremental.always_rebuilt(content))
            files.append(file)
        self._full = full
        return files

    def _downloads(self, config: MkDocsConfig, lang: str) -> tuple[list[Download], dict]:
        """This language's decks and PDFs. `mlops-kit build` names them up front and copies
        them in afterwards; plain `mkdocs build`/`serve` offers what the last `mlops-kit
        build` wrote to ``dist/`` (its manifest holds the typed list)."""
        if self.published is not None:
            return [d for d in self.published if d.lang == lang], {}
        root = Path(config.config_file_path).parent / self.config.downloads
        found, data = [], {}
        for d in read_manifest(root):
            path = root / ("decks" if d.kind == "deck" else "pdf") / d.name
            if d.lang == lang and path.exists():
                found.append(d)
                data[d.name] = path.read_bytes()
        return found, data

    @event_priority(200)  # before Material's tags plugin lists the pages it has seen
    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        """Keep Material's page templates compiled between builds (Jinja's own bytecode
        cache, keyed by each template's source): every build of each language compiled
        all 47 of them again, a tenth of a warm rebuild under `serve`. In a dirty build,
        let the plugins see the pages it skips (:func:`incremental.read_unchanged`)."""
        if self.dirty:
            incremental.read_unchanged(files, config)
        folder = caches.cache_dir("jinja")
        folder.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = FileSystemBytecodeCache(str(folder))
        return env

    def on_post_page(self, output: str, page, config: MkDocsConfig) -> str:
        self._built.add(page.url)
        return html.finish_page(output, self.config.lang, str(self.base), page.url)

    def on_post_template(self, output: str, template_name: str, config: MkDocsConfig) -> str:
        """Static templates (the 404 page) get the same search worker and CSP as pages."""
        if not template_name.endswith(".html"):
            return output
        return html.finish_page(output, self.config.lang, str(self.base), None)

    @event_priority(-100)  # after the search plugin wrote this build's index
    def on_post_build(self, config: MkDocsConfig) -> None:
        """Defer this build's search index; after the German build, build English into
        ``<site_dir>/en`` (same process), or under `serve` wait for the English process
        that has built it meanwhile."""
        site = Path(config.site_dir)
        if self.dirty:
            memory = self.memory
            incremental.merge_search(site / "search" / "search_index.json", memory,
                                     self._built, self._full)
            memory.signature, memory.digests = self._signature, self._digests
        search_index.defer(site)
        if self.config.lang != "de" or self.problems or not self.then_english:
            return
        if self._english is not None:  # serve: English has built meanwhile
            self._english.finish()
            alternates.annotate_sitemaps(site, str(self.base))
            return
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        en = load_config(config.config_file_path, site_dir=str(site / "en"),
                         strict=config.strict)
        other: KitPlugin = en.plugins["mlops-kit"]  # type: ignore[assignment]
        other.config.lang = "en"
        other.config.content = str(self.content_dir(config))
        other.bank, other.published, other.base = self.bank, self.published, self.base
        other.command = self.command
        build(en)
        alternates.annotate_sitemaps(Path(config.site_dir), str(self.base))


def _message(problems: list[Problem]) -> str:
    lines = [p.format() for p in problems]
    return ("content has problems (run `mlops-kit validate`):\n" + "\n".join(lines)
            + f"\n(codes: {', '.join(sorted({p.code for p in problems}))}; see "
            f"CONTRIBUTING.md, {len(CODES)} rules)")


def _configure(config: MkDocsConfig, bank: Bank, lang: str, de_url: str) -> None:
    """Everything of the MkDocs config that depends on the bank and the language."""
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
    root = urlsplit(de_url).path or "/"
    # One scope for Material's stored preferences (the palette): both languages share it.
    config.extra["scope"] = root
    other = next(code for code in LANG_ROOTS if code != lang)
    config.extra["kit_404"] = {
        "title": t["not_found_title"][lang], "text": t["not_found_text"][lang],
        "home": t["not_found_home"][lang], "other": t["not_found_other"][lang],
        "root": root + LANG_ROOTS[lang], "other_root": root + LANG_ROOTS[other],
        "lang": lang}
    # The switcher: the other language's root, relative to this build's root;
    # overrides/partials/alternate.html appends the current page path so the reader stays
    # on the same question. `alternate: true` makes Material include the switcher partial
    # but emit no <link rel=alternate> tags (those would make it fetch sitemaps).
    config.extra["alternate"] = True
    up = "../" * LANG_ROOTS[lang].count("/")
    config.extra["kit_languages"] = [
        {"name": "Deutsch", "link": up + LANG_ROOTS["de"] or "./", "lang": "de"},
        {"name": "English", "link": up + LANG_ROOTS["en"] or "./", "lang": "en"},
    ]
