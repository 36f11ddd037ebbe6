"""The booklet: the charter as an A5 handbook, on screen, for print and imposed (``handbook``),
and as an accessible HTML page and EPUB (``edition``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..registry import Registered

if TYPE_CHECKING:
    from ...values import Options, Product, Source

PRODUCT = Registered(
    name="booklet",
    maker=":make",  # make() below: the handbook's PDFs, then the edition's HTML and EPUB
    order=2,
    group="handbook",
    page=1,
    files=(
        ("booklet/index.html", "for_reading"),  # edition.FOLDER
        ("{slug}-booklet.pdf", "for_screen"),
        ("{slug}-booklet-print.pdf", "for_print_shop"),
        ("{slug}-booklet-imposed.pdf", "for_office_booklet"),
        ("{slug}-booklet.epub", "for_ebook"),
    ),
    folders=("booklet",),
)


def make(source: Source, options: Options) -> list[Product]:
    """Make every file of the booklet: the three PDFs, then booklet/index.html and the EPUB."""
    from . import edition, handbook

    return [*handbook.make(source, options), *edition.make(source)]
