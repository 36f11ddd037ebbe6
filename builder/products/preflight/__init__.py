"""The preflight report (``SLUG-preflight.txt``): the print shop's checks, run on the print
files the build made before it (``prepress/preflight.py``); an error stops the build."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..registry import Registered

if TYPE_CHECKING:
    from ...values import Options, Product, Source

PRODUCT = Registered(
    name="preflight",
    maker=":make",
    order=95,  # after the job sheet, of the same print files
    group="",  # a report for the build's reader, not a file the index hands out
    page=95,
    files=(("{slug}-preflight.txt", None),),
    reads=True,
    drafts=False,
)


def make(source: Source, options: Options, products: list[Product]) -> list[Product]:
    """Preflight the print PDFs among ``products``: the report, or a BuildError (none: no file)."""
    if not any(p.name.endswith("-print.pdf") for p in products):
        return []
    from ...prepress import preflight

    return [preflight.run(source, products)]
