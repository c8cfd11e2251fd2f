"""Every sheet of a language from one Typst layout: the whole bank on A4 as Typst wrote
it, the same pages in a US Letter window, and each category's pages as its own sheet.

Laying out is the expensive part (about 5 ms per question and sheet), and the 32 sheets
used to lay the bank out eight times over. ``sheet.typ`` makes one layout serve them all:
its text block fits both papers, and each category is a section starting on its own page
with its own title block and page numbers. Here pikepdf (qpdf) only moves page boxes and
copies page ranges, which costs milliseconds per sheet.

A category sheet is pages taken out of a tagged document; its tag tree stays behind (qpdf
cannot split one), so it is an untagged PDF with its own outline, title and language.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from html import escape

import pikepdf

from . import viewer

A4 = (Decimal("595.2756"), Decimal("841.8898"))  # points, as Typst writes them
LETTER = (Decimal(612), Decimal(792))


@dataclass(frozen=True)
class Bookmark:
    """An outline entry as read from the layout: its page (0-based, in the whole sheet),
    where on the page it points, and the entries below it."""

    title: str
    page: int
    left: object
    top: object
    children: tuple[Bookmark, ...]


@dataclass(frozen=True)
class Section:
    """A category (or the glossary): its bookmark (with its questions') and its pages,
    0-based, end exclusive. The pages before the first section are the contents page."""

    bookmark: Bookmark
    end: int

    @property
    def title(self) -> str:
        return self.bookmark.title

    @property
    def first(self) -> int:
        return self.bookmark.page


def sections(pdf: pikepdf.Pdf) -> list[Section]:
    """The sections of a sheet, read off its top-level bookmarks (one per section), with
    the page index built and the outline read once for all of them."""
    index = {page.objgen: i for i, page in enumerate(pdf.pages)}

    def read(item: pikepdf.OutlineItem) -> Bookmark:
        dest = item.destination
        return Bookmark(item.title, index[dest[0].objgen], dest[2], dest[3],
                        tuple(read(child) for child in item.children))

    with pdf.open_outline() as outline:
        tops = [read(item) for item in outline.root]
    ends = [top.page for top in tops[1:]] + [len(pdf.pages)]
    return [Section(top, end) for top, end in zip(tops, ends, strict=True)]


def letter(a4: bytes, pdf: pikepdf.Pdf | None = None) -> bytes:
    """The US Letter sheet of an A4 one: each page's box becomes a Letter window centred
    on the A4 page (the text block fits both, see ``sheet.typ``). Written as an update of
    the page objects, so the tag tree, outline and everything else stay as they are.

    ``pdf`` is ``a4`` already open, when the caller has it (its page boxes change)."""
    dx, dy = (LETTER[0] - A4[0]) / 2, (A4[1] - LETTER[1]) / 2
    window = pikepdf.Array([-dx, dy, A4[0] + dx, A4[1] - dy])
    with contextlib.nullcontext(pdf) if pdf is not None else pikepdf.open(io.BytesIO(a4)) \
            as source:
        pages = {}
        for page in source.pages:
            page.obj.MediaBox = window
            pages[page.objgen] = page.obj.unparse(resolved=True)
    return viewer.append_update(a4, pages)


def save(pdf: pikepdf.Pdf) -> bytes:
    """Deterministic bytes (the file ID is a hash of the content); streams pass through."""
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, stream_decode_level=pikepdf.StreamDecodeLevel.none,
             recompress_flate=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()


def extract(source: pikepdf.Pdf, section: Section, title: str) -> bytes:
    """A stand-alone sheet of one section's pages: document title ``title``, the source's
    language, dates and viewer settings, and the section's bookmarks."""
    pdf = pikepdf.new()
    pdf.pages.extend(source.pages[section.first:section.end])
    for page in pdf.pages:  # links into the tag tree left behind
        if "/StructParents" in page.obj:
            del page.obj.StructParents
        for annot in page.obj.get("/Annots", []):
            if "/StructParent" in annot:
                del annot.StructParent
    root = source.Root
    pdf.Root.Lang = pikepdf.String(str(root.Lang))
    pdf.Root.PageMode = pikepdf.Name.UseOutlines
    pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True,
                                                    Direction=pikepdf.Name.L2R)
    info = pikepdf.Dictionary({k: str(v) for k, v in source.docinfo.items()})
    info.Title = pikepdf.String(title)
    pdf.docinfo = pdf.make_indirect(info)
    if "/Metadata" in root:
        pdf.Root.Metadata = pdf.make_stream(
            _xmp(root.Metadata.read_bytes(), str(source.docinfo.get("/Title", "")), title,
                 len(pdf.pages)),
            Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
    _outline(section, pdf)
    return save(pdf)


def _xmp(xmp: bytes, old_title: str, title: str, pages: int) -> bytes:
    """Typst's XMP packet with this sheet's title and page count."""
    text = xmp.decode("utf-8").replace(f">{escape(old_title, quote=False)}<",
                                       f">{escape(title, quote=False)}<")
    text = re.sub(r"<xmpTPg:NPages>\d+</xmpTPg:NPages>", f"<xmpTPg:NPages>{pages}"
                  "</xmpTPg:NPages>", text)
    return text.encode("utf-8")


def _outline(section: Section, pdf: pikepdf.Pdf) -> None:
    """The section's bookmark and its questions', pointing at the copied pages."""

    def copy(mark: Bookmark) -> pikepdf.OutlineItem:
        new = pikepdf.OutlineItem(mark.title, mark.page - section.first,
                                  pikepdf.PageLocation.XYZ, left=mark.left, top=mark.top)
        new.children.extend(copy(child) for child in mark.children)
        return new

    with pdf.open_outline() as target:
        target.root.append(copy(section.bookmark))
