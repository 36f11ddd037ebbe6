"""A municipality's SVG logo: accepted as a plain drawing, refused with a reason when it is anything more."""

from __future__ import annotations

import io
import zipfile

import pytest
from charterpress.source import images as assets
from charterpress.source import svg

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
SVG = 'xmlns="http://www.w3.org/2000/svg"'
LOGO = (
    HEAD + f'<svg {SVG} xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
    'xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" '
    'viewBox="0 0 120 60" width="120mm" height="60mm">'
    '<sodipodi:namedview pagecolor="#ffffff" inkscape:zoom="1"/>'
    "<title>Fjordby Kommune</title>"
    '<defs><linearGradient id="g"><stop offset="0" stop-color="#0b5394"/>'
    '<stop offset="1" stop-color="#3d85c6"/></linearGradient>'
    '<path id="wave" d="M0 40 Q30 20 60 40 T120 40 V60 H0 Z"/></defs>'
    "<style>.k { fill: #f1c232; }</style>"
    '<g inkscape:label="Layer 1" inkscape:groupmode="layer">'
    '<rect width="120" height="60" fill="url(#g)"/>'
    '<use xlink:href="#wave" fill="#ffffff"/>'
    '<circle class="k" cx="90" cy="18" r="9" style="stroke: url(#g); stroke-width: 1"/>'
    "</g></svg>"
)


def test_a_plain_drawing_passes_with_its_size():
    drawing = svg.check(LOGO.encode())
    assert (round(drawing.width), round(drawing.height)) == (454, 227)  # 120 × 60 mm in CSS px
    assert svg.check(f'<svg {SVG} viewBox="0 0 300 100"/>'.encode()) == svg.Drawing(300, 100)


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
    f']><svg {SVG} viewBox="0 0 1 1"><desc>&b;</desc></svg>'
)


@pytest.mark.parametrize(
    "text, expected",
    [
        (BILLION_LAUGHS, "declares a DOCTYPE"),
        (
            f'<!DOCTYPE svg SYSTEM "file:///etc/passwd"><svg {SVG} viewBox="0 0 1 1"/>',
            "declares a DOCTYPE",
        ),
        (
            f'<?xml-stylesheet href="http://x/a.css"?><svg {SVG} viewBox="0 0 1 1"/>',
            "holds a processing instruction",
        ),
        (f'<svg {SVG} viewBox="0 0 1 1"><script>alert(1)</script></svg>', "holds a script"),
        (f'<svg {SVG} viewBox="0 0 1 1" onload="alert(1)"/>', "has an event handler (onload="),
        (
            f'<svg {SVG} viewBox="0 0 1 1"><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p>'
            "</foreignObject></svg>",
            "holds embedded HTML",
        ),
        (
            f'<svg {SVG} viewBox="0 0 1 1"><image href="file:///etc/passwd"/></svg>',
            "holds an embedded or linked image",
        ),
        (
            f'<svg {SVG} xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 1 1">'
            '<use xlink:href="other.svg#a"/></svg>',
            'refers to something outside the file (href="other.svg#a"',
        ),
        (
            f'<svg {SVG} viewBox="0 0 1 1"><rect width="1" height="1" fill="url(http://127.0.0.1/p)"/></svg>',
            "refers to something outside the file (url(http://127.0.0.1/p)",
        ),
        (
            f'<svg {SVG} viewBox="0 0 1 1"><rect style="fill: url( \'file:///etc/passwd\' )"/></svg>',
            "refers to something outside the file (url(file:///etc/passwd)",
        ),
        (
            f'<svg {SVG} viewBox="0 0 1 1"><style>@import url(#a);</style></svg>',
            "has CSS that loads other files",
        ),
        (
            f'<svg {SVG} viewBox="0 0 1 1"><style>@font-face {{ src: local(x) }}</style></svg>',
            "has CSS that loads other files",
        ),
        (
            f'<svg {SVG} viewBox="0 0 9 9"><text x="1" y="5">Fjordby</text></svg>',
            "holds text (<text>)",
        ),
        (
            f'<svg {SVG} xmlns:x="urn:x" viewBox="0 0 1 1"><x:image href="#a"/></svg>',
            "holds an element <image> from outside SVG",
        ),
        (f'<svg {SVG} viewBox="0 0 1 1"><a href="#x"><rect/></a></svg>', "holds a link (<a>)"),
        (
            f'<svg {SVG} viewBox="0 0 1 1"><set attributeName="href" to="http://x"/></svg>',
            "holds animation",
        ),
        (
            f'<svg {SVG} viewBox="0 0 1 1"><view/></svg>',
            "holds an SVG element a logo has no need of (<view>)",
        ),
        (
            '<svg viewBox="0 0 1 1"/>',
            "is not an SVG drawing: its first element is <svg>, not <svg> (http",
        ),
        (
            '<html xmlns="http://www.w3.org/1999/xhtml"/>',
            "is not an SVG drawing: its first element is <html>",
        ),
        (f"<svg {SVG}><rect/></svg>", "has no size: give its <svg> a viewBox"),
        (f'<svg {SVG} width="50%" height="10"/>', "has no size"),
        (
            f'<svg {SVG} viewBox="0 0 1 1"><rect></svg>',
            "is not a well-formed SVG file (line 1, column",
        ),
        ("", "is not a well-formed SVG file"),
        (
            f'<svg {SVG} viewBox="0 0 1 1">' + "<g>" * 70 + "</g>" * 70 + "</svg>",
            "nests elements more than 64 deep",
        ),
        (
            f'<svg {SVG} viewBox="0 0 1 1">' + "<rect/>" * (svg.MAX_ELEMENTS + 1) + "</svg>",
            "has more than 20,000 elements",
        ),
    ],
    ids=lambda v: v[:40] if isinstance(v, str) else None,
)
def test_an_svg_that_is_more_than_a_drawing_is_refused_with_why(tmp_path, text, expected):
    with pytest.raises(svg.SvgProblem) as refused:
        svg.check(text.encode())
    assert str(refused.value).startswith(expected), refused.value
    # the same reason reaches the source's line, named by file
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "logo.svg").write_text(text, encoding="utf-8")
    found = assets.image_problem("logo.svg", tmp_path / "sources", tmp_path)
    assert found == f"'logo.svg' {refused.value}"


