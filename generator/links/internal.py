"""Internal links of the built site, offline: every ``href``/``src`` that stays inside the
site must name a file that exists, and every ``#fragment`` of a link must name an ``id`` on
the target page. MkDocs' strict validation already covers Markdown links; this check also
sees what MkDocs cannot: raw HTML from templates, overrides and the renderers, and links
from the English build (``/en/``) back into the German root.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

# Attributes that point at another resource, by tag. Only <a>/<area> fragments are anchors:
# "#only-light" on an image is Material's colour-scheme switch, not a place in a page.
_URL_ATTRS: dict[str, tuple[str, ...]] = {
    "a": ("href",), "area": ("href",), "link": ("href",),
    "img": ("src", "srcset"), "source": ("src", "srcset"), "script": ("src",),
    "iframe": ("src",), "embed": ("src",), "video": ("src", "poster"), "audio": ("src",),
    "track": ("src",), "object": ("data",),
}
_ANCHOR_TAGS = {"a", "area"}
_SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "blob:", "about:")
_FALLBACK_BASE = "https://site.invalid/"


@dataclass(frozen=True)
class Link:
    tag: str
    value: str


class _Page(HTMLParser):
    """One parsed HTML page: the ids it defines and the links it makes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[Link] = []
        self.canonical: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs if v is not None}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        if tag == "link" and values.get("rel") == "canonical":
            self.canonical = values.get("href")
        for attr in _URL_ATTRS.get(tag, ()):
            value = values.get(attr)
            if value is None:
                continue
            parts = [c.strip().split()[0] for c in value.split(",") if c.strip()] \
                if attr == "srcset" else [value.strip()]
            self.links.extend(Link(tag, p) for p in parts if p)

    handle_startendtag = handle_starttag


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    page.close()
    return page


def _site_url(root: _Page | None) -> str:
    """The URL the site is published under: the canonical link of its home page (German
    root), so absolute links to the site itself are checked too. A site without one is
    checked against a placeholder host, which only relative links can reach."""
    url = root.canonical if root and root.canonical else _FALLBACK_BASE
    return url if url.endswith("/") else url + "/"


def _target_file(site: Path, rel: str) -> Path | None:
    """The file a static host would send for a site-relative path, or None if there is none.

    Repeated slashes collapse as on GitHub Pages, and ``foo`` serves ``foo/index.html``.
    """
    parts = [part for part in rel.split("/") if part]
    if ".." in parts:  # percent-encoded dots survive URL normalisation
        return None
    path = site.joinpath(*parts)
    if not parts or rel.endswith("/") or path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


def check_site(site: Path) -> list[str]:
    """Every broken internal link and missing anchor, one line each, sorted."""
    pages = {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*.html"))}
    parsed: dict[str, _Page] = {}

    def page(rel: str) -> _Page:
        if rel not in parsed:
            parsed[rel] = _parse(site / rel)
        return parsed[rel]

    base = _site_url(page("index.html") if "index.html" in pages else None)
    split_base = urlsplit(base)
    problems: set[str] = set()
    for rel in pages:
        here = urljoin(base, quote(rel))
        for link in page(rel).links:
            value = link.value
            if value.startswith("#") and link.tag not in _ANCHOR_TAGS:
                continue
            if value.lower().startswith(_SKIP_SCHEMES):
                continue
            absolute = urljoin(here, value)
            parts = urlsplit(absolute)
            if parts.scheme not in ("http", "https"):
                continue
            if (parts.scheme, parts.netloc) != (split_base.scheme, split_base.netloc):
                continue  # another host: the external check's business
            path = parts.path + "/" if parts.path + "/" == split_base.path else parts.path
            if not path.startswith(split_base.path):
                problems.add(f"{rel}: broken link -> {value} (outside the site)")
                continue
            target_rel = unquote(path[len(split_base.path):])
            target = _target_file(site, target_rel)
            if target is None:
                problems.add(f"{rel}: broken link -> {value}")
                continue
            fragment = unquote(parts.fragment)
            if not fragment or link.tag not in _ANCHOR_TAGS or target.suffix != ".html":
                continue
            if fragment not in page(target.relative_to(site).as_posix()).ids:
                problems.add(f"{rel}: missing anchor #{fragment} -> {value}")
    return sorted(problems)
