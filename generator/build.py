"""Run the renderers into a staging folder and move the results into place atomically.

A failed build (content error, crash in a renderer) leaves the previous ``OUT/`` exactly as
it was: nothing is written outside the staging folder until every step has succeeded.
"""

from __future__ import annotations

import datetime as dt
import importlib
import multiprocessing
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from . import lock as lockfile
from . import markup
from .bank import load_bank
from .downloads import fill_sizes, write_manifest
from .model import LANG_ROOTS, LANGS, Bank, Download

OUTPUTS = ("decks", "pdf", "site")
BESIDE = ("decks",)  # built in this process while the site builds in two others
# Built after the site, once its worker processes have ended and handed their memory back:
# the PDF renderer lays out and joins on every core, in children of its own (about 250 and
# 340 MiB each at 2,000 questions), which beside two MkDocs builds would pass 1 GiB.
AFTER = ("pdf",)
ENGLISH = "site-en"  # staging folder of the English site until it moves into site/en
# The repository: mkdocs.yml, theme overrides and templates are code, not content, so a
# content folder elsewhere (tests, forks) is still rendered with this project's config.
REPO = Path(__file__).resolve().parent.parent  # decks and PDFs first: the site links to them


@dataclass(frozen=True)
class Context:
    """What every renderer may know besides the bank."""

    project: Path  # folder holding mkdocs.yml, content/ and decks/
    lock: lockfile.Lock
    revision: dt.date  # date of the newest content change, from the lock (deterministic)
    site_url: str
    downloads: tuple[Download, ...] = ()  # what the decks and PDF renderers publish

    def site_root(self, lang: str) -> str:
        """Where a language lives on the site: German at the root, English under ``en/``."""
        return self.site_url + LANG_ROOTS[lang]


class Progress:
    """One line per step on stderr with its duration (silenced by ``--quiet``)."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        if not self.quiet:
            print(f"  {name:<28} {time.perf_counter() - start:6.2f} s", file=sys.stderr)


def revision_of(lock: lockfile.Lock) -> dt.date:
    times = [t for e in lock.questions.values() for t in e.modified.values()]
    return dt.datetime.fromtimestamp(max(times) if times else 0, dt.timezone.utc).date()


def site_url() -> str:
    """``site_url`` from mkdocs.yml (read as text: the file has MkDocs-only YAML tags)."""
    path = REPO / "mkdocs.yml"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("site_url:"):
                return line.split(":", 1)[1].strip().strip("'\"").rstrip("/") + "/"
    return "https://example.org/"


def context_for(content: Path, bank: Bank, downloads: tuple[Download, ...] = ()) -> Context:
    project = content.resolve().parent
    lock, _ = lockfile.read(lockfile.lock_path(content))
    return Context(project, lock, revision_of(lock), site_url(), downloads)


def renderers(only: tuple[str, ...] = ()) -> dict[str, ModuleType]:
    """The renderer modules to run, by output folder, each with ``build(bank, out, ctx)``
    and, when it publishes downloads, ``outputs(bank)``. Imported lazily: validate stays
    fast."""
    return {name: importlib.import_module(f"generator.{name}") for name in OUTPUTS
            if not only or name in only}


def build(content: Path, out: Path, progress: Progress, only: tuple[str, ...] = ()) -> Bank:
    """Validate, render into a staging folder, then swap each output folder into place."""
    with progress.step("validate"):
        bank = load_bank(content)
    chosen = renderers(only)
    downloads = tuple(d for module in chosen.values() if hasattr(module, "outputs")
                      for d in module.outputs(bank))
    ctx = context_for(content, bank, downloads)
    if {"site", "decks"} & set(chosen):
        with progress.step("markdown"):
            prerender(bank)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    try:
        # Both languages of the site build in forked processes while the decks build
        # here: both cores work, and the workers' Python (a whole MkDocs build each) does
        # not contend with this process for the GIL. The site only needs the download
        # names, known up front. Forked before any thread starts, once the Markdown cache
        # is filled. The PDFs follow once the workers have ended (see AFTER).
        for name in chosen:
            (staging / name).mkdir()
        fork = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=2, mp_context=fork) as sites:
            pending = [sites.submit(_site_language, progress, lang, bank, staging / folder, ctx)
                       for lang, folder in (("de", "site"), ("en", ENGLISH))
                       if "site" in chosen]
            for name in chosen:
                if name in BESIDE:
                    _render(progress, name, bank, staging / name, ctx)
            for future in pending:
                future.result()  # re-raises a renderer's error here
        for name in chosen:
            if name in AFTER:
                _render(progress, name, bank, staging / name, ctx)
        if "site" in chosen:
            site_module = chosen["site"]
            site_module.join(staging / "site", staging / ENGLISH, ctx.site_url)
            publish(staging, downloads)
        write_manifest(staging, downloads)
        _swap(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return bank


def _site_language(progress: Progress, lang: str, bank: Bank, target: Path,
                   ctx: Context) -> None:
    """Build one language of the site (module level: each language builds in a child)."""
    with progress.step(f"site {lang}"):
        renderers(("site",))["site"].build_language(bank, target, ctx, lang)


def _render(progress: Progress, name: str, bank: Bank, target: Path, ctx: Context) -> None:
    """Run one renderer into ``target`` (module level: the decks build in a child)."""
    with progress.step(name):
        renderers((name,))[name].build(bank, target, ctx)


def publish(staging: Path, downloads: tuple[Download, ...]) -> None:
    """Copy this build's decks and PDFs into the site of their language and write their
    sizes into the downloads pages (the site was built while the PDFs were)."""
    sizes: dict[str, int] = {}
    for d in downloads:
        folder = staging / "site" / ("downloads" if d.lang == "de" else "en/downloads")
        folder.mkdir(parents=True, exist_ok=True)
        source = staging / ("decks" if d.kind == "deck" else "pdf") / d.name
        shutil.copy2(source, folder / d.name)
        sizes[d.name] = source.stat().st_size
    for page in (staging / "site" / "downloads" / "index.html",
                 staging / "site" / "en" / "downloads" / "index.html"):
        if page.exists():
            html = page.read_text(encoding="utf-8")
            page.write_text(fill_sizes(html, sizes), encoding="utf-8")



def prerender(bank: Bank) -> None:
    """Render every Markdown text the site and the decks share, once, on every core."""
    blocks: list[str] = []
    inlines: list[str] = []
    for q in bank.questions:
        for lang in LANGS:
            x = q.text[lang]
            blocks.append(x.answer)
            inlines += [x.question, x.intent, *x.key_points]
            if q.table:
                header, rows = q.table.cells(lang)
                inlines += [q.table.caption[lang], *header, *(c for r in rows for c in r)]
    markup.prerender(blocks, inlines)


def _swap(staging: Path, out: Path) -> None:
    """Replace ``out/<name>`` by ``staging/<name>``; each rename is atomic on one filesystem."""
    for new in sorted(staging.iterdir()):
        final = out / new.name
        old = staging / f".old-{new.name}"
        if final.exists():
            final.rename(old)
        new.rename(final)
