"""Copyfitting: no page a chapter runs onto holds fewer than MIN_LINES lines of text.

A chapter's first page may be short (its band and a few lines are its designed end); a page it
runs onto may not: three lines alone on a page read as a mistake. The screen layout is mended
in two steps, each one more layout (``handbook.render_screen``):

1. the chapter is set closer (``tight``: its lists and paragraphs spaced less), which pulls a
   few lines back;
2. if its last page still holds fewer than MIN_LINES lines, lines are *carried* onto it from
   the page before: the paragraph that runs across the page break leaves fewer lines behind
   (``widows``), or the last blocks of the page before start the new page (``break-before``),
   a heading or lead-in before them going along; never so many that the page before, if it
   is not the chapter's first, falls under MIN_LINES itself. A list's last item thus never
   stands alone on a page, and no page shows a paragraph's last line or two.

A chapter's elements have no ids: a carry names the chapter (its id) and the element's place
in document order inside it, the same in the screen and the print variant, whose chapters are
the same HTML, and is set on the parsed tree before layout (``render.to_document``'s
``adjust``). Reads the layout through ``layout/tree.py`` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from xml.etree.ElementTree import Element

import weasyprint

from ...layout import tree

MIN_LINES = 7
"""The fewest lines of text a page a chapter runs onto may hold."""
ORPHANS = 2
"""Lines a paragraph keeps at a page's foot (booklet.css ``orphans``)."""
END_PREFIX = "cp_end_"
"""An empty element closes each chapter (``booklet-chapters.html``); where it lies is its end."""
LEADS = {"h2", "h3", "h4"}
LEAD_CLASSES = {"lead", "kicker", "part-intro-title", "run-in"}
"""A heading or a lead-in goes with the block it introduces."""

BREAK = "break-before: page"
"""The carry that starts a page with an element (and what follows it)."""
CARRIED = "data-carried"
"""The attribute of a list's part carried onto the next page (``_split``)."""

Carry = tuple[str, int, str]
"""(the chapter's id, the element's index in the chapter's document order, a CSS declaration)."""


def chapter_ends(document: weasyprint.Document) -> dict[str, tuple[int, int, float]]:
    """Return each chapter's first page, last page (indices) and where on it the chapter ends
    (px from the page's top), by its anchors: the chapter's own and its END_PREFIX one."""
    first: dict[str, int] = {}
    ends: dict[str, tuple[int, float]] = {}
    for index, page in enumerate(document.pages):
        for name, (_, y, *_) in page.anchors.items():
            first.setdefault(name, index)
            if name.startswith(END_PREFIX):
                ends[name.removeprefix(END_PREFIX)] = (index, y)
    return {name: (first.get(name, end), end, y) for name, (end, y) in ends.items()}


def spans(document: weasyprint.Document) -> dict[str, tuple[int, int]]:
    """Return each chapter's first and last page (indices), by its anchors."""
    return {name: (first, last) for name, (first, last, _) in chapter_ends(document).items()}


def text_lines(page: object) -> list[Element | None]:
    """Return the element of each line of text on a page (its running heads and folios left out)."""
    return [
        element
        for element, line in tree.paragraph_lines(tree.page_box(page))
        if tree.line_text(line).strip()
    ]


def short_pages(document: weasyprint.Document) -> Iterator[tuple[str, int, int]]:
    """Yield (chapter id, page number, lines) for each page a chapter runs onto that holds
    fewer than MIN_LINES lines."""
    for name, (first, last) in spans(document).items():
        for index in range(first + 1, last + 1):
            count = len(text_lines(document.pages[index]))
            if count < MIN_LINES:
                yield name, index + 1, count


def short_ends(document: weasyprint.Document) -> frozenset[str]:
    """Return the chapters whose last page, not their first, holds fewer than MIN_LINES lines."""
    found = spans(document)
    return frozenset(
        name for name, number, _ in short_pages(document) if number == found[name][1] + 1
    )


def carries(
    document: weasyprint.Document, root: Element, chapters: Iterable[str]
) -> frozenset[Carry]:
    """Return the carries that give the last page of each of ``chapters`` MIN_LINES lines,
    where the page before can spare them (see the module's text)."""
    found = spans(document)
    places = _places(root)
    parents = {child: parent for parent in root.iter() for child in parent}
    made = set()
    for name in chapters:
        first, last = found.get(name, (0, 0))
        if last == first:
            continue
        tail = text_lines(document.pages[last])
        before = text_lines(document.pages[last - 1])
        if len(tail) >= MIN_LINES or not tail or not before:
            continue
        carry = _carry(tail, before, last - 1 == first, places, parents)
        if carry is not None:
            made.add(carry)
    return frozenset(made)


