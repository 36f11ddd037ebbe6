"""The office printer's back-side offset: ``charterpress calibrate`` measures it, ``theme.sheet.offset``
or ``build --offset`` moves the office sheets' backs to undo it. Read from the PDFs with pypdf."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from charterpress.__main__ import main
from charterpress.commands import calibrate
from charterpress.errors import BuildError
from charterpress.prepress import impose
from charterpress.products.cards import deck
from charterpress.units import mm
from charterpress.values import Options
from pypdf import PdfReader
from pypdf.generic import ContentStream
from support import DATA, SOURCES, assert_poppler_clean, load

ENGLISH = DATA / "cards-english.yaml"  # poker cards on Letter, flip on the short edge
TOLERANCE = 0.002  # pt: the content streams write 3 to 4 decimals


def multiply(m: tuple, n: tuple) -> tuple:
    """Return the CTM of ``m cm`` applied inside ``n`` (PDF order: m × n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


def drawn(page) -> tuple[list[tuple[str, tuple]], list[tuple[tuple, tuple]]]:
    """Return what a page's own content draws: (form name, CTM) of each ``Do``, and each stroked
    straight line's end points, both in page space."""
    ops = ContentStream(page.get_contents(), page.pdf).operations
    ctm, stack = (1, 0, 0, 1, 0, 0), []
    forms, lines, path = [], [], []
    for operands, op in ops:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop()
        elif op == b"cm":
            ctm = multiply(tuple(float(v) for v in operands), ctm)
        elif op == b"Do":
            forms.append((str(operands[0]), ctm))
        elif op in (b"m", b"l"):
            x, y = (float(v) for v in operands)
            a, b, c, d, e, f = ctm
            path.append((a * x + c * y + e, b * x + d * y + f))
        elif op == b"S":
            lines += list(zip(path[::2], path[1::2], strict=True))
            path = []
        elif op in (b"n", b"f", b"re"):
            path = []
    return forms, lines


def sheets_of(source, offset=None) -> bytes:
    made = deck.make(source, Options(products=("cards",), offset=offset))
    return next(p.data for p in made if p.name.endswith("-cards-sheets.pdf"))


@pytest.fixture(scope="module")
def english():
    return load(ENGLISH)


@pytest.fixture(scope="module")
def english_plain(english) -> bytes:
    return sheets_of(english)


def source_with(tmp_path: Path, path: Path, sheet_line: str):
    """Return a copy of a source whose ``sheet:`` line is ``sheet_line``."""
    text = path.read_text(encoding="utf-8")
    lines = [
        sheet_line if line.strip().startswith("sheet:") else line for line in text.splitlines()
    ]
    copy = tmp_path / path.name
    copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return copy


# --- The arithmetic -------------------------------------------------------------------------


@pytest.mark.parametrize("flip", ["long", "short"])
@pytest.mark.parametrize("offset", [(1.5, -0.5), (-2.0, 3.25), (0.0, 1.0)])
def test_the_move_undoes_the_measured_offset_seen_from_the_front(flip, offset) -> None:
    # Seen from the front, a back page is mirrored: a move (dx, dy) of the back page shows as
    # (-dx, dy) turned over the long edge, (dx, -dy) over the short one. The move must show as
    # the measured offset, against it.
    dx, dy = impose.back_shift(offset, flip)
    seen = (-dx, dy) if flip == "long" else (dx, -dy)
    assert seen == (-offset[0], -offset[1])


# --- The office sheets ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "offset"), [(ENGLISH, (1.5, -0.5)), (SOURCES / "glostrup.yaml", (-2.0, 1.25))]
)
def test_every_back_moves_by_exactly_the_offset_and_no_front_moves(path, offset) -> None:
    source = load(path)
    plain = PdfReader(io.BytesIO(sheets_of(source)))
    moved = PdfReader(io.BytesIO(sheets_of(source, offset)))
    assert_poppler_clean(moved.stream.getvalue(), "moved sheets")
    dx, dy = (mm(v) for v in impose.back_shift(offset, source.charter.theme.sheet.flip))
    assert len(plain.pages) == len(moved.pages) >= 2
    for index, (before, after) in enumerate(zip(plain.pages, moved.pages, strict=True)):
        forms_before, lines_before = drawn(before)
        forms_after, lines_after = drawn(after)
        assert [n for n, _ in forms_before] == [n for n, _ in forms_after]
        if index % 2 == 0:  # a front: not touched
            assert before.get_contents().get_data() == after.get_contents().get_data()
            continue
        assert forms_before, "a back page places its cards"
        for (_, m0), (_, m1) in zip(forms_before, forms_after, strict=True):
            assert m1[:4] == pytest.approx(m0[:4])
            assert m1[4] - m0[4] == pytest.approx(dx, abs=TOLERANCE)
            assert m1[5] - m0[5] == pytest.approx(dy, abs=TOLERANCE)

        # The cut marks move with the cards: a vertical mark keeps its x plus dx, a level one its
        # y plus dy (their far ends may be shortened at the paper's edge).
        def axis(lines):
            vertical = sorted({round(a[0], 2) for a, b in lines if abs(a[0] - b[0]) < 1e-6})
            level = sorted({round(a[1], 2) for a, b in lines if abs(a[1] - b[1]) < 1e-6})
            return vertical, level

        (v0, h0), (v1, h1) = axis(lines_before), axis(lines_after)
        assert v1 == pytest.approx([v + dx for v in v0], abs=0.02)
        assert h1 == pytest.approx([h + dy for h in h0], abs=0.02)


