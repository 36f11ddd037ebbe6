"""PDF post-processing: crop marks outside the bleed, cards placed on office sheets (the pypdf
writing itself is ``pdf.py``'s)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from pypdf import PdfReader

from ..units import PT_PER_MM, mm
from . import printcolour
from .impose import (
    Grid,
    Line,
    bleed_kept,
    crop_mark_lines,
    cut_marks,
    fold_line,
    in_units,
    marks_kept,
    placements,
)
from .pdf import (
    MARK_WIDTH_PT,
    Writer,
    append_content,
    box,
    clip_to,
    draw_form,
    lines_content,
    move,
    page_form,
    to_bytes,
    use_forms,
    writer_from,
)

if TYPE_CHECKING:
    from pypdf import PageObject

OFFICE_MARK_PT = 0.4
"""Cut and fold marks on the office sheets: 100 % K at 0.4 pt (registration colour is 400 %
ink on an office laser, and a 0.25 pt hairline prints broken)."""


def add_crop_marks(
    pdf: bytes, *, bleed_mm: float = 3, offset_mm: float = 3, length_mm: float = 5
) -> bytes:
    """Return ``pdf`` with crop marks outside each page's bleed, the MediaBox grown to hold them.

    Every page must have its TrimBox set; TrimBox and BleedBox are kept as they are. Each
    page's drawing is clipped to its BleedBox first: artwork that reached past the bleed (the
    old MediaBox cut it) would otherwise run under the marks.
    """
    reader = PdfReader(io.BytesIO(pdf))
    writer = writer_from(reader)
    writer.pdf_header = reader.pdf_header  # a PDF/X-4 print file stays PDF 1.6 (pdfx.py)
    for page in writer.pages:
        _mark_page(writer, page, mm(bleed_mm), mm(offset_mm), mm(length_mm))
    return _write(writer)


def _mark_page(
    writer: Writer, page: PageObject, bleed: float, offset: float, length: float
) -> None:
    """Clip one page to its bleed, grow its MediaBox and append its crop marks."""
    clip_to(page, page.bleedbox)
    trim = page.trimbox
    x0, y0 = float(trim.left), float(trim.bottom)
    w, h = float(trim.width), float(trim.height)
    reach = bleed + offset + length + MARK_WIDTH_PT
    media = box([x0 - reach, y0 - reach, x0 + w + reach, y0 + h + reach])
    trimbox, bleedbox = box(trim), box(page.bleedbox)
    page.mediabox = media
    page.cropbox = media
    page.trimbox, page.bleedbox = trimbox, bleedbox
    marks = crop_mark_lines(w, h, bleed, offset, length)
    lines = [((x0 + a, y0 + b), (x0 + c, y0 + d)) for (a, b), (c, d) in marks]
    append_content(writer, page, lines_content(lines))


def place_cards(
    faces_pdf: bytes,
    furniture_pdf: bytes,
    grid: Grid,
    count: int,
    flip: str,
    back_shift: tuple[float, float] = (0.0, 0.0),
) -> bytes:
    """Return the office sheets: each furniture page with its cards placed, cut marks drawn.

    ``faces_pdf`` holds front 1, back 1, front 2 …; ``furniture_pdf`` one page per sheet side
    (fronts, backs, fronts … in duplex mode; one page per sheet in fold mode). ``back_shift``
    (mm, in a back page's own coordinates: ``impose.back_shift``) moves every back side as a
    whole, its cards, marks and words, to meet its front on a printer that prints it off.
    """
    faces = PdfReader(io.BytesIO(faces_pdf))
    writer = writer_from(furniture_pdf)
    forms = [
        page_form(writer, page, bleed_kept(grid, "front" if i % 2 == 0 else "back"))
        for i, page in enumerate(faces.pages)
    ]
    marks = lines_content(_in_points(cut_marks(grid)), width=OFFICE_MARK_PT, black=True)
    moved = not grid.fold and back_shift != (0.0, 0.0)
    if moved:  # the backs' marks, shortened where the move would take them past the edge's 3 mm
        kept = marks_kept(cut_marks(grid), grid.paper, back_shift)
        back_marks = lines_content(_in_points(kept), width=OFFICE_MARK_PT, black=True)
    for index, page in enumerate(writer.pages):
        placed = placements(grid, index, count, flip)
        content = b"".join(draw_form(f"/Face{face}", in_units(m, PT_PER_MM)) for face, m in placed)
        back = moved and index % 2 == 1
        content += back_marks if back else marks
        if grid.fold:  # one stream after another: a separator, or 'Q' and 'q' run into 'Qq'
            folds = [fold_line(grid, slot) for slot in range(len(placed) // 2)]
            content += b"\n" + lines_content(_in_points(folds), width=OFFICE_MARK_PT, dash=2.5, black=True)
        use_forms(page, {f"/Face{face}": forms[face] for face, _ in placed})
        append_content(writer, page, content)
        if back:
            move(page, mm(back_shift[0]), mm(back_shift[1]))
    return _write(writer)


def _in_points(lines: list[Line]) -> list[Line]:
    """Return lines given in mm, in points."""
    return [((mm(x1), mm(y1)), (mm(x2), mm(y2))) for (x1, y1), (x2, y2) in lines]


def _write(writer: Writer) -> bytes:
    """Return the writer's PDF as bytes, its RGB declared sRGB (every caller makes a print file)."""
    printcolour.declare(writer)
    return to_bytes(writer)
