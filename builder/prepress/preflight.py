"""The preflight: the print-shop PDFs checked as a print shop checks them, in every build.

Like the proof, it reads what was made (the PDF bytes, with pypdf), not what was meant. For
each print file (``SLUG-booklet-print.pdf``, ``SLUG-cards-print.pdf``) it checks:

- **PDF/X-4**: Info ``GTS_PDFXVersion`` and ``Trapped``, the XMP packet's
  ``pdfxid:GTS_PDFXVersion``, one ``/GTS_PDFX`` output intent with a 4-channel profile;
- **boxes**: every page has TrimBox and BleedBox, BleedBox ⊆ MediaBox, bleed ≥ 3 mm a side;
- **no annotations** (PDF/X forbids them on the page);
- **colour**, from every content stream (pages and the forms inside them), with the graphics
  state followed through ``q``/``Q``/``cm``/``gs``: no DeviceRGB where no DefaultRGB defines
  it; no text with opacity under 1, no thin element (under 1 pt) either; black and neutral
  grey text as K only (no RGB grey, no rich black); coloured text under 9 pt (paper white,
  or a pale tint reversed out of a field, is no ink or knocks out, and is allowed; a
  coloured symbol such as a list's square is a mark, not type); rules at least 0.4 pt, neutral ones as K only;
- **total ink** ≤ 300 %: every colour a page paints (exact, per colour: CMYK summed, RGB and
  grey converted to the output intent with LittleCMS, relative colorimetric), and every
  image at up to 256 px on its long side, converted alike. Registration colour (crop marks,
  outside the bleed) is not ink of the job and is left out;
- **fonts**: every font embedded (a font program in its descriptor);
- **images**: the effective resolution of each placed image (pixels over printed inches);
  under 300 dpi a warning, under 150 dpi an error, located at the source line naming it.

Errors stop the build (``BuildError``: one located line each, nothing written); the result,
warnings and the measurements (thinnest line, highest ink, lowest dpi) go to
``dist/SLUG/SLUG-preflight.txt``.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject

from ..errors import BuildError, Problem
from ..units import PT_PER_INCH, PT_PER_MM
from ..values import Product
from .impose import compose  # the matrix of `inner cm` inside `outer`: PDF's m × n

PRINT_FILES = ("booklet-print", "cards-print")
MIN_BLEED_MM = 3.0
MIN_RULE_PT = 0.4
THIN_PT = 1.0
"""An element this thin or thinner (a rule, a hairline) may not be translucent."""
MIN_COLOURED_TEXT_PT = 9.0
MAX_INK = 300.0
WARN_DPI = 300
MIN_DPI = 150
SLIVER_PT = 0.02
"""A gap this narrow between a border's two rectangles is rounding, not a line."""
LIGHT_INK = 25.0
"""Text of less total ink than this (%) is pale type reversed out of a colour field (legible
only there), not type printed on paper: it knocks out of the field and is allowed."""
NEUTRAL = 0.03
"""RGB channels within this of each other are a neutral grey."""
IMAGE_SAMPLE = 256
TOLERANCE = 0.01


@dataclass
class Measures:
    """What the preflight measured in one file."""

    thinnest: float | None = None
    ink: float = 0.0
    ink_page: int = 0
    lowest_dpi: float | None = None
    pages: int = 0


@dataclass(frozen=True)
class Finding:
    level: str
    """'error' or 'warning'."""
    file: str
    page: int | None
    message: str
    image: str | None = None
    """The image file the finding is about (located at its source line)."""

    def text(self) -> str:
        where = self.file + (f" page {self.page}" if self.page else "")
        return f"{where}: {self.message}"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    measures: dict[str, Measures] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]


# --- colour -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _to_intent():
    from PIL import ImageCms

    from . import pdfx

    cmyk = ImageCms.ImageCmsProfile(io.BytesIO(pdfx.profile()))
    srgb = ImageCms.createProfile("sRGB")
    return ImageCms.buildTransform(srgb, cmyk, "RGB", "CMYK", renderingIntent=1)


