"""The values that pass between the stages: what a build was asked, what it made, a validated source.

This module imports nothing of the package but the exception family (``errors``), so every stage
can use these types without importing another stage: the package has no import circle
(``tests/test_shape.py`` checks it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Problem

if TYPE_CHECKING:  # annotations only: the model imports pydantic, which a no-change build skips
    from .source.model import Charter
    from .text.hyphenate import Exceptions


def sha256(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Shrunk:
    """A card face whose text the fitting step set smaller than designed."""

    card: int
    """The card's number in the deck (1 is the title card)."""
    side: str
    """'front' or 'back'."""
    size: float
    """The size the text got, in pt."""


@dataclass(frozen=True)
class Product:
    """One file a build makes, in memory until it is written."""

    name: str
    """File name inside ``dist/SLUG/``, e.g. ``glostrup-cards-print.pdf``."""
    data: bytes
    pages: int
    notes: tuple[str, ...] = ()
    """What the build wants the user to know (e.g. which cards were shrunk)."""
    shrunk: tuple[Shrunk, ...] = ()
    """The card faces set smaller to fit (the previews mark them)."""


@dataclass(frozen=True)
class Options:
    """What the user asked of a build beyond the sources themselves."""

    marks: bool = False
    """Crop marks outside the bleed on the print-shop PDFs."""
    products: tuple[str, ...] = ()
    """The products to make, by their registered names (``products/registry.py``); none: all."""
    force: bool = False
    """Rebuild even when nothing changed."""
    jobs: int = 1
    """How many charters to render at once (processes)."""
    previews: bool = True
    """Make PNG previews (dist/SLUG/preview/) and keep them current."""
    draft: bool = False
    """Build drafts: questions may be missing, every page is marked (source/draft.py)."""
    quantity: int | None = None
    """``build --quantity``: the copies the job sheet orders, instead of the source's ``print.quantity``."""
    offset: tuple[float, float] | None = None
    """``build --offset X,Y``: the duplex printer's back-side offset in mm, instead of the
    source's ``theme.sheet.offset``."""
    booklet_offset: tuple[float, float] | None = None
    """``build --booklet-offset X,Y``: the duplex printer's back-side offset in mm for the
    imposed booklet, instead of the source's ``theme.sheet.booklet_offset``."""


@dataclass
class Built:
    """What happened to one charter in a build."""

    slug: str
    products: list[Product] = field(default_factory=list)
    """The PDFs made (empty when they were current)."""
    paths: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    skipped: bool = False
    """Nothing was made: PDFs and previews were current."""
    previews: list[Product] = field(default_factory=list)
    preview_paths: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    """A validated charter and where it came from."""

    name: str
    slug: str
    charter: Charter
    digest: str
    """SHA-256 of the source bytes: the cache key of everything built from it."""
    lines: dict[str, int]
    """Field path -> line, so later stages can point at the source ('sections[1].body[0].commitments[2]')."""
    images: dict[str, Path]
    """Each image file named in the source (logo, figures) -> its checked absolute path."""
    hyphenation: Exceptions
    """The charter's own hyphenation exceptions (``SLUG.hyphenation.txt``), added to its language's."""

    def line_of(self, path: str) -> int | None:
        """Return the source line of a field path, if known."""
        return self.lines.get(path)

    def problem(self, path: str, message: str) -> Problem:
        """Return a problem with the field at ``path``, located at its source line."""
        return Problem(self.name, self.line_of(path), None, path, message)