def test_the_backs_moved_as_far_as_allowed_stay_inside_the_sheet(english) -> None:
    g = impose.grid(impose.PAPER_MM["Letter"], (63, 88))
    room_x, room_y = impose.back_room(g)
    assert room_x > 1 and room_y > 1
    for offset in [(room_x, room_y), (-room_x, -room_y), (room_x, -room_y)]:
        data = sheets_of(english, offset)
        reader = PdfReader(io.BytesIO(data))
        for index in range(1, len(reader.pages), 2):
            page = reader.pages[index]
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            forms, lines = drawn(page)
            xobjects = page["/Resources"]["/XObject"]
            for name, (a, b, c, d, e, f) in forms:
                x0, y0, x1, y1 = (float(v) for v in xobjects[name].get_object()["/BBox"])
                corners = [
                    (a * x + c * y + e, b * x + d * y + f) for x in (x0, x1) for y in (y0, y1)
                ]
                edge = mm(impose.EDGE_MM) - TOLERANCE
                assert all(
                    edge <= x <= width - edge and edge <= y <= height - edge for x, y in corners
                )
            edge = mm(impose.MARK_EDGE_MM) - TOLERANCE
            assert lines and all(
                edge <= x <= width - edge and edge <= y <= height - edge
                for p in lines
                for x, y in p
            )
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages[1::2]:
                assert page.chars and all(
                    ch["x0"] >= 0
                    and ch["x1"] <= page.width
                    and ch["top"] >= 0
                    and ch["bottom"] <= page.height
                    for ch in page.chars
                )


def test_the_offset_in_the_source_is_the_offset_on_the_command_line(
    tmp_path, english_plain
) -> None:
    given = load(
        source_with(
            tmp_path, ENGLISH, "  sheet: {paper: Letter, flip: short, offset: {x: 1.5, y: -0.5}}"
        )
    )
    assert sheets_of(given) == sheets_of(load(ENGLISH), (1.5, -0.5)) != english_plain
    zero = load(
        source_with(
            tmp_path, ENGLISH, "  sheet: {paper: Letter, flip: short, offset: {x: 0, y: 0}}"
        )
    )
    assert sheets_of(zero) == english_plain  # the default 0 changes nothing
    assert sheets_of(given, (0.0, 0.0)) == english_plain  # --offset 0,0 wins over the source


def test_fold_sheets_have_no_backs_to_move() -> None:
    source = load(DATA / "cards-a6-fold.yaml")
    assert sheets_of(source, (2.0, 2.0)) == sheets_of(source)