@lru_cache(maxsize=4096)
def rgb_ink(r: float, g: float, b: float) -> float:
    """Return the total ink (%) of an sRGB colour converted to the output intent."""
    from PIL import Image, ImageCms

    pixel = Image.new("RGB", (1, 1), tuple(round(max(0, min(1, v)) * 255) for v in (r, g, b)))
    return sum(ImageCms.applyTransform(pixel, _to_intent()).getpixel((0, 0))) / 2.55


def ink_of(colour: tuple) -> float | None:
    """Return the total ink (%) of a colour ``(space, *values)``; None for registration/unknown."""
    space, *values = colour
    if space == "cmyk":
        return 100 * sum(values)
    if space == "gray":
        return 100 * (1 - values[0])
    if space == "rgb":
        return rgb_ink(*values)
    return None


def is_paper(colour: tuple) -> bool:
    space, *values = colour
    return (
        (space == "rgb" and min(values) >= 1 - TOLERANCE)
        or (space == "cmyk" and max(values) <= TOLERANCE)
        or (space == "gray" and values[0] >= 1 - TOLERANCE)
    )


def is_neutral(colour: tuple) -> bool:
    space, *values = colour
    if space == "rgb":
        return max(values) - min(values) <= NEUTRAL
    if space == "cmyk":
        c, m, y, _ = values
        return max(c, m, y) - min(c, m, y) <= NEUTRAL
    return space == "gray"


def is_k_only(colour: tuple) -> bool:
    space, *values = colour
    return (space == "cmyk" and max(values[:3]) <= TOLERANCE) or space == "gray"


def show(colour: tuple) -> str:
    space, *values = colour
    if space == "rgb":
        return "RGB #" + "".join(f"{round(v * 255):02x}" for v in values)
    if space == "cmyk":
        return "CMYK " + "/".join(f"{round(v * 100)}" for v in values)
    if space == "gray":
        return f"grey {round(values[0] * 100)} %"
    return space


# --- the content-stream walk --------------------------------------------------------------


@dataclass
class State:
    ctm: tuple = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    fill: tuple = ("gray", 0.0)
    stroke: tuple = ("gray", 0.0)
    fill_space: str = "gray"
    stroke_space: str = "gray"
    width: float = 1.0
    fill_alpha: float = 1.0
    stroke_alpha: float = 1.0
    font_size: float = 0.0
    font: object = None
    group_alpha: float = 1.0
    """The opacity of the transparency groups (forms) being painted, multiplied."""

    def copy(self) -> State:
        return State(**self.__dict__)


def scale_of(m: tuple) -> float:
    """Return the geometric mean of a matrix's two scale factors."""
    a, b, c, d, _, _ = m
    return math.sqrt(abs(a * d - b * c))


def _cmap(font: DictionaryObject) -> dict[int, str]:
    """Return code → text of a font's ToUnicode CMap (bfchar and bfrange)."""
    found: dict[int, str] = {}
    if "/ToUnicode" not in font:
        return found
    text = font["/ToUnicode"].get_object().get_data().decode("latin-1")

    def hexes(value: str) -> str:
        raw = bytes.fromhex(value)
        return raw.decode("utf-16-be", errors="replace")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, value in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            found[int(code, 16)] = hexes(value)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for start, end, value in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block
        ):
            base = int(value, 16) if value else 0
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                found[code] = chr(base + offset) if base + offset < 0x110000 else "?"
    return found


