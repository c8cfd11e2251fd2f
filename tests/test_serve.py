"""`mlops-kit serve`: an edited YAML file shows in the browser-facing pages within seconds."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().decode("utf-8")
    except OSError:
        return None


def wait_for(predicate, timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if predicate():
            return time.perf_counter() - start
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout} s")


def start_serve(project: Path, port: int) -> subprocess.Popen:
    """`mlops-kit serve` on ``project``'s content, in its own process group."""
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--content", str(project / "content"),
         "--dev-addr", f"127.0.0.1:{port}"], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def test_serve_reloads_an_edited_question_in_both_languages(project: Path) -> None:
    assert run_cli("lock", "--content", str(project / "content"), cwd=ROOT).returncode == 0
    port = free_port()
    proc = start_serve(project, port)
    try:
        base = f"http://127.0.0.1:{port}/mlops-interview-kit/"
        page_de = base + "questions/what-is-mlops/"
        page_en = base + "en/questions/what-is-mlops/"
        wait_for(lambda: fetch(page_en) is not None, 120)
        assert "Was ist MLOps" in (fetch(page_de) or "")
        q = project / "content" / "questions" / "what-is-mlops.yaml"
        text = q.read_text(encoding="utf-8")
        q.write_text(text.replace("What is MLOps, and why", "What is MLOps (edited), and why")
                     .replace("Was ist MLOps, und warum", "Was ist MLOps (bearbeitet), und warum"),
                     encoding="utf-8")
        took = wait_for(lambda: "(edited)" in (fetch(page_en) or "")
                        and "(bearbeitet)" in (fetch(page_de) or ""), 30)
        # A title shows on other pages (neighbours, related, category, tag listings).
        print(f"title edit visible after {took:.2f} s")
        time.sleep(1)  # the watcher may report the last write twice
        text = q.read_text(encoding="utf-8")
        q.write_text(text.replace("The lifecycle covers:", "The lifecycle covers (edited):")
                     .replace("Der Lebenszyklus umfasst:",
                              "Der Lebenszyklus umfasst (bearbeitet):"), encoding="utf-8")
        took = wait_for(lambda: "covers (edited)" in (fetch(page_en) or "")
                        and "umfasst (bearbeitet)" in (fetch(page_de) or ""), 30)
        # An answer shows on its own page: only the pages it changed are rebuilt.
        print(f"answer edit visible after {took:.2f} s")
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_serve_with_broken_content_shows_the_problems_and_recovers(project: Path) -> None:
    """A content mistake while serving: the browser shows the located problem (no hanging
    request, no traceback), and the site comes back once the file is fixed."""
    q = project / "content" / "questions" / "what-is-mlops.yaml"
    good = q.read_text(encoding="utf-8")
    q.write_text(good.replace("category: basics", "category: basic"), encoding="utf-8")
    port = free_port()
    proc = start_serve(project, port)
    try:
        base = f"http://127.0.0.1:{port}/mlops-interview-kit/"
        wait_for(lambda: "MLK203" in (fetch(base) or ""), 120)
        assert "what-is-mlops.yaml:3:11" in (fetch(base) or "")
        q.write_text(good, encoding="utf-8")
        wait_for(lambda: "Was ist MLOps" in (fetch(base + "questions/what-is-mlops/") or ""),
                 60)
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
    assert "Traceback" not in out
    assert "MLK203" in out
