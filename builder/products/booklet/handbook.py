"""The handbook: an A5 booklet for the screen (PDF/UA), for a print shop, and imposed for office printers.

One template (``booklet.html``) renders two variants: ``screen`` (tagged, no bleed, a form
field to type into under each question of My reflections) and ``print`` (3 mm bleed, rules to
write on instead, padded with ruled notes pages to a multiple of four). The imposed
file puts the print pages two by two on A4 landscape sheets in saddle-stitch order.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from xml.etree.ElementTree import Element

import jinja2
import weasyprint
from pypdf import PdfReader

from ...errors import BuildError
from ...layout import fonts, proof, render, templates, tree
from ...prepress import printcolour
from ...prepress.impose import Affine, Line, Point, booklet_back_shift, saddle_order
from ...prepress.pdf import (
    append_content,
    blank,
    draw_form,
    lines_content,
    page_form,
    to_bytes,
    use_forms,
)
from ...prepress.sheets import add_crop_marks
from ...source import images as assets
from ...source.model import Block, Charter, Passage, Section
from ...text import colours, names, reading
from ...text.hyphenate import hyphenate
from ...units import (
    BLEED_MM,
    BODY_INK_PRINT,
    INK_DARK_BOOKLET,
    MM_PER_PT,
    PT_PER_MM,
    PX_PER_MM,
    TINT,
)
from ...values import Product, Source
from ..cards.faces import deck_count
from . import copyfit, pages

if TYPE_CHECKING:
    from pypdf.generic import RectangleObject

    from ...values import Options

log = logging.getLogger(__name__)

Variant = Literal["screen", "print"]
TEMPLATE = "booklet.html"
SHEET_MM = (297.0, 210.0)
"""A4 landscape: two A5 pages side by side."""
FOLD_MARK_MM = 4.0
SOFT = 0.1
"""How much of the field a secondary line of text on it takes on (--c-ink-soft): like 90 %
opacity, but a solid colour, so that no transparency group (a form outside the tags) is made."""

# Our own ids contain '_', which a source's ids cannot: no clash is possible.
CONTENTS_ID = "cp_contents"
VALUES_ID = "cp_values"
MINE_ID = "cp_mine"
END_PREFIX = copyfit.END_PREFIX
"""An empty element closes each chapter; its position tells where the chapter ends."""
TEXT_WIDTH_MM = 115.0
"""The base's A5 text column (148 mm less margins of 15 mm outside and 18 mm at the fold)."""
MARGIN_MM = {"outer": 15.0, "inner": 18.0}
"""The base's side margins; a theme's narrower column (``booklet.text_mm``) widens both alike."""
TEXT_MM_RANGE = (80.0, TEXT_WIDTH_MM)
"""The narrowest and widest column a theme may ask for."""
BAND_PAD_MM = 20.0 + 6.0
"""A chapter band's space above its first line (from the trim) and below its last."""
MINE_RULES = 4
"""Rules to write on, 8 mm apart, under each question of My reflections (print); on screen a
multi-line form field as high, named QUESTION_PREFIX + n, its tooltip the question."""
RULES_LEAST = 2
"""The fewest rules a question keeps where the print booklet is padded with notes pages: it
gives up rules (``fewer_rules``) only where that saves the booklet a sheet (four pages)."""
RULE_MM = 8.0 + 0.4 * 25.4 / 72
"""One rule's height: 8 mm and its 0.4 pt border (booklet.css)."""
QUESTION_PREFIX = "cp_q_"
"""The ids of the questions of My reflections: cp_q_1, cp_q_2 …"""
SPILL_MM = 45.0
"""A chapter that ends this close to the top of a page of its own spills a few lines: set it closer."""
STRANDED = {"h2", "h3"}
"""Elements that must not be the last line of a page (with the classes in STRANDED_CLASSES)."""
STRANDED_CLASSES = {"lead", "kicker", "mine-part", "part-intro-title"}
OPEN_PAGES = {"cover", "inside", "part", "back", "notes"}
"""Named pages (booklet.css) that may hold a heading and nothing after it (a notes page: its
title, then rules)."""


# --- What the template shows -------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One line of the table of contents."""

    target: str
    """The id of the heading's section."""
    label: str
    kicker: str | None = None
    kind: str = "chapter"
    """'chapter', 'part' (a preface that opens the chapters after it) or 'extra'."""
    colour: str | None = None
    """The kicker's colour (a chapter's own)."""


