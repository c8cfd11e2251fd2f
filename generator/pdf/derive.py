"""The files of a sheet: its A4 layout and its US Letter twin, ready for readers.

Laying out is the expensive part, and the sheets used to lay the bank out once per paper.
``sheet.typ`` makes one layout serve both: its text block is A4's width and Letter's
height, so the Letter sheet is the same pages in a wider, shorter window, and only the
page boxes move. Both are written by qpdf with object streams, which store the many small
objects of the tag tree compressed (the sheets are about 40 % smaller than Typst writes
them), and with the viewer settings Typst cannot set: open with the bookmarks shown and
the document's title, not its file name, in the window.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import sys
from decimal import Decimal
from pathlib import Path

import pikepdf

from . import merge
from . import sections as layouts

A4 = (Decimal("595.2756"), Decimal("841.8898"))  # points, as Typst writes them
LETTER = (Decimal(612), Decimal(792))


def sheets(sections: list[Path], categories: int) -> list[tuple[bytes, bytes]]:
    """The A4 and Letter files of a language: its whole sheet (all its sections, joined),
    then each category's sheet (the sections after the contents page, in order).

    Each pair is kept beside the layouts, named by what it is made of (the layouts' names
    and the code that joins and writes them), so a build that changed nothing, or one
    category, writes only the files that changed. Each section is read once at most:
    qpdf's parsing is most of the cost."""
    code = _code()
    wanted = [_names(sections, code)] + [_names([s], code)
                                         for s in sections[1:1 + categories]]
    found = [_read(pair) for pair in wanted]
    if any(files is None for files in found):
        with contextlib.ExitStack() as stack:  # pikepdf parses only what is used
            parts = [stack.enter_context(pikepdf.open(path)) for path in sections]
            if found[0] is None:  # the first part becomes the whole sheet
                found[0] = _keep(wanted[0], papers(merge.sheet(parts)))
            for i, part in enumerate(parts[1:1 + categories], start=1):
                if found[i] is None:
                    found[i] = _keep(wanted[i], papers(part))
    return [files for files in found if files is not None]


def _code() -> bytes:
    """What the files depend on besides the layouts: this code and qpdf's."""
    h = hashlib.sha256(f"pikepdf {pikepdf.__version__} qpdf {pikepdf.__libqpdf_version__}"
                       .encode())
    for module in (merge, sys.modules[__name__]):
        h.update(Path(str(module.__file__)).read_bytes())
    return h.digest()


def _names(sections: list[Path], code: bytes) -> tuple[Path, Path]:
    key = hashlib.sha256(code + "\0".join(p.name for p in sections).encode()).hexdigest()
    return (sections[0].with_name(f"{key}.a4.pdf"), sections[0].with_name(f"{key}.letter.pdf"))


def _read(paths: tuple[Path, Path]) -> tuple[bytes, bytes] | None:
    if not all(layouts.whole(path) for path in paths):
        return None
    for path in paths:
        os.utime(path)  # still in use
    return paths[0].read_bytes(), paths[1].read_bytes()


def _keep(paths: tuple[Path, Path], files: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
    for path, data in zip(paths, files, strict=True):
        layouts.keep(path, data)
    return files


def papers(pdf: pikepdf.Pdf) -> tuple[bytes, bytes]:
    """The A4 and the US Letter file of an open A4 sheet (whose page boxes then are
    Letter's). Each Letter page is a window centred on the A4 page (see ``sheet.typ``)."""
    pdf.Root.PageMode = pikepdf.Name.UseOutlines
    pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True,
                                                    Direction=pikepdf.Name.L2R)
    a4 = save(pdf)
    dx, dy = (LETTER[0] - A4[0]) / 2, (A4[1] - LETTER[1]) / 2
    window = pikepdf.Array([-dx, dy, A4[0] + dx, A4[1] - dy])
    for page in pdf.pages:
        page.obj.MediaBox = window
    return a4, save(pdf)


def save(pdf: pikepdf.Pdf) -> bytes:
    """Deterministic bytes (the file ID is a hash of the content); streams pass through."""
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, stream_decode_level=pikepdf.StreamDecodeLevel.none,
             recompress_flate=False, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()
