"""Study mode in a real Chromium, the site under a sub-path: ratings survive a reload, both
languages share one schedule, export and import, damaged imports change nothing, the mock
interview on a fake clock, offline after the first visit, a new version replaces the cache,
keyboard use, screenshots; nothing leaves the site and nothing is logged as an error.
The generated files themselves: tests/test_study_files.py."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import QuietHandler, static_server

SUB = "/kit/"  # served under a sub-path, as on GitHub Pages
KEY = f"mlk-study:{SUB}"


class SubPath(QuietHandler):
    """The built site at /kit/ only; everything else is 404 (catches root-relative URLs)."""

    def translate_path(self, path: str) -> str:
        if not path.startswith(SUB):
            return "/nonexistent"
        return super().translate_path("/" + path[len(SUB):])


@pytest.fixture(scope="session")
def kit(built: Path) -> Iterator[str]:
    with static_server(built / "site", SubPath) as port:
        yield f"http://127.0.0.1:{port}{SUB}"


class Learner:
    """A browser context with the study page; records console errors and any request
    (the service worker's included) that leaves the site."""

    def __init__(self, browser, base: str, **options) -> None:
        self.base = base
        self.context = browser.new_context(**options)
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.context.on("request", self._request)
        self.page = self.new_page()

    def _request(self, request) -> None:
        if not request.url.startswith((self.base, "data:", "blob:")):
            self.foreign.append(request.url)

    def new_page(self):
        page = self.context.new_page()
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        return page

    def open(self, path: str = "study/", page=None) -> None:
        page = page or self.page
        page.goto(self.base + path, wait_until="networkidle")
        page.wait_for_selector("#mlk-study[data-ready=true]")

    def state(self, page=None) -> dict:
        raw = (page or self.page).evaluate(f"localStorage.getItem({KEY!r})")
        return json.loads(raw) if raw else {}

    def count(self, name: str, page=None) -> int:
        return int((page or self.page).locator(f"#mlk-count-{name}").inner_text())

    def rate(self, key: str, page=None) -> str:
        """Reveal the card on screen with Space and rate it with a number key."""
        page = page or self.page
        question = page.locator("#mlk-card-question").inner_text()
        page.keyboard.press("Space")
        page.wait_for_selector("#mlk-ratings:not([hidden])")
        page.keyboard.press(key)
        return question

    def close(self) -> None:
        self.context.close()
        assert self.foreign == [], f"requests left the site: {self.foreign}"
        assert self.errors == [], f"console errors: {self.errors}"


@pytest.fixture
def learner(browser, kit: str) -> Iterator[Learner]:
    person = Learner(browser, kit)
    yield person
    person.close()


@pytest.mark.browser
def test_ratings_survive_a_reload(learner: Learner) -> None:
    learner.open()
    new = learner.count("new")
    first = learner.rate("3")  # Good: a new card goes into learning
    second = learner.rate("4")  # Easy: straight to review
    third = learner.rate("1")
    learner.page.click("#mlk-undo")  # undo brings the last card back, unrated
    assert learner.page.locator("#mlk-card-question").inner_text() == third
    assert first != second != third and len(learner.state()["log"]) == 2
    learner.page.reload(wait_until="networkidle")
    learner.page.wait_for_selector("#mlk-study[data-ready=true]")
    assert (learner.count("new"), learner.count("done")) == (new - 2, 2)
    state = learner.state()
    assert [e[2] for e in state["log"]] == [3, 4]
    cards_ = [state["cards"][e[0]] for e in state["log"]]
    assert [c["state"] for c in cards_] == [1, 2] and cards_[1]["scheduled_days"] >= 1


@pytest.mark.browser
def test_both_languages_share_one_schedule(learner: Learner) -> None:
    learner.open()
    learner.rate("4")
    english = learner.new_page()
    learner.open("en/study/", english)
    assert learner.state(english) == learner.state()
    assert learner.count("done", english) == 1 and learner.count("new", english) == \
        learner.count("new")
    learner.rate("4", english)  # the German tab follows without a reload
    learner.page.wait_for_function("() => document.getElementById('mlk-count-done')"
                                   ".textContent === '2'")
    assert len(learner.state()["cards"]) == 2


@pytest.mark.browser
def test_export_then_import_elsewhere(browser, kit: str, learner: Learner,
                                      tmp_path: Path) -> None:
    learner.open()
    for key in ("3", "4", "1"):
        learner.rate(key)
    learner.page.click("#mlk-settings > summary")
    learner.page.fill("#mlk-new-per-day", "7")
    learner.page.locator("#mlk-new-per-day").dispatch_event("change")
    learner.page.click("#mlk-tab-progress")
    with learner.page.expect_download() as download:
        learner.page.click("#mlk-export")
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)
    other = Learner(browser, kit)  # another browser: a fresh context
    other.open("en/study/#progress")
    other.page.set_input_files("#mlk-import", str(exported))
    other.page.wait_for_selector("#mlk-backup-status:not(:empty)")
    assert other.state() == learner.state()
    assert other.page.locator("#mlk-stat-learned").inner_text().startswith("3")
    other.close()