@dataclass(frozen=True)
class Chapter:
    """A section or the organisation's part, with what the template derives from it."""

    section: Section
    kicker: str | None
    colours: dict[str, str]
    """CSS custom properties: --c (field), --c-ink (text on it), --c-text (on white), --c-tint."""

    @property
    def bookmark(self) -> str:
        """Return the chapter's name for its bookmark."""
        return join_label(self.kicker, self.section.title)


def sentence_case(text: str) -> str:
    """Return an all-capitals label ('STYRING') in sentence case ('Styring'); leave other text alone."""
    return text.capitalize() if text.isupper() and len(text) > 1 else text


def join_label(kicker: str | None, title: str) -> str:
    """Return 'Kicker – title' (or the title alone, if it holds the kicker)."""
    if not kicker or kicker.lower() in title.lower():
        return sentence_case(title)
    return f"{sentence_case(kicker)} – {title}"


def chapters(charter: Charter, labels: dict[str, object]) -> list[Chapter]:
    """Return the sections, then the organisation, as chapters with their colours."""
    found = [
        Chapter(s, s.kicker, palette(charter.section_colour(i)))
        for i, s in enumerate(charter.sections)
    ]
    org = charter.organisation
    if org:
        kicker = org.kicker or str(labels["organisation"])
        found.append(Chapter(org, kicker, palette(charter.section_colour(-1))))
    return found


def passage_name(passage: Passage, first: bool, labels: dict[str, object]) -> str | None:
    """Return a front passage's heading: its title, 'Indledning' for an untitled first one, else none."""
    if passage.title:
        return passage.title
    return str(labels["introduction"]) if first else None


def contents(charter: Charter, labels: dict[str, object]) -> list[Entry]:
    """Return the table of contents: front passages, values, parts and chapters, the rest."""
    entries = [
        Entry(p.id, sentence_case(name), p.kicker, "extra")
        for i, p in enumerate(charter.front)
        if (name := passage_name(p, i == 0, labels))
    ]
    if charter.values:
        entries.append(Entry(VALUES_ID, charter.values.title, None, "extra"))
    for chapter in chapters(charter, labels):
        section = chapter.section
        if section.preface and section.preface.title:
            entries.append(
                Entry(section.preface.id, sentence_case(section.preface.title), None, "part")
            )
        colour = chapter.colours["--c-text"]
        entries.append(Entry(section.id, section.title, chapter.kicker, "chapter", colour))
    if charter.reflection:
        entries.append(Entry(charter.reflection.id, charter.reflection.title))
    entries += [
        Entry(p.id, sentence_case(p.title), p.kicker, "extra") for p in charter.back if p.title
    ]
    entries.append(Entry(MINE_ID, str(labels["my_reflections"])))
    return entries


def mark_rows(charter: Charter) -> list[int]:
    """Return the cover mark's rows: one row per chapter, one square per commitment."""
    parts = (*charter.sections, *([charter.organisation] if charter.organisation else []))
    return [len(s.commitments) for s in parts]


@dataclass(frozen=True)
class Mark:
    """The cover mark (one row per chapter, one square per commitment) scaled into its box.

    Squares keep the designed pitch until the longest row or the number of rows would leave
    the box; then the whole mark shrinks, so 40 chapters or 60 commitments in one still stay
    inside the page and below the text above it.
    """

    rows: tuple[int, ...]
    pitch: float
    """Millimetres from one square (or row) to the next."""
    square: float
    """A square's side in millimetres."""

    @property
    def gap(self) -> float:
        """Return the space between two squares (mm)."""
        return self.pitch - self.square

    def width(self, count: int) -> float:
        """Return the width of a row of ``count`` squares (mm)."""
        return round(max(count, 1) * self.pitch - self.gap, 3)

    @property
    def height(self) -> float:
        """Return the height of the whole mark (mm)."""
        return round(len(self.rows) * self.pitch - self.gap, 3)

    def row_style(self) -> str:
        """Return the inline style of a row (its squares are inline blocks, see ``square_style``)."""
        return f"height: {self.square:.3f}mm; margin-bottom: {self.gap:.3f}mm"

    def square_style(self) -> str:
        """Return the inline style of one square: its side and the gap after it."""
        side = f"{self.square:.3f}mm"
        return f"width: {side}; height: {side}; margin-right: {self.gap:.3f}mm"


