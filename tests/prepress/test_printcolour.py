"""Print colour: every print PDF declares its RGB as sRGB (DefaultRGB); the screen PDF does not."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
import weasyprint
from charterpress.layout import render
from charterpress.prepress import printcolour
from PIL import ImageCms
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject
from support import DATA, SOURCES, products_of

CHARTERS = [
    *sorted(SOURCES.glob("*.yaml")),
    DATA / "unlike-the-five.yaml",  # English, 30 sections, long text
    DATA / "format-blocks.yaml",  # a logo and a figure: RGB images
]
PRINT = ("booklet-print", "booklet-imposed", "cards-print", "cards-sheets")
MARKED = [(DATA / "booklet-padding.yaml", "booklet"), (DATA / "cards-english.yaml", "cards")]


def pdfs(path: Path, marks: bool = False, kinds: tuple[str, ...] = ("booklet", "cards")) -> dict:
    """Return {file name: bytes} of a charter's PDFs (built once per session)."""
    made: dict[str, bytes] = {}
    for kind in kinds:
        made.update({n: p.data for n, p in products_of(path, kind, marks=marks).items()})
    return made


def resource_dicts(reader: PdfReader) -> list[tuple[str, DictionaryObject]]:
    """Return every resource dictionary a renderer may use: pages', forms' and patterns', nested."""
    found: list[tuple[str, DictionaryObject]] = []
    seen: set[int] = set()

    def visit(where: str, resources: DictionaryObject) -> None:
        found.append((where, resources))
        for key in ("/XObject", "/Pattern"):
            for name, ref in (resources.get(key) or DictionaryObject()).items():
                inner = ref.get_object()
                if inner.get("/Subtype") == "/Image" or "/Resources" not in inner:
                    continue
                if id(inner) not in seen:
                    seen.add(id(inner))
                    visit(f"{where} {name}", inner["/Resources"].get_object())

    for number, page in enumerate(reader.pages, 1):
        visit(f"page {number}", page["/Resources"].get_object())
    return found


def declared(resources: DictionaryObject) -> object:
    """Return the DefaultRGB a resource dictionary declares (None if none)."""
    spaces = resources.get("/ColorSpace")
    return None if spaces is None else spaces.get_object().get("/DefaultRGB")


def profiles(pdf: bytes) -> tuple[dict[int, bytes], list[str]]:
    """Return the ICC profiles DefaultRGB points at ({object number: bytes}) and where it is missing."""
    found: dict[int, bytes] = {}
    missing = []
    for where, resources in resource_dicts(PdfReader(io.BytesIO(pdf))):
        space = declared(resources)
        if space is None:
            missing.append(where)
            continue
        space = space.get_object()
        assert isinstance(space, ArrayObject) and space[0] == "/ICCBased", (where, space)
        ref = list.__getitem__(space, 1)  # the reference itself, not the object
        assert isinstance(ref, IndirectObject), where
        stream = ref.get_object()
        assert stream["/N"] == 3, where
        found[ref.idnum] = stream.get_data()
    return found, missing


def icc_streams(pdf: bytes, components: int = 3) -> int:
    """Return how many ICC profile streams of ``components`` channels the file holds, referenced or not.

    (The print-shop files hold one CMYK profile besides: their output intent, tests/prepress/test_pdfx.py.)
    """
    reader = PdfReader(io.BytesIO(pdf))
    count = 0
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # a free or compressed-away number
            continue
        if (
            isinstance(obj, StreamObject)
            and obj.get("/N") == components
            and obj.get_data()[36:40] == b"acsp"
        ):
            count += 1
    return count


def assert_srgb(profile: bytes) -> None:
    """Fail unless ``profile`` is an RGB display profile describing sRGB."""
    assert profile[36:40] == b"acsp", "not an ICC profile"
    assert profile[12:16] == b"mntr" and profile[16:20] == b"RGB ", profile[12:20]
    description = ImageCms.ImageCmsProfile(io.BytesIO(profile)).profile.profile_description
    assert "sRGB" in (description or ""), description


