"""A card face composed, not hung: its text placed optically in the face, its lines balanced.

Read from a face laid out at its final size (``layout/tree.py``), the face's composition is:

- the **shift**: how far the main text block (the ``.main`` element and what follows it) moves
  down from the deck's top line, so that it stands at the optical centre of the room between
  the band (or the back's head) and the card number: of the room the text leaves free,
  ``ABOVE`` is above the block and the rest below it. The block never passes the page's
  content area (the proof checks that), so a full face stays where it was;
- the **lines**: each paragraph of the block that WeasyPrint set on two lines or more is
  broken anew into as many lines, of about one length (WeasyPrint 70 has no
  ``text-wrap: balance``): the target is the length every line would have if all were
  even, and the breaks are those with the least squared difference from it (the last line
  may be shorter, down to ``LAST_LEAST``; one word alone on it costs ``LONE``). Words are measured with the font's
  advance widths (fontTools; kerning left out, so a word is measured a little wider than it
  is drawn, never narrower): a line found to fit the column fits it as drawn. The template
  sets the lines with a line feed at each break (``white-space: pre-line``); a word bound
  with a no-break space stays bound.

The deck lays its faces out once more with the compositions (``fit.fit``); a face that would
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
from ...text.reading import NBSP

ABOVE = 0.48
"""The share of a face's free room set above its text block (the optical centre is a little
above the middle: the rest, below the block, reads as the ground it stands on)."""
BALANCED = ("principle", "commitment", "question", "group-title")
"""The paragraphs whose lines are balanced (classes of the cards' templates)."""
SAFETY = 1.01
"""Words are measured this much wider than their advance widths say (a kerning pair that
opens a word, a shaping difference)."""
SLACK_PX = 0.75
"""Kept free at the end of the widest line: a line is never set to the column's last fraction."""
LAST_LEAST = 0.75
"""A paragraph's last line may be shorter than the even length down to this share of it."""
LONE = 0.5
"""A last line of one word alone costs as much as a line this share of the even length short."""


@dataclass(frozen=True)
class Composed:
    """How one face is composed: the block's shift down (mm) and its paragraphs' widths (px)."""

    shift_mm: float = 0.0
    lines: dict[str, str] = field(default_factory=dict)
    """Class of a paragraph ('commitment') -> its text with a line feed at each balanced break."""


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
    lines: dict[str, str] = {}
    for block in blocks:
        names = tree.classes(block) & set(BALANCED)
        if not names or not tree.own(block):
            continue
        found = balanced_lines(block, fonts_css)
        if found is not None:
            lines[sorted(names)[0]] = "\n".join(found)
    return Composed(round(_shift(root, main), 2), lines)


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


def balanced_lines(block: object, fonts_css: str) -> list[str] | None:
    """Return a paragraph's lines, balanced: as many as WeasyPrint set, of about one length
    (None: leave the paragraph as it is)."""
    lines = tree.child_lines(block)
    texts = tree.text_boxes(block)
    element = tree.element(block)
    if len(lines) < 2 or not texts or element is None:
        return None
    text = "".join(element.itertext())  # type: ignore[attr-defined]
    if not text.strip() or SOFT_HYPHEN in text or "\n" in text.strip():
        return None
    style = tree.style(texts[0])
    metrics = font_metrics(
        fonts_css, style["font_family"], style["font_weight"], style["font_style"]
    )
    if metrics is None:
        return None
    size = float(style["font_size"])  # type: ignore[arg-type]
    spacing = style["letter_spacing"]
    spacing = 0.0 if spacing == "normal" else float(spacing)  # type: ignore[arg-type]
    words = re.split(r"[ \t\n\r]+", text.strip())  # a no-break space stays inside its word
    widths = [metrics.width(w, size, spacing) * SAFETY for w in words]
    space = metrics.width(" ", size, spacing)
    full = tree.content(block).width - SLACK_PX
    count = len(lines)
    if max(widths) > full or _count(widths, space, full) > count:
        return None  # the estimate is not close enough to trust
    target = (sum(widths) + space * (len(widths) - 1)) / count  # every line of one length
    single = [NBSP not in w for w in words]
    breaks = _breaks(widths, space, full, count, target, single)
    if breaks is None:
        return None
    return [" ".join(words[a:b]) for a, b in zip((0, *breaks), (*breaks, len(words)), strict=True)]


def _breaks(
    widths: list[float],
    space: float,
    full: float,
    count: int,
    target: float,
    single: list[bool],
) -> tuple[int, ...] | None:
    """Return where ``count`` lines of about ``target`` px begin (word indexes after the first),
    none wider than ``full``: the least sum of squared differences from the target, the last
    line only counted where it is shorter than ``LAST_LEAST`` of it (a short last line is a
    paragraph's own), and one word alone on the last line costs ``LONE`` (``single``: the
    units that are one word, not words bound with a no-break space)."""
    n = len(widths)
    starts = [0.0]
    for width in widths:
        starts.append(starts[-1] + width)

    def length(a: int, b: int) -> float:
        return starts[b] - starts[a] + space * (b - a - 1)

    inf = float("inf")
    # cost[k][i]: the best cost of setting words[:i] in k lines
    cost = [[inf] * (n + 1) for _ in range(count + 1)]
    back = [[0] * (n + 1) for _ in range(count + 1)]
    cost[0][0] = 0.0
    for k in range(1, count + 1):
        for i in range(1, n + 1):
            for a in range(i - 1, -1, -1):
                used = length(a, i)
                if used > full:
                    break
                if cost[k - 1][a] == inf:
                    continue
                alone = 0.0
                if k == count and i == n:
                    miss = max(0.0, LAST_LEAST * target - used) + max(0.0, used - target)
                    if i - a == 1 and single[a] and count > 1:  # one word alone on the last line
                        alone = (LONE * target) ** 2
                else:
                    miss = target - used
                total = cost[k - 1][a] + miss * miss + alone
                if total < cost[k][i]:
                    cost[k][i], back[k][i] = total, a
    if cost[count][n] == inf:
        return None
    found, i = [], n
    for k in range(count, 0, -1):
        i = back[k][i]
        found.append(i)
    return tuple(reversed(found[:-1]))


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
