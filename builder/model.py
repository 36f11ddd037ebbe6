"""The charter model: immutable, validated objects that every later stage reads.

The same classes are the schema: ``schema.py`` validates raw YAML against them,
turns pydantic's errors into lines people can act on, and exports the JSON Schema.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    model_validator,
)

_SPACE = re.compile(r"\s+")


def _collapse(value: object) -> object:
    """Fold runs of white space (YAML line breaks, double spaces) into one space."""
    return _SPACE.sub(" ", value).strip() if isinstance(value, str) else value


# Limits: each is stated in docs/source-format.md and in the JSON Schema.
TEXT_MAX = 2000
"""The longest text of one field (a title, a commitment, a question, a list item), in characters."""
PARAGRAPH_MAX = 5000
"""The longest paragraph (a text block), in characters."""
ID_MAX = 40
SECTIONS_MAX = 40
"""The most sections a charter has."""
COMMITMENTS_MAX = 60
"""The most commitments one section (or the organisation) has."""
CHARTER_COMMITMENTS_MAX = 300
"""The most commitments (cards) in the whole charter."""
BLOCKS_MAX = 200
"""The most blocks in one body, intro, prose or colophon, and items in one list."""
PASSAGES_MAX = 40
"""The most passages in front or back, groups in the reflection, questions in a group."""


class _JsonPattern:
    """Show a string pattern in the JSON Schema (pydantic drops it beside a BeforeValidator)."""

    def __init__(self, pattern: str):
        self.pattern = pattern

    def __get_pydantic_json_schema__(self, core_schema, handler):  # noqa: D105 - pydantic hook
        schema = handler(core_schema)
        schema["pattern"] = self.pattern
        return schema


NOT_BLANK = r"\S"
"""Text must hold something besides white space (checked after folding, and in the JSON Schema)."""
QUESTION_END = r"\?\s*$"
Text = Annotated[
    str,
    BeforeValidator(_collapse),
    StringConstraints(min_length=1, max_length=TEXT_MAX, pattern=NOT_BLANK),
    _JsonPattern(NOT_BLANK),
]
"""Non-empty text, white space folded."""
Paragraph = Annotated[
    str,
    BeforeValidator(_collapse),
    StringConstraints(min_length=1, max_length=PARAGRAPH_MAX, pattern=NOT_BLANK),
    _JsonPattern(NOT_BLANK),
]
"""A paragraph: non-empty text, white space folded, up to PARAGRAPH_MAX characters."""
Question = Annotated[
    str,
    BeforeValidator(_collapse),
    StringConstraints(min_length=1, max_length=TEXT_MAX, pattern=QUESTION_END),
    _JsonPattern(QUESTION_END),
]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=ID_MAX)]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]

CARD_PRESETS: dict[str, tuple[float, float]] = {
    "standard": (90, 130),
    "a6": (105, 148),
    "poker": (63, 88),
    "a7": (74, 105),
}
"""Named card sizes in mm (width, height)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Block(_Frozen):
    """One block of running text: a paragraph (plain text), a heading, a list or a signature."""

    text: Paragraph | None = None
    """A paragraph. In YAML a block that is plain text is a paragraph."""
    heading: Text | None = None
    """A sub-heading inside a passage."""
    items: tuple[Text, ...] | None = Field(default=None, min_length=1, max_length=BLOCKS_MAX)
    """A bulleted list."""
    signature: Text | None = None
    """A signature line, e.g. 'Kommunaldirektør …'."""

    @model_validator(mode="before")
    @classmethod
    def _plain_text_is_a_paragraph(cls, value: object) -> object:
        return {"text": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _exactly_one(self) -> Block:
        given = self.model_fields_set  # a key written with no value counts: it is a slip
        if len(given) != 1 or getattr(self, next(iter(given))) is None:
            raise ValueError("give exactly one of: " + ", ".join(type(self).model_fields))
        return self

    @property
    def kind(self) -> str:
        """Return which kind of block this is: text, heading, items or signature."""
        return next(
            k for k in ("text", "heading", "items", "signature") if getattr(self, k) is not None
        )


Blocks = Annotated[tuple[Block, ...], Field(max_length=BLOCKS_MAX)]


class Passage(_Frozen):
    """A titled piece of running text: an introduction, a purpose, a closing word."""

    id: Id
    """Unique within the charter; used for links and bookmarks."""
    kicker: Text | None = None
    """A small label above the title."""
    title: Text | None = None
    subtitle: Text | None = None
    body: Blocks = ()


class Commitment(_Frozen):
    """One commitment of the charter: one dialogue card."""

    text: Text
    """The commitment as the charter writes it (as it stands in the booklet's list)."""
    card: Text | None = None
    """The card front's wording, where the charter's text ends a sentence begun by the lead."""
    question: Question
    """Our reflection question for the card's back: open, concrete, one sentence."""

    @property
    def front(self) -> str:
        """Return the text for the card's front."""
        return self.card or self.text


class Section(_Frozen):
    """A chapter of the charter that carries commitments."""

    id: Id
    kicker: Text | None = None
    """A short name ('ROLLEN'); shown on the cards, else the title is."""
    title: Text
    subtitle: Text | None = None
    headline: Text | None = None
    """A first-person headline ('Jeg har lysten og modet til at lede')."""
    colour: Colour | None = None
    preface: Passage | None = None
    """A passage printed before this chapter (e.g. an introduction to all the sections)."""
    intro: Blocks = ()
    """Text before the lead and the list."""
    lead: Text | None = None
    """The lead-in to the list ('Det indebærer, at jeg:')."""
    list_commitments: Annotated[bool, Strict()] = True
    """False where the commitments are quoted from the prose: the booklet then prints the prose only."""
    commitments: tuple[Commitment, ...] = Field(min_length=1, max_length=COMMITMENTS_MAX)
    prose_title: Text | None = None
    prose: Blocks = ()

    @property
    def label(self) -> str:
        """Return the section's short name for cards."""
        return self.kicker or self.title


class QuestionItem(_Frozen):
    """One of the charter's own reflection questions."""

    label: Text | None = None
    text: Text


class ReflectionGroup(_Frozen):
    """The charter's questions for one audience."""

    title: Text
    subtitle: Text | None = None
    questions: tuple[QuestionItem, ...] = Field(min_length=1, max_length=PASSAGES_MAX)


class Reflection(_Frozen):
    """The charter's own reflection questions, by audience."""

    id: Id = "refleksion"
    title: Text
    intro: Blocks = ()
    groups: tuple[ReflectionGroup, ...] = Field(min_length=1, max_length=PASSAGES_MAX)


class Values(_Frozen):
    """A set of values shown as a panel."""

    title: Text
    intro: Blocks = ()
    items: tuple[Text, ...] = Field(min_length=1, max_length=BLOCKS_MAX)


class Contact(_Frozen):
    """Who to contact; printed on the back cover."""

    name: Text | None = None
    unit: Text | None = None
    address: tuple[Text, ...] = Field(default=(), max_length=10)
    email: Text | None = None
    phone: Text | None = None
    web: Text | None = None
    text: Paragraph | None = None


class Meta(_Frozen):
    """What the charter is and whose it is."""

    municipality: Text
    title: Text
    subtitle: Text | None = None
    language: Literal["da", "en"] = "da"
    year: Annotated[int, Strict()] | None = Field(default=None, ge=1900, le=2100)
    version: Text | None = None
    author: Text | None = None
    """For the PDF metadata; defaults to the municipality."""
    contact: Contact | None = None


def _card_preset(value: object) -> object:
    if isinstance(value, str) and value in CARD_PRESETS:
        width, height = CARD_PRESETS[value]
        return {"width": width, "height": height}
    return value


class CardSize(_Frozen):
    """A card's trim size in millimetres."""

    width: Annotated[float, Strict()] = Field(ge=50, le=150)
    height: Annotated[float, Strict()] = Field(ge=70, le=210)


class Sheet(_Frozen):
    """How cards are put on office paper."""

    paper: Literal["A4", "A3", "Letter"] = "A4"
    flip: Literal["long", "short"] = "long"
    """Which edge the duplex printer flips on."""
    mode: Literal["duplex", "fold"] = "duplex"
    """'fold': front and back side by side, for printers without duplex."""


class Logo(_Frozen):
    """An image for the cover; its alt text is read aloud by screen readers."""

    file: Text
    """A path below ``assets/``."""
    alt: Text


class Theme(_Frozen):
    """How the charter looks."""

    name: Literal["civic", "classic", "signal"] = "civic"
    """The theme (layouts/themes/NAME): civic (sans and serif, colour fields), classic
    (a Garamond book on paper), signal (bold capitals on full colour)."""
    monogram: Annotated[str, StringConstraints(min_length=1, max_length=3)] | None = None
    """The letters of the typographic mark drawn where no logo is given; defaults to the
    municipality's initial."""
    colour: Colour = "#1f4e79"
    accent: Colour = "#c8963e"
    card: Annotated[CardSize, BeforeValidator(_card_preset)] = CardSize(width=90, height=130)
    """A card size {width, height} in mm, or a name: standard (90×130), a6, a7, poker (63×88)."""
    sheet: Sheet = Sheet()
    logo: Logo | None = None


class Charter(_Frozen):
    """A whole leadership charter."""

    meta: Meta
    theme: Theme = Theme()
    colophon: Blocks = ()
    """Credits and process, for the inside cover."""
    values: Values | None = None
    front: tuple[Passage, ...] = Field(default=(), max_length=PASSAGES_MAX)
    """Passages before the sections, in reading order."""
    sections: tuple[Section, ...] = Field(min_length=1, max_length=SECTIONS_MAX)
    organisation: Section | None = None
    """What the organisation commits to its leaders."""
    reflection: Reflection | None = None
    back: tuple[Passage, ...] = Field(default=(), max_length=PASSAGES_MAX)
    """Passages after the sections."""

    @property
    def commitment_count(self) -> int:
        """Return how many commitments the sections and the organisation carry."""
        parts = (*self.sections, *([self.organisation] if self.organisation else []))
        return sum(len(s.commitments) for s in parts)
