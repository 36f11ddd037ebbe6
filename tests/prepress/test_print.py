"""Prepress: imposed sheets that fold cleanly, and body text in black ink only in the print files."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest
from support import DATA, SOURCES, products_of

ALL = [*sorted(SOURCES.glob("*.yaml")), DATA / "unlike-the-five.yaml"]
MM = 72 / 25.4
DPI = 150
WHITE = 245
"""A pixel with every channel at least this light is paper."""


def _sides(pdf: bytes) -> list:
    document = pypdfium2.PdfDocument(pdf)
    return [
        document[i].render(scale=DPI / 72).to_pil().convert("RGB") for i in range(len(document))
    ]


def _coloured(pixel: tuple[int, int, int]) -> bool:
    return min(pixel) < WHITE


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_the_fold_column_has_no_white_gap_where_both_pages_are_coloured(path: Path) -> None:
    imposed = products_of(path, "booklet")[f"{path.stem}-booklet-imposed.pdf"].data
    checked = 0
    for number, image in enumerate(_sides(imposed), 1):
        fold = image.width // 2
        step = 3  # px either side of the fold: well inside each page
        gaps = []
        for y in range(0, image.height, 2):
            left, right = image.getpixel((fold - step, y)), image.getpixel((fold + step, y))
            if _coloured(left) and _coloured(right):
                checked += 1
                column = [image.getpixel((x, y)) for x in range(fold - 1, fold + 2)]
                if not all(_coloured(p) for p in column):
                    gaps.append(y)
        assert not gaps, (
            f"side {number}: white at the fold in {len(gaps)} rows, first at y={gaps[0]}"
        )
    assert checked, "no row where both pages are coloured: the test saw nothing"


def test_fold_ticks_stay_off_the_artwork_and_the_spare_paper_goes_outside() -> None:
    path = SOURCES / "glostrup.yaml"  # a coloured cover and back cover on sheet side 1
    imposed = products_of(path, "booklet")[f"{path.stem}-booklet-imposed.pdf"].data
    with pdfplumber.open(io.BytesIO(imposed)) as pdf:
        for page in pdf.pages:
            ticks = [ln for ln in page.lines if abs(ln["x0"] - page.width / 2) < 0.5]
            # A5 pages fill A4's height: no spare paper above or below them, so no tick at all
            assert ticks == []
    cover = _sides(imposed)[0]
    middle = cover.height // 2
    # the outer half millimetre of spare paper on each side is filled from the bleed
    assert _coloured(cover.getpixel((0, middle))) and _coloured(
        cover.getpixel((cover.width - 1, middle))
    )


def _body_colours(pdf: bytes, font: str) -> dict[tuple, int]:
    found: dict[tuple, int] = {}
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages[2:-1]:
            for char in page.chars:
                if font in char["fontname"] and char["text"].strip():
                    key = tuple(round(v, 3) for v in (char["non_stroking_color"] or ()))
                    found[key] = found.get(key, 0) + 1
    return found


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_body_text_in_the_print_booklet_is_black_ink_only(path: Path) -> None:
    made = products_of(path, "booklet")
    from charterpress.layout import templates as layouts
    from support import load

    face = layouts.look(load(path).charter.theme.name)["fonts"]["text"].replace(" ", "-")
    printed = _body_colours(made[f"{path.stem}-booklet-print.pdf"].data, face)
    black = printed.get((0, 0, 0, 1), 0)
    assert black / sum(printed.values()) > 0.8, printed
    screen = _body_colours(made[f"{path.stem}-booklet.pdf"].data, face)
    assert all(len(colour) != 4 for colour in screen), "the screen PDF stays RGB"


@pytest.mark.parametrize("path", ALL[:2], ids=lambda p: p.stem)
def test_card_text_on_white_and_tints_is_black_ink_only(path: Path) -> None:
    made = products_of(path, "cards")
    with pdfplumber.open(io.BytesIO(made[f"{path.stem}-cards-print.pdf"].data)) as pdf:
        back = pdf.pages[3]  # card 2's back: the question on a tint
        colours = {tuple(c["non_stroking_color"] or ()) for c in back.chars if c["size"] > 12}
    assert colours == {(0, 0, 0, 1)}
