"""Model + layout -> HTML (no I/O), and HTML -> WeasyPrint document, reading only project and package files."""

from __future__ import annotations

import base64
import logging
import mimetypes
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

import jinja2
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .. import project
from ..errors import BuildError
from ..prepress import pdfx
from ..values import sha256
from . import fonts

log = logging.getLogger(__name__)


def render_html(env: jinja2.Environment, template: str, **context: object) -> str:
    """Return the HTML of ``template`` filled with ``context``."""
    try:
        return env.get_template(template).render(**context)
    except (jinja2.TemplateError, BuildError) as error:  # at the layout file and line
        from ..projectfiles import located

        raise located(error) from None


class ProjectFetcher(URLFetcher):
    """Fetch ``file:`` URLs inside the project or the package's data, nothing else.

    No network, no /etc/passwd. A project file missing from the project is read from the
    package's data at the same place (the bundled fonts of a project without its own).
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file"}, fail_on_errors=True)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        """Return the bytes of a project file (or of an image ``data:`` URL we made); refuse the rest."""
        if url.startswith("data:image/png;base64,"):  # a screen copy made by assets.image_url
            body = base64.b64decode(url.split(",", 1)[1], validate=True)
            return URLFetcherResponse(url, body, {"Content-Type": "image/png"})
        parts = urlsplit(url)
        path = project.readable(Path(unquote(parts.path))) if parts.scheme == "file" else None
        if path is None:
            raise ValueError(
                f"refused '{url}': the renderer reads only files inside the project "
                "and the package's layouts and fonts"
            )
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        data = path.read_bytes()
        if _reads is not None and project.tracked(path):
            _reads[str(path)] = sha256(data)
        typing = fonts.parse_typing(parts.query) if path.suffix.lower() in fonts.SUFFIXES else None
        if typing is not None:  # the answer fields' font, cut to what a reader may type
            data = fonts.for_typing(data, typing)
        return URLFetcherResponse(url, data, {"Content-Type": kind})


_reads: dict[str, str] | None = None


@contextmanager
def project_files_read() -> Iterator[dict[str, str]]:
    """Collect the project files the renderer reads inside the block, beyond layouts and assets.

    Yields ``{absolute path: SHA-256}``, filled as the block runs: the manifest keeps it, so
    that a changed logo rebuilds its charter though the source did not change.
    """
    global _reads
    outer, _reads = _reads, {}
    try:
        yield _reads
    finally:
        _reads = outer


_font_configs: dict[int, FontConfiguration] = {}


def font_config() -> FontConfiguration:
    """Return this process's font configuration (building one is slow).

    A worker forked from a process that had one makes its own (``build -j``): WeasyPrint's
    holds fontconfig's state and a temporary folder of the fonts it loaded, which a forked copy
    cannot use, and which it would remove when freed. The parent's is kept, never freed in the
    worker, so its folder stays the parent's.
    """
    pid = os.getpid()
    if pid not in _font_configs:
        _font_configs[pid] = FontConfiguration()
    return _font_configs[pid]


def to_document(html: str, adjust: Callable[[Element], None] | None = None) -> weasyprint.Document:
    """Lay out ``html`` (URLs relative to the project folder) into pages.

    ``adjust``: called with the parsed document's root element before layout, to set what a
    layout pass measured on elements that have no id of their own (``booklet.copyfit``); the
    layout boxes' ``element`` are the elements it saw.
    """
    base = project.root().as_uri() + "/"
    page = weasyprint.HTML(string=html, base_url=base, url_fetcher=ProjectFetcher())
    if adjust is not None:
        adjust(page.etree_element)
    try:
        return page.render(font_config=font_config())
    except FatalURLFetchingError as error:
        raise BuildError(f"{error} ({error.__cause__})") from None


def to_pdf(
    document: weasyprint.Document,
    *,
    variant: str | None = None,
    print_colour: bool = False,
    finisher: object = None,
    seal: bool = True,
) -> bytes:
    """Write a laid-out document as PDF bytes, reproducibly (no creation date).

    ``print_colour``: a print-shop file: PDF/X-4 with the FOGRA39 output intent, its RGB
    declared sRGB, no annotations, dated with the build's one date (``pdfx``). Inside
    ``fonts_embedded()``, the font programs the PDF embeds are noted.
    ``finisher``: WeasyPrint's finisher for a screen PDF (the slides' boxes, ``facilitation``).
    ``seal``: derive a print file's DocumentID from its bytes (``pdfx.seal``); ``False`` for a
    part that is joined to others first (the onboarding booklets seal the joined file).
    """
    document.metadata.created = None
    document.metadata.modified = None
    if print_colour:
        variant, finisher = pdfx.VARIANT, pdfx.finish
        pdfx.prepare(document)
    data = document.write_pdf(pdf_variant=variant, uncompressed_pdf=False, finisher=finisher)
    if print_colour and seal:
        data = pdfx.seal(data)
    if _embedded is not None:
        # WeasyPrint's Font objects of this document hold, once written, the (subset) font
        # program it embedded: the same bytes a reader of the PDF finds.
        _embedded.extend(font.file_content for font in document.fonts.values())
    return data


_embedded: list[bytes] | None = None


@contextmanager
def fonts_embedded() -> Iterator[list[bytes]]:
    """Collect the font programs embedded by every PDF written inside the block.

    Every output PDF is written by WeasyPrint here, or made by pypdf from such PDFs (imposed
    and office sheets), which adds no font: so these are all the fonts of a build's outputs,
    known without reading the PDFs again.
    """
    global _embedded
    outer, _embedded = _embedded, []
    try:
        yield _embedded
    finally:
        _embedded = outer
