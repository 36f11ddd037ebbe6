"""The facilitation pack of a deck: slides for a shared screen, one PNG per face, the guide.

Everything here reuses the deck that ``cards.fit`` laid out; nothing is laid out again:

* ``SLUG-cards-slides.pdf``: the fitted faces written once more as tagged PDF (PDF/UA-1), each
  page widened by WeasyPrint's finisher (in memory, nothing parsed) to a 16:9 slide around the
  card's trim, with a frame drawn over the bleed (an artifact: the faces' tags stay as
  WeasyPrint wrote them). One face
  per slide, the front and then its back: a portrait card fills the slide's height either
  way, so a face alone is as large as side by side, and the question is shown when the card is
  "turned", as at the table. The faces carry their deck numbers (``n/N``).
* ``cards/SLUG-card-NN-front.png`` …: made with the previews (from the slides PDF, so also
  later from the file on disk), 1920 px on the long side.
* ``SLUG-guide.pdf``: a short A5 guide (tagged), its words from the labels
  (``guide:`` in ``layouts/labels/LANG.yaml``) filled with the charter's title, municipality,
  section names and card counts (and the reflection cards, where the deck ends with them);
  proven like the booklet (every text it must hold, read from
  its layout).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ...errors import BuildError
from ...values import Product

if TYPE_CHECKING:
    import weasyprint

    from ...values import Source
    from .faces import Card

SLIDE_RATIO = 16 / 9
SLIDE_MARGIN = 0.05
"""Space around the card on a slide, as a share of the card's larger side."""
SLIDE_BACKGROUND = (0.17, 0.17, 0.18)
"""The slide around the card: a dark grey, so that the card reads as a card on a screen."""
FACE_PNG_PX = 1920
"""The long side of each face's PNG."""
FACES = "cards"
"""The folder of the face PNGs inside ``dist/SLUG/``."""
GUIDE_TEMPLATE = "guide.html"


def slides_name(slug: str) -> str:
    return f"{slug}-cards-slides.pdf"


def guide_name(slug: str) -> str:
    return f"{slug}-guide.pdf"


def make(
    source: Source, cards: Sequence[Card], document: weasyprint.Document, words: dict[str, object]
) -> list[Product]:
    """Return the slides and the guide of a deck whose faces ``document`` holds (from ``cards.fit``)."""
    slug = source.slug
    return [
        Product(slides_name(slug), slides(document), 2 * len(cards)),
        guide(source, cards, words),
    ]


# --- Slides -----------------------------------------------------------------------------------


