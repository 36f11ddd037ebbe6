"""A card of the deck and its faces: the type scale, what each face shows, its HTML.

The faces are laid out by ``fit`` and made into the deck's files by ``deck``; nothing here lays
out or writes a PDF.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import jinja2

from ...layout import proof, templates
from ...layout.render import render_html
from ...layout.templates import DEFAULT_THEME, environment, look
from ...source import images as assets
from ...source.model import Charter
from ...text import colours, reading
from ...units import (
    BLEED_MM,
    BODY_INK_PRINT,
    INK_DARK_CARDS,
    PT_PER_MM,
    TINT,
)
from ...values import Source
from . import compose

if TYPE_CHECKING:
    from pathlib import Path


FLOOR_PT = 9.0
"""No card text is set smaller than this."""


DESIGN_WIDTH_MM = 90.0
"""The card width the type sizes below are designed for; other sizes scale them."""


SIDES = ("front", "back")


KICKER_MAX = 24
"""A section label this short is set as a spaced-out capital kicker; a longer one as a line."""


BAND_MIN_MM = 24.0
"""The shallowest band (mm, trim top to band foot at the 90 mm design width)."""


READABLE_STEPS = 10
"""A back's label is darkened towards black in tenths until it reads on the tint."""


@dataclass(frozen=True)
class Card:
    """One card of the deck: the title card, one commitment or one reflection group, front and back."""

    number: int
    kind: str
    """'title', 'commitment' or 'reflection' (a group of the charter's own questions)."""
    path: str
    """Where the card comes from in the source: 'meta', 'sections[1].body[2].commitments[4]'
    or 'reflection.groups[1]'."""
    colour: str
    label: str
    """The section's short name (the deck's name on the title card, 'Refleksion' on a
    reflection card)."""
    headline: str | None
    title: str | None
    """The commitment's name (a named principle): the headline above the front's text."""
    front: str
    """The commitment (the charter's title on the title card, the group's title on a
    reflection card)."""
    back: str
    """The question (the how-to title on the title card; on a reflection card the group's
    title again, which names the back's questions in its head)."""
    front_field: str
    """The source field the front text comes from: 'text', 'card' or 'title'."""
    lead: str | None = None
    """The lead-in of the commitment's list ('As a leader I:'), set in the band under the
    section's name when the card shows the charter's own text (no ``card:`` wording): that
    text continues the lead's sentence, and a card is read alone."""
    subtitle: str | None = None
    """A reflection group's subtitle (who it is for), under its title on the front."""
    questions: tuple[tuple[str | None, str], ...] = ()
    """A reflection card's questions, (label or None, question), in the source's order."""


@dataclass(frozen=True)
class Scale:
    """Type sizes (pt) and margins (mm) for one card size; each face's text has a ladder of sizes."""

    k: float
    """The factor from the 90 mm design width to this card."""
    margin_top: float
    margin_side: float
    margin_bottom: float
    label: float
    headline: float
    number: float
    ladders: dict[str, tuple[float, ...]]
    """Sizes to try, largest first, per face kind: front, back, title-front, title-back,
    reflection-front, reflection-back."""

    def ladder(self, card: Card, side: str) -> tuple[float, ...]:
        """Return the sizes to try for one face."""
        return self.ladders[side if card.kind == "commitment" else f"{card.kind}-{side}"]


def top_line(cards: list[Card], scale: Scale, width: float) -> float:
    """Return where every face's main text starts (mm below the trim's top), for the whole deck.

    The band above the text is as deep as the deepest section name, headline and lead of the deck
    need (by a generous estimate of their lines), and never shallower than a designed minimum.
    """
    need = 0.0
    for card in cards:
        if card.kind == "title":
            continue
        size = scale.label if len(card.label) <= KICKER_MAX else scale.headline
        lines = _lines(card.label, size, width, caps=len(card.label) <= KICKER_MAX) * size * 1.25
        for line in (card.headline, card.lead):
            if line:
                lines += _lines(line, scale.headline, width) * scale.headline * 1.3
                lines += 1.5 * scale.k * PT_PER_MM
        need = max(need, lines / PT_PER_MM)
    band = scale.margin_top + need + 5 * scale.k
    return round(max(band, BAND_MIN_MM * scale.k) + 5 * scale.k, 1)


def _lines(text: str, size: float, width: float, caps: bool = False) -> int:
    """Return how many lines ``text`` needs at ``size`` pt in ``width`` mm, by a generous estimate."""
    em = 0.72 if caps else reading.EM_PER_LETTER
    return max(1, math.ceil(len(text) * em * size / (width * PT_PER_MM)))


