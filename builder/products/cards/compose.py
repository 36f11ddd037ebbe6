"""A card face composed, not hung: its text placed optically in the face, its lines balanced.

Read from a face laid out at its final size (``layout/tree.py``), the face's composition is:

- the **shift**: how far the main text block (the ``.main`` element and what follows it) moves
  down from the deck's top line, so that it stands at the optical centre of the room between
  the band (or the back's head) and the card number: of the room the text leaves free,
  ``ABOVE`` is above the block and the rest below it. The block never passes the page's
  content area (the proof checks that), so a full face stays where it was;
- the **measures**: for each paragraph of the block set on two lines or more, the narrowest
  width (CSS px) that keeps its number of lines, so that the lines are of about one length
  (WeasyPrint 70 has no ``text-wrap: balance``). The width is found by setting the paragraph
  line by line in Python with the font's advance widths (fontTools; kerning left out, so a
  word is measured a little wider than it is drawn, never narrower): WeasyPrint, with the
  narrower true widths and at least the same places to break, then needs no more lines than
  the simulation (first-fit line breaking is monotone in both the width of the column and
  the widths of the words), and no fewer than at the full width. A centred paragraph keeps
  its centre (its margins auto).

The deck lays its faces out once more with the compositions (``deck.fit``); a face that would
not hold its text so is kept as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from ...layout import fonts, tree
from ...text.hyphenate import SOFT_HYPHEN

ABOVE = 0.48
"""The share of a face's free room set above its text block (the optical centre is a little
above the middle: the rest, below the block, reads as the ground it stands on)."""
BALANCED = ("principle", "commitment", "question", "group-title")
"""The paragraphs whose lines are balanced (classes of the cards' templates)."""
SAFETY = 1.01
"""Words are measured this much wider than their advance widths say (a kerning pair that
opens a word, a shaping difference)."""
SLACK_PX = 0.75
"""Added to the narrowest width found: the column is never cut to the last fraction."""


@dataclass(frozen=True)
class Composed:
    """How one face is composed: the block's shift down (mm) and its paragraphs' widths (px)."""

    shift_mm: float = 0.0
    measures: dict[str, float] = field(default_factory=dict)
    """Class of a paragraph ('commitment') -> its max-width in CSS px."""
    centred: bool = False
    """The face's text is centred (its narrowed paragraphs keep their centre)."""


PX_PER_MM = 96 / 25.4


def compose(page: object, fonts_css: str) -> Composed:
    """Return the composition of a laid-out face (an unchanged one when it has no main block).

    ``fonts_css``: the source of the fonts.css the deck was laid out with (its @font-face rules
    name the font files the paragraphs are measured in).
    """
    root = tree.page_box(page)
    blocks = list(tree.descendants(root, tree.BLOCK, margins=False))
    main = next((b for b in blocks if "main" in tree.classes(b)), None)
    if main is None:
        return Composed()
    measures: dict[str, float] = {}
    centred = False
    for block in blocks:
        names = tree.classes(block) & set(BALANCED)
        if not names or not tree.own(block):
            continue
        width, centre = balanced_width(block, fonts_css)
        centred = centred or centre
        if width is not None:
            measures[sorted(names)[0]] = round(width, 2)
    return Composed(round(_shift(root, main), 2), measures, centred)


def _shift(root: object, main: object) -> float:
    """Return how far (mm) the block from ``main`` to the face's end moves down to the optical centre."""
    start = tree.border(main).y
    lines = [
        tree.placed(line)
        for line in tree.descendants(root, tree.LINE, margins=False)
        if tree.placed(line).y >= start - 0.5 and tree.line_text(line).strip()
    ]
    if not lines:
        return 0.0
    foot = _head_foot(root, start)
    top = min(line.y for line in lines)
    bottom = max(line.bottom for line in lines)
    number = _number_top(root)
    limit = tree.content(root).bottom - 1.0  # the proof's content area, with a pixel to spare
    room = (number if number is not None else limit) - foot - (bottom - top)
    shift = ABOVE * room - (top - foot)
    shift = min(shift, limit - bottom)
    return max(0.0, shift) / PX_PER_MM


def _head_foot(root: object, start: float) -> float:
    """Return the foot (px) of what is drawn above ``start``: the band's colour or rule, the
    head's last line of text (a band's box may reach lower than what it shows)."""
    foot = tree.content(root).y
    for box in tree.descendants(root, margins=False):
        if tree.is_line(box):
            place = tree.placed(box)
            if place.bottom <= start + 0.5 and tree.line_text(box).strip():
                foot = max(foot, place.bottom)
        elif isinstance(box, tree.BLOCK) and tree.paints(box):
            edge = tree.border(box).bottom
            if edge <= start + 0.5:
                foot = max(foot, edge)
    return foot


def _number_top(root: object) -> float | None:
    """Return the top (px) of the card number's line (the page's bottom margin box), if any."""
    tops = [
        tree.placed(line).y
        for box in tree.children(root)
        if tree.is_margin(box)
        for line in tree.descendants(box, tree.LINE)
        if tree.line_text(line).strip()
    ]
    return min(tops) if tops else None


def balanced_width(block: object, fonts_css: str) -> tuple[float | None, bool]:
    """Return the narrowest width (px) that keeps a paragraph's number of lines (None: leave it),
    and whether it is centred."""
    lines = tree.child_lines(block)
    texts = tree.text_boxes(block)
    if not texts:
        return None, False
    style = tree.style(texts[0])
    centred = style["text_align_all"] == "center"
    element = tree.element(block)
    text = "".join(element.itertext()) if element is not None else ""  # type: ignore[attr-defined]
    if len(lines) < 2 or not text or SOFT_HYPHEN in text:
        return None, centred
    metrics = font_metrics(fonts_css, style["font_family"], style["font_weight"], style["font_style"])
    if metrics is None:
        return None, centred
    size = float(style["font_size"])
    spacing = style["letter_spacing"]
    spacing = 0.0 if spacing == "normal" else float(spacing)
    words = re.split(r"[ \t\n\r]+", text.strip())  # a no-break space stays inside its word
    widths = [metrics.width(w, size, spacing) * SAFETY for w in words]
    space = metrics.width(" ", size, spacing)
    full = tree.content(block).width
    count = len(lines)
    if _count(widths, space, full) > count:  # the estimate is not close enough to trust
        return None, centred
    low, high = max(widths), full
    if _count(widths, space, low) <= count:
        high = low
    while high - low > 0.25:
        middle = (low + high) / 2
        if _count(widths, space, middle) <= count:
            high = middle
        else:
            low = middle
    width = high + SLACK_PX
    return (width if width < full - 1.0 else None), centred


def _count(widths: list[float], space: float, measure: float) -> int:
    """Return how many lines first-fit breaking sets ``widths`` in at ``measure`` (px)."""
    lines, used = 1, widths[0]
    for width in widths[1:]:
        if used + space + width <= measure:
            used += space + width
        else:
            lines, used = lines + 1, width
    return lines


@dataclass(frozen=True)
class Metrics:
    """A font's advance widths, in font units, and its units per em."""

    advances: dict[int, int]
    upm: int
    fallback: int

    def width(self, text: str, size_px: float, spacing_px: float = 0.0) -> float:
        """Return the advance width (px) of ``text`` at ``size_px``, letter spacing added."""
        units = sum(self.advances.get(ord(c), self.fallback) for c in text if c != SOFT_HYPHEN)
        return units * size_px / self.upm + spacing_px * len(text)


FACE = re.compile(
    r'font-family:\s*"(?P<family>[^"]+)";\s*font-weight:\s*(?P<weight>\d+);\s*'
    r'font-style:\s*(?P<style>\w+);\s*src:\s*url\("assets/fonts/(?P<file>[^"]+)"\)'
)


@cache
def _faces(fonts_css: str) -> tuple[tuple[str, int, str, str], ...]:
    """Return (family, weight, style, file below assets/fonts) of every @font-face in fonts.css."""
    return tuple(
        (m["family"], int(m["weight"]), m["style"], m["file"]) for m in FACE.finditer(fonts_css)
    )


def font_metrics(
    fonts_css: str, families: tuple[str, ...], weight: int, style: str
) -> Metrics | None:
    """Return the metrics of the bundled face CSS matches for a family list, weight and style."""
    for family in families:
        faces = [f for f in _faces(fonts_css) if f[0] == family]
        if not faces:
            continue
        styled = [f for f in faces if f[2] == style] or faces
        face = min(styled, key=lambda f: (abs(f[1] - int(weight)), -f[1]))
        return _metrics(face[3])
    return None


@cache
def _metrics(file: str) -> Metrics | None:
    for folder in fonts.folders():
        path = Path(folder) / file
        if path.is_file():
            with TTFont(path, lazy=True) as font:
                cmap = font.getBestCmap() or {}
                hmtx = font["hmtx"].metrics
                upm = font["head"].unitsPerEm
                advances = {point: hmtx[name][0] for point, name in cmap.items() if name in hmtx}
            fallback = max(advances.values(), default=upm)
            return Metrics(advances, upm, fallback)
    return None
