"""Diagrams and tables at the sizes readers see them (issue: readable in every medium).

Effective label size = D2's label size x displayed width / the SVG's own width, measured
on the built pages in Chromium at 1280 and 375 px, light and dark.
"""

from __future__ import annotations

import pytest

from generator.diagrams import FONT_PX, SHOWN
from tests.test_site import Watched, site  # noqa: F401 (site: a fixture)

pytestmark = pytest.mark.browser

WIDTHS = {1280: SHOWN["desktop"][1], 375: SHOWN["phone"][1]}


@pytest.fixture(scope="module")
def bank():
    from generator.bank import load_bank
    from tests.conftest import CONTENT

    return load_bank(CONTENT, check_diagrams=False)


def _visible_diagram(page) -> dict:
    return page.evaluate("""async () => {
      const img = [...document.querySelectorAll('.mlk-diagram img')]
        .find(i => i.offsetParent !== null);
      if (!img) return null;
      img.scrollIntoView();  // the dark picture loads lazily
      await img.decode().catch(() => null);
      return {shown: img.getBoundingClientRect().width, natural: img.naturalWidth,
              src: img.currentSrc}; }""")


# Both widths, both palettes (the palette picks the picture, the width its layout).
@pytest.mark.parametrize(("width", "scheme"), [(1280, "light"), (375, "dark"),
                                               (375, "light"), (1280, "dark")])
def test_every_diagram_label_is_legible(browser, site, bank, width: int,  # noqa: F811
                                        scheme: str) -> None:
    page = Watched(browser, site, viewport={"width": width, "height": 900},
                   color_scheme=scheme)
    worst = []
    for lang, prefix in (("de", ""), ("en", "en/")):
        for q in bank.questions:
            if not q.diagram:
                continue
            page.page.goto(f"{site}{prefix}questions/{q.id}/", wait_until="load")
            found = _visible_diagram(page.page)
            assert found and found["natural"] > 0, (q.id, lang)
            assert ("dark" in found["src"]) == (scheme == "dark"), found["src"]
            label = FONT_PX * found["shown"] / found["natural"]
            worst.append((round(label, 1), q.id, lang))
    page.close()
    assert min(worst)[0] >= WIDTHS[width], sorted(worst)[:5]


def test_tables_have_one_wrapper_and_nothing_clipped(browser, site, bank) -> None:  # noqa: F811
    for width in (1280, 375):
        page = Watched(browser, site, viewport={"width": width, "height": 900})
        for q in bank.questions:
            if not q.table:
                continue
            page.goto(f"questions/{q.id}/")
            state = page.page.evaluate("""() => {
              const t = document.querySelector('.md-content table');
              const wraps = t ? t.closest('.md-typeset__scrollwrap') : null;
              return {nested: document.querySelectorAll(
                        '.md-typeset__scrollwrap .md-typeset__scrollwrap').length,
                      right: t.getBoundingClientRect().right,
                      edge: wraps.getBoundingClientRect().right,
                      scrolls: wraps.scrollWidth > wraps.clientWidth,
                      page: document.documentElement.scrollWidth <= innerWidth,
                      caption: t.caption && t.caption.getBoundingClientRect().width > 0}; }""")
            assert state["nested"] == 0, q.id
            assert state["page"], (q.id, width)  # the page itself never scrolls sideways
            assert state["right"] <= state["edge"] + 1 or state["scrolls"], (q.id, width)
            assert state["caption"], q.id
        page.close()


def test_a_diagram_opens_zoomable_and_escape_closes_it(browser, site, bank) -> None:  # noqa: F811
    q = next(q for q in bank.questions if q.diagram)
    page = Watched(browser, site, viewport={"width": 1280, "height": 900})
    page.goto(f"questions/{q.id}/")
    page.page.click(".mlk-diagram a.mlk-zoom")
    dialog = page.page.locator("dialog.mlk-viewer")
    assert dialog.evaluate("d => d.open")
    before = page.page.evaluate("document.querySelector('dialog.mlk-viewer img').width")
    page.page.click("dialog.mlk-viewer button[aria-label]:nth-child(2)")  # zoom in
    after = page.page.evaluate("document.querySelector('dialog.mlk-viewer img').width")
    assert after > before
    page.page.keyboard.press("Escape")
    assert not dialog.evaluate("d => d.open")
    assert page.page.url.endswith(f"questions/{q.id}/")  # no bare SVG tab
    page.close()
