"""Typst's A4 layout of sheet sections, each in a process of its own, each kept by content.

A section (the contents page, a category, the glossary) is the unit of layout because it
is the unit of change and of memory: editing a question changes one category's data, and
a category laid out alone needs a fifth of the memory of its whole language (about
200 MiB instead of 900 MiB at 2,000 questions). A layout's PDF is kept in
``$MLOPS_KIT_CACHE/pdf`` under the SHA-256 of its data, the template and the Typst
version, so a build lays out only the sections whose data changed. Typst's output is
deterministic, so a kept layout is the bytes a new one would be.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import typst

from generator import caches

TEMPLATE = Path(__file__).with_name("sheet.typ")
KEEP_DAYS = 30  # a kept layout nobody used for this long is deleted


def layout(data: str) -> bytes:
    """Typst's A4 layout of one section's data (``sheet.typ``)."""
    compiler = typst.Compiler(TEMPLATE, root=TEMPLATE.parent, ignore_system_fonts=True)
    pdf = compiler.compile(format="pdf", sys_inputs={"data": data})
    assert isinstance(pdf, bytes)
    return pdf


def cores() -> int:
    """How many sections to lay out at once: one per core this process may use, or one
    when the build has asked Typst for a single thread (``RAYON_NUM_THREADS=1`` beside the
    site build, which needs the other core)."""
    allowed = len(os.sched_getaffinity(0))
    threads = os.environ.get("RAYON_NUM_THREADS", "")
    return max(1, min(allowed, int(threads))) if threads.isdigit() else allowed


def lay_out(sections: list[str]) -> list[bytes]:
    """The layout of every section's data, in order: kept ones read back, the others laid
    out, the longest first, ``cores()`` at a time."""
    folder = caches.cache_dir("pdf")
    version = _version()
    names = [hashlib.sha256(version + data.encode("utf-8")).hexdigest() + ".pdf"
             for data in sections]
    found: dict[str, bytes] = {}
    for name in set(names):
        with contextlib.suppress(OSError):
            data = (folder / name).read_bytes()
            if _whole(data):  # else laid out again and written anew
                found[name] = data
                os.utime(folder / name)  # still in use: see _forget_unused
    missing = {name: data for name, data in zip(names, sections, strict=True)
               if name not in found}
    if missing:
        found.update(_lay_out_apart(missing))
        folder.mkdir(parents=True, exist_ok=True)
        for name in missing:
            _keep(folder / name, found[name])
        _forget_unused(folder)
    return [found[name] for name in names]


def _lay_out_apart(sections: dict[str, str]) -> dict[str, bytes]:
    """:func:`layout` of each section in a child process that ends with it.

    Typst keeps what it memoised while laying out for the life of its process, and that is
    most of its memory, so each section gets a new child, which hands the memory back. The
    children come from a fork server, a clean process started for this: a plain fork of a
    process that has laid out before inherits Typst's thread pool without its threads, and
    the child's layout then waits for them forever. The longest sections go first, so the
    last to finish is a short one."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    order = sorted(sections, key=lambda name: -len(sections[name]))
    with ProcessPoolExecutor(max_workers=min(cores(), len(order)), mp_context=context,
                             max_tasks_per_child=1) as children:
        futures = {name: children.submit(layout, sections[name]) for name in order}
        return {name: future.result() for name, future in futures.items()}


def _version() -> bytes:
    """What a layout depends on besides its data: the template and the Typst version."""
    return TEMPLATE.read_bytes() + f"\0typst {typst.__version__}\0".encode()


def _whole(pdf: bytes) -> bool:
    """Whether a kept file is a whole PDF (Typst ends each with ``%%EOF``); a damaged one
    is laid out again."""
    return pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-64:]


def _keep(path: Path, pdf: bytes) -> None:
    """Write a layout atomically: a build that stops half-way leaves no damaged file."""
    with contextlib.suppress(OSError):
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
