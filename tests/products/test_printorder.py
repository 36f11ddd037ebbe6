"""The job sheet for the print shop (``SLUG-print-order.pdf``): one A4 page whose every figure is
read from the built print files, opened here with pypdf, pdfplumber and pypdfium2."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest
from charterpress.__main__ import main
from charterpress.commands.build import make_products
from charterpress.errors import BuildError
from charterpress.layout import proof, render
from charterpress.products import printorder
from charterpress.values import Options
from PIL import Image
from pypdf import PdfReader
from support import DATA, SOURCES, assert_poppler_clean, load, pdfua_reports, products_of

GLOSTRUP = SOURCES / "glostrup.yaml"
ENGLISH = DATA / "cards-english.yaml"  # poker cards, English


@pytest.fixture(scope="module")
def glostrup():
    source = load(GLOSTRUP)
    made = {p.name: p for p in make_products(source, Options(quantity=250))}
    return source, made


def text_of(pdf: bytes) -> str:
    """Return a PDF's text, every run of white space (line ends too) one space."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return " ".join(" ".join(page.extract_text() for page in doc.pages).split())


def test_the_build_makes_one_a4_page_that_proves_clean(glostrup) -> None:
    source, made = glostrup
    order = made["glostrup-print-order.pdf"]
    reader = PdfReader(io.BytesIO(order.data))
    assert order.pages == len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((595.276, 841.89), abs=0.01)
    assert_poppler_clean(order.data, order.name)
    proof.check_fonts(source, order.name, order.data)  # every font a bundled one
    assert reader.trailer["/Root"]["/Lang"] == "da"


def test_it_is_tagged_and_passes_pdfua(glostrup, tmp_path) -> None:
    _, made = glostrup
    path = tmp_path / "glostrup-print-order.pdf"
    path.write_bytes(made[path.name].data)
    [report] = pdfua_reports([path])
    assert report["findings"] == [], report["findings"]
    assert report["summary"]["rules_run"] >= 10


def test_every_figure_is_the_built_files_own(glostrup) -> None:
    _, made = glostrup
    text = text_of(made["glostrup-print-order.pdf"].data)
    booklet = PdfReader(io.BytesIO(made["glostrup-booklet-print.pdf"].data))
    cards = PdfReader(io.BytesIO(made["glostrup-cards-print.pdf"].data))
    assert "glostrup-booklet-print.pdf" in text and "glostrup-cards-print.pdf" in text
    assert f"{len(booklet.pages)} sider, {len(booklet.pages) // 4} ark falset" in text
    assert f"{len(cards.pages)} sider: forside, bagside" in text
    dialogue = len(cards.pages) // 2 - 1  # said as the deck says it (test_proof's one count)
    assert f"Skæres til format: {dialogue} dialogkort og et titelkort, trykt på begge sider" in text
    assert "148 × 210 mm" in text and "90 × 130 mm" in text
    assert text.count("3 mm på alle sider") == 2
    assert text.count("CMYK, FOGRA39 – PDF/X-4 med output intent") == 2
    assert "Rygheftet, to hæfteklammer i falsen" in text
    assert "130 g/m² silk" in text and "350 g/m² silk karton" in text
    assert "250 eksemplarer" in text and "250 sæt" in text
    assert "glostrup-preflight.txt" in text


def test_a_deck_of_another_size_in_english_gets_its_own_figures() -> None:
    made = products_of(ENGLISH.resolve(), "cards")
    order = made["cards-english-print-order.pdf"]  # a cards-only build: the deck alone
    text = text_of(order.data)
    cards = PdfReader(io.BytesIO(made["cards-english-cards-print.pdf"].data))
    assert "Print order" in text and "Dialogue cards" in text
    assert "63 × 88 mm" in text and f"{len(cards.pages)} pages: front, back, front" in text
    assert "booklet-print" not in text and "Saddle stitch" not in text
    assert "Quantity to be agreed" in text  # no print: quantity: in the source, no --quantity


def test_the_thumbnails_are_rendered_from_the_print_files(glostrup) -> None:
    _, made = glostrup
    page = PdfReader(io.BytesIO(made["glostrup-print-order.pdf"].data)).pages[0]
    images = [Image.open(io.BytesIO(i.data)).convert("RGB") for i in page.images]
    assert len(images) == 3  # the cover, a card's front and back
    booklet = made["glostrup-booklet-print.pdf"].data
    cards = made["glostrup-cards-print.pdf"].data
    wanted = [(booklet, 0), (cards, 4), (cards, 5)]  # the first dialogue card after the title card
    for image, (pdf, index) in zip(images, wanted, strict=True):
        url = printorder.thumbnail(pdf, index)
        fresh = Image.open(io.BytesIO(__import__("base64").b64decode(url.split(",", 1)[1])))
        assert image.size == fresh.size and max(image.size) == printorder.THUMB_PX
        assert image.convert("RGB").tobytes() == fresh.convert("RGB").tobytes()
    assert images[1].size[0] / images[1].size[1] == pytest.approx(90 / 130, abs=0.01)


