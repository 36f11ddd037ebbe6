"""PNG previews: a contact sheet of every card, the booklet as spreads, the cover; made incrementally."""

from __future__ import annotations

import io
import re
import shutil

import pypdfium2 as pdfium
import pytest
from charterpress.__main__ import main
from charterpress.commands import build as pipeline
from charterpress.layout.templates import labels
from charterpress.output.write import MANIFEST, Manifest
from charterpress.products import previews as preview
from PIL import Image, ImageChops, ImageStat
from support import DATA, SLUGS, SOURCES, cached_make_products, load, products_of

SHRUNK_SOURCE = DATA / "preview-shrunk.yaml"


def png(path_or_bytes) -> Image.Image:
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


def crop(image: Image.Image, box: preview.Box) -> Image.Image:
    return image.crop((box.x, box.y, box.x + box.width, box.y + box.height))


def difference(a: Image.Image, b: Image.Image) -> float:
    """Return the mean absolute difference of two same-sized images (0–255)."""
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def is_blank(image: Image.Image, colour: tuple[int, int, int]) -> bool:
    """Tell whether every pixel is ``colour`` (give or take the palette's rounding)."""
    extrema = image.getextrema()
    return all(lo >= c - 4 and hi <= c + 4 for (lo, hi), c in zip(extrema, colour, strict=True))


