"""Typst's A4 layout of sheet sections, each in a process of its own, each kept by content.

A section (the contents page, a category, the glossary) is the unit of layout because it
is the unit of change and of memory: editing a question changes one category's data, and
a category laid out alone needs a fifth of the memory of its whole language (about
200 MiB instead of 900 MiB at 2,000 questions). A layout's PDF is kept in
``$MLOPS_KIT_CACHE/pdf`` under the SHA-256 of its data, the template and the Typst
version, so a build lays out only the sections whose data changed; the later steps read
it from there (qpdf reads a file faster than bytes handed over from Python). Typst's
output is deterministic, so a kept layout is the bytes a new one would be. The finished
sheets are kept beside the layouts (:func:`generator.pdf.derive.sheets`).
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import typst

from generator import caches

TEMPLATE = Path(__file__).with_name("sheet.typ")
T = TypeVar("T")
KEEP_DAYS = 30  # a kept layout nobody used for this long is deleted


def layout(data: str) -> bytes:
    """Typst's A4 layout of one section's data (``sheet.typ``)."""
    compiler = typst.Compiler(TEMPLATE, root=TEMPLATE.parent, ignore_system_fonts=True)
    pdf = compiler.compile(format="pdf", sys_inputs={"data": data})
    assert isinstance(pdf, bytes)
    return pdf


def cores() -> int:
    """How many children to run at once: one per core this process may use."""
    return len(os.sched_getaffinity(0))


def lay_out(sections: list[str]) -> list[Path]:
    """The layout of every section's data, in order, as files in the store: kept ones as
    they are, the others laid out, ``cores()`` at a time."""
    folder = caches.cache_dir("pdf")
    version = _version()
    paths = [folder / (hashlib.sha256(version + data.encode("utf-8")).hexdigest() + ".pdf")
             for data in sections]
    missing = {path: data for path, data in zip(paths, sections, strict=True)
               if not whole(path)}
    for path in set(paths) - set(missing):
        os.utime(path)  # still in use: see _forget_unused
    if missing:
        folder.mkdir(parents=True, exist_ok=True)
        _lay_out_apart({str(path): data for path, data in missing.items()})
        _forget_unused(folder)
    return paths


def _lay_out_apart(sections: dict[str, str]) -> None:
    """Lay out each section (file to write: data) in a child, the longest first, so the
    last to finish is a short one; each child writes its file."""
    order = sorted(sections, key=lambda path: -len(sections[path]))
    apart(_lay_out_into, [(Path(path), sections[path]) for path in order])


def _lay_out_into(path: Path, data: str) -> None:
    keep(path, layout(data))


def apart(function: Callable[..., T], calls: list[tuple[Any, ...]]) -> list[T]:
    """``function(*args)`` for each of ``calls``, ``cores()`` at a time, each in a child
    process that ends with it.

    Typst keeps what it memoised while laying out for the life of its process, and that is
    most of its memory, so each call gets a new child, which hands the memory back. The
    children come from a fork server, a clean process started for this: a plain fork of a
    process that has laid out before inherits Typst's thread pool without its threads, and
    the child's layout then waits for them forever. ``function`` must be importable from
    a module the server has loaded (this one and :mod:`.derive`)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, f"{__package__}.derive"])
    with ProcessPoolExecutor(max_workers=max(1, min(cores(), len(calls))),
                             mp_context=context, max_tasks_per_child=1) as children:
        futures = [children.submit(function, *args) for args in calls]
        return [future.result() for future in futures]


def _version() -> bytes:
    """What a layout depends on besides its data: the template and the Typst version."""
    return TEMPLATE.read_bytes() + f"\0typst {typst.__version__}\0".encode()


def whole(path: Path) -> bool:
    """Whether a kept file is there and whole (Typst ends each with ``%%EOF``); a missing
    or damaged one is laid out again."""
    try:
        with path.open("rb") as f:
            start = f.read(5)
            f.seek(max(0, path.stat().st_size - 64))
            return start == b"%PDF-" and b"%%EOF" in f.read()
    except OSError:
        return False


def keep(path: Path, pdf: bytes) -> None:
    """Write a layout atomically: a build that stops half-way leaves no damaged file, and
    two builds at once never read half a file."""
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_bytes(pdf)
    partial.replace(path)


def _forget_unused(folder: Path) -> None:
    """Delete kept layouts no build has used for ``KEEP_DAYS`` (each edit keeps a new one)."""
    cutoff = time.time() - KEEP_DAYS * 86400
    for path in folder.glob("*.pdf"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