def test_an_offset_past_the_room_is_refused_at_its_line(tmp_path) -> None:
    path = source_with(
        tmp_path, ENGLISH, "  sheet: {paper: Letter, flip: short, offset: {x: 9, y: 6}}"
    )
    source = load(path)
    with pytest.raises(BuildError) as error:
        sheets_of(source)
    (problem,) = error.value.problems
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "offset" in t)
    assert (problem.line, problem.path) == (line, "theme.sheet.offset.y")  # x 9 is in the room
    room = impose.back_room(impose.grid(impose.PAPER_MM["Letter"], (63, 88)))
    assert room[0] > 9 and "y 6 mm would move" in problem.message
    assert f"at most {room[1]:.1f} mm" in problem.message
    with pytest.raises(BuildError) as error:
        sheets_of(load(ENGLISH), (0.0, -9.0))
    assert str(error.value.problems[0]).endswith(
        ".yaml: --offset 0,-9: y -9 mm would move the backs' cards into the strip printers leave blank, or their words off the paper: with 63×88 mm cards on Letter at most 4.5 mm this way"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12", "theme.sheet.offset.x: must be at most 10, got the number 12"),
        ("'1,5'", "theme.sheet.offset.x: expected a number, got '1,5'"),
    ],
)
def test_a_bad_offset_in_the_source_is_one_located_line(tmp_path, capsys, value, message) -> None:
    path = source_with(tmp_path, ENGLISH, f"  sheet: {{paper: Letter, offset: {{x: {value}}}}}")
    assert main(["check", "--quick", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == f"{path}:10:{38}: {message}"


@pytest.mark.parametrize("value", ["1.5", "a,b", "11,0", "0,-10.5", "nan,0"])
def test_a_bad_offset_option_is_a_usage_error(capsys, value) -> None:
    assert main(["build", "--offset", value, str(ENGLISH)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("charterpress: argument --offset:") and "\n" not in err


# --- The calibration sheet ------------------------------------------------------------------


@pytest.fixture(scope="module")
def sheet() -> bytes:
    return calibrate.make("en")[0]


def test_the_calibration_sheet_is_one_duplex_a4_sheet_in_bundled_fonts(sheet) -> None:
    reader = PdfReader(io.BytesIO(sheet))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            (mm(210), mm(297)), abs=0.01
        )
        fonts = [str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()]
        assert fonts and all("Inter" in f for f in fonts), fonts  # the civic theme's ui face
    assert_poppler_clean(sheet, "calibration")
    with pdfplumber.open(io.BytesIO(sheet)) as pdf:
        front, back = (p.extract_text() for p in pdf.pages)
    assert "FRONT" in front and "Print double-sided – flip on long edge – at actual size" in front
    assert "theme: sheet: offset:" in front and "−10" in front and "+10" in front
    assert "BACK" in back and "Read the offset on the front" in back


def test_the_front_scales_are_millimetres_centred_where_the_back_cross_meets(sheet) -> None:
    reader = PdfReader(io.BytesIO(sheet))
    _, front = drawn(reader.pages[0])
    _, back = drawn(reader.pages[1])
    cx, cy = mm(105), mm(148.5)
    # The back's cross: one upright and one level line through the centre (the same point
    # behind the front whichever edge the sheet turns over).
    cross = [
        ((cx - mm(calibrate.CROSS_MM), cy), (cx + mm(calibrate.CROSS_MM), cy)),
        ((cx, cy - mm(calibrate.CROSS_MM)), (cx, cy + mm(calibrate.CROSS_MM))),
    ]
    assert len(back) == 2
    for (a, b), (c, d) in zip(sorted(back), cross, strict=True):
        assert (*a, *b) == pytest.approx((*c, *d), abs=0.002)
    across = sorted(
        a[0]
        for a, b in front
        if abs(a[0] - b[0]) < 1e-6 and abs(a[1] + b[1] - 2 * (cy - mm(30))) < 1e-3
    )
    upright = sorted(
        a[1]
        for a, b in front
        if abs(a[1] - b[1]) < 1e-6 and abs(a[0] + b[0] - 2 * (cx + mm(30))) < 1e-3
    )
    for ticks, zero in ((across, cx), (upright, cy)):
        assert len(ticks) == 41  # -10 … +10 mm every half millimetre
        assert ticks[20] == pytest.approx(zero, abs=0.002)
        assert [b - a for a, b in zip(ticks, ticks[1:], strict=False)] == pytest.approx(
            [mm(0.5)] * 40, abs=0.002
        )


@pytest.mark.parametrize("flip", ["long", "short"])
def test_calibrate_with_an_offset_moves_the_back_as_the_sheets_do(flip) -> None:
    plain = PdfReader(io.BytesIO(calibrate.make("da", flip)[0]))
    moved = PdfReader(io.BytesIO(calibrate.make("da", flip, offset=(1.5, -0.5))[0]))
    dx, dy = (mm(v) for v in impose.back_shift((1.5, -0.5), flip))
    _, before = drawn(plain.pages[1])
    _, after = drawn(moved.pages[1])
    for (a0, b0), (a1, b1) in zip(sorted(before), sorted(after), strict=True):
        for p0, p1 in ((a0, a1), (b0, b1)):
            assert (p1[0] - p0[0], p1[1] - p0[1]) == pytest.approx((dx, dy), abs=TOLERANCE)
    assert drawn(plain.pages[0])[1] == drawn(moved.pages[0])[1]  # the front's scales stay
    with pdfplumber.open(io.BytesIO(moved.stream.getvalue())) as pdf:
        assert "x = 1,5 mm, y = −0,5 mm" in pdf.pages[0].extract_text()


def test_the_calibrate_command_writes_the_sheet_and_says_how_to_read_it(tmp_path) -> None:
    out = tmp_path / "dist"
    result = subprocess.run(
        [sys.executable, "-m", "charterpress", "calibrate", "--out", str(out), "--language", "en"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == str(out / "calibration.pdf")
    assert lines[1].startswith("  1. Print double-sided – flip on long edge")
    assert any("Right and up are plus" in line for line in lines)
    assert any("--offset 1.5,-0.5" in line for line in lines)
    assert PdfReader(out / "calibration.pdf").pages[1] is not None
    # The folder stays one a build may write into.
    assert (out / ".charterpress-manifest.json").is_file()
    bad = subprocess.run(
        [sys.executable, "-m", "charterpress", "calibrate", "--out", str(out), "--offset", "20,0"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert bad.returncode == 2 and "beyond ±10 mm" in bad.stderr
