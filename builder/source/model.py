"""The charter model: immutable, validated objects that every later stage reads.

The same classes are the schema: ``schema.py`` validates raw YAML against them,
turns pydantic's errors into lines people can act on, and exports the JSON Schema.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    field_validator,
    model_validator,
)

from .. import project
from ..text.colours import luminance

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
CHARTER_COMMITMENTS_MAX = 600
PAPER_MIN_LUMINANCE = 0.8
"""The darkest paper tone a source may set (WCAG relative luminance; classic's #f7f3ea is 0.90)."""
"""The most commitments (cards) in the whole charter (a 500-commitment charter must build: issue 11)."""
BLOCKS_MAX = 200
"""The most blocks in one body, intro or colophon, and items in one list."""
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
FILE_MAX = 200
"""The longest image path."""
ImageFile = Annotated[str, StringConstraints(min_length=1, max_length=FILE_MAX, pattern=NOT_BLANK)]
"""An image file's path, relative to the source's folder (``logo.png``, ``img/map.png``)."""

CARD_PRESETS: dict[str, tuple[float, float]] = {
    "standard": (90, 130),
    "a6": (105, 148),
    "poker": (63, 88),
    "a7": (74, 105),
}
"""Named card sizes in mm (width, height)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Commitment(_Frozen):
    """One commitment of the charter: an item of a list in a section, and one dialogue card."""

    title: Text | None = None
    """The commitment's name, where the charter names it (a named principle): the card's
    headline above the text, a run-in heading in the booklet."""
    text: Text
    """The commitment as the charter writes it (as it stands in the booklet's list)."""
    card: Text | None = None
    """The card front's wording, where the charter's text ends a sentence begun by the lead."""
    # Required: `check` and `build` report each commitment without one ("needs a question",
    # builder/source/draft.py); only `build --draft` builds without it.
    question: Question | None = None
    """Our reflection question for the card's back: open, concrete, one sentence."""

    @property
    def front(self) -> str:
        """Return the text for the card's front."""
        return self.card or self.text


BLOCK_KINDS = (
    "text", "heading", "items", "commitments", "signature", "quote", "figure", "panel",
)  # fmt: skip
"""The main keys of a block: a block has exactly one of them."""
BLOCK_OPTIONS = {
    "items": ("lead", "style"),
    "commitments": ("lead", "style"),
    "quote": ("by",),
    "figure": ("alt", "caption"),
    "panel": ("values",),
}
"""The keys that go with a block's main key."""
_OPTIONS = ("lead", "style", "by", "alt", "caption", "values")
REQUIRED_OPTIONS = {"figure": ("alt",), "panel": ("values",)}
"""The options a kind of block cannot do without."""


class Block(_Frozen):
    """One block of running text: a paragraph (plain text), a heading, a list, a quote, a figure,
    a panel or a signature. In a section's body a block may also be a list of commitments."""

    text: Paragraph | None = None
    """A paragraph. In YAML a block that is plain text is a paragraph."""
    heading: Text | None = None
    """A sub-heading inside a passage or a section."""
    items: tuple[Text, ...] | None = Field(default=None, min_length=1, max_length=BLOCKS_MAX)
    """A list (bulleted, numbered or as paragraphs: see ``style``)."""
    signature: Text | None = None
    """A signature line, e.g. 'Kommunaldirektør …'."""
    quote: Paragraph | None = None
    """A pull quote, set apart from the running text."""
    figure: ImageFile | None = None
    """An image (PNG or JPEG), relative to the source's folder; needs ``alt``."""
    lead: Text | None = None
    """With a list: its lead-in ('Det indebærer, at jeg:'), printed above it."""
    style: Literal["bullets", "numbered", "paragraphs", "prose"] = "bullets"
    """With a list: 'bullets' (the default), 'numbered' (1, 2, 3), 'paragraphs' (each item a
    paragraph of its own, as a charter of named principles is written) or 'prose' (the items run
    on as the sentences of one paragraph, where the charter writes several in one: give each of
    its paragraphs a list of its own)."""
    by: Text | None = None
    """With a quote: who said or wrote it."""
    alt: Text | None = None
    """With a figure (required): what the image shows, for readers who cannot see it."""
    caption: Paragraph | None = None
    """With a figure: the caption printed under it."""
    panel: Text | None = None
    """A panel set apart from the text, where the charter has one: its title ('Værdier')."""
    values: tuple[Text, ...] | None = Field(default=None, min_length=1, max_length=BLOCKS_MAX)
    """With a panel (required): the words it shows ('troværdighed', 'klare budskaber')."""

    @model_validator(mode="before")
    @classmethod
    def _plain_text_is_a_paragraph(cls, value: object) -> object:
        return {"text": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _exactly_one(self) -> Block:
        kinds = [k for k in BLOCK_KINDS if k in type(self).model_fields]
        given = [k for k in kinds if k in self.model_fields_set]  # a key with no value counts
        if len(given) != 1 or getattr(self, given[0]) is None:
            raise ValueError("give exactly one of: " + ", ".join(kinds))
        kind = given[0]
        allowed = BLOCK_OPTIONS.get(kind, ())
        for option in _OPTIONS:
            if option in self.model_fields_set and option not in allowed:
                where = " or ".join(k for k, opts in BLOCK_OPTIONS.items() if option in opts)
                raise ValueError(f"'{option}' goes with {where}, not with {kind}")
        if kind == "figure" and self.alt is None:
            raise ValueError("a figure needs 'alt': what the image shows, for screen readers")
        if kind == "panel" and self.values is None:
            raise ValueError("a panel needs 'values': the words it shows")
        return self

    @property
    def kind(self) -> str:
        """Return which kind of block this is: text, heading, items, commitments, signature, quote,
        figure or panel."""
        return next(k for k in BLOCK_KINDS if getattr(self, k, None) is not None)


class SectionBlock(Block):
    """A block of a section's body: running text, or a list of commitments (one card each)."""

    commitments: tuple[Commitment, ...] | None = Field(
        default=None, min_length=1, max_length=COMMITMENTS_MAX
    )
    """A list whose items are the commitments: printed as the list, carded one by one."""


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


class Section(_Frozen):
    """A chapter of the charter that carries commitments, in lists within its body."""

    id: Id
    kicker: Text | None = None
    """A short name ('ROLLEN') above the title."""
    title: Text
    subtitle: Text | None = None
    headline: Text | None = None
    """A first-person headline ('Jeg har lysten og modet til at lede')."""
    band: Text | None = None
    """What the cards' band calls the section, in words a reader understands alone
    ('Princip 1 · Stabil drift'); defaults to the kicker, else the title."""
    colour: Colour | None = None
    preface: Passage | None = None
    """A passage printed before this chapter (e.g. an introduction to all the sections)."""
    body: tuple[SectionBlock, ...] = Field(min_length=1, max_length=BLOCKS_MAX)
    """The chapter's text in reading order; at least one block is a list of commitments."""

    @model_validator(mode="after")
    def _has_commitments(self) -> Section:
        if not any(b.commitments for b in self.body):
            raise ValueError(
                "a section needs at least one list of commitments in its body "
                "(- lead: …, commitments: [...]); text without commitments is a passage"
            )
        if len(self.commitments) > COMMITMENTS_MAX:
            raise ValueError(
                f"{len(self.commitments)} commitments: at most {COMMITMENTS_MAX} in one section"
            )
        return self

    @property
    def lists(self) -> list[tuple[int, SectionBlock]]:
        """Return the body's commitment lists with their index in the body."""
        return [(i, b) for i, b in enumerate(self.body) if b.commitments]

    @property
    def commitments(self) -> tuple[Commitment, ...]:
        """Return every commitment of the section, list after list."""
        return tuple(c for _, b in self.lists for c in b.commitments or ())

    @property
    def label(self) -> str:
        """Return the section's name for the cards' band."""
        return self.band or self.kicker or self.title


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


def _one_of(names: tuple[str, ...]) -> str:
    """Return names as pydantic words its Literal errors: "'civic', 'classic' or 'signal'"."""
    quoted = [repr(n) for n in names]
    return " or ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)


def _registered(names: object) -> object:
    """Return a check that a value is one of ``names()`` (a registry: themes, languages)."""

    def check(value: str) -> str:
        known = names()  # type: ignore[operator]
        if value not in known:  # worded as schema.py words a Literal's error
            shown = f"'{value}'" if len(value) < 40 else "text"
            raise ValueError(f"expected one of {_one_of(known)}; got {shown}")
        return value

    return check


ThemeName = Annotated[str, Strict(), AfterValidator(_registered(project.themes))]
"""A theme's name: a folder ``layouts/themes/NAME/`` of the package or the project."""
Language = Annotated[str, Strict(), AfterValidator(_registered(project.languages))]
"""A language code with a labels file ``layouts/labels/LANG.yaml`` (da, en, or a project's own)."""


class Meta(_Frozen):
    """What the charter is and whose it is."""

    municipality: Text
    title: Text
    subtitle: Text | None = None
    language: Language = "da"
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


OFFSET_MAX_MM = 10.0
"""The largest back-side offset a source or ``build --offset`` may give, in mm, each way."""


class Offset(_Frozen):
    """How far an office printer prints the back side off, in mm, as 'charterpress calibrate'
    measures it: seen from the front, right and up are plus."""

    x: Annotated[float, Strict()] = Field(default=0.0, ge=-OFFSET_MAX_MM, le=OFFSET_MAX_MM)
    """The horizontal offset in mm (-10 to 10): plus when the back lands to the right."""
    y: Annotated[float, Strict()] = Field(default=0.0, ge=-OFFSET_MAX_MM, le=OFFSET_MAX_MM)
    """The vertical offset in mm (-10 to 10): plus when the back lands higher up."""


class Sheet(_Frozen):
    """How cards are put on office paper, and the office printer's back-side offsets."""

    paper: Literal["A4", "A3", "Letter"] = "A4"
    flip: Literal["long", "short"] = "long"
    """Which edge the duplex printer flips on."""
    mode: Literal["duplex", "fold"] = "duplex"
    """'fold': front and back side by side, for printers without duplex."""
    offset: Offset = Offset()
    """The duplex printer's back-side offset in mm, {x, y}, as 'charterpress calibrate' measures
    it; the backs of the office sheets are moved the other way to meet their fronts."""
    booklet_offset: Offset = Offset()
    """The duplex printer's back-side offset in mm, {x, y}, for the imposed booklet (A4
    landscape, flipped on the short edge), as 'charterpress calibrate --booklet' measures it;
    the booklet's back sides are moved the other way to meet their fronts."""


class Logo(_Frozen):
    """An image for the cover; its alt text is read aloud by screen readers."""

    file: ImageFile
    """The image (SVG, PNG or JPEG), relative to the source's folder: ``logo.svg`` next to the source;
    an SVG is a plain drawing (no text, scripts or links: ``svg.check``) and prints sharp."""
    alt: Text
    """What the logo shows ('Glostrup Kommunes byvåben'), read aloud by screen readers."""


class Theme(_Frozen):
    """How the charter looks."""

    name: ThemeName = "civic"
    """The theme (layouts/themes/NAME): civic (sans and serif, colour fields), classic
    (a Garamond book on paper), signal (bold capitals on full colour), column (a colour column
    beside white), tide (a sky over a white shore), or a project's own."""
    monogram: Annotated[str, StringConstraints(min_length=1, max_length=3)] | None = None
    """The letters of the typographic mark drawn where no logo is given; defaults to the
    municipality's initial."""
    colour: Colour = "#1f4e79"
    accent: Colour = "#c8963e"
    paper: Colour | None = None
    """The paper tone of a theme printed on paper (classic's covers, part pages and cards:
    #f7f3ea by default); it must be light, since body text is black on it. Themes that print
    on white ignore it."""
    card: Annotated[CardSize, BeforeValidator(_card_preset)] = CardSize(width=90, height=130)
    """A card size {width, height} in mm, or a name: standard (90×130), a6, a7, poker (63×88)."""
    sheet: Sheet = Sheet()
    logo: Logo | None = None

    @field_validator("paper")
    @classmethod
    def _light_paper(cls, value: str | None) -> str | None:
        if value is not None and luminance(value) < PAPER_MIN_LUMINANCE:
            raise ValueError(
                f"'{value}' is too dark for paper (text is printed black on it); "
                "choose a light tone such as '#f7f3ea'"
            )
        return value


STEPS_MAX = 40
"""The most steps of an onboarding plan."""
WEEKS_MAX = 52
DAYS_MAX = 365
SIGNATURE_MAX = 6
"""The most lines of a signature."""


def _lines(value: object) -> object:
    """Take a single text as a list of one line (a signature written on one line)."""
    return [value] if isinstance(value, str) else value


class Letter(_Frozen):
    """The welcome letter that opens every personalised onboarding booklet."""

    title: Text | None = None
    """The letter's heading; defaults to the labels' 'Velkommen' / 'Welcome'."""
    body: tuple[Paragraph, ...] = Field(min_length=1, max_length=PASSAGES_MAX)
    """The letter's paragraphs, in order. The greeting ('Kære NAME,') is printed above them
    from the roster's name."""
    signature: Annotated[
        tuple[Text, ...],
        BeforeValidator(_lines),
        Field(min_length=1, max_length=SIGNATURE_MAX),
    ]
    """Who signs the letter: one line, or a list of lines ('Mette Holm', 'Kommunaldirektør')."""


class Step(_Frozen):
    """One step of the first-90-days plan: when (a week or a day after the start), what to do,
    with whom, and which chapters of the charter or which cards to take up."""

    week: Annotated[int, Strict()] | None = Field(default=None, ge=1, le=WEEKS_MAX)
    """The week of the step, counted from the start date (week 1 begins on the start date); give
    'week' or 'day'."""
    day: Annotated[int, Strict()] | None = Field(default=None, ge=1, le=DAYS_MAX)
    """The day of the step, counted from the start date (day 1 is the start date); a day that
    falls on a Saturday or Sunday is printed as the Monday after it. Give 'week' or 'day'."""
    do: Text
    """What the new leader does in this step."""
    who: Text | None = None
    """With whom ('din nærmeste leder', 'dit ledelsesteam')."""
    sections: tuple[Id, ...] = Field(default=(), max_length=SECTIONS_MAX)
    """The chapters to take up, by their ids (a section, the organisation, a passage or the
    reflection); the plan prints each one's name and page."""
    cards: tuple[Annotated[int, Strict(), Field(ge=1)], ...] = Field(
        default=(), max_length=CHARTER_COMMITMENTS_MAX
    )
    """The dialogue cards to take up, by the number printed on them (the title card is 1)."""

    @model_validator(mode="after")
    def _week_or_day(self) -> Step:
        if (self.week is None) == (self.day is None):
            raise ValueError("give exactly one of: week, day")
        return self

    @property
    def offset(self) -> int:
        """Return how many days after the start date the step falls (day 1 and week 1: 0)."""
        return (self.week - 1) * 7 if self.week is not None else (self.day or 1) - 1


class Onboarding(_Frozen):
    """What a new leader gets besides the charter: a welcome letter and a first-90-days plan,
    printed in a personalised booklet for each person of a roster (``charterpress onboard``)."""

    letter: Letter
    """The welcome letter: its paragraphs and signature (the greeting comes from the roster)."""
    plan: tuple[Step, ...] = Field(min_length=1, max_length=STEPS_MAX)
    """The steps of the first 90 days; printed in date order, each with its date."""


class PrintOrder(_Frozen):
    """What the print shop is asked for (the job sheet, SLUG-print-order.pdf)."""

    quantity: Annotated[int, Strict()] | None = Field(default=None, ge=1, le=100000)
    """How many copies of each print file: booklets and card decks (1-100000)."""


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
    onboarding: Onboarding | None = None
    """A welcome letter and a first-90-days plan for new leaders: `charterpress onboard SLUG
    --roster FILE` prints one personalised booklet per person. The charter's own booklet and
    cards do not show it."""
    print: PrintOrder = PrintOrder()
    """The order for the print shop: how many copies (the job sheet)."""

    def section_colour(self, index: int) -> str:
        """Return section ``index``'s colour: its own, else a shade of the theme's (the organisation: -1)."""
        from ..text.colours import WHITE, readable, section_shades

        if index < 0:  # the organisation: the accent, deepened until white reads on it
            own = self.organisation.colour if self.organisation else None
            return own or readable(self.theme.accent, WHITE)
        own = self.sections[index].colour
        return (
            own or section_shades(self.theme.colour, self.theme.accent, len(self.sections))[index]
        )

    @property
    def monogram(self) -> str:
        """Return the letters of the typographic mark: the theme's, or the municipality's initial."""
        if self.theme.monogram:
            return self.theme.monogram
        return (self.meta.municipality.strip()[:1] or "·").upper()

    @property
    def commitment_count(self) -> int:
        """Return how many commitments the sections and the organisation carry."""
        parts = (*self.sections, *([self.organisation] if self.organisation else []))
        return sum(len(s.commitments) for s in parts)

    @property
    def reflection_count(self) -> int:
        """Return how many reflection cards close the deck: one per group of the charter's own
        reflection questions (none without a ``reflection:``)."""
        return len(self.reflection.groups) if self.reflection else 0

    @property
    def card_count(self) -> int:
        """Return how many cards the deck holds: the title card, one per commitment, one per
        reflection group."""
        return 1 + self.commitment_count + self.reflection_count
