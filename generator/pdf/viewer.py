"""Small changes to a finished PDF written as an incremental update (ISO 32000-1, 7.5.6):
new revisions of the changed objects and a cross-reference section are appended, so the
bytes before them stay as they are and the result is as deterministic as they are.

Two uses: viewer preferences Typst cannot set (open with the bookmarks shown and the
document's title, not its file name, in the window), and the US Letter page boxes of a
sheet laid out once for both papers (:mod:`.derive`). Rewriting a whole 2,000-question
sheet with a PDF library costs seconds; an update costs milliseconds.
"""

from __future__ import annotations

import re

_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$", re.S)
_ROOT = re.compile(rb"/Root\s+(\d+)\s+(\d+)\s+R")
PREFERENCES = b"/PageMode/UseOutlines/ViewerPreferences<</DisplayDocTitle true/Direction/L2R>>"
_TAIL = 4096  # the trailer sits in the last bytes of the file


def _trailer(pdf: bytes) -> tuple[bytes, int]:
    """The last trailer's dictionary body and the offset of its cross-reference section."""
    trailer = _TRAILER.match(pdf, max(0, pdf.rfind(b"trailer", len(pdf) - _TAIL)))
    if trailer is None:
        raise ValueError("no classic trailer: cannot append an update")
    return trailer.group(1), int(trailer.group(2))


def _object(pdf: bytes, number: int, generation: int) -> bytes:
    """The dictionary of an indirect object (its last revision in the file)."""
    start = max(pdf.rfind(b"\n%d %d obj" % (number, generation)),
                0 if pdf.startswith(b"%d %d obj" % (number, generation)) else -1)
    if start < 0:
        raise ValueError(f"object {number} {generation} not found")
    body = pdf.index(b"obj", start) + 3
    return pdf[body:pdf.index(b"endobj", body)].strip()


def append_update(pdf: bytes, objects: dict[tuple[int, int], bytes]) -> bytes:
    """``pdf`` with new revisions of ``objects`` ((number, generation) -> serialised
    value) appended, with their cross-reference entries and a trailer pointing back."""
    body, previous = _trailer(pdf)
    update = bytearray(b"\n")
    offsets: dict[int, tuple[int, int]] = {}
    for (number, generation), value in sorted(objects.items()):
        offsets[number] = (len(pdf) + len(update), generation)
        update += b"%d %d obj\n%s\nendobj\n" % (number, generation, value)
    xref = len(pdf) + len(update)
    update += b"xref\n0 1\n0000000000 65535 f \n"
    for number, (offset, generation) in sorted(offsets.items()):
        update += b"%d 1\n%010d %05d n \n" % (number, offset, generation)
    fields = re.sub(rb"/Prev\s+\d+", b"", body)
    update += b"trailer\n<<%s/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (fields, previous, xref)
    return pdf + bytes(update)


def show_outline(pdf: bytes) -> bytes:
    """``pdf`` with the catalog asking viewers for the outline and the title bar title."""
    root = _ROOT.search(_trailer(pdf)[0])
    if root is None:
        raise ValueError("trailer has no /Root")
    number, generation = int(root.group(1)), int(root.group(2))
    catalog = _object(pdf, number, generation)
    catalog = re.sub(rb"/ViewerPreferences\s*<<[^<>]*>>|/PageMode\s*/\w+", b"", catalog)
    catalog = catalog[:-2].rstrip() + PREFERENCES + b">>"  # strip the closing '>>' first
    return append_update(pdf, {(number, generation): catalog})
