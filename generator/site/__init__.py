"""The site renderer: Material for MkDocs, German at ``/`` and English at ``/en/``.

``mkdocs.yml`` + the ``mlops-kit`` plugin (:mod:`generator.site.plugin`) do the work; this
module runs them for ``mlops-kit build`` and ``mlops-kit serve``, handing the plugin what
it needs on its instance (the validated bank, the downloads), never through the process
environment.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from ..build import REPO
from ..model import LANG_ROOTS, Bank
from . import alternates

CONFIG = "mkdocs.yml"
PLUGIN = "mlops-kit"


class _Quiet(logging.Filter):
    """Serve prints one line per rebuild: MkDocs' INFO chatter (file lists, timing of each
    build step) is dropped, its warnings and errors and the rebuild line stay."""

    KEEP = ("Serving on", "Building documentation", "Documentation built", "Detected file")
    # MkDocs warns of stale navigation on every dirty build; ours rebuild every page
    # whenever the navigation could differ (generator.site.incremental).
    DROP = ("A 'dirty' build is being performed",)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith(self.DROP):
            return False
        return record.levelno >= logging.WARNING or message.startswith(self.KEEP)


def _log_to_stderr(level: int, quiet: bool = False) -> None:
    """Show MkDocs' own messages (its errors explain a failed site build); MkDocs only
    installs a handler when run through its own command line."""
    logger = logging.getLogger("mkdocs")
    logger.setLevel(level)
    if not any(getattr(h, "_mlops_kit", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._mlops_kit = True  # type: ignore[attr-defined]
        if quiet:
            handler.addFilter(_Quiet())
        logger.addHandler(handler)


def build(bank: Bank, out: Path, ctx) -> None:  # ctx: build.Context (import would cycle)
    """Build both languages into ``out``, one after the other (German at the root, English
    in ``out/en``), as plain ``mkdocs build`` does."""
    _mkdocs(bank, out, ctx, "de", then_english=True)


def build_language(bank: Bank, out: Path, ctx, lang: str) -> None:
    """Build one language's site alone, with ``out`` as its root. `mlops-kit build` runs
    the two languages in separate processes at once and then :func:`join` s them: each
    is a whole MkDocs build of its own, so the second core halves the longest step."""
    _mkdocs(bank, out, ctx, lang, then_english=False)


def join(site: Path, english: Path, de_root: str) -> None:
    """Move the English site built beside the German one into ``site/en`` and link the
    two languages' sitemaps to each other (what the German build does after its own)."""
    english.rename(site / LANG_ROOTS["en"].rstrip("/"))
    alternates.annotate_sitemaps(site, de_root)


def _mkdocs(bank: Bank, out: Path, ctx, lang: str, then_english: bool) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    _log_to_stderr(logging.WARNING)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(REPO / CONFIG), site_dir=str(out.resolve()))
    plugin = config.plugins[PLUGIN]
    plugin.config.lang = lang  # type: ignore[attr-defined]
    plugin.config.content = str(bank.root.resolve())  # type: ignore[attr-defined]
    plugin.bank = bank  # type: ignore[attr-defined]  # validated already: no second parse
    plugin.published = list(ctx.downloads)  # type: ignore[attr-defined]  # copied in later
    plugin.then_english = then_english  # type: ignore[attr-defined]
    # As `mkdocs build` does: MkDocs keeps plugin instances for the whole process, and
    # one that served before must forget it (dirty builds, command).
    config.plugins.on_startup(command="build", dirty=False)
    mkdocs_build(config)


def _plugins_for(content: Path) -> list:
    """mkdocs.yml's plugin list with our plugin reading ``content`` (a config override:
    MkDocs reloads the config on every rebuild of `serve`)."""
    data = yaml.safe_load((REPO / CONFIG).read_text(encoding="utf-8"))
    out = []
    for entry in data.get("plugins", []):
        name = entry if isinstance(entry, str) else next(iter(entry))
        options = {} if isinstance(entry, str) else dict(entry[name] or {})
        if name == PLUGIN:
            options["content"] = str(content.resolve())
        out.append({name: options} if options else name)
    return out


@contextmanager
def serve_config(content: Path) -> Iterator[Path]:
    """A config for `serve` that inherits mkdocs.yml and reads ``content``, written beside
    mkdocs.yml (so its relative paths still hold) under a name of this process's own, and
    removed afterwards. MkDocs reloads the config file on every rebuild, so the content
    folder goes into this file (a plugin option, not the environment).

    Not strict: MkDocs counts its own dirty-build notice as a warning, and a page with a
    warning should still show while its author fixes it (build and CI stay strict)."""
    path = REPO / f".mkdocs-serve-{os.getpid()}.yml"
    path.write_text("# Written by `mlops-kit serve`; removed when it stops.\n"
                    + yaml.safe_dump({"INHERIT": CONFIG, "strict": False,
                                      "plugins": _plugins_for(content)}),
                    encoding="utf-8")
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def serve(content: Path, dev_addr: str) -> int:
    """Live-reloading authoring server; edits to content/ show in both languages. Broken
    content shows as a page listing the located problems, which reloads once fixed. An
    edit re-renders only the pages it changed (MkDocs' dirty builds, see .incremental)."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    _log_to_stderr(logging.INFO, quiet=True)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    with serve_config(content) as path:
        mkdocs_serve(str(path), dev_addr=dev_addr, livereload=True, build_type="dirty")
    return 0
