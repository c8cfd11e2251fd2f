"""Draw the study app's home-screen icons from the site's favicon (run once; PNGs are kept).

    python generator/site/vendor/make_icons.py

Renders ``docs/assets/favicon.svg`` with headless Chromium at 192 and 512 px, plus a
maskable 512 px variant (full-bleed background, the mark inside the central safe zone).
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import sync_playwright

SITE = Path(__file__).resolve().parent.parent
FAVICON = SITE / "docs" / "assets" / "favicon.svg"
OUT = SITE / "docs" / "assets" / "study" / "icons"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def maskable(svg: str) -> str:
    """Square background, mark scaled to 60 % (the safe zone is the central 80 % circle)."""
    fill = re.search(r'fill="(#[0-9a-fA-F]{3,6})"', svg)
    colour = fill.group(1) if fill else "#3f51b5"
    mark = re.sub(r"<rect[^>]*/>", "", svg)
    inner = mark.split(">", 1)[1].rsplit("</svg>", 1)[0]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
            f'<rect width="32" height="32" fill="{colour}"/>'
            f'<g transform="translate(6.4 6.4) scale(.6)">{inner}</g></svg>')


def main() -> None:
    svg = FAVICON.read_text(encoding="utf-8")
    OUT.mkdir(parents=True, exist_ok=True)
    jobs = [("icon-192.png", svg, 192), ("icon-512.png", svg, 512),
            ("icon-maskable-512.png", maskable(svg), 512)]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for name, source, size in jobs:
            page = browser.new_page(viewport={"width": size, "height": size})
            sized = source.replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
            page.set_content(f"<style>html,body{{margin:0;background:transparent}}"
                             f"svg{{display:block}}</style>{sized}")
            page.screenshot(path=str(OUT / name), omit_background=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