class Walker:
    """Follow one page's content (and its forms), collecting what the rules need."""

    def __init__(self, reader: PdfReader, name: str, number: int, report: Report, m: Measures):
        self.reader, self.name, self.number, self.report, self.m = reader, name, number, report, m
        self.said: set[str] = set()
        self.cmaps: dict[int, dict[int, str]] = {}

    def find(self, level: str, message: str, key: str | None = None, image: str | None = None):
        key = key or message
        if key in self.said:
            return
        self.said.add(key)
        self.report.findings.append(Finding(level, self.name, self.number, message, image))

    def ink(self, colour: tuple) -> None:
        value = ink_of(colour)
        if value is not None and value > self.m.ink:
            self.m.ink, self.m.ink_page = value, self.number
        if value is not None and value > MAX_INK + 0.5:
            self.find("error", f"{show(colour)} is {value:.0f} % ink (over {MAX_INK:.0f} %)")

    def line(self, width: float, colour: tuple, alpha: float) -> None:
        if width <= 0 or colour[0] == "separation":
            return  # registration colour: the shop's crop marks (--marks), outside the bleed
        if self.m.thinnest is None or width < self.m.thinnest:
            self.m.thinnest = width
        if width < MIN_RULE_PT - TOLERANCE and not is_paper(colour):
            self.find(
                "error", f"a rule {width:.2f} pt thin (under {MIN_RULE_PT} pt)", f"thin{width:.2f}"
            )
        if width <= THIN_PT and alpha < 1 - TOLERANCE:
            self.find("error", f"a {width:.2f} pt line at {alpha:.0%} opacity: flatten it")
        if (
            width <= THIN_PT * 2
            and colour[0] == "rgb"
            and is_neutral(colour)
            and not is_paper(colour)
        ):
            self.find("error", f"a grey rule in {show(colour)}: neutral rules must be K only")

    def space(self, resources: DictionaryObject, name: str) -> str:
        if name in ("/DeviceRGB", "/RGB"):
            spaces = resources.get("/ColorSpace")
            defined = spaces is not None and "/DefaultRGB" in spaces.get_object()
            if not defined:
                self.find("error", "DeviceRGB colour without a DefaultRGB profile (uncalibrated)")
            return "rgb"
        if name in ("/DeviceCMYK", "/CMYK"):
            return "cmyk"
        if name in ("/DeviceGray", "/G"):
            return "gray"
        if name == "/Pattern":
            return "pattern"
        spaces = resources.get("/ColorSpace")
        value = spaces.get_object().get(name) if spaces is not None else None
        value = value.get_object() if value is not None else None
        if isinstance(value, ArrayObject) and value:
            kind = value[0]
            if kind == "/ICCBased":
                return {1: "gray", 3: "rgb", 4: "cmyk"}.get(int(value[1].get_object()["/N"]), "icc")
            if kind in ("/Separation", "/DeviceN"):
                return "separation"
            if kind == "/Lab":
                return "lab"
        return "other"

    def colour(self, space: str, operands: list) -> tuple:
        values = [
            float(v) for v in operands if isinstance(v, (int, float)) or hasattr(v, "as_numeric")
        ]
        if (
            space in ("rgb", "cmyk", "gray")
            and len(values) == {"rgb": 3, "cmyk": 4, "gray": 1}[space]
        ):
            return (space, *values)
        return (space,)

    def walk(self, content, resources: DictionaryObject, state: State, depth: int = 0) -> None:
        if depth > 8:
            return
        stack: list[State] = []
        tm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        tlm = tm
        path: list[tuple] = []
        operations = ContentStream(content, self.reader).operations
        for operands, op in operations:
            op = op.decode("latin-1") if isinstance(op, bytes) else op
            if op == "q":
                stack.append(state.copy())
            elif op == "Q":
                if stack:
                    state = stack.pop()
            elif op == "cm":
                state.ctm = compose(state.ctm, tuple(float(v) for v in operands))
            elif op == "w":
                state.width = float(operands[0])
            elif op == "gs":
                states = resources.get("/ExtGState")
                gs = states.get_object().get(operands[0]) if states is not None else None
                if gs is not None:
                    gs = gs.get_object()
                    state.fill_alpha = float(gs.get("/ca", state.fill_alpha))
                    state.stroke_alpha = float(gs.get("/CA", state.stroke_alpha))
            elif op in ("rg", "RG", "k", "K", "g", "G"):
                space = {"rg": "rgb", "k": "cmyk", "g": "gray"}[op.lower()]
                if space == "rgb":
                    self.space(resources, "/DeviceRGB")
                colour = self.colour(space, operands)
                if op.islower():
                    state.fill = colour
                else:
                    state.stroke = colour
            elif op in ("cs", "CS"):
                space = self.space(resources, operands[0])
                if op == "cs":
                    state.fill_space, state.fill = space, (space,)
                else:
                    state.stroke_space, state.stroke = space, (space,)
            elif op in ("sc", "scn"):
                state.fill = self.colour(state.fill_space, operands)
            elif op in ("SC", "SCN"):
                state.stroke = self.colour(state.stroke_space, operands)
            elif op == "re":
                path.append(tuple(float(v) for v in operands))
            elif op in ("S", "s", "B", "B*", "b", "b*"):
                width = state.width * scale_of(state.ctm)
                self.line(width, state.stroke, state.stroke_alpha)
                self.ink(state.stroke)
                if op not in ("S", "s"):
                    self.fill(path, state)
                path = []
            elif op in ("f", "F", "f*"):
                self.fill(path, state)
                path = []
            elif op == "n":
                path = []
            elif op == "BT":
                tm = tlm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
            elif op == "Tf":
                fonts = resources.get("/Font")
                state.font = fonts.get_object().get(operands[0]) if fonts is not None else None
                state.font_size = float(operands[1])
            elif op == "Tm":
                tm = tlm = tuple(float(v) for v in operands)
            elif op in ("Td", "TD"):
                tlm = compose(tlm, (1, 0, 0, 1, float(operands[0]), float(operands[1])))
                tm = tlm
            elif op in ("Tj", "TJ", "'", '"'):
                self.text(operands, state, compose(state.ctm, tm))
            elif op == "Do":
                self.do(resources, operands[0], state, depth)

    def fill(self, path: list[tuple], state: State) -> None:
        self.ink(state.fill)
        if len(path) == 2:  # a border as WeasyPrint paints it: two rectangles, filled even-odd
            (x, y, w, h), (x2, y2, w2, h2) = path
            gaps = [x2 - x, y2 - y, (x + w) - (x2 + w2), (y + h) - (y2 + h2)]
            scale = scale_of(state.ctm)
            gaps = [abs(g) * scale for g in gaps if abs(g) * scale > SLIVER_PT]
            if gaps:
                self.line(min(gaps), state.fill, state.fill_alpha)
        elif len(path) == 1:
            _, _, w, h = path[0]
            thin = min(abs(w), abs(h)) * scale_of(state.ctm)
            if 0 < thin <= THIN_PT * 2:
                self.line(thin, state.fill, state.fill_alpha)

    def text(self, operands: list, state: State, matrix: tuple) -> None:
        size = state.font_size * scale_of(matrix)
        words = self.decode(operands, state.font)
        colour = state.fill
        label = f"'{words[:40]}' ({size:.1f} pt, {show(colour)})"
        self.ink(colour)
        alpha = state.fill_alpha * state.group_alpha
        if alpha < 1 - TOLERANCE:
            self.find(
                "error",
                f"text {label} at {alpha:.0%} opacity: text must be opaque",
                f"alpha{colour}{alpha}",
            )
        ink = ink_of(colour)
        if is_paper(colour) or (ink is not None and ink < LIGHT_INK):
            return  # paper white or a pale tint: reversed out of a colour field
        if is_neutral(colour) and not is_k_only(colour):
            kind = "black" if ink > 250 else "grey"
            self.find(
                "error", f"{kind} text {label}: neutral text must be K only", f"neutral{colour}"
            )
        elif (
            not is_neutral(colour)
            and size < MIN_COLOURED_TEXT_PT - TOLERANCE
            and any(ch.isalnum() for ch in words)
        ):
            self.find(
                "error",
                f"coloured text {label}: under {MIN_COLOURED_TEXT_PT:g} pt, print it K only",
                f"small{colour}{size:.1f}",
            )

    def decode(self, operands: list, font: object) -> str:
        if font is None:
            return ""
        font = font.get_object()
        key = id(font)
        if key not in self.cmaps:
            self.cmaps[key] = _cmap(font)
        cmap = self.cmaps[key]
        two = font.get("/Subtype") == "/Type0"
        out = []
        items = operands[0] if operands and isinstance(operands[0], ArrayObject) else operands[-1:]
        for item in items:
            data = getattr(item, "original_bytes", None)
            if data is None:
                if isinstance(item, (int, float)) and item < -200:
                    out.append(" ")
                continue
            step = 2 if two else 1
            for i in range(0, len(data) - step + 1, step):
                out.append(cmap.get(int.from_bytes(data[i : i + step], "big"), ""))
        return "".join(out).strip()

    def do(self, resources: DictionaryObject, name: str, state: State, depth: int) -> None:
        xobjects = resources.get("/XObject")
        ref = xobjects.get_object().get(name) if xobjects is not None else None
        if ref is None:
            return
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form":
            inner = state.copy()
            inner.group_alpha = state.group_alpha * state.fill_alpha
            inner.fill_alpha = inner.stroke_alpha = 1.0
            if "/Matrix" in xobject:
                inner.ctm = compose(state.ctm, tuple(float(v) for v in xobject["/Matrix"]))
            own = xobject.get("/Resources")
            self.walk(xobject, own.get_object() if own is not None else resources, inner, depth + 1)
        elif xobject.get("/Subtype") == "/Image":
            self.image(xobject, state, resources)

    def image(self, xobject, state: State, resources: DictionaryObject) -> None:
        a, b, c, d, _, _ = state.ctm
        width_pt, height_pt = math.hypot(a, b), math.hypot(c, d)
        if width_pt <= 0 or height_pt <= 0:
            return
        dpi = min(
            int(xobject["/Width"]) / (width_pt / PT_PER_INCH),
            int(xobject["/Height"]) / (height_pt / PT_PER_INCH),
        )
        if self.m.lowest_dpi is None or dpi < self.m.lowest_dpi:
            self.m.lowest_dpi = dpi
        name = self.image_name(xobject)
        if dpi < MIN_DPI:
            self.find(
                "error",
                f"an image prints at {dpi:.0f} dpi (under {MIN_DPI}): use a larger one",
                f"dpi{id(xobject)}",
                name,
            )
        elif dpi < WARN_DPI:
            self.find(
                "warning",
                f"an image prints at {dpi:.0f} dpi (under {WARN_DPI})",
                f"dpi{id(xobject)}",
                name,
            )
        space = xobject.get("/ColorSpace")
        if space is not None and space.get_object() == "/DeviceRGB":
            self.space(resources, "/DeviceRGB")
        self.image_ink(xobject)

    def image_name(self, xobject) -> str | None:
        return getattr(self, "images", {}).get((int(xobject["/Width"]), int(xobject["/Height"])))

    def image_ink(self, xobject) -> None:
        from PIL import ImageCms

        try:
            picture = xobject.decode_as_image()
        except Exception:  # a filter Pillow cannot read: the RIP's problem, not measured here
            return
        picture.thumbnail((IMAGE_SAMPLE, IMAGE_SAMPLE))
        if picture.mode == "CMYK":
            cmyk = picture
        else:
            cmyk = ImageCms.applyTransform(picture.convert("RGB"), _to_intent())
        bands = [band.getextrema()[1] for band in cmyk.split()]
        if sum(bands) / 2.55 <= self.m.ink:
            return
        peak = max(sum(p) for p in _pixels(cmyk)) / 2.55
        if peak > self.m.ink:
            self.m.ink, self.m.ink_page = peak, self.number
        if peak > MAX_INK + 0.5:
            self.find("error", f"an image reaches {peak:.0f} % ink (over {MAX_INK:.0f} %)")


