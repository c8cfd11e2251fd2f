"""The glossary on the site: an A-Z page per language, links from a term's first mention in
an answer to its entry, and the synonym table the search worker expands queries with.

Search finds "Bereitstellung" twice over: on the glossary page, which lists the German
words in use for each term, and on every page that says "Deployment", because the search
worker (docs/assets/javascripts/workers/mlk-search.js) adds the glossary's term to a query
for its synonym.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from html import escape

from .. import markup
from ..model import LANGS, Bank, Term

_TAG = re.compile(r"(<[^>]+>)")
_SKIP = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "summary", "th"}
MAX_LINKS = 8  # per answer: more would turn prose into a link farm


def letter(term: str) -> str:
    """The A-Z section of a term: its first letter without accents, digits under '#'."""
    first = unicodedata.normalize("NFKD", term)[:1].upper()
    return first if first.isalpha() else "#"


def ordered(bank: Bank, lang: str) -> list[Term]:
    return sorted(bank.glossary, key=lambda t: (letter(t.text[lang].term),
                                                t.text[lang].term.casefold()))


def page(bank: Bank, lang: str) -> str:
    """The glossary page as Markdown with embedded HTML (question links are Markdown, so
    MkDocs validates them)."""
    t = {key: value[lang] for key, value in bank.ui.items()}
    other = next(code for code in LANGS if code != lang)
    by_id = bank.by_id()
    lines = ["---", f"title: {json.dumps(t['glossary'], ensure_ascii=False)}",
             f"description: {json.dumps(t['glossary_intro'], ensure_ascii=False)}", "---", "",
             f"# {t['glossary']}", "", escape(t["glossary_intro"]), ""]
    current = None
    for term in ordered(bank, lang):
        x = term.text[lang]
        if letter(x.term) != current:
            if current is not None:
                lines += ["</dl>", ""]
            current = letter(x.term)
            anchor = "digits" if current == "#" else current.lower()
            lines += [f"## {current} {{ #{anchor} }}", "", '<dl class="mlk-glossary">']
        extra = ""
        if x.synonyms:
            extra += f'<p class="mlk-synonyms"><em>{escape(t["synonyms"])}:</em> ' \
                     f'{escape(", ".join(x.synonyms))}</p>'
        links = [f'<a href="../questions/{qid}/">{escape(by_id[qid].text[lang].question)}</a>'
                 for qid in term.questions if qid in by_id]
        if links:
            extra += f'<p><em>{escape(t["explained_in"])}:</em> {" · ".join(links)}</p>'
        lines += [f'<dt id="{term.id}">{escape(x.term)} <span class="mlk-other" '
                  f'lang="{other}">({escape(term.text[other].term)})</span></dt>',
                  f"<dd><p>{markup.inline_html(x.definition)}</p>{extra}</dd>"]
    if current is not None:
        lines += ["</dl>", ""]
    return "\n".join(lines)


def explained_by(bank: Bank, lang: str) -> dict[str, list[Term]]:
    """Question id -> the glossary entries that name it, A-Z: the question page lists them
    (with the German words in use), so search finds it by those words too."""
    out: dict[str, list[Term]] = {}
    for term in ordered(bank, lang):
        for qid in term.questions:
            out.setdefault(qid, []).append(term)
    return out


def linker(bank: Bank, lang: str, prefix: str) -> Callable[[str], str]:
    """A function linking the first mention of each glossary term in an HTML answer to its
    entry (``prefix`` leads from the page to the site root). Text inside links, code,
    headings and table headers stays as it is."""
    terms = sorted(((t.text[lang].term, t) for t in bank.glossary
                    if len(t.text[lang].term) >= 3), key=lambda p: -len(p[0]))
    if not terms:
        return lambda html: html
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w, _ in terms)
                         + r")(?![\w-])")
    by_word = {w.casefold(): t for w, t in terms}

    def link(html: str) -> str:
        seen: set[str] = set()
        out: list[str] = []
        skip = 0
        for part in _TAG.split(html):
            if part.startswith("<"):
                name = part.strip("</>").split()[0].lower() if part.strip("</>") else ""
                if name in _SKIP:
                    skip += -1 if part.startswith("</") else 1
                out.append(part)
                continue
            if skip or len(seen) >= MAX_LINKS:
                out.append(part)
                continue

            def one(m: re.Match[str]) -> str:
                term = by_word.get(m.group(1).casefold())
                if term is None or term.id in seen or len(seen) >= MAX_LINKS:
                    return m.group(1)
                seen.add(term.id)
                title = escape(markup.plain(term.text[lang].definition), quote=True)
                return (f'<a class="mlk-term" href="{prefix}glossary/#{term.id}" '
                        f'title="{title}">{m.group(1)}</a>')

            out.append(pattern.sub(one, part))
        return "".join(out)

    return link


def synonyms_js(bank: Bank, lang: str) -> str:
    """``self.MLK_SYNONYMS``: each lower-cased one-word synonym or term -> the words to add.

    On the German site the English term is added too: German answers mostly say
    "Capacity Planning" where a learner types "Kapazitätsplanung"."""
    table: dict[str, list[str]] = {}
    for term in sorted(bank.glossary, key=lambda t: t.id):
        x = term.text[lang]
        targets = [x.term.casefold()]
        if lang == "de":
            targets.append(term.text["en"].term.casefold())
        for word in (x.term, *x.synonyms):
            key = word.casefold()
            if " " in key:
                continue
            for target in targets:
                if target != key and target not in table.setdefault(key, []):
                    table[key].append(target)
    table = {k: v for k, v in table.items() if v}
    body = json.dumps(table, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"/* Generated from content/glossary.yaml */\nself.MLK_SYNONYMS = {body};\n"
