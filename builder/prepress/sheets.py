"""PDF post-processing with pypdf: pages as forms placed on sheets, clipping, crop marks."""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    RectangleObject,
)

from ..units import PT_PER_MM, mm
from . import printcolour
from .impose import (
    Affine,
    Grid,
    Line,
    Rect,
    bleed_kept,
    crop_mark_lines,
    cut_marks,
    fold_line,
    in_units,
    marks_kept,
    placements,
)

MARK_WIDTH_PT = 0.25
OFFICE_MARK_PT = 0.4
"""Cut and fold marks on the office sheets: 100 % K at 0.4 pt (registration colour is 400 %
ink on an office laser, and a 0.25 pt hairline prints broken)."""
NO_BLEED: Rect = (0.0, 0.0, 0.0, 0.0)
"""Nothing kept past the trim (mm: left, bottom, right, top)."""
REGISTRATION = "/CharterpressAll"
"""The resource name of the registration colour: the Separation 'All' prints on every plate."""


def add_crop_marks(
    pdf: bytes, *, bleed_mm: float = 3, offset_mm: float = 3, length_mm: float = 5
) -> bytes:
    """Return ``pdf`` with crop marks outside each page's bleed, the MediaBox grown to hold them.

    Every page must have its TrimBox set; TrimBox and BleedBox are kept as they are. Each
    page's drawing is clipped to its BleedBox first: artwork that reached past the bleed (the
    old MediaBox cut it) would otherwise run under the marks.
    """
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # a PDF/X-4 print file stays PDF 1.6 (pdfx.py)
    for page in writer.pages:
        _mark_page(writer, page, mm(bleed_mm), mm(offset_mm), mm(length_mm))
    return _write(writer)


def _mark_page(
    writer: PdfWriter, page: PageObject, bleed: float, offset: float, length: float
) -> None:
    """Clip one page to its bleed, grow its MediaBox and append its crop marks."""
    clip_to(page, page.bleedbox)
    trim = page.trimbox
    x0, y0 = float(trim.left), float(trim.bottom)
    w, h = float(trim.width), float(trim.height)
    reach = bleed + offset + length + MARK_WIDTH_PT
    media = RectangleObject([x0 - reach, y0 - reach, x0 + w + reach, y0 + h + reach])
    trimbox, bleedbox = RectangleObject(trim), RectangleObject(page.bleedbox)
    page.mediabox = media
    page.cropbox = media
    page.trimbox, page.bleedbox = trimbox, bleedbox
    marks = crop_mark_lines(w, h, bleed, offset, length)
    lines = [((x0 + a, y0 + b), (x0 + c, y0 + d)) for (a, b), (c, d) in marks]
    append_content(writer, page, lines_content(lines))


def lines_content(
    lines: list[Line],
    *,
    width: float = MARK_WIDTH_PT,
    dash: float | None = None,
    black: bool = False,
) -> bytes:
    """Return a content stream that strokes ``lines`` (in points) in registration colour.

    ``black``: in 100 % K instead (the office files' marks).
    """
    colour = "0 0 0 1 K" if black else f"{REGISTRATION} CS 1 SCN"
    ops = [f"q {width:g} w 0 J [] 0 d {colour}"]
    if dash:
        ops.append(f"[{dash:g} {dash:g}] 0 d")
    ops += [f"{x1:.3f} {y1:.3f} m {x2:.3f} {y2:.3f} l S" for (x1, y1), (x2, y2) in lines]
    ops.append("Q")
    return "\n".join(ops).encode("ascii")


def append_content(writer: PdfWriter, page: PageObject, content: bytes) -> None:
    """Append ``content`` to a page, isolated from the graphics state the page leaves behind."""
    _set_content(page, b"q\n" + content_of(page) + b"\nQ\n" + content + b"\n")
    _add_registration(writer, page)
    page.compress_content_streams()


def clip_to(page: PageObject, box: RectangleObject) -> None:
    """Clip everything a page draws to ``box`` (in the page's own coordinates)."""
    clip = f"q {box.left} {box.bottom} {box.width} {box.height} re W n\n".encode("ascii")
    _set_content(page, clip + content_of(page) + b"\nQ\n")


