"""Colour maths for both products: WCAG luminance and contrast, mixing, ink that reads on a field."""

from __future__ import annotations

import math

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


# --- OKLCH: lightness, chroma and hue as the eye sees them ------------------------------------
# (Björn Ottosson's Oklab, 2020.) Section palettes are stepped here, not mixed in RGB: a mix of
# a blue and a yellow passes through grey-olive (#80753d), a step in hue at one chroma does not.


def _srgb_linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _linear_srgb(channel: float) -> float:
    return 12.92 * channel if channel <= 0.0031308 else 1.055 * channel ** (1 / 2.4) - 0.055


def oklch(colour: str) -> tuple[float, float, float]:
    """Return the OKLCH lightness (0–1), chroma (0–about 0.37) and hue (degrees) of a hex colour."""
    r, g, b = (_srgb_linear(c / 255) for c in rgb(colour))
    l_ = (0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b) ** (1 / 3)
    m_ = (0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b) ** (1 / 3)
    s_ = (0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b) ** (1 / 3)
    lightness = 0.2104542553 * l_ + 0.7936177850 * m_ - 0.0040720468 * s_
    a = 1.9779984951 * l_ - 2.4285922050 * m_ + 0.4505937099 * s_
    b_ = 0.0259040371 * l_ + 0.7827717662 * m_ - 0.8086757660 * s_
    return lightness, math.hypot(a, b_), math.degrees(math.atan2(b_, a)) % 360


def _oklch_linear(lightness: float, chroma: float, hue: float) -> tuple[float, float, float]:
    a = chroma * math.cos(math.radians(hue))
    b = chroma * math.sin(math.radians(hue))
    l_ = (lightness + 0.3963377774 * a + 0.2158037573 * b) ** 3
    m_ = (lightness - 0.1055613458 * a - 0.0638541728 * b) ** 3
    s_ = (lightness - 0.0894841775 * a - 1.2914855480 * b) ** 3
    return (
        4.0767416621 * l_ - 3.3077115913 * m_ + 0.2309699292 * s_,
        -1.2684380046 * l_ + 2.6097574011 * m_ - 0.3413193965 * s_,
        -0.0041960863 * l_ - 0.7034186147 * m_ + 1.7076147010 * s_,
    )


def from_oklch(lightness: float, chroma: float, hue: float) -> str:
    """Return the hex colour of an OKLCH triple; outside sRGB, the chroma is lowered until it fits
    (the lightness and hue, which the eye reads first, are kept)."""
    low, high = 0.0, chroma
    channels = _oklch_linear(lightness, chroma, hue)
    if not all(-1e-6 <= c <= 1 + 1e-6 for c in channels):
        for _ in range(24):  # bisect the largest chroma in gamut
            mid = (low + high) / 2
            if all(-1e-6 <= c <= 1 + 1e-6 for c in _oklch_linear(lightness, mid, hue)):
                low = mid
            else:
                high = mid
        channels = _oklch_linear(lightness, low, hue)
    return "#" + "".join(
        f"{round(min(max(_linear_srgb(min(max(c, 0.0), 1.0)), 0.0), 1.0) * 255):02x}"
        for c in channels
    )


def deepen(colour: str, on: str = WHITE, ratio: float = AA_TEXT) -> str:
    """Return ``colour`` with its OKLCH lightness lowered just enough for ``on`` to reach ``ratio``
    on it (hue and chroma kept): darker, not greyer, as mixing with black makes it."""
    if contrast(colour, on) >= ratio:
        return colour
    lightness, chroma, hue = oklch(colour)
    step = 0.005
    while lightness > 0:
        lightness -= step
        candidate = from_oklch(lightness, chroma, hue)
        if contrast(candidate, on) >= ratio:
            return candidate
    return readable(colour, on, ratio)


SHADE_ARC = 48.0
"""The widest turn of hue (degrees) a section palette takes from the theme's colour: a family,
not a rainbow, however far the accent lies round the wheel."""
SHADE_LIFT = 0.05
"""The lightness (OKLCH) by which every other section is lighter: neighbours differ in tone as
well as in hue (never darker than the theme colour: a dark shade loses its chroma to the gamut)."""


OLIVE = (75.0, 115.0)
"""The hues (OKLCH degrees) that, dark enough to carry white text, turn olive or mud brown
(Ishøj's blend was #80753d at 98°, Glostrup's #936d26 at 80°): a palette steps round them."""


def _through_olive(hue: float, arc: float) -> bool:
    """Tell whether turning from ``hue`` by ``arc`` degrees passes through the OLIVE hues."""
    low, high = OLIVE
    steps = max(int(abs(arc)), 1)
    return any(low <= (hue + arc * i / steps) % 360 <= high for i in range(1, steps + 1))


def section_shades(colour: str, accent: str, count: int) -> list[str]:
    """Return one colour per section: the theme's colour first, then steps in hue towards the
    accent (at most SHADE_ARC, the shorter way round, or away from it where that way leads
    through the OLIVE hues) at the colour's own chroma, every other one a little lighter: a
    family, not a rainbow, and never a muddy mix.

    Each shade is deepened (in OKLCH lightness) until white text reads on it (WCAG AA), so
    every band can carry white type. A municipality's sections are thus told apart, and its
    deck from another's. A designer's own colours (a section's ``colour:``) come first.
    """
    lightness, chroma, hue = oklch(colour)
    _, accent_chroma, accent_hue = oklch(accent)
    turn = (accent_hue - hue + 180) % 360 - 180  # the shorter way to the accent's hue
    if accent_chroma < 0.03 or chroma < 0.03:  # a grey has no hue to turn from or to
        turn = SHADE_ARC
    arc = max(-SHADE_ARC, min(SHADE_ARC, turn))
    if _through_olive(hue, arc) and not _through_olive(hue, -arc):
        arc = -arc  # dark yellows read as olive and mud: turn the other way round
    shades = []
    for index in range(count):
        t = index / max(count - 1, 1)
        lift = SHADE_LIFT if index % 2 else 0.0
        shade = from_oklch(min(lightness + lift, 0.95), chroma, (hue + arc * t) % 360)
        shades.append(deepen(shade, WHITE))
    return shades
