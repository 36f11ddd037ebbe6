"""The print booklet imposed as a saddle-stitched A5 booklet on A4 sheets: pages in saddle
order, two to a side, backs shifted by the duplex offset, fold marks (``prepress/impose.py``
does the arithmetic).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from pypdf import PdfReader

from ...prepress import printcolour
from ...prepress.impose import Affine, Line, Point, booklet_back_shift, saddle_order
from ...prepress.pdf import (
    append_content,
    blank,
    draw_form,
    lines_content,
    page_form,
    to_bytes,
    use_forms,
)
from ...units import (
    BLEED_MM,
    PT_PER_MM,
)
from ...values import Source

if TYPE_CHECKING:
    from pypdf.generic import RectangleObject

    from ...values import Options


SHEET_MM = (297.0, 210.0)
"""A4 landscape: two A5 pages side by side."""


FOLD_MARK_MM = 4.0


def impose(pdf: bytes, back_shift: Point = (0.0, 0.0)) -> bytes:
    """Put the print booklet's pages on A4 landscape sides in saddle-stitch order.

    The two pages of a side meet at the fold with no gap: each page's trim edge lies on the
    sheet's centre line and its artwork is cut there, so a colour that runs across the spine
    (a cover) runs on without a white line. The spare paper goes to the outer edges, where each
    page keeps as much of its bleed as fits. Fold ticks are drawn only in spare paper above and
    below the pages, never on the artwork (A5 on A4 leaves none: the join itself is the fold).

    ``back_shift`` (mm, in a back side's own coordinates: ``impose.booklet_back_shift``) moves
    every back side (the sheets' second sides: ``saddle_order`` lists outside, inside, outside
    …) as a whole, its two pages and its fold ticks, to meet its front on a printer that prints
    the back off; the fronts never move. Two A5 pages fill the A4 side, so a moved back side
    loses a strip as wide as the move at one edge (clipped at the sheet: its MediaBox is
    unchanged, nothing is drawn past it). That is inherent to moving a side that fills its
    sheet: on paper, once the printer's offset has carried the side back into place, it is a
    blank strip along the edge the offset pulls away from, mostly inside the few millimetres
    office printers leave blank there anyway. With no move the file is as it always was, byte
    for byte.
    """
    reader = PdfReader(io.BytesIO(pdf))
    writer = blank()
    width, height = SHEET_MM[0] * PT_PER_MM, SHEET_MM[1] * PT_PER_MM
    trims = [page.trimbox for page in reader.pages]
    moved = back_shift != (0.0, 0.0)
    for index, pair in enumerate(saddle_order(len(reader.pages))):
        side = writer.add_blank_page(width, height)
        forms, content = {}, b""
        for slot, number in enumerate(pair):
            trim = trims[number - 1]
            name = f"/Page{slot}"
            forms[name] = page_form(
                writer, reader.pages[number - 1], kept(trim, slot, width, height)
            )
            content += draw_form(name, at_fold(trim, slot, width, height))
        use_forms(side, forms)
        ticks = lines_content(fold_marks(trims[0], width, height), width=0.4, black=True)
        drawn = content + ticks
        if moved and index % 2 == 1:  # a back side
            drawn = shifted(
                drawn, width, height, back_shift[0] * PT_PER_MM, back_shift[1] * PT_PER_MM
            )
        append_content(writer, side, drawn)
    if reader.metadata:
        writer.add_metadata(
            {k: v for k, v in reader.metadata.items() if k in ("/Title", "/Author")}
        )
    printcolour.declare(writer)
    return to_bytes(writer)


def shifted(content: bytes, width: float, height: float, dx: float, dy: float) -> bytes:
    """Return ``content`` clipped to the sheet (``width`` × ``height`` points) and moved inside it
    by (dx, dy) points: one ``cm`` around the whole side."""
    clip = f"q 0 0 {width:.4f} {height:.4f} re W n 1 0 0 1 {dx:.4f} {dy:.4f} cm\n"
    return clip.encode("ascii") + content + b"\nQ"


def booklet_shift(source: Source, options: Options) -> Point:
    """Return the move (mm) of the imposed booklet's back sides that undoes the printer's offset:
    ``build --booklet-offset``, else the source's ``theme.sheet.booklet_offset``."""
    setting = source.charter.theme.sheet.booklet_offset
    given = options.booklet_offset
    return booklet_back_shift(given if given is not None else (setting.x, setting.y))


def at_fold(trim: RectangleObject, slot: int, width: float, height: float) -> Affine:
    """Return the map that puts a page's trim edge on the fold: slot 0 to its left, 1 to its right."""
    fold = width / 2
    dx = (fold - float(trim.right)) if slot == 0 else (fold - float(trim.left))
    dy = (height - float(trim.height)) / 2 - float(trim.bottom)
    return (1.0, 0.0, 0.0, 1.0, dx, dy)


def kept(trim: RectangleObject, slot: int, width: float, height: float) -> tuple[float, ...]:
    """Return how much bleed (mm: left, bottom, right, top) a page keeps on a sheet side.

    None at the fold (the page meets its neighbour there); at the outer edge and above and
    below, the bleed up to the paper's edge.
    """
    outer = max(0.0, min(BLEED_MM, (width / 2 - float(trim.width)) / PT_PER_MM))
    vertical = max(0.0, min(BLEED_MM, (height - float(trim.height)) / 2 / PT_PER_MM))
    return (outer, vertical, 0.0, vertical) if slot == 0 else (0.0, vertical, outer, vertical)


def fold_marks(trim: RectangleObject, width: float, height: float) -> list[Line]:
    """Return hairlines at the fold in the spare paper above and below the pages, if any.

    A tick stops 1 mm short of the page's trim (or bleed): never on the artwork.
    """
    spare = (height - float(trim.height)) / 2 - (BLEED_MM + 1.0) * PT_PER_MM
    length = min(FOLD_MARK_MM * PT_PER_MM, spare)
    if length < 1.0 * PT_PER_MM:
        return []
    x = width / 2
    return [((x, height), (x, height - length)), ((x, 0.0), (x, length))]
