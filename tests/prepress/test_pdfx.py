"""PDF/X-4 print files: the FOGRA39 output intent, the X-4 keys, no annotations, reproducible bytes.

Read back with pypdf and, independently, with pikepdf (qpdf) for the XMP packet.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from charterpress import project
from charterpress.commands.build import make_products
from charterpress.prepress import pdfx
from charterpress.values import Options
from PIL import Image, ImageCms
from pypdf import PdfReader
from support import DATA, SOURCES, load, products_of

CHARTERS = [*sorted(SOURCES.glob("*.yaml")), DATA / "unlike-the-five.yaml"]
PRINT = {"booklet": "booklet-print", "cards": "cards-print"}
ICC = project.DATA / "assets" / "icc"  # the packaged profile (a copied test tree has none)
XMP_ID = re.compile(rb"<xmpMM:DocumentID>(xmp\.did:[0-9a-f-]{36})</xmpMM:DocumentID>")


def print_files(path: Path, marks: bool = False) -> dict[str, bytes]:
    """Return {kind: bytes} of a charter's two print-shop PDFs."""
    return {
        kind: products_of(path, kind, marks=marks)[f"{path.stem}-{name}.pdf"].data
        for kind, name in PRINT.items()
    }


def check_pdfx4(data: bytes, where: str) -> None:
    """Fail unless ``data`` carries the PDF/X-4 keys and the FOGRA39 output intent."""
    reader = PdfReader(io.BytesIO(data))
    assert reader.pdf_header == "%PDF-1.6", where
    info = reader.metadata
    assert info["/GTS_PDFXVersion"] == "PDF/X-4", where
    assert info["/Trapped"] == "/False", where
    assert info["/Title"], where
    assert info["/CreationDate"] and info["/ModDate"], where
    intents = reader.trailer["/Root"]["/OutputIntents"]
    assert len(intents) == 1, where
    intent = intents[0].get_object()
    assert intent["/S"] == "/GTS_PDFX", where
    assert intent["/OutputConditionIdentifier"] == "FOGRA39", where
    assert intent["/RegistryName"] == "http://www.color.org", where
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 4, where
    icc = profile.get_data()
    assert icc[12:24] == b"prtrCMYKLab ", (where, icc[12:24])
    assert icc == (ICC / "FOGRA39L-coated.icc").read_bytes(), where
    with pikepdf.open(io.BytesIO(data)) as pdf:  # the XMP, read by another library
        meta = pdf.open_metadata()
        assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4", where
        assert meta["pdf:Trapped"] == "False", where
        assert meta["xmpMM:DocumentID"].startswith("xmp.did:"), where
        assert meta["xmpMM:DocumentID"] != pdfx.PLACEHOLDER.decode(), where
        assert meta["xmp:CreateDate"] and meta["xmp:ModifyDate"], where
        assert meta["dc:title"], where
        for number, page in enumerate(pdf.pages, 1):
            trim, bleed, media = (
                [float(v) for v in page.obj[k]] for k in ("/TrimBox", "/BleedBox", "/MediaBox")
            )
            assert media[0] <= bleed[0] <= trim[0] and trim[2] <= bleed[2] <= media[2], number
            assert media[1] <= bleed[1] <= trim[1] and trim[3] <= bleed[3] <= media[3], number
            assert "/Annots" not in page.obj, f"{where} page {number}: annotations"


@pytest.mark.parametrize("path", CHARTERS, ids=lambda p: p.stem)
def test_print_files_are_pdfx4_with_the_fogra39_intent_and_no_annotations(path: Path) -> None:
    for kind, data in print_files(path).items():
        check_pdfx4(data, f"{path.stem} {kind}")


def test_the_screen_booklet_keeps_its_links_and_has_no_output_intent() -> None:
    path = SOURCES / "glostrup.yaml"
    screen = PdfReader(io.BytesIO(products_of(path, "booklet")["glostrup-booklet.pdf"].data))
    assert "/OutputIntents" not in screen.trailer["/Root"]
    assert "/GTS_PDFXVersion" not in (screen.metadata or {})
    assert sum(len(p.get("/Annots", [])) for p in screen.pages) > 0, "the links went"


