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
import io
from decimal import Decimal
from pathlib import Path

import pikepdf

from . import merge

A4 = (Decimal("595.2756"), Decimal("841.8898"))  # points, as Typst writes them
LETTER = (Decimal(612), Decimal(792))


def sheets(sections: list[Path], categories: int) -> list[tuple[bytes, bytes]]:
    """The A4 and Letter files of a language: its whole sheet (all its sections, joined),
    then each category's sheet (the sections after the contents page, in order). Each
    section is read once: qpdf's parsing is most of the cost."""
    with contextlib.ExitStack() as stack:
        parts = [stack.enter_context(pikepdf.open(path)) for path in sections]
        out = [papers(merge.sheet(parts))]  # the first part becomes the whole sheet
        return out + [papers(part) for part in parts[1:1 + categories]]


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
