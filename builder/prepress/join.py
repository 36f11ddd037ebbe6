"""Join a person's pages in front of a laid-out booklet, as one PDF (pypdf), keeping what makes
each a finished file: for the screen, the tags (PDF/UA), the links and the bookmarks (``Joiner``);
for print, the booklet's PDF/X catalogue: output intent, metadata (``join``).

Both parts are parsed once (``Part``): the front part holds *every* person's pages (one layout,
one write), and each joined file takes its own pages of it, with their share of its structure
tree (the top elements whose content is on those pages). A screen file gets one structure tree:
one Document element holding the person's elements, then the booklet's; the person's pages get
parent-tree keys after the booklet's (``/StructParents``). The booklet's named destinations (its contents' links)
are kept; its bookmarks are put under one bookmark of their own, after the person's. Page labels
number the person's pages i, ii, iii … and the booklet 1, 2, 3 … as its pages print them, so its
contents page and a reader's "go to page" agree.
"""

from __future__ import annotations

import io
import re
from functools import cached_property

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, Fit, IndirectObject

from .pdf import (
    Writer,
    add_object,
    array,
    blank,
    cut_objects,
    dictionary,
    forget_clones,
    name,
    number,
    object_count,
    stream,
    text,
    to_bytes,
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
    """Return the pages ``pages`` of an untagged ``front`` followed by all the booklet's (print),
    as one PDF with the booklet's catalogue: its PDF/X output intent, its XMP retitled and with
    the placeholder DocumentID (for ``pdfx.seal``). ``bookmark``: the title of the bookmark over
    the booklet's own; ``title``: the file's. Tagged files are joined by ``Joiner``.
    """
    if front.document is not None:
        raise ValueError("join() joins untagged files (print); use Joiner for tagged ones")
    writer = blank()
    for index in pages:
        writer.add_page(front.reader.pages[index])
    first = len(writer.pages)
    for page in booklet.reader.pages:
        writer.add_page(page)
    root = writer.root_object
    for key in ("/Lang", "/OutputIntents"):
        if key in booklet.root:
            root[name(key)] = booklet.root.raw_get(key).clone(writer)
    if "/Metadata" in booklet.root:
        _metadata(writer, booklet.root["/Metadata"].get_object().get_data(), title, True)
    writer.add_metadata({**(booklet.reader.metadata or {}), "/Title": title})
    writer.pdf_header = booklet.reader.pdf_header
    _destinations(writer, booklet)
    _outline(writer, front, pages, booklet, first, bookmark)
    if first:
        writer.set_page_label(0, first - 1, style="/r", start=1)
    writer.set_page_label(first, len(writer.pages) - 1, style="/D", start=1)
    return to_bytes(writer)


class Joiner:
    """Join many people's tagged pages, one file each, in front of one tagged booklet.

    Makes the same file as ``join``, but the booklet's pages, structure elements, parent-tree
    values and destinations are cloned into the writer once; for each person only their pages
    and elements are added, the file written, and they are taken out again (the writer's objects
    cut back to the booklet's). Cloning the booklet's structure tree for every person was most of
    the cost of a joined file.
    """

    def __init__(self, front: Part, booklet: Part, bookmark: str) -> None:
        if front.document is None or booklet.document is None:
            raise ValueError("Joiner joins tagged files (the screen); use join() for print")
        self.front, self.booklet = front, booklet
        writer = self.writer = blank()
        for page in booklet.reader.pages:
            writer.add_page(page)
        root = writer.root_object
        for key in ("/Lang", "/MarkInfo", "/ViewerPreferences"):
            if key in front.root:
                root[name(key)] = front.root.raw_get(key).clone(writer)
        if "/AcroForm" in booklet.root:  # the answer fields of My reflections: its widgets' form
            root[name("/AcroForm")] = booklet.root.raw_get("/AcroForm").clone(writer)
        self.info = dict(front.reader.metadata or {})
        self.xmp = (
            front.root["/Metadata"].get_object().get_data() if "/Metadata" in front.root else None
        )
        writer.pdf_header = front.reader.pdf_header
        tree = self.tree = dictionary({"/Type": name("/StructTreeRoot")})
        tree_ref = add_object(writer, tree)
        self.document = dictionary({
            "/Type": name("/StructElem"),
            "/S": name("/Document"),
            "/P": tree_ref,
        })  # fmt: skip
        self.document_ref = add_object(writer, self.document)
        tree[name("/K")] = array([self.document_ref])
        self.parents = dictionary()
        tree[name("/ParentTree")] = add_object(writer, self.parents)
        root[name("/StructTreeRoot")] = tree_ref
        self.theirs = []
        for kid, _ in booklet.top_elements:
            copy = kid.clone(writer, ignore_fields=["/P"])
            _set_parents(copy, self.document_ref)
            self.theirs.append(copy)
        self.nums = array()
        old = (id(booklet.reader), booklet.document.indirect_reference.idnum)
        for index, page in enumerate(booklet.reader.pages):  # their keys, as the booklet has them
            new = writer.pages[index]
            if "/StructParents" in page:
                key = int(page["/StructParents"])
                new[name("/StructParents")] = number(key)
                self.nums += [number(key), self._value(booklet, key, old)]
            for annot in new.get("/Annots", []) or []:
                annot = annot.get_object()
                if "/StructParent" in annot:
                    key = int(annot["/StructParent"])
                    self.nums += [number(key), self._value(booklet, key, old)]
        self.next_key = (
            max((int(self.nums[i]) for i in range(0, len(self.nums), 2)), default=-1) + 1
        )
        _destinations(writer, booklet)
        self.outlines = dictionary({"/Type": name("/Outlines")})
        self.outlines_ref = add_object(writer, self.outlines)
        root[name("/Outlines")] = self.outlines_ref
        self.group = dictionary({
            "/Title": text(bookmark),
            "/Parent": self.outlines_ref,
        })  # fmt: skip
        self.group_ref = add_object(writer, self.group)
        self.group_count = _copy_outline(writer, booklet, self.group, self.group_ref)
        self.pages_root = writer.root_object["/Pages"]
        self.kids = list(self.pages_root["/Kids"])
        self.size = object_count(writer)

    def _value(self, part: Part, key: int, old: tuple[int, int]) -> object:
        writer = self.writer

        def one(item: object) -> object:
            if isinstance(item, IndirectObject) and (id(item.pdf), item.idnum) == old:
                return self.document_ref
            return item.clone(writer, ignore_fields=["/P"]) if hasattr(item, "clone") else item

        value = part.parent_tree[key]
        resolved = value.get_object() if isinstance(value, IndirectObject) else value
        if isinstance(resolved, ArrayObject):
            items = array(one(item) for item in resolved)
            return add_object(writer, items) if isinstance(value, IndirectObject) else items
        return one(value)

    def join(self, pages: range, title: str) -> bytes:
        """Return the file of the front's pages ``pages`` and the booklet, titled ``title``."""
        writer, front = self.writer, self.front
        forget_clones(writer, front.reader)  # every person's objects anew
        try:
            mine = []
            for index in pages:
                page = front.reader.pages[index].clone(writer, False, ("/Parent", "/StructParents"))
                page[name("/Parent")] = writer.root_object.raw_get("/Pages")
                mine.append(page)
            self.pages_root[name("/Kids")] = array([p.indirect_reference for p in mine] + self.kids)
            self.pages_root[name("/Count")] = number(len(mine) + len(self.kids))
            wanted = set(pages)
            elements = []
            for kid, on in front.top_elements:
                if on and on <= wanted:
                    copy = kid.clone(writer, ignore_fields=["/P"])
                    _set_parents(copy, self.document_ref)
                    elements.append(copy)
            self.document[name("/K")] = array([*elements, *self.theirs])
            nums = array(self.nums)
            key = self.next_key
            old = (id(front.reader), front.document.indirect_reference.idnum)
            for page, index in zip(mine, pages, strict=True):
                original = front.reader.pages[index]
                if "/StructParents" in original:
                    nums += [number(key),
                             self._value(front, int(original["/StructParents"]), old)]  # fmt: skip
                    page[name("/StructParents")] = number(key)
                    key += 1
            self.parents[name("/Nums")] = nums
            self.tree[name("/ParentTreeNextKey")] = number(key)
            if self.xmp is not None:
                _metadata(writer, self.xmp, title, False)
            writer.add_metadata({**self.info, "/Title": title})
            chain = []
            for item in _flat(front.reader.outline):
                at = front.reader.get_destination_page_number(item)
                if at in wanted:
                    fit = _fit(item)
                    entry = dictionary({
                        "/Title": text(str(item.title)),
                        "/Parent": self.outlines_ref,
                        "/Dest": array(
                            [mine[at - pages.start].indirect_reference,
                             name(fit.fit_type), *fit.fit_args]),
                    })  # fmt: skip
                    chain.append(add_object(writer, entry))
            self.group[name("/Dest")] = array([self.kids[0], name("/Fit")])
            self.group.pop(name("/Prev"), None)
            chain.append(self.group_ref)
            for before, after in zip(chain, chain[1:], strict=False):
                before.get_object()[name("/Next")] = after
                after.get_object()[name("/Prev")] = before
            self.outlines[name("/First")] = chain[0]
            self.outlines[name("/Last")] = self.group_ref
            self.outlines[name("/Count")] = number(len(chain) + self.group_count)
            labels = array()
            if mine:
                labels += [number(0), dictionary({"/S": name("/r")})]
            labels += [number(len(mine)), dictionary({"/S": name("/D")})]
            writer.root_object[name("/PageLabels")] = dictionary({"/Nums": labels})
            return to_bytes(writer)
        finally:
            cut_objects(writer, self.size)  # the person's objects out again
            forget_clones(writer, front.reader)
            writer.flattened_pages = None


def _copy_outline(writer: Writer, booklet: Part, group: DictionaryObject, group_ref) -> int:
    """Clone the booklet's bookmarks under ``group``; return how many of them are open below it."""
    outlines = booklet.reader.root_object.get("/Outlines")
    outlines = outlines.get_object() if outlines is not None else None
    if outlines is None or "/First" not in outlines:
        return 0
    first = outlines.raw_get("/First").clone(
        writer, ignore_fields=["/Parent"]
    )  # the /Next chain too

    def adopt(item_ref: object, parent: object) -> object:
        """Set /Parent along a chain of items and below them; return the chain's last item."""
        last = item_ref
        item = item_ref.get_object()
        while True:
            item[name("/Parent")] = parent
            if "/First" in item:
                adopt(item.raw_get("/First"), item.indirect_reference)
            if "/Next" not in item:
                return last
            last = item.raw_get("/Next")
            item = last.get_object()

    last = adopt(first, group_ref)
    count = int(outlines.get("/Count", 0))
    group[name("/First")] = first
    group[name("/Last")] = last
    group[name("/Count")] = number(count)
    return max(count, 0)


TITLE = re.compile(rb'(<dc:title><rdf:Alt><rdf:li xml:lang="x-default">).*?(</rdf:li>)', re.S)


def _metadata(writer: Writer, xmp: bytes, title: str, sealed: bool) -> None:
    """Set the joined file's XMP packet: the base's, with ``title`` (and, for a print file, the
    placeholder DocumentID, so that ``pdfx.seal`` derives it from the joined file's bytes)."""
    from xml.sax.saxutils import escape

    from . import pdfx

    new = escape(title).encode("utf-8")
    xmp = TITLE.sub(lambda m: m.group(1) + new + m.group(2), xmp, count=1)
    if sealed:
        xmp = pdfx.unsealed(xmp)
    packet = stream(xmp, {"/Type": "/Metadata", "/Subtype": "/XML"})
    writer.root_object[name("/Metadata")] = add_object(writer, packet)


def _set_parents(element: object, parent: IndirectObject) -> None:
    """Set /P of a structure element and of every element below it."""
    stack = [(element, parent)]
    while stack:
        node, up = stack.pop()
        ref = node if isinstance(node, IndirectObject) else None
        node = node.get_object() if hasattr(node, "get_object") else node
        if not isinstance(node, DictionaryObject) or "/S" not in node:
            continue  # a marked-content id, an MCR or an OBJR
        node[name("/P")] = up
        kids = node.get("/K")
        if kids is None:
            continue
        kids = kids.get_object() if hasattr(kids, "get_object") else kids
        here = ref if ref is not None else node.indirect_reference
        for kid in kids if isinstance(kids, ArrayObject) else [kids]:
            stack.append((kid, here))


def _destinations(writer: Writer, booklet: Part) -> None:
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
    merged = array()
    for key in sorted(pairs):
        merged += [text(key), pairs[key]]
    tree = add_object(writer, dictionary({"/Names": merged}))
    writer.root_object[name("/Names")] = dictionary({"/Dests": tree})


def _outline(
    writer: Writer, front: Part, pages: range, booklet: Part, first: int, bookmark: str
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
