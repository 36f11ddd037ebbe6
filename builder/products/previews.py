"""PNG previews of the built PDFs: the deck's contact sheet, the booklet's spreads, the cover.

pypdfium2 rasterises the PDF pages (cropped to the trim, so bleed and marks do not show);
Pillow puts them together. Everything works from the PDF bytes, so previews can be made
right after rendering or later from the PDFs on disk (``charterpress preview``).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from .. import project
from ..layout import templates
from ..output.write import PREVIEWS
from ..values import Product, Shrunk

FACE_PX = 280
"""The longer side of a card face on the contact sheet, in pixels (~55 dpi for a 130 mm card)."""
PAGE_PX = 560
"""The height of a booklet page in a spread, in pixels."""
COVER_PX = 360
"""The width of the cover thumbnail, in pixels (shown at half that on the index page)."""
SHEET_MAX_PX = 1400
"""The contact sheet is at most this wide: as many card pairs to a row as fit."""
GAP = 8
"""Between a card's front and back."""
PAD = 24
"""Around and between the card pairs."""
LABEL_PX = 30
"""The height of the line above each pair: its number (and, for a shrunk card, its sizes)."""
HEADER_PX = 64
BACKGROUND = (236, 236, 238)
INK = (29, 29, 31)
MUTED = (84, 84, 90)
EDGE = (196, 196, 200)
SHRUNK = (200, 40, 0)
"""The frame and label of a card whose text the fitting step set smaller (4.9:1 on the background)."""
SHRUNK_FRAME = 4
SUPERSAMPLE = 2
COLOURS = 256
LARGE_PX = 16_000_000
"""Above this many pixels the palette is chosen from a quarter-size sample: quantizing a
500-card contact sheet (70 Mpx) whole took 550 MB more memory than the sheet itself."""
"""Previews are stored with a palette: a quarter of the bytes, and faster to write."""


@dataclass(frozen=True)
class Box:
    """A rectangle on a preview image, in pixels."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class ContactLayout:
    """Where everything goes on a contact sheet: one cell per card, front and back side by side."""

    face: tuple[int, int]
    """One face's size in pixels (width, height)."""
    columns: int
    size: tuple[int, int]
    cells: tuple[Box, ...]
    """Per card, in deck order: the box around its front and back (without the label line)."""

    def front(self, index: int) -> Box:
        """Return the box of card ``index``'s front (0-based)."""
        cell = self.cells[index]
        return Box(cell.x, cell.y, *self.face)

    def back(self, index: int) -> Box:
        """Return the box of card ``index``'s back (0-based)."""
        cell = self.cells[index]
        return Box(cell.x + self.face[0] + GAP, cell.y, *self.face)


