"""The job sheet for the print shop: ``SLUG-print-order.pdf``, one A4 page in the charter's language.

For each print file the build made (``SLUG-booklet-print.pdf``, ``SLUG-cards-print.pdf``) it
says what a shop asks first: trim size, bleed, page count, binding, colour, suggested paper and
quantity. Every figure is read from the built PDFs themselves (boxes, pages, the output
intent's condition and components, the PDF/X version), never assumed; the quantity is the
source's ``print.quantity`` or ``build --quantity``. Beside each file a thumbnail rendered
from it (pdfium): the cover, a card's front and back.

The words come from the labels (``print_order:`` in ``layouts/labels/LANG.yaml``); the page is
proven like the guide: every text it must show is in its layout, every word of its text layer
is a word of the labels, the charter or a file name, and its fonts are the bundled ones (the
build's font proof covers every PDF written).
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...errors import BuildError
from ...units import MM_PER_PT
from ...values import Product
from ..registry import Registered

if TYPE_CHECKING:
    from ...values import Options, Source

PRODUCT = Registered(
    name="print-order",
    maker=":make_files",
    order=90,  # after every product whose print file it describes
    group="print_order.group",
    page=90,
    files=(("{slug}-print-order.pdf", "for_print_order"),),
    reads=True,
    check=":check_products",
    drafts=False,
)
"""The job sheet: made from the print files the build made before it, proved after the fonts."""

TEMPLATE = "print-order.html"
PAPER_GSM = {"booklet": 130, "cards": 350}
"""Suggested paper weights (g/m²) of the print files SLUG-KIND-print.pdf: a saddle-stitched
self-cover A5, a card deck."""
THUMB_PX = 600
"""The long side of each thumbnail (about 300 dpi at the size the sheet shows it)."""
FIRST_CARD = 2
"""The card shown (0-based: the first dialogue card after the title card), where the deck has it."""


def name(slug: str) -> str:
    """Return the job sheet's file name: the one it is registered with."""
    return PRODUCT.files[0][0].format(slug=slug)


@dataclass(frozen=True)
class PrintFile:
    """What the job sheet says of one print file, read from the file."""

    name: str
    kind: str
    """'booklet' or 'cards'."""
    pages: int
    trim: tuple[float, float]
    """Width and height in mm (of the first page: a print file has one size)."""
    bleed: float
    """The bleed in mm (BleedBox past TrimBox, the least on any side of the first page)."""
    components: int
    """The output intent profile's colour components (4: CMYK)."""
    condition: str
    """The output intent's OutputConditionIdentifier ('FOGRA39')."""
    standard: str
    """The PDF/X version ('PDF/X-4')."""


def read(file_name: str, kind: str, pdf: bytes) -> PrintFile:
    """Return the facts of a print file, from its boxes, pages, output intent and version key."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    trim, bleed = page.trimbox, page.bleedbox
    margins = (
        float(trim.left) - float(bleed.left),
        float(trim.bottom) - float(bleed.bottom),
        float(bleed.right) - float(trim.right),
        float(bleed.top) - float(trim.top),
    )
    intents = reader.trailer["/Root"].get("/OutputIntents") or []
    intent = intents[0].get_object() if intents else {}
    profile = intent.get("/DestOutputProfile")
    components = int(profile.get_object().get("/N", 0)) if profile is not None else 0
    info = reader.metadata or {}
    return PrintFile(
        name=file_name,
        kind=kind,
        pages=len(reader.pages),
        trim=(round(float(trim.width) * MM_PER_PT, 1), round(float(trim.height) * MM_PER_PT, 1)),
        bleed=round(min(margins) * MM_PER_PT, 1),
        components=components,
        condition=str(intent.get("/OutputConditionIdentifier", "")),
        standard=str(info.get("/GTS_PDFXVersion", "")),
    )


def thumbnail(pdf: bytes, index: int) -> str:
    """Return page ``index`` of a PDF, cut to its trim, as a PNG ``data:`` URL (THUMB_PX long)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        page = document[index]
        left, bottom, right, top = page.get_trimbox()
        c_left, c_bottom, c_right, c_top = page.get_cropbox()
        scale = THUMB_PX / max(right - left, top - bottom)
        crop = (left - c_left, bottom - c_bottom, c_right - right, c_top - top)
        image = page.render(scale=scale, crop=tuple(max(0.0, c) for c in crop)).to_pil()
        page.close()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", compress_level=9)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _number(value: float, words: dict[str, object]) -> str:
    """Return a measure as '148', '3' or '63,5' in the language's decimal style."""
    return f"{value:g}".replace(".", str(words.get("decimal", ".")))


def _count(n: int, words: dict[str, object]) -> str:
    """Return a whole number grouped in thousands as the language writes it: '1.200', '1,200'."""
    group = "." if words.get("decimal", ".") == "," else ","
    return f"{n:,}".replace(",", group)


