"""What every built page gets after MkDocs rendered it: our search worker layer, hreflang
links to its other-language version, and a Content-Security-Policy with hashed inline
scripts. Pure functions on HTML text, shared by pages and static templates (404)."""

from __future__ import annotations

import base64
import hashlib
import re

from . import alternates

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S)
_WORKER = re.compile(r'"search": "([^"]*?)assets/javascripts/workers/(search\.[0-9a-f]+\.min\.js)"')


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


def search_worker(output: str, lang: str) -> str:
    """Point Material's search at our worker layer (word forms, compounds, synonyms), which
    loads Material's own worker behind it (docs/assets/javascripts/workers/mlk-search.js)."""
    return _WORKER.sub(lambda m: f'"search": "{m.group(1)}assets/javascripts/workers/'
                       f'mlk-search.js?lang={lang}&w={m.group(2)}"', output, count=1)


def with_policy(output: str) -> str:
    meta = f'<meta http-equiv="Content-Security-Policy" content="{csp(output)}">'
    return output.replace("<head>", "<head>\n    " + meta, 1)


def finish_page(output: str, lang: str, de_root: str, path: str | None) -> str:
    """Search worker, hreflang links (pages only: ``path`` is the page URL), then the CSP,
    which must come last because it hashes the finished inline scripts."""
    output = search_worker(output, lang)
    if path is not None:
        links = alternates.head_links(de_root, path)
        output = output.replace("</head>", f"  {links}\n  </head>", 1)
    return with_policy(output)
