"""Writing PDFs with pypdf: the one module that does (reading with ``PdfReader`` is done where
a PDF is read: ``preflight``, ``proof``, ``printorder``, ``join.Part``, ``handbook.impose`` …).

Everything after layout that composes a PDF comes here: a writer cloned from a PDF or started
blank (``writer_from``, ``blank``), written out to bytes (``to_bytes``); a page's content
stream read, replaced, clipped, moved and added to (``content_of``, ``set_content``,
``clip_to``, ``move``, ``append_content``, ``draw_over``); pages turned into Form XObjects and
drawn on other pages (``page_form``, ``draw_form``, ``use_forms``); strokes in the
registration colour (``lines_content``, ``add_registration``); the DefaultRGB declaration
walked through a writer's resources (``set_default_rgb``, for ``printcolour.declare``); and
the generic objects ``join`` builds a joined file's catalogue from (``name``, ``dictionary``,
``array``, ``number``, ``text``, ``stream``, ``add_object``), with the writer's object list cut
back after each person's file (``object_count``, ``cut_objects``, ``forget_clones``).

pypdf's private names live here alone (``PdfWriter._add_object``, ``._objects``,
``._id_translated``); ``tests/test_packaging.py`` checks each is still there, and
``tests/test_dependencies.py`` that no other module imports ``PdfWriter`` or builds pypdf's
generic objects.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Mapping

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    RectangleObject,
    StreamObject,
    TextStringObject,
)

from ..units import mm
from .impose import Affine, Line, Rect

Writer = PdfWriter
"""The type of a PDF being composed (for annotations elsewhere)."""

MARK_WIDTH_PT = 0.25
"""The width of a print shop's crop marks (registration colour)."""
NO_BLEED: Rect = (0.0, 0.0, 0.0, 0.0)
"""Nothing kept past the trim (mm: left, bottom, right, top)."""
REGISTRATION = "/CharterpressAll"
"""The resource name of the registration colour: the Separation 'All' prints on every plate."""


# --- a writer, and its bytes -----------------------------------------------------------------


def writer_from(source: bytes | PdfReader) -> PdfWriter:
    """Return a writer holding a copy of the PDF ``source`` (its bytes, or a reader of them)."""
    reader = source if isinstance(source, PdfReader) else PdfReader(io.BytesIO(source))
    return PdfWriter(clone_from=reader)


def blank() -> PdfWriter:
    """Return a writer with no pages."""
    return PdfWriter()


def to_bytes(writer: PdfWriter) -> bytes:
    """Return the writer's PDF as bytes."""
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- content streams -------------------------------------------------------------------------


def content_of(page: PageObject) -> bytes:
    """Return a page's content stream, decoded (empty for a page without one)."""
    existing = page.get_contents()
    return existing.get_data() if existing is not None else b""


def set_content(page: PageObject, data: bytes) -> None:
    """Replace a page's content streams by one holding ``data``."""
    stream = DecodedStreamObject()
    stream.set_data(data)
    page.replace_contents(stream)


def append_content(writer: PdfWriter, page: PageObject, content: bytes) -> None:
    """Append ``content`` to a page, isolated from the graphics state the page leaves behind."""
    set_content(page, b"q\n" + content_of(page) + b"\nQ\n" + content + b"\n")
    add_registration(writer, page)
    page.compress_content_streams()


def clip_to(page: PageObject, box: RectangleObject) -> None:
    """Clip everything a page draws to ``box`` (in the page's own coordinates)."""
    clip = f"q {box.left} {box.bottom} {box.width} {box.height} re W n\n".encode("ascii")
    set_content(page, clip + content_of(page) + b"\nQ\n")


def move(page: PageObject, dx: float, dy: float) -> None:
    """Move everything a page draws by (dx, dy) points: one ``cm`` around its whole content."""
    shift = f"q 1 0 0 1 {dx:.4f} {dy:.4f} cm\n".encode("ascii")
    set_content(page, shift + content_of(page) + b"\nQ\n")
    page.compress_content_streams()


def draw_over(page: PageObject, content: bytes) -> None:
    """Draw ``content`` over a page, after its own content isolated in ``q … Q`` (one content
    stream, left unfiltered: the draft stamp)."""
    contents = page.get_contents()
    combined = ContentStream(None, None)
    combined.set_data(
        b"q\n" + (contents.get_data() if contents is not None else b"") + b"\nQ\n" + content
    )
    page.replace_contents(combined)


