"""The handbook: an A5 booklet for the screen (PDF/UA), for a print shop, and imposed for office printers.

One template (``booklet.html``) renders two variants: ``screen`` (tagged, no bleed, a form
field to type into under each question of My reflections) and ``print`` (3 mm bleed, rules to
write on instead, padded with ruled notes pages to a multiple of four). The imposed
file puts the print pages two by two on A4 landscape sheets in saddle-stitch order.

This module lays the variants out and makes the three PDFs; the steps around it have modules
of their own: what the template shows (``context``), the layout's checks (``checks``), a
chapter's short last page mended (``copyfit``), the pages read from the layout (``pages``) and
the imposition (``imposed``).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal
from xml.etree.ElementTree import Element

import weasyprint

from ...errors import BuildError
from ...layout import fonts, proof, render, templates, tree
from ...prepress.sheets import add_crop_marks
from ...source import images as assets
from ...text import names
from ...units import (
    BLEED_MM,
    BODY_INK_PRINT,
    INK_DARK_BOOKLET,
    PX_PER_MM,
)
from ...values import Product, Source
from ..cards.faces import deck_count
from . import copyfit, pages
from .checks import covers_overlap, lone_questions, page_notes, part_ids, question_turns
from .context import (
    CONTENTS_ID,
    MINE_ID,
    QUESTION_PREFIX,
    RULE_BORDER_PT,
    RULE_PITCH_MM,
    VALUES_ID,
    band_depth,
    chapters,
    colophon,
    contents,
    environment,
    margins,
    mark,
    mark_rows,
    palette,
    part_contents,
    text_mm,
)
from .imposed import booklet_shift, impose

if TYPE_CHECKING:
    from ...values import Options


log = logging.getLogger(__name__)


Variant = Literal["screen", "print"]


TEMPLATE = "booklet.html"


END_PREFIX = copyfit.END_PREFIX
"""An empty element closes each chapter; its position tells where the chapter ends."""


MINE_RULES = 4
"""Rules to write on, 8 mm apart, under each question of My reflections (print); on screen a
multi-line form field as high, named QUESTION_PREFIX + n, its tooltip the question."""


RULES_LEAST = 2
"""The fewest rules a question keeps where the print booklet is padded with notes pages: it
gives up rules (``fewer_rules``) only where that saves the booklet a sheet (four pages)."""


RULE_MM = RULE_PITCH_MM + RULE_BORDER_PT * 25.4 / 72
"""One rule's height: its pitch and its border, as booklet.css draws it from the same numbers."""


SPILL_MM = 45.0
"""A chapter that ends this close to the top of a page of its own spills a few lines: set it closer."""


@dataclass(frozen=True)
class Fit:
    """How a booklet is set beyond its design: what the screen layout settled, for every later
    layout (the print variant) to repeat."""

    tight: frozenset[str] = frozenset()
    """Chapters set closer (each spilled a few lines onto a page of its own)."""
    mark_shrink: float = 1.0
    """How far the cover marks' boxes are lowered (``MARK_SHRINKS``)."""
    turns: frozenset[int] = frozenset()
    """Questions of My reflections that start a new page (none stands alone on one)."""
    settled: pages.Pages = pages.UNSETTLED
    """Part openers stepped down to fit one page, the bands' measured depth (builder/pages.py)."""
    carries: frozenset[copyfit.Carry] = frozenset()
    """Lines carried onto a chapter's short last page from the page before (``copyfit``)."""
    rules: int = MINE_RULES
    """Rules under each question of My reflections (on screen, its field as high)."""


def booklet_html(
    source: Source,
    variant: Variant,
    notes: int = 0,
    fit: Fit = Fit(),
) -> str:
    """Return the booklet's HTML: ``notes`` ruled pages before the back cover, set as ``fit``
    says (chapters set closer, questions turned to a new page, part openers and bands)."""
    settled = fit.settled
    charter = source.charter
    language = charter.meta.language
    labels = templates.labels(language)
    theme = charter.theme
    found = chapters(charter, labels)
    rows = mark_rows(charter)
    column = text_mm(theme.name)
    return render.render_html(
        environment(
            source.slug,
            language,
            theme.name,
            source.images,
            variant,
            theme.paper,
            names.of_charter(charter),
        ),
        TEMPLATE,
        charter=charter,
        meta=charter.meta,
        labels=labels,
        deck_count=deck_count(charter, labels),
        variant=variant,
        notes=notes,
        tight=fit.tight,
        end=END_PREFIX,
        chapters=found,
        parts=part_contents(found),
        band=settled.band - 3 if settled.band else band_depth(found, labels, column),
        margins=margins(column),
        part_steps=settled.steps(),
        part_step=pages.PART_STEPS[0],
        intro_prefix=pages.INTRO_PREFIX,
        rules=fit.rules,
        turns=fit.turns,
        question_prefix=QUESTION_PREFIX,
        colophon=colophon(charter),
        field_typing=fonts.typing_query(charter.model_dump_json()),
        contents=contents(charter, labels),
        monogram=charter.monogram,
        mark={side: mark(rows, side, fit.mark_shrink) for side in ("cover", "back")},
        theme={**palette(theme.colour), "--accent": theme.accent},
        ids={"contents": CONTENTS_ID, "values": VALUES_ID, "mine": MINE_ID},
        ink={"body": BODY_INK_PRINT if variant == "print" else INK_DARK_BOOKLET},
    )


