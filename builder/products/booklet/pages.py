"""The booklet's pages, read from WeasyPrint's layout: part openers that keep to one page, chapter
bands of one depth, and the checks a reader would otherwise make (a paragraph that ends on a
hyphenated fragment).

A part page (a section's preface) is an opener: its title, its introduction and a short contents
of its chapters, on one coloured page. When they do not fit, the opener steps down, one part at a
time and only as far as it must (``PART_STEPS``): a compact contents list, then none (the
contents page lists the chapters anyway), then smaller type; an introduction that fills more than
a page even so is set apart, as running text on white pages after an opener that holds the title
and the part's contents. Chapter bands are set to one depth from an estimate (``band_depth``);
when a long title makes one deeper, every band takes the deepest depth measured.

Reading the layout costs no layout; the booklet (builder/booklet.py ``render_screen``) makes its
corrections in the one layout more it takes for its other mends, and only a booklet that needs
one pays for it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import weasyprint

from ...layout import tree
from ...text.hyphenate import HYPHEN_BREAK, SOFT_HYPHEN
from ...units import MM_PER_INCH, PT_PER_INCH, PX_PER_MM
from .context import PART_TOC

PART_PAGE = "part"
"""The named page of a part opener (booklet.css)."""
INTRO_PREFIX = "cp_intro_"
"""The id of a part's introduction set apart: cp_intro_ and the part's id (a source's ids hold no '_')."""
BAND_CLASS = "chapter-head"


# --- Part openers ------------------------------------------------------------------------


@dataclass(frozen=True)
class PartStep:
    """How a part opener is set: the contents list, the type, where the introduction goes."""

    name: str
    toc: str | None
    """'full' (kickers and titles), 'compact' (titles on tight lines), 'columns' (compact, in two
    columns) or None (no list)."""
    small: bool = False
    """The introduction (and the title) in smaller type."""
    apart: bool = False
    """The introduction follows on white pages, as running text, after the opener."""


PART_STEPS = (
    PartStep("full", "full"),
    PartStep("compact", "compact"),
    PartStep("bare", None),
    PartStep("small", None, small=True),
    PartStep("apart", "compact", apart=True),
    PartStep("apart-columns", "columns", apart=True),
    PartStep("apart-bare", None, apart=True),
)
"""The opener's steps down, in order: each takes less room than the one before."""
COMPACT_LINE_MM = PART_TOC["compact_line_pt"] * MM_PER_INCH / PT_PER_INCH
COMPACT_GAP_MM = PART_TOC["compact_gap_mm"]
COLUMNS = 0.65
"""About how much of its height a compact list keeps in two columns (titles wrap more)."""
SMALL_TYPE = 0.85
"""About how much of its height the introduction keeps in the smaller type."""
TOC_MARGIN_MM = PART_TOC["margin_mm"] + PART_TOC["padding_mm"]
COMPACT_MARGIN_MM = PART_TOC["compact_margin_mm"] + PART_TOC["compact_padding_mm"]
"""The contents list's rule and the space above it, full and compact."""


@dataclass(frozen=True)
class Pages:
    """What the layout settled about the booklet's pages, for every later layout to repeat."""

    parts: tuple[tuple[str, int], ...] = ()
    """(part id, index into PART_STEPS) of the part openers that step down."""
    band: float | None = None
    """The chapter bands' measured depth (mm, the band's whole box), if the estimate was short."""

    def step(self, part: str) -> PartStep:
        """Return how the opener of ``part`` is set."""
        return PART_STEPS[dict(self.parts).get(part, 0)]

    def steps(self) -> dict[str, PartStep]:
        """Return the steps of the part openers that step down, by part id."""
        return {part: PART_STEPS[index] for part, index in self.parts}


@dataclass(frozen=True)
class PartMeasure:
    """A part opener as laid out: its pages and the heights (mm) of what it holds."""

    pages: int
    head: float
    """The height above the introduction: the page's top space, kicker, title, subtitle, rule."""
    body: float
    """The introduction's height, over all its pages."""
    toc: float
    """The contents list's height (its margin and rule included), over all its pages, or 0."""
    compact: float
    """What the list would take compact: its titles' lines on tight lines, no kickers."""
    capacity: float
    """The height of one page's text area."""


UNSETTLED = Pages()
"""Nothing settled yet: every opener as designed, the bands at their estimated depth."""


def part_measures(document: weasyprint.Document, parts: list[str]) -> dict[str, PartMeasure]:
    """Return how each part opener in ``parts`` lies in the layout."""
    found: dict[str, dict[str, float]] = {}
    for page in document.pages:
        if tree.page_type(page) != PART_PAGE:
            continue
        box = tree.page_box(page)
        for part_box in tree.descendants(box, margins=False):
            element = tree.element(part_box)
            ident = element.get("id") if element is not None and tree.own(part_box) else None
            if ident not in parts or "part" not in tree.classes(part_box):
                continue
            m = found.setdefault(
                ident, {"pages": 0, "body": 0.0, "toc": 0.0, "compact": 0.0, "head": -1.0}
            )
            m["pages"] += 1
            m["capacity"] = _mm(tree.content(box).height)
            for child in tree.children(part_box):
                kinds = tree.classes(child) if tree.own(child) else set()
                if "part-toc" in kinds:
                    m["toc"] += _mm(tree.outer_height(child))
                    m["compact"] += sum(map(_compact_height, tree.children(child)))
                elif "body" in kinds:
                    m["body"] += _mm(tree.outer_height(child))
                if m["head"] < 0 and kinds & {"body", "part-toc"}:
                    m["head"] = _mm(tree.placed(child).y - tree.placed(part_box).y)
    return {
        ident: PartMeasure(
            int(m["pages"]), max(m["head"], 0.0), m["body"], m["toc"], m["compact"], m["capacity"]
        )
        for ident, m in found.items()
    }


def _compact_height(item: object) -> float:
    """Return the height (mm) one entry of a part's contents list takes when compact."""
    lines = sum(
        1
        for element, _ in tree.paragraph_lines(item)
        if "part-toc-kicker" not in (element.get("class") or "")
    )
    return max(lines, 1) * COMPACT_LINE_MM + COMPACT_GAP_MM


def first_fitting_step(measure: PartMeasure, current: int) -> int:
    """Return the first step after ``current`` that should bring an opener onto one page.

    A guess from the measured heights; the layout after it tells whether it was right.
    """
    if measure.pages <= 1:
        return current
    room = measure.capacity - 2.0
    text = measure.head + measure.body
    guesses = {
        "compact": text + COMPACT_MARGIN_MM + measure.compact,
        "bare": text,
        "small": text * SMALL_TYPE,
    }
    for index in range(current + 1, len(PART_STEPS)):
        step = PART_STEPS[index]
        if step.apart:
            toc = {"compact": measure.compact, "columns": measure.compact * COLUMNS, None: 0.0}
            if measure.head + COMPACT_MARGIN_MM + toc[step.toc] <= room or step.toc is None:
                return index
            continue
        if guesses.get(step.name, 0.0) <= room:
            return index
    return len(PART_STEPS) - 1


def settle(document: weasyprint.Document, parts: list[str], current: Pages = UNSETTLED) -> Pages:
    """Return what the next layout must change so that every part opener keeps to one page and
    every band has one depth; ``current`` if nothing (then no layout more is needed).

    Reads the layout only: an opener that still spills steps further down (as far as the
    measured heights say it must), bands that differ all take the deepest.
    """
    steps = dict(current.parts)
    for part, measure in part_measures(document, parts).items():
        if measure.pages > 1 and steps.get(part, 0) < len(PART_STEPS) - 1:
            steps[part] = first_fitting_step(measure, steps.get(part, 0))
    settled = replace(current, parts=tuple(sorted(steps.items())))
    depth = band_depth_needed(document)
    if depth is not None:
        settled = replace(settled, band=max(depth, current.band or 0.0))
    return settled


def long_openers(document: weasyprint.Document, parts: list[str]) -> list[str]:
    """Return the part openers that run onto a second page."""
    return [part for part, m in part_measures(document, parts).items() if m.pages > 1]


# --- Chapter bands -------------------------------------------------------------------------


def band_heights(document: weasyprint.Document) -> list[tuple[int, float]]:
    """Return (page number, height in mm) of every chapter band in the layout."""
    return [
        (number, _mm(tree.border(box).height))
        for number, page in enumerate(document.pages, 1)
        for box in tree.descendants(tree.page_box(page), margins=False)
        if tree.own(box) and BAND_CLASS in tree.classes(box)
    ]


def band_depth_needed(document: weasyprint.Document) -> float | None:
    """Return the depth (mm) every band must take if the bands differ, else None."""
    heights = [height for _, height in band_heights(document)]
    if not heights or max(heights) - min(heights) < 0.05:
        return None
    return round(max(heights) + 0.05, 1)


# --- Checks --------------------------------------------------------------------------------


def hyphenated_ends(document: weasyprint.Document) -> list[tuple[int, str]]:
    """Return (page number, text) of each paragraph whose last line is only the tail of a word
    broken at the line before ('forbedringskul-' / 'tur.'): a lone fragment a reader stumbles on.

    A paragraph here is any block of running text (p, li, figcaption …): its line boxes are read
    in order across pages; the line before its last must end in a hyphen (WeasyPrint's at a soft
    hyphen, or a word's own hyphen) and its last line must hold no space.
    """
    lines: dict[int, list[tuple[int, str, object]]] = {}
    for number, page in enumerate(document.pages, 1):
        for parent, line in tree.paragraph_lines(tree.page_box(page)):
            text = tree.line_text(line).strip()
            if text:
                lines.setdefault(id(parent), []).append((number, text, parent))
    found = []
    for paragraph in lines.values():
        if len(paragraph) < 2:
            continue
        (_, before, _), (number, last, _) = paragraph[-2], paragraph[-1]
        broken = before.endswith(HYPHEN_BREAK) or (
            before.endswith("-") and len(before) > 1 and before[-2].isalpha()
        )
        if broken and not any(c.isspace() for c in last):
            word = before.rsplit(" ", 1)[-1].replace(SOFT_HYPHEN, "")
            found.append((number, f"{word}/{last}"))
    return found


def _mm(px: float) -> float:
    return px / PX_PER_MM
