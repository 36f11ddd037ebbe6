"""The products a build can make: one registry, read by the CLI, the pipeline, the manifest and the index.

A product is a folder (a subpackage) of ``products/`` whose ``__init__.py`` declares
``PRODUCT = Registered(...)``: its name (the word ``--only`` takes), the function that makes its
files, and the files ``dist/index.html`` hands out with their labels. Nothing else names a
product: a new product is its folder plus its templates. The folders are found with
``pkgutil``, so this module imports no product (and no WeasyPrint) until one is made.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Callable
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
    """The labels key of its group on ``dist/index.html`` (``dialogue_cards``)."""
    page: int
    """The group's place on ``dist/index.html`` (lower first)."""
    files: tuple[tuple[str, str | None], ...] = ()
    """The files the index hands out, in its order: a name (``{slug}`` stands for the charter's
    slug) and the labels key of its link text (None: the index chooses, as for office sheets)."""
    folders: tuple[str, ...] = ()
    """Folders inside ``dist/SLUG/`` its files are written into (``cards/`` of face PNGs)."""
    package: str = ""
    """The product's package, filled in by the registry."""

    def make(self, source: Source, options: Options) -> list[Product]:
        """Make the product's files for one charter (pure: nothing is written)."""
        module, _, function = self.maker.partition(":")
        made: Callable = getattr(importlib.import_module(f".{module}", self.package), function)
        return made(source, options)


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
    """Return the registered products' names, in build order (``--only``'s choices)."""
    return tuple(registered())


def chosen(asked: tuple[str, ...]) -> tuple[Registered, ...]:
    """Return the products a build makes: those asked for (none asked: all), in build order."""
    products = registered()
    return tuple(p for name, p in products.items() if not asked or name in asked)


def folders() -> tuple[str, ...]:
    """Return every folder inside ``dist/SLUG/`` some product writes into."""
    return tuple(sorted({f for p in registered().values() for f in p.folders}))
