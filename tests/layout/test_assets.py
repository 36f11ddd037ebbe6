"""Images a source names are proven before a build: inside the project, real, whole, not bombs."""

from __future__ import annotations

import io
import os
import struct
import time
import zlib

import pytest
import weasyprint
from charterpress.source import images as assets
from PIL import Image


def png(width=40, height=20, mode="RGB", colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), colour if mode != "P" else 3).save(out, "PNG")
    return out.getvalue()


def noise_png(size=200) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", (size, size), os.urandom(size * size * 3)).save(out, "PNG")
    return out.getvalue()


def jpeg(mode="RGB") -> bytes:
    out = io.BytesIO()
    colour = (0, 200, 100, 0) if mode == "CMYK" else (10, 120, 200)
    Image.new(mode, (300, 200), colour).save(out, "JPEG", quality=90)
    return out.getvalue()


def bomb(width=100_000, height=100_000) -> bytes:
    """A tiny PNG whose header claims a huge image (the classic decompression bomb)."""
    data = bytearray(png(8, 8))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "sources").mkdir()
    return tmp_path


def problem(project, name, data=None):
    if data is not None:
        (project / "sources" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "sources" / name).write_bytes(data)
    started = time.perf_counter()
    found = assets.image_problem(name, project / "sources", project)
    assert time.perf_counter() - started < 1
    return found


def test_a_good_png_and_jpeg_pass(project):
    assert problem(project, "logo.png", png()) is None
    assert problem(project, "img/photo.JPG", jpeg()) is None


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        (
            "bomb.png",
            bomb(),
            "'bomb.png' has too many pixels (10,000,000,000; at most 50,000,000): a decompression bomb? Scale it down",
        ),
        (
            "big.png",
            bomb(8000, 7000),
            "'big.png' has too many pixels (56,000,000; at most 50,000,000)",
        ),
        ("cut.jpg", jpeg()[:400], "'cut.jpg' is cut short (truncated)"),
        ("cut.png", noise_png()[:3000], "'cut.png' is cut short (truncated)"),
        (
            "text.png",
            b"just some text, not an image\n",
            "'text.png' is not an image that can be read (PNG, JPEG, GIF or WebP)",
        ),
        (
            "really.png",
            jpeg(),
            "'really.png' is really a JPEG image, not PNG: save it as PNG or rename it to end in .jpeg",
        ),
        ("logo.bmp", png(), "'logo.bmp' is not named as a PNG, JPEG, GIF, WebP or SVG image"),
        ("logo", png(), "'logo' is not named as a PNG, JPEG, GIF, WebP or SVG image"),
        ("missing.png", None, "no image 'missing.png' next to the source"),
        ("../../etc/passwd", None, "'../../etc/passwd' lies outside the project"),
        ("/etc/hostname", None, "'/etc/hostname' lies outside the project"),
        ("http://127.0.0.1:8000/logo.png", None, "'http://127.0.0.1:8000/logo.png' is a URL"),
        ("file:///etc/passwd", None, "'file:///etc/passwd' is a URL"),
        ("data:image/png;base64,AAAA", None, "'data:image/png;base64,AAAA' is a URL"),
        ("//example.com/logo.png", None, "'//example.com/logo.png' is a URL"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None,
)
def test_bad_images_are_refused_with_a_reason(project, name, data, expected):
    found = problem(project, name, data)
    assert found is not None and found.startswith(expected), found


def test_a_symlink_out_of_the_project_is_refused(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "logo.png"
    outside.write_bytes(png())
    (project / "sources" / "logo.png").symlink_to(outside)
    assert problem(project, "logo.png").startswith("'logo.png' lies outside the project")


def test_special_files_are_refused_without_reading(project):
    os.mkfifo(project / "sources" / "pipe.png")
    (project / "sources" / "zero.png").symlink_to("/dev/zero")
    (project / "sources" / "dir.png").mkdir()
    assert problem(project, "pipe.png") == "'pipe.png' is not a regular file"
    assert problem(project, "dir.png") == "'dir.png' is not a regular file"
    assert problem(project, "zero.png").startswith("'zero.png' lies outside the project")


def test_cmyk_and_palette_images_get_an_rgb_copy_for_screens(project):
    cmyk = project / "sources" / "cmyk.jpg"
    cmyk.write_bytes(jpeg("CMYK"))
    palette = project / "sources" / "palette.png"
    palette.write_bytes(png(mode="P"))
    rgb = project / "sources" / "rgb.png"
    rgb.write_bytes(png())
    for path in (cmyk, palette):
        assert assets.image_url(path, "print") == path.as_uri()
        url = assets.image_url(path, "screen")
        assert url.startswith("data:image/png;base64,")
        with Image.open(io.BytesIO(assets.screen_png(path))) as copy:
            assert copy.mode in ("RGB", "RGBA")
            assert copy.size == Image.open(path).size
    assert assets.image_url(rgb, "screen") == rgb.as_uri()


def test_an_image_printed_under_300_dpi_is_named_with_its_dpi(project):
    low = project / "sources" / "low.png"
    low.write_bytes(png(400, 100))  # 400 px over 40 mm: 254 dpi
    high = project / "sources" / "high.png"
    high.write_bytes(png(1000, 100))  # 1000 px over 40 mm: 635 dpi
    html = (
        f'<img src="{low.as_uri()}" style="width: 40mm">'
        f'<img src="{high.as_uri()}" style="width: 40mm">'
    )
    document = weasyprint.HTML(string=html).render()
    notes = assets.dpi_notes(document, {"low.png": low, "high.png": high})
    assert notes == ["image 'low.png' prints at 254 dpi (under 300): use a larger image for print"]


def test_a_booklet_gets_an_rgb_logo_on_screen_and_a_dpi_warning_for_print(tmp_path, monkeypatch):
    from charterpress import project
    from charterpress.commands.build import make_products
    from charterpress.source.load import read_source
    from charterpress.source.schema import validate_source
    from charterpress.values import Options
    from pypdf import PdfReader
    from support import DATA

    (tmp_path / "sources").mkdir()
    Image.new("CMYK", (300, 120), (0, 200, 100, 0)).save(tmp_path / "sources" / "logo.jpg")
    text = (DATA / "cards-english.yaml").read_text(encoding="utf-8")
    text = text.replace("theme:\n", "theme:\n  logo: {file: logo.jpg, alt: A logo}\n", 1)
    (tmp_path / "sources" / "logo-test.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    project.use(None)
    source, problems = validate_source(read_source(tmp_path / "sources" / "logo-test.yaml"))
    assert source is not None, problems
    made = {p.name: p for p in make_products(source, Options(products=("booklet",)))}
    modes = {}
    for name in ("logo-test-booklet.pdf", "logo-test-booklet-print.pdf"):
        page = PdfReader(io.BytesIO(made[name].data)).pages[0]
        modes[name] = {image.image.mode for image in page.images}
    assert modes == {"logo-test-booklet.pdf": {"RGB"}, "logo-test-booklet-print.pdf": {"CMYK"}}
    assert made["logo-test-booklet.pdf"].notes == (
        "booklet: image 'logo.jpg' prints at 190 dpi (under 300): use a larger image for print",
    )
