"""The proof: the build checks its own output against the source before anything is written.

Three checks, all cheap enough to run on every build:

* **Text.** What WeasyPrint laid out (its page, line and text boxes, read from the layout
  already made: nothing is rendered again) holds every word the source says: each card face
  its texts in order with nothing missing after the last line, the screen booklet every
  passage, heading, commitment and question.
* **Glyphs.** Every character of the source is in a bundled font (``fonts.py``); a character
  no bundled font has is an error naming the field and the character, checked before layout.
* **Fonts.** Every font embedded in an output PDF is a bundled one: no glyph from the host.
  Known from the font programs WeasyPrint embedded as it wrote each PDF
  (``render.fonts_embedded``); the PDFs are read only to name the characters of a foreign one.

Texts are compared "flat": without white space, soft hyphens and the hyphen WeasyPrint draws
where it breaks a word at a soft hyphen, and case-folded (layouts may set labels in capitals).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import BaseModel

from ..errors import BuildError, Problem
from ..values import Source
from . import fonts

SOFT_BREAK = re.compile("\u00ad\u2010?")
"""A soft hyphen, with the hyphen WeasyPrint draws after it where it breaks the line there."""
SPACE = re.compile(r"\s+")

NOT_PRINTED = frozenset(
    {"id", "colour", "language", "year", "theme", "author", "style", "figure", "alt", "band"}
)
"""Fields (by name) whose value is not text the booklet lays out: ids, colours, settings, a
figure's file and alt text (read by screen readers, not printed), the cards' band name, and
the PDF metadata. ``Commitment.card`` (the card's wording) is left out by its path, see
``booklet_texts``."""


def flat(text: str) -> str:
    """Return ``text`` as the proof compares it: no breaks, no white space, case-folded."""
    return SPACE.sub("", SOFT_BREAK.sub("", text)).casefold()


# --- Reading the layout -----------------------------------------------------------------------


def page_text(page: object) -> str:
    """Return the flat text of a laid-out page (``weasyprint.Page``), margin boxes left out.

    Its lines' text in layout order, read from the layout (``tree.py``: imported here, as
    WeasyPrint is, so that the glyph check runs without either).
    """
    from . import tree

    return flat("".join(tree.line_texts(tree.page_box(page))))


def missing_in_order(laid_out: str, expected: Iterable[str]) -> str | None:
    """Return the first expected text that is not in ``laid_out`` after the one before it.

    Both are flat texts; other text between them (numbers, labels) is allowed.
    """
    at = 0
    for text in expected:
        if not text:
            continue
        found = laid_out.find(text, at)
        if found < 0:
            return text
        at = found + len(text)
    return None


# --- The booklet ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """One text the output must hold, and the field it comes from."""

    path: str
    text: str


def model_texts(value: object, path: str = "") -> Iterator[Expected]:
    """Yield every text of a model object with its field path (``sections[0].commitments[1].text``)."""
    if isinstance(value, str):
        yield Expected(path, value)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name not in NOT_PRINTED:
                child = getattr(value, name)
                yield from model_texts(child, f"{path}.{name}" if path else name)
    elif isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            yield from model_texts(item, f"{path}[{i}]")


CARD_ONLY = re.compile(r"\.commitments\[\d+\]\.card$")


def booklet_texts(source: Source) -> list[Expected]:
    """Return every text the screen booklet must show: passages, headings, commitments, questions …

    Everything in the charter except its settings, the cards' own wording and the onboarding
    part (the onboarding booklets print it).
    """
    return [item for item in charter_texts(source.charter) if not CARD_ONLY.search(item.path)]


ONBOARDING = "onboarding"
"""The part of a source only the onboarding booklets print (``charterpress onboard``)."""


def charter_texts(charter: object) -> Iterator[Expected]:
    """Yield the texts of the charter itself: every text but the onboarding part's."""
    for item in model_texts(charter):
        if item.path.partition(".")[0] != ONBOARDING:
            yield item


def check_booklet(source: Source, document: object) -> None:
    """Raise a BuildError for every text of the source that the laid-out booklet does not show."""
    laid_out = "".join(page_text(page) for page in document.pages)  # type: ignore[attr-defined]
    expected = booklet_texts(source)
    wanted = Counter(flat(e.text) for e in expected)
    problems = []
    reported: set[str] = set()
    for item in expected:
        text = flat(item.text)
        if text in reported:
            continue
        if laid_out.count(text) < wanted[text]:
            reported.add(text)
            problems.append(
                source.problem(
                    item.path,
                    "is missing from the laid-out booklet (a layout bug: please report it)",
                )
            )
    if problems:
        raise BuildError(problems)


# --- Glyphs -----------------------------------------------------------------------------------