def _pixels(image) -> list[tuple]:
    width, height = image.size
    return [image.getpixel((x, y)) for y in range(height) for x in range(width)]


# --- the file-level checks ----------------------------------------------------------------


def check_file(name: str, data: bytes, report: Report, images: dict | None = None) -> None:
    """Preflight one print PDF into ``report``."""
    reader = PdfReader(io.BytesIO(data))
    m = report.measures.setdefault(name, Measures())
    m.pages = len(reader.pages)

    def find(level: str, message: str, page: int | None = None) -> None:
        report.findings.append(Finding(level, name, page, message))

    info = reader.metadata or {}
    if info.get("/GTS_PDFXVersion") != "PDF/X-4":
        find("error", "not PDF/X-4: no GTS_PDFXVersion in the document info")
    if info.get("/Trapped") not in ("/True", "/False"):
        find("error", "no Trapped key (True or False) in the document info")
    root = reader.trailer["/Root"]
    metadata = root.get("/Metadata")
    xmp = metadata.get_object().get_data() if metadata is not None else b""
    if b"pdfxid:GTS_PDFXVersion>PDF/X-4<" not in xmp:
        find("error", "no XMP packet declaring pdfxid:GTS_PDFXVersion PDF/X-4")
    intents = [i.get_object() for i in root.get("/OutputIntents", [])]
    pdfx = [i for i in intents if i.get("/S") == "/GTS_PDFX"]
    if len(pdfx) != 1:
        find("error", f"{len(pdfx)} PDF/X output intents (want one)")
    else:
        profile = pdfx[0].get("/DestOutputProfile")
        channels = profile.get_object().get("/N") if profile is not None else None
        if channels != 4:
            find("error", "the output intent has no CMYK (4-channel) profile")
        if not pdfx[0].get("/OutputConditionIdentifier"):
            find("error", "the output intent names no printing condition")
    fonts: dict[int, str] = {}
    for number, page in enumerate(reader.pages, 1):
        boxes = {k: page.get(k) for k in ("/MediaBox", "/TrimBox", "/BleedBox")}
        if boxes["/TrimBox"] is None or boxes["/BleedBox"] is None:
            find("error", "no TrimBox or BleedBox", number)
        else:
            media, trim, bleed = (
                [float(v) for v in boxes[k]] for k in ("/MediaBox", "/TrimBox", "/BleedBox")
            )
            sides = [trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3]]
            if min(sides) < MIN_BLEED_MM * PT_PER_MM - 0.05:
                bleed_mm = min(sides) / PT_PER_MM
                find("error", f"bleed {bleed_mm:.1f} mm (under {MIN_BLEED_MM:g} mm)", number)
            outside = [
                bleed[0] - media[0],
                bleed[1] - media[1],
                media[2] - bleed[2],
                media[3] - bleed[3],
            ]
            if min(outside) < -0.05:
                find("error", "the BleedBox reaches outside the MediaBox", number)
        if page.get("/Annots"):
            find(
                "error",
                f"{len(page['/Annots'])} annotations (links): a print file has none",
                number,
            )
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else {}  # none to read
        _fonts(resources, fonts)
        walker = Walker(reader, name, number, report, m)
        walker.images = images or {}
        contents = page.get_contents()
        if contents is not None:
            walker.walk(contents, resources, State())
    for font in fonts.values():
        find("error", f"font {font} is not embedded")