def contact_layout(cards: int, trim_pt: tuple[float, float]) -> ContactLayout:
    """Return the layout of a contact sheet of ``cards`` cards whose trim is ``trim_pt`` (points)."""
    scale = FACE_PX / max(trim_pt)
    face = (round(trim_pt[0] * scale), round(trim_pt[1] * scale))
    pair = 2 * face[0] + GAP
    columns = max(1, min(cards, (SHEET_MAX_PX - PAD) // (pair + PAD)))
    rows = math.ceil(cards / columns)
    row_height = LABEL_PX + face[1] + PAD
    cells = tuple(
        Box(
            PAD + (i % columns) * (pair + PAD),
            HEADER_PX + (i // columns) * row_height + LABEL_PX,
            pair,
            face[1],
        )
        for i in range(cards)
    )
    size = (PAD + columns * (pair + PAD), HEADER_PX + rows * row_height)
    return ContactLayout(face, columns, size, cells)


def make(
    slug: str,
    pdfs: dict[str, bytes],
    *,
    words: dict[str, object],
    title: str,
    shrunk: tuple[Shrunk, ...] = (),
    reflection: int = 0,
) -> list[Product]:
    """Return the previews of the PDFs a charter has (files named ``preview/…``).

    ``reflection``: how many of the deck's cards are reflection cards (its last ones), for the
    contact sheet's count.

    ``pdfs`` maps file names to bytes; the previews are made of those that exist:
    the contact sheet of ``SLUG-cards-print.pdf``, the spreads and the cover of
    ``SLUG-booklet-print.pdf`` (else of the screen booklet ``SLUG-booklet.pdf``).
    """
    previews: list[Product] = []
    cards = pdfs.get(f"{slug}-cards-print.pdf")
    if cards:
        image, count = contact_sheet(
            cards, words=words, title=title, shrunk=shrunk, reflection=reflection
        )
        previews.append(_png(f"{PREVIEWS}/{slug}-cards.png", image, count))
    slides = pdfs.get(f"{slug}-cards-slides.pdf")
    if slides:  # one PNG per face, for Miro, Teams or an intranet (builder/products/cards/facilitation.py)
        from .cards.facilitation import face_pngs

        previews.extend(face_pngs(slug, slides))
    booklet = pdfs.get(f"{slug}-booklet-print.pdf") or pdfs.get(f"{slug}-booklet.pdf")
    if booklet:
        pdf = pdfium.PdfDocument(booklet)
        try:
            pages = len(pdf)
            width = len(str(pages))
            for numbers, image in spreads(pdf):
                name = "-".join(f"{n:0{width}d}" for n in numbers)
                previews.append(_png(f"{PREVIEWS}/{slug}-booklet-{name}.png", image, len(numbers)))
            previews.append(_png(f"{PREVIEWS}/{slug}-cover.png", cover(pdf), 1))
        finally:
            pdf.close()
    return previews


def _png(name: str, image: Image.Image, pages: int) -> Product:
    buffer = io.BytesIO()
    paletted = _paletted(image)
    paletted.save(buffer, format="PNG", compress_level=6)
    return Product(name, buffer.getvalue(), pages)


def _paletted(image: Image.Image) -> Image.Image:
    """Return ``image`` reduced to a palette of COLOURS (a sample picks it for large images)."""
    options = {"dither": Image.Dither.NONE}
    if image.width * image.height <= LARGE_PX:
        return image.quantize(COLOURS, method=Image.Quantize.FASTOCTREE, **options)
    sample = image.reduce(4).quantize(COLOURS, method=Image.Quantize.FASTOCTREE, **options)
    return image.quantize(palette=sample, **options)


# --- Pages ----------------------------------------------------------------------------------


def trim_size(page: pdfium.PdfPage) -> tuple[float, float]:
    """Return the page's trim size in points (its TrimBox, which WeasyPrint and we always set)."""
    left, bottom, right, top = page.get_trimbox()
    return (right - left, top - bottom)


def render_trim(page: pdfium.PdfPage, size: tuple[int, int]) -> Image.Image:
    """Return the page's trimmed area (no bleed, no marks) as an RGB image of ``size`` pixels.

    Rendered at twice the size and reduced: small type stays legible (pdfium's hinting drops
    letters of a 2 mm kicker at 1:1).
    """
    left, bottom, right, top = page.get_trimbox()
    c_left, c_bottom, c_right, c_top = page.get_cropbox()
    scale = SUPERSAMPLE * size[0] / (right - left)
    crop = (left - c_left, bottom - c_bottom, c_right - right, c_top - top)
    bitmap = page.render(scale=scale, crop=tuple(max(0.0, c) for c in crop))
    image = bitmap.to_pil().convert("RGB").reduce(SUPERSAMPLE)
    return image if image.size == size else image.resize(size, Image.Resampling.LANCZOS)


# --- The contact sheet ----------------------------------------------------------------------


def contact_sheet(
    data: bytes,
    *,
    words: dict[str, object],
    title: str,
    shrunk: tuple[Shrunk, ...] = (),
    reflection: int = 0,
) -> tuple[Image.Image, int]:
    """Return the contact sheet of a print-shop card PDF (front 1, back 1, front 2 …) and its card count.

    ``reflection``: how many of its cards are reflection cards (the deck's last ones).
    """
    pdf = pdfium.PdfDocument(data)
    try:
        count = len(pdf) // 2
        layout = contact_layout(count, trim_size(pdf[0]))
        sheet = Image.new("RGB", layout.size, BACKGROUND)
        draw = ImageDraw.Draw(sheet)
        by_card: dict[int, list[Shrunk]] = {}
        for face in shrunk:
            by_card.setdefault(face.card, []).append(face)
        inventory = templates.deck_count(words, count - 1 - reflection, reflection)
        heading = fitted(f"{title} – {inventory}", layout)
        draw.text((PAD, 14), heading, font=font("SemiBold", 20), fill=INK)
        if by_card:
            legend = str(words["preview_shrunk_legend"]).format(n=len(by_card))
            draw.text((PAD, 40), legend, font=font("Regular", 14), fill=SHRUNK)
        for index in range(count):
            for box, page in (
                (layout.front(index), 2 * index),
                (layout.back(index), 2 * index + 1),
            ):
                sheet.paste(render_trim(pdf[page], (box.width, box.height)), (box.x, box.y))
                draw.rectangle(_outline(box, 1), outline=EDGE)
            _label(draw, layout.cells[index], index + 1, by_card.get(index + 1, []), words)
        return sheet, count
    finally:
        pdf.close()


def fitted(text: str, layout: ContactLayout, size: int = 20) -> str:
    """Return ``text``, cut short with an ellipsis if it is wider than the sheet."""
    room = layout.size[0] - 2 * PAD
    if font("SemiBold", size).getlength(text) <= room:
        return text
    while text and font("SemiBold", size).getlength(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _outline(box: Box, width: int) -> tuple[int, int, int, int]:
    return (
        box.x - width,
        box.y - width,
        box.x + box.width + width - 1,
        box.y + box.height + width - 1,
    )


def _label(draw: ImageDraw.ImageDraw, cell: Box, number: int, faces: list[Shrunk], words) -> None:
    """Write a card's number above it; frame a shrunk card and say which faces, at what size."""
    y = cell.y - LABEL_PX + 2
    if not faces:
        draw.text((cell.x, y), str(number), font=font("SemiBold", 14), fill=MUTED)
        return
    sides = ", ".join(
        f"{words['preview_' + f.side]} {_points(f.size, words)}"
        for f in sorted(faces, key=lambda f: f.side != "front")
    )
    draw.text((cell.x, y), f"{number} · {sides}", font=font("SemiBold", 14), fill=SHRUNK)
    frame = _outline(cell, SHRUNK_FRAME + 2)
    draw.rectangle(frame, outline=SHRUNK, width=SHRUNK_FRAME)


def _points(size: float, words: dict[str, object]) -> str:
    return f"{size:g} pt".replace(".", str(words.get("decimal", ".")))


# --- The booklet ----------------------------------------------------------------------------


def spreads(pdf: pdfium.PdfDocument) -> Iterator[tuple[tuple[int, ...], Image.Image]]:
    """Yield the booklet as it lies open: page 1 alone, 2–3, 4–5 …, the last alone if even."""
    pages = len(pdf)
    groups: list[tuple[int, ...]] = [(1,)]
    groups += [(n, n + 1) if n < pages else (n,) for n in range(2, pages + 1, 2)]
    for group in groups:
        images = [_page(pdf[n - 1]) for n in group]
        width = sum(i.width for i in images)
        spread = Image.new("RGB", (width, images[0].height), (255, 255, 255))
        x = 0
        for image in images:
            spread.paste(image, (x, 0))
            x += image.width
        if len(images) == 2:  # the fold
            ImageDraw.Draw(spread).line(
                [(images[0].width - 1, 0), (images[0].width - 1, spread.height)], fill=EDGE
            )
        yield group, spread


def _page(page: pdfium.PdfPage) -> Image.Image:
    w, h = trim_size(page)
    return render_trim(page, (round(PAGE_PX * w / h), PAGE_PX))


def cover(pdf: pdfium.PdfDocument) -> Image.Image:
    """Return a thumbnail of the booklet's first page."""
    w, h = trim_size(pdf[0])
    return render_trim(pdf[0], (COVER_PX, round(COVER_PX * h / w)))


# --- Type -----------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def font(weight: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Return Inter (bundled in assets/fonts/) at ``size`` px; Pillow's own font if it is gone."""
    paths = (p for folder in project.layers("assets", "fonts") for p in folder.rglob("Inter-*"))
    for path in sorted(p for p in paths if p.stem == f"Inter-{weight}"):
        try:
            return ImageFont.truetype(str(path), size)
        except OSError:
            continue
    return ImageFont.load_default(size)