def render_booklet(
    source: Source,
    variant: Variant,
    notes: int = 0,
    fit: Fit = Fit(),
) -> weasyprint.Document:
    """Lay out one variant of the booklet."""
    return _laid_out(source, variant, notes, fit)[0]


def _laid_out(
    source: Source, variant: Variant, notes: int, fit: Fit
) -> tuple[weasyprint.Document, Element]:
    """Lay out one variant of the booklet; return it and the parsed tree it was laid out from."""
    roots: list[Element] = []

    def adjust(root: Element) -> None:
        copyfit.apply(root, fit.carries)
        roots.append(root)

    document = render.to_document(booklet_html(source, variant, notes, fit), adjust)
    return document, roots[0]


def short_spills(document: weasyprint.Document) -> frozenset[str]:
    """Return the ids of chapters that run a few lines onto a page of their own."""
    limit = SPILL_MM * PX_PER_MM
    return frozenset(
        name
        for name, (first, last, y) in copyfit.chapter_ends(document).items()
        if last > first and y < limit
    )


MARK_SHRINKS = (1.0, 0.6, 0.35)
"""How far the marks' boxes are lowered, in turn, when a cover's text runs into its mark."""


def render_screen(source: Source) -> tuple[weasyprint.Document, Fit]:
    """Lay out the screen variant, then mend what would look like a mistake.

    If a cover's text (a long title) runs into its mark, the mark is made lower until it does
    not. Then what the first layout shows is mended, all in one more layout (none when nothing
    needs mending): a chapter that spills a few lines onto a page of its own is set closer; a
    page of My reflections that would hold one question alone gets the last question of the
    page before it (the last question keeps to the one before it in CSS, so that is rare); a
    part opener that runs past its page steps down, and the bands take the deepest depth
    measured (builder/pages.py).
    """
    for shrink in MARK_SHRINKS:
        document, root = _laid_out(source, "screen", 0, Fit(mark_shrink=shrink))
        if not covers_overlap(document):
            break
    else:
        raise BuildError(
            source.problem(
                "meta.title",
                "the cover cannot hold the title, the subtitle and the mark without overlap; "
                "shorten the title or the subtitle",
            )
        )
    # My reflections starts a page of its own, so setting a chapter closer does not move its
    # questions, and every chapter and part starts a page, so an opener set differently moves
    # no chapter's end: all the mends are found in the first layout and made in one more (at
    # most; a band made deeper is the rare case that may ask for another).
    parts = part_ids(source.charter)
    fitted = Fit(mark_shrink=shrink)  # what `document` has
    wanted = Fit(
        short_spills(document) | copyfit.short_ends(document),
        shrink,
        question_turns(document),
        pages.settle(document, parts),
    )
    for _ in range(4 + len(pages.PART_STEPS)):
        if wanted == fitted:
            break
        log.debug("%s: setting closer: %s; questions turned: %s; pages: %s; carried: %s",
                  source.slug, ", ".join(sorted(wanted.tight)) or "-", sorted(wanted.turns) or "-",
                  wanted.settled, sorted(wanted.carries) or "-")  # fmt: skip
        document, root = _laid_out(source, "screen", 0, wanted)
        fitted = wanted
        # Guards: the laid-out pages decide. A chapter set closer whose last page is still
        # short has lines carried onto it (copyfit), in one more layout.
        short = copyfit.short_ends(document)
        wanted = Fit(
            fitted.tight | short_spills(document) | short,
            shrink,
            fitted.turns | question_turns(document),
            pages.settle(document, parts, fitted.settled),
            fitted.carries | copyfit.carries(document, root, short & fitted.tight),
        )
    return fewer_rules(source, document, fitted)