def _fonts(resources: DictionaryObject, found: dict[int, str], depth: int = 0) -> None:
    """Collect the fonts of ``resources`` (and its forms') that carry no font program."""
    table = resources.get("/Font")
    for ref in table.get_object().values() if table is not None else []:
        font = ref.get_object()
        leaves = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
        for leaf in leaves:
            descriptor = leaf.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                found[id(leaf)] = str(leaf.get("/BaseFont"))
    xobjects = resources.get("/XObject")
    for ref in xobjects.get_object().values() if xobjects is not None and depth < 8 else []:
        inner = ref.get_object()
        if inner.get("/Subtype") == "/Form" and "/Resources" in inner:
            _fonts(inner["/Resources"].get_object(), found, depth + 1)


# --- the build step -----------------------------------------------------------------------


def _image_sizes(source) -> dict[tuple[int, int], str]:
    from ..source import images as assets

    infos = {name: assets.info_of(path) for name, path in source.images.items()}
    return {
        (info.width, info.height): name
        for name, info in infos.items()
        if info.mode != assets.VECTOR  # a drawing is paths in the PDF, not an image
    }


def _image_fields(source) -> dict[str, str]:
    """Return image file → the field path naming it (for the located line)."""
    from ..source.schema import format_path, image_fields

    try:
        data = source.charter.model_dump(mode="json", by_alias=True, exclude_none=True)
        return {file: format_path(path) for path, file in image_fields(data)}
    except Exception:  # the model's shape differs from the source's: locate at the file
        return {}


