"""The products a build can make: one registry, read by the CLI, the pipeline, the manifest and the index.

A product is a folder (a subpackage) of ``products/`` whose ``__init__.py`` declares
``PRODUCT = Registered(...)``: its name (the word ``--only`` takes), the function that makes its
files, and the files ``dist/index.html`` hands out with their labels. Nothing else names a
product: a new product is its folder plus its templates. The folders are found with
``pkgutil``, so this module imports no product (and no WeasyPrint) until one is made.

Two products read the files the others made, and are made after them in every build: the
job sheet (``printorder/``) and the preflight report (``preflight/``), ``reads=True``.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..values import Options, Product, Source


@dataclass(frozen=True)
class Registered:
    """One product of a build, as its folder declares it."""

    name: str
    """The word the command line and the manifest use: ``cards``, ``booklet``."""
    maker: str
    """``module:function`` inside the product's folder that makes its files:
    ``function(source, options) -> list[Product]``, imported when first used."""
    order: int
    """Its place in a build (lower first)."""
    group: str
    """The labels key of its group on ``dist/index.html`` (``dialogue_cards``; a dotted key
    names a table's entry, ``print_order.group``); empty: the index hands none of its files out
    in a group of its own (the preflight report)."""
    page: int
    """The group's place on ``dist/index.html`` (lower first)."""
    files: tuple[tuple[str, str | None], ...] = ()
    """The files the index hands out, in its order: a name (``{slug}`` stands for the charter's
    slug) and the labels key of its link text (None: the index chooses, as for office sheets)."""
    folders: tuple[str, ...] = ()
    """Folders inside ``dist/SLUG/`` its files are written into (``cards/`` of face PNGs)."""
    reads: bool = False
    """Made from the files the products before it made, which ``make`` is given (the job sheet,
    the preflight report): not a choice of ``--only``, made in every build, of what it made."""
    check: str = ""
    """``module:function(source, products)`` that proves the file it made, run after the build's
    font proof and text-layer proof (the job sheet's words); empty: none of its own."""
    drafts: bool = True
    """Made in a draft build too (the job sheet and the preflight are made of final files only)."""
    package: str = ""
    """The product's package, filled in by the registry."""

    def make(
        self, source: Source, options: Options, before: Sequence[Product] = ()
    ) -> list[Product]:
        """Make the product's files for one charter (pure: nothing is written); ``before``: the
        files the build made before it (given to a product that ``reads`` them)."""
        made = self._function(self.maker)
        return made(source, options, list(before)) if self.reads else made(source, options)

    def prove(self, source: Source, products: Sequence[Product]) -> None:
        """Run the product's own check of its file among ``products`` (raises BuildError)."""
        if self.check:
            self._function(self.check)(source, list(products))

    def _function(self, where: str) -> Callable:
        module, _, function = where.partition(":")
        return getattr(importlib.import_module(f".{module}", self.package), function)


@cache
def registered() -> dict[str, Registered]:
    """Return every registered product by name, in build order."""
    from . import __name__ as here
    from . import __path__ as folders

    found = []
    for info in pkgutil.iter_modules(folders):
        if not info.ispkg:
            continue
        package = f"{here}.{info.name}"
        declared = getattr(importlib.import_module(package), "PRODUCT", None)
        if isinstance(declared, Registered):
            found.append(dataclasses.replace(declared, package=package))
    return {p.name: p for p in sorted(found, key=lambda p: (p.order, p.name))}


def names() -> tuple[str, ...]:
    """Return the names ``--only`` chooses from, in build order: the products that read no
    other product's files."""
    return tuple(name for name, p in registered().items() if not p.reads)


def chosen(asked: tuple[str, ...], draft: bool = False) -> tuple[Registered, ...]:
    """Return the products a build makes, in build order: those asked for (none asked: all)
    and every product that reads their files; a draft only those made for drafts."""
    return tuple(
        p
        for name, p in registered().items()
        if (not asked or name in asked or p.reads) and (p.drafts or not draft)
    )


def folders() -> tuple[str, ...]:
    """Return every folder inside ``dist/SLUG/`` some product writes into."""
    return tuple(sorted({f for p in registered().values() for f in p.folders}))