def test_the_quantity_comes_from_the_source_and_the_option_wins(tmp_path) -> None:
    path = tmp_path / "cards-english.yaml"
    path.write_text(
        ENGLISH.read_text(encoding="utf-8") + "print:\n  quantity: 40\n", encoding="utf-8"
    )
    source = load(path)
    made = products_of(ENGLISH.resolve(), "cards")
    faces = [p for p in made.values() if p.name.endswith("-cards-print.pdf")]
    assert "Quantity 40 decks" in text_of(printorder.make(source, faces, Options()).data)
    override = printorder.make(source, faces, Options(quantity=1200)).data
    assert "Quantity 1,200 decks" in text_of(override)  # grouped as the language writes it


def test_a_draft_makes_no_job_sheet() -> None:
    source = load(ENGLISH)
    with pytest.MonkeyPatch.context() as patch:  # the sheet is made after the products
        patch.setattr(printorder, "make", lambda *a: pytest.fail("a draft made a job sheet"))
        names = [p.name for p in make_products(source, Options(products=("cards",), draft=True))]
    assert not any("print-order" in n for n in names)


def test_a_word_of_no_label_in_the_text_layer_is_a_build_error() -> None:
    source = load(ENGLISH)
    html = "<html lang='en'><body><p style='font-family: Inter'>Dialogue Zyxwvut cards</p></body></html>"
    pdf = render.to_pdf(render.to_document(html))
    with pytest.raises(BuildError) as error:
        printorder.check_words(source, pdf, {"title": "Dialogue cards"}, [])
    assert "'Zyxwvut'" in str(error.value.problems[0])
    printorder.check_words(source, pdf, {"title": "Dialogue cards"}, ["Zyxwvut"])  # passes


def test_a_build_whose_job_sheet_reads_a_foreign_word_stops(monkeypatch) -> None:
    real = printorder.rows
    monkeypatch.setattr(printorder, "rows", lambda *a: [*real(*a), ("Zyxwvut", "1")])
    with pytest.raises(BuildError) as error:
        make_products(load(ENGLISH), Options(products=("cards",)))
    assert "cards-english-print-order.pdf: the text layer reads 'Zyxwvut'" in str(error.value)


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        ("print:\n  quantity: 0\n", "print.quantity: must be at least 1, got the number 0"),
        (
            "print:\n  quantity: '250'\n",
            "print.quantity: expected a whole number, got '250': write it without quotes",
        ),
        ("print:\n  copies: 5\n", "print.copies"),
    ],
)
def test_a_bad_quantity_is_one_located_line(tmp_path, capsys, tail, message) -> None:
    path = tmp_path / "c.yaml"
    text = ENGLISH.read_text(encoding="utf-8")
    path.write_text(text + tail, encoding="utf-8")
    assert main(["check", "--quick", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    line = text.count("\n") + 2
    assert re.match(rf"{re.escape(str(path))}:{line}:\d+: {re.escape(message)}", err[-1]), err


@pytest.mark.parametrize("value", ["0", "many", "100001"])
def test_a_bad_quantity_option_is_a_usage_error(capsys, value) -> None:
    assert main(["build", "--quantity", value, str(ENGLISH)]) == 2
    assert capsys.readouterr().err.startswith("charterpress: argument --quantity:")


def test_a_build_writes_it_and_the_index_lists_it(tmp_path: Path, capsys) -> None:
    out = tmp_path / "dist"
    assert (
        main(
            [
                "build",
                str(ENGLISH),
                "--only",
                "cards",
                "--out",
                str(out),
                "--no-preview",
                "--quantity",
                "12",
            ]
        )
        == 0
    )
    path = out / "cards-english" / "cards-english-print-order.pdf"
    assert str(path) in capsys.readouterr().out
    assert "Quantity 12 decks" in text_of(path.read_bytes())
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="cards-english/cards-english-print-order.pdf"' in index
    assert "For the print shop" in index and "Job sheet for the print shop" in index
    # Another quantity is another build (the option is part of the cache key).
    assert (
        main(
            [
                "build",
                str(ENGLISH),
                "--only",
                "cards",
                "--out",
                str(out),
                "--no-preview",
                "--quantity",
                "13",
            ]
        )
        == 0
    )
    assert "Quantity 13 decks" in text_of(path.read_bytes())
