"""Deterministic ``.apkg`` files: the same decks and times give the same bytes.

genanki's ``Package.write_to_file`` stamps the zip entries with the wall clock and reads
media from disk. We let genanki fill the SQLite collection (``Package.write_to_db``, which
``write_to_file`` calls too) and write the zip ourselves: fixed entry order, fixed
``ZipInfo`` dates and attributes, media straight from memory.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import tempfile
import time
import zipfile
from pathlib import Path

import genanki

_UNIX_FILE = 0o100644 << 16  # regular file, rw-r--r--, whatever the builder's umask


def collection_bytes(decks: list[genanki.Deck], timestamp: int) -> bytes:
    """The ``collection.anki2`` SQLite file. Ids count up from ``timestamp`` in ms, as Anki's
    own ids do; with a fixed timestamp the file is byte-identical (checked by the tests)."""
    with tempfile.TemporaryDirectory(prefix="mlk-apkg-") as tmp:
        path = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(path)
        try:
            genanki.Package(decks).write_to_db(conn.cursor(), timestamp,
                                               itertools.count(timestamp * 1000))
            conn.commit()
        finally:
            conn.close()
        return path.read_bytes()


def write(path: Path, decks: list[genanki.Deck], media: dict[str, bytes], timestamp: int) -> None:
    """Write an Anki package: the collection, the media index, then media in name order."""
    names = sorted(media)
    entries = [("collection.anki2", collection_bytes(decks, timestamp)),
               ("media", json.dumps({str(i): n for i, n in enumerate(names)}).encode())]
    entries += [(str(i), media[n]) for i, n in enumerate(names)]
    date_time = max(time.gmtime(timestamp)[:6], (1980, 1, 1, 0, 0, 0))  # zip dates start 1980
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time)
            info.create_system = 3  # "Unix" on every builder, or Windows builds would differ
            info.external_attr = _UNIX_FILE
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