def measure(charter: Charter, scale: Scale) -> float:
    """Return the width (mm) of a card's text column."""
    return card_size(charter)[0] - 2 * scale.margin_side


def deck_count(charter: Charter, words: dict[str, object]) -> str:
    """Return how many cards the deck holds, in words: '32 dialogkort og et titelkort'.

    The one count the office sheets, the booklet and the guide all print: one dialogue card per
    commitment (``Charter.commitment_count``), one reflection card per group of the charter's
    own questions (``Charter.reflection_count``), and the title card named apart.
    """
    return templates.deck_count(words, charter.commitment_count, charter.reflection_count)


def card_size(charter: Charter) -> tuple[float, float]:
    """Return the card's trim size in mm (width, height)."""
    return (charter.theme.card.width, charter.theme.card.height)


def face_id(card: Card, side: str) -> str:
    """Return the HTML id of one face of a card."""
    return f"card-{card.number}-{side}"


def scale_for(size: tuple[float, float]) -> Scale:
    """Return the type sizes and margins for a card size, scaled from the 90 mm design."""
    k = max(0.7, min(1.15, size[0] / DESIGN_WIDTH_MM, size[1] / 130))
    return Scale(
        k=k,
        margin_top=max(7.0, 9 * k),
        margin_side=max(7.0, 8 * k),
        margin_bottom=max(10.5, 16 * k),
        label=max(6.5, round_half(9 * k)),
        headline=max(7.5, round_half(9.5 * k)),
        number=max(6.5, round_half(7 * k)),
        ladders={
            "front": ladder(21 * k),
            "back": ladder(19 * k),
            "title-front": ladder(24 * k),
            "title-back": ladder(12 * k),
            "reflection-front": ladder(20 * k),
            "reflection-back": ladder(14 * k),
        },
    )


def round_half(value: float) -> float:
    """Return ``value`` rounded to the nearest half point."""
    return round(value * 2) / 2


def ladder(start: float) -> tuple[float, ...]:
    """Return the sizes from ``start`` down to the floor, about 9 % apart, in half points."""
    sizes = [max(FLOOR_PT, round_half(start))]
    while sizes[-1] > FLOOR_PT:
        smaller = min(sizes[-1] - 0.5, round_half(sizes[-1] * 0.91))
        sizes.append(max(FLOOR_PT, smaller))
    return tuple(sizes)


def face_texts(card: Card, side: str, words: dict[str, object]) -> tuple[str, ...]:
    """Return the texts a face must show, in reading order, flat (see ``proof.flat``)."""
    if card.kind == "title":
        texts = [card.front] if side == "front" else [card.back, *map(str, words["how_to_steps"])]  # type: ignore[call-overload]
    elif card.kind == "reflection" and side == "front":
        texts = [card.label, card.front, card.subtitle or ""]
    elif card.kind == "reflection":
        texts = [card.back, *(t for q in card.questions for t in q if t)]
    elif side == "front":
        texts = [card.label, card.headline or "", card.lead or "", card.title or "", card.front]
    else:
        texts = [card.back]
    return tuple(proof.flat(t) for t in texts)


def cards_html(
    source: Source,
    cards: list[Card],
    words: dict[str, object],
    scale: Scale,
    sizes: dict[str, float],
    *,
    trials: dict[str, tuple[str, float]] | None = None,
    composed: dict[str, compose.Composed] | None = None,
) -> str:
    """Return the HTML of the deck, one face per page (or of the trial faces only).

    ``composed``: face id -> its composition (``compose``), for the faces that have one.
    """
    charter = source.charter
    by_id = {face_id(c, s): (c, s) for c in cards for s in SIDES}
    style = band_style(cards)
    how = composed or {}
    if trials is None:
        trials = {
            face_id(c, s): (face_id(c, s), sizes[face_id(c, s)]) for c in cards for s in SIDES
        }
    faces = [
        _face(*by_id[fid], trial, size, style, charter.theme.name, how.get(fid))
        for trial, (fid, size) in trials.items()
    ]
    colours = sorted({c.colour for c in cards})
    w, h = card_size(charter)
    width = measure(charter, scale)
    return render_html(
        card_environment(
            source.slug,
            charter.meta.language,
            charter.theme.name,
            measure(charter, scale),
            charter.theme.paper,
            source.images,
        ),
        "cards.html",
        charter=charter,
        labels=words,
        faces=faces,
        total=len(cards),
        card={"width": w, "height": h, "bleed": BLEED_MM},
        scale=scale,
        tints=[{"name": _tint_page(c), "colour": c, "tint": tint(c)} for c in colours],
        fields=[{"name": _field_page(c), "colour": c, "ink": ink_on(c)} for c in colours],
        cover={"colour": charter.theme.colour, "ink": ink_on(charter.theme.colour)},
        steps=list(words["how_to_steps"]),  # type: ignore[call-overload]
        top_line=top_line(cards, scale, width),
        monogram=charter.monogram,
        ink={"body": BODY_INK_PRINT},
        count=deck_count(charter, words),
        total_count=templates.deck_total(words, charter.commitment_count, charter.reflection_count),
    )


