"""Ink rules of the print files: each font embedded once per real face, office marks in 100 % K
at 0.4 pt, card numbers and booklet greys as K-only tints (read from the content streams)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from charterpress.layout import proof
from pypdf import PdfReader
from support import DATA, SOURCES, products_of

CHARTERS = [*sorted(SOURCES.glob("*.yaml")), DATA / "unlike-the-five.yaml"]


def files(path: Path) -> dict[str, bytes]:
    made: dict[str, bytes] = {}
    for kind in ("booklet", "cards"):
        made.update({n: p.data for n, p in products_of(path, kind).items()})
    return made


def unsubset(name: str) -> str:
    """An embedded font's name without its subset tag: '/ABCDEF+Inter' -> 'Inter'."""
    return re.sub(r"^/?[A-Z]{6}\+", "", name)


@pytest.mark.parametrize("path", CHARTERS, ids=lambda p: p.stem)
def test_each_real_font_face_is_embedded_once(path: Path) -> None:
    for name, data in files(path).items():
        if not name.endswith(".pdf"):
            continue
        found = proof.embedded_fonts(data)
        # The screen booklet's answer fields carry their font whole (a reader types any letter)
        # under its own name, beside the page's subset of the same face: one of each, no more.
        fields = [f for n, f in found.items() if unsubset(n).startswith("Field-")]
        assert len(fields) == len(set(fields)), f"{name}: a field font twice: {sorted(found)}"
        assert not fields or name.endswith("-booklet.pdf"), f"{name}: a field font in print"
        faces = [f for n, f in found.items() if not unsubset(n).startswith("Field-")]
        twice = {face for face in faces if faces.count(face) > 1}
        assert not twice, f"{name}: {sorted(twice)} embedded more than once: {sorted(found)}"


def test_eb_garamond_is_embedded_only_as_its_two_real_faces() -> None:
    data = files(SOURCES / "gentofte.yaml")["gentofte-booklet-print.pdf"]
    names = {unsubset(n) for n in proof.embedded_fonts(data)}
    garamond = {n for n in names if "Garamond" in n}
    assert garamond == {"EB-Garamond", "EB-Garamond-Italic"}, names


def content_of(data: bytes) -> list[bytes]:
    reader = PdfReader(io.BytesIO(data))
    return [page.get_contents().get_data() for page in reader.pages]


@pytest.mark.parametrize(
    "path", [SOURCES / "glostrup.yaml", DATA / "cards-a6-fold.yaml"], ids=lambda p: p.stem
)
def test_office_sheet_marks_are_100_percent_k_at_0_4_pt(path: Path) -> None:
    sheets = products_of(path, "cards")[f"{path.stem}-cards-sheets.pdf"].data
    for number, content in enumerate(content_of(sheets), 1):
        marks = re.findall(rb"q ([\d.]+) w 0 J \[\] 0 d ([^\n]+)\n", content)
        assert marks, f"sheet side {number}: no marks"
        for width, colour in marks:
            assert float(width) >= 0.4, (number, width)
            assert colour == b"0 0 0 1 K", (number, colour)
        assert b"/CharterpressAll" not in content, number


def test_the_imposed_booklets_fold_ticks_are_k_only() -> None:
    imposed = products_of(DATA / "booklet-padding.yaml", "booklet")
    data = next(p.data for n, p in imposed.items() if n.endswith("-booklet-imposed.pdf"))
    for content in content_of(data):
        assert b"/CharterpressAll" not in content


@pytest.mark.parametrize("path", CHARTERS[:5], ids=lambda p: p.stem)
def test_the_old_rgb_grey_of_the_card_numbers_is_gone(path: Path) -> None:
    data = files(path)[f"{path.stem}-cards-print.pdf"]
    joined = b"\n".join(content_of(data))
    assert b"0.431373 0.431373 0.45098 rg" not in joined, "the old RGB grey #6e6e73"
    assert re.search(rb"\n0 0 0 [\d.]+ scn\n", joined), "no K-only fill at all"


def test_the_screen_booklet_keeps_its_rgb_greys() -> None:
    """The print inks are the print variant's only: the screen PDF keeps its RGB greys (the body
    text #1c1c1c, the running heads #4a4a4a) and has no K-tint rules (its answers are form
    fields, tests/products/booklet/test_reflection_fields.py); the print booklet draws the same in K only."""
    path = SOURCES / "ballerup.yaml"
    made = products_of(path, "booklet")
    screen = b"\n".join(content_of(made["ballerup-booklet.pdf"].data))
    printed = b"\n".join(content_of(made["ballerup-booklet-print.pdf"].data))
    for grey in (b"0.109804 0.109804 0.109804 rg", b"0.290196 0.290196 0.290196 rg"):
        assert screen.count(grey) >= 10, f"the screen booklet lost its grey {grey!r}"
        assert grey not in printed, f"the print booklet kept the RGB grey {grey!r}"
    assert not re.search(rb"\n0 0 0 [\d.]+ scn\n", screen), "a print ink in the screen booklet"
    assert re.search(rb"\n0 0 0 0\.35 scn\n", printed), "the print booklet's K-tint rules"
