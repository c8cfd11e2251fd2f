"""The site as a learner uses it (issue: the site for learners), in Chromium: labelled
pager, skip link, folded answer's label, category in the navigation, phone sections, 404 in
both languages with its policy, the palette shared by both languages, hreflang links, the
downloads table."""

from __future__ import annotations

import pytest

from tests.test_site import Watched, site  # noqa: F401 (site: a fixture)

pytestmark = pytest.mark.browser
Q = "questions/canary-vs-blue-green/"


def test_question_page_navigation(browser, site) -> None:  # noqa: F811
    page = Watched(browser, site, viewport={"width": 1280, "height": 900})
    page.goto(Q)
    p = page.page
    # Two distinct, labelled links, not one sentence.
    assert p.locator(".mlk-pager a[rel=prev] .mlk-pager-label").inner_text().strip()
    assert p.locator(".mlk-pager a[rel=next] .mlk-pager-label").inner_text().startswith(
        "Nächste Frage")
    # The skip link lands on the question itself.
    assert p.get_attribute("a.md-skip", "href").endswith("#question")
    # The toggle says what it does once open.
    summary = p.locator("details.mlk-answer > summary")
    assert summary.inner_text().strip() == "Antwort zeigen"
    summary.click()
    p.wait_for_function("document.querySelector('details.mlk-answer > summary')"
                        ".textContent.trim() === 'Antwort ausblenden'", timeout=5000)
    # The answer is set at body size, not Material's smaller admonition size.
    body = p.evaluate("parseFloat(getComputedStyle("
                      "document.querySelector('.md-typeset')).fontSize)")
    answer = p.evaluate("parseFloat(getComputedStyle(document.querySelector("
                        "'.mlk-answer .mlk-body p')).fontSize)")
    assert answer >= body
    # The question's category is marked as the current place in the navigation.
    assert p.locator(".md-nav--primary a.md-nav__link--active[aria-current=location]").count()
    page.close()


def test_phone_shows_category_and_sections(browser, site) -> None:  # noqa: F811
    page = Watched(browser, site, viewport={"width": 375, "height": 800})
    page.goto(Q)
    assert page.page.locator(".mlk-meta a.mlk-chip").is_visible()
    links = page.page.locator("nav.mlk-sections a")
    assert links.count() >= 4 and links.first.is_visible()
    links.nth(1).click()  # a section inside the folded answer opens the fold
    assert page.page.locator("details.mlk-answer").evaluate("d => d.open")
    page.close()


@pytest.mark.parametrize(("prefix", "title"), [("", "Seite nicht gefunden"),
                                               ("en/", "Page not found")])
def test_404_in_each_language_with_its_policy(browser, site, prefix: str,  # noqa: F811
                                              title: str) -> None:
    context = browser.new_context()
    p = context.new_page()
    p.goto(site + prefix + "404.html")
    assert p.locator("h1").inner_text() == title
    assert p.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1
    hrefs = p.eval_on_selector_all("article a", "els => els.map(e => e.getAttribute('href'))")
    assert any(h.endswith("/en/") for h in hrefs) and len(hrefs) >= 2
    context.close()


def test_palette_is_shared_by_both_languages(browser, site) -> None:  # noqa: F811
    page = Watched(browser, site, viewport={"width": 1280, "height": 900})
    page.goto("")
    page.page.click("form[data-md-component=palette] label:visible")
    dark = page.page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    page.goto("en/")
    assert page.page.evaluate("document.body.getAttribute('data-md-color-scheme')") == dark
    page.close()


def test_labels_are_in_the_page_language(browser, site) -> None:  # noqa: F811
    page = Watched(browser, site, viewport={"width": 1280, "height": 900})
    page.goto(Q)
    html = page.page.content()
    for english in ("Dark mode", "Permanent link", "404 - Not found"):
        assert english not in html
    page.close()


def test_hreflang_links_and_sitemaps(built, site) -> None:  # noqa: F811
    html = (built / "site" / "questions" / "canary-vs-blue-green" / "index.html").read_text(
        encoding="utf-8")
    assert 'hreflang="en" href="https://' in html and 'hreflang="x-default"' in html
    for sub in ("", "en/"):
        xml = (built / "site" / sub / "sitemap.xml").read_text(encoding="utf-8")
        assert 'xhtml:link rel="alternate" hreflang="de"' in xml
        assert 'hreflang="en"' in xml


def test_downloads_table_names_every_file(browser, site) -> None:  # noqa: F811
    page = Watched(browser, site, viewport={"width": 1280, "height": 900})
    page.goto("downloads/")
    rows = page.page.locator(".md-content table tbody tr")
    assert rows.count() >= 3
    names = page.page.eval_on_selector_all(".md-content table tbody th a",
                                           "els => els.map(e => e.textContent)")
    assert len(set(names)) == len(names)  # every link says what it is
    sizes = page.page.eval_on_selector_all(".md-content table tbody td:last-child",
                                           "els => els.map(e => e.textContent.trim())")
    assert all(s.endswith(("KB", "MB")) for s in sizes), sizes
    assert "| Grundlagen |" not in page.page.content()
    page.close()


def test_a_printed_question_page(browser, site, tmp_path) -> None:  # noqa: F811
    """Printed: the first page starts with the question, answers unfolded, every table column
    on paper, source URLs printed, no pager or search."""
    import io

    from pypdf import PdfReader

    context = browser.new_context()
    p = context.new_page()
    p.goto(site + Q, wait_until="networkidle")
    p.emulate_media(media="print")
    # Print opens the folds (kit.js on beforeprint); poll, in case the script attaches late.
    p.wait_for_function("() => { window.dispatchEvent(new Event('beforeprint'));"
                        " return document.querySelector('details.mlk-answer').open; }",
                        timeout=10000)
    assert not p.locator(".mlk-pager").is_visible()
    pdf = p.pdf(format="A4")
    context.close()
    pages = [" ".join(pg.extract_text().split()) for pg in PdfReader(io.BytesIO(pdf)).pages]
    assert "Canary" in pages[0] and len(pages[0]) > 400  # the first page is not blank
    text = " ".join(pages)
    assert "https://martinfowler.com" in text  # a source prints its URL
    assert "Wann einsetzen" in text or "Kosten" in text  # the table's last columns print
