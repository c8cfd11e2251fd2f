"""The one Markdown path: parse with markdown-it-py, render HTML, sanitise with nh3.

The site, the decks and the PDFs all start here. HTML output always passes :func:`sanitise`
(one explicit allow-list); the PDF renderer walks :func:`tokens` instead of HTML.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING

# The libraries are imported where first used: ``validate`` with a warm cache needs none of
# them, and their imports are a fifth of its start-up.
if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token
    from pygments.formatters import HtmlFormatter

# Raw HTML a contributor may write inside Markdown; anything else is reported (MLK210).
INLINE_HTML_ALLOWED = {"br", "kbd", "sub", "sup", "abbr"}
SAFE_SCHEMES = {"http", "https", "mailto", ""}

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "code", "pre", "span", "div", "kbd", "sub", "sup", "abbr",
    "ul", "ol", "li", "a", "blockquote", "h3", "h4", "h5", "h6", "hr",
    "table", "caption", "thead", "tbody", "tr", "th", "td",
    "details", "summary", "figure", "figcaption", "img",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class"},
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "ol": {"start"},
    "th": {"scope", "data-label"},
    "td": {"data-label"},
    "details": {"open"},
}


def sanitise(html: str) -> str:
    """Clean HTML against the project's allow-list; external links get ``rel=noopener``."""
    import nh3

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _heading(self, tokens: list[Token], idx: int, _options, _env) -> str:
    """Headings move down two levels: ``#`` in an answer never competes with the page
    title (``# x`` becomes ``<h3>``). Rendered, not stored: cached tokens stay as parsed."""
    tok = tokens[idx]
    level = min(int(tok.tag[1]) + 2, 6)
    return f"<h{level}>" if tok.nesting == 1 else f"</h{level}>\n"


def _fence(self, tokens: list[Token], idx: int, _options, _env) -> str:
    tok = tokens[idx]
    return _highlight(tok.content, tok.info.strip().split(" ")[0] if tok.info else "")


@lru_cache(maxsize=64)
def _lexer(lang: str):
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(lang) if lang else None
    except ClassNotFound:
        return None


@lru_cache(maxsize=1)
def _formatter() -> HtmlFormatter:
    """Pygments emits the same classes Material for MkDocs styles for its own code blocks."""
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(cssclass="highlight", wrapcode=True)


def _highlight(code: str, lang: str) -> str:
    from pygments import highlight

    lexer = _lexer(lang)
    if lexer is None:
        return f'<div class="highlight"><pre><code>{escape(code)}</code></pre></div>'
    return highlight(code, lexer, _formatter())


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.add_render_rule("fence", _fence)
    md.add_render_rule("heading_open", _heading)
    md.add_render_rule("heading_close", _heading)
    return md


def tokens(text: str) -> list[Token]:
    """The token stream of a Markdown text (used by the PDF renderer and the checks).

    Parsed once per distinct text: validation asks for the same answer several times.
    Callers must not modify the returned tokens.
    """
    return _cached_tokens(text)


@lru_cache(maxsize=16384)
def _cached_tokens(text: str) -> list[Token]:
    return _parser().parse(text)


# Every character that can start Markdown inline syntax (code, emphasis, links, images,
# HTML, entities, escapes, strikethrough, breaks); a text without any parses to one text
# node, so callers may skip the parser (tests/test_typst_markup.py checks every real text).
_INLINE_SYNTAX = re.compile(r"[\\`*_\[\]<>&~!\n\r]")


# What can make a line a heading, list item, quote or thematic break when parsed as a document.
_BLOCK_START = re.compile(r"[#>+\-=]|\d{1,9}[.)]")


def is_plain(text: str) -> bool:
    """True when ``text`` has no Markdown syntax at all: it is its own plain text."""
    return not _INLINE_SYNTAX.search(text) and text == text.strip()


def inline_tokens(text: str) -> list[Token]:
    """Tokens of a one-line text parsed as inline only: "1. Schritt" stays text, not a list."""
    return _parser().parseInline(text)


# Rendered HTML by (text, kind): the site and the decks render the same texts, so each is
# rendered once per build (and :func:`prerender` fills it on every core first).
_HTML: dict[tuple[str, str], str] = {}


def to_html(text: str) -> str:
    """Render Markdown to sanitised HTML (headings shifted down two levels)."""
    html = _HTML.get((text, "block"))
    if html is None:
        html = _HTML[(text, "block")] = _render((text, "block"))
    return html


def inline_html(text: str) -> str:
    """Render a one-line Markdown text (key point, table cell) without a wrapping ``<p>``."""
    html = _HTML.get((text, "inline"))
    if html is None:
        html = _HTML[(text, "inline")] = _render((text, "inline"))
    return html


def _render(job: tuple[str, str]) -> str:
    text, kind = job
    if kind == "inline":
        return sanitise(_parser().renderInline(text))
    # The cached stream (already parsed by validation); headings shift in the render rule.
    return sanitise(_parser().renderer.render(tokens(text), _parser().options, {}))


