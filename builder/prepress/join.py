"""Join a few personal pages in front of a laid-out booklet, as one PDF (pypdf), keeping what
makes each a finished file: for the screen, the tags (PDF/UA), the links and the bookmarks; for
print, the PDF/X catalogue of the front part.

The front part's catalogue is the joined file's (its title, language, metadata, output intent);
the booklet's pages follow, cloned. Its structure tree goes under the front part's Document
element, its parent-tree keys (``/StructParents`` of pages, ``/StructParent`` of link
annotations) are moved past the front's, its named destinations are merged, and its bookmarks are
put under one bookmark of its own. Page labels number the front part i, ii, iii … and the booklet
1, 2, 3 … as its pages print them, so its contents page and a reader's "go to page" agree.

The booklet is parsed once (``Booklet``) and cloned into every joined file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

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


@dataclass
class Booklet:
    """A laid-out booklet, parsed once, to join behind many front parts."""

    data: bytes

    def __post_init__(self) -> None:
        self.reader = PdfReader(io.BytesIO(self.data))


def join(front: bytes, booklet: Booklet, bookmark: str) -> bytes:
    """Return ``front``'s pages followed by the booklet's, as one PDF with ``front``'s catalogue.

    ``bookmark``: the title of the bookmark over the booklet's own bookmarks.
    """
    writer = PdfWriter(clone_from=io.BytesIO(front))
    reader = booklet.reader
    first = len(writer.pages)
    old_pages = list(reader.pages)
    for page in old_pages:
        writer.add_page(page)  # pypdf drops /StructParents: set again below
    root = writer._root_object
    theirs = reader.trailer["/Root"]
    if "/StructTreeRoot" in root and "/StructTreeRoot" in theirs:
        _join_tags(writer, reader, first)
    _join_destinations(writer, theirs)
    _join_outline(writer, reader, first, bookmark)
    writer.set_page_label(0, first - 1, style="/r", start=1) if first else None
    writer.set_page_label(first, len(writer.pages) - 1, style="/D", start=1)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def join_pages(
    front: Booklet, pages: range, booklet: Booklet, bookmark: str, title: str
) -> bytes:
    """Return the pages ``pages`` of ``front`` followed by the booklet's, with the booklet's
    catalogue (a print file: its PDF/X output intent and metadata), titled ``title``.

    For untagged files (print): ``front`` holds every person's pages, written once; each joined
    file takes its own. The XMP DocumentID is left as ``pdfx.PLACEHOLDER``, for ``pdfx.seal``.
    """
    from . import pdfx

    writer = PdfWriter()
    source = front.reader
    for index in pages:
        writer.add_page(source.pages[index])
    first = len(writer.pages)
    reader = booklet.reader
    for page in reader.pages:
        writer.add_page(page)
    theirs = reader.trailer["/Root"]
    root = writer._root_object
    for key in ("/Lang", "/OutputIntents"):
        if key in theirs:
            root[NameObject(key)] = theirs.raw_get(key).clone(writer)
    if "/Metadata" in theirs:
        xmp = theirs["/Metadata"].get_object().get_data()
        xmp = pdfx.untitled_xmp(xmp, title)
        stream = StreamObject()
        stream.set_data(xmp)
        stream[NameObject("/Type")] = NameObject("/Metadata")
        stream[NameObject("/Subtype")] = NameObject("/XML")
        root[NameObject("/Metadata")] = writer._add_object(stream)
    info = {k: v for k, v in (reader.metadata or {}).items()}
    info["/Title"] = title
    writer.add_metadata(info)
    writer.pdf_header = reader.pdf_header
    for item in _flat_outline(source, source.outline):
        page = source.get_destination_page_number(item)
        if page in pages:
            writer.add_outline_item(
                title=str(item.title), page_number=page - pages.start, fit=_fit(item)
            )
    _join_outline(writer, reader, first, bookmark)
    writer.set_page_label(0, first - 1, style="/r", start=1) if first else None
    writer.set_page_label(first, len(writer.pages) - 1, style="/D", start=1)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _flat_outline(reader: PdfReader, items: list) -> list:
    out = []
    for item in items:
        out += _flat_outline(reader, item) if isinstance(item, list) else [item]
    return out


def _fit(item: object) -> Fit:
    if item.typ == "/XYZ":
        return Fit.xyz(item.get("/Left"), item.get("/Top"), item.get("/Zoom"))
    return Fit.fit()


def _nums(tree: DictionaryObject) -> ArrayObject:
    """Return a flat number tree's /Nums (WeasyPrint writes the parent tree as one)."""
    nums = tree.get("/Nums")
    if nums is None or "/Kids" in tree:
        raise ValueError("a parent tree with /Kids: not written by WeasyPrint")
    return nums.get_object()