MARK_BOX_MM = {"cover": (115.0, 50.0), "back": (115.0, 24.0)}
"""The box each mark may fill (width, height), inside the A5 page's margins."""
MARK_PITCH_MM = {"cover": (6.0, 4.4), "back": (3.3, 2.2)}
"""The designed pitch and square of each mark, kept while the mark fits its box."""


def mark(rows: list[int], where: str, shrink: float = 1.0) -> Mark:
    """Return the mark of ``rows`` fitted into its box on the cover or the back cover."""
    width, height = MARK_BOX_MM[where]
    pitch, square = MARK_PITCH_MM[where]
    ratio = square / pitch
    most = max(rows, default=1)
    fit = min(pitch, width / (most - 1 + ratio), height * shrink / (len(rows) - 1 + ratio))
    return Mark(tuple(rows), fit, fit * ratio)


# --- Colours ------------------------------------------------------------------------------


def ink(colour: str) -> str:
    """Return white or the booklet's near-black, whichever reads better on ``colour``."""
    return colours.ink(colour, INK_DARK_BOOKLET)


def palette(colour: str) -> dict[str, str]:
    """Return the CSS custom properties of a colour: the field, ink on it (full and soft), text in it, a tint."""
    return {
        "--c": colour,
        "--c-ink": ink(colour),
        "--c-ink-soft": colours.soften(ink(colour), colour, SOFT),
        "--c-text": colours.readable(colour),
        "--c-tint": colours.mix(colour, colours.WHITE, TINT),
    }


def style_of(properties: dict[str, str]) -> str:
    """Return custom properties as the value of a style attribute."""
    return "; ".join(f"{name}: {value}" for name, value in properties.items())


# --- Rendering ----------------------------------------------------------------------------


def environment(
    slug: str,
    language: str,
    theme: str = templates.DEFAULT_THEME,
    images: dict[str, Path] | None = None,
    variant: str = "print",
    paper: str | None = None,
    proper: frozenset[str] = frozenset(),
) -> jinja2.Environment:
    """Return the layout environment with the booklet's filters.

    'hy' adds soft hyphens (none in the ``proper`` names: ``names.spare``), 'runs' groups a section's body, 'run_in' ends a run-in heading,
    'image' turns an image named in the source into the URL of its checked file (for the
    screen, an RGB copy of a CMYK or palette image: ``assets.image_url``).
    """
    env = templates.environment(slug, theme=theme, paper=paper)
    env.filters["hy"] = lambda text: names.spare(hyphenate_but_last(str(text), language), proper)
    env.filters["bind"] = lambda text: reading.bind(str(text), language)
    env.filters["style"] = style_of
    env.filters["sentence"] = sentence_case
    env.filters["runs"] = runs
    env.filters["run_in"] = run_in
    env.filters["image"] = lambda file: assets.image_url((images or {})[file], variant)
    return env


def runs(body: tuple[Block, ...]) -> list[tuple[str, object]]:
    """Return a section's body as ('text', blocks) runs of running text and ('list', block) lists
    of commitments, in reading order."""
    found: list[tuple[str, object]] = []
    for block in body:
        if getattr(block, "commitments", None):
            found.append(("list", block))
        elif found and found[-1][0] == "text":
            found[-1][1].append(block)  # type: ignore[union-attr]
        else:
            found.append(("text", [block]))
    return found


def run_in(title: str) -> str:
    """Return a run-in heading ended by a full stop, unless it ends in punctuation already."""
    return title if title[-1:] in ".:;!?…" else title + "."


def hyphenate_but_last(text: str, language: str) -> str:
    """Return ``text`` with soft hyphens in its words but the last: no paragraph ends on a
    fragment ('ru-/tiner.'), the last line always holds a whole word."""
    head, space, last = text.rpartition(" ")
    return hyphenate(head, language) + space + last if space else text


BAND_MM = 45.0
"""The house depth of a chapter band (from the trim's top): a kicker and a title of two lines."""


