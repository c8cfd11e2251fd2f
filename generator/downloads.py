"""The list of published files (decks and PDFs) as typed values, kept beside the outputs.

`mlops-kit build` writes ``downloads.json`` next to ``decks/``, ``pdf/`` and ``site/`` so a
plain `mkdocs build` or `mkdocs serve` can offer the same downloads without reading
meaning back out of file names.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path

from .model import Download

MANIFEST = "downloads.json"


def write_manifest(folder: Path, downloads: tuple[Download, ...]) -> None:
    data = [asdict(d) for d in downloads]
    (folder / MANIFEST).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n",
                                   encoding="utf-8")


def read_manifest(folder: Path) -> list[Download]:
    """The downloads the last build published; empty when there was none (or it is unreadable)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return [Download(**d) for d in data]
    except (OSError, ValueError, TypeError):
        return []


_SIZE = re.compile(r'<span class="mlk-size" data-file="([^"]+)"></span>')


def size_label(size: int) -> str:
    """A file size as readers expect it: 152 KB, 1.2 MB."""
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{max(1, round(size / 1e3))} KB"


def size_slot(name: str) -> str:
    """Where a page shows a file's size once the build knows it (see :func:`fill_sizes`)."""
    return f'<span class="mlk-size" data-file="{name}"></span>'


def fill_sizes(html: str, sizes: dict[str, int]) -> str:
    """Write the sizes into a built page: the site builds while the PDFs are made."""
    return _SIZE.sub(lambda m: size_label(sizes[m.group(1)]) if m.group(1) in sizes
                     else m.group(0), html)