def _join_tags(writer: PdfWriter, reader: PdfReader, first: int) -> None:
    """Put the booklet's structure under the front's Document element, its keys moved on."""
    ours = writer._root_object["/StructTreeRoot"].get_object()
    theirs = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    our_nums = _nums(ours["/ParentTree"].get_object())
    keys = [int(our_nums[i]) for i in range(0, len(our_nums), 2)]
    offset = max(keys, default=-1) + 1
    document = _document(ours)
    their_document = _document(theirs)
    kids = their_document.get("/K")
    kids = kids if isinstance(kids, ArrayObject) else ArrayObject([kids])
    # The parent links (/P) are set by walking the copy: cloning them would copy their tree root.
    cloned = ArrayObject(k.clone(writer, ignore_fields=["/P"]) for k in kids)
    document_ref = document.indirect_reference
    ours_kids = document.get("/K")
    if not isinstance(ours_kids, ArrayObject):
        ours_kids = ArrayObject([] if ours_kids is None else [ours_kids])
        document[NameObject("/K")] = ours_kids
    for kid in cloned:
        _set_parents(kid, document_ref)
        ours_kids.append(kid)
    their_ref = their_document.indirect_reference
    their_nums = _nums(theirs["/ParentTree"].get_object())
    for i in range(0, len(their_nums), 2):
        key, value = int(their_nums[i]), their_nums[i + 1]
        our_nums.append(NumberObject(key + offset))
        our_nums.append(_clone_value(value, writer, their_ref, document_ref))
    if "/ParentTreeNextKey" in theirs or "/ParentTreeNextKey" in ours:
        ours[NameObject("/ParentTreeNextKey")] = NumberObject(
            offset + int(theirs.get("/ParentTreeNextKey", len(their_nums) // 2))
        )
    for index, page in enumerate(reader.pages):
        new = writer.pages[first + index]
        if "/StructParents" in page:
            new[NameObject("/StructParents")] = NumberObject(int(page["/StructParents"]) + offset)
        for annot in new.get("/Annots", []) or []:
            annot = annot.get_object()
            if "/StructParent" in annot:
                annot[NameObject("/StructParent")] = NumberObject(int(annot["/StructParent"]) + offset)


def _document(tree: DictionaryObject) -> DictionaryObject:
    """Return the Document element at the top of a structure tree."""
    kid = tree["/K"]
    kid = kid.get_object()
    if isinstance(kid, ArrayObject):
        if len(kid) != 1:
            raise ValueError("a structure tree with more than one top element")
        kid = kid[0].get_object()
    return kid


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


def _clone_value(value: object, writer: PdfWriter, their_document, document) -> object:
    """Clone a parent-tree value (an element, or a page's array of elements); the booklet's
    Document element becomes the front's."""

    def one(item: object) -> object:
        if isinstance(item, IndirectObject) and their_document is not None and (
            item.idnum == their_document.idnum
        ):
            return document
        return item.clone(writer, ignore_fields=["/P"]) if hasattr(item, "clone") else item

    resolved = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(resolved, ArrayObject):
        array = ArrayObject(one(item) for item in resolved)
        return writer._add_object(array) if isinstance(value, IndirectObject) else array
    return one(value)


def _join_destinations(writer: PdfWriter, theirs: DictionaryObject) -> None:
    """Merge the booklet's named destinations (its contents' links) into the joined file's."""
    names = theirs.get("/Names")
    dests = names.get_object().get("/Dests") if names is not None else None
    if dests is None:
        return
    dests = dests.get_object()
    if "/Kids" in dests:
        raise ValueError("a destination name tree with /Kids: not written by WeasyPrint")
    cloned = dests["/Names"].clone(writer)
    root = writer._root_object
    if "/Names" not in root:
        root[NameObject("/Names")] = DictionaryObject()
    our_names = root["/Names"].get_object()
    ours = our_names.get("/Dests")
    pairs: dict[str, object] = {}
    if ours is not None:
        array = ours.get_object()["/Names"]
        pairs.update((str(array[i]), array[i + 1]) for i in range(0, len(array), 2))
    pairs.update((str(cloned[i]), cloned[i + 1]) for i in range(0, len(cloned), 2))
    merged = ArrayObject()
    for name in sorted(pairs):
        merged += [TextStringObject(name), pairs[name]]
    our_names[NameObject("/Dests")] = writer._add_object(
        DictionaryObject({NameObject("/Names"): merged})
    )


def _join_outline(writer: PdfWriter, reader: PdfReader, first: int, bookmark: str) -> None:
    """Add one bookmark for the booklet, at its first page, with the booklet's bookmarks under it."""
    top = writer.add_outline_item(title=bookmark, page_number=first)

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
