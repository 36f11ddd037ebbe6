"""The booklet: the charter as an A5 handbook, on screen, for print and imposed (``handbook``),
and as an accessible HTML page and EPUB (``edition``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...values import Options, Product, Source


def make(source: Source, options: Options) -> list[Product]:
    """Make every file of the booklet: the three PDFs, then booklet/index.html and the EPUB."""
    from . import edition, handbook

    return [*handbook.make(source, options), *edition.make(source)]
