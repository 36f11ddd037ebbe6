"""Issue 20 (Look 2): every text under 14 pt reads at WCAG AA (4.5:1) on what is behind it.

Measured on the PDFs themselves, every page of the screen booklet, the print booklet and the
print card deck (one page per card face) of each charter:

* the characters and their fill colours come from pdfplumber (``page.chars``);
* the background comes from pdfium: the page is rendered a second time with every text object
  removed (top-level and inside form XObjects), at ``SCALE``, and the most frequent colour in
  the character's box (grown by ``PAD_PT``) is what the character is set on;
* a CMYK text colour is turned into sRGB through the print files' output intent (the press
  profile, ``prepress.pdfx.profile()``, relative colorimetric): what the press prints. A K-only
  68 % is #787877 that way, not the naive grey ``1 - k`` (#525252) that would hide a card number
  at 3.7:1 on its tint. Backgrounds come from pdfium's render (the tints and fields behind small
  text are RGB in every product);
* whitespace and ornaments (``DECORATION``) are left out; a failing run reads
  ``file p.N: 'text' size colour on background: ratio`` (pdfplumber drops spaces from runs);
* the ratio is ``charterpress.text.colours.contrast`` (WCAG 2.x).
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import pytest
from charterpress import project
from charterpress.text import colours
from support import DATA, ROOT, SHIPPED_SLUGS, SOURCES, products_of

LIMIT_PT = 14.0
"""Text under this size must reach AA; larger text is 'large' in WCAG's sense."""
SCALE = 2.0
"""pdfium's render scale for the backgrounds (144 dpi): a 7 pt letter is 14 px high."""
PAD_PT = 1.0
"""How far (pt) around a character's box its background is sampled."""
DECORATION = range(0x25A0, 0x2600)
"""Geometric shapes (the ■ list markers, set in the chapter's colour or the accent): ornaments
beside the text they mark, not text; left out (WCAG asks 4.5:1 of text, not of decoration)."""
PRODUCTS = {"booklet": ("booklet.pdf", "booklet-print.pdf"), "cards": ("cards-print.pdf",)}


def hex_of(colour) -> str | None:
    """Return a pdfplumber fill colour (gray, RGB or CMYK tuple) as #rrggbb; None if unknown."""
    if colour is None:
        return None
    values = tuple(colour) if isinstance(colour, (tuple, list)) else (colour,)
    if not all(isinstance(v, (int, float)) for v in values):
        return None  # a pattern
    if len(values) == 1:
        rgb = values * 3
    elif len(values) == 3:
        rgb = values
    elif len(values) == 4:
        return press_rgb(*(round(max(0, min(1, v)) * 255) for v in values))
    else:
        return None
    return "#" + "".join(f"{round(max(0, min(1, v)) * 255):02x}" for v in rgb)


@cache
def _from_press():
    from charterpress.prepress import pdfx
    from PIL import ImageCms

    press = ImageCms.ImageCmsProfile(io.BytesIO(pdfx.profile()))
    srgb = ImageCms.createProfile("sRGB")
    return ImageCms.buildTransform(press, srgb, "CMYK", "RGB", renderingIntent=1)


@cache
def press_rgb(c: int, m: int, y: int, k: int) -> str:
    """Return a CMYK colour (0-255 each) as the #rrggbb the output intent prints it as."""
    from PIL import Image, ImageCms

    pixel = Image.new("CMYK", (1, 1), (c, m, y, k))
    r, g, b = ImageCms.applyTransform(pixel, _from_press()).getpixel((0, 0))
    return f"#{r:02x}{g:02x}{b:02x}"


def _remove_text(page) -> None:
    """Remove every text object from a pdfium page, those inside form XObjects too."""
    import pypdfium2.raw as raw

    def inside(form) -> None:
        for index in reversed(range(raw.FPDFFormObj_CountObjects(form))):
            obj = raw.FPDFFormObj_GetObject(form, index)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_TEXT:
                raw.FPDFFormObj_RemoveObject(form, obj)
            elif kind == raw.FPDF_PAGEOBJ_FORM:
                inside(obj)

    for obj in list(page.get_objects(max_depth=1)):
        if obj.type == raw.FPDF_PAGEOBJ_TEXT:
            page.remove_obj(obj)
        elif obj.type == raw.FPDF_PAGEOBJ_FORM:
            inside(obj.raw)
    page.gen_content()


