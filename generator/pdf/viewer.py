"""Viewer preferences Typst cannot set: open with the bookmarks shown and the document's
title (not its file name) in the window.

Written as a PDF incremental update (ISO 32000-1, 7.5.6): a new revision of the catalog
object and a one-entry cross-reference section are appended, so Typst's bytes stay as they
are and the result is as deterministic as they are. Parsing and rewriting the whole file
with a PDF library costs about 0.2 s per sheet; this costs microseconds.
"""

from __future__ import annotations

import re

_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$", re.S)
_ROOT = re.compile(rb"/Root\s+(\d+)\s+(\d+)\s+R")
PREFERENCES = b"/PageMode/UseOutlines/ViewerPreferences<</DisplayDocTitle true/Direction/L2R>>"


def _object(pdf: bytes, number: int, generation: int) -> bytes:
    """The dictionary of an indirect object (its last revision in the file)."""
    starts = [m.end() for m in re.finditer(rb"(?:^|\n)%d %d obj\s*" % (number, generation), pdf)]
    if not starts:
        raise ValueError(f"object {number} {generation} not found")
    end = pdf.index(b"endobj", starts[-1])
    return pdf[starts[-1]:end].rstrip()


def show_outline(pdf: bytes) -> bytes:
    """``pdf`` with the catalog asking viewers for the outline and the title bar title."""
    trailer = _TRAILER.search(pdf)
    if trailer is None:
        raise ValueError("no classic trailer: cannot append an update")
    body, previous = trailer.group(1), int(trailer.group(2))
    root = _ROOT.search(body)
    if root is None:
        raise ValueError("trailer has no /Root")
    number, generation = int(root.group(1)), int(root.group(2))
    catalog = _object(pdf, number, generation)
    catalog = re.sub(rb"/ViewerPreferences\s*<<[^<>]*>>|/PageMode\s*/\w+", b"", catalog)
    catalog = catalog[:-2].rstrip() + PREFERENCES + b">>"  # strip the closing '>>' first
    offset = len(pdf) + 1
    update = b"\n%d %d obj\n%s\nendobj\n" % (number, generation, catalog)
    xref = offset - 1 + len(update)
    update += (b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d %05d n \n"
               % (number, offset, generation))
    fields = re.sub(rb"/Prev\s+\d+", b"", body)
    update += b"trailer\n<<%s/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (fields, previous, xref)
    return pdf + update