def check_glyphs(source: Source) -> None:
    """Raise a BuildError naming every field with a character that no bundled font has."""
    problems = []
    charter = source.charter
    bands = [  # the cards print a section's band, which the booklet does not show
        Expected(f"sections[{i}].band", s.band) for i, s in enumerate(charter.sections) if s.band
    ]
    for item in [*model_texts(charter), *bands]:
        chars = fonts.missing(item.text)
        if chars:
            listed = ", ".join(fonts.describe(c) for c in chars)
            many = "characters" if len(chars) > 1 else "character"
            problems.append(
                source.problem(
                    item.path,
                    f"the {many} {listed} {'are' if len(chars) > 1 else 'is'} in none of the "
                    "bundled fonts (assets/fonts/); replace or remove "
                    f"{'them' if len(chars) > 1 else 'it'}",
                )
            )
    if problems:
        raise BuildError(problems)


# --- Fonts in the output ----------------------------------------------------------------------


def embedded_fonts(pdf: bytes) -> dict[str, tuple[str, str]]:
    """Return {font name in the PDF: (PostScript name, unique id)} of every embedded font program.

    Walks every page's resources and the form XObjects inside them (imposed sheets place pages
    as forms).
    """
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    found: dict[str, tuple[str, str]] = {}
    seen: set[int] = set()

    def visit(resources: object) -> None:
        resources = _get(resources)
        if not hasattr(resources, "get"):
            return
        for font in (_get(resources.get("/Font")) or {}).values():
            font = _get(font)
            ref = getattr(font, "indirect_reference", None)
            if ref is not None:
                if ref.idnum in seen:
                    continue
                seen.add(ref.idnum)
            descendant = font.get("/DescendantFonts")
            base = _get(_get(descendant)[0]) if descendant else font
            descriptor = _get(base.get("/FontDescriptor"))
            name = str(font.get("/BaseFont", "?")).lstrip("/")
            if descriptor is None:  # a standard 14 font: never embedded, never ours
                found[name] = ("", "")
                continue
            program = next(
                (
                    descriptor[k]
                    for k in ("/FontFile", "/FontFile2", "/FontFile3")
                    if k in descriptor
                ),
                None,
            )
            data = _get(program).get_data() if program is not None else b""
            found[name] = fonts.embedded_identity(data)
        for xobject in (_get(resources.get("/XObject")) or {}).values():
            xobject = _get(xobject)
            ref = getattr(xobject, "indirect_reference", None)
            key = -ref.idnum if ref is not None else None
            if key is not None:
                if key in seen:
                    continue
                seen.add(key)
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
    return found


def _get(value: object) -> object:
    return value.get_object() if hasattr(value, "get_object") else value


def drawn_with(pdf: bytes, names: set[str]) -> str:
    """Return the characters the PDF draws with the fonts ``names`` (each once, in order)."""
    from pypdf import PdfReader

    found: dict[str, None] = {}

    def visit(text: str, cm: object, tm: object, font: object, size: object) -> None:
        if font is not None and str(font.get("/BaseFont", "")).lstrip("/") in names:
            found.update((c, None) for c in text if not c.isspace())

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return "".join(found)


def check_embedded_fonts(source: Source, embedded: Iterable[bytes], products: Iterable) -> None:
    """Raise a BuildError if a build embedded a font that is not one of the bundled fonts.

    ``embedded`` holds the font programs the build's PDFs embed, as WeasyPrint wrote them
    (``render.fonts_embedded``): checking them costs no reading of the PDFs. Only when one is
    foreign are the ``products`` read (``check_fonts``), to name the characters and fields.
    """
    ours = fonts.identities()
    if all(fonts.embedded_identity(program) in ours for program in set(embedded)):
        return
    for product in products:
        check_fonts(source, product.name, product.data)
    raise BuildError(  # written, then not found in the PDFs: say so rather than pass
        Problem(source.name, None, None, "", "the layout embeds a font that is not bundled in "
                "assets/fonts/ (a layout bug: please report it)")
    )  # fmt: skip


def check_fonts(source: Source, name: str, pdf: bytes) -> None:
    """Raise a BuildError if ``pdf`` embeds a font that is not one of the bundled fonts.

    The error names each field of the source with a character drawn in such a font (the
    layout's font for that text lacks it); characters that come from the layout itself make
    one line without a field.
    """
    ours = fonts.identities()
    foreign = {n for n, ident in embedded_fonts(pdf).items() if ident not in ours}
    if not foreign:
        return
    shown = ", ".join(sorted(n.split("+", 1)[-1] for n in foreign))
    chars = drawn_with(pdf, foreign)
    problems = []
    placed: set[str] = set()
    for item in model_texts(source.charter):
        here = [c for c in chars if c in item.text]
        if here:
            placed.update(here)
            listed = ", ".join(fonts.describe(c) for c in here)
            problems.append(
                source.problem(
                    item.path,
                    f"{name}: {listed} would be drawn from a font outside assets/fonts/ "
                    f"({shown}): the layout's font for this text lacks it; replace it",
                )
            )
    rest = [c for c in chars if c not in placed]
    if rest or not problems:
        listed = ", ".join(fonts.describe(c) for c in rest) or "some glyphs"
        problems.append(
            Problem(
                source.name,
                None,
                None,
                "",
                f"{name}: the layout draws {listed} from a font that is not bundled in "
                f"assets/fonts/ ({shown}) (a layout bug: please report it)",
            )
        )
    raise BuildError(problems)