def lines_content(
    lines: list[Line],
    *,
    width: float = MARK_WIDTH_PT,
    dash: float | None = None,
    black: bool = False,
) -> bytes:
    """Return a content stream that strokes ``lines`` (in points) in registration colour.

    ``black``: in 100 % K instead (the office files' marks).
    """
    colour = "0 0 0 1 K" if black else f"{REGISTRATION} CS 1 SCN"
    ops = [f"q {width:g} w 0 J [] 0 d {colour}"]
    if dash:
        ops.append(f"[{dash:g} {dash:g}] 0 d")
    ops += [f"{x1:.3f} {y1:.3f} m {x2:.3f} {y2:.3f} l S" for (x1, y1), (x2, y2) in lines]
    ops.append("Q")
    return "\n".join(ops).encode("ascii")


def add_registration(writer: PdfWriter, page: PageObject) -> None:
    """Give the page the registration colour space (Separation 'All', tinting every CMYK plate)."""
    resources = page.get("/Resources")
    if resources is None:
        resources = DictionaryObject()
        page[NameObject("/Resources")] = resources
    resources = resources.get_object()
    spaces = resources.get("/ColorSpace")
    if spaces is None:
        spaces = DictionaryObject()
        resources[NameObject("/ColorSpace")] = spaces
    spaces = spaces.get_object()
    if REGISTRATION in spaces:
        return
    tint = DictionaryObject(
        {
            NameObject("/FunctionType"): NumberObject(2),
            NameObject("/Domain"): ArrayObject([FloatObject(0), FloatObject(1)]),
            NameObject("/C0"): ArrayObject([FloatObject(0)] * 4),
            NameObject("/C1"): ArrayObject([FloatObject(1)] * 4),
            NameObject("/N"): FloatObject(1),
        }
    )
    names = [NameObject(n) for n in ("/Separation", "/All", "/DeviceCMYK")]
    space = ArrayObject([*names, tint])
    spaces[NameObject(REGISTRATION)] = writer._add_object(space)


# --- pages as forms ----------------------------------------------------------------------------


def page_form(writer: PdfWriter, page: PageObject, kept: Rect = NO_BLEED) -> IndirectObject:
    """Return a page as a Form XObject cut to its trim box plus ``kept`` (mm: left, bottom, right, top).

    A form keeps the page's own coordinate space, so its gradients (pattern space) move with it;
    merging the content stream into the sheet instead would leave them behind.
    """
    trim = page.trimbox
    left, bottom, right, top = (mm(v) for v in kept)
    x0, y0, x1, y1 = (float(v) for v in (trim.left, trim.bottom, trim.right, trim.top))
    form = DecodedStreamObject()
    form.set_data(content_of(page))
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): RectangleObject([x0 - left, y0 - bottom, x1 + right, y1 + top]),
            NameObject("/Resources"): page["/Resources"].get_object().clone(writer),
        }
    )
    if "/Group" in page:
        form[NameObject("/Group")] = page["/Group"].get_object().clone(writer)
    return writer._add_object(form.flate_encode())


def draw_form(name: str, m: Affine) -> bytes:
    """Return the content that draws the form ``name`` with the map ``m`` (in points)."""
    a, b, c, d, e, f = m
    return f"q {a:g} {b:g} {c:g} {d:g} {e:.3f} {f:.3f} cm {name} Do Q\n".encode("ascii")


def use_forms(page: PageObject, forms: dict[str, IndirectObject]) -> None:
    """Give the page its own resources holding the named Form XObjects (pages may share one)."""
    resources = DictionaryObject(page["/Resources"].get_object())
    xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
    for name, ref in forms.items():
        xobjects[NameObject(name)] = ref
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources


def box(values: Iterable[float]) -> RectangleObject:
    """Return a PDF rectangle (a page box) of [left, bottom, right, top]."""
    return RectangleObject(values)


# --- the DefaultRGB declaration (printcolour.declare) ------------------------------------------


def set_default_rgb(writer: PdfWriter, key: str, profile: Callable[[], bytes]) -> None:
    """Set ``key`` (``/DefaultRGB``) in every resource dictionary of ``writer``'s pages and forms.

    Pages placed as forms from a PDF that has it bring its value along: that one is used for
    the rest (the profile stays once in the file); otherwise ``[/ICCBased profile()]`` is added.
    """
    spaces: list[DictionaryObject] = []
    seen: set[int] = set()
    for page in writer.pages:
        _colour_spaces(_page_resources(page), spaces, seen)
    found = [s.raw_get(key) for s in spaces if key in s]
    value = found[0] if found else _profile_space(writer, profile())
    for space in spaces:
        space[NameObject(key)] = value


