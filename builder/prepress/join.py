"""Join a person's pages in front of a laid-out booklet, as one PDF (pypdf), keeping what makes
each a finished file: for the screen, the tags (PDF/UA), the links and the bookmarks; for print,
the booklet's PDF/X catalogue (output intent, metadata).

Both parts are parsed once (``Part``) and cloned into every joined file: the front part holds
*every* person's pages (one layout, one write), and each joined file takes its own pages of it,
with their share of its structure tree (the top elements whose content is on those pages).
The joined file gets a new structure tree: one Document element holding the person's elements,
then the booklet's; the parent tree is numbered anew (``/StructParents`` of pages,
``/StructParent`` of link annotations). The booklet's named destinations (its contents' links)
are kept; its bookmarks are put under one bookmark of their own, after the person's. Page labels
number the person's pages i, ii, iii … and the booklet 1, 2, 3 … as its pages print them, so its
contents page and a reader's "go to page" agree.
"""

from __future__ import annotations

import io
import re
from functools import cached_property

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    Fit,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)


class Part:
    """A written PDF, parsed once, whose pages are joined into many files."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.reader = PdfReader(io.BytesIO(data))

    @property
    def root(self) -> DictionaryObject:
        """Return the catalogue."""
        return self.reader.trailer["/Root"]

    @cached_property
    def page_numbers(self) -> dict[int, int]:
        """Return {object number of a page: its index}."""
        return {page.indirect_reference.idnum: i for i, page in enumerate(self.reader.pages)}

    @cached_property
    def document(self) -> DictionaryObject | None:
        """Return the Document element at the top of the structure tree (None: untagged)."""
        tree = self.root.get("/StructTreeRoot")
        if tree is None:
            return None
        kid = tree.get_object()["/K"].get_object()
        if isinstance(kid, ArrayObject):
            if len(kid) != 1:
                raise ValueError("a structure tree with more than one top element")
            kid = kid[0].get_object()
        return kid

    @cached_property
    def top_elements(self) -> list[tuple[object, frozenset[int]]]:
        """Return the Document element's children with the pages their content is on."""
        if self.document is None:
            return []
        kids = self.document.get("/K")
        kids = kids.get_object() if hasattr(kids, "get_object") else kids
        kids = kids if isinstance(kids, ArrayObject) else [kids]
        return [(kid, frozenset(self._pages_below(kid))) for kid in kids if kid is not None]

    def _pages_below(self, element: object) -> set[int]:
        found: set[int] = set()
        stack = [element]
        while stack:
            node = stack.pop()
            node = node.get_object() if hasattr(node, "get_object") else node
            if not isinstance(node, DictionaryObject):
                continue
            page = node.raw_get("/Pg") if "/Pg" in node else None
            if isinstance(page, IndirectObject) and page.idnum in self.page_numbers:
                found.add(self.page_numbers[page.idnum])
            kids = node.get("/K")
            if kids is not None:
                kids = kids.get_object() if hasattr(kids, "get_object") else kids
                stack.extend(kids if isinstance(kids, ArrayObject) else [kids])
        return found

    @cached_property
    def parent_tree(self) -> dict[int, object]:
        """Return the parent tree as {key: value} (WeasyPrint writes it flat)."""
        tree = self.root.get("/StructTreeRoot")
        if tree is None:
            return {}
        parents = tree.get_object()["/ParentTree"].get_object()
        if "/Kids" in parents:
            raise ValueError("a parent tree with /Kids: not written by WeasyPrint")
        nums = parents["/Nums"]
        return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def join(front: Part, pages: range, booklet: Part, bookmark: str, title: str) -> bytes:
    """Return the pages ``pages`` of ``front`` followed by all the booklet's, as one PDF.

    Tagged parts (the screen) give a tagged file with ``front``'s catalogue (language, viewer
    preferences, its XMP retitled); untagged ones (print) the booklet's (its PDF/X output intent,
    its XMP retitled, with the placeholder DocumentID for ``pdfx.seal``). ``bookmark``: the title of
    the bookmark over the booklet's own; ``title``: the file's.
    """
    writer = PdfWriter()
    for index in pages:
        writer.add_page(front.reader.pages[index])  # pypdf drops /StructParents: set below
    first = len(writer.pages)
    for page in booklet.reader.pages:
        writer.add_page(page)
    tagged = front.document is not None and booklet.document is not None
    base = front if tagged else booklet
    root = writer._root_object
    for key in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/OutputIntents"):
        if key in base.root:
            root[NameObject(key)] = base.root.raw_get(key).clone(writer)
    if "/Metadata" in base.root:
        _metadata(writer, base.root["/Metadata"].get_object().get_data(), title, not tagged)
    info = dict(base.reader.metadata or {})
    info["/Title"] = title
    writer.add_metadata(info)
    writer.pdf_header = base.reader.pdf_header
    if tagged:
        _tags(writer, front, pages, booklet, first)
    _destinations(writer, booklet)
    _outline(writer, front, pages, booklet, first, bookmark)
    if first:
        writer.set_page_label(0, first - 1, style="/r", start=1)
    writer.set_page_label(first, len(writer.pages) - 1, style="/D", start=1)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


TITLE = re.compile(rb'(<dc:title><rdf:Alt><rdf:li xml:lang="x-default">).*?(</rdf:li>)', re.S)


def _metadata(writer: PdfWriter, xmp: bytes, title: str, sealed: bool) -> None:
    """Set the joined file's XMP packet: the base's, with ``title`` (and, for a print file, the
    placeholder DocumentID, so that ``pdfx.seal`` derives it from the joined file's bytes)."""
    from xml.sax.saxutils import escape

    from . import pdfx

    new = escape(title).encode("utf-8")
    xmp = TITLE.sub(lambda m: m.group(1) + new + m.group(2), xmp, count=1)
    if sealed:
        xmp = pdfx.unsealed(xmp)
    stream = StreamObject()
    stream.set_data(xmp)
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)


