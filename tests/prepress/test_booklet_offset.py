"""The office printer's back-side offset for the imposed booklet: ``charterpress calibrate
--booklet`` measures it on an A4 landscape sheet, ``theme.sheet.booklet_offset`` or ``build
--booklet-offset`` moves the imposed booklet's back sides to undo it. Read from the PDFs with
pypdf."""

from __future__ import annotations

import io
import subprocess
import sys
from functools import cache
from pathlib import Path

import pdfplumber
import pytest
from charterpress.__main__ import main
from charterpress.commands import build as pipeline
from charterpress.commands import calibrate
from charterpress.layout.render import to_document, to_pdf
from charterpress.prepress import impose
from charterpress.prepress.sheets import mm
from charterpress.products.booklet import imposed as booklet_imposed
from charterpress.values import Options
from pypdf import PdfReader
from pypdf.generic import ContentStream
from support import DATA, assert_poppler_clean, load
from test_offset import drawn

PADDING = DATA / "booklet-padding.yaml"  # 8 pages: two sheets, four sides (8|1, 2|7, 6|3, 4|5)
OFFSET = (1.5, -0.5)
MOVE_PT = (1.5 * 72 / 25.4, 0.5 * 72 / 25.4)
"""The move OFFSET asks of a back side, in its own points: turned over its short (vertical)
edge, the back runs right to left seen from the front, so x is moved as measured (right on the
back is left seen from the front) and y against it."""
TOLERANCE = 0.002  # pt: the content streams write 3 to 4 decimals
SHEET_PT = (297 * 72 / 25.4, 210 * 72 / 25.4)


def with_theme(tmp_path: Path, theme: str) -> Path:
    """Return a copy of the padding source with a ``theme:`` block (it has none)."""
    copy = tmp_path / PADDING.name
    copy.write_text(PADDING.read_text(encoding="utf-8") + theme, encoding="utf-8")
    return copy


@cache
def imposed_of(path: str, offset: tuple[float, float] | None = None) -> bytes:
    """Return the imposed booklet of a source as a build makes it (``--booklet-offset``: offset)."""
    made = pipeline.make_products(
        load(Path(path)), Options(products=("booklet",), booklet_offset=offset)
    )
    return next(p.data for p in made if p.name.endswith("-booklet-imposed.pdf"))


def side_ops(page) -> list[tuple[list, bytes]]:
    """Return a page's content operations: (operands, operator)."""
    ops = ContentStream(page.get_contents(), page.pdf).operations
    return [(list(operands), op) for operands, op in ops]


# --- The arithmetic -------------------------------------------------------------------------


@pytest.mark.parametrize("offset", [OFFSET, (-2.0, 3.25), (0.0, 1.0), (4.0, 0.0)])
def test_the_move_undoes_the_measured_offset_seen_from_the_front(offset) -> None:
    # A landscape sheet turned over its short edge (the left or right one) is mirrored in x:
    # a move (dx, dy) of its back shows as (-dx, dy) from the front, and must show as the
    # measured offset, against it.
    dx, dy = impose.booklet_back_shift(offset)
    assert (-dx, dy) == (-offset[0], -offset[1])


def test_the_move_is_in_millimetres_as_measured() -> None:
    dx, dy = impose.booklet_back_shift(OFFSET)
    assert (mm(dx), mm(dy)) == pytest.approx(MOVE_PT, abs=1e-9)


# --- The imposed booklet --------------------------------------------------------------------


def test_every_back_side_moves_by_exactly_the_offset_and_no_front_moves() -> None:
    plain = PdfReader(io.BytesIO(imposed_of(str(PADDING))))
    moved_data = imposed_of(str(PADDING), OFFSET)
    moved = PdfReader(io.BytesIO(moved_data))
    assert_poppler_clean(moved_data, "moved imposed booklet")
    assert len(plain.pages) == len(moved.pages) == 4  # sides: outside, inside, outside, inside
    dx, dy = MOVE_PT
    for index, (before, after) in enumerate(zip(plain.pages, moved.pages, strict=True)):
        assert [float(v) for v in after.mediabox] == [float(v) for v in before.mediabox]
        assert [float(v) for v in after.mediabox] == pytest.approx([0, 0, *SHEET_PT], abs=0.01)
        forms_before, _ = drawn(before)
        forms_after, _ = drawn(after)
        assert [n for n, _ in forms_before] == [n for n, _ in forms_after] == ["/Page0", "/Page1"]
        if index % 2 == 0:  # a front (a sheet's outside or first side): not touched
            assert before.get_contents().get_data() == after.get_contents().get_data()
            continue
        for (_, m0), (_, m1) in zip(forms_before, forms_after, strict=True):
            assert m1[:4] == pytest.approx(m0[:4])
            assert m1[4] - m0[4] == pytest.approx(dx, abs=TOLERANCE)
            assert m1[5] - m0[5] == pytest.approx(dy, abs=TOLERANCE)
        # Clipped to the sheet before the move: what moves past the edge is cut there.
        ops = side_ops(after)
        rects = [[float(v) for v in operands] for operands, op in ops if op == b"re"]
        assert rects[0] == pytest.approx([0, 0, *SHEET_PT], abs=0.01)
        names = [op for _, op in ops]
        at = names.index(b"re")
        assert names[at : at + 4] == [b"re", b"W", b"n", b"cm"]


