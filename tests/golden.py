"""Visual regression: reference PNGs of a few pages per theme, rendered from a fixed charter.

``make golden`` (``python tests/golden.py``) writes them to tests/golden/; tests/layout/test_golden.py
renders the same pages and compares them within a tolerance. A layout change then shows up as
a failing test until its new references are made on purpose (and looked at).
"""

from __future__ import annotations

import dataclasses
import io
import sys
from pathlib import Path

import pypdfium2
from charterpress import project
from PIL import Image, ImageChops, ImageStat

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
CHARTER = HERE / "data" / "golden.yaml"
THEMES = project.themes()  # the registry: a new theme needs its golden pages (make golden)
DPI = 36
"""Low resolution: type and layout show, anti-aliasing noise hardly does."""
TOLERANCE = 2.5
"""Mean absolute difference (0–255, all channels) within which a page counts as unchanged."""
MOVED = 0.02
"""The share of pixels that may differ by more than a quarter of the range."""


def pages(theme: str) -> dict[str, Image.Image]:
    """Return the reference pages of the golden charter set in ``theme``, as images."""
    sys.path.insert(0, str(HERE))
    from charterpress.commands.build import make_products
    from charterpress.values import Options
    from support import load

    source = load(CHARTER)
    charter = source.charter
    charter = charter.model_copy(update={"theme": charter.theme.model_copy(update={"name": theme})})
    source = dataclasses.replace(source, charter=charter)
    made = {
        p.name.split("-", 1)[1]: p.data
        for p in make_products(source, Options())
        if p.name.endswith(".pdf")  # (not booklet/index.html: builder/products/booklet/edition.py)
    }
    chapter = _page_of(made["booklet.pdf"], charter.sections[0].title)
    wanted = {
        "card-front": ("cards-print.pdf", 2),
        "card-back": ("cards-print.pdf", 3),
        "cover": ("booklet.pdf", 0),
        "chapter": ("booklet.pdf", chapter),
        "imposed": ("booklet-imposed.pdf", 0),
    }
    return {name: render(made[file], index) for name, (file, index) in wanted.items()}


def _page_of(pdf: bytes, text: str) -> int:
    """Return the index of the first page (after the contents) whose text holds ``text``."""
    document = pypdfium2.PdfDocument(pdf)
    for index in range(3, len(document)):
        if text in document[index].get_textpage().get_text_range().replace("\r\n", " "):
            return index
    raise LookupError(text)


def render(pdf: bytes, index: int) -> Image.Image:
    """Return one page of ``pdf`` as an RGB image at DPI."""
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    return document[index].render(scale=DPI / 72).to_pil().convert("RGB")


def difference(a: Image.Image, b: Image.Image) -> tuple[float, float]:
    """Return the mean absolute difference of two images and the share of pixels far apart."""
    if a.size != b.size:
        return 255.0, 1.0
    diff = ImageChops.difference(a, b)
    mean = sum(ImageStat.Stat(diff).mean) / 3
    far = sum(diff.convert("L").histogram()[65:])
    return mean, far / (a.width * a.height)


def main() -> None:
    """Write the reference PNGs."""
    GOLDEN.mkdir(exist_ok=True)
    for theme in THEMES:
        for name, image in pages(theme).items():
            image.save(GOLDEN / f"{theme}-{name}.png", optimize=True)
            print(f"tests/golden/{theme}-{name}.png")


if __name__ == "__main__":
    main()
