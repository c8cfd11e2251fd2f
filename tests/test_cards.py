"""Cards as a learner meets them on a phone: rendered by the real Anki library, shown in
headless Chromium at 360x740 in light and night mode, measured.

The figures (median and worst back height, share within one screen) are printed by
``python -m tests.cards dist/decks/mlops-kit-de.apkg``; these tests hold the limits.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cards import PHONE, measure, page, rendered_cards
from tests.test_decks import (  # noqa: F401 (col: a fixture)
    col,
    deck_configs,
    import_apkg,
    review_first_card,
)


@pytest.fixture(scope="module")
def bank():
    from generator.bank import load_bank
    from tests.conftest import CONTENT

    return load_bank(CONTENT, check_diagrams=False)


LIMIT_SCREENS = 1.2  # every back, sections closed
WITHIN_ONE = 0.8  # share of backs that fit one screen
FRONT_WORDS = 40


@pytest.fixture(scope="module")
def measured(built: Path, browser) -> dict[tuple[str, str], list]:
    out = {}
    for lang, cfg in deck_configs().items():
        cards = rendered_cards(built / "decks" / cfg.file)  # one import per deck
        for night in ("", "nightMode", "night_mode"):
            out[(lang, night)] = measure(browser, built / "decks" / cfg.file, night,
                                         cards=cards)
    return out


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("night", ["", "nightMode", "night_mode"])
def test_every_back_fits_a_phone(measured, lang: str, night: str) -> None:
    cards = measured[(lang, night)]
    assert cards, "no cards rendered"
    too_tall = [(c.note_id, round(c.back_screens, 2)) for c in cards
                if c.back_screens > LIMIT_SCREENS]
    assert not too_tall, f"backs over {LIMIT_SCREENS} screens at {PHONE}: {too_tall}"
    within = sum(1 for c in cards if c.back_screens <= 1.0) / len(cards)
    assert within >= WITHIN_ONE, f"only {within:.0%} of backs fit one screen"
    # Question cards: a glossary card's reverse front is its one-sentence definition.
    wordy = [(c.note_id, c.front_words) for c in cards
             if c.template == "Recall" and c.front_words >= FRONT_WORDS]
    assert not wordy, f"fronts of {FRONT_WORDS} words or more: {wordy}"


@pytest.mark.browser
def test_sections_open_on_tap_and_do_not_leak(built: Path, browser, tmp_path: Path) -> None:
    """Anki replaces the card HTML for every card: an opened section on one card is closed
    on the next (the reviewer keeps no state between cards)."""
    cards = [c for c in rendered_cards(built / "decks" / deck_configs()["en"].file)
             if c[1] == "Recall"][:2]
    for name, data in cards[0][4].items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "card.html").write_text(page(cards[0][3], ""), encoding="utf-8")
    context = browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]})
    pg = context.new_page()
    pg.goto((tmp_path / "card.html").as_uri())
    first = pg.locator(".mlk-more details").first
    first.locator("summary").click()
    assert first.evaluate("d => d.open")
    tall = pg.evaluate("document.documentElement.scrollHeight")
    assert tall > PHONE[1]  # the model answer is there, one tap away
    # The reviewer swaps the card's HTML in place, as Anki desktop and AnkiDroid do.
    pg.evaluate("html => { document.getElementById('qa').innerHTML = html }",
                cards[1][3].split("</style>", 1)[-1])
    assert pg.locator(".mlk-more details[open]").count() == 0
    context.close()


@pytest.mark.browser
def test_phone_tables_are_blocks_and_diagrams_fit(built: Path, browser, bank,
                                                  tmp_path: Path) -> None:
    """Under 480 px a table is one block per row with its column labels; a diagram fits
    the card width and a tap shows it at full size."""
    q = next(q for q in bank.questions if q.table and q.diagram)
    card = next(c for c in rendered_cards(built / "decks" / deck_configs()["de"].file)
                if c[0] == q.id)
    for name, data in card[4].items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "card.html").write_text(page(card[3], ""), encoding="utf-8")
    context = browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]})
    pg = context.new_page()
    pg.goto((tmp_path / "card.html").as_uri())
    pg.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    width = pg.evaluate("document.documentElement.clientWidth")
    assert pg.evaluate("document.documentElement.scrollWidth") <= width  # nothing off-screen
    assert pg.evaluate("getComputedStyle(document.querySelector('tbody tr')).display") == "block"
    label = pg.evaluate("getComputedStyle(document.querySelector('td'), '::before').content")
    assert label.strip('"').endswith(": ")
    img = pg.locator(".mlk-diagram img.mlk-light")
    box = img.bounding_box()
    assert box and box["width"] <= width
    natural = img.evaluate("i => i.naturalWidth")
    img.click()
    assert img.bounding_box()["width"] >= min(natural, box["width"])  # full size on tap
    context.close()


def test_reviewed_card_keeps_its_history_across_an_update(built: Path, col) -> None:  # noqa: F811
    """Review with Anki's scheduler, re-import the same deck: no duplicate, history kept."""
    cfg = deck_configs()["de"]
    import_apkg(col, built / "decks" / cfg.file)
    cid = review_first_card(col, cfg.name)
    before = col.get_card(cid)
    assert before.reps == 1
    log = import_apkg(col, built / "decks" / cfg.file)
    assert not log.new
    after = col.get_card(cid)
    assert (after.reps, after.ivl, after.due) == (before.reps, before.ivl, before.due)
