"""Markdown -> Typst markup: golden files, and proof that Typst reads the output as meant.

Golden files live in ``tests/golden/typst/``: ``NAME.md`` is the input, ``NAME.typ`` the
expected output, side by side so a change shows up as a reviewable diff. Files named
``inline-*.md`` go through :func:`inline` (titles, key points, cells), all others through
:func:`block`. After an intended change, regenerate and review the diff::

    UPDATE_GOLDEN=1 pytest tests/test_typst_markup.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import typst
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import markup as mk
from generator.pdf import typst_markup as tm
from generator.pdf.typst_markup import block, escape, inline

GOLDEN = Path(__file__).parent / "golden" / "typst"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
CASES = sorted(GOLDEN.glob("*.md"))


def convert(md: Path) -> str:
    text = md.read_text(encoding="utf-8")
    return (inline(text.rstrip("\n")) if md.name.startswith("inline-") else block(text)) + "\n"


def evaluate(markup: str) -> Any:
    """What Typst makes of a markup string: its content tree as JSON (raises on errors)."""
    out = typst.eval(b"", 'eval(sys.inputs.m, mode: "markup")', sys_inputs={"m": markup},
                     format="json")
    return json.loads(out)


def plain(node: Any) -> str:
    """The text a content tree prints (enough for text, symbols, spaces and raw)."""
    if isinstance(node, list):
        return "".join(plain(n) for n in node)
    if not isinstance(node, dict):
        return ""
    if node.get("func") == "space":
        return " "
    if "text" in node and isinstance(node["text"], str):
        return node["text"]
    return "".join(plain(node[k]) for k in ("children", "body", "child") if k in node)


@pytest.mark.parametrize("md", CASES, ids=[c.stem for c in CASES])
def test_golden(md: Path) -> None:
    expected = md.with_suffix(".typ")
    actual = convert(md)
    if UPDATE or not expected.exists():
        expected.write_text(actual, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"wrote missing golden file {expected.name}; review and commit it")
    assert actual == expected.read_text(encoding="utf-8"), (
        f"{md.name} converts differently; if intended: UPDATE_GOLDEN=1 pytest {__file__}")


@pytest.mark.parametrize("md", CASES, ids=[c.stem for c in CASES])
def test_golden_output_is_valid_typst(md: Path) -> None:
    evaluate(convert(md))


def test_specials_print_literally() -> None:
    text = "${{ github.sha }} # @user <script> * _ ` \\ [x] ~ = - + / 'q' \"d\" 1. ... --"
    assert plain(evaluate(escape(text))) == text


def test_markdown_specials_become_code_not_markup() -> None:
    tree = evaluate(inline("Tag `${{ github.sha }}` and a `` ` `` backtick"))
    assert plain(tree) == "Tag ${{ github.sha }} and a ` backtick"


def test_raw_html_other_than_the_allowed_tags_prints_literally() -> None:
    assert plain(evaluate(inline("<script>alert(1)</script>"))) == "<script>alert(1)</script>"


def test_unbalanced_allowed_html_still_gives_valid_typst() -> None:
    evaluate(inline("open <sub>only and *em <sup>inside* </sup> </kbd>"))


def test_line_start_markers_stay_text() -> None:
    for text in ("1. Schritt", "- item", "+ item", "= Heading", "/ Term: x", "# Replicas"):
        assert plain(evaluate(inline(text))) == text, text


def test_code_fence_with_backticks_survives() -> None:
    code = 'echo "```" ${{ x }} \\ done'
    tree = evaluate(block(f"````sh\n{code}\n````\n"))
    assert plain(tree) == code


def test_unknown_markdown_element_fails_loudly() -> None:
    # A new markdown-it plugin must not silently drop content from the PDF.
    from generator.pdf import typst_markup

    with pytest.raises(ValueError, match="no Typst form"):
        typst_markup._block(SimpleNamespace(type="footnote_block"))  # type: ignore[arg-type]


# Printable text without newlines (Typst turns runs of spaces into one space).
TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=0x24F, exclude_characters="\x7f"),
               max_size=40).map(lambda s: " ".join(s.split()))


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_escape_round_trips_any_text(text: str) -> None:
    assert plain(evaluate(escape(text))) == text


# Markdown-heavy fragments: lists, fences, tables, HTML, escapes, in any order.
MARKDOWN = st.lists(st.sampled_from([
    *"ab 1.-*_`#>|[]()<>!~\\\n:/\"'$@+=", "<sub>", "</sub>", "<br>", "<kbd>", "```", "\n\n",
    "- ", "1. ", "    ", "| a | b |\n|---|---|\n", "[x](https://e.org)",
]), max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(MARKDOWN)
def test_any_markdown_gives_valid_typst(text: str) -> None:
    evaluate(block(text))
    evaluate(inline(text))


@pytest.mark.parametrize("text", [
    "Plain words", "1. Schritt", "# Replicas", "- item", "> quote", "a_b", "x * y", "[x]",
    "a `b`", "Tom & Jerry", "~50 %", "end  ", " lead", "two\nlines", "==", "+1", "3) drei",
    "Ausblick…", "$HOME #tag @user", "",
])
def test_plain_fast_path_equals_the_parser(text: str) -> None:
    """A text without Markdown syntax skips the parser: the result must not change."""
    from markdown_it.tree import SyntaxTreeNode

    toks = mk.inline_tokens(text)
    slow = tm._inline(SyntaxTreeNode(toks).children[0].children if toks else [])
    assert tm.inline(text) == slow
    words: list[str] = []
    for tok in mk._walk(mk.tokens(text)):
        if tok.type in ("text", "code_inline"):
            words.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            words.append(" ")
    assert mk.plain(text) == " ".join("".join(words).split())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab 1.#-+>*_`[]<&~!=)\n\\ä", max_size=12))
def test_plain_fast_path_equals_the_parser_on_any_text(text: str) -> None:
    test_plain_fast_path_equals_the_parser(text)


def test_plain_fast_path_equals_the_parser_on_every_real_text() -> None:
    from generator.bank import load_bank

    bank = load_bank(Path(__file__).resolve().parent.parent / "content", check_lock=False)
    texts = {t for q in bank.questions for x in q.text.values()
             for t in (x.question, x.short_answer, *x.key_points)}
    texts |= {c for q in bank.questions if q.table for lang in q.text
              for row in [q.table.cells(lang)[0], *q.table.cells(lang)[1]] for c in row}
    assert sum(map(mk.is_plain, texts)) > len(texts) // 2  # the fast path is used
    for text in texts:
        test_plain_fast_path_equals_the_parser(text)