def test_a_large_svg_is_refused_before_it_is_parsed(tmp_path):
    (tmp_path / "sources").mkdir()
    big = f'<svg {SVG} viewBox="0 0 1 1"><desc>{"x" * svg.MAX_SVG_BYTES}</desc></svg>'
    (tmp_path / "sources" / "logo.svg").write_text(big, encoding="utf-8")
    found = assets.image_problem("logo.svg", tmp_path / "sources", tmp_path)
    assert found.startswith("'logo.svg' is too large for an SVG logo ("), found


def test_an_svg_logo_prints_as_a_drawing_on_every_booklet_cover(tmp_path, monkeypatch):
    """The logo is drawn as vector paths (no image, no text, no font of the machine) on the cover of
    the screen, print and imposed booklets, and the build's own checks (proof, preflight) pass it."""
    from charterpress import project
    from charterpress.commands.build import make_products
    from charterpress.source.load import read_source
    from charterpress.source.schema import validate_source
    from charterpress.values import Options
    from pypdf import PdfReader
    from support import DATA

    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "logo.svg").write_text(LOGO, encoding="utf-8")
    text = (DATA / "cards-english.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "theme:\n", "theme:\n  logo: {file: logo.svg, alt: Fjordby Kommune's arms}\n", 1
    )
    (tmp_path / "sources" / "svg-logo.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    project.use(None)
    source, problems = validate_source(read_source(tmp_path / "sources" / "svg-logo.yaml"))
    assert source is not None, problems
    both = Options(products=("booklet", "cards"))
    made = {p.name: p for p in make_products(source, both)}
    plain = {p.name: p for p in make_products(_without_logo(source), both)}
    faces = [  # (file, page): the booklets' covers and back covers, the deck's title card
        (name, page)
        for name in ("svg-logo-booklet.pdf", "svg-logo-booklet-print.pdf")
        for page in (0, -1)
    ] + [("svg-logo-cards-print.pdf", 0)]
    for name, page in faces:
        cover = PdfReader(io.BytesIO(made[name].data)).pages[page]
        bare = PdfReader(io.BytesIO(plain[name].data)).pages[page]
        assert list(cover.images) == [], (name, page)  # drawn, not pasted in as pixels
        assert cover.extract_text() == bare.extract_text(), (name, page)  # no words of its own
        # the logo's gold circle (#f1c232) is painted there, and only with the logo
        assert GOLD in _drawn(cover), (name, page)
        assert GOLD not in _drawn(bare), (name, page)
    for name in made:
        assert made[name].notes == plain[name].notes, name  # no dpi note for a drawing
    fonts = _font_names(made["svg-logo-booklet-print.pdf"].data)
    assert fonts == _font_names(plain["svg-logo-booklet-print.pdf"].data)  # no machine font


GOLD = "0.945 0.761 0.196"


def _drawn(page) -> str:
    """Return the fill colours (rg) a page paints, in its content and its forms, rounded."""
    import re

    data = page.get_contents().get_data()
    resources = page.get("/Resources", {})
    for ref in (resources.get("/XObject") or {}).values():
        inner = ref.get_object()
        if inner.get("/Subtype") == "/Form":
            data += inner.get_data()
            for deeper in (inner.get("/Resources", {}).get("/XObject") or {}).values():
                if deeper.get_object().get("/Subtype") == "/Form":
                    data += deeper.get_object().get_data()
    found = re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) (?:rg|RG|sc|scn)\b", data)
    return " | ".join(" ".join(f"{float(v):.3f}" for v in rgb) for rgb in found)


def test_an_svg_figure_goes_into_the_edition_and_the_epub_as_the_drawing(tmp_path):
    from charterpress.products.booklet import edition

    (tmp_path / "map.svg").write_text(LOGO, encoding="utf-8")
    source = _with_figure(tmp_path / "map.svg")
    page, _ = edition.edition_html(source)
    assert "data:image/svg+xml;base64," in page
    epub_page, figures = edition.edition_html(source, inline_figures=False)
    assert figures and all(name.endswith(".svg") for name in figures), list(figures)
    assert set(figures.values()) == {LOGO.encode()}
    epub = edition.to_epub(source, page, figures)
    with zipfile.ZipFile(io.BytesIO(epub)) as book:
        package = book.read("EPUB/package.opf").decode("utf-8")
        assert book.read("EPUB/figures/figure-1.svg") == LOGO.encode()
    assert '<item id="f1" href="figures/figure-1.svg" media-type="image/svg+xml"/>' in package


def _with_figure(path):
    """The format-blocks test charter with each of its images (figure, logo) replaced by ``path``."""
    from dataclasses import replace

    from support import DATA, load

    source = load(DATA / "format-blocks.yaml")
    return replace(source, images={name: path for name in source.images})


def _without_logo(source):
    from dataclasses import replace

    charter = source.charter.model_copy(
        update={"theme": source.charter.theme.model_copy(update={"logo": None})}
    )
    return replace(source, charter=charter, images={})


def _font_names(pdf: bytes) -> set[str]:
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values() if fonts else []:
            names.add(str(ref.get_object()["/BaseFont"]).split("+")[-1])
    return names