def prerender(blocks: list[str], inlines: list[str], workers: int = 0) -> int:
    """Render many texts into the cache, on every core when there are enough to pay for
    the worker processes. Returns how many were rendered."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    jobs = [j for j in dict.fromkeys([(t, "block") for t in blocks]
                                     + [(t, "inline") for t in inlines]) if j not in _HTML]
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(jobs) < 2000:  # below this, starting processes costs more
        for job in jobs:
            _HTML[job] = _render(job)
        return len(jobs)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        for job, html in zip(jobs, pool.map(_render, jobs, chunksize=256), strict=True):
            _HTML[job] = html
    return len(jobs)


def link(title: str, url: str) -> str:
    """A sanitised link for a source; brackets in a title would end the link text."""
    return inline_html(f"[{title.replace('[', '(').replace(']', ')')}]({url})")


_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")
_EVENT_ATTR = re.compile(r"\bon[a-z]+\s*=", re.IGNORECASE)


_BAD_LINK = re.compile(r"(?:\]\(|<|href\s*=\s*[\"']?)\s*(javascript|data|vbscript|file):",
                       re.IGNORECASE)


def unsafe_parts(text: str) -> list[tuple[int, str, str]]:
    """Find raw HTML and links a contributor must not use.

    Returns ``(line offset within text, code, message)`` triples; line offsets are 0-based.
    """
    found: list[tuple[int, str, str]] = []
    # Raw HTML needs a '<'; most fields have none, so skip the parse (it dominates validation).
    for tok, line in _walk_lines(tokens(text)) if "<" in text else ():
        if tok.type in ("html_block", "html_inline"):
            for m in _TAG.finditer(tok.content):
                name = m.group(2).lower()
                if name not in INLINE_HTML_ALLOWED:
                    found.append((line, "MLK210", f"raw HTML <{name}> is not allowed; use "
                                  "Markdown (allowed tags: "
                                  f"{', '.join(sorted(INLINE_HTML_ALLOWED))})"))
                elif _EVENT_ATTR.search(m.group(3)):
                    found.append((line, "MLK210", f"event handler attribute in <{name}> is not "
                                  "allowed; remove it"))
    # markdown-it already refuses these schemes (it leaves them as text), so look at the
    # source itself: the contributor should still hear about it.
    for offset, source_line in enumerate(text.splitlines()):
        for m in _BAD_LINK.finditer(source_line):
            found.append((offset, "MLK211", f"link with scheme '{m.group(1).lower()}:' is not "
                          "allowed; use an https:// URL"))
    return found


def _walk(toks: list[Token]):
    for tok, _line in _walk_lines(toks):
        yield tok


def _walk_lines(toks: list[Token], line: int = 0):
    """Every token with the 0-based source line of its nearest block (inline tokens have
    no map of their own)."""
    for tok in toks:
        here = tok.map[0] if tok.map else line
        yield tok, here
        if tok.children:
            yield from _walk_lines(tok.children, here)


def structure(text: str) -> dict[str, int]:
    """Counts of structural elements, compared between languages (MLK209)."""
    counts = {"list items": 0, "code blocks": 0, "links": 0, "tables": 0}
    for tok in _walk(tokens(text)):
        if tok.type == "list_item_open":
            counts["list items"] += 1
        elif tok.type in ("fence", "code_block"):
            counts["code blocks"] += 1
        elif tok.type == "link_open":
            counts["links"] += 1
        elif tok.type == "table_open":
            counts["tables"] += 1
    return counts


def plain(text: str) -> str:
    """Markdown reduced to plain text (meta descriptions, search snippets)."""
    if is_plain(text) and not _BLOCK_START.match(text):
        return " ".join(text.split())
    out: list[str] = []
    for tok in _walk(tokens(text)):
        if tok.type in ("text", "code_inline"):
            out.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return " ".join("".join(out).split())


def has_blocks(text: str) -> bool:
    """True when a text holds more than one paragraph of prose (lists, headings, code,
    quotes, tables): such a text cannot be shown inline or said aloud."""
    kinds = {tok.type for tok in tokens(text)}
    return bool(kinds - {"paragraph_open", "paragraph_close", "inline"}) or \
        sum(1 for tok in tokens(text) if tok.type == "paragraph_open") > 1


_CODE_BLOCK = re.compile(r'<div class="highlight">')


def label_code(html: str, label: str) -> str:
    """Mark each code block as material to show, not to recite (site and cards)."""
    return _CODE_BLOCK.sub(f'<div class="highlight mlk-show" data-label="{escape(label)}">',
                           html)


def table_html(caption: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A comparison table as sanitised HTML: row headers, and each cell labelled with its
    column (``data-label``) so a phone can show one block per row without losing context."""
    head = "".join(f'<th scope="col">{inline_html(h)}</th>' for h in header)
    labels = [escape(plain(h), quote=True) for h in header]
    body = "".join(
        "<tr>" + "".join(
            (f'<th scope="row" data-label="{labels[i]}">{inline_html(c)}</th>' if i == 0
             else f'<td data-label="{labels[i]}">{inline_html(c)}</td>')
            for i, c in enumerate(row)) + "</tr>"
        for row in rows)
    return sanitise(f"<table><caption>{inline_html(caption)}</caption>"
                    f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
