"""PDF post-processing: crop marks outside the bleed, cards placed on office sheets."""

from __future__ import annotations

import io

import pdfplumber
import pytest
import weasyprint
from charterpress.prepress.sheets import add_crop_marks
from charterpress.units import mm
from pypdf import PdfReader

TRIM = (90, 130)


@pytest.fixture(scope="module")
def bled_pdf() -> bytes:
    """Return a two-page PDF of 90×130 mm with 3 mm bleed, as WeasyPrint writes it."""
    html = (
        "<style>@page { size: 90mm 130mm; bleed: 3mm; margin: 0; background: #c33 }</style>"
        "<p>one</p><p style='break-before: page'>two</p>"
    )
    return weasyprint.HTML(string=html).write_pdf()


@pytest.fixture(scope="module")
def marked(bled_pdf: bytes) -> bytes:
    return add_crop_marks(bled_pdf)


def _box(rect) -> tuple[float, ...]:
    return tuple(round(float(v), 2) for v in rect)


def test_crop_marks_keep_trim_and_bleed_and_grow_the_media_box(
    bled_pdf: bytes, marked: bytes
) -> None:
    before, after = PdfReader(io.BytesIO(bled_pdf)), PdfReader(io.BytesIO(marked))
    assert len(after.pages) == 2
    reach = mm(3 + 3 + 5)
    for old, new in zip(before.pages, after.pages, strict=True):
        assert _box(new.trimbox) == _box(old.trimbox) == (0, 0, round(mm(90), 2), round(mm(130), 2))
        assert _box(new.bleedbox) == _box(old.bleedbox)
        media = new.mediabox
        assert float(media.left) <= -reach and float(media.bottom) <= -reach
        assert float(media.right) >= mm(90) + reach and float(media.top) >= mm(130) + reach


def _raw_lines(pdf: bytes) -> list[list[tuple[float, float, float, float, float]]]:
    """Return each page's stroked lines as (x0, y0, x1, y1, width) in PDF user space."""
    bottoms = [float(page.mediabox.bottom) for page in PdfReader(io.BytesIO(pdf)).pages]
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        # pdfplumber keeps x as drawn but counts y from the media box's bottom edge.
        return [
            [(ln["x0"], ln["y0"] + b, ln["x1"], ln["y1"] + b, ln["linewidth"]) for ln in page.lines]
            for page, b in zip(doc.pages, bottoms, strict=True)
        ]


def test_crop_marks_are_thin_lines_on_the_trim_edges_outside_the_bleed(marked: bytes) -> None:
    w, h, bleed = mm(TRIM[0]), mm(TRIM[1]), mm(3)
    for lines in _raw_lines(marked):
        assert len(lines) == 8
        for x0, y0, x1, y1, width in lines:
            assert width == pytest.approx(0.25)
            if abs(x0 - x1) < 0.01:
                assert min(abs(x0), abs(x0 - w)) < 0.01
                gap = min(min(-y0, -y1) - bleed, min(y0, y1) - h - bleed, key=abs)
            else:
                assert min(abs(y0), abs(y0 - h)) < 0.01
                gap = min(min(-x0, -x1) - bleed, min(x0, x1) - w - bleed, key=abs)
            assert gap == pytest.approx(mm(3), abs=0.05)


def test_crop_marks_use_the_registration_colour(marked: bytes) -> None:
    page = PdfReader(io.BytesIO(marked)).pages[0]
    spaces = page["/Resources"]["/ColorSpace"]
    separation = spaces["/CharterpressAll"].get_object()
    assert separation[0] == "/Separation" and separation[1] == "/All"


def test_place_cards_clips_each_face_to_its_trim_plus_the_room_between_cards(
    bled_pdf: bytes,
) -> None:
    from charterpress.prepress.impose import PAPER_MM, grid
    from charterpress.prepress.sheets import place_cards

    g = grid(PAPER_MM["A4"], TRIM)
    furniture = weasyprint.HTML(
        string="<style>@page { size: A4; margin: 0 }</style><p>fronts</p>"
        "<p style='break-before: page'>backs</p>"
    ).write_pdf()
    sheets = PdfReader(io.BytesIO(place_cards(bled_pdf, furniture, g, 1, "long")))
    assert len(sheets.pages) == 2
    clip = mm(g.clip)
    for page in sheets.pages:
        [form] = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
        expected = (-clip, -clip, mm(TRIM[0]) + clip, mm(TRIM[1]) + clip)
        assert _box(form["/BBox"]) == tuple(round(v, 2) for v in expected)
    assert "one" in sheets.pages[0].extract_text() and "two" in sheets.pages[1].extract_text()


def test_crop_marks_clip_artwork_that_runs_past_the_bleed() -> None:
    """A colour field drawn beyond the bleed must stop at it, not run under the marks."""
    import pypdfium2

    html = (
        "<style>@page { size: 90mm 130mm; bleed: 3mm; margin: 0 }</style>"
        "<div style='position: absolute; left: -20mm; top: -20mm; width: 200mm; height: 200mm;"
        " background: #3344cc'></div>"
    )
    marked = add_crop_marks(weasyprint.HTML(string=html).write_pdf())
    page = PdfReader(io.BytesIO(marked)).pages[0]
    scale = 4
    image = pypdfium2.PdfDocument(marked)[0].render(scale=scale).to_pil().convert("RGB")
    left, top = float(page.mediabox.left), float(page.mediabox.top)

    def pixel(x_mm: float, y_mm: float) -> tuple[int, int, int]:
        """Return the colour at a point given in mm from the trim box's top-left corner."""
        return image.getpixel(
            (round((mm(x_mm) - left) * scale), round((top - mm(130) + mm(y_mm)) * scale))
        )

    assert pixel(-2, 60) == (0x33, 0x44, 0xCC)  # inside the bleed: the artwork
    assert pixel(-4.5, 60) == (255, 255, 255)  # past the bleed, before the marks: paper
    assert pixel(45, -4.5) == (255, 255, 255)