def test_the_offset_in_the_source_is_the_offset_on_the_command_line(tmp_path) -> None:
    given = with_theme(tmp_path, "theme:\n  sheet: {booklet_offset: {x: 1.5, y: -0.5}}\n")
    from_source = imposed_of(str(given))
    assert from_source == imposed_of(str(PADDING), OFFSET) != imposed_of(str(PADDING))
    assert imposed_of(str(given), (0.0, 0.0)) == imposed_of(str(PADDING))  # the option wins


def test_a_zero_offset_changes_nothing(tmp_path) -> None:
    zero = tmp_path / "zero"
    zero.mkdir()
    path = with_theme(zero, "theme:\n  sheet: {booklet_offset: {x: 0, y: 0}}\n")
    assert imposed_of(str(path)) == imposed_of(str(PADDING)) == imposed_of(str(PADDING), (0.0, 0.0))


def test_the_cards_offset_does_not_move_the_booklet_nor_the_booklet_offset_the_cards() -> None:
    made = pipeline.make_products(load(PADDING), Options(products=("booklet",), offset=(2.0, 2.0)))
    imposed = next(p.data for p in made if p.name.endswith("-booklet-imposed.pdf"))
    assert imposed == imposed_of(str(PADDING))


def numbered(size: str) -> bytes:
    """Return a print PDF of eight pages of ``size``, each showing its number."""
    page = f"@page {{ size: {size}; bleed: 3mm; margin: 0 }}"
    html = f"<style>{page} div {{ font: 60pt serif }}</style>"
    html += "".join(f"<div style='break-before: page'>{n}</div>" for n in range(1, 9))
    return to_pdf(to_document(html))


def test_the_fold_ticks_of_a_back_move_with_it() -> None:
    # A6 pages leave paper above and below them on A4 landscape, and so fold ticks.
    pdf = numbered("A6")
    shift = impose.booklet_back_shift(OFFSET)
    plain = PdfReader(io.BytesIO(booklet_imposed.impose(pdf)))
    moved = PdfReader(io.BytesIO(booklet_imposed.impose(pdf, shift)))
    dx, dy = MOVE_PT
    for index, (before, after) in enumerate(zip(plain.pages, moved.pages, strict=True)):
        _, lines_before = drawn(before)
        _, lines_after = drawn(after)
        assert len(lines_before) == len(lines_after) == 2  # a tick at the head, one at the foot
        step = (dx, dy) if index % 2 else (0.0, 0.0)
        for (a0, b0), (a1, b1) in zip(lines_before, lines_after, strict=True):
            for p0, p1 in ((a0, a1), (b0, b1)):
                assert (p1[0] - p0[0], p1[1] - p0[1]) == pytest.approx(step, abs=TOLERANCE)


def test_impose_without_a_move_is_impose_as_it_was() -> None:
    pdf = numbered("A5")
    assert booklet_imposed.impose(pdf) == booklet_imposed.impose(pdf, (0.0, 0.0))
    assert booklet_imposed.impose(pdf) != booklet_imposed.impose(pdf, (0.5, 0.0))


def test_the_booklet_offset_joins_the_cache_key_only_when_given() -> None:
    assert pipeline._order_options(Options()) == ()
    assert pipeline._order_options(Options(booklet_offset=(1.5, -0.5))) == (
        "booklet_offset=1.5,-0.5",
    )


# --- Refused values -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12", "theme.sheet.booklet_offset.x: must be at most 10, got the number 12"),
        ("-10.5", "theme.sheet.booklet_offset.x: must be at least -10, got the number -10.5"),
        ("'1,5'", "theme.sheet.booklet_offset.x: expected a number, got '1,5'"),
    ],
)
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_bad_booklet_offset_in_the_source_is_one_located_line(
    tmp_path, capsys, value, message, command
) -> None:
    path = with_theme(tmp_path, f"theme:\n  sheet: {{booklet_offset: {{x: {value}}}}}\n")
    last = path.read_text(encoding="utf-8").splitlines()[-1]
    line = len(path.read_text(encoding="utf-8").splitlines())
    column = last.index(f"x: {value}") + len("x: ") + 1  # the value's first character
    args = ["check", "--quick", str(path)] if command == "check" else [
        "build", "--out", str(tmp_path / "dist"), "--no-preview", str(path)
    ]  # fmt: skip
    assert main(args) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert "Traceback" not in "\n".join(err)
    assert err[-1] == f"{path}:{line}:{column}: {message}"
    assert sum(str(path) in e for e in err) == 1