def content_of(page: PageObject) -> bytes:
    """Return a page's content stream, decoded (empty for a page without one)."""
    existing = page.get_contents()
    return existing.get_data() if existing is not None else b""


def _set_content(page: PageObject, data: bytes) -> None:
    """Replace a page's content streams by one holding ``data``."""
    stream = DecodedStreamObject()
    stream.set_data(data)
    page.replace_contents(stream)


def _add_registration(writer: PdfWriter, page: PageObject) -> None:
    """Give the page the registration colour space (Separation 'All', tinting every CMYK plate)."""
    resources = page.get("/Resources")
    if resources is None:
        resources = DictionaryObject()
        page[NameObject("/Resources")] = resources
    resources = resources.get_object()
    spaces = resources.get("/ColorSpace")
    if spaces is None:
        spaces = DictionaryObject()
        resources[NameObject("/ColorSpace")] = spaces
    spaces = spaces.get_object()
    if REGISTRATION in spaces:
        return
    tint = DictionaryObject(
        {
            NameObject("/FunctionType"): NumberObject(2),
            NameObject("/Domain"): ArrayObject([FloatObject(0), FloatObject(1)]),
            NameObject("/C0"): ArrayObject([FloatObject(0)] * 4),
            NameObject("/C1"): ArrayObject([FloatObject(1)] * 4),
            NameObject("/N"): FloatObject(1),
        }
    )
    names = [NameObject(n) for n in ("/Separation", "/All", "/DeviceCMYK")]
    space = ArrayObject([*names, tint])
    spaces[NameObject(REGISTRATION)] = writer._add_object(space)


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
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(furniture_pdf)))
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


def move(page: PageObject, dx: float, dy: float) -> None:
    """Move everything a page draws by (dx, dy) points: one ``cm`` around its whole content."""
    shift = f"q 1 0 0 1 {dx:.4f} {dy:.4f} cm\n".encode("ascii")
    _set_content(page, shift + content_of(page) + b"\nQ\n")
    page.compress_content_streams()


def _in_points(lines: list[Line]) -> list[Line]:
    """Return lines given in mm, in points."""
    return [((mm(x1), mm(y1)), (mm(x2), mm(y2))) for (x1, y1), (x2, y2) in lines]


def page_form(writer: PdfWriter, page: PageObject, kept: Rect = NO_BLEED) -> IndirectObject:
    """Return a page as a Form XObject cut to its trim box plus ``kept`` (mm: left, bottom, right, top).

    A form keeps the page's own coordinate space, so its gradients (pattern space) move with it;
    merging the content stream into the sheet instead would leave them behind.
    """
    trim = page.trimbox
    left, bottom, right, top = (mm(v) for v in kept)
    x0, y0, x1, y1 = (float(v) for v in (trim.left, trim.bottom, trim.right, trim.top))
    form = DecodedStreamObject()
    form.set_data(content_of(page))
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): RectangleObject([x0 - left, y0 - bottom, x1 + right, y1 + top]),
            NameObject("/Resources"): page["/Resources"].get_object().clone(writer),
        }
    )
    if "/Group" in page:
        form[NameObject("/Group")] = page["/Group"].get_object().clone(writer)
    return writer._add_object(form.flate_encode())


def draw_form(name: str, m: Affine) -> bytes:
    """Return the content that draws the form ``name`` with the map ``m`` (in points)."""
    a, b, c, d, e, f = m
    return f"q {a:g} {b:g} {c:g} {d:g} {e:.3f} {f:.3f} cm {name} Do Q\n".encode("ascii")


def use_forms(page: PageObject, forms: dict[str, IndirectObject]) -> None:
    """Give the page its own resources holding the named Form XObjects (pages may share one)."""
    resources = DictionaryObject(page["/Resources"].get_object())
    xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
    for name, ref in forms.items():
        xobjects[NameObject(name)] = ref
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources


def _write(writer: PdfWriter) -> bytes:
    """Return the writer's PDF as bytes, its RGB declared sRGB (every caller makes a print file)."""
    printcolour.declare(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
