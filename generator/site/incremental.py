"""`mlops-kit serve` rebuilds only the pages an edit changed.

A full build of one language renders every page through Python-Markdown, Material's
templates and its search indexer (about 4 s per language at 103 questions, most of it for
pages the edit did not touch). Serve runs MkDocs' dirty builds (``mkdocs serve --dirty``):
a page whose :meth:`File.is_modified` is false keeps the HTML its last build wrote. MkDocs
decides that by file times, which generated pages do not have, so :class:`GeneratedFile`
decides by content: a page is unchanged when this language's last build wrote the same
Markdown, its HTML is still there, and nothing every page shows changed
(:func:`signature`: navigation, the page list, labels, templates, mkdocs.yml). Anything
else rebuilds the language in full, as a clean build would. A question's title shows in
other pages' own Markdown (neighbours, related questions, its category), so editing it
rebuilds those pages and the tag listings, not the site.

Two things a dirty build leaves stale are mended here: Material's search index (it then
holds the rebuilt pages only; its own merge assumes one rebuilt page, so the previous
entries of the other pages are merged back here, :func:`merge_search`), and deleted pages
(a change of the page list is a full rebuild into an emptied folder).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

if TYPE_CHECKING:
    from mkdocs.livereload import LiveReloadServer

GENERATOR = Path(__file__).resolve().parent.parent
_LISTING = "<!-- material/tags"
# How often `serve` looks for saved files. MkDocs polls every 0.5 s, a third of the time
# from saving a question to seeing it; a scan of content/ takes about a millisecond.
POLL_SECONDS = 0.1


@dataclass
class Memory:
    """What one language's last successful build under `serve` wrote."""

    signature: str = ""
    digests: dict[str, str] = field(default_factory=dict)  # site path -> content digest
    search: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # page URL -> entries
    order: list[str] = field(default_factory=list)  # page URLs in the index's order
    pages: dict[str, dict[str, str | bytes]] = field(default_factory=dict)  # pages.generate


class GeneratedFile(File):
    """A generated file that is "modified" only when its content changed since the last
    build (see the module docstring); MkDocs then skips rendering or copying it."""

    unchanged = False

    def is_modified(self) -> bool:
        return not (self.unchanged and os.path.isfile(self.abs_dest_path))


def digest(content: str | bytes) -> str:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()


def signature(config: MkDocsConfig, generated: dict[str, str | bytes]) -> str:
    """A digest of everything a page shows besides its own Markdown: when it changes,
    every page of the language is rebuilt."""
    h = hashlib.sha256()
    shown = {key: config[key] for key in ("site_name", "site_description", "copyright",
                                          "nav", "extra", "site_url")}
    shown["palette"] = config.theme.get("palette")
    shown["toc"] = config.mdx_configs.get("toc")
    h.update(json.dumps(shown, sort_keys=True, default=str).encode())
    # The page list: every page's navigation and 404 page link the others. A page's
    # front matter shows on no other page MkDocs renders from it: navigation titles come
    # from mkdocs.yml's nav (above), and the tag listings that show titles and tags are
    # rebuilt every time (:func:`always_rebuilt`). Titles in other pages' Markdown
    # (neighbours, related questions, category lists) change those pages' own digests.
    for path in sorted(generated):
        if path.endswith(".md"):
            h.update(path.encode() + b"\0")
    for path in sorted(p for p in GENERATOR.joinpath("site").rglob("*")
                       if p.is_file() and "__pycache__" not in p.parts):
        h.update(path.relative_to(GENERATOR).as_posix().encode() + b"\0" + path.read_bytes())
    config_file = Path(config.config_file_path or "")
    for path in (config_file, GENERATOR.parent / "mkdocs.yml"):
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()


def merge_search(index: Path, memory: Memory, built: set[str], full: bool) -> None:
    """Complete the search index a dirty build wrote (entries of the rebuilt pages only)
    with the previous entries of every other page, in a full build's order (Material's
    own, kept from the last full build: a partial one has the same pages)."""
    if not index.exists():
        return
    data = json.loads(index.read_text(encoding="utf-8"))
    fresh: dict[str, list[dict[str, Any]]] = {}
    for entry in data.get("docs", []):
        fresh.setdefault(entry["location"].split("#", 1)[0], []).append(entry)
    if full:
        memory.order = list(fresh) + sorted(built - fresh.keys())
        memory.search = {}
    memory.search = {url: fresh.get(url, []) if url in built else memory.search.get(url, [])
                     for url in memory.order}
    data["docs"] = [entry for url in memory.order for entry in memory.search[url]]
    index.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")


def read_unchanged(files: Files, config: MkDocsConfig) -> None:
    """Read the front matter and Markdown of every page a dirty build skips, and run the
    plugins' Markdown hooks on it (not its rendering): Material's tags plugin learns every
    page's tags and title there, for the tag links and the tags index the rebuilt pages
    show. Milliseconds; rendering was the cost."""
    for file in files.documentation_pages():
        page = file.page
        if page is None or file.is_modified() or page.markdown is not None:
            continue
        page.read_source(config)
        assert page.markdown is not None
        page.markdown = config.plugins.on_page_markdown(page.markdown, page=page,
                                                        config=config, files=files)


def always_rebuilt(content: str | bytes) -> bool:
    """Pages whose content MkDocs' plugins make from all pages (Material's tag listings)."""
    return isinstance(content, str) and _LISTING in content


def remove_stale(site: Path, memory: Memory, generated: dict[str, str | bytes]) -> None:
    """Delete the files (not pages: a change of pages is a full rebuild) the last build
    generated and this one does not, such as card data under its old content name."""
    for path in sorted(memory.digests.keys() - generated.keys()):
        if not path.endswith(".md"):
            (site / path).unlink(missing_ok=True)


def empty(folder: Path, keep: str | None = None) -> None:
    """Remove everything inside ``folder`` but ``keep`` (a full rebuild leaves no deleted
    page behind; German keeps English's folder, English empties it itself)."""
    import shutil

    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.name == keep:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def quicker_server(server: LiveReloadServer, config: MkDocsConfig) -> LiveReloadServer:
    """MkDocs' live-reload server, polling every :data:`POLL_SECONDS`: the interval is
    fixed when a server is made and `mkdocs serve` offers no option, so its server, not
    started yet (the ``on_serve`` event), is replaced with an equal one. MkDocs then adds
    the ``watch`` paths (content/) to this one."""
    from mkdocs.livereload import LiveReloadServer

    host, port = config.dev_addr
    quick = LiveReloadServer(builder=server.builder, host=host, port=port, root=server.root,
                             mount_path=server.mount_path, polling_interval=POLL_SECONDS)
    quick.error_handler = server.error_handler
    for path in (config.docs_dir, config.config_file_path):
        if path:
            quick.watch(path)
    server.server_close()  # its socket was made, never bound
    return quick