@pytest.mark.parametrize("value", ["1.5", "a,b", "11,0", "0,-10.5", "nan,0"])
def test_a_bad_booklet_offset_option_is_a_usage_error(capsys, value) -> None:
    assert main(["build", "--booklet-offset", value, str(PADDING)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("charterpress: argument --booklet-offset:") and "\n" not in err


# --- The landscape calibration sheet --------------------------------------------------------


@pytest.fixture(scope="module")
def sheet() -> bytes:
    return calibrate.make("en", booklet=True)[0]


def test_the_booklet_calibration_sheet_is_one_duplex_a4_landscape_sheet(sheet) -> None:
    reader = PdfReader(io.BytesIO(sheet))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert [float(v) for v in page.mediabox] == pytest.approx([0, 0, *SHEET_PT], abs=0.01)
        fonts = [str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()]
        assert fonts and all("Inter" in f for f in fonts), fonts
    assert_poppler_clean(sheet, "booklet calibration")
    with pdfplumber.open(io.BytesIO(sheet)) as pdf:
        front, back = (p.extract_text() for p in pdf.pages)
        for page in pdf.pages:  # every word on the paper
            assert page.chars and all(
                c["x0"] >= 0
                and c["x1"] <= page.width
                and c["top"] >= 0
                and c["bottom"] <= page.height
                for c in page.chars
            )
    flat = " ".join(front.split())
    assert "FRONT" in flat
    assert "Print double-sided – flip on short edge – at actual size" in flat
    assert "as you print the imposed booklet" in flat and "Right and up are plus" in flat
    assert "theme: sheet: booklet_offset:" in flat and "--booklet-offset 1.5,-0.5" in flat
    assert "calibrate --booklet --offset 1.5,-0.5" in flat
    assert "BACK" in back and "Read the offset on the front" in back


def test_the_scales_are_centred_where_the_back_cross_meets(sheet) -> None:
    reader = PdfReader(io.BytesIO(sheet))
    _, front = drawn(reader.pages[0])
    _, back = drawn(reader.pages[1])
    cx, cy = SHEET_PT[0] / 2, SHEET_PT[1] / 2
    cross = [
        ((cx - mm(calibrate.CROSS_MM), cy), (cx + mm(calibrate.CROSS_MM), cy)),
        ((cx, cy - mm(calibrate.CROSS_MM)), (cx, cy + mm(calibrate.CROSS_MM))),
    ]
    assert len(back) == 2
    for (a, b), (c, d) in zip(sorted(back), cross, strict=True):
        assert (*a, *b) == pytest.approx((*c, *d), abs=0.002)
    across = sorted(
        a[0] for a, b in front
        if abs(a[0] - b[0]) < 1e-6 and abs(a[1] + b[1] - 2 * (cy - mm(30))) < 1e-3
    )  # fmt: skip
    upright = sorted(
        a[1] for a, b in front
        if abs(a[1] - b[1]) < 1e-6 and abs(a[0] + b[0] - 2 * (cx + mm(30))) < 1e-3
    )  # fmt: skip
    for ticks, zero in ((across, cx), (upright, cy)):
        assert len(ticks) == 41 and ticks[20] == pytest.approx(zero, abs=0.002)


@pytest.mark.parametrize("language", ["da", "en"])
def test_calibrate_booklet_with_an_offset_moves_the_back_as_the_booklet_is_moved(language) -> None:
    plain = PdfReader(io.BytesIO(calibrate.make(language, booklet=True)[0]))
    data = calibrate.make(language, offset=OFFSET, booklet=True)[0]
    moved = PdfReader(io.BytesIO(data))
    _, before = drawn(plain.pages[1])
    _, after = drawn(moved.pages[1])
    assert len(before) == len(after) == 2
    for (a0, b0), (a1, b1) in zip(sorted(before), sorted(after), strict=True):
        for p0, p1 in ((a0, a1), (b0, b1)):
            assert (p1[0] - p0[0], p1[1] - p0[1]) == pytest.approx(MOVE_PT, abs=TOLERANCE)
    assert drawn(plain.pages[0])[1] == drawn(moved.pages[0])[1]  # the front's scales stay
    applied = "x = 1,5 mm, y = −0,5 mm" if language == "da" else "x = 1.5 mm, y = −0.5 mm"
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert applied in " ".join(pdf.pages[0].extract_text().split())


def test_the_calibrate_booklet_command_writes_its_own_sheet(tmp_path) -> None:
    out = tmp_path / "dist"
    run = [sys.executable, "-m", "charterpress", "calibrate", "--out", str(out), "--language", "en"]
    result = subprocess.run(
        [*run, "--booklet"], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == str(out / "calibration-booklet.pdf")
    assert lines[1].startswith("  1. Print double-sided – flip on short edge")
    assert "as you print the imposed booklet" in lines[1]
    assert any("--booklet-offset 1.5,-0.5" in line for line in lines)
    assert not (out / "calibration.pdf").exists()  # the cards' sheet is another file
    reader = PdfReader(out / "calibration-booklet.pdf")
    assert float(reader.pages[0].mediabox.width) > float(reader.pages[0].mediabox.height)
    for extra in (["--flip", "short"], ["--paper", "A4"], ["--offset", "0,20"]):
        bad = subprocess.run(
            [*run, "--booklet", *extra], capture_output=True, text=True, timeout=120, cwd=tmp_path
        )
        assert bad.returncode == 2, bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr
