"""Render every card of a deck as the Anki library renders it, in headless Chromium at a
phone's size, and measure it: the figures behind "one screen per back".

Used by tests/test_cards.py; run alone to print the figures and write screenshots:
``python -m tests.cards dist/decks/mlops-kit-de.apkg [--shots DIR]``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

PHONE = (360, 740)  # CSS px: a common Android phone
NIGHT = {"light": "", "nightMode": "nightMode", "night_mode": "night_mode"}


@dataclass(frozen=True)
class Measured:
    note_id: str  # the Id field
    template: str
    front_words: int
    front_px: int
    back_px: int

    @property
    def back_screens(self) -> float:
        return self.back_px / PHONE[1]


def rendered_cards(apkg: Path) -> list[tuple[str, str, str, str, dict[str, bytes]]]:
    """(id, template name, question HTML, answer HTML, media) of every card, rendered by Anki."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(str(Path(tmp) / "c.anki2"))
        try:
            col.import_anki_package(ImportAnkiPackageRequest(
                package_path=str(apkg.resolve()), options=ImportAnkiPackageOptions()))
            media_dir = Path(col.media.dir())
            media = {p.name: p.read_bytes() for p in media_dir.iterdir() if p.is_file()}
            out = []
            for cid in sorted(col.find_cards("")):
                card = col.get_card(cid)
                note = card.note()
                # question()/answer() hold the note type's CSS in a <style>, as Anki shows it
                out.append((note["Id"], card.template()["name"], card.question(),
                            card.answer(), media))
            return out
        finally:
            col.close()


def page(html: str, night: str) -> str:
    """The card inside the page Anki's reviewer shows (body.card, the night class)."""
    return (f'<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"></head>'
            f'<body class="card {night}" style="margin:0"><div id="qa">{html}</div></body></html>')


def measure(browser, apkg: Path, night: str = "", shots: Path | None = None,
            cards: list | None = None) -> list[Measured]:
    """Every card's front and back height at 360x740 with all sections closed, in the
    given night class (``""``: light). ``cards`` may be reused from :func:`rendered_cards`."""
    cards = cards if cards is not None else rendered_cards(apkg)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if cards:
            for name, data in cards[0][4].items():
                (root / name).write_bytes(data)
        context = browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]})
        pg = context.new_page()
        (root / "card.html").write_text(page("", night), encoding="utf-8")
        pg.goto((root / "card.html").as_uri())  # media resolve against this folder
        for i, (nid, template, front, back, _media) in enumerate(cards):
            heights = []
            words = 0
            for side, html in (("front", front), ("back", back)):
                # As the reviewer does: the card's HTML replaces the previous card's.
                pg.evaluate("html => { document.getElementById('qa').innerHTML = html; }", html)
                pg.evaluate("() => Promise.all([...document.images].map(i => i.decode()"
                            ".catch(() => null)))")
                heights.append(pg.evaluate("document.documentElement.scrollHeight"))
                if side == "front":  # what the learner reads: closed sections stay unread
                    words = len(pg.evaluate("document.body.innerText").split())
                if shots is not None and (side == "back" or i < 3):
                    shots.mkdir(parents=True, exist_ok=True)
                    pg.screenshot(path=str(shots / f"{nid}-{template}-{side}-{night or 'light'}"
                                           ".png"), full_page=True)
            out.append(Measured(nid, template, words, heights[0], heights[1]))
        context.close()
    return out


def summary(cards: list[Measured]) -> str:
    backs = [c.back_screens for c in cards]
    within = sum(1 for b in backs if b <= 1.0) / len(backs)
    worst = max(cards, key=lambda c: c.back_px)
    wordy = max(cards, key=lambda c: c.front_words)
    return (f"{len(cards)} cards: back median {statistics.median(backs):.2f} screens, worst "
            f"{max(backs):.2f} ({worst.note_id}), within one screen {within:.0%}; front words "
            f"max {wordy.front_words} ({wordy.note_id})")


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    apkg = Path(argv[0])
    shots = Path(argv[argv.index("--shots") + 1]) if "--shots" in argv else None
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium",
                              args=["--no-sandbox", "--disable-gpu"])
        for night in ("", "night_mode"):
            cards = measure(b, apkg, night, shots)
            print(f"{apkg.name} [{night or 'light'}] {summary(cards)}")
            for c in sorted(cards, key=lambda c: -c.back_px)[:5]:
                print(f"  {c.note_id:<40} {c.template:<10} back {c.back_screens:.2f}")
        b.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
