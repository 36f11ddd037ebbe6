"""Typographic marks: a municipality's monogram drawn as outlines from a bundled font.

The mark is artwork, like a logo: its letters are vector paths (fontTools' outlines), not text,
so the PDF's text holds only what the source says, and the mark looks the same on every
machine. Templates call ``outline(letters, font)`` with a font file below ``assets/fonts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.pens.boundsPen import BoundsPen
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
    left: float = 0.0
    """Where the ink starts, in font units from the origin (a side bearing; may be negative)."""
    right: float = 0.0
    """Where the ink ends (the right side bearing of the last letter is not ink)."""
    top: float = 0.0
    """The highest ink above the baseline, in font units: the cap height or more (an Ø's or an
    O's overshoot, an ascender, an accent)."""
    bottom: float = 0.0
    """The lowest ink below the baseline, in font units, as a depth (0 or more: a g's
    descender, an Ø's stroke under the bowl)."""

    @property
    def ink_width(self) -> float:
        """Return the width of the ink, in font units."""
        return self.right - self.left

    @property
    def ink_height(self) -> float:
        """Return the height of the ink from its lowest to its highest point, in font units."""
        return self.top + self.bottom

    def scale(self, size: float) -> float:
        """Return the factor from font units to a type size in the SVG's own units."""
        return size / self.units

    def fit(self, width: float, height: float) -> float:
        """Return the largest factor at which the ink fits in ``width`` × ``height`` (SVG units)."""
        return min(width / (self.ink_width or 1), height / (self.ink_height or 1))

    def view_box(self, pad: float = 0.0) -> str:
        """Return an SVG viewBox that holds the ink and ``pad`` font units around it."""
        return (
            f"{self.left - pad:g} {-self.top - pad:g} "
            f"{self.ink_width + 2 * pad:g} {self.ink_height + 2 * pad:g}"
        )


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
    bounds = BoundsPen(glyphs)  # in font units, y up: the ink's real box, not the em's
    x = 0.0
    for char in letters:
        name = cmap.get(ord(char))
        if name is None:
            continue
        glyphs[name].draw(TransformPen(pen, (1, 0, 0, -1, x, 0)))
        glyphs[name].draw(TransformPen(bounds, (1, 0, 0, 1, x, 0)))
        x += glyphs[name].width
    os2 = face["OS/2"]
    cap = float(getattr(os2, "sCapHeight", 0) or face["head"].unitsPerEm * 0.7)
    left, low, right, high = bounds.bounds or (0.0, 0.0, x, cap)
    return Outline(
        pen.getCommands(),
        x,
        face["head"].unitsPerEm,
        cap,
        left=float(left),
        right=float(right),
        top=float(high),
        bottom=float(max(-low, 0.0)),
    )