def test_crop_marks_keep_pdfx4() -> None:
    for kind, data in print_files(DATA / "cards-english.yaml", marks=True).items():
        if kind == "cards":
            check_pdfx4(data, f"marked {kind}")


def test_the_document_id_is_derived_from_the_bytes_and_two_builds_are_identical() -> None:
    source = load(DATA / "cards-english.yaml")
    first = {p.name: p.data for p in make_products(source, Options())}
    second = {p.name: p.data for p in make_products(source, Options())}
    assert first == second
    ids = set()
    for name in ("cards-english-cards-print.pdf", "cards-english-booklet-print.pdf"):
        data = first[name]
        (found,) = XMP_ID.findall(data)
        unsealed = data.replace(found, pdfx.PLACEHOLDER)
        assert found == pdfx.document_id(unsealed), name
        ids.add(found)
    assert len(ids) == 2, "two different files, one DocumentID"


def test_seal_leaves_a_pdf_without_the_placeholder_alone() -> None:
    assert pdfx.seal(b"%PDF-1.6 no metadata") == b"%PDF-1.6 no metadata"


def test_qpdf_finds_no_error_in_the_print_files(tmp_path: Path) -> None:
    for kind, data in print_files(SOURCES / "gentofte.yaml").items():
        (file := tmp_path / f"{kind}.pdf").write_bytes(data)
        done = subprocess.run(["qpdf", "--check", str(file)], capture_output=True, check=False)
        assert done.returncode == 0, (kind, done.stdout[-2000:], done.stderr[-2000:])


def test_the_profile_is_what_the_readme_says() -> None:
    data = (ICC / "FOGRA39L-coated.icc").read_bytes()
    readme = (ICC / "README.md").read_text(encoding="utf-8")
    assert hashlib.sha256(data).hexdigest() in readme
    assert f"{len(data)} bytes" in readme
    assert data[36:40] == b"acsp" and data[8] == 2, "an ICC v2 profile"
    profile = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile
    assert "FOGRA39L" in profile.profile_description
    assert "CC0" in profile.copyright
    xml = (ICC / "FOGRA39L_coated.iccprofile.xml").read_bytes()
    assert hashlib.sha256(xml).hexdigest() in (ICC / "build-profile.sh").read_text()
    assert b"<license>CC0</license>" in xml


def test_the_profile_converts_as_a_300_percent_fogra39_profile() -> None:
    cmyk = ImageCms.getOpenProfile(str(ICC / "FOGRA39L-coated.icc"))
    srgb = ImageCms.createProfile("sRGB")
    to_cmyk = ImageCms.buildTransform(srgb, cmyk, "RGB", "CMYK", renderingIntent=1)
    colours = [(0, 0, 0), (255, 255, 255), (0, 89, 58), (40, 30, 90), (255, 0, 0), (0, 0, 255)]
    image = Image.new("RGB", (len(colours), 1))
    image.putdata(colours)
    done = ImageCms.applyTransform(image, to_cmyk)
    converted = [done.getpixel((x, 0)) for x in range(len(colours))]
    assert converted[1] == (0, 0, 0, 0), "paper white is no ink"
    for colour, ink in zip(colours, converted, strict=True):
        assert sum(ink) <= 300 * 255 / 100 + 3, (colour, ink)  # the profile's ink limit
    assert sum(converted[0]) > 250 * 255 / 100, "black is a rich black near the limit"


@pytest.mark.skipif(shutil.which("colprof") is None, reason="ArgyllCMS (argyll) not installed")
def test_build_profile_sh_rebuilds_the_committed_profile_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "again.icc"
    done = subprocess.run(
        ["bash", str(ICC / "build-profile.sh"), str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert out.read_bytes() == (ICC / "FOGRA39L-coated.icc").read_bytes()
