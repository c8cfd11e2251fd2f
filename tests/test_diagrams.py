"""The one diagram path: layouts per medium, the size rule, the Svg value."""

from __future__ import annotations

from generator import diagrams
from generator.model import Diagram

WIDE = Diagram(
    "direction: right\na -> b -> c -> d -> e\n",
    {k: {"de": f"Ein ziemlich langer Name {k}", "en": f"A rather long label {k}"}
     for k in "abcde"},
    {"de": "Fünf Schritte", "en": "Five steps"})


def test_render_returns_its_size() -> None:
    svg = diagrams.render("a -> b\n")
    assert svg.width > 0 and svg.height > 0
    assert svg.text.startswith("<?xml") or "<svg" in svg.text[:200]
    assert f'width="{svg.width:g}"' in svg.text or "width=" in svg.text


def test_narrow_layout_stacks_and_wraps() -> None:
    source = diagrams.layout_source(WIDE, "en", "narrow")
    assert "direction: down" in source and "direction: right" not in source
    assert "\\n" in source  # long labels wrapped
    wide = diagrams.render(diagrams.layout_source(WIDE, "en", "wide"))
    narrow = diagrams.render(source)
    assert narrow.width < wide.width


def test_legibility_uses_each_medium_s_width() -> None:
    sizes = diagrams.legibility(WIDE, "de")
    assert set(sizes) == set(diagrams.SHOWN)
    # A five-box chain fits a phone once stacked: every medium meets its minimum.
    assert all(sizes[m] >= diagrams.SHOWN[m][1] for m in sizes), sizes
    svg = diagrams.for_medium(WIDE, "de", "card")
    assert svg.label_size(diagrams.SHOWN["card"][0]) == sizes["card"]


def test_edge_labels_get_a_readable_grey() -> None:
    light = diagrams.render("a -> b: edge\n", "light").text
    dark = diagrams.render("a -> b: edge\n", "dark").text
    assert "#3F4354" in light and "#D0D3E2" in dark


def test_unconnected_containers_are_stacked_on_phones() -> None:
    two = Diagram("x: {\n  a\n}\ny: {\n  b\n}\n", {"x.a": {"de": "A", "en": "A"}},
                  {"de": "", "en": ""})
    assert "x -> y: {style.opacity: 0}" in diagrams.layout_source(two, "de", "narrow")