def rows(
    file: PrintFile, quantity: int | None, words: dict, reflection: int = 0
) -> list[tuple[str, str]]:
    """Return the (label, value) lines the sheet shows for one print file.

    ``reflection``: how many of a deck's cards are reflection cards (the charter's own questions).
    """
    from ...layout.templates import deck_count

    w: dict = words["print_order"]
    size = w["size_value"].format(w=_number(file.trim[0], words), h=_number(file.trim[1], words))
    space = w["cmyk"] if file.components == 4 else w["not_cmyk"]
    if file.kind == "booklet":
        binding = w["saddle_stitch"]
        pages = w["pages_booklet"].format(n=file.pages, sheets=file.pages // 4)
        amount = w["quantity_booklets"]
    else:
        # A card is a front and a back, the title card among them: said as the deck says it.
        dialogue = file.pages // 2 - 1 - reflection
        binding = w["cards_cut"].format(cards=deck_count(words, dialogue, reflection))
        pages = w["pages_cards"].format(n=file.pages)
        amount = w["quantity_decks"]
    return [
        (w["trim"], size),
        (w["bleed"], w["bleed_value"].format(n=_number(file.bleed, words))),
        (w["pages"], pages),
        (w["binding"], binding),
        (
            w["colour"],
            w["colour_value"].format(space=space, condition=file.condition, standard=file.standard),
        ),
        (w["paper"], w[f"paper_{file.kind}"].format(weight=PAPER_GSM[file.kind])),
        (
            w["quantity"],
            amount.format(n=_count(quantity, words)) if quantity else w["quantity_missing"],
        ),
    ]


def make_files(source: Source, options: Options, products: list[Product]) -> list[Product]:
    """The registered maker: the job sheet of the print files among ``products``, if any."""
    order = make(source, products, options)
    return [order] if order else []


def make(source: Source, products: list[Product], options: Options) -> Product | None:
    """Return the job sheet for the print files among ``products`` (None if there are none)."""
    from ...layout import proof, render
    from ...layout.templates import environment, labels

    charter = source.charter
    slug = source.slug
    words = labels(charter.meta.language)
    w: dict = words["print_order"]  # type: ignore[assignment]
    built = {p.name: p for p in products}
    quantity = options.quantity if options.quantity is not None else charter.print.quantity
    items = []
    for kind, file_name in (
        ("booklet", f"{slug}-booklet-print.pdf"),
        ("cards", f"{slug}-cards-print.pdf"),
    ):
        if file_name not in built:
            continue
        pdf = built[file_name].data
        facts = read(file_name, kind, pdf)
        if kind == "booklet":
            images = [(thumbnail(pdf, 0), w["cover_alt"])]
        else:
            first = 2 * FIRST_CARD if facts.pages > 2 * FIRST_CARD + 1 else 0
            images = [
                (thumbnail(pdf, first), w["card_front_alt"]),
                (thumbnail(pdf, first + 1), w["card_back_alt"]),
            ]
        title = words["handbook"] if kind == "booklet" else words["dialogue_cards"]
        items.append(
            {
                "title": title,
                "file": facts,
                "rows": rows(facts, quantity, words, charter.reflection_count),
                "images": images,
            }
        )
    if not items:
        return None
    texts = {
        "title": w["title"],
        "lead": w["lead"].format(title=charter.meta.title, municipality=charter.meta.municipality),
        "note": w["note"].format(report=f"{slug}-preflight.txt"),
    }
    env = environment(slug, theme=charter.theme.name, paper=charter.theme.paper)
    html = render.render_html(
        env, TEMPLATE, charter=charter, labels=words, order=texts, items=items
    )
    document = render.to_document(html)
    expected = [texts["title"], texts["lead"]]
    for item in items:
        expected += [str(item["title"]), item["file"].name]
        for label, value in item["rows"]:
            expected += [label, value]
    expected += [texts["note"]]
    laid_out = "".join(proof.page_text(page) for page in document.pages)
    missing = proof.missing_in_order(laid_out, [proof.flat(t) for t in expected])
    if missing or len(document.pages) != 1:
        why = f"'{missing[:40]}' is missing from its layout" if missing else "it runs past one page"
        raise BuildError(
            source.problem("meta.title", f"{name(slug)}: {why} (a layout bug: please report it)")
        )
    return Product(name(slug), render.to_pdf(document, variant="pdf/ua-1"), 1)


def check_products(source: Source, products: list[Product]) -> None:
    """Prove the text layer of the job sheet among ``products``, if it is one of them.

    Run after the font proof, as the screen booklet's text layer is (``textlayer``): a glyph
    from a foreign font is named as such before any word it makes is.
    """
    from ...layout.templates import labels

    slug = source.slug
    built = {p.name: p for p in products}
    if name(slug) not in built:
        return
    read_from_files = [f"{slug}-preflight.txt"]
    for kind in PAPER_GSM:
        file_name = f"{slug}-{kind}-print.pdf"
        if file_name in built:
            facts = read(file_name, kind, built[file_name].data)
            read_from_files += [file_name, facts.condition, facts.standard]
    words = labels(source.charter.meta.language)
    check_words(source, built[name(slug)].data, words, read_from_files)


def check_words(source: Source, pdf: bytes, words: dict, files: list[str]) -> None:
    """Raise a BuildError when the sheet's text layer holds a word that is not the labels', the
    charter's, a number or one of ``files`` (the file names and what was read from the files):
    the text-layer proof of the screen booklet, here."""
    from ...layout import textlayer

    known = textlayer.vocabulary(
        [*textlayer.strings(source.charter), *textlayer.strings(words), *files]
    )
    wrong = textlayer.wrong_words(textlayer.pdf_pages_text(pdf), known)
    if wrong:
        shown = ", ".join(repr(word) for _, word in wrong[:5])
        raise BuildError(
            source.problem(
                "meta.title",
                f"{name(source.slug)}: the text layer reads {shown}, words of no label, file "
                "or field (a layout bug: please report it)",
            )
        )
