"""Lighthouse (mobile) on the built site, served with gzip on loopback.

    npm install --prefix .cache/npm lighthouse        # once
    python tests/benchmarks/lighthouse.py dist/site [--runs 3]   # after `mlops-kit build`

Prints performance, accessibility, best practices and SEO (the median of ``--runs`` runs
each) for the home, a question, the glossary, the downloads and the study page in both
languages, and the bytes a page transfers. Needs Chromium (CHROME_PATH, default
/usr/bin/chromium); run it with both cores free, the scores depend on it.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = [prefix + page for prefix in ("", "en/") for page in
         ("", "questions/canary-vs-blue-green/", "glossary/", "downloads/", "study/")]
FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking "
         "--disable-component-update --disable-sync --no-first-run")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with gzip and caching headers, as GitHub Pages serves them."""

    def log_message(self, *args: object) -> None:
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        data = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(data)


def lighthouse_binary() -> str:
    local = ROOT / ".cache" / "npm" / "node_modules" / ".bin" / "lighthouse"
    if local.exists():
        return str(local)
    raise SystemExit("lighthouse not found: npm install --prefix .cache/npm lighthouse")


def _once(base: str, page: str, env: dict[str, str]) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        subprocess.run([lighthouse_binary(), base + page, "--quiet", "--output=json",
                        f"--output-path={report.name}", f"--chrome-flags={FLAGS}"],
                       check=True, env=env, capture_output=True)
        return json.loads(Path(report.name).read_text(encoding="utf-8"))


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--runs")]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    args = [a for a in args if a != str(runs)]
    site = Path(args[0] if args else "dist/site").resolve()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    print("| page | performance | accessibility | best practices | SEO | transfer KB "
          "| of which search index KB |")
    print("|---|---|---|---|---|---|---|")
    for page in PAGES:
        reports = [_once(base, page, env) for _ in range(runs)]
        scores = [round(statistics.median(r["categories"][c]["score"] * 100 for r in reports))
                  for c in ("performance", "accessibility", "best-practices", "seo")]
        r = reports[0]
        items = r["audits"]["network-requests"]["details"]["items"]
        transfer = sum(i.get("transferSize", 0) for i in items)
        index = sum(i.get("transferSize", 0) for i in items if "search_index" in i["url"])
        print(f"| /{page} | " + " | ".join(map(str, scores))
              + f" | {transfer / 1024:.0f} | {index / 1024:.0f} |")
    server.shutdown()


if __name__ == "__main__":
    main()
