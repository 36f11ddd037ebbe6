"""What the booklet's template shows: its chapters and contents, the mark on its covers, its
colours, the text column and the band, the colophon, and the Jinja environment.

Pure: the handbook (``handbook``) lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from ...errors import BuildError
from ...layout import templates
from ...source import images as assets
from ...source.model import Block, Charter, Passage, Section
from ...text import colours, names, reading
from ...text.hyphenate import hyphenate
from ...units import (
    INK_DARK_BOOKLET,
    MM_PER_PT,
    TINT,
)

if TYPE_CHECKING:
    pass


SOFT = 0.1
"""How much of the field a secondary line of text on it takes on (--c-ink-soft): like 90 %
opacity, but a solid colour, so that no transparency group (a form outside the tags) is made."""


CONTENTS_ID = "cp_contents"


VALUES_ID = "cp_values"


MINE_ID = "cp_mine"


TEXT_WIDTH_MM = 115.0
"""The base's A5 text column (148 mm less margins of 15 mm outside and 18 mm at the fold)."""


MARGIN_MM = {"outer": 15.0, "inner": 18.0}
"""The base's side margins; a theme's narrower column (``booklet.text_mm``) widens both alike."""


TEXT_MM_RANGE = (80.0, TEXT_WIDTH_MM)
"""The narrowest and widest column a theme may ask for."""


BAND_PAD_MM = 20.0 + 6.0
"""A chapter band's space above its first line (from the trim) and below its last."""


QUESTION_PREFIX = "cp_q_"
"""The ids of the questions of My reflections: cp_q_1, cp_q_2 …"""


OPEN_PAGES = {"cover", "inside", "part", "back", "notes"}
"""Named pages (booklet.css) that may hold a heading and nothing after it (a notes page: its
title, then rules)."""


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
    env.globals["rule"] = {"pitch_mm": RULE_PITCH_MM, "border_pt": RULE_BORDER_PT}
    env.globals["part_toc"] = PART_TOC
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


PART_TOC = {
    "margin_mm": 10.0,
    "padding_mm": 4.0,
    "compact_margin_mm": 7.0,
    "compact_padding_mm": 3.0,
    "compact_line_pt": 12.5,
    "compact_gap_mm": 1.2,
}
"""A part opener's contents list: the space above its rule and under it, full and compact, and
a compact list's line and the space after each entry. booklet.css draws ``.part-toc`` from
these numbers (the template's ``part_toc``), and ``pages``' estimates of an opener are made of them."""

RULE_PITCH_MM = 8.0
"""The rules to write on under a question of My reflections, this far apart: a line of
handwriting (booklet.css draws them from this number, ``rule.pitch_mm``)."""
RULE_BORDER_PT = 0.4
"""Each rule's border in print, a K tint (``rule.border_pt``); the screen's form field is as
tall as the print's rules, borders included."""

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


def band_depth(
    found: list[Chapter], labels: dict[str, object], width: float = TEXT_WIDTH_MM
) -> float:
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
