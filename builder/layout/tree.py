"""WeasyPrint's layout tree, read in one place: pages, boxes, lines and their text, as laid out.

WeasyPrint lays a document out as a tree of boxes per page (``Page._page_box``, a private
attribute) built from the classes of ``weasyprint.formatting_structure.boxes`` (not a public
API either). Every module of the package that asks a laid-out document something (does a card's
text fit, is a booklet page a single line, at what resolution is an image printed) asks it here,
so that a WeasyPrint upgrade that moves these names breaks this module alone;
``tests/test_packaging.py`` checks, at both ends of the pin, every name read here.

The readers take a box (``page_box(page)`` for a page's root) and return boxes, elements (the
HTML elements boxes are made for, read with ``.get``), text or geometry (CSS px, as ``Rect``).
Walks are depth first in layout order. Page margin boxes (running heads, page and card numbers)
are left out where a reader says so.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from weasyprint.formatting_structure.boxes import (
    BlockContainerBox,
    InlineBox,
    LineBox,
    MarginBox,
    TextBox,
)

Box = object
"""A box of WeasyPrint's layout tree (typed loosely: the classes are WeasyPrint's, private)."""
Element = object
"""The HTML element a box is made for (an ``xml.etree`` element: ``.get('class')``)."""

BLOCK, LINE, TEXT = BlockContainerBox, LineBox, TextBox
"""The kinds of box ``descendants`` filters by: a block holding lines, a line, a run of text."""


# --- Pages ------------------------------------------------------------------------------------


def page_box(page: object) -> Box:
    """Return the root box of a laid-out page (``weasyprint.Page``)."""
    return page._page_box  # type: ignore[attr-defined]


def page_type(page: object) -> str:
    """Return the name of the CSS named page a page is laid out as (``@page part``); empty if none."""
    return page_box(page).page_type.name


# --- Walking ----------------------------------------------------------------------------------


def children(box: Box) -> Sequence[Box]:
    """Return the boxes directly inside ``box`` (none for a text box)."""
    return getattr(box, "children", None) or ()


def descendants(box: Box, kind: type | None = None, *, margins: bool = True) -> Iterator[Box]:
    """Yield the boxes below ``box`` (not ``box`` itself), depth first, in layout order.

    ``kind``: only the boxes of that kind (``BLOCK``, ``LINE``, ``TEXT``); the walk still goes
    through the others. ``margins=False``: page margin boxes, and everything in them, left out.
    """
    stack = list(reversed(children(box)))
    while stack:
        child = stack.pop()
        if not margins and isinstance(child, MarginBox):
            continue
        if kind is None or isinstance(child, kind):
            yield child
        stack.extend(reversed(children(child)))


def is_margin(box: Box) -> bool:
    """Tell whether ``box`` is a page margin box (``@top-center`` …)."""
    return isinstance(box, MarginBox)


def is_line(box: Box) -> bool:
    """Tell whether ``box`` is a line box (the boxes inside a block are blocks or lines)."""
    return isinstance(box, LineBox)


def child_lines(box: Box) -> list[Box]:
    """Return the line boxes directly inside ``box`` (a block's own lines)."""
    return [child for child in children(box) if isinstance(child, LineBox)]


def lines(box: Box) -> Iterator[tuple[tuple[Box, ...], Box]]:
    """Yield (its ancestors, the line box) for each line below ``box`` in layout order.

    The ancestors run from ``box`` down to the line's parent. Lines are not looked into (a line
    inside an inline block is part of its line), and page margin boxes are left out, ``box``
    too if it is one.
    """
    if isinstance(box, MarginBox):
        return
    if isinstance(box, LineBox):
        yield (), box
        return
    for child in children(box):
        for ancestors, line in lines(child):
            yield (box, *ancestors), line


def paragraph_lines(box: Box) -> Iterator[tuple[Element | None, Box]]:
    """Yield (the element a line belongs to, the line box) for each line below ``box``.

    The element is that of the nearest box above the line that is not inline (a ``p``, ``li``,
    ``figcaption`` …), None if there is none. The lines of a ``::marker``, ``::before`` or
    ``::after`` box are left out: they are not the element's own text.
    """
    for ancestors, line in lines(box):
        if any(element(b) is not None and not own(b) for b in ancestors):
            continue
        parent = None
        for above in ancestors:
            if element(above) is not None and not isinstance(above, InlineBox):
                parent = element(above)
        yield parent, line


def text_boxes(box: Box) -> list[Box]:
    """Return the text boxes below ``box`` (``box`` itself if it is one), depth first."""
    if isinstance(box, TextBox):
        return [box]
    return list(descendants(box, TextBox))


def text(box: Box) -> str:
    """Return the text of a text box."""
    return box.text  # type: ignore[attr-defined]


def style(box: Box) -> dict[str, object]:
    """Return a box's computed style (``style["font_size"]``: px; ``["font_family"]``: a tuple)."""
    return box.style  # type: ignore[attr-defined]


def paints(box: Box) -> bool:
    """Tell whether a box draws anything of its own: a background colour or a bottom border."""
    found = style(box)
    colour = found["background_color"]
    shown = getattr(colour, "alpha", 0) > 0
    return bool(shown or (found["border_bottom_width"] and found["border_bottom_style"] != "none"))


def line_text(line: Box) -> str:
    """Return the text of a line (or any box): its text boxes' text, joined."""
    return "".join(text(t) for t in text_boxes(line))


def line_texts(box: Box) -> Iterator[str]:
    """Yield the text of each line below ``box`` in layout order; page margin boxes left out."""
    for _, line in lines(box):
        yield line_text(line)


# --- Elements ---------------------------------------------------------------------------------


def element(box: Box) -> Element | None:
    """Return the HTML element ``box`` is made for, or None for an anonymous box."""
    return getattr(box, "element", None)


def tag(box: Box) -> str | None:
    """Return the tag of a box's element (``h2``; ``li::marker`` for a pseudo-element's box)."""
    return getattr(box, "element_tag", None)


def own(box: Box) -> bool:
    """Tell whether a box is its element's own (not a ::before, ::after or ::marker box)."""
    return "::" not in (tag(box) or "")


def classes(box: Box) -> set[str]:
    """Return the classes of a box's element (none for an anonymous box)."""
    found = element(box)
    return set((found.get("class") or "").split()) if found is not None else set()


def elements(box: Box, css_class: str) -> set[Element]:
    """Return the HTML elements with class ``css_class`` that have boxes in ``box`` (itself
    included), page margin boxes left out."""
    return {
        element(b)
        for b in (box, *descendants(box, margins=False))
        if element(b) is not None and css_class in classes(b)
    }


def images(box: Box) -> Iterator[tuple[Element, float]]:
    """Yield (the element, its laid-out width in CSS px) of each image below ``box`` (itself
    included, margin boxes too) that has an element and a width."""
    for found in (box, *descendants(box)):
        if getattr(found, "replacement", None) is None:
            continue
        if element(found) is None or not found.width:  # type: ignore[attr-defined]
            continue
        yield element(found), found.width  # type: ignore[attr-defined]


# --- Geometry (CSS px) ------------------------------------------------------------------------


class Rect(NamedTuple):
    """A rectangle on the page, in CSS px from the page's top left corner."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


def placed(box: Box) -> Rect:
    """Return where a box is placed (its margin edge's corner) and its content's size.

    For a line or a text box, which have no margins, borders or padding: the box itself.
    """
    return Rect(box.position_x, box.position_y, box.width, box.height)  # type: ignore[attr-defined]


def content(box: Box) -> Rect:
    """Return a box's content area."""
    return Rect(box.content_box_x(), box.content_box_y(), box.width, box.height)  # type: ignore[attr-defined]


def border(box: Box) -> Rect:
    """Return a box's border box (content, padding and border)."""
    return Rect(box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height())  # type: ignore[attr-defined]


def outer_height(box: Box) -> float:
    """Return a box's height with its padding, border and margins (its margin box)."""
    return box.margin_height()  # type: ignore[attr-defined]