@pytest.mark.parametrize("path", CHARTERS, ids=lambda p: p.stem)
def test_every_print_pdf_declares_its_rgb_as_srgb_once_and_the_screen_pdf_does_not(
    path: Path,
) -> None:
    made = pdfs(path)
    for kind in PRINT:
        found, missing = profiles(made[f"{path.stem}-{kind}.pdf"])
        assert not missing, f"{kind}: no DefaultRGB in {missing[:5]}"
        assert len(found) == 1, f"{kind}: DefaultRGB names {len(found)} profiles (want one)"
        assert icc_streams(made[f"{path.stem}-{kind}.pdf"]) == 1, f"{kind}: profile not once"
        assert_srgb(next(iter(found.values())))
    screen = PdfReader(io.BytesIO(made[f"{path.stem}-booklet.pdf"]))
    assert [w for w, r in resource_dicts(screen) if declared(r) is not None] == []
    assert "/OutputIntents" not in screen.trailer["/Root"]


@pytest.mark.parametrize(("path", "kind"), MARKED, ids=lambda v: getattr(v, "stem", v))
def test_crop_marks_keep_the_declaration_and_the_registration_colour(path: Path, kind: str) -> None:
    name = f"{path.stem}-{kind}-print.pdf"
    data = pdfs(path, marks=True, kinds=(kind,))[name]
    found, missing = profiles(data)
    assert not missing and len(found) == 1, (missing[:5], len(found))
    for page in PdfReader(io.BytesIO(data)).pages:
        spaces = page["/Resources"]["/ColorSpace"]
        assert {"/DefaultRGB", "/CharterpressAll"} <= set(spaces), set(spaces)


def black_chars(pdf: bytes) -> int:
    """Return how many characters a PDF sets in black ink only (DeviceCMYK 0 0 0 1)."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return sum(
            tuple(c["non_stroking_color"] or ()) == (0, 0, 0, 1)
            for page in document.pages
            for c in page.chars
        )


@pytest.mark.parametrize("path", CHARTERS[:1], ids=lambda p: p.stem)
def test_body_text_stays_black_ink_only_on_the_imposed_and_office_sheets(path: Path) -> None:
    made = pdfs(path)
    for single, composed in (("booklet-print", "booklet-imposed"), ("cards-print", "cards-sheets")):
        black = black_chars(made[f"{path.stem}-{single}.pdf"])
        assert black > 100, (single, black)
        assert black_chars(made[f"{path.stem}-{composed}.pdf"]) == black, composed


def test_a_composed_page_gets_the_declaration_and_keeps_its_colour_spaces() -> None:
    writer = PdfWriter()
    bare = writer.add_blank_page(100, 100)  # no ColorSpace at all
    marked = writer.add_blank_page(100, 100)
    registration = ArrayObject([NameObject("/DeviceCMYK")])
    marked[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/ColorSpace"): DictionaryObject({NameObject("/Reg"): registration})}
    )
    printcolour.declare(writer)
    out = io.BytesIO()
    writer.write(out)
    found, missing = profiles(out.getvalue())
    assert not missing and len(found) == 1
    assert_srgb(next(iter(found.values())))
    pages = PdfReader(io.BytesIO(out.getvalue())).pages
    assert "/Reg" in pages[1]["/Resources"]["/ColorSpace"]
    assert bare is not None


def test_without_weasyprints_profile_littlecms_srgb_stands_in(monkeypatch) -> None:
    usual = printcolour.srgb_profile()
    assert ImageCms.ImageCmsProfile(io.BytesIO(usual)).profile.profile_description == "sRGB2014"
    monkeypatch.setattr(printcolour, "PROFILE_FILE", "no-such-profile.icc")
    printcolour.srgb_profile.cache_clear()
    try:
        profile = printcolour.srgb_profile()
        html = '<p style="color: #0a5">Farve</p><div style="background: #c33; height: 1cm"></div>'
        pdf = render.to_pdf(weasyprint.HTML(string=html).render(), print_colour=True)
    finally:
        printcolour.srgb_profile.cache_clear()
    assert_srgb(profile)
    assert profile != usual
    assert profile[24:36] == printcolour.FALLBACK_DATE, "LittleCMS's clock left in the profile"
    found, missing = profiles(pdf)
    assert not missing and list(found.values()) == [profile]
