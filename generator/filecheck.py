"""Check many question files at once: what each file says about itself, once.

A file's own results (its data with positions, its load and schema problems, the rules that
read nothing but the file: :func:`generator.rules.file_rules`) come from the validation
cache (:mod:`generator.memo`) when its bytes were seen before. The rest are worked out, on
every core when there are many, and stored. Both ways end in the same entry, decoded the
same way, so a cached result cannot differ from a fresh one. :mod:`generator.bank` then
runs the rules that read other files or the date.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any

from . import diagrams, schema
from .diagnostics import PathNames, Problem
from .loader import Document, parse
from .loader import load as load_uncached
from .memo import Store, doc_from, doc_part, problems_of, readable, rows
from .model import LANGS, question_from
from .processes import may_fork
from .rules import FileRules, file_rules

POOL_FROM = 200  # files to work out before worker processes pay for their start
CHUNK = 50  # files per task: enough to amortise a task, small enough to balance two cores

Job = tuple[Path, str, bytes, str]  # path, shown path, bytes, cache key


@dataclass
class Checked:
    """One question file's own results."""

    doc: Document | None  # None unless it loaded and passed the schema
    problems: list[Problem]  # its load problems, then its schema problems
    own: FileRules | None  # its file rules, when ``doc`` is valid
    key: str = ""  # its cache key: what else is kept of the file is kept under it


def check_files(paths: list[Path], schema_path: Path, check_diagrams: bool, store: Store,
                names: PathNames, pool_from: int = POOL_FROM) -> list[Checked]:
    """The own results of every file in ``paths``, in that order."""
    digest = hashlib.sha256(schema_path.read_bytes()).hexdigest()
    out: list[Checked | None] = [None] * len(paths)
    todo: list[tuple[int, Job]] = []
    for i, path in enumerate(paths):
        shown = names(path)
        raw = readable(path)
        if raw is None:  # missing or too large: the loader says so
            doc, found = load_uncached(path, shown)
            if doc is None:
                out[i] = Checked(None, found, None)
                continue
            raw = doc.text.encode()  # it became readable meanwhile: check what was read
        key = store.key("question", shown, str(path), raw, digest, str(check_diagrams))
        blob = store.get(key)
        if blob is not None:
            with contextlib.suppress(Exception):  # a damaged entry is worked out again
                out[i] = _decoded(blob, path, raw, shown, key)
                continue
        todo.append((i, (path, shown, raw, key)))
    jobs = [job for _, job in todo]
    blobs = _work(jobs, schema_path, check_diagrams, pool_from)
    for (i, (path, shown, raw, key)), blob in zip(todo, blobs, strict=True):
        store.put(key, blob)
        out[i] = _decoded(blob, path, raw, shown, key)
    return [c for c in out if c is not None]


def _work(jobs: list[Job], schema_path: Path, check_diagrams: bool,
          pool_from: int) -> list[bytes]:
    """Entries for ``jobs``, in order: in this process, or in forked workers when there
    are enough files and forking is safe (no other thread holds a lock the child would
    inherit locked, as under ``serve``)."""
    if not jobs:
        return []
    workers = os.cpu_count() or 1
    if workers < 2 or len(jobs) < pool_from or not may_fork():
        return _entries(jobs, schema_path, check_diagrams)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunks = [jobs[i:i + CHUNK] for i in range(0, len(jobs), CHUNK)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return [blob for part in pool.map(_entries, chunks, repeat(schema_path),
                                          repeat(check_diagrams))
                for blob in part]


def _entries(jobs: list[Job], schema_path: Path, check_diagrams: bool) -> list[bytes]:
    """Work out the entry of each job (also in a worker process)."""
    loaded = []
    for path, shown, raw, _key in jobs:
        doc, found = parse(path, raw, shown)
        schema_problems = schema.check(doc, schema_path) if doc is not None and not found \
            else []
        q = question_from(doc.data, path) if doc is not None and not found \
            and not schema_problems else None
        loaded.append((doc, found, schema_problems, q))
    if check_diagrams:  # compile the diagrams up front, in parallel (cached by content)
        diagrams.prefetch([(diagrams.layout_source(q.diagram, lang, layout), "light")
                           for _, _, _, q in loaded if q and q.diagram for lang in LANGS
                           for layout in ("wide", "narrow")])
    blobs = []
    for doc, found, schema_problems, q in loaded:
        own = file_rules(doc, q, check_diagrams) if doc is not None and q is not None \
            else None
        kept = doc if own is not None else None  # an invalid file's data is never used
        blob = marshal.dumps((doc_part(kept, found), rows(schema_problems),
                              None if own is None else tuple(rows(run) for run in own)))
        blobs.append(blob)
    return blobs


def _decoded(blob: bytes, path: Path, raw: bytes, shown: str, key: str) -> Checked:
    part, schema_rows, own_rows = marshal.loads(blob)
    doc, found = doc_from(part, path, raw, shown)
    own: Any = None if own_rows is None else tuple(problems_of(run) for run in own_rows)
    if (own is None) != (doc is None) or (own is not None and len(own) != 3):
        raise ValueError("damaged entry")
    return Checked(doc, found + problems_of(schema_rows), own, key)