def sheets(pages: int) -> int:
    """Return the sheets of paper (four pages each) a print booklet of ``pages`` pages takes."""
    return -(-pages // 4)


def fewer_rules(
    source: Source, document: weasyprint.Document, fitted: Fit
) -> tuple[weasyprint.Document, Fit]:
    """Give the questions of My reflections fewer rules where that saves the print booklet a sheet.

    A print booklet padded with notes pages has room to write beyond the rules: each question
    then gives up rules (to ``RULES_LEAST``; on screen its field shrinks as much, so that both
    variants paginate alike) if the booklet so takes fewer sheets and still ends on a notes
    page or more (the writing room moves there, it does not go). The most rules the estimate
    allows are tried, once. My reflections starts a page of its own and closes the book, so nothing
    before it moves; its questions are turned anew (``question_turns``), in one more layout.
    No layout is tried where the rules given up could not fill the pages to save.
    """
    pages = len(document.pages)
    spare = pages % 4  # the booklet is padded with 4 - spare notes pages
    questions = sum(len(tree.elements(tree.page_box(p), "question")) for p in document.pages)
    if not spare or not questions:
        return document, fitted
    # A sheet saved with a notes page left: spare + 1 pages fewer. The rules given up must at
    # least empty the last page of questions and spare pages more (questions never split, so
    # this can only ask too little: a layout then decides).
    last = next(
        tree.page_box(p)
        for p in reversed(document.pages)
        if tree.elements(tree.page_box(p), "question")
    )
    area = tree.content(last)
    used = (
        max(
            tree.border(b).bottom
            for b in tree.descendants(last, margins=False)
            if "question" in tree.classes(b)
        )
        - area.y
    )
    needed_mm = (used + spare * (area.bottom - area.y)) * 25.4 / 96
    # The fewest rules a question gives up that may save the pages: the most rules it keeps,
    # the one number tried (a layout costs seconds).
    rules = fitted.rules - max(1, math.ceil(needed_mm / (questions * RULE_MM)))
    if rules < RULES_LEAST:
        return document, fitted  # too little room given up to save the pages
    # Questions turned to a new page only add pages: a layout that does not save the sheet
    # unturned is not turned.
    trial = replace(fitted, rules=rules, turns=frozenset())
    found, _ = _laid_out(source, "screen", 0, trial)
    if not _saves_a_sheet(found, pages):
        return document, fitted
    turns = question_turns(found)
    if turns:
        trial = replace(trial, turns=turns)
        found, _ = _laid_out(source, "screen", 0, trial)
    if not _saves_a_sheet(found, pages) or lone_questions(found):
        return document, fitted
    log.debug("%s: %d rules a question save a sheet (%d pages, not %d)",
              source.slug, rules, len(found.pages), pages)  # fmt: skip
    return found, trial


def _saves_a_sheet(found: weasyprint.Document, pages: int) -> bool:
    """Tell whether a booklet laid out anew takes a sheet less than one of ``pages`` pages and
    still ends on a notes page (the writing room moves there, it does not go)."""
    return sheets(len(found.pages)) < sheets(pages) and len(found.pages) % 4 != 0


def notes_needed(pages: int) -> int:
    """Return how many notes pages make ``pages`` a multiple of four."""
    return -pages % 4


def render_print(source: Source, pages: int, fit: Fit) -> weasyprint.Document:
    """Lay out the print variant padded to a multiple of four, starting from the screen's page count.

    Both variants paginate alike (the bleed lies outside the page), so one layout is the rule;
    the loop only guards against the notes pages changing what comes before them.
    """
    notes = notes_needed(pages)
    for _ in range(4):
        document = render_booklet(source, "print", notes, fit)
        if len(document.pages) % 4 == 0:
            return document
        notes += notes_needed(len(document.pages))
    raise BuildError(f"{source.name}: the print booklet cannot be padded to a multiple of 4 pages")


def make(source: Source, options: Options) -> list[Product]:
    """Render the screen booklet, the print-shop booklet and the imposed booklet of one charter."""
    slug = source.slug
    screen, fit = render_screen(source)
    printed = render_print(source, len(screen.pages), fit)
    proof.check_booklet(source, screen)
    notes = page_notes(source, screen, "booklet")
    notes += tuple(f"booklet: {note}" for note in assets.dpi_notes(printed, source.images))
    print_notes = page_notes(source, printed, "print booklet")
    print_pdf = render.to_pdf(printed, print_colour=True)
    shop = print_pdf
    if options.marks:
        shop = add_crop_marks(print_pdf, bleed_mm=BLEED_MM)
    screen_pdf = render.to_pdf(screen, variant="pdf/ua-1")
    return [
        Product(f"{slug}-booklet.pdf", screen_pdf, len(screen.pages), notes),
        Product(f"{slug}-booklet-print.pdf", shop, len(printed.pages), print_notes),
        Product(
            f"{slug}-booklet-imposed.pdf",
            impose(print_pdf, booklet_shift(source, options)),
            len(printed.pages) // 2,
        ),
    ]
