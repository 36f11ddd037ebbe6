"""Hyphenation as data: soft hyphens from pyphen's patterns, corrected by exception lists.

WeasyPrint lets a soft hyphen in a text switch its automatic hyphenation off for the whole
paragraph, so mixing the two would be unpredictable. Instead every word gets its soft hyphens
here (pure functions, tested), and the layouts set ``hyphens: manual``. Copying text from the
PDF still gives whole words: a soft hyphen that is not at a line end is not drawn.

Three sources of breaks, the later winning: the language's patterns (``PATTERNS``), the
language's base exception list (``layouts/base/hyphenation-LANG.txt``), and the charter's own
list beside its source (``sources/SLUG.hyphenation.txt``, read by ``load``, checked by
``parse_exceptions``). The charter's list is in effect while its products are made
(``pipeline.make_products`` binds it with ``charter_exceptions``), so every caller of
``exceptions(language)`` sees it, cards and booklet alike.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyphen

from .. import project
from ..errors import Problem

log = logging.getLogger(__name__)

SOFT_HYPHEN = "\u00ad"
HYPHEN_BREAK = "\u2010"
"""What WeasyPrint draws at a line end where it breaks a word at a soft hyphen (CSS
hyphenate-character): how a laid-out line shows a broken word."""
WORD = re.compile(r"[^\W\d_]+")
"""A run of letters: the unit that gets hyphenated."""
VOWELS = frozenset("aeiouyæøåéèêáàäöü")

PATTERNS = {"da": "da_DK", "en": "en_US"}
"""pyphen's pattern file for each charter language.

English takes the en_US patterns even for British spelling, on purpose: they are Liang's TeX
patterns (with Kuiken's additions), which break where the dictionaries do (per-spec-tive,
de-ter-mined, en-vi-ron-ment, or-gan-i-sa-tion, be-hav-iour). pyphen's en_GB file is generated
differently and breaks by morphology badly (per-spect-ive, de-term-ined, en-vir-on-ment,
re-spons-ib-il-ity). The few words the US patterns get wrong, British spellings such as
hon-ourable, la-bourers, coun-selling and favourite (no break at all), are in
``hyphenation-en.txt``; tests/layout/test_hyphenation.py checks a list of dictionary splits."""
LEFT, RIGHT = 2, 3
"""At least two letters before a break and three after it ('ar-bej-de', never 'arbej-de')."""
LIGATURES = frozenset({"ff", "fi", "fl"})
"""Letter pairs the body font joins into one glyph. A soft hyphen between them makes WeasyPrint
map that glyph to the wrong text ('ef-fekt' copies as 'eekt'), so no break goes there."""


@dataclass(frozen=True)
class Exceptions:
    """Words (and word stems) whose breaks we give instead of the patterns."""

    words: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """Lower-case word -> break positions (index of the letter after each break)."""
    stems: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """Lower-case stem -> break positions inside it; longer words keep the patterns' breaks after it."""

    def __bool__(self) -> bool:
        return bool(self.words or self.stems)

    def plus(self, other: Exceptions) -> Exceptions:
        """Return this list with ``other``'s entries added, ``other`` winning where both give a word."""
        return Exceptions({**self.words, **other.words}, {**self.stems, **other.stems})


ENTRY = re.compile(r"[^\W\d_]+(-[^\W\d_]+)*\*?")
"""One entry: letters, '-' at each break, an optional '*' after a stem."""