def grouped(findings: list[Finding]) -> list[Finding]:
    """Return one finding per kind and file: the first, naming the other pages it was found on."""
    kinds: dict[tuple, list[Finding]] = {}
    for finding in findings:
        kind = re.sub(r"'[^']*'|\d+(\.\d+)?", "#", finding.message)
        kinds.setdefault((finding.file, kind, finding.image), []).append(finding)
    out = []
    for group in kinds.values():
        first = group[0]
        pages = sorted({f.page for f in group[1:] if f.page and f.page != first.page})
        if pages:
            more = ", ".join(map(str, pages[:8])) + (" …" if len(pages) > 8 else "")
            first = Finding(
                first.level,
                first.file,
                first.page,
                f"{first.message} (also pages {more})",
                first.image,
            )
        out.append(first)
    return out


def locate(source, finding: Finding, fields: dict[str, str]) -> Problem:
    """Return a finding as one located line: at the image's source line, else the file's."""
    if finding.image and finding.image in fields:
        path = fields[finding.image]
        problem = source.problem(path, f"{finding.text()} ('{finding.image}')")
        if problem.line is not None:
            return problem
    return Problem(source.name, None, None, "", finding.text())


def run(source, products: list[Product]) -> Product:
    """Preflight a charter's print PDFs; raise BuildError on errors; return the report file."""
    report = Report()
    sizes = _image_sizes(source)
    for product in products:
        if any(product.name == f"{source.slug}-{kind}.pdf" for kind in PRINT_FILES):
            check_file(product.name, product.data, report, sizes)
    fields = _image_fields(source)
    if report.errors:
        raise BuildError([locate(source, f, fields) for f in grouped(report.errors)])
    warnings = [str(locate(source, f, fields)) for f in report.findings if f.level == "warning"]
    return Product(
        f"{source.slug}-preflight.txt",
        render_report(source, report).encode("utf-8"),
        0,
        tuple(f"preflight: {w}" for w in warnings),
    )


