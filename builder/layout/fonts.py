"""The bundled fonts (assets/fonts/): which characters they can draw, and how to recognise them in a PDF.

Output must never depend on the machine's fonts. A character none of these fonts has would
be drawn by whatever font the host happens to offer, so the build refuses it (``proof``);
and every font embedded in an output must be one of these (matched by PostScript name and
unique id, which survive subsetting by HarfBuzz and by fontTools alike).
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

from .. import project

SUFFIXES = (".otf", ".ttf")
IGNORED = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
"""Characters that are never drawn (soft hyphen, zero-width joiners and spaces)."""


def folders() -> tuple[Path, ...]:
    """Return the font folders the renderer may use: the project's assets/fonts/, then the package's."""
    return tuple(project.layers("assets", "fonts"))


def font_files(places: tuple[Path, ...]) -> tuple[Path, ...]:
    """Return every font file below the folders ``places``, sorted."""
    return tuple(
        sorted(p for folder in places for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES)
    )


def coverage() -> frozenset[int]:
    """Return the code points that at least one bundled font maps to a glyph."""
    return _coverage(folders())


@lru_cache(maxsize=4)
def _coverage(places: tuple[Path, ...]) -> frozenset[int]:
    points: set[int] = set()
    for path in font_files(places):
        with TTFont(path, lazy=True) as font:
            points.update(font.getBestCmap() or {})
    return frozenset(points)


def missing(text: str) -> list[str]:
    """Return the characters of ``text`` that no bundled font has, each once, in order of use."""
    have = coverage()
    found: dict[str, None] = {}
    for char in text:
        if ord(char) not in have and not char.isspace() and char not in IGNORED:
            found.setdefault(char)
    return list(found)


def describe(char: str) -> str:
    """Return a character as people can find it: ``U+1F600 '😀'``."""
    return f"U+{ord(char):04X} '{char}'"


def identity(font: TTFont) -> tuple[str, str]:
    """Return (PostScript name, unique id) from a font's name table."""
    names = font.get("name")
    if names is None:
        return ("", "")
    return (names.getDebugName(6) or "", names.getDebugName(3) or "")


def identities() -> frozenset[tuple[str, str]]:
    """Return the (PostScript name, unique id) of every bundled font."""
    return _identities(folders())


@lru_cache(maxsize=4)
def _identities(places: tuple[Path, ...]) -> frozenset[tuple[str, str]]:
    found = set()
    for path in font_files(places):
        with TTFont(path, lazy=True) as font:
            found.add(identity(font))
    return frozenset(found)


def embedded_identity(data: bytes) -> tuple[str, str]:
    """Return the (PostScript name, unique id) of a font program embedded in a PDF."""
    try:
        with TTFont(io.BytesIO(data), lazy=True) as font:
            return identity(font)
    except Exception:  # a bare CFF program or a damaged font: it cannot be one of ours
        return ("", "")
