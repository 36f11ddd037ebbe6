"""Gentofte's cover frame (the classic theme) stands at least 10 mm inside the trim (issue 20):
a cut a millimetre or two off does not show. Measured on the rendered cover of both booklets."""

from __future__ import annotations

import pypdfium2
import pytest
from support import ROOT, products_of

PX_PER_MM = 4


@pytest.mark.parametrize("product, bleed", [("booklet", 0.0), ("booklet-print", 3.0)])
def test_the_classic_cover_frame_is_10_mm_inside_the_trim(product, bleed):
    pdf = products_of(ROOT / "sources" / "gentofte.yaml", "booklet")[f"gentofte-{product}.pdf"]
    page = pypdfium2.PdfDocument(pdf.data)[0]
    image = page.render(scale=PX_PER_MM / (72 / 25.4)).to_pil().convert("L")
    width, height = image.size
    left, top, right, bottom = image.point(lambda v: 255 if v < 100 else 0).getbbox()
    inside = [left, top, width - right, height - bottom]  # the frame is the outermost dark ink
    assert all(px / PX_PER_MM - bleed >= 10.0 for px in inside), [px / PX_PER_MM for px in inside]