def parse_exceptions(
    text: str, name: str = "", problems: list[Problem] | None = None
) -> Exceptions:
    """Read an exception list: one word a line, '-' at each allowed break, '*' after a stem, '#' comments.

    A line that is not such an entry is added to ``problems`` (located in file ``name``) when
    a list is given, and skipped.
    """
    words: dict[str, tuple[int, ...]] = {}
    stems: dict[str, tuple[int, ...]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.split("#", 1)[0].strip().lower()
        if not entry:
            continue
        problem = _entry_problem(entry)
        if problem:
            if problems is not None:
                col = line.find(line.split("#", 1)[0].strip()) + 1
                problems.append(Problem(name, number, col, "", problem))
            continue
        target = stems if entry.endswith("*") else words
        entry = entry.rstrip("*")
        target[entry.replace("-", "")] = breaks_of(entry)
    return Exceptions(words, stems)


def _entry_problem(entry: str) -> str | None:
    """Return what is wrong with one entry of an exception list, or None.

    Breaks closer to a word's ends than LEFT/RIGHT are not errors: a list may give every
    syllable, and ``word_breaks`` uses those the rules allow.
    """
    if ENTRY.fullmatch(entry):
        return None
    return (
        f"'{entry}': write one word a line, letters only, '-' at each break "
        "and an optional '*' after a stem (e.g. 'med-ar-bej-der*'); '#' starts a comment"
    )


def breaks_of(hyphenated: str) -> tuple[int, ...]:
    """Return the break positions of a word written with hyphens ('med-ar-bej-der' -> (3, 5, 8))."""
    positions, letters = [], 0
    for part in hyphenated.split("-")[:-1]:
        letters += len(part)
        positions.append(letters)
    return tuple(positions)


@lru_cache(maxsize=8)
def base_exceptions(language: str, folder: Path | None = None) -> Exceptions:
    """Return the base exception list of a language (``hyphenation-LANG.txt``); none if there is no file.

    The file is looked up in ``folder``, by default in ``layouts/base/`` (the project's, else the package's).
    """
    name = f"hyphenation-{language}.txt"
    path = folder / name if folder else project.find("layouts", "base", name)
    if not (path.exists() or path.is_symlink()):
        return Exceptions()
    from ..projectfiles import read_text  # inside the project or package, capped, no control bytes

    return parse_exceptions(read_text(path))


_CHARTER: ContextVar[Exceptions | None] = ContextVar("charter_exceptions", default=None)


@contextmanager
def charter_exceptions(table: Exceptions) -> Iterator[None]:
    """Add a charter's own exception list to every language's base list while the block runs."""
    token = _CHARTER.set(table)
    try:
        yield
    finally:
        _CHARTER.reset(token)


def exceptions(language: str) -> Exceptions:
    """Return the exceptions in effect for ``language``: the base list plus the charter's own."""
    own = _CHARTER.get()
    return base_exceptions(language).plus(own) if own else base_exceptions(language)


@lru_cache(maxsize=4)
def _dictionary(language: str) -> pyphen.Pyphen | None:
    """Return pyphen's patterns for a language, or None where pyphen has none (a project's own
    language: its words break only where its exception list says)."""
    name = pyphen.language_fallback(PATTERNS.get(language, language).replace("-", "_"))
    return pyphen.Pyphen(lang=name, left=LEFT, right=RIGHT) if name else None


def pattern_breaks(word: str, language: str) -> tuple[int, ...]:
    """Return the break positions pyphen's patterns give a word (none without patterns)."""
    dictionary = _dictionary(language)
    return tuple(dictionary.positions(word)) if dictionary else ()


def word_breaks(word: str, language: str, table: Exceptions | None = None) -> tuple[int, ...]:
    """Return the allowed break positions of one word: an exception if there is one, else the patterns."""
    table = exceptions(language) if table is None else table
    key = word.lower()
    if key in table.words:
        found = table.words[key]
    else:
        stem = _longest_stem(key, table)
        found = pattern_breaks(word, language)
        if stem:
            found = table.stems[stem] + tuple(p for p in found if p >= len(stem))
    allowed = tuple(
        p
        for p in found
        if LEFT <= p <= len(word) - RIGHT and word[p - 1 : p + 1].lower() not in LIGATURES
    )
    return always_right(word, allowed)


def always_right(word: str, breaks: tuple[int, ...]) -> tuple[int, ...]:
    """Return ``breaks`` without those that leave a part without a vowel ('hu-s-ker' -> 'hus-ker').

    Such a split is always wrong, so it never reaches the layout. Of the two breaks around a
    vowelless part, the earlier goes (its consonants join the syllable before: 'tim-ing'), unless
    that leaves a part without a vowel too; then the later goes. Each drop is logged (``-vv``).
    """
    if not breaks:
        return breaks
    lower = word.lower()

    def voiced(start: int, end: int) -> bool:
        return bool(VOWELS.intersection(lower[start:end]))

    kept: list[int] = []
    for position in breaks:
        start = kept[-1] if kept else 0
        if voiced(start, position) and voiced(position, len(word)):
            kept.append(position)
            continue
        if (
            kept
            and voiced(kept[-2] if len(kept) > 1 else 0, position)
            and voiced(position, len(word))
        ):
            kept[-1] = position  # move the earlier break here: 'hu-s-ker' -> 'hus-ker'
        log.debug("hyphenation: %s: dropped a break that left a part without a vowel", word)
    return tuple(kept)


def _longest_stem(word: str, table: Exceptions) -> str | None:
    stems = [s for s in table.stems if word.startswith(s)]
    return max(stems, key=len) if stems else None


def hyphenate_word(word: str, breaks: tuple[int, ...], mark: str = SOFT_HYPHEN) -> str:
    """Return ``word`` with ``mark`` inserted at ``breaks``."""
    parts, start = [], 0
    for position in breaks:
        parts.append(word[start:position])
        start = position
    parts.append(word[start:])
    return mark.join(parts)


SHORTEST = 7
"""Words shorter than this are never broken: 'Vo-res' and 'le-der' cost more than they save."""


def hyphenate(text: str, language: str, mark: str = SOFT_HYPHEN, shortest: int = SHORTEST) -> str:
    """Return ``text`` with a soft hyphen at every allowed break of every word of ``shortest`` letters."""
    table = exceptions(language)

    def one(match: re.Match[str]) -> str:
        word = match[0]
        if len(word) < shortest:
            return word
        return hyphenate_word(word, word_breaks(word, language, table), mark)

    return WORD.sub(one, text)


def suspicious(word: str, breaks: tuple[int, ...]) -> bool:
    """Tell whether a split leaves a part without a vowel ('me-d-ar-bej-der'): always wrong."""
    if not breaks:
        return False
    parts = hyphenate_word(word.lower(), breaks, "-").split("-")
    return any(not VOWELS.intersection(part) for part in parts)
