"""The two language versions of a page point at each other: ``hreflang`` links in every
page head and in both sitemaps, so search engines show each reader their language.

Every page exists in both languages under the same path (German at the root, English under
``en/``), so the alternate of a page is its path under the other root.
"""

from __future__ import annotations

import gzip
import re
from html import escape
from pathlib import Path

from ..model import LANG_ROOTS


def page_url(de_root: str, lang: str, path: str) -> str:
    """The absolute URL of ``path`` (a page URL such as ``questions/x/``) in ``lang``."""
    return de_root + LANG_ROOTS[lang] + path


# Material's JavaScript fetches "<href>sitemap.xml" for every `link[rel=alternate]` (an
# exact attribute match) to drive its version selector: under every page that is a 404, and
# across origins a CSP violation. A second "alternate" token keeps the link an alternate for
# crawlers (rel is a set of tokens) while that selector no longer matches it.
REL = "alternate alternate"


def head_links(de_root: str, path: str) -> str:
    """``<link hreflang>`` tags for both languages and ``x-default`` (German)."""
    links = [f'<link rel="{REL}" hreflang="{lang}" '
             f'href="{escape(page_url(de_root, lang, path))}">' for lang in LANG_ROOTS]
    links.append(f'<link rel="{REL}" hreflang="x-default" '
                 f'href="{escape(page_url(de_root, "de", path))}">')
    return "\n    ".join(links)


_URL = re.compile(r"<url>\s*<loc>([^<]+)</loc>")


def annotate_sitemaps(site_dir: Path, de_root: str) -> None:
    """Add ``xhtml:link`` alternates to ``sitemap.xml`` (and its .gz) of both languages."""
    for sub in LANG_ROOTS.values():
        path = site_dir / sub / "sitemap.xml"
        if not path.exists():
            continue
        own = de_root + sub
        xml = path.read_text(encoding="utf-8")

        def alternates(m: re.Match[str], own: str = own) -> str:
            loc = m.group(1)
            rel = loc[len(own):] if loc.startswith(own) else ""
            links = "".join(f'\n         <xhtml:link rel="alternate" hreflang="{code}" '
                            f'href="{escape(page_url(de_root, code, rel))}"/>'
                            for code in LANG_ROOTS)
            return m.group(0) + links

        if "xmlns:xhtml" not in xml:
            xml = xml.replace('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"',
                              '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                              'xmlns:xhtml="http://www.w3.org/1999/xhtml"', 1)
            xml = _URL.sub(alternates, xml)
        path.write_text(xml, encoding="utf-8")
        with gzip.GzipFile(path.with_suffix(".xml.gz"), "wb", mtime=0) as gz:
            gz.write(xml.encode())
