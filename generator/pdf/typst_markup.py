"""Markdown -> Typst markup, by walking the markdown-it-py tokens of :mod:`generator.markup`.

Why a converter and not a second Markdown parser: the site, the decks and the PDFs must read
a text the same way. Why so much escaping: content is full of text that means something in
Typst (``${{ github.sha }}``, ``#``, ``@user``, ``<script>``); every text node is escaped so
it prints literally, and every generated call ends with ``;`` so the text after it can never
be read as part of the call. Code goes through ``raw("...")`` with a Typst string literal,
which survives backticks of any length.

The output is evaluated by the template with ``eval(s, mode: "markup")``.
"""

from __future__ import annotations

import json
import re

from markdown_it.tree import SyntaxTreeNode

from generator import markup

# Characters with a meaning in Typst markup: code, math, raw, strong, emph, labels,
# references, content blocks, non-breaking space, headings, list markers, comments, quotes.
_SPECIAL = re.compile(r"""[\\#$`*_<>@\[\]~=+\-/'"]""")
# "..." is an ellipsis shorthand and "1." at a line start an enum item: escape those dots.
_DOT = re.compile(r"(?<=[.\d])\.|\.(?=\.)")
_LANG = re.compile(r"[^A-Za-z0-9_+#.-]")

# Inline HTML the content may use (markup.INLINE_HTML_ALLOWED): opening Typst text per tag.
# abbr keeps only its text; anything else prints literally.
_HTML_OPEN = {
    "sub": "#sub[",
    "sup": "#super[",
    "kbd": "#box(stroke: 0.4pt + luma(150), inset: (x: 1.2pt), outset: (y: 1.2pt), "
           "radius: 1pt)[",
    "abbr": "",
}
_HTML_TAG = re.compile(r"^<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)\s*>$")


def escape(text: str) -> str:
    """Plain text as Typst markup that prints exactly ``text``."""
    return _DOT.sub(r"\\.", _SPECIAL.sub(lambda m: "\\" + m.group(0), text))


def string(text: str) -> str:
    """A Typst string literal (JSON's escapes are a subset Typst reads the same way)."""
    return json.dumps(text, ensure_ascii=False)


def block(text: str) -> str:
    """A Markdown document (answer, page body) as Typst markup."""
    return _blocks(SyntaxTreeNode(markup.tokens(text)).children)


def inline(text: str) -> str:
    """One-line Markdown (title, key point, table cell) as Typst markup.

    Parsed inline-only like :func:`generator.markup.inline_html`, so "1. Schritt" or
    "# Replicas" stay text instead of becoming a list or a heading.
    """
    if markup.is_plain(text):  # most strings: the parse would give one text node
        return escape(text)
    toks = markup.inline_tokens(text)
    return _inline(SyntaxTreeNode(toks).children[0].children if toks else [])


# --- blocks -------------------------------------------------------------------------------


def _blocks(nodes: list[SyntaxTreeNode]) -> str:
    return "\n\n".join(part for part in (_block(n) for n in nodes) if part)


def _block(node: SyntaxTreeNode) -> str:
    kind = node.type
    if kind == "paragraph":
        return _inline(node.children[0].children)
    if kind == "heading":
        # Same shift as the HTML path (# -> level 3); never in the outline of the sheet.
        level = min(int(node.tag[1]) + 2, 6)
        return (f"#heading(level: {level}, outlined: false, bookmarked: false)"
                f"[{_inline(node.children[0].children)}];")
    if kind in ("bullet_list", "ordered_list"):
        return _list(node)
    if kind == "blockquote":
        return f"#quote(block: true)[{_blocks(node.children)}];"
    if kind in ("fence", "code_block"):
        lang = _LANG.sub("", node.info.split()[0]) if node.info.strip() else ""
        lang_arg = f", lang: {string(lang)}" if lang else ""
        return f"#raw({string(node.content.rstrip(chr(10)))}, block: true{lang_arg});"
    if kind == "html_block":
        # Only the inline tags are allowed; read the block as inline text, like the site.
        return inline(node.content.strip())
    if kind == "hr":
        return "#line(length: 100%, stroke: 0.5pt);"
    if kind == "table":
        return _table(node)
    raise ValueError(f"Markdown element '{kind}' has no Typst form; extend typst_markup")


def _list(node: SyntaxTreeNode) -> str:
    items = node.children
    tight = all(p.hidden for item in items for p in item.children if p.type == "paragraph")
    args = [f"tight: {'true' if tight else 'false'}"]
    func = "list"
    if node.type == "ordered_list":
        func = "enum"
        args.insert(0, f"start: {int(node.attrs.get('start', 1))}")
    args += [f"[{_blocks(item.children)}]" for item in items]
    return f"#{func}({', '.join(args)});"


def _table(node: SyntaxTreeNode) -> str:
    rows: list[tuple[bool, list[SyntaxTreeNode]]] = []
    for section in node.children:  # thead, tbody
        for tr in section.children:
            rows.append((section.type == "thead", tr.children))
    width = len(rows[0][1])
    aligns = []
    for cell in rows[0][1]:
        style = str(cell.attrs.get("style", ""))
        aligns.append(style.removeprefix("text-align:") if style else "auto")
    parts = [f"columns: {width}", f"align: ({', '.join(aligns)},)"]
    for head, cells in rows:
        body = ", ".join(f"[{_inline(c.children[0].children if c.children else [])}]"
                         for c in cells)
        parts.append(f"table.header({body})" if head else body)
    return f"#table({', '.join(parts)});"


# --- inline -------------------------------------------------------------------------------


def _inline(nodes: list[SyntaxTreeNode]) -> str:
    out: list[str] = []
    open_tags: list[str] = []  # HTML tags opened in THIS container; closed at its end
    for node in nodes:
        kind = node.type
        if kind == "text":
            out.append(escape(node.content))
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append("#linebreak();")
        elif kind == "code_inline":
            out.append(f"#raw({string(node.content)});")
        elif kind in ("em", "strong", "s"):
            func = {"em": "emph", "strong": "strong", "s": "strike"}[kind]
            out.append(f"#{func}[{_inline(node.children)}];")
        elif kind == "link":
            out.append(f"#link({string(str(node.attrs.get('href', '')))})"
                       f"[{_inline(node.children)}];")
        elif kind == "image":
            out.append(f"#emph[{_inline(node.children)}];")
        elif kind == "html_inline":
            out.append(_html(node.content, open_tags))
        else:
            raise ValueError(f"Markdown inline element '{kind}' has no Typst form")
    out += ["" if tag == "abbr" else "];" for tag in reversed(open_tags)]
    return "".join(out)


def _html(raw_tag: str, open_tags: list[str]) -> str:
    """Allowed inline HTML as Typst; anything else (``<script>``) prints literally."""
    m = _HTML_TAG.match(raw_tag.strip())
    name = m.group(2).lower() if m else ""
    if not m or (name not in _HTML_OPEN and name != "br"):
        return escape(raw_tag)
    if name == "br":
        return "#linebreak();"
    if m.group(1):  # closing tag: only if it closes the innermost open one
        if open_tags and open_tags[-1] == name:
            open_tags.pop()
            return "" if name == "abbr" else "];"
        return escape(raw_tag)
    if m.group(3):  # self-closing <sub/> has no content
        return ""
    open_tags.append(name)
    return _HTML_OPEN[name]