def _page_resources(page: DictionaryObject) -> DictionaryObject:
    """Return a page's resource dictionary: its own, else the one it inherits, else a new one."""
    node: PdfObject | None = page
    while node is not None:
        node = node.get_object()
        if "/Resources" in node:
            return node["/Resources"].get_object()
        node = node.get("/Parent")
    resources = DictionaryObject()
    page[NameObject("/Resources")] = resources
    return resources


def _colour_spaces(
    resources: DictionaryObject, spaces: list[DictionaryObject], seen: set[int]
) -> None:
    """Collect the ColorSpace dictionaries of ``resources`` and of every form and pattern in it."""
    if id(resources) in seen:
        return
    seen.add(id(resources))
    if "/ColorSpace" not in resources:
        resources[NameObject("/ColorSpace")] = DictionaryObject()
    space = resources["/ColorSpace"].get_object()
    if id(space) not in seen:
        seen.add(id(space))
        spaces.append(space)
    for key in ("/XObject", "/Pattern"):
        for ref in (resources.get(key) or DictionaryObject()).get_object().values():
            inner = ref.get_object()
            form = isinstance(inner, DictionaryObject) and inner.get("/Subtype") != "/Image"
            if form and "/Resources" in inner:
                _colour_spaces(inner["/Resources"].get_object(), spaces, seen)


def _profile_space(writer: PdfWriter, profile: bytes) -> ArrayObject:
    """Add the ICC profile stream to ``writer``; return ``[/ICCBased ref]``."""
    stream = StreamObject()
    stream.set_data(profile)
    stream[NameObject("/N")] = NumberObject(3)
    return ArrayObject([NameObject("/ICCBased"), writer._add_object(stream.flate_encode())])


# --- generic objects (a joined file's catalogue, structure tree, outline) ----------------------


def name(value: str) -> NameObject:
    """Return the PDF name ``value`` (``'/Type'``)."""
    return NameObject(value)


def dictionary(entries: Mapping[str, object] | None = None) -> DictionaryObject:
    """Return a PDF dictionary of ``entries``, their keys made names (``{'/Type': …}``)."""
    return DictionaryObject({NameObject(k): v for k, v in (entries or {}).items()})


def array(items: Iterable[object] = ()) -> ArrayObject:
    """Return a PDF array of ``items``."""
    return ArrayObject(items)


def number(value: int) -> NumberObject:
    """Return the PDF integer ``value``."""
    return NumberObject(value)


def text(value: str) -> TextStringObject:
    """Return the PDF text string ``value``."""
    return TextStringObject(value)


def stream(data: bytes, entries: Mapping[str, str]) -> StreamObject:
    """Return an unfiltered stream of ``data`` with the name-valued ``entries``."""
    made = StreamObject()
    made.set_data(data)
    for key, value in entries.items():
        made[NameObject(key)] = NameObject(value)
    return made


def add_object(writer: PdfWriter, obj: PdfObject) -> IndirectObject:
    """Add ``obj`` to ``writer`` as an indirect object; return the reference to it."""
    return writer._add_object(obj)


def object_count(writer: PdfWriter) -> int:
    """Return how many objects ``writer`` holds."""
    return len(writer._objects)


def cut_objects(writer: PdfWriter, size: int) -> None:
    """Take every object added after the first ``size`` out of ``writer`` again."""
    del writer._objects[size:]


def forget_clones(writer: PdfWriter, reader: PdfReader) -> None:
    """Forget what of ``reader`` was cloned into ``writer``: the next clone copies it anew."""
    writer._id_translated.pop(id(reader), None)


def finisher_pages(pdf: object) -> Iterator[dict]:
    """Yield the page dictionaries of the PDF WeasyPrint is writing, in a finisher (pydyf's
    ``PDF``): ``pdf.pages['Kids']`` holds a (number, generation, 'R') triple per page, and
    ``pdf.objects`` the page by its number (``tests/test_packaging.py`` checks both)."""
    for number in pdf.pages["Kids"][::3]:  # type: ignore[attr-defined]
        yield pdf.objects[number]  # type: ignore[attr-defined]
