"""A language's whole sheet from its sections' layouts, as Typst would write it in one go.

Each section is a tagged PDF of its own (:mod:`.sections`). Appending their pages is what
qpdf does; what it does not do is join what refers to pages across a document, and a
sheet without those would lose its bookmarks and its accessibility:

- the outline: each section's bookmarks (a category and its questions) in order;
- the tag tree: each section's elements under the first section's ``Document`` element.
  Pages and link annotations find their elements through keys into the parent tree
  (``StructParents``, ``StructParent``); each section numbers them from 0, so a section's
  keys move up by the keys before it. Table header cells have IDs (``U<table>x<col>y<row>``)
  that data cells name in ``Headers``; each section numbers its tables from 1, so a
  section's table numbers move up by the tables before it, which gives the IDs Typst
  gives them in one document.

The catalog, document information and XMP metadata are the first section's (the contents
page, laid out with the whole sheet's title), with the page count of the whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pikepdf

_ID = re.compile(rb"U(\d+)(x\d+y\d+)")


def sheet(sections: list[pikepdf.Pdf]) -> pikepdf.Pdf:
    """The whole sheet: the first section with every other section's pages, outline and tag
    tree appended, in order. The others stay as they were and must stay open until the
    sheet is written (qpdf copies their streams when it writes)."""
    tree = Tree(sections[0])
    for section in sections[1:]:
        tree.append(section)
    tree.close()
    _count_pages(sections[0])
    return sections[0]


class Tree:
    """The growing whole sheet: its pages, its outline and its tag tree."""

    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf
        root = pdf.Root.StructTreeRoot
        self.document = _document(root)
        self.nums = list(_number_tree(root.ParentTree))
        self.ids = list(_name_tree(root.IDTree)) if "/IDTree" in root else []
        self.next_key = int(root.ParentTreeNextKey)
        self.tables = _tables(name for name, _ in self.ids)
        self.roles = dict(root.get("/RoleMap", pikepdf.Dictionary()).items())
        self.outline = list(_items(pdf.Root.get("/Outlines")))

    def append(self, section: pikepdf.Pdf) -> None:
        """Append one section's pages, bookmarks and tags."""
        pdf = self.pdf
        first = len(pdf.pages)
        pdf.pages.extend(section.pages)  # copies the pages; what follows maps onto them
        for page in pdf.pages[first:]:
            _shift(page.obj, "/StructParents", self.next_key)
            for annot in page.obj.get("/Annots", []):
                _shift(annot, "/StructParent", self.next_key)
        # One copy of the whole tree: qpdf parses each object once (most of the cost).
        root = pdf.copy_foreign(section.Root.StructTreeRoot)
        self.nums += [(key + self.next_key, value) for key, value in _number_tree(root.ParentTree)]
        for child in _children(_document(root)):
            child.P = self.document
            self.document.K.append(child)
        if "/IDTree" in root:
            own = list(_name_tree(root.IDTree))
            tables = {}
            for name, element in own:
                element.ID = pikepdf.String(self._rename(name))
                self.ids.append((bytes(element.ID), element))
                table = _ancestor(element, "/Table")
                tables[table.objgen] = table
            for table in tables.values():
                self._rename_headers(table)
            self.tables += _tables(name for name, _ in own)
        self.next_key += int(root.ParentTreeNextKey)
        self.roles.update(root.get("/RoleMap", pikepdf.Dictionary()).items())
        if "/Outlines" in section.Root:
            self.outline += _items(pdf.copy_foreign(section.Root.Outlines))

    def close(self) -> None:
        """Write the joined trees into the catalog."""
        pdf = self.pdf
        root = pdf.Root.StructTreeRoot
        root.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(
            [x for key, value in sorted(self.nums, key=lambda kv: kv[0])
             for x in (key, value)])))
        root.ParentTreeNextKey = self.next_key
        if self.ids:
            root.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array(
                [x for name, element in sorted(self.ids, key=lambda ne: ne[0])
                 for x in (pikepdf.String(name), element)])))
        if self.roles:
            root.RoleMap = pikepdf.Dictionary(self.roles)
        if self.outline:
            outlines = pdf.Root.Outlines if "/Outlines" in pdf.Root else pdf.make_indirect(
                pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
            pdf.Root.Outlines = outlines
            for i, item in enumerate(self.outline):
                item.Parent = outlines
                _link(item, "/Prev", self.outline[i - 1] if i else None)
                _link(item, "/Next", self.outline[i + 1] if i + 1 < len(self.outline) else None)
            outlines.First, outlines.Last = self.outline[0], self.outline[-1]
            outlines.Count = sum(1 + max(0, int(item.get("/Count", 0))) for item in self.outline)

    def _rename(self, name: bytes | pikepdf.String) -> bytes:
        """A section's table-cell ID as the whole sheet numbers its tables."""
        return _ID.sub(lambda m: b"U%d%s" % (int(m.group(1)) + self.tables, m.group(2)),
                       bytes(name))

    def _rename_headers(self, table: pikepdf.Object) -> None:
        """Point the cells of ``table`` at their header cells' new IDs."""
        for element in _cells(table):
            for attributes in _attribute_dicts(element):
                if "/Headers" in attributes:
                    attributes.Headers = pikepdf.Array(
                        [pikepdf.String(self._rename(h)) for h in attributes.Headers])


def _ancestor(element: pikepdf.Object, kind: str) -> pikepdf.Object:
    """The nearest element of structure type ``kind`` holding ``element``."""
    while element.get("/S") != kind:
        if "/P" not in element or element.P.get("/Type") == "/StructTreeRoot":
            raise ValueError(f"a table cell outside a {kind} element")
        element = element.P
    return element


def _document(root: pikepdf.Object) -> pikepdf.Object:
    """The tag tree's ``Document`` element (Typst writes one, as the root's only kid)."""
    kids = root.K
    document = kids[0] if isinstance(kids, pikepdf.Array) else kids
    if document.get("/S") != "/Document":
        raise ValueError(f"the tag tree's root is {document.get('/S')}, not /Document")
    return document


def _children(element: pikepdf.Object) -> list[pikepdf.Object]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


_TABLE_PARTS = ("/Table", "/THead", "/TBody", "/TFoot", "/TR")


def _cells(table: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """The header and data cells of a table element (not what is inside them)."""
    for kid in _children(table):
        if isinstance(kid, pikepdf.Dictionary):
            kind = kid.get("/S")
            if kind in _TABLE_PARTS:
                yield from _cells(kid)
            elif kind in ("/TH", "/TD"):
                yield kid


def _attribute_dicts(element: pikepdf.Object) -> list[pikepdf.Object]:
    attributes = element.get("/A")
    if attributes is None:
        return []
    items = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    return [a for a in items if isinstance(a, pikepdf.Dictionary)]


def _number_tree(node: pikepdf.Object) -> Iterator[tuple[int, pikepdf.Object]]:
    """The (key, value) pairs of a number tree."""
    return ((int(key), value) for key, value in _leaves(node, "/Nums"))


def _name_tree(node: pikepdf.Object) -> Iterator[tuple[bytes, pikepdf.Object]]:
    """The (name, value) pairs of a name tree."""
    return ((bytes(name), value) for name, value in _leaves(node, "/Names"))


def _leaves(node: pikepdf.Object, kind: str) -> Iterator[tuple[pikepdf.Object, pikepdf.Object]]:
    """The pairs of a number (``/Nums``) or name (``/Names``) tree, flat or with kids."""
    if kind in node:
        pairs = node[kind]
        for i in range(0, len(pairs), 2):
            yield pairs[i], pairs[i + 1]
    for kid in node.get("/Kids", []):
        yield from _leaves(kid, kind)


def _tables(names: Iterator[bytes]) -> int:
    """How many tables a section has: the highest table number of its cell IDs."""
    return max((int(m.group(1)) for name in names if (m := _ID.fullmatch(name))), default=0)


def _items(outlines: pikepdf.Object | None) -> Iterator[pikepdf.Object]:
    """The top-level bookmarks of an outline, in order."""
    item = outlines.get("/First") if outlines is not None else None
    while item is not None:
        yield item
        item = item.get("/Next")


def _shift(obj: pikepdf.Object, key: str, by: int) -> None:
    if key in obj:
        obj[key] = int(obj[key]) + by


def _link(item: pikepdf.Object, key: str, other: pikepdf.Object | None) -> None:
    if other is None:
        if key in item:
            del item[key]
    else:
        item[key] = other


def _count_pages(pdf: pikepdf.Pdf) -> None:
    """The XMP packet's page count: the first section's, until now."""
    if "/Metadata" in pdf.Root:
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        xmp = re.sub(r"<xmpTPg:NPages>\d+</xmpTPg:NPages>",
                     f"<xmpTPg:NPages>{len(pdf.pages)}</xmpTPg:NPages>", xmp)
        pdf.Root.Metadata.write(xmp.encode("utf-8"))
