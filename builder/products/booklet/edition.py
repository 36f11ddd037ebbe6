"""The booklet for phones and screen readers: ``dist/SLUG/booklet/index.html`` and ``SLUG-booklet.epub``.

Both come from the same model and the same block templates as the PDF booklet: ``edition.html``
includes the booklet's front passages and chapters (``booklet-front.html``,
``booklet-chapters.html``, the macros of ``booklet-blocks.html``) and adds a page's own frame: a
skip link, the contents as a ``<nav>``, the reflection questions as lists, the colophon and
the contact. One self-contained HTML file: figures inline as ``data:`` URLs, no scripts, no web
fonts (the reader's own fonts and sizes, as on ``dist/index.html``).

The EPUB 3 holds the same body as XHTML (converted from the HTML by ``xhtml``), its own
navigation document, the figures as files, and the accessibility metadata of EPUB
Accessibility 1.1 (access modes, features, hazards, summary, conformance).

Proven at build time like the PDF booklet: the text of the HTML holds every text of the
source that the booklet prints (``proof.booklet_texts``), as many times as the source has it.
"""

from __future__ import annotations

import base64
import html as html_lib
import io
import re
import zipfile
from collections import Counter
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from ...errors import BuildError
from ...values import Product

if TYPE_CHECKING:
    from ...values import Source

FOLDER = "booklet"
"""The HTML edition's folder inside ``dist/SLUG/``."""
TEMPLATE = "edition.html"
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr"}
)
SKIPPED = frozenset({"style", "script", "title"})
"""Elements whose text is not read as the page's text."""


def html_name() -> str:
    return f"{FOLDER}/index.html"


def epub_name(slug: str) -> str:
    return f"{slug}-booklet.epub"


def make(source: Source) -> list[Product]:
    """Return the HTML edition and the EPUB of a charter, proven to hold every text of the source."""
    page, figures = edition_html(source)
    check_text(source, page)
    epub = to_epub(source, page, figures)
    return [
        Product(html_name(), page.encode("utf-8"), 1),
        Product(epub_name(source.slug), epub, 1),
    ]


# --- The HTML -----------------------------------------------------------------------------------


def edition_html(source: Source, *, inline_figures: bool = True) -> tuple[str, dict[str, bytes]]:
    """Return the edition's HTML and its figures ({file name in the EPUB: PNG or original bytes}).

    ``inline_figures``: figures as ``data:`` URLs (the HTML page) or as ``figures/NAME`` (the EPUB).
    """
    from ...layout import render, templates
    from ...source import images as assets
    from ..cards.faces import deck_count
    from . import context as booklet_context
    from . import copyfit, pages

    charter = source.charter
    language = charter.meta.language
    labels = templates.labels(language)
    theme = charter.theme
    env = booklet_context.environment(
        source.slug, language, theme.name, source.images, "screen", theme.paper
    )
    figures: dict[str, bytes] = {}
    names: dict[str, str] = {}

    def image(file: str) -> str:
        path = source.images[file]
        drawing = assets.info_of(path).mode == assets.VECTOR  # a checked SVG goes as it is
        data = path.read_bytes() if drawing else assets.screen_png(path)
        suffix, kind = ("svg", "image/svg+xml") if drawing else ("png", "image/png")
        if file not in names:
            names[file] = f"figures/figure-{len(names) + 1}.{suffix}"
            figures[names[file]] = data
        if inline_figures:
            return f"data:{kind};base64," + base64.b64encode(data).decode("ascii")
        return names[file]

    env.filters["image"] = image
    found = booklet_context.chapters(charter, labels)
    text = render.render_html(
        env,
        TEMPLATE,
        charter=charter,
        meta=charter.meta,
        labels=labels,
        deck_count=deck_count(charter, labels),
        tight=frozenset(),
        end=copyfit.END_PREFIX,
        chapters=found,
        parts=booklet_context.part_contents(found),
        part_steps={},
        part_step=pages.PART_STEPS[0],
        intro_prefix=pages.INTRO_PREFIX,
        contents=booklet_context.contents(charter, labels),
        ids={
            "contents": booklet_context.CONTENTS_ID,
            "values": booklet_context.VALUES_ID,
            "mine": booklet_context.MINE_ID,
        },
        colour=theme.colour,
    )
    return text, figures


class _Text(HTMLParser):
    """The text a reader of the page meets (not the style sheet's), and its figures' alt texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.alts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self._skip += 1
        if tag == "img":
            self.alts.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(page: str) -> str:
    """Return the flat text of an HTML page (``proof.flat``), style and title left out."""
    from ...layout import proof

    reader = _Text()
    reader.feed(page)
    return proof.flat(" ".join(reader.parts))


def check_text(source: Source, page: str) -> None:
    """Raise a BuildError for every text of the source the HTML edition does not show."""
    from ...layout import proof

    laid_out = page_text(page)
    expected = proof.booklet_texts(source)
    wanted = Counter(proof.flat(e.text) for e in expected)
    problems, reported = [], set()
    for item in expected:
        text = proof.flat(item.text)
        if text and text not in reported and laid_out.count(text) < wanted[text]:
            reported.add(text)
            problems.append(
                source.problem(
                    item.path,
                    f"is missing from the HTML edition ({html_name()}; a layout bug: please report it)",
                )
            )
    if problems:
        raise BuildError(problems)


# --- XHTML and the EPUB -----------------------------------------------------------------------


class _Xhtml(HTMLParser):
    """Re-write our own HTML as well-formed XHTML: void elements closed, text and attributes escaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def _start(self, tag, attrs, close: bool) -> None:
        shown = "".join(
            f' {name}="{html_lib.escape(value if value is not None else name, quote=True)}"'
            for name, value in attrs
        )
        self.out.append(f"<{tag}{shown}{' /' if close else ''}>")

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, tag in VOID)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, True)

    def handle_endtag(self, tag):
        if tag not in VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(html_lib.escape(data, quote=False))

    def handle_comment(self, data):
        pass

    def handle_decl(self, decl):
        pass


BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)
STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def xhtml(fragment: str) -> str:
    """Return an HTML fragment (ours) as well-formed XHTML."""
    writer = _Xhtml()
    writer.feed(fragment)
    writer.close()
    return "".join(writer.out)


def _media_type(name: str) -> str:
    """Return the EPUB media type of a figure file: a PNG copy or a checked SVG drawing."""
    return "image/svg+xml" if name.endswith(".svg") else "image/png"


def to_epub(source: Source, page: str, figures: dict[str, bytes]) -> bytes:
    """Return the EPUB 3 of the edition: one content document, its navigation, its figures."""
    from ...layout import templates
    from ...output import reproducible
    from . import context as booklet_context

    charter = source.charter
    meta = charter.meta
    language = meta.language
    labels = templates.labels(language)
    epub_page, epub_figures = edition_html(source, inline_figures=False)
    body = BODY.search(epub_page)
    style = STYLE.search(epub_page)
    assert body and style, "edition.html has a <body> and a <style>"
    title = html_lib.escape(meta.title)
    content = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'lang="{language}" xml:lang="{language}">\n<head>\n<meta charset="utf-8" />\n'
        f"<title>{title}</title>\n"
        '<link rel="stylesheet" type="text/css" href="edition.css" />\n</head>\n'
        f"<body>{xhtml(body.group(1))}</body>\n</html>\n"
    )
    entries = booklet_context.contents(charter, labels)
    nav_items = "\n".join(
        f'<li><a href="edition.xhtml#{e.target}">{html_lib.escape(e.label)}</a></li>'
        for e in entries
    )
    nav = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'lang="{language}" xml:lang="{language}">\n<head>\n<meta charset="utf-8" />\n'
        f"<title>{html_lib.escape(str(labels['contents']))}</title>\n</head>\n<body>\n"
        f'<nav epub:type="toc" id="toc" role="doc-toc"><h1>{html_lib.escape(str(labels["contents"]))}</h1>\n'
        f"<ol>\n{nav_items}\n</ol>\n</nav>\n</body>\n</html>\n"
    )
    import datetime

    stamp = datetime.datetime.fromtimestamp(
        max(reproducible.epoch_of(charter), 315532800), datetime.timezone.utc
    )  # (a zip file's dates start in 1980)
    modified = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    identifier = f"urn:charterpress:{source.slug}:{_digest(page)}"
    summary = html_lib.escape(str(labels["epub_summary"]))
    author = html_lib.escape(meta.author or meta.municipality)
    figure_items = "\n".join(
        f'    <item id="f{i}" href="{name}" media-type="{_media_type(name)}"/>'
        for i, name in enumerate(epub_figures, 1)
    )
    modes = "\n".join(
        [
            '    <meta property="schema:accessMode">textual</meta>',
            *(['    <meta property="schema:accessMode">visual</meta>'] if epub_figures else []),
            '    <meta property="schema:accessModeSufficient">textual</meta>',
        ]
    )
    features = "\n".join(
        f'    <meta property="schema:accessibilityFeature">{f}</meta>'
        for f in (
            "structuralNavigation",
            "tableOfContents",
            "readingOrder",
            "displayTransformability",
            *(["alternativeText"] if epub_figures else []),
        )
    )
    opf = f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang="{language}">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="uid">{identifier}</dc:identifier>
    <dc:title>{title}</dc:title>
    <dc:language>{language}</dc:language>
    <dc:creator>{author}</dc:creator>
    <dc:publisher>{html_lib.escape(meta.municipality)}</dc:publisher>
    <meta property="dcterms:modified">{modified}</meta>
{modes}
{features}
    <meta property="schema:accessibilityHazard">none</meta>
    <meta property="schema:accessibilitySummary">{summary}</meta>
    <link rel="dcterms:conformsTo" href="http://www.idpf.org/epub/a11y/accessibility-20170105.html#wcag-aa"/>
    <meta property="a11y:certifiedBy">charterpress</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="edition" href="edition.xhtml" media-type="application/xhtml+xml"/>
    <item id="css" href="edition.css" media-type="text/css"/>
{figure_items}
  </manifest>
  <spine>
    <itemref idref="edition"/>
  </spine>
</package>
"""
    container = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
        '  <rootfiles><rootfile full-path="EPUB/package.opf" '
        'media-type="application/oebps-package+xml"/></rootfiles>\n</container>\n'
    )
    files = [
        ("META-INF/container.xml", container.encode()),
        ("EPUB/package.opf", opf.encode()),
        ("EPUB/nav.xhtml", nav.encode()),
        ("EPUB/edition.xhtml", content.encode()),
        ("EPUB/edition.css", style.group(1).encode()),
        *((f"EPUB/{name}", data) for name, data in epub_figures.items()),
    ]
    when = stamp.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        info = zipfile.ZipInfo("mimetype", date_time=when)  # first, stored: the EPUB signature
        archive.writestr(info, b"application/epub+zip", compress_type=zipfile.ZIP_STORED)
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=when)
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _digest(text: str) -> str:
    from ...values import sha256

    return sha256(text.encode("utf-8"))[:16]
