"""The one Markdown path: sanitised HTML, code marked to show, tables labelled for phones."""

from __future__ import annotations

from generator import markup


def test_sanitise_keeps_the_allow_list_only() -> None:
    html = markup.sanitise('<p onclick="x()">a<script>b</script><a href="https://e.org">l</a></p>')
    assert "onclick" not in html and "<script" not in html
    assert 'rel="noopener noreferrer"' in html


def test_code_is_marked_as_material_to_show() -> None:
    html = markup.label_code(markup.to_html("```yaml\na: 1\n```\n"), "To show")
    assert 'class="highlight mlk-show" data-label="To show"' in html


def test_table_cells_carry_their_column_label() -> None:
    html = markup.table_html("**Cap**", ("Strategy", "Cost *low*"), [("Canary", "`few`")])
    assert "<caption><strong>Cap</strong></caption>" in html
    assert 'data-label="Cost low"' in html and "<code>few</code>" in html
    assert '<th scope="row" data-label="Strategy">Canary</th>' in html


def test_blocks_are_told_apart_from_prose() -> None:
    assert not markup.has_blocks("One paragraph with *emphasis* and `code`.")
    assert markup.has_blocks("- a list")
    assert markup.has_blocks("One.\n\nTwo paragraphs.")
    assert markup.has_blocks("```\ncode\n```")


def test_structure_counts_what_both_languages_must_share() -> None:
    counts = markup.structure("- a\n- b\n\n[l](https://e.org)\n\n```\nx\n```\n")
    assert counts == {"list items": 2, "code blocks": 1, "links": 1, "tables": 0}
