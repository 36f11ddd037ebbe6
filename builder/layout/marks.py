"""Typographic marks: a municipality's monogram drawn as outlines from a bundled font.

The mark is artwork, like a logo: its letters are vector paths (fontTools' outlines), not text,
so the PDF's text holds only what the source says, and the mark looks the same on every
machine. Templates call ``outline(letters, font)`` with a font file below ``assets/fonts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

from .. import project


@dataclass(frozen=True)
class Outline:
    """Letters as one SVG path in font units (y down, baseline at 0), with their metrics."""

    d: str
    width: float
    """The advance width of the letters, in font units."""
    units: int
    """Units per em."""
    cap: float
    """The cap height, in font units (the top of a capital above the baseline)."""

    def scale(self, size: float) -> float:
        """Return the factor from font units to a type size in the SVG's own units."""
        return size / self.units


@lru_cache(maxsize=8)
def _font(path: str) -> TTFont:
    from ..projectfiles import check_font  # inside assets/fonts of the project or package, a font

    return TTFont(check_font(Path(path)), lazy=True)


@lru_cache(maxsize=64)
def outline(letters: str, font: str) -> Outline:
    """Return ``letters`` set in ``font`` (a path below assets/fonts) as outlines.

    A letter the font lacks is left out (a monogram is short; the proof checks text, not art).
    """
    face = _font(str(project.find("assets", "fonts", *font.split("/"))))
    glyphs = face.getGlyphSet()
    cmap = face.getBestCmap()
    pen = SVGPathPen(glyphs)
    x = 0.0
    for char in letters:
        name = cmap.get(ord(char))
        if name is None:
            continue
        glyphs[name].draw(TransformPen(pen, (1, 0, 0, -1, x, 0)))
        x += glyphs[name].width
    os2 = face["OS/2"]
    cap = getattr(os2, "sCapHeight", 0) or face["head"].unitsPerEm * 0.7
    return Outline(pen.getCommands(), x, face["head"].unitsPerEm, float(cap))