def render_report(source, report: Report) -> str:
    """Return the text of ``SLUG-preflight.txt``."""
    lines = [
        f"Preflight of {source.slug}: PDF/X-4, output intent FOGRA39 (assets/icc/FOGRA39L-coated.icc)",
        f"Result: {'passed' if not report.errors else 'FAILED'}, "
        f"{len(report.errors)} errors, {len(report.findings) - len(report.errors)} warnings",
        "",
    ]
    for name, m in report.measures.items():
        lines += [
            name,
            f"  pages: {m.pages}",
            f"  thinnest line: {m.thinnest:.2f} pt" if m.thinnest else "  thinnest line: none",
            f"  highest total ink: {m.ink:.0f} % (page {m.ink_page}; limit {MAX_INK:.0f} %;"
            " vector colours exact, images at up to 256 px)",
            f"  lowest image resolution: {m.lowest_dpi:.0f} dpi"
            if m.lowest_dpi
            else "  images: none",
        ]
    lines += [
        "",
        "Checked: PDF/X-4 keys (Info, XMP), output intent (CMYK profile), TrimBox/BleedBox,"
        f" bleed >= {MIN_BLEED_MM:g} mm, no annotations, no uncalibrated DeviceRGB, opaque text"
        f" and thin lines, neutral text and rules K only, coloured text >= {MIN_COLOURED_TEXT_PT:g} pt,"
        f" rules >= {MIN_RULE_PT} pt, total ink <= {MAX_INK:.0f} %, fonts embedded,"
        f" images >= {WARN_DPI} dpi (warning), >= {MIN_DPI} dpi (error).",
    ]
    for finding in report.findings:
        lines.append(f"{finding.level}: {finding.text()}")
    return "\n".join(lines) + "\n"
