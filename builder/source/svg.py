"""SVG images (a municipality's logo) checked before a build: plain vector drawing, nothing else.

A logo comes as SVG from the municipality's design manual, and SVG is a program as much as a
picture: it can name a DTD and entities (the "billion laughs"), fetch other files and URLs
(``href``, ``url(…)``, ``@import``, XInclude), carry scripts and event handlers, embed HTML
(``foreignObject``), and set text in whatever font the machine has. A source's SVG is
therefore read here with expat under handlers that refuse any DOCTYPE, entity or processing
instruction, within size, element and depth limits, and walked once: only SVG elements that
draw (no script, no text, no embedded or linked images, no animation), references only to
the file's own ids (``#id``, ``url(#id)``), no event attributes. What passes is rendered only
by WeasyPrint's own SVG code through the project's fetcher (``render.ProjectFetcher``), which
stays the second wall.

Text is refused rather than set: its font would be the machine's, not ours, and its words
would be words in the PDF that the source never said. Drawing programs convert text to
outlines ("Create outlines", "Object to path"), which is what print shops ask for too.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass

MAX_SVG_BYTES = 2 * 1024 * 1024
"""The largest SVG file read: 2 MiB (a municipal logo is 5-200 KiB)."""
MAX_ELEMENTS = 20_000
"""The most elements an SVG may hold."""
MAX_DEPTH = 64
"""The deepest nesting of elements."""
SVG_NS = "http://www.w3.org/2000/svg"

DRAWING = frozenset(
    {
        "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata",
        "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask",
        "marker", "style", "switch",
        "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
        "feFlood", "feGaussianBlur", "feMerge", "feMergeNode", "feMorphology", "feOffset",
        "feFuncA", "feFuncB", "feFuncG", "feFuncR",
    }
)  # fmt: skip
"""The SVG elements a logo may use: shapes, groups, paint servers, clipping and simple filters."""
TEXT = frozenset({"text", "tspan", "textPath", "tref", "font", "font-face", "glyph"})
REFUSED = {
    "script": "a script",
    "foreignObject": "embedded HTML (foreignObject)",
    "image": "an embedded or linked image",
    "feImage": "an embedded or linked image (feImage)",
    "a": "a link",
    "animate": "animation",
    "animateMotion": "animation",
    "animateTransform": "animation",
    "set": "animation",
    "iframe": "an embedded page",
}
"""Elements refused with what they are, in the words of the error."""
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_LOCAL = re.compile(r"#[A-Za-z_][\w.:-]*")
_NUMBER = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px|pt|mm|cm|in)?\s*$")


@dataclass(frozen=True)
class Drawing:
    """What a checked SVG is: its size in CSS px (from width/height, else its viewBox)."""

    width: float
    height: float


class SvgProblem(Exception):
    """An SVG that cannot be used; the message says why, in the source's terms."""


def check(data: bytes) -> Drawing:
    """Return the Drawing of SVG ``data``, or raise SvgProblem saying what makes it unsafe or unusable."""
    if len(data) > MAX_SVG_BYTES:
        raise SvgProblem(
            f"is too large for an SVG logo ({len(data):,} bytes; at most {MAX_SVG_BYTES:,})"
        )
    walk = _Walk()
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = walk.doctype
    parser.EntityDeclHandler = walk.entity
    parser.ExternalEntityRefHandler = walk.external
    parser.ProcessingInstructionHandler = walk.instruction
    parser.StartElementHandler = walk.start
    parser.EndElementHandler = walk.end
    parser.CharacterDataHandler = walk.characters
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as error:
        raise SvgProblem(
            f"is not a well-formed SVG file (line {error.lineno}, column {error.offset + 1}: "
            f"{xml.parsers.expat.errors.messages[error.code]}): export it again from the drawing program"
        ) from None
    if walk.size is None:
        raise SvgProblem("is not an SVG drawing: it has no <svg> element")
    return walk.size


