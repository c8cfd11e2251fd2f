"""The built site in a real headless Chromium: search per language, switcher, self-test,
diagrams in both palettes, nothing fetched from other hosts, no console errors."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli, static_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def site(built: Path) -> Iterator[str]:
    """Serve the built site on a free loopback port."""
    with static_server(built / "site") as port:
        yield f"http://127.0.0.1:{port}/"


class Watched:
    """A page that records console errors and requests to other hosts."""

    def __init__(self, browser, base: str, **context) -> None:
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", self._request)
        self.base = base

    def _request(self, request) -> None:
        if not (request.url.startswith(self.base) or request.url.startswith("data:")
                or request.url.startswith("blob:")):
            self.foreign.append(request.url)

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="networkidle")

    def close(self) -> None:
        assert self.foreign == [], f"requests left localhost: {self.foreign}"
        assert self.errors == [], f"console errors: {self.errors}"
        self.context.close()


@pytest.fixture
def watched(browser, site: str) -> Iterator[Watched]:
    w = Watched(browser, site)
    yield w
    w.close()


def search(w: Watched, term: str) -> list[str]:
    w.page.locator("label.md-search__icon, .md-search__input").first.click()
    field = w.page.locator("input.md-search__input")
    # The whole term at once, then a key (Material queries on key events): typed letter by
    # letter, an early prefix's results ("modell") could still be showing when read.
    field.fill(term)
    field.press("End")
    w.page.wait_for_selector(".md-search-result__meta:not(:empty)")
    # The first search fetches the full index (pages load only a stub): give it time.
    with contextlib.suppress(Exception):
        w.page.wait_for_selector(".md-search-result__item", timeout=8000)
    w.page.wait_for_timeout(400)
    return w.page.eval_on_selector_all(".md-search-result__item > a",
                                       "els => els.map(e => e.href)")


@pytest.mark.parametrize("term, expected", [
    ("Konzeptdrift", "model-drift-vs-concept-drift"),
    ("Modellüberwachung", "implementing-model-monitoring"),
])
def test_german_search_finds_german_pages_only(watched: Watched, term: str, expected: str) -> None:
    watched.goto("")
    hits = search(watched, term)
    assert any(f"/questions/{expected}/" in h for h in hits), hits
    assert not any("/en/" in h for h in hits), hits


def test_english_search_finds_english_pages_only(watched: Watched) -> None:
    watched.goto("en/")
    hits = search(watched, "concept drift")
    assert any("/en/questions/model-drift-vs-concept-drift/" in h for h in hits), hits
    assert all("/en/" in h for h in hits), hits
    watched.page.locator("input.md-search__input").fill("")
    assert not any("/en/" not in h for h in search(watched, "Konzeptdrift"))


def test_switcher_keeps_the_page(watched: Watched) -> None:
    watched.goto("questions/canary-vs-blue-green/")
    link = watched.page.locator("a.mlk-lang-link[hreflang=en]")
    watched.page.goto(link.evaluate("a => a.href"), wait_until="networkidle")
    assert watched.page.url.endswith("/en/questions/canary-vs-blue-green/")
    assert watched.page.locator("html").get_attribute("lang") == "en"
    back = watched.page.locator("a.mlk-lang-link[hreflang=de]").evaluate("a => a.href")
    watched.page.goto(back, wait_until="networkidle")
    assert watched.page.url == watched.base + "questions/canary-vs-blue-green/"


def test_switcher_is_clickable(watched: Watched) -> None:
    watched.goto("en/questions/what-is-mlops/")
    watched.page.locator(".md-header__option .md-select").hover()
    watched.page.locator("a.mlk-lang-link[hreflang=de]").click()
    watched.page.wait_for_load_state("networkidle")
    assert watched.page.url == watched.base + "questions/what-is-mlops/"


def test_answer_is_folded_until_opened(watched: Watched) -> None:
    watched.goto("questions/what-is-mlops/")
    details = watched.page.locator("details.mlk-answer")
    assert details.get_attribute("open") is None
    assert not watched.page.locator("details.mlk-answer .mlk-points").is_visible()
    watched.page.locator("details.mlk-answer > summary").click()
    assert watched.page.locator("details.mlk-answer .mlk-points").is_visible()


@pytest.mark.parametrize("scheme, variant", [("light", "light"), ("dark", "dark")])
def test_diagrams_load_in_both_palettes(browser, site: str, scheme: str,
                                        variant: str) -> None:
    w = Watched(browser, site, color_scheme=scheme)
    for path in ("questions/canary-vs-blue-green/", "en/questions/what-is-mlops/"):
        w.goto(path)
        img = w.page.locator(f".mlk-diagram img[src*='-{variant}.svg']")
        img.scroll_into_view_if_needed()
        w.page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                 arg=img.element_handle())
        assert img.is_visible()
        other = "dark" if variant == "light" else "light"
        assert not w.page.locator(f".mlk-diagram img[src*='-{other}.svg']").is_visible()
        assert img.get_attribute("alt")
    w.close()


def test_workflow_expressions_survive(watched: Watched) -> None:
    watched.goto("questions/ci-cd-pipeline-for-ml/")
    watched.page.locator("details.mlk-answer > summary").click()
    assert "${{ github.sha }}" in watched.page.locator("details.mlk-answer").inner_text()


def test_meta_description_is_the_intent(watched: Watched) -> None:
    watched.goto("en/questions/what-is-mlops/")
    desc = watched.page.locator("meta[name=description]").get_attribute("content")
    assert desc and desc.startswith("Checks whether you see MLOps")


def test_table_scrolls_inside_on_a_phone(browser, site: str) -> None:
    w = Watched(browser, site, viewport={"width": 375, "height": 800})
    w.goto("questions/canary-vs-blue-green/")
    page_overflow = w.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert page_overflow <= 0
    w.close()


def test_screenshots(browser, site: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Screenshots to look at (kept in $MLOPS_KIT_SCREENSHOTS when set)."""
    out = Path(os.environ.get("MLOPS_KIT_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    out.mkdir(parents=True, exist_ok=True)
    for lang, prefix in (("de", ""), ("en", "en/")):
        for width in (375, 1280):
            w = Watched(browser, site, viewport={"width": width, "height": 900})
            w.goto(prefix + "questions/canary-vs-blue-green/")
            w.page.locator("details.mlk-answer > summary").click()
            target = out / f"question-{lang}-{width}.png"
            w.page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000
            w.close()


def test_content_never_passes_through_jinja(project: Path, tmp_path: Path) -> None:
    q = project / "content" / "questions" / "what-is-mlops.yaml"
    text = q.read_text(encoding="utf-8")
    text = text.replace("**MLOps** (machine learning operations)",
                        "**MLOps** {{ x }} {% raw %} ${{ github.sha }} "
                        "(machine learning operations)")
    q.write_text(text, encoding="utf-8")
    assert run_cli("lock", "--content", str(project / "content"), cwd=ROOT).returncode == 0
    proc = run_cli("build", "--content", str(project / "content"), "--out",
                   str(tmp_path / "out"), "--only", "site", "--quiet", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "out" / "site" / "en" / "questions" / "what-is-mlops" / "index.html")
    body = html.read_text(encoding="utf-8")
    assert re.search(r"\{\{ x \}\} \{% raw %\} \$\{\{ github\.sha \}\}", body)


def test_print_unfolds_answers(watched: Watched) -> None:
    """A printed page cannot be clicked open: print media shows every folded answer."""
    watched.goto("en/questions/what-is-mlops/")
    assert not watched.page.locator("details.mlk-answer .mlk-points").is_visible()
    watched.page.emulate_media(media="print")
    assert watched.page.locator("details.mlk-answer .mlk-points").is_visible()
    assert not watched.page.locator(".md-sidebar--primary").is_visible()
