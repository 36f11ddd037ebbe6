"""Page-order and placement maths: saddle order, crop marks, cards on sheets, duplex mirroring.

Pure arithmetic, no PDF is touched here. Lengths are in whatever unit the caller uses
(millimetres or points), as long as it is the same for every argument.
"""

from __future__ import annotations

from dataclasses import dataclass

Point = tuple[float, float]
Line = tuple[Point, Point]


def saddle_order(pages: int) -> list[tuple[int, int]]:
    """Return the (left, right) page pairs of a saddle-stitched booklet, one per sheet side.

    Pages are 1-based; the list is in print order: sheet 1 outside, sheet 1 inside,
    sheet 2 outside … For 8 pages: ``[(8, 1), (2, 7), (6, 3), (4, 5)]``.
    """
    if pages < 4 or pages % 4:
        raise ValueError(f"a saddle-stitched booklet needs a multiple of 4 pages, got {pages}")
    order: list[tuple[int, int]] = []
    for sheet in range(pages // 4):
        order.append((pages - 2 * sheet, 1 + 2 * sheet))
        order.append((2 + 2 * sheet, pages - 1 - 2 * sheet))
    return order


def crop_mark_lines(
    trim_w: float, trim_h: float, bleed: float, offset: float, length: float
) -> list[Line]:
    """Return a page's eight crop-mark lines in trim coordinates (origin: trim's lower left).

    Each mark continues a trim edge outwards, starting ``offset`` beyond the bleed edge
    and running ``length`` further, so no mark ever touches the artwork.
    """
    start, end = bleed + offset, bleed + offset + length
    lines: list[Line] = []
    for x in (0.0, trim_w):
        lines.append(((x, -start), (x, -end)))
        lines.append(((x, trim_h + start), (x, trim_h + end)))
    for y in (0.0, trim_h):
        lines.append(((-start, y), (-end, y)))
        lines.append(((trim_w + start, y), (trim_w + end, y)))
    return lines


# --- Cards on office sheets -------------------------------------------------------------------

Affine = tuple[float, float, float, float, float, float]
"""A 2-D affine map in PDF order (a, b, c, d, e, f): x' = a·x + c·y + e, y' = b·x + d·y + f."""
Rect = tuple[float, float, float, float]
"""A rectangle (left, bottom, right, top)."""

PAPER_MM: dict[str, tuple[float, float]] = {
    "A4": (210, 297),
    "A3": (297, 420),
    "Letter": (215.9, 279.4),
}
"""Portrait paper sizes in mm (width, height)."""
MARGIN_MM = 10.0
"""The least distance between a card and the paper edge: office printers cannot print closer."""
ROOM_MM = 14.0
"""The top and bottom margin wanted for the printing instruction, where the paper allows it."""
MAX_GAP_MM = 6.0
"""The widest gap left between cards; the leftover goes to the margins."""
MARK_GAP_MM = 1.0
"""The distance between a card's drawn edge (trim plus bleed) and its cut marks."""
MARK_LENGTH_MM = 5.0
EDGE_MM = 4.5
"""The strip along the paper edge that most printers leave blank: no text there."""
MARK_EDGE_MM = 3.0
"""The closest a cut mark comes to the paper edge."""

IDENTITY: Affine = (1, 0, 0, 1, 0, 0)


def compose(outer: Affine, inner: Affine) -> Affine:
    """Return the map that applies ``inner`` first, then ``outer``."""
    a1, b1, c1, d1, e1, f1 = outer
    a2, b2, c2, d2, e2, f2 = inner
    return (
        a1 * a2 + c1 * b2,
        b1 * a2 + d1 * b2,
        a1 * c2 + c1 * d2,
        b1 * c2 + d1 * d2,
        a1 * e2 + c1 * f2 + e1,
        b1 * e2 + d1 * f2 + f1,
    )


def apply(m: Affine, point: Point) -> Point:
    """Return ``point`` mapped by ``m``."""
    a, b, c, d, e, f = m
    x, y = point
    return (a * x + c * y + e, b * x + d * y + f)


def translate(dx: float, dy: float) -> Affine:
    """Return the map that moves every point by (dx, dy)."""
    return (1, 0, 0, 1, dx, dy)


def mirror_x(width: float) -> Affine:
    """Return the reflection x ↦ width − x (turning a sheet over its vertical axis)."""
    return (-1, 0, 0, 1, width, 0)


def mirror_y(height: float) -> Affine:
    """Return the reflection y ↦ height − y (turning a sheet over its horizontal axis)."""
    return (1, 0, 0, -1, 0, height)


def scale(factor: float) -> Affine:
    """Return the map that scales every length by ``factor`` (e.g. mm to points)."""
    return (factor, 0, 0, factor, 0, 0)


def in_units(m: Affine, factor: float) -> Affine:
    """Return ``m`` re-expressed for coordinates scaled by ``factor`` (same map, other unit)."""
    a, b, c, d, e, f = m
    return (a, b, c, d, e * factor, f * factor)


@dataclass(frozen=True)
class Grid:
    """Where the cards (or, in fold mode, front-and-back pairs) sit on a portrait sheet."""

    paper: tuple[float, float]
    card: tuple[float, float]
    """The card's trim size (width, height) as designed, upright."""
    unit: tuple[float, float]
    """What one slot holds, upright: the card, or the card twice side by side when folding."""
    rotated: bool
    """True if every slot holds its unit turned 90° counter-clockwise."""
    columns: int
    rows: int
    gap_x: float
    gap_y: float
    left: float
    """The distance from the paper's left edge to the first column."""
    bottom: float
    """The distance from the paper's bottom edge to the lowest row."""

    @property
    def fold(self) -> bool:
        """Tell whether a slot holds a card's front and back side by side, to be folded."""
        return self.unit != self.card

    @property
    def per_sheet(self) -> int:
        """Return how many slots a sheet holds."""
        return self.columns * self.rows

    @property
    def slot_size(self) -> tuple[float, float]:
        """Return a slot's size on the sheet (width, height)."""
        w, h = self.unit
        return (h, w) if self.rotated else (w, h)

    @property
    def clip(self) -> float:
        """Return how far a card's artwork may run past its trim without touching a neighbour."""
        gaps = [g for g, n in ((self.gap_x, self.columns), (self.gap_y, self.rows)) if n > 1]
        return min([BLEED_ON_SHEET_MM, *(g / 2 for g in gaps)])

    def slot(self, index: int) -> Rect:
        """Return the rectangle of slot ``index`` (reading order: top row first, left to right)."""
        row, column = divmod(index, self.columns)
        sw, sh = self.slot_size
        x = self.left + column * (sw + self.gap_x)
        y = self.bottom + (self.rows - 1 - row) * (sh + self.gap_y)
        return (x, y, x + sw, y + sh)

    def placement(self, index: int) -> Affine:
        """Return the map from unit coordinates (upright, origin lower left) to slot ``index``."""
        x, y, right, _ = self.slot(index)
        if self.rotated:
            return (0, 1, -1, 0, right, y)
        return translate(x, y)


BLEED_ON_SHEET_MM = 3.0
"""The most artwork shown past a card's trim on a sheet (less where cards sit closer)."""


def grid(paper: tuple[float, float], card: tuple[float, float], *, fold: bool = False) -> Grid:
    """Return the grid that puts the most cards on a sheet, upright where that ties.

    The sheet stays portrait; cards are tried as they are and turned 90°.
    """
    unit = (2 * card[0], card[1]) if fold else card
    options = [_grid(paper, card, unit, rotated) for rotated in (False, True)]
    best = max(options, key=lambda g: (g.per_sheet, not g.rotated))
    if best.per_sheet == 0:
        w, h = paper
        raise ValueError(f"a {card[0]:g}×{card[1]:g} mm card does not fit on {w:g}×{h:g} mm paper")
    return best


def _grid(
    paper: tuple[float, float], card: tuple[float, float], unit: tuple[float, float], rotated: bool
) -> Grid:
    """Return the grid of one orientation, margins and gaps shared out."""
    paper_w, paper_h = paper
    sw, sh = (unit[1], unit[0]) if rotated else unit
    columns = _count(paper_w - 2 * MARGIN_MM, sw)
    rows = _count(paper_h - 2 * MARGIN_MM, sh)
    gap_x = _gap(paper_w - columns * sw - 2 * MARGIN_MM, columns)
    room_y = paper_h - rows * sh
    margin_y = max(MARGIN_MM, min(ROOM_MM, room_y / 2))
    gap_y = _gap(room_y - 2 * margin_y, rows)
    left = (paper_w - columns * sw - max(columns - 1, 0) * gap_x) / 2
    bottom = (paper_h - rows * sh - max(rows - 1, 0) * gap_y) / 2
    return Grid(paper, card, unit, rotated, columns, rows, gap_x, gap_y, left, bottom)


def _count(room: float, size: float) -> int:
    """Return how many of ``size`` fit in ``room`` (a hair of rounding forgiven)."""
    return max(0, int((room + 1e-6) // size))


def _gap(spare: float, count: int) -> float:
    """Return the gap between ``count`` items sharing ``spare`` room, at most MAX_GAP_MM."""
    return 0.0 if count < 2 else max(0.0, min(MAX_GAP_MM, spare / (count - 1)))


def front_map(g: Grid, index: int) -> Affine:
    """Return the map from card coordinates to slot ``index`` of the fronts page."""
    return g.placement(index)


def back_map(g: Grid, index: int, flip: str) -> Affine:
    """Return the map from card coordinates to where the back of slot ``index``'s card is printed.

    Duplex: B = M_sheet ∘ F ∘ M_card, so each point of the back lands behind the same point
    of the front and reads upright when the card is turned over. Fold: the back sits beside
    the front, mirrored across the fold line, which for an upright card is a plain shift.
    """
    w = g.card[0]
    if g.fold:
        return compose(g.placement(index), translate(w, 0))
    paper_w, paper_h = g.paper
    sheet = mirror_x(paper_w) if flip == "long" else mirror_y(paper_h)
    return compose(sheet, compose(front_map(g, index), mirror_x(w)))


def back_shift(offset: Point, flip: str) -> Point:
    """Return how far to move a back page (in its own coordinates) to undo a printer's offset.

    ``offset`` is the back's offset as ``charterpress calibrate`` measures it: seen from the
    front, right and up are plus. Seen from the front, a back page turned over its long edge
    (``mirror_x``) runs right to left, one turned over its short edge (``mirror_y``) upside
    down; the move undoing the offset is the measured one, against it, in that mirror.
    """
    x, y = offset
    return (x + 0.0, -y + 0.0) if flip == "long" else (-x + 0.0, y + 0.0)


def booklet_back_shift(offset: Point) -> Point:
    """Return how far to move a back side of the imposed booklet (in its own coordinates) to undo
    a printer's offset, as ``charterpress calibrate --booklet`` measures it.

    The booklet's sheets are A4 *landscape*, printed duplex and turned over their short edge.
    On a landscape sheet the short edges are the left and the right one, so its back is
    mirrored in x (``mirror_x``), as a portrait sheet's turned over its long edge is; and
    ``back_shift`` names a portrait sheet's edges: this is its ``"long"``. The offset itself
    must be measured on the landscape test sheet printed with the booklet's settings, not on
    the portrait one: a driver turns a landscape page onto the paper by a quarter turn, one
    way or the other, and flips it on the other edge, so a portrait sheet's offset says
    nothing certain about a landscape one's; the landscape test sheet goes through the same
    turn and flip as the booklet, and so shows its offset in the booklet's own coordinates.
    """
    return back_shift(offset, "long")


def back_room(g: Grid) -> Point:
    """Return how far a back may move each way (x, y) and keep its cards' drawn edges (trim and
    shown bleed) out of the strip along the paper edge that printers leave blank, and its words
    (in the top and bottom margins, from that strip inwards) on the paper."""
    return (g.left - g.clip - EDGE_MM, min(g.bottom - g.clip - EDGE_MM, EDGE_MM))


def marks_kept(lines: list[Line], paper: tuple[float, float], shift: Point) -> list[Line]:
    """Return cut marks shortened so that, moved by ``shift``, each stays MARK_EDGE_MM inside the
    paper (the marks run from the cards towards the edge, always along an axis)."""
    dx, dy = shift
    x_low, x_high = MARK_EDGE_MM - dx, paper[0] - MARK_EDGE_MM - dx
    y_low, y_high = MARK_EDGE_MM - dy, paper[1] - MARK_EDGE_MM - dy
    kept: list[Line] = []
    for (x1, y1), (x2, y2) in lines:
        a = (min(max(x1, x_low), x_high), min(max(y1, y_low), y_high))
        b = (min(max(x2, x_low), x_high), min(max(y2, y_low), y_high))
        if a != b:
            kept.append((a, b))
    return kept


def placements(g: Grid, page: int, count: int, flip: str) -> list[tuple[int, Affine]]:
    """Return which faces go on sheet page ``page`` and where: (face index, card-to-sheet map).

    Faces are numbered as in the print PDF: front of card k is 2k, its back 2k + 1. In duplex
    mode the pages alternate fronts and backs; in fold mode each page holds both.
    """
    sides = 1 if g.fold else 2
    sheet, side = divmod(page, sides)
    first = sheet * g.per_sheet
    placed: list[tuple[int, Affine]] = []
    for slot, card in enumerate(range(first, min(count, first + g.per_sheet))):
        if side == 0:
            placed.append((2 * card, front_map(g, slot)))
        if g.fold or side == 1:
            placed.append((2 * card + 1, back_map(g, slot, flip)))
    return placed


def bleed_kept(g: Grid, side: str) -> Rect:
    """Return how far a face's artwork shows past its trim on a sheet: (left, bottom, right, top).

    In card coordinates. Where a folded card's front and back meet, nothing shows past the
    fold: the front stops at its right edge, the back at its left.
    """
    c = g.clip
    if not g.fold:
        return (c, c, c, c)
    return (c, c, 0.0, c) if side == "front" else (0.0, c, c, c)


def fold_line(g: Grid, index: int) -> Line:
    """Return the fold line of slot ``index`` in fold mode, on the sheet."""
    w, h = g.card
    m = g.placement(index)
    return (apply(m, (w, 0)), apply(m, (w, h)))


def cut_marks(g: Grid) -> list[Line]:
    """Return the cut marks of a sheet: every trim edge continued into the margin, never on a card."""
    left, bottom = g.left, g.bottom
    right = g.paper[0] - left
    top = g.paper[1] - bottom
    xs, ys = _edges(g)
    lines: list[Line] = []
    for x in xs:
        lines += [((x, y1), (x, y2)) for y1, y2 in _mark_span(bottom, top, g.paper[1], g.clip)]
    for y in ys:
        lines += [((x1, y), (x2, y)) for x1, x2 in _mark_span(left, right, g.paper[0], g.clip)]
    return lines


def _edges(g: Grid) -> tuple[list[float], list[float]]:
    """Return the x of every vertical trim edge and the y of every horizontal one (unit edges)."""
    xs: set[float] = set()
    ys: set[float] = set()
    for index in range(g.per_sheet):
        x1, y1, x2, y2 = g.slot(index)
        xs.update((round(x1, 4), round(x2, 4)))
        ys.update((round(y1, 4), round(y2, 4)))
    return sorted(xs), sorted(ys)


def _mark_span(low: float, high: float, paper: float, clip: float) -> list[tuple[float, float]]:
    """Return the two stretches of a mark: below ``low`` and above ``high``, clear of the cards."""
    start = clip + MARK_GAP_MM
    reach = max(0.0, min(MARK_LENGTH_MM, low - start - MARK_EDGE_MM))
    return [(low - start, low - start - reach), (high + start, high + start + reach)]


def text_slots(g: Grid) -> tuple[Rect, Rect]:
    """Return a box in the top margin and one in the bottom margin that no cut mark crosses.

    Each is the widest stretch between two marks, the height between the paper's
    blank edge and the cards' drawn edges.
    """
    xs, _ = _edges(g)
    stops = [EDGE_MM, *xs, g.paper[0] - EDGE_MM]
    pad = 1.5
    spans = [(a + pad, b - pad) for a, b in zip(stops, stops[1:], strict=False) if b - a > 2 * pad]
    x1, x2 = max(spans, key=lambda s: s[1] - s[0])
    inner = g.bottom - g.clip - MARK_GAP_MM
    top = (x1, g.paper[1] - inner, x2, g.paper[1] - EDGE_MM)
    bottom = (x1, EDGE_MM, x2, inner)
    return top, bottom
