"""The site renderer: Material for MkDocs, German at ``/`` and English at ``/en/``.

``mkdocs.yml`` + :mod:`generator.site.hooks` do the work; this module runs them for
``mlops-kit build`` and ``mlops-kit serve``.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from ..build import REPO
from ..model import Bank

CONFIG = "mkdocs.yml"


@contextlib.contextmanager
def scoped_env(**values: str) -> Iterator[None]:
    """Set environment variables for the duration of a block (the hooks read them)."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _log_to_stderr(level: int) -> None:
    """Show MkDocs' own messages (its errors explain a failed site build); MkDocs only
    installs a handler when run through its own command line."""
    logger = logging.getLogger("mkdocs")
    logger.setLevel(level)
    if not any(getattr(h, "_mlops_kit", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._mlops_kit = True  # type: ignore[attr-defined]
        logger.addHandler(handler)


def build(bank: Bank, out: Path, ctx) -> None:  # ctx: build.Context (import would cycle)
    """Build both languages into ``out`` (German at the root, English in ``out/en``)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from .pages import current

    _log_to_stderr(logging.WARNING)
    current["preloaded"] = bank  # already validated by the build: no second parse
    current["published"] = list(ctx.downloads)  # copied into the site after the build
    with scoped_env(MLOPS_KIT_LANG="de", MLOPS_KIT_CONTENT=str(bank.root.resolve()),
                    NO_MKDOCS_2_WARNING="1"):
        config = load_config(str(REPO / CONFIG), site_dir=str(out.resolve()))
        try:
            mkdocs_build(config)
        finally:
            current.pop("published", None)


def serve(content: Path, dev_addr: str) -> int:
    """Live-reloading authoring server; edits to content/ show in both languages."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    _log_to_stderr(logging.INFO)
    with scoped_env(MLOPS_KIT_CONTENT=str(content.resolve()), NO_MKDOCS_2_WARNING="1"):
        mkdocs_serve(str(REPO / CONFIG), dev_addr=dev_addr, livereload=True)
    return 0