@pytest.mark.parametrize("slug", SLUGS)
def test_every_card_is_on_the_contact_sheet_front_beside_back(dist_of, slug):
    built_dist = dist_of(slug)
    charter = load(SOURCES / f"{slug}.yaml").charter
    cards = charter.card_count  # the title card, one per commitment, one per reflection group
    sheet = png(built_dist / slug / "preview" / f"{slug}-cards.png")
    pdf = pdfium.PdfDocument(built_dist / slug / f"{slug}-cards-print.pdf")
    assert len(pdf) == 2 * cards
    layout = preview.contact_layout(cards, preview.trim_size(pdf[0]))
    assert sheet.size == layout.size  # exactly as many cells as cards, no more
    for index in (0, 1, cards // 2, cards - 1):
        for box, page in ((layout.front(index), 2 * index), (layout.back(index), 2 * index + 1)):
            shown = crop(sheet, box)
            rendered = preview.render_trim(pdf[page], (box.width, box.height))
            assert difference(shown, rendered) < 3, f"card {index + 1}: not face {page + 1}"
            assert not is_blank(shown, preview.BACKGROUND)
    # A place after the last card (same row, or the next) is empty background.
    last = layout.cells[-1]
    after = preview.Box(last.x + last.width + preview.PAD, last.y, 4, 4)
    if after.x + 4 > layout.size[0]:
        after = preview.Box(
            preview.PAD, last.y + last.height + preview.PAD + preview.LABEL_PX, 4, 4
        )
    if after.y + 4 <= layout.size[1]:
        assert is_blank(crop(sheet, after), preview.BACKGROUND)


@pytest.mark.parametrize("slug", SLUGS)
def test_the_booklet_is_previewed_spread_by_spread_and_its_cover_as_a_thumbnail(dist_of, slug):
    built_dist = dist_of(slug)
    folder = built_dist / slug / "preview"
    pdf = pdfium.PdfDocument(built_dist / slug / f"{slug}-booklet-print.pdf")
    pages = len(pdf)
    spreads = sorted(folder.glob(f"{slug}-booklet-*.png"))
    assert len(spreads) == pages // 2 + 1  # the cover alone, pairs, the back cover alone
    shown: list[int] = []
    page_width = None
    for path in spreads:
        numbers = [int(n) for n in re.findall(r"\d+", path.stem.removeprefix(slug))]
        shown += numbers
        image = png(path)
        assert image.height == preview.PAGE_PX
        page_width = page_width or image.width // len(numbers)
        assert abs(image.width - page_width * len(numbers)) <= 1
        if len(numbers) == 2:  # an even page on the left, the odd one on the right
            assert numbers[0] % 2 == 0 and numbers[1] == numbers[0] + 1
            right = image.crop((page_width, 0, image.width, image.height))
            expected = preview.render_trim(pdf[numbers[1] - 1], right.size)
            assert difference(right, expected) < 3
    assert shown == list(range(1, pages + 1))
    cover = png(folder / f"{slug}-cover.png")
    assert cover.width == preview.COVER_PX
    assert difference(cover, preview.render_trim(pdf[0], cover.size)) < 3


def test_the_contact_sheet_marks_the_cards_the_fitting_step_shrank():
    made = products_of(SHRUNK_SOURCE, "cards")
    deck = made["preview-shrunk-cards-print.pdf"]
    assert [(f.card, f.side) for f in deck.shrunk] == [(3, "front")], deck.notes
    # the card shrunk, and (the deck keeps one size) the wording to shorten so that it need not
    shrunk, set_apart = deck.notes
    assert shrunk == "card 3 (sections[0].body[0].commitments[1]) shrunk to 11.5 pt", deck.notes
    assert set_apart.startswith("card 3 is set at 11.5 pt, smaller than the deck's"), deck.notes
    assert "(sections[0].body[0].commitments[1].card)" in set_apart
    (sheet_png,) = preview.make(
        "preview-shrunk",
        {n: p.data for n, p in made.items() if n.endswith("-cards-print.pdf")},
        words=labels("en"),
        title="Leading with care",
        shrunk=deck.shrunk,
    )
    assert sheet_png.name == "preview/preview-shrunk-cards.png"
    sheet = png(sheet_png.data)
    pdf = pdfium.PdfDocument(deck.data)
    layout = preview.contact_layout(len(pdf) // 2, preview.trim_size(pdf[0]))
    for index in range(len(layout.cells)):
        frame = _frame(sheet, layout.cells[index])
        if index + 1 == 3:
            assert all(_near(p, preview.SHRUNK) for p in frame), f"card {index + 1}: no frame"
        else:
            assert not any(_near(p, preview.SHRUNK) for p in frame), f"card {index + 1}: framed"
    # The sheet says what the frame means.
    label = sheet.crop((0, 30, sheet.width, preview.HEADER_PX))
    assert any(_near(colour, preview.SHRUNK) for _, colour in label.getcolors(1 << 20))


def _frame(image: Image.Image, cell: preview.Box) -> list[tuple[int, int, int]]:
    """Return pixels along the middle of where a shrunk card's frame is drawn, on all four sides."""
    inset = preview.SHRUNK_FRAME + 2 - preview.SHRUNK_FRAME // 2
    left, top = cell.x - inset, cell.y - inset
    right, bottom = cell.x + cell.width - 1 + inset, cell.y + cell.height - 1 + inset
    xs = range(left + 8, right - 8, 17)
    ys = range(top + 8, bottom - 8, 17)
    return [
        *(image.getpixel((x, top)) for x in xs),
        *(image.getpixel((x, bottom)) for x in xs),
        *(image.getpixel((left, y)) for y in ys),
        *(image.getpixel((right, y)) for y in ys),
    ]


def _near(pixel: tuple[int, int, int], colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 24 for a, b in zip(pixel, colour, strict=True))


# --- Incremental ----------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A sources/ folder with one small charter; rendering comes from the session's cache."""
    src = tmp_path / "sources"
    src.mkdir()
    shutil.copy(SHRUNK_SOURCE, src / "preview-shrunk.yaml")
    monkeypatch.setattr(pipeline, "make_products", cached_make_products)
    return src, tmp_path / "dist"


def _refuse(*_args, **_kwargs):
    raise AssertionError("rendered again")


def test_previews_are_part_of_the_incremental_build(project, monkeypatch):
    src, out = project
    folder = out / "preview-shrunk"
    (first,) = pipeline.build([], src, out, pipeline.Options(products=("cards",), previews=False))
    assert first.paths and not first.preview_paths
    assert not (folder / "preview").exists()
    pdf_times = {p: p.stat().st_mtime_ns for p in folder.glob("*.pdf")}

    # PDFs current, previews wanted: they are made from the PDFs on disk, nothing is rendered.
    monkeypatch.setattr(pipeline, "make_products", _refuse)
    (second,) = pipeline.build([], src, out, pipeline.Options(products=("cards",)))
    faces = [
        f"preview-shrunk-card-{n:02d}-{side}.png"
        for n in (1, 2, 3, 4)
        for side in ("front", "back")
    ]
    assert not second.paths and [p.name for p in second.preview_paths] == [
        "preview-shrunk-cards.png",
        *faces,  # the face PNGs of the slides (builder/products/cards/facilitation.py)
    ]
    assert {p: p.stat().st_mtime_ns for p in folder.glob("*.pdf")} == pdf_times
    # The shrink the fitting step found when the PDFs were built still marks the sheet.
    assert Manifest.read(out).shrunk("preview-shrunk")[0].card == 3

    # Nothing changed: nothing is rendered, not even a preview.
    monkeypatch.setattr(preview, "make", _refuse)
    (third,) = pipeline.build([], src, out, pipeline.Options(products=("cards",)))
    assert third.skipped

    # A deleted preview is made again (and only it: the PDFs stay).
    monkeypatch.undo()
    monkeypatch.setattr(pipeline, "make_products", _refuse)
    (folder / "preview" / "preview-shrunk-cards.png").unlink()
    (fourth,) = pipeline.build([], src, out, pipeline.Options(products=("cards",)))
    assert (folder / "preview" / "preview-shrunk-cards.png").is_file() and not fourth.paths


def test_a_changed_source_renders_its_previews_again_and_drops_stale_ones(project):
    src, out = project
    pipeline.build([], src, out, pipeline.Options())
    folder = out / "preview-shrunk" / "preview"
    stale = folder / "preview-shrunk-booklet-98-99.png"
    stale.write_bytes(b"from an older, longer booklet")
    before = (folder / "preview-shrunk-cards.png").stat().st_mtime_ns
    path = src / "preview-shrunk.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    (built,) = pipeline.build([], src, out, pipeline.Options())
    assert built.paths and built.preview_paths
    assert (folder / "preview-shrunk-cards.png").stat().st_mtime_ns != before
    assert not stale.exists()
    manifest = Manifest.read(out)
    assert manifest.previews_fresh(out, "preview-shrunk")
    assert (out / MANIFEST).is_file()


def test_the_preview_command_prints_the_previews(project, capsys, monkeypatch):
    src, out = project
    monkeypatch.chdir(src.parent)
    assert main(["preview", "--only", "cards", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [
        str(out / "preview-shrunk" / "preview" / "preview-shrunk-cards.png"),
        str(out / "index.html"),
    ]


def test_a_large_sheet_keeps_its_colours_when_its_palette_comes_from_a_sample():
    """A sheet over LARGE_PX is quantized against a palette from a sample (memory), not whole."""
    side = int(preview.LARGE_PX**0.5) + 64
    image = Image.new("RGB", (side, side), preview.BACKGROUND)
    frame = Image.new("RGB", (side // 2, preview.SHRUNK_FRAME), preview.SHRUNK)
    image.paste(frame, (32, 32))
    paletted = preview._paletted(image)
    assert paletted.mode == "P"
    rgb = paletted.convert("RGB")
    assert _near(rgb.getpixel((40, 33)), preview.SHRUNK)
    assert _near(rgb.getpixel((side - 10, side - 10)), preview.BACKGROUND)