def slide_box(trim: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Return the 16:9 slide (PDF points) centred on a card's trim box, with a margin around it."""
    left, bottom, right, top = trim
    width, height = right - left, top - bottom
    margin = SLIDE_MARGIN * max(width, height)
    slide_h = height + 2 * margin
    slide_w = max(slide_h * SLIDE_RATIO, width + 2 * margin)
    slide_h = slide_w / SLIDE_RATIO
    cx, cy = (left + right) / 2, (bottom + top) / 2
    return (cx - slide_w / 2, cy - slide_h / 2, cx + slide_w / 2, cy + slide_h / 2)


def slides(document: weasyprint.Document) -> bytes:
    """Return the faces of ``document`` as tagged 16:9 slides, one face per slide.

    Written once more by WeasyPrint (PDF/UA-1); its finisher widens each page to the slide and
    frames the card, in memory before the PDF is written: nothing is parsed again.
    """
    from ...layout.render import to_pdf

    return to_pdf(document, variant="pdf/ua-1", finisher=_as_slides)


LOOSE = re.compile(rb"(?<!\S)(BDC|BMC|EMC)(?!\S)|(?<!\S)/[^\s/\[\]()<>]+\s+Do(?!\S)")
"""The operators that open and close marked content, and a form or image painted (``/x0 Do``).
WeasyPrint writes text as hex strings, so these words never stand alone inside a string."""


def _as_slides(_document: object, pdf: object) -> None:
    """WeasyPrint's finisher: each page becomes a 16:9 slide around the card's trim."""
    import pydyf

    from ...prepress.pdf import finisher_pages
    from ...prepress.printcolour import _resolve

    grey = " ".join(f"{c:g}" for c in SLIDE_BACKGROUND)
    for page in finisher_pages(pdf):
        trim = tuple(float(v) for v in page["TrimBox"])
        box = slide_box(trim)  # type: ignore[arg-type]
        left, bottom, right, top = trim
        contents = _resolve(pdf, page["Contents"])
        data = b"\n".join(pydyf._to_bytes(item) for item in contents.stream)  # as pydyf writes it
        # The frame: the slide minus the trim (even-odd) over the bleed, as an artifact, after
        # the page's own content (which sets its own transformation: hence q … Q around it).
        frame = (
            f"Q /Artifact BMC q {grey} rg "
            f"{box[0]:.3f} {box[1]:.3f} {box[2] - box[0]:.3f} {box[3] - box[1]:.3f} re "
            f"{left:.3f} {bottom:.3f} {right - left:.3f} {top - bottom:.3f} re f* Q EMC"
        )
        contents.stream = [b"q", mark_loose_forms(data), frame.encode("ascii")]
        page["MediaBox"] = pydyf.Array(box)
        page["BleedBox"] = pydyf.Array(trim)


def mark_loose_forms(content: bytes) -> bytes:
    """Return a content stream with the forms it paints outside marked content marked as artifacts.

    WeasyPrint 70 tags an SVG's <title> as a Figure but paints the SVG's forms after the
    Figure is closed (the title card's mark): untagged content, which PDF/UA forbids. The mark
    is decoration on a card (the municipality is in its text).
    """
    depth, out, at = 0, [], 0
    for match in LOOSE.finditer(content):
        operator = match.group(1)
        if operator in (b"BDC", b"BMC"):
            depth += 1
        elif operator == b"EMC":
            depth = max(0, depth - 1)
        elif depth == 0:
            out += [content[at : match.start()], b"/Artifact BMC ", match.group(0), b" EMC"]
            at = match.end()
    return b"".join([*out, content[at:]])


def face_pngs(slug: str, slides_pdf: bytes) -> list[Product]:
    """Return one PNG per face of the slides (the card's trim, ``FACE_PNG_PX`` on the long side).

    Named ``cards/SLUG-card-NN-front.png`` and ``…-back.png`` in deck order.
    """
    import pypdfium2 as pdfium
    from PIL import Image

    pdf = pdfium.PdfDocument(slides_pdf)
    try:
        faces = len(pdf)
        width = max(2, len(str(faces // 2)))
        products = []
        for index in range(faces):
            page = pdf[index]
            left, bottom, right, top = page.get_trimbox()
            c_left, c_bottom, c_right, c_top = page.get_cropbox()
            long_pt = max(right - left, top - bottom)
            size = (
                round((right - left) * FACE_PNG_PX / long_pt),
                round((top - bottom) * FACE_PNG_PX / long_pt),
            )
            # pdfium rounds the bitmap down, and anti-aliases the frame's edge into the first
            # pixel: three pixels more, then the size cut from inside (no resampling).
            scale = (FACE_PNG_PX + 3) / long_pt
            crop = (left - c_left, bottom - c_bottom, c_right - right, c_top - top)
            bitmap = page.render(scale=scale, crop=tuple(max(0.0, c) for c in crop))
            image = bitmap.to_pil().convert("RGB")
            image = image.crop((1, 1, 1 + size[0], 1 + size[1]))
            buffer = io.BytesIO()
            # A palette (flat card colours and anti-aliased text): a quarter of the bytes.
            paletted = image.quantize(
                256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
            )
            paletted.save(buffer, format="PNG", compress_level=6)
            side = "front" if index % 2 == 0 else "back"
            name = f"{FACES}/{slug}-card-{index // 2 + 1:0{width}d}-{side}.png"
            products.append(Product(name, buffer.getvalue(), 1))
            page.close()
        return products
    finally:
        pdf.close()


# --- The guide --------------------------------------------------------------------------------


def guide_texts(source: Source, cards: Sequence[Card], words: dict[str, object]) -> dict:
    """Return the guide's words: the labels' ``guide:`` texts filled with the charter's names and counts."""
    from ...layout.templates import counted, deck_count

    charter = source.charter
    meta = charter.meta
    g: dict = dict(words["guide"])  # type: ignore[call-overload]
    dialogue = [c for c in cards if c.kind == "commitment"]
    sections: dict[str, int] = {}
    for card in dialogue:
        sections[card.label] = sections.get(card.label, 0) + 1
    reflection = [c for c in cards if c.kind == "reflection"]
    fill = {
        "title": meta.title,
        "municipality": meta.municipality,
        "count": deck_count(words, len(dialogue), len(reflection)),
        "n": len(cards),
        "slides": slides_name(source.slug),
        "images": f"{FACES}/",
    }
    lines = [counted(g, "section_line", n, label=label) for label, n in sections.items()]
    after = []
    if reflection and charter.reflection:  # the charter's own questions close the deck
        n = len(reflection)
        lines.append(counted(g, "reflection_line", n, title=charter.reflection.title))
        text = g["reflection"].format(reflection=counted(words, "reflection_count", n))
        after.append({"title": g["reflection_title"], "text": text})
    return {
        "title": g["title"],
        "lead": g["lead"].format(**fill),
        "parts": [
            {"title": g["purpose_title"], "text": g["purpose"].format(**fill)},
        ],
        "sections_title": g["sections_title"],
        "sections": lines,
        "ways_title": g["ways_title"],
        "ways": [{"name": w["name"], "how": w["how"]} for w in g["ways"]],
        "after": [
            *after,
            {"title": g["groups_title"], "text": g["groups"].format(**fill)},
            {"title": g["screen_title"], "text": g["screen"].format(**fill)},
            {"title": g["close_title"], "text": g["close"].format(**fill)},
        ],
    }


def expected_texts(texts: dict) -> list[str]:
    """Return every text the guide must show, in reading order."""
    out = [texts["title"], texts["lead"]]
    for part in texts["parts"]:
        out += [part["title"], part["text"]]
    out += [texts["sections_title"], *texts["sections"], texts["ways_title"]]
    for way in texts["ways"]:
        out += [way["name"], way["how"]]
    for part in texts["after"]:
        out += [part["title"], part["text"]]
    return out


def guide(source: Source, cards: Sequence[Card], words: dict[str, object]) -> Product:
    """Return the facilitator's guide (tagged A5), proven to hold every text it was given."""
    from ...layout import proof, render
    from ...layout.templates import environment

    charter = source.charter
    texts = guide_texts(source, cards, words)
    env = environment(source.slug, theme=charter.theme.name, paper=charter.theme.paper)
    html = render.render_html(
        env, GUIDE_TEMPLATE, charter=charter, labels=words, guide=texts, colour=charter.theme.colour
    )
    document = render.to_document(html)
    laid_out = "".join(proof.page_text(page) for page in document.pages)
    missing = proof.missing_in_order(laid_out, [proof.flat(t) for t in expected_texts(texts)])
    if missing:
        raise BuildError(
            source.problem(
                "meta.title",
                f"{guide_name(source.slug)}: a text of the guide is missing from its layout "
                f"('{missing[:40]}'; a layout bug: please report it)",
            )
        )
    return Product(
        guide_name(source.slug), render.to_pdf(document, variant="pdf/ua-1"), len(document.pages)
    )