def _carry(
    tail: list[Element | None],
    before: list[Element | None],
    before_is_first: bool,
    places: dict[int, tuple[str, int]],
    parents: dict[Element, Element],
) -> Carry | None:
    """Return the one carry that moves enough lines from ``before`` onto ``tail``, if any."""
    need = MIN_LINES - len(tail)
    groups: list[list] = []  # [element, its lines on the page before], in order
    for element in before:
        if groups and groups[-1][0] is element:
            groups[-1][1] += 1
        else:
            groups.append([element, 1])
    across = tail[0]
    if across is not None and groups and groups[-1][0] is across:
        # A paragraph runs across the break: it leaves fewer lines behind, if it keeps its orphans.
        kept = groups[-1][1]
        on_tail = next((i for i, e in enumerate(tail) if e is not across), len(tail))
        if kept - need >= ORPHANS and id(across) in places:
            return (*places[id(across)], f"widows: {on_tail + need}")
    moved = 0
    for k in range(len(groups) - 1, 0, -1):
        moved += groups[k][1]
        if moved < need:
            continue
        while k > 1 and _leads(groups[k - 1][0]):
            k -= 1
            moved += groups[k][1]
        if len(before) - moved < MIN_LINES and not before_is_first:
            return None
        start = _outermost(groups[k][0], parents)
        if start is None or id(start) not in places:
            return None
        return (*places[id(start)], BREAK)
    return None


def _leads(element: Element | None) -> bool:
    """Tell whether an element is a heading or a lead-in, which goes with what follows it."""
    if element is None:
        return False
    return element.tag in LEADS or bool(set((element.get("class") or "").split()) & LEAD_CLASSES)


def _outermost(element: Element | None, parents: dict[Element, Element]) -> Element | None:
    """Return the outermost element that starts where ``element`` starts (a quote's box, not
    its first paragraph), below its section."""
    if element is None:
        return None
    while (parent := parents.get(element)) is not None and parent.tag != "section":
        if len(parent) == 0 or parent[0] is not element or (parent.text or "").strip():
            break
        element = parent
    return element


def _places(root: Element) -> dict[int, tuple[str, int]]:
    """Return each element's address: its innermost section's id and its index in there."""
    found: dict[int, tuple[str, int]] = {}
    for section in root.iter("section"):
        name = section.get("id")
        if name:
            for index, element in enumerate(_counted(section)):
                found[id(element)] = (name, index)
    return found


def _counted(section: Element) -> Iterator[Element]:
    """Yield a section's elements in document order, a list's carried part left out (``_split``
    adds it): an address is the same before and after a carry."""
    return (element for element in section.iter() if CARRIED not in element.attrib)


def apply(root: Element, made: Iterable[Carry]) -> None:
    """Set each carry's declaration on its element (``render.to_document``'s ``adjust``).

    An item of a list that starts the next page takes the rest of the list into a list of its
    own (``_split``): the list's box, its tint and rule, then closes at the item before, where a
    box broken across the page would run on, empty, to the page's foot."""
    wanted = {(name, index): css for name, index, css in made}
    if not wanted:
        return
    found = [
        (element, css)
        for section in root.iter("section")
        for index, element in enumerate(_counted(section))
        if (css := wanted.get((section.get("id"), index)))
    ]
    parents = {child: parent for parent in root.iter() for child in parent}
    for element, css in found:
        if css == BREAK and element.tag == "li":
            element = _split(element, parents)
        style = (element.get("style") or "").strip().rstrip(";")
        element.set("style", f"{style}; {css}" if style else css)


def _split(item: Element, parents: dict[Element, Element]) -> Element:
    """Move ``item`` and the items after it into a new list after its own; return the element
    that starts the page (the new list, or the item if it is its list's first)."""
    listed = parents.get(item)
    outer = parents.get(listed) if listed is not None else None
    if listed is None or outer is None or listed.tag not in ("ul", "ol") or listed[0] is item:
        return item
    at = list(listed).index(item)
    rest = Element(listed.tag, {k: v for k, v in listed.attrib.items() if k != "id"})
    rest.set(CARRIED, "")
    if listed.tag == "ol":  # numbered on from the items left behind
        rest.set("start", str(int(listed.get("start") or 1) + at))
    for child in list(listed)[at:]:
        listed.remove(child)
        rest.append(child)
    rest.tail, listed.tail = listed.tail, None
    outer.insert(list(outer).index(listed) + 1, rest)
    for child in rest:
        parents[child] = rest
    parents[rest] = outer
    return rest
