"""Units and the print constants shared by the products: one place for each number.

PDF measures in points (1/72 in), WeasyPrint's layout in CSS pixels (1/96 in), our designs
and the charter's theme in millimetres. The factors here are the very expressions their
copies were (``72 / 25.4``, not ``72 * (1 / 25.4)``): an expression whose arithmetic changed
could differ in the last bit of a float and so change the bytes of a PDF. A computation
written as ``x * 25.4 / 72`` stays that, spelled ``x * MM_PER_INCH / PT_PER_INCH`` (the same
operations in the same order), rather than becoming ``x * MM_PER_PT``.

This module imports nothing of the package, so that any module may import it.
"""

from __future__ import annotations

MM_PER_INCH = 25.4
PT_PER_INCH = 72
"""PDF points per inch."""
PX_PER_INCH = 96
"""CSS pixels (WeasyPrint's layout unit) per inch."""

PT_PER_MM = PT_PER_INCH / MM_PER_INCH
"""PDF points per millimetre (72 / 25.4)."""
MM_PER_PT = MM_PER_INCH / PT_PER_INCH
"""Millimetres per PDF point (25.4 / 72)."""
PX_PER_MM = PX_PER_INCH / MM_PER_INCH
"""CSS pixels per millimetre (96 / 25.4)."""


def mm(value: float) -> float:
    """Return ``value`` millimetres in PDF points."""
    return value * PT_PER_MM


BLEED_MM = 3.0
"""The bleed of every print file (cards and booklet): 3 mm past the trim on each side."""

BODY_INK_PRINT = "device-cmyk(0 0 0 1)"
"""Text in the body colour, in print files: black ink only, which a print shop leaves alone
(RGB near-black would be separated into four inks and print blurred)."""

TINT = 0.9
"""How much white a pale tint holds: the tint card backs are printed on, and a booklet
chapter's tint (--c-tint)."""

INK_DARK_CARDS = "#1d1d1f"
"""The near-black of text on a light card colour (products/cards/faces.py)."""
INK_DARK_BOOKLET = "#1c1c1c"
"""The near-black of text on a light colour field in the booklet, and of its running text on
screen (products/booklet/handbook.py, and the onboarding pages set like the booklet).

The two near-blacks differ by a hair, for no reason anyone recalls. Making them one is a
visible change (other bytes in every PDF), left for the look issue, not for a refactor."""
