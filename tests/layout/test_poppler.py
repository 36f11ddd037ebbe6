"""A second renderer (poppler) reads every PDF: no content stream may be malformed.

qpdf checks the file's structure; poppler interprets every content stream and reports an
unknown operator (``Qq``: two operators run together where one stream was appended to another).
"""

from __future__ import annotations

import io

import pypdf
from support import DATA, assert_poppler_clean, poppler_problems, products_of


def test_office_sheets_in_fold_mode_join_their_streams_with_a_separator():
    sheets = products_of(DATA / "cards-a6-fold.yaml", "cards")["cards-a6-fold-cards-sheets.pdf"]
    reader = pypdf.PdfReader(io.BytesIO(sheets.data))
    for page in reader.pages:
        data = page.get_contents().get_data()
        assert b"Qq" not in data and b"Q q" not in data.replace(b"Q\nq", b"")
    assert_poppler_clean(sheets.data, sheets.name)


def test_the_check_fails_on_the_defect_it_is_for():
    """The helper is not a stub: a page whose content says 'Qq' is reported."""
    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(100, 100)
    stream = pypdf.generic.DecodedStreamObject()
    stream.set_data(b"q 1 0 0 1 0 0 cm Qq 0 0 m 10 10 l S Q")
    page[pypdf.generic.NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    problems = poppler_problems(out.getvalue())
    assert any("Unknown operator 'Qq'" in p for p in problems), problems