@pytest.mark.browser
@pytest.mark.parametrize("content", ["{not json", '{"format": "something-else"}',
                                     "__damaged__", "__newer__"])
def test_damaged_import_changes_nothing(learner: Learner, tmp_path: Path,
                                        content: str) -> None:
    learner.open()
    learner.rate("4")
    before = learner.page.evaluate(f"localStorage.getItem({KEY!r})")
    record = json.loads(before)
    if content == "__damaged__":
        next(iter(record["cards"].values()))["stability"] = -1
        content = json.dumps(record)
    elif content == "__newer__":
        content = json.dumps({**record, "version": 99})
    (tmp_path / "progress.json").write_text(content, encoding="utf-8")
    learner.page.click("#mlk-tab-progress")
    learner.page.set_input_files("#mlk-import", str(tmp_path / "progress.json"))
    alert = learner.page.locator("#mlk-backup-error[role=alert]")
    alert.wait_for()
    assert "unverändert" in alert.inner_text()
    if '"stability": -1' in content:
        assert ".stability" in alert.inner_text()
    assert learner.page.evaluate(f"localStorage.getItem({KEY!r})") == before


@pytest.mark.browser
def test_new_questions_appear_retired_ones_drop_out(learner: Learner) -> None:
    learner.open()
    retired = {"due": "2020-01-01T00:00:00.000Z", "stability": 5, "difficulty": 5,
               "scheduled_days": 5, "learning_steps": 0, "reps": 3, "lapses": 0, "state": 2,
               "last_review": "2019-12-27T00:00:00.000Z"}
    record = {"format": "mlops-interview-kit/progress", "version": 1,
              "cards": {"a-retired-question": retired}, "log": [["a-retired-question",
                                                                1577404800000, 3, 2]]}
    learner.page.evaluate(f"localStorage.setItem({KEY!r}, {json.dumps(json.dumps(record))})")
    learner.page.reload(wait_until="networkidle")
    learner.page.wait_for_selector("#mlk-study[data-ready=true]")
    assert (learner.count("due"), learner.count("new")) == (0, 10)
    learner.page.click("#mlk-tab-progress")
    assert learner.page.locator("#mlk-stat-reviews").inner_text() == "0"


@pytest.mark.browser
def test_mock_interview_on_a_fake_clock(learner: Learner) -> None:
    page = learner.page
    page.clock.install(time=1_796_000_000_000)
    learner.open("study/#mock")
    page.clock.pause_at(1_796_000_060_000)  # from here on time moves only when told
    page.fill("#mlk-mock-count", "2")
    page.click("#mlk-mock-setup button[type=submit]")
    assert page.locator("#mlk-mock-timer").inner_text() == "2:00"
    page.clock.run_for(60_000)
    assert page.locator("#mlk-mock-timer").inner_text() == "1:00"
    assert page.locator("#mlk-mock-check").is_hidden()
    page.clock.run_for(61_000)  # time is up: the key points become a checklist
    assert page.locator("#mlk-mock-check").is_visible()
    assert "Zeit ist um" in page.locator("#mlk-mock-status").inner_text()
    for box in page.locator("#mlk-mock-points input").all():
        box.check()
    page.click("#mlk-mock-next")
    weak = page.locator("#mlk-mock-question").inner_text()
    page.click("#mlk-mock-stop")  # answered early, covered nothing
    page.click("#mlk-mock-next")
    summary = page.locator("#mlk-mock-summary")
    assert summary.is_visible() and "1" in page.locator("#mlk-summary-queued").inner_text()
    scores = page.locator("#mlk-summary-weak li .mlk-score").all_inner_texts()
    assert scores and all(int(re.sub(r"\D", "", s)) < 75 for s in scores)
    assert len(learner.state()["flagged"]) == 1
    page.click("#mlk-summary-review")  # the weak card comes first in the review
    assert page.locator("#mlk-card-question").inner_text() == weak
    assert learner.count("due") == 1