class _Walk:
    """The expat handlers: each raises SvgProblem at the first thing an SVG logo may not hold."""

    def __init__(self) -> None:
        self.depth = 0
        self.count = 0
        self.size: Drawing | None = None
        self.in_style = False

    def doctype(self, *_args) -> None:
        raise SvgProblem(
            "declares a DOCTYPE (a DTD can define entities and fetch files): remove it"
        )

    def entity(self, *_args) -> None:
        raise SvgProblem("declares an entity: remove the DOCTYPE")

    def external(self, *_args) -> int:
        raise SvgProblem("refers to an external entity: remove the DOCTYPE")

    def instruction(self, target: str, _data: str) -> None:
        raise SvgProblem(f"holds a processing instruction (<?{target} …?>): remove it")

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        namespace, _, name = tag.rpartition(" ")
        self.depth += 1
        self.count += 1
        if self.count > MAX_ELEMENTS:
            raise SvgProblem(f"has more than {MAX_ELEMENTS:,} elements: simplify the drawing")
        if self.depth > MAX_DEPTH:
            raise SvgProblem(f"nests elements more than {MAX_DEPTH} deep")
        if self.count == 1:
            if name != "svg" or namespace != SVG_NS:
                raise SvgProblem(
                    f"is not an SVG drawing: its first element is <{name}>, not <svg> ({SVG_NS})"
                )
            self.size = _size(attributes)
        if namespace != SVG_NS:
            # A drawing program's own elements (Inkscape's sodipodi:namedview, Illustrator's
            # i:pgf) are not drawn, but WeasyPrint reads tags without their namespace: one
            # named like an SVG element would be drawn (or fetch) as that element.
            if name in DRAWING or name in TEXT or name in REFUSED:
                raise SvgProblem(
                    f"holds an element <{name}> from outside SVG ({namespace or 'no namespace'})"
                )
            for key, value in attributes.items():
                _check_attribute(name, key, value)
            return
        if name in TEXT:
            raise SvgProblem(
                f"holds text (<{name}>), which would be set in the machine's fonts: convert the text "
                "to outlines (paths) in the drawing program and export it again"
            )
        if name in REFUSED:
            raise SvgProblem(
                f"holds {REFUSED[name]} (<{name}>): export the logo as a plain drawing"
            )
        if name not in DRAWING:
            raise SvgProblem(f"holds an SVG element a logo has no need of (<{name}>)")
        for key, value in attributes.items():
            _check_attribute(name, key, value)
        self.in_style = name == "style"

    def end(self, _tag: str) -> None:
        self.depth -= 1
        self.in_style = False

    def characters(self, text: str) -> None:
        if self.in_style:
            _check_css("<style>", text)


def _check_attribute(element: str, key: str, value: str) -> None:
    """Refuse an event handler, a reference outside the file, or CSS that reaches out."""
    namespace, _, name = key.rpartition(" ")
    if name.lower().startswith("on"):
        raise SvgProblem(
            f"has an event handler ({name}= on <{element}>): export the logo as a plain drawing"
        )
    if name == "href" and not _LOCAL.fullmatch(value.strip()):
        raise SvgProblem(
            f'refers to something outside the file (href="{value[:60]}" on <{element}>): '
            "a logo may refer only to its own parts (#id)"
        )
    if name == "style" or "url(" in value.lower():
        _check_css(f"{name}= on <{element}>", value)


def _check_css(where: str, css: str) -> None:
    """Refuse CSS that imports, defines fonts or names a url() that is not a #id of the file."""
    lowered = css.lower()
    if "@import" in lowered or "@font-face" in lowered:
        raise SvgProblem(f"has CSS that loads other files (@import or @font-face in {where})")
    for match in _URL.finditer(css):
        if not _LOCAL.fullmatch(match.group(2).strip()):
            raise SvgProblem(
                f"refers to something outside the file (url({match.group(2)[:60]}) in {where}): "
                "a logo may refer only to its own parts (url(#id))"
            )
    if "url(" in lowered and not _URL.search(css):
        raise SvgProblem(f"has a url( that cannot be read in {where}")


def _size(attributes: dict[str, str]) -> Drawing:
    """Return the drawing's size from the root's width and height, else from its viewBox."""
    view = attributes.get("viewBox", "").replace(",", " ").split()
    width, height = _length(attributes.get("width")), _length(attributes.get("height"))
    if width and height:
        return Drawing(width, height)
    if len(view) == 4:
        try:
            w, h = float(view[2]), float(view[3])
        except ValueError:
            w = h = 0.0
        if w > 0 and h > 0:
            return Drawing(w, h)
    raise SvgProblem(
        "has no size: give its <svg> a viewBox (or width and height), as drawing programs do on export"
    )


PX = {"px": 1.0, None: 1.0, "pt": 96 / 72, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}


def _length(value: str | None) -> float | None:
    """Return an absolute SVG length in CSS px, or None (missing, a percentage, nonsense)."""
    match = _NUMBER.match(value or "")
    if not match:
        return None
    number = float(match.group(1)) * PX[match.group(2)]
    return number if number > 0 else None