def text_mm(theme: str) -> float:
    """Return the theme's text column (mm): ``booklet.text_mm`` of its theme.yaml, checked."""
    value = (templates.look(theme).get("booklet") or {}).get("text_mm", TEXT_WIDTH_MM)
    low, high = TEXT_MM_RANGE
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise BuildError(
            f"layouts/themes/{theme}/theme.yaml: booklet.text_mm: {value!r} is not a column "
            f"width from {low:g} to {high:g} (mm)"
        )
    return float(value)


def margins(column: float) -> dict[str, float]:
    """Return the booklet's side margins (mm) for a text column of ``column`` mm."""
    widen = (TEXT_WIDTH_MM - column) / 2
    return {side: round(mm + widen, 2) for side, mm in MARGIN_MM.items()}


def band_depth(found: list[Chapter], labels: dict[str, object], width: float = TEXT_WIDTH_MM) -> float:
    """Return the depth (mm, from the trim's top) of every chapter band in the booklet: the
    house depth, or the deepest any chapter's kicker and title need, by a generous estimate.

    One depth for all, so that facing chapter openings line up. A chapter's subtitle and
    headline are set under its band (``standfirst``), not in it.
    """
    titles = [(c.kicker, c.section.title, bool(c.section.headline)) for c in found]
    titles.append((None, str(labels["my_reflections"]), False))
    need = BAND_MM
    for kicker, title, small in titles:
        depth = BAND_PAD_MM
        if kicker:
            depth += 12 * MM_PER_PT + 1.5
        if small:  # the headline speaks under the band; the title is its label
            depth += _estimated_lines(title, 10.5, width=width) * 14 * MM_PER_PT
        else:
            depth += _estimated_lines(title, 18, width=width) * 21 * MM_PER_PT
        need = max(need, depth)
    return round(need, 1)


def _estimated_lines(text: str, size: float, em: float = 0.56, width: float = TEXT_WIDTH_MM) -> int:
    """Return how many lines ``text`` takes at ``size`` pt over ``width`` mm, generously."""
    per_line = max(1, int(width / (size * em * MM_PER_PT)))
    words, lines, used = text.split(), 1, 0
    for word in words:
        if used and used + 1 + len(word) > per_line:
            lines, used = lines + 1, len(word)
        else:
            used += (1 if used else 0) + len(word)
    return lines


def part_contents(found: list[Chapter]) -> dict[str, list[Chapter]]:
    """Return, for each part page (a section's preface), the chapters of that part: its own
    section and those after it, up to the next part. The part page lists them as an opener."""
    parts: dict[str, list[Chapter]] = {}
    current: list[Chapter] | None = None
    for chapter in found:
        preface = chapter.section.preface
        if preface:
            current = parts.setdefault(preface.id, [])
        if current is not None:
            current.append(chapter)
    return parts


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


COLOPHON_MAX = 600
"""The most characters of closing words the back cover takes (about ten lines at 9 pt)."""