def card_environment(
    slug: str,
    language: str,
    theme: str = DEFAULT_THEME,
    measure_mm: float = 74.0,
    paper: str | None = None,
    images: dict[str, Path] | None = None,
) -> jinja2.Environment:
    """Return the layout environment with the cards' filter.

    'read(size)' sets text for reading aloud (builder/reading.py): bound for sense, a word
    broken only when it is longer than a line of ``measure_mm`` at ``size`` pt. 'keep' (for
    titles) only binds: a title shrinks rather than break a word. 'image' turns an image the
    source names (the logo on the title card) into its checked file's URL, as in the booklet.
    """
    env = environment(slug, theme=theme, paper=paper)
    env.filters["image"] = lambda file: assets.image_url((images or {})[file], "print")
    env.filters["read"] = lambda text, size: reading.for_reading(
        str(text), language, measure_mm, float(size)
    )
    env.filters["keep"] = lambda text: reading.bind(str(text), language, card=True)
    return env


def band_style(cards: list[Card]) -> str:
    """Return how the deck sets its bands' labels, the same on every card: spaced capitals
    ('kicker') when every label is short, else a plain line ('theme')."""
    labels = [c.label for c in cards if c.kind != "title"]
    return "kicker" if all(len(label) <= KICKER_MAX for label in labels) else "theme"


def _face(
    card: Card,
    side: str,
    fid: str,
    size: float,
    style: str,
    theme: str = DEFAULT_THEME,
    composed: compose.Composed | None = None,
) -> dict[str, object]:
    """Return what the template needs for one face.

    ``css``: the inline style its composition adds, per class of the face's paragraphs, and
    for 'main' (the block's first element): the shift down. ``lines``: a balanced paragraph's
    text, a line feed at each break (set ``pre-line``), per class.
    """
    css: dict[str, str] = {}
    lines: dict[str, str] = {}
    if composed is not None:
        for name, text in composed.lines.items():
            css[name] = "white-space: pre-line;"
            lines[name] = text
        if composed.shift_mm:
            css["main"] = f"padding-top: {composed.shift_mm:g}mm;"
    return {
        "css": css,
        "lines": lines,
        "id": fid,
        "card": card,
        "side": side,
        "size": size,
        "page": _page_name(card, side, theme),
        "label_style": style,
        "ink": ink_on(card.colour),
        "label_colour": readable_on(card.colour, tint(card.colour)),
    }


def _page_name(card: Card, side: str, theme: str = DEFAULT_THEME) -> str:
    """Return the name of the @page rule a face is laid out on (it sets the background).

    A theme whose theme.yaml says ``cards: {front: field}`` prints fronts on the full colour.
    """
    if side == "back":
        return _tint_page(card.colour)
    if card.kind == "title":
        return "cover"
    cards_look = look(theme).get("cards") or {}
    return _field_page(card.colour) if cards_look.get("front") == "field" else "front"


def _field_page(colour: str) -> str:
    """Return the name of the @page rule that prints a front on the full colour."""
    return "field-" + colour.lstrip("#").lower()


def _tint_page(colour: str) -> str:
    """Return the name of the @page rule that gives a back its tinted background."""
    return "tint-" + colour.lstrip("#").lower()


def tint(colour: str) -> str:
    """Return the pale tint of ``colour`` that backs are printed on."""
    return colours.mix(colour, colours.WHITE, TINT)


def readable_on(colour: str, background: str) -> str:
    """Return ``colour``, darkened just enough to read as small text on ``background``."""
    return colours.readable(colour, background, steps=READABLE_STEPS)


def ink_on(colour: str) -> str:
    """Return white or the cards' near-black, whichever reads better on ``colour``."""
    return colours.ink(colour, INK_DARK_CARDS)
