"""Shared fixtures: temporary copies of the content, one full build per session, Chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
REQUIRE_ALL = os.environ.get("MLOPS_KIT_REQUIRE_ALL") == "1"


def missing(what: str, how: str) -> None:
    """Skip for a missing external tool, except in CI where a skip would hide a gap."""
    message = f"{what} is not available: {how}"
    if REQUIRE_ALL:
        pytest.fail(f"{message} (MLOPS_KIT_REQUIRE_ALL=1 turns this skip into a failure)")
    pytest.skip(message)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A writable copy of the project's content/ and decks/ (with the lock)."""
    shutil.copytree(CONTENT, tmp_path / "content")
    shutil.copytree(ROOT / "decks", tmp_path / "decks")
    return tmp_path


def run_cli(*args: str, cwd: Path,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m generator`` as a user would, capturing both streams."""
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, text=True,
                          capture_output=True, env={**os.environ, **(env or {})}, timeout=600)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One full build of the real content (site, decks, PDFs), shared by the session."""
    out = tmp_path_factory.mktemp("dist")
    proc = run_cli("build", "--out", str(out), "--quiet", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return out


def chromium_path() -> str | None:
    """Debian's Chromium, else Playwright's own download, else None."""
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            exe = p.chromium.executable_path
        return exe if exe and Path(exe).exists() else None
    except Exception:
        return None


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium driven by Playwright."""
    exe = chromium_path()
    if exe is None:
        missing("Chromium", "install Debian's `apt-get install chromium` or run "
                "`playwright install chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def pdftoppm() -> str:
    exe = shutil.which("pdftoppm")
    if exe is None:
        missing("pdftoppm", "install it with `apt-get install poppler-utils`")
    return exe


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files without a log line per request."""

    def log_message(self, *args: object) -> None:
        pass


class _StaticServer(http.server.ThreadingHTTPServer):
    """A browser that drops a connection (a navigation cancels a download, the service
    worker aborts a fetch) is no server error: no traceback in the test output."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def static_server(folder: Path, handler: type[http.server.SimpleHTTPRequestHandler]
                  = QuietHandler) -> Iterator[int]:
    """Serve ``folder`` on a free loopback port (yielded) until the block ends."""
    server = _StaticServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