def colophon(charter: Charter) -> tuple[str, ...]:
    """Return the ids of the closing passages set on the back cover, as its colophon.

    The untitled passages that end ``back:`` ('Ledelsesgrundlaget er udviklet i …, kontakt
    HR'), when they are running text only and short: after the last chapter they would take a
    page of their own for three lines (a stray page a designer would not sign), and what they
    say (how the charter was made, whom to ask) is what a back cover carries. Longer closing
    words stay where they are, after the chapters."""
    tail: list[Passage] = []
    for passage in reversed(charter.back):
        if passage.title or passage.kicker or passage.subtitle:
            break
        tail.insert(0, passage)
    blocks = [b for p in tail for b in p.body]
    if not blocks or any(b.kind != "text" for b in blocks):
        return ()
    if sum(len(str(b.text)) for b in blocks) > COLOPHON_MAX:
        return ()
    return tuple(p.id for p in tail)


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
            source.slug, language, theme.name, source.images, variant, theme.paper,
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
    first: dict[str, int] = {}
    ends: dict[str, tuple[int, float]] = {}
    for index, page in enumerate(document.pages):
        for name, (_, y, *_) in page.anchors.items():
            first.setdefault(name, index)
            if name.startswith(END_PREFIX):
                ends[name.removeprefix(END_PREFIX)] = (index, y)
    limit = SPILL_MM * PX_PER_MM
    return frozenset(
        name for name, (index, y) in ends.items() if index > first.get(name, index) and y < limit
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
    used = max(
        tree.border(b).bottom
        for b in tree.descendants(last, margins=False)
        if "question" in tree.classes(b)
    ) - area.y
    needed_mm = (used + spare * (area.bottom - area.y)) * 25.4 / 96
    for rules in range(fitted.rules - 1, RULES_LEAST - 1, -1):
        if questions * (fitted.rules - rules) * RULE_MM < needed_mm:
            continue  # too little room given up to save the pages
        # One number of rules is tried, the most the estimate allows (a layout each costs
        # seconds); questions turned to a new page only add pages, so a layout that does not
        # save the sheet unturned is not turned.
        trial = replace(fitted, rules=rules, turns=frozenset())
        found, _ = _laid_out(source, "screen", 0, trial)
        if not _saves_a_sheet(found, pages):
            break
        turns = question_turns(found)
        if turns:
            trial = replace(trial, turns=turns)
            found, _ = _laid_out(source, "screen", 0, trial)
        if _saves_a_sheet(found, pages) and not lone_questions(found):
            log.debug("%s: %d rules a question save a sheet (%d pages, not %d)",
                      source.slug, rules, len(found.pages), pages)  # fmt: skip
            return found, trial
        break
    return document, fitted


def _saves_a_sheet(found: weasyprint.Document, pages: int) -> bool:
    """Tell whether a booklet laid out anew takes a sheet less than one of ``pages`` pages and
    still ends on a notes page (the writing room moves there, it does not go)."""
    return sheets(len(found.pages)) < sheets(pages) and len(found.pages) % 4 != 0


def part_ids(charter: Charter) -> list[str]:
    """Return the ids of the part openers (the sections' prefaces), in order."""
    parts = (*charter.sections, *([charter.organisation] if charter.organisation else []))
    return [s.preface.id for s in parts if s.preface]


def covers_overlap(document: weasyprint.Document) -> bool:
    """Tell whether, on the front or the back cover, a line of text overlaps the mark or another line.

    Reads the layout (``layout/tree.py``): line boxes and the mark's row boxes, as rectangles.
    """
    pages = document.pages
    return any(
        _overlaps(tree.page_box(page))
        for page in {id(p): p for p in (pages[0], pages[-1])}.values()
    )


def _overlaps(page_box: object) -> bool:
    rects = [(_rect(box), True) for box in tree.descendants(page_box, margins=False)
             if _is_mark_row(box)]  # fmt: skip
    rects += [(_rect(line), False) for line in _line_boxes(page_box)]
    for i, (a, a_mark) in enumerate(rects):
        for b, b_mark in rects[i + 1 :]:
            if a_mark and b_mark:
                continue
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5:
                return True
    return False


def _rect(box: object) -> tuple[float, float, float, float]:
    """Return (left, top, right, bottom): of the text on a line, else of a box's border box."""
    if tree.is_line(box):
        place = tree.placed(box)
        texts = [tree.placed(t) for t in tree.text_boxes(box)]
        left = min((t.x for t in texts), default=place.x)
        right = max((t.right for t in texts), default=place.x)
        return (left, place.y, right, place.bottom)
    edge = tree.border(box)
    return (edge.x, edge.y, edge.right, edge.bottom)


def _line_boxes(box: object) -> list[object]:
    return [line for line in tree.descendants(box, tree.LINE, margins=False)
            if any(tree.text(t).strip() for t in tree.text_boxes(line))]  # fmt: skip


def _is_mark_row(box: object) -> bool:
    return "mark-row" in tree.classes(box)


def question_turns(document: weasyprint.Document) -> frozenset[int]:
    """Return the numbers of the questions to move to a new page so that none stands alone."""
    on_page: dict[int, list[int]] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            if name.startswith(QUESTION_PREFIX):
                on_page.setdefault(index, []).append(int(name.removeprefix(QUESTION_PREFIX)))
    turns = set()
    opener = _mine_opener(document)
    for index, numbers in on_page.items():
        before = on_page.get(index - 1, [])
        if len(numbers) == 1 and index != opener and len(before) >= 3:
            turns.add(max(before))
    return frozenset(turns)


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


# --- Checking the layout ------------------------------------------------------------------


def lone_questions(document: weasyprint.Document) -> list[int]:
    """Return the numbers of the pages of My reflections that hold one question alone.

    The page that opens My reflections (its band and introduction) is not alone with its question.
    """
    opener = _mine_opener(document)
    return [
        number
        for number, page in enumerate(document.pages, 1)
        if number - 1 != opener and len(tree.elements(tree.page_box(page), "question")) == 1
    ]


def _mine_opener(document: weasyprint.Document) -> int | None:
    """Return the index of the page where My reflections begins (its anchor spans every page)."""
    return next((i for i, page in enumerate(document.pages) if MINE_ID in page.anchors), None)


def lone_lines(document: weasyprint.Document) -> list[int]:
    """Return the numbers of the pages (not covers or part pages) that hold a single line of text."""
    return [
        number
        for number, page in enumerate(document.pages, 1)
        if tree.page_type(page) not in OPEN_PAGES and len(_lines(tree.page_box(page))) == 1
    ]


def layout_problems(document: weasyprint.Document) -> tuple[str, ...]:
    """Return what a reader would take for a mistake: a blank page, a heading stranded at a page
    foot, a page of a single line or a single question, a paragraph that ends on a hyphenated
    fragment.

    Reads the layout (``layout/tree.py``): the last line of text on each page.
    Part pages (a preface) may be a heading alone.
    """
    problems = []
    for number, page in enumerate(document.pages, 1):
        lines = _lines(tree.page_box(page))
        if not lines:
            problems.append(f"page {number} is blank")
        elif lines[-1][0] and tree.page_type(page) not in OPEN_PAGES:
            problems.append(f"page {number} ends with the heading '{lines[-1][1]}'")
    problems += [f"page {n} holds a single line" for n in lone_lines(document)]
    problems += [
        f"page {n} holds {count} lines, the end of '{name}' (fewer than {copyfit.MIN_LINES}: "
        "shorten the chapter a little, or add to it)"
        for name, n, count in copyfit.short_pages(document)
        if count > 1
    ]
    problems += [f"page {n} holds a single question" for n in lone_questions(document)]
    problems += [
        f"page {n}: a paragraph ends on the hyphenated fragment '{text}'"
        for n, text in pages.hyphenated_ends(document)
    ]
    return tuple(problems)


def _lines(box: object) -> list[tuple[str | None, str]]:
    """Return (heading or None, text) for each line of text below ``box``, margin boxes left out.

    The heading is the tag of the innermost heading the line is in (``_is_heading``), if any.
    """
    found = []
    for ancestors, line in tree.lines(box):
        text = tree.line_text(line).strip()
        if text:
            headings = [tree.tag(b) for b in (*ancestors, line) if _is_heading(b)]
            found.append((headings[-1] if headings else None, text))
    return found


def _is_heading(box: object) -> bool:
    """Tell whether a box is a heading, or a line that leads into what follows it."""
    if tree.element(box) is None:
        return False
    return tree.tag(box) in STRANDED or bool(tree.classes(box) & STRANDED_CLASSES)


def page_notes(source: Source, document: weasyprint.Document, name: str) -> tuple[str, ...]:
    """Return the build notes on one laid-out variant: its layout problems, and any part opener
    that still runs onto a second page."""
    notes = [f"{name}: {problem}" for problem in layout_problems(document)]
    notes += [
        f"{name}: the part page '{part}' runs onto a second page"
        for part in pages.long_openers(document, part_ids(source.charter))
    ]
    return tuple(notes)


# --- Imposition ---------------------------------------------------------------------------


def impose(pdf: bytes, back_shift: Point = (0.0, 0.0)) -> bytes:
    """Put the print booklet's pages on A4 landscape sides in saddle-stitch order.

    The two pages of a side meet at the fold with no gap: each page's trim edge lies on the
    sheet's centre line and its artwork is cut there, so a colour that runs across the spine
    (a cover) runs on without a white line. The spare paper goes to the outer edges, where each
    page keeps as much of its bleed as fits. Fold ticks are drawn only in spare paper above and
    below the pages, never on the artwork (A5 on A4 leaves none: the join itself is the fold).

    ``back_shift`` (mm, in a back side's own coordinates: ``impose.booklet_back_shift``) moves
    every back side (the sheets' second sides: ``saddle_order`` lists outside, inside, outside
    …) as a whole, its two pages and its fold ticks, to meet its front on a printer that prints
    the back off; the fronts never move. Two A5 pages fill the A4 side, so a moved back side
    loses a strip as wide as the move at one edge (clipped at the sheet: its MediaBox is
    unchanged, nothing is drawn past it). That is inherent to moving a side that fills its
    sheet: on paper, once the printer's offset has carried the side back into place, it is a
    blank strip along the edge the offset pulls away from, mostly inside the few millimetres
    office printers leave blank there anyway. With no move the file is as it always was, byte
    for byte.
    """
    reader = PdfReader(io.BytesIO(pdf))
    writer = blank()
    width, height = SHEET_MM[0] * PT_PER_MM, SHEET_MM[1] * PT_PER_MM
    trims = [page.trimbox for page in reader.pages]
    moved = back_shift != (0.0, 0.0)
    for index, pair in enumerate(saddle_order(len(reader.pages))):
        side = writer.add_blank_page(width, height)
        forms, content = {}, b""
        for slot, number in enumerate(pair):
            trim = trims[number - 1]
            name = f"/Page{slot}"
            forms[name] = page_form(
                writer, reader.pages[number - 1], kept(trim, slot, width, height)
            )
            content += draw_form(name, at_fold(trim, slot, width, height))
        use_forms(side, forms)
        ticks = lines_content(fold_marks(trims[0], width, height), width=0.4, black=True)
        drawn = content + ticks
        if moved and index % 2 == 1:  # a back side
            drawn = shifted(drawn, width, height, back_shift[0] * PT_PER_MM, back_shift[1] * PT_PER_MM)
        append_content(writer, side, drawn)
    if reader.metadata:
        writer.add_metadata(
            {k: v for k, v in reader.metadata.items() if k in ("/Title", "/Author")}
        )
    printcolour.declare(writer)
    return to_bytes(writer)


def shifted(content: bytes, width: float, height: float, dx: float, dy: float) -> bytes:
    """Return ``content`` clipped to the sheet (``width`` × ``height`` points) and moved inside it
    by (dx, dy) points: one ``cm`` around the whole side."""
    clip = f"q 0 0 {width:.4f} {height:.4f} re W n 1 0 0 1 {dx:.4f} {dy:.4f} cm\n"
    return clip.encode("ascii") + content + b"\nQ"


def booklet_shift(source: Source, options: Options) -> Point:
    """Return the move (mm) of the imposed booklet's back sides that undoes the printer's offset:
    ``build --booklet-offset``, else the source's ``theme.sheet.booklet_offset``."""
    setting = source.charter.theme.sheet.booklet_offset
    given = options.booklet_offset
    return booklet_back_shift(given if given is not None else (setting.x, setting.y))


def at_fold(trim: RectangleObject, slot: int, width: float, height: float) -> Affine:
    """Return the map that puts a page's trim edge on the fold: slot 0 to its left, 1 to its right."""
    fold = width / 2
    dx = (fold - float(trim.right)) if slot == 0 else (fold - float(trim.left))
    dy = (height - float(trim.height)) / 2 - float(trim.bottom)
    return (1.0, 0.0, 0.0, 1.0, dx, dy)


def kept(trim: RectangleObject, slot: int, width: float, height: float) -> tuple[float, ...]:
    """Return how much bleed (mm: left, bottom, right, top) a page keeps on a sheet side.

    None at the fold (the page meets its neighbour there); at the outer edge and above and
    below, the bleed up to the paper's edge.
    """
    outer = max(0.0, min(BLEED_MM, (width / 2 - float(trim.width)) / PT_PER_MM))
    vertical = max(0.0, min(BLEED_MM, (height - float(trim.height)) / 2 / PT_PER_MM))
    return (outer, vertical, 0.0, vertical) if slot == 0 else (0.0, vertical, outer, vertical)


def fold_marks(trim: RectangleObject, width: float, height: float) -> list[Line]:
    """Return hairlines at the fold in the spare paper above and below the pages, if any.

    A tick stops 1 mm short of the page's trim (or bleed): never on the artwork.
    """
    spare = (height - float(trim.height)) / 2 - (BLEED_MM + 1.0) * PT_PER_MM
    length = min(FOLD_MARK_MM * PT_PER_MM, spare)
    if length < 1.0 * PT_PER_MM:
        return []
    x = width / 2
    return [((x, height), (x, height - length)), ((x, 0.0), (x, length))]


# --- The product --------------------------------------------------------------------------


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
