"""``mlops-kit check-links``: internal links and anchors of the built site (offline, both
languages), and the external check's network handling, retries and cache, tested against a
server on 127.0.0.1 only."""

from __future__ import annotations

import http.server
import io
import json
import re
import shutil
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator import links
from generator.bank import load_bank
from tests.conftest import ROOT, run_cli
from tests.sample import QUESTION, make

PAGE = "questions/mlops-vs-devops/index.html"
PLANTED = '<a href="../no-such-page/">x</a><a href="../what-is-mlops/#no-such-anchor">y</a>'


def plant(path: Path, html: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert "</article>" in text, f"{path}: no </article> to plant before"
    path.write_text(text.replace("</article>", html + "</article>", 1), encoding="utf-8")


# --- internal links of the built site ------------------------------------------------


@pytest.mark.slow
def test_the_built_site_has_no_broken_internal_links(built: Path) -> None:
    proc = run_cli("check-links", "--site", str(built / "site"), cwd=ROOT)
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stdout + proc.stderr
    assert "0 broken internal link(s)" in proc.stderr


@pytest.mark.slow
def test_a_planted_broken_link_and_anchor_are_reported_in_both_languages(
        built: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built / "site", site)
    target = (site / "questions/what-is-mlops/index.html").read_text(encoding="utf-8")
    anchor = re.search(r'<h2 id="([^"]+)"', target)
    assert anchor, "the question page has no <h2 id=...> to link to"
    plant(site / PAGE, PLANTED)
    # Links from /en/ into the German root are legitimate: these two must not be reported.
    plant(site / "en" / PAGE, PLANTED + '<a href="../../../">de</a>'
          f'<a href="../../../questions/what-is-mlops/#{anchor[1]}">de</a>')
    proc = run_cli("check-links", "--site", str(site), cwd=ROOT)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == [
        f"en/{PAGE}: broken link -> ../no-such-page/",
        f"en/{PAGE}: missing anchor #no-such-anchor -> ../what-is-mlops/#no-such-anchor",
        f"{PAGE}: broken link -> ../no-such-page/",
        f"{PAGE}: missing anchor #no-such-anchor -> ../what-is-mlops/#no-such-anchor",
    ]


def _page(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('<html><head><link rel="canonical" href="https://example.org/kit/">'
                    f'</head><body>{body}</body></html>', encoding="utf-8")


def test_internal_check_edge_cases(tmp_path: Path) -> None:
    """A tiny site published at https://example.org/kit/ (from its canonical link)."""
    site = tmp_path / "site"
    _page(site / "a" / "index.html", '<h2 id="top">A</h2>')
    (site / "img.svg").write_text("<svg/>", encoding="utf-8")
    _page(site / "index.html", "".join([
        '<a href="a/#top">ok</a>', '<a href="a#top">directory without slash</a>',
        '<a href="https://example.org/kit/a/">absolute, inside</a>',
        '<a href="/kit//a/">double slash</a>', '<img src="img.svg#only-light">',
        '<a href="https://other.example/x">other host</a>', '<a href="mailto:a@b.c">mail</a>',
        '<a href="#">top</a>', '<a href="en/">english</a>',
        '<a href="https://example.org/kit/gone/">absolute, missing</a>',
        '<a href="../../../../x/">outside</a>', '<img src="nope.png">',
        '<a href="a/#nope">missing anchor</a>', '<a href="%2e%2e/%2e%2e/">encoded dots</a>',
    ]))
    _page(site / "en" / "index.html", '<a href="../a/#top">de</a><a href="../b/">gone</a>')
    assert links.check_site(site) == [
        "en/index.html: broken link -> ../b/",
        "index.html: broken link -> %2e%2e/%2e%2e/",
        "index.html: broken link -> ../../../../x/ (outside the site)",
        "index.html: broken link -> https://example.org/kit/gone/",
        "index.html: broken link -> nope.png",
        "index.html: missing anchor #nope -> a/#nope",
    ]


def test_check_links_without_a_built_site_says_so(tmp_path: Path) -> None:
    proc = run_cli("check-links", "--site", str(tmp_path / "nothing"), cwd=ROOT)
    assert proc.returncode == 1 and "run `mlops-kit build` first" in proc.stderr


# --- URLs in content/ -------------------------------------------------------------------


def test_urls_come_from_sources_and_markdown_links(tmp_path: Path) -> None:
    question = QUESTION.replace(
        "Drift heißt,", "Drift ([Details](https://example.org/de)) heißt,").replace(
        "Drift means", "Drift ([details](<https://example.org/en>)) means")
    content = make(tmp_path, question)
    found = links.collect_urls(load_bank(content, check_lock=False))
    assert set(found) == {"https://example.org/docs", "https://example.org/de",
                          "https://example.org/en"}
    assert [p.resolve() for p in found["https://example.org/en"]] == [
        (content / "questions" / "sample.yaml").resolve()]


def test_a_broken_url_is_reported_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text("id: q\nsources:\n  - url: https://example.org/gone\n", encoding="utf-8")
    url = "https://example.org/gone"
    report = links.ExternalReport({url: links.Result(url, ok=False, status=404)})
    out, err = io.StringIO(), io.StringIO()
    assert links.report_external({url: [path]}, report, out, err) == links.BROKEN
    assert out.getvalue() == f"{path.as_posix()}:3: broken link -> {url} (HTTP 404)\n"
    assert "1 broken" in err.getvalue()


# --- the network: offline, retries, fallback, cache ---------------------------------------


def test_no_resolvable_host_means_offline_exit_2_and_no_cache(tmp_path: Path) -> None:
    """``.invalid`` never resolves (RFC 6761): the same everywhere, with or without network."""
    urls = ["https://no-such-host.invalid/a", "https://other.invalid/b",
            "https://other.invalid/c"]
    cache = tmp_path / "links.json"
    report = links.check_external(urls, cache, backoff=0.01)
    assert (report.offline, report.unchecked, report.hosts) == (True, 3, 2)
    assert not cache.exists(), "an offline run must not cache anything"
    err = io.StringIO()
    assert links.report_external({u: [] for u in urls}, report, io.StringIO(), err) == 2
    assert "network unreachable" in err.getvalue()
    assert "3 URL(s) left unchecked" in err.getvalue()


def _resolves(host: str) -> bool:
    """A quick sequential IPv4 lookup: only decides whether the test may run here."""
    try:
        socket.getaddrinfo(host, 443, family=socket.AF_INET, type=socket.SOCK_STREAM)
    except OSError:
        return False
    return True


def test_no_answer_from_any_host_is_offline_too(tmp_path: Path) -> None:
    """DNS may work (a local resolver) while nothing else does: not N broken links."""
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    urls = [f"http://127.0.0.{i}:{port}/" for i in (1, 2, 3)]
    report = links.check_external(urls, tmp_path / "c.json", retries=1, backoff=0.01)
    assert (report.offline, report.unchecked) == (True, 3), report.results
    assert "no answer from any of 3 host(s)" in report.why
    assert not (tmp_path / "c.json").exists()


def test_external_check_of_the_real_content_without_network(tmp_path: Path) -> None:
    """As the weekly job would run it, on this machine (no internet): exit 2, not a pass."""
    found = links.collect_urls(load_bank(ROOT / "content", check_lock=False))
    assert found, "content/ has no external URLs?"
    if any(_resolves(host) for host in {urlsplit(u).hostname or "" for u in found}):
        pytest.skip("this machine reaches the internet; the .invalid test covers offline")
    proc = run_cli("check-links", "--external", "--cache", str(tmp_path / "links.json"),
                   cwd=ROOT)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert "network unreachable" in proc.stderr
    assert f"{len(found)} URL(s) left unchecked" in proc.stderr
    assert not (tmp_path / "links.json").exists()


class _Handler(http.server.BaseHTTPRequestHandler):
    """/ok 200, /missing 404, /flaky 503 once then 200, /down always 503,
    /no-head 405 to HEAD but 200 to GET, /moved 301 to /ok."""

    server: _Server

    def do_HEAD(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        with self.server.lock:
            self.server.hits[(self.command, self.path)] += 1
            seen = sum(n for (_, p), n in self.server.hits.items() if p == self.path)
        code = {"/ok": 200, "/missing": 404, "/down": 503, "/moved": 301,
                "/flaky": 503 if seen == 1 else 200,
                "/no-head": 405 if self.command == "HEAD" else 200}.get(self.path, 404)
        self.send_response(code)
        if code == 301:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", "2")
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    hits: Counter[tuple[str, str]]
    lock: threading.Lock
    url: str


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Server]:
    """A loopback-only HTTP server that counts what it was asked."""
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    srv = _Server(("127.0.0.1", 0), _Handler)
    srv.hits, srv.lock = Counter(), threading.Lock()
    srv.url = f"http://127.0.0.1:{srv.server_port}"
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_retries_fallback_and_cache(server: _Server, tmp_path: Path) -> None:
    paths = ("/ok", "/missing", "/flaky", "/down", "/no-head", "/moved")
    url = {p: server.url + p for p in paths}
    cache = tmp_path / "links.json"

    first = links.check_external(url.values(), cache, retries=2, backoff=0.01, timeout=5)
    r = {p: first.results[url[p]] for p in paths}
    assert not first.offline
    assert (r["/ok"].ok, r["/ok"].attempts) == (True, 1)
    assert (r["/missing"].ok, r["/missing"].status, r["/missing"].attempts) == (False, 404, 1)
    assert (r["/flaky"].ok, r["/flaky"].attempts) == (True, 2), "503 once, then retried"
    assert (r["/down"].ok, r["/down"].status, r["/down"].attempts) == (False, 503, 3)
    assert r["/no-head"].ok and server.hits[("GET", "/no-head")] == 1, "HEAD 405, then GET"
    assert r["/moved"].ok
    assert {x.url for x in first.broken} == {url["/missing"], url["/down"]}

    saved = json.loads(cache.read_text(encoding="utf-8"))["urls"]
    assert saved[url["/ok"]]["ok"] is True and saved[url["/ok"]]["status"] == 200
    assert saved[url["/missing"]]["ok"] is False and saved[url["/missing"]]["status"] == 404
    assert all(time.time() - e["checked"] < 60 for e in saved.values())

    # A week within max-age: working URLs come from the cache, broken ones are asked again.
    before = server.hits.copy()
    second = links.check_external(url.values(), cache, retries=0, backoff=0.01, timeout=5)
    assert second.results[url["/ok"]].cached
    assert server.hits[("HEAD", "/ok")] == before[("HEAD", "/ok")]
    assert server.hits[("HEAD", "/missing")] == before[("HEAD", "/missing")] + 1

    # Past max-age every URL is asked again.
    later = links.check_external(url.values(), cache, retries=0, backoff=0.01, timeout=5,
                                 now=time.time() + 8 * 86400)
    assert not later.results[url["/ok"]].cached
    assert server.hits[("HEAD", "/ok")] == before[("HEAD", "/ok")] + 1


def test_a_host_that_does_not_resolve_is_broken_when_others_do(server: _Server,
                                                               tmp_path: Path) -> None:
    good, bad = server.url + "/ok", "https://gone.invalid/page"
    report = links.check_external([good, bad], tmp_path / "c.json", backoff=0.01)
    assert not report.offline
    assert report.results[good].ok
    assert (report.results[bad].ok, report.results[bad].reason) == (False, "host not found")