def backgrounds(pdf: bytes):
    """Yield each page's text-free render (a PIL image at SCALE of the crop box)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            page = document[index]
            _remove_text(page)
            yield page.render(scale=SCALE, may_draw_forms=False).to_pil().convert("RGB")
            page.close()
    finally:
        document.close()


def background_of(image, page, char) -> str:
    """Return the most frequent colour of the text-free render in ``char``'s grown box.

    pdfplumber's ``top`` and ``x0`` count from its ``page.bbox`` (whose top is shifted on a page
    with bleed, a media box starting below 0): the box is taken relative to it."""
    left, top = page.bbox[0], page.bbox[1]
    x0, x1 = char["x0"] - PAD_PT - left, char["x1"] + PAD_PT - left
    y0, y1 = char["top"] - PAD_PT - top, char["bottom"] + PAD_PT - top
    box = tuple(round(v * SCALE) for v in (x0, y0, x1, y1))
    box = (max(0, box[0]), max(0, box[1]), min(image.width, box[2]), min(image.height, box[3]))
    if box[2] <= box[0] or box[3] <= box[1]:
        return colours.WHITE
    area = image.crop(box)
    _, (r, g, b) = max(area.getcolors(area.width * area.height))
    return f"#{r:02x}{g:02x}{b:02x}"


def low_contrast(pdf: bytes, name: str, limit: float = colours.AA_TEXT) -> list[str]:
    """Return one line per run of small text under ``limit``: file, page, text, colours, ratio."""
    import pdfplumber

    found: list[str] = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, (page, image) in enumerate(zip(document.pages, backgrounds(pdf), strict=False), 1):
            runs: list[list] = []  # [key, text]
            for char in page.chars:
                if char["size"] >= LIMIT_PT or not char["text"].strip():
                    continue
                if len(char["text"]) == 1 and ord(char["text"]) in DECORATION:
                    continue
                ink = hex_of(char.get("non_stroking_color"))
                if ink is None:
                    continue
                behind = background_of(image, page, char)
                ratio = colours.contrast(ink, behind)
                if ratio >= limit:
                    continue
                key = (ink, behind, round(ratio, 1), round(char["size"], 1))
                if runs and runs[-1][0] == key:
                    runs[-1][1] += char["text"]
                else:
                    runs.append([key, char["text"]])
            for (ink, behind, ratio, size), text in runs:
                found.append(
                    f"{name} p.{number}: {text[:40]!r} {size} pt {ink} on {behind}: {ratio}:1"
                )
    return found


def _cases() -> list:
    return [
        pytest.param(slug, product, id=f"{slug}-{product}")
        for slug in SHIPPED_SLUGS
        for product in PRODUCTS
    ]


@pytest.mark.parametrize(("slug", "product"), _cases())
def test_small_text_reaches_aa(slug: str, product: str) -> None:
    made = products_of(SOURCES / f"{slug}.yaml", product)
    problems = []
    for suffix in PRODUCTS[product]:
        name = f"{slug}-{suffix}"
        problems += low_contrast(made[name].data, name)
    assert problems == [], f"{len(problems)} runs under 4.5:1:\n" + "\n".join(problems)


@pytest.mark.parametrize("data", ["booklet-english.yaml", "format-principles.yaml"])
def test_small_text_reaches_aa_on_unseen_charters(data: str) -> None:
    problems = []
    for product, suffixes in PRODUCTS.items():
        made = products_of(DATA / data, product)
        for name, made_product in made.items():
            if any(name.endswith("-" + s) for s in suffixes):
                problems += low_contrast(made_product.data, name)
    assert problems == [], f"{len(problems)} runs under 4.5:1:\n" + "\n".join(problems)


def test_the_measure_sees_low_contrast() -> None:
    """The measure fails a grey 7 pt text on white that is 3.5:1 (so a pass means something)."""
    pytest.importorskip("weasyprint")
    from weasyprint import HTML

    pdf = HTML(
        string='<p style="font-size:7pt;color:#8a8a8a">grey words</p>'
        '<p style="font-size:7pt;color:#222">dark words</p>',
        base_url=str(Path.cwd()),
    ).write_pdf()
    found = low_contrast(pdf, "probe.pdf")
    assert len(found) == 1 and "grey" in found[0], found


def test_card_number_grey_reads_on_any_tint() -> None:
    """The card number's K-only grey (cards.css) reads at AA on the darkest tint a back can
    have, a tint of black, so a charter of any colour passes, not only the five."""
    import re

    from charterpress.units import TINT

    css = (ROOT / "layouts/base/cards.css").read_text()
    k = float(re.search(r"color: device-cmyk\(0 0 0 ([0-9.]+)\);", css).group(1))
    grey = press_rgb(0, 0, 0, round(k * 255))
    darkest = colours.mix(colours.BLACK, colours.WHITE, TINT)
    assert colours.contrast(grey, darkest) >= colours.AA_TEXT, (k, grey, darkest)


@pytest.mark.parametrize("theme", project.themes())
def test_small_text_reaches_aa_in_every_theme(tmp_path_factory, theme: str) -> None:
    """Every theme, not only the ones the five municipalities use today: the golden charter set
    in it, every page of both booklets and every face of the deck."""
    import yaml

    data = yaml.safe_load((DATA / "golden.yaml").read_text(encoding="utf-8"))
    data["theme"]["name"] = theme
    folder = tmp_path_factory.mktemp(f"contrast-{theme}")
    path = folder / f"golden-{theme}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    problems = []
    for product, suffixes in PRODUCTS.items():
        made = products_of(path, product)
        for name, made_product in made.items():
            if any(name.endswith("-" + s) for s in suffixes):
                problems += low_contrast(made_product.data, name)
    assert problems == [], f"{len(problems)} runs under 4.5:1:\n" + "\n".join(problems)
