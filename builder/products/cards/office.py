"""The deck on office sheets: cards imposed several to an A4 sheet, backs mirrored behind their
fronts, cut marks and the sheet's furniture (``prepress/impose.py`` does the arithmetic).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ...errors import BuildError, Problem
from ...layout.render import render_html, to_document, to_pdf
from ...layout.templates import environment
from ...prepress import impose, sheets
from ...units import (
    MM_PER_INCH,
    PT_PER_INCH,
)
from ...values import Source
from .faces import card_size, deck_count, round_half

if TYPE_CHECKING:
    pass


def office_sheets(
    source: Source,
    faces_pdf: bytes,
    count: int,
    words: dict[str, object],
    offset: tuple[float, float] | None = None,
) -> tuple[bytes, int]:
    """Return the office-printer PDF (cards placed on sheets) and its page count.

    ``offset``: ``build --offset``, instead of the source's ``theme.sheet.offset``.
    """
    charter = source.charter
    setting = charter.theme.sheet
    g = impose.grid(impose.PAPER_MM[setting.paper], card_size(charter), fold=setting.mode == "fold")
    sheet_count = math.ceil(count / g.per_sheet)
    sides = ("fronts",) if g.fold else ("fronts", "backs")
    furniture = sheet_furniture(source, g, sheet_count, sides, words)
    shift = (0.0, 0.0) if g.fold else back_shift(source, g, offset)  # fold mode has no backs
    data = sheets.place_cards(faces_pdf, furniture, g, count, setting.flip, shift)
    return data, sheet_count * len(sides)


def back_shift(
    source: Source, g: impose.Grid, offset: tuple[float, float] | None
) -> tuple[float, float]:
    """Return the move (mm) of the office sheets' back pages that undoes the printer's offset.

    Raise a BuildError, at the offset's line (or naming ``--offset``), when the move would go
    past ``impose.back_room``.
    """
    setting = source.charter.theme.sheet
    given = offset if offset is not None else (setting.offset.x, setting.offset.y)
    room = impose.back_room(g)
    for axis, value, limit in zip("xy", given, room, strict=True):
        if abs(value) > limit + 1e-9:
            where = f"--offset {given[0]:g},{given[1]:g}" if offset is not None else ""
            message = (
                f"{axis} {value:g} mm would move the backs' cards into the strip printers "
                f"leave blank, or their words off the paper: with {g.card[0]:g}×{g.card[1]:g} mm "
                f"cards on {setting.paper} at most {max(0.0, limit):.1f} mm this way"
            )
            if where:
                raise BuildError(Problem(source.name, None, None, where, message))
            raise BuildError(source.problem(f"theme.sheet.offset.{axis}", message))
    return impose.back_shift(given, setting.flip)


def sheet_furniture(
    source: Source,
    g: impose.Grid,
    sheet_count: int,
    sides: tuple[str, ...],
    words: dict[str, object],
) -> bytes:
    """Return the sheets' own pages: the printing instruction and the sheet label, as PDF."""
    setting = source.charter.theme.sheet
    instruction = words["print_fold"] if g.fold else words[f"print_duplex_{setting.flip}"]
    top, bottom = impose.text_slots(g)
    pages = []
    for number in range(1, sheet_count + 1):
        for side in sides:
            label = str(words["sheet_label"]).format(n=number, total=sheet_count)
            if len(sides) > 1:
                label += " – " + str(words[f"sheet_{side}"])
            pages.append({"instruction": instruction, "label": label, "side": side})
    charter = source.charter
    longest_label = max(
        (
            f"{charter.meta.municipality} · {deck_count(charter, words)} · {p['label']}"
            for p in pages
        ),
        key=len,
    )
    html = render_html(
        environment(source.slug, theme=charter.theme.name, paper=charter.theme.paper),
        "cards-sheet.html",
        charter=charter,
        labels=words,
        deck_count=deck_count(charter, words),
        paper={"width": g.paper[0], "height": g.paper[1]},
        top=_box(top, g.paper[1], str(instruction)),
        bottom=_box(bottom, g.paper[1], longest_label),
        pages=pages,
    )
    return to_pdf(to_document(html))


def _box(rect: impose.Rect, paper_height: float, text: str) -> dict[str, float]:
    """Return a rectangle as CSS offsets from the page's top left (mm), with a type size for ``text``."""
    x1, y1, x2, y2 = rect
    width = x2 - x1
    return {
        "left": x1, "top": paper_height - y2, "width": width, "height": y2 - y1,
        "size": line_size(text, width),
    }  # fmt: skip


def line_size(text: str, width_mm: float, largest: float = 7.5, smallest: float = 5) -> float:
    """Return the type size (pt) at which one line of ``text`` fits ``width_mm``, by estimate.

    Inter's characters average well under 0.56 em in running text; the estimate errs wide.
    """
    estimate = len(text) * 0.56 * MM_PER_INCH / PT_PER_INCH
    return max(smallest, min(largest, round_half(width_mm / estimate - 0.25)))
