"""Colour maths for both products: WCAG luminance and contrast, mixing, ink that reads on a field."""

from __future__ import annotations

WHITE = "#ffffff"
BLACK = "#000000"
AA_TEXT = 4.5
"""The WCAG AA contrast ratio for body text."""


def rgb(colour: str) -> tuple[int, int, int]:
    """Return the red, green and blue (0–255) of a #rrggbb colour."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _linear(channel: int) -> float:
    """Return an sRGB channel (0–255) as linear light (0–1)."""
    s = channel / 255
    return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Return the WCAG relative luminance of a hex colour."""
    r, g, b = (_linear(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two hex colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(colour: str, other: str, share: float) -> str:
    """Return ``colour`` mixed with ``share`` (0–1) of ``other``, as #rrggbb."""
    pairs = zip(rgb(colour), rgb(other), strict=True)
    return "#" + "".join(f"{round(c + (o - c) * share):02x}" for c, o in pairs)


def ink(background: str, dark: str) -> str:
    """Return white or ``dark``, whichever reads better on ``background`` (white on a tie)."""
    return WHITE if contrast(background, WHITE) >= contrast(background, dark) else dark


def readable(colour: str, on: str = WHITE, ratio: float = AA_TEXT, steps: int = 20) -> str:
    """Return ``colour`` darkened just enough to reach ``ratio`` on ``on``, in ``steps`` steps to black."""
    for step in range(steps + 1):
        darker = mix(colour, BLACK, step / steps)
        if contrast(darker, on) >= ratio:
            return darker
    return BLACK


def soften(colour: str, towards: str, share: float, ratio: float = AA_TEXT, steps: int = 10) -> str:
    """Return ``colour`` mixed with up to ``share`` of ``towards``, but never under ``ratio`` on it.

    The soft ink of a label set on a colour field (``towards`` is the field): the full share
    where the ink has contrast to spare, less (in ``steps``) where it has not, and ``colour``
    itself where even that is short. A field that white barely reads on thus gets white labels,
    not a 'softer' white at 4:1.
    """
    for step in range(steps, 0, -1):
        softer = mix(colour, towards, share * step / steps)
        if contrast(softer, towards) >= ratio:
            return softer
    return colour


SHADE_REACH = 0.6
"""How far towards the accent the last section's shade goes."""


def section_shades(colour: str, accent: str, count: int) -> list[str]:
    """Return one colour per section, from ``colour`` towards ``accent``: a family, not a rainbow.

    Each shade is darkened until white text reads on it (WCAG AA), so every band can carry
    white type. A municipality's sections are thus told apart, and its deck from another's.
    """
    shades = []
    for index in range(count):
        share = SHADE_REACH * index / max(count - 1, 1)
        shades.append(readable(mix(colour, accent, share), WHITE))
    return shades