def _tags(writer: PdfWriter, front: Part, pages: range, booklet: Part, first: int) -> None:
    """Give the joined file one structure tree: the person's elements, then the booklet's."""
    tree = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    tree_ref = writer._add_object(tree)
    document = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/StructElem"),
            NameObject("/S"): NameObject("/Document"),
            NameObject("/P"): tree_ref,
        }
    )
    document_ref = writer._add_object(document)
    tree[NameObject("/K")] = ArrayObject([document_ref])
    kids = ArrayObject()
    wanted = set(pages)
    mine = [kid for kid, on in front.top_elements if on and on <= wanted]
    theirs = [kid for kid, _ in booklet.top_elements]
    # The parent links (/P) are set by walking the copy: cloning them would copy the old trees.
    for kid in [*mine, *theirs]:
        copy = kid.clone(writer, ignore_fields=["/P"])
        _set_parents(copy, document_ref)
        kids.append(copy)
    document[NameObject("/K")] = kids
    nums = ArrayObject()
    key = 0
    olds = {
        (id(part.reader), part.document.indirect_reference.idnum) for part in (front, booklet)
    }

    def value_of(value: object) -> object:
        resolved = value.get_object() if isinstance(value, IndirectObject) else value
        if isinstance(resolved, ArrayObject):
            array = ArrayObject(one(item) for item in resolved)
            return writer._add_object(array) if isinstance(value, IndirectObject) else array
        return one(value)

    def one(item: object) -> object:
        if isinstance(item, IndirectObject) and (id(item.pdf), item.idnum) in olds:
            return document_ref  # content right under the old Document element
        return item.clone(writer, ignore_fields=["/P"]) if hasattr(item, "clone") else item

    parts = [(front, list(pages), 0), (booklet, range(len(booklet.reader.pages)), first)]
    for part, indexes, at in parts:
        for n, index in enumerate(indexes):
            old = part.reader.pages[index]
            new = writer.pages[at + n]
            if "/StructParents" in old:
                nums += [NumberObject(key), value_of(part.parent_tree[int(old["/StructParents"])])]
                new[NameObject("/StructParents")] = NumberObject(key)
                key += 1
            for annot in new.get("/Annots", []) or []:
                annot = annot.get_object()
                if "/StructParent" in annot:
                    value = part.parent_tree[int(annot["/StructParent"])]
                    nums += [NumberObject(key), value_of(value)]
                    annot[NameObject("/StructParent")] = NumberObject(key)
                    key += 1
    tree[NameObject("/ParentTree")] = writer._add_object(
        DictionaryObject({NameObject("/Nums"): nums})
    )
    tree[NameObject("/ParentTreeNextKey")] = NumberObject(key)
    writer._root_object[NameObject("/StructTreeRoot")] = tree_ref


def _set_parents(element: object, parent: IndirectObject) -> None:
    """Set /P of a structure element and of every element below it."""
    stack = [(element, parent)]
    while stack:
        node, up = stack.pop()
        ref = node if isinstance(node, IndirectObject) else None
        node = node.get_object() if hasattr(node, "get_object") else node
        if not isinstance(node, DictionaryObject) or "/S" not in node:
            continue  # a marked-content id, an MCR or an OBJR
        node[NameObject("/P")] = up
        kids = node.get("/K")
        if kids is None:
            continue
        kids = kids.get_object() if hasattr(kids, "get_object") else kids
        here = ref if ref is not None else node.indirect_reference
        for kid in kids if isinstance(kids, ArrayObject) else [kids]:
            stack.append((kid, here))


def _destinations(writer: PdfWriter, booklet: Part) -> None:
    """Keep the booklet's named destinations (its contents' links lead to them)."""
    names = booklet.root.get("/Names")
    dests = names.get_object().get("/Dests") if names is not None else None
    if dests is None:
        return
    dests = dests.get_object()
    if "/Kids" in dests:
        raise ValueError("a destination name tree with /Kids: not written by WeasyPrint")
    cloned = dests["/Names"].clone(writer)
    pairs = {str(cloned[i]): cloned[i + 1] for i in range(0, len(cloned), 2)}
    merged = ArrayObject()
    for name in sorted(pairs):
        merged += [TextStringObject(name), pairs[name]]
    tree = writer._add_object(DictionaryObject({NameObject("/Names"): merged}))
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/Dests"): tree})


def _outline(
    writer: PdfWriter, front: Part, pages: range, booklet: Part, first: int, bookmark: str
) -> None:
    """The person's bookmarks, then one for the booklet with the booklet's bookmarks under it."""
    for item in _flat(front.reader.outline):
        page = front.reader.get_destination_page_number(item)
        if page in pages:
            writer.add_outline_item(
                title=str(item.title), page_number=page - pages.start, fit=_fit(item)
            )
    top = writer.add_outline_item(title=bookmark, page_number=first)
    reader = booklet.reader

    def add(items: list, parent: object) -> None:
        last = None
        for item in items:
            if isinstance(item, list):
                if last is not None:
                    add(item, last)
                continue
            page = reader.get_destination_page_number(item) + first
            last = writer.add_outline_item(
                title=str(item.title), page_number=page, parent=parent, fit=_fit(item)
            )

    add(reader.outline, top)


def _flat(items: list) -> list:
    out = []
    for item in items:
        out += _flat(item) if isinstance(item, list) else [item]
    return out


def _fit(item: object) -> Fit:
    if item.typ == "/XYZ":
        return Fit.xyz(item.get("/Left"), item.get("/Top"), item.get("/Zoom"))
    return Fit.fit()
