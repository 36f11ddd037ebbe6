"""The dialogue card deck: the cards from the charter, made into the print-shop PDF and the
office sheets.

The steps have modules of their own: a card's faces, its type scale and HTML (``faces``); the
faces laid out to hold their texts, one size per deck (``fit``, composing them with
``compose``); the cards on office sheets (``office``); slides, face images and the guide
(``facilitation``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyphen

from ...errors import BuildError
from ...layout.render import to_pdf
from ...layout.templates import labels
from ...prepress import sheets
from ...source.model import Charter
from ...text.hyphenate import PATTERNS
from ...units import BLEED_MM
from ...values import Product, Shrunk, Source
from . import facilitation
from .faces import Card, card_size, scale_for
from .fit import Fitted, break_notes, fit, shrink_notes, shrunk_faces, size_notes
from .office import office_sheets

if TYPE_CHECKING:
    from ...values import Options


def make(source: Source, options: Options) -> list[Product]:
    """Return the print-shop PDF and the office-sheets PDF of a charter's card deck."""
    laid = lay_out(source)
    faces_pdf = to_pdf(laid.fitted.document, print_colour=True)
    print_pdf = sheets.add_crop_marks(faces_pdf, bleed_mm=BLEED_MM) if options.marks else faces_pdf
    count = len(laid.cards)
    sheet_pdf, sheet_pages = office_sheets(source, faces_pdf, count, laid.words, options.offset)
    slug = source.slug
    return [
        Product(f"{slug}-cards-print.pdf", print_pdf, 2 * count, laid.notes, laid.shrunk),
        Product(f"{slug}-cards-sheets.pdf", sheet_pdf, sheet_pages),
        *facilitation.make(source, laid.cards, laid.fitted.document, laid.words),  # slides, guide
    ]


@dataclass(frozen=True)
class LaidOut:
    """A charter's deck laid out to hold its texts and proven (``fit``), with its notes."""

    cards: list[Card]
    fitted: Fitted
    words: dict[str, object]
    shrunk: tuple[Shrunk, ...]
    notes: tuple[str, ...]


def lay_out(source: Source) -> LaidOut:
    """Lay out the deck's faces (no PDF): the fitting and its proof, which raise BuildError if
    a text does not fit, and the notes on what was shrunk or broken."""
    words = labels(source.charter.meta.language)
    check_hyphenation(source.charter.meta.language)
    cards = deck(source.charter, words)
    type_scale = scale_for(card_size(source.charter))
    fitted = fit(source, cards, words, type_scale)
    shrunk = shrunk_faces(cards, fitted, type_scale)
    notes = shrink_notes(cards, shrunk) + size_notes(cards, fitted, type_scale)
    return LaidOut(cards, fitted, words, shrunk, notes + break_notes(cards, fitted))


def check_fit(source: Source) -> tuple[str, ...]:
    """Lay out the deck's faces (no PDF) and return the shrink notes; BuildError if a text does not fit.

    What ``charterpress check`` runs: the same fitting and proof as a build, without writing.
    """
    return lay_out(source).notes


def deck(charter: Charter, words: dict[str, object]) -> list[Card]:
    """Return the cards in order: the title card, then every commitment, the organisation's last,
    then one reflection card per group of the charter's own questions (``reflection:``)."""
    theme = charter.theme.colour
    meta = charter.meta
    cards = [
        Card(
            number=1,
            kind="title",
            path="meta.title",
            colour=theme,
            label=str(words["dialogue_cards"]),
            headline=None,
            title=None,
            front=meta.title,
            back=str(words["how_to_title"]),
            front_field="title",
        )
    ]
    parts = [(f"sections[{i}]", s, i) for i, s in enumerate(charter.sections)]
    if charter.organisation:
        parts.append(("organisation", charter.organisation, -1))
    for prefix, section, index in parts:
        for i, block in section.lists:
            for j, commitment in enumerate(block.commitments or ()):
                card = Card(
                    number=len(cards) + 1,
                    kind="commitment",
                    path=f"{prefix}.body[{i}].commitments[{j}]",
                    colour=charter.section_colour(index),
                    label=section.label,
                    headline=section.headline,
                    title=commitment.title,
                    front=commitment.front,
                    back=commitment.question or str(words["question_missing"]),
                    front_field="card" if commitment.card else "text",
                    lead=None if commitment.card else block.lead,
                )
                cards.append(card)
    for i, group in enumerate(charter.reflection.groups if charter.reflection else ()):
        cards.append(
            Card(
                number=len(cards) + 1,
                kind="reflection",
                path=f"reflection.groups[{i}]",
                colour=theme,
                label=str(words["reflection"]),
                headline=None,
                title=None,
                front=group.title,
                back=group.title,
                front_field="title",
                subtitle=group.subtitle,
                questions=tuple((q.label, q.text) for q in group.questions),
            )
        )
    return cards


def check_hyphenation(language: str) -> None:
    """Fail the build if a shipped language's hyphenation dictionary cannot be loaded (a broken
    pyphen install). A project's own language without pyphen patterns breaks words only where
    its exception list says (``hyphenate.pattern_breaks``)."""
    if language in PATTERNS and pyphen.language_fallback(PATTERNS[language]) is None:
        raise BuildError(f"no hyphenation dictionary for language '{language}' (pyphen)")