def worker_ready(learner: Learner, page=None) -> None:
    (page or learner.page).wait_for_selector("#mlk-study[data-offline=ready]", state="attached")


@pytest.mark.browser
def test_offline_after_the_first_visit(learner: Learner) -> None:
    learner.open()
    worker_ready(learner)
    first = learner.state() or {}
    question = learner.page.locator("#mlk-card-page").get_attribute("href")
    learner.context.set_offline(True)
    learner.page.reload()
    learner.page.wait_for_selector("#mlk-study[data-ready=true]")
    learner.rate("4")
    assert learner.state() != first
    learner.page.click("#mlk-reveal")
    learner.page.click("#mlk-full-toggle")  # today's question pages were kept
    learner.page.wait_for_selector("#mlk-card-full p")
    assert "offline" not in learner.page.locator("#mlk-card-full").inner_text()
    learner.page.goto(learner.base + "study/" + question)
    assert learner.page.locator("details.mlk-answer").count() == 1
    learner.open("en/study/")  # the other language was kept too
    response = learner.page.goto(learner.base + "en/tags/")  # never visited: a clear page
    assert response.status == 503 and "offline" in learner.page.content()
    assert learner.errors == ["Failed to load resource: the server responded with a status "
                              "of 503 ()"]
    learner.errors.clear()
    learner.context.set_offline(False)


@pytest.mark.browser
def test_a_new_version_replaces_the_cache(browser, built: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built / "site", site)
    with static_server(site, SubPath) as port:
        base = f"http://127.0.0.1:{port}{SUB}"
        learner = Learner(browser, base)
        learner.open()
        worker_ready(learner)
        learner.rate("4")
        progress = learner.state()
        names = "caches.keys().then(k => k.filter(n => n.startsWith('mlk:')))"
        (old,) = learner.page.evaluate(names)
        worker = (site / "sw.js").read_text(encoding="utf-8")
        (site / "sw.js").write_text(worker.replace('"version": "', '"version": "new'), "utf-8")
        page = site / "study/index.html"
        page.write_text(page.read_text(encoding="utf-8").replace("mlk-study-lede", "mlk-study-lede "
                                                                 "mlk-new-build"), "utf-8")
        learner.page.reload(wait_until="networkidle")
        replaced = f"() => {names}.then(k => k.length === 1 && k[0] !== {old!r})"
        learner.page.wait_for_function(replaced)
        learner.page.reload(wait_until="networkidle")
        assert learner.page.locator(".mlk-new-build").count() == 1
        assert learner.state() == progress
        learner.close()


@pytest.mark.browser
def test_keyboard_only(learner: Learner) -> None:
    page = learner.page
    learner.open()
    page.locator("#mlk-reveal").focus()
    page.keyboard.press("Enter")  # the focused button itself
    assert page.locator("#mlk-card-back").is_visible()
    assert page.evaluate("document.activeElement.id") == "mlk-card-back"
    page.keyboard.press("Space")  # Space after the answer means Good
    assert page.evaluate("document.activeElement.id") == "mlk-card-question"
    page.locator("#mlk-tab-review").focus()
    page.keyboard.press("ArrowRight")
    assert page.locator("#mlk-panel-mock").is_visible()
    assert page.evaluate("document.activeElement.id") == "mlk-tab-mock"


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(browser, kit: str, width: int, scheme: str,
                     tmp_path_factory: pytest.TempPathFactory) -> None:
    """Both languages, both palettes, phone and desktop (kept in $MLOPS_KIT_SCREENSHOTS)."""
    out = Path(os.environ.get("MLOPS_KIT_SCREENSHOTS") or tmp_path_factory.mktemp("study"))
    out.mkdir(parents=True, exist_ok=True)
    for lang, prefix in (("de", ""), ("en", "en/")):
        person = Learner(browser, kit, viewport={"width": width, "height": 900},
                         color_scheme=scheme)
        person.open(prefix + "study/")
        person.page.keyboard.press("Space")
        for part in ("review", "mock", "progress"):
            person.page.click(f"#mlk-tab-{part}")
            overflow = person.page.evaluate("document.documentElement.scrollWidth - "
                                            "document.documentElement.clientWidth")
            assert overflow <= 0, (part, overflow)
            target = out / f"study-{part}-{lang}-{scheme}-{width}.png"
            person.page.screenshot(path=str(target), full_page=True)
        person.close()
