"""Card text for reading aloud: lines broken for sense, words kept whole unless one cannot fit.

A card is read aloud across a table, so its lines are set like a poster's, not a column's:
- no word is broken at a line end, unless the word is longer than a whole line at the size
  it is set in (then it gets soft hyphens, and the face is counted in the build's notes);
- only the shortest leading words are bound to the word after them (``CARD_BIND_FORWARD``: a
  one-letter word, an article, the infinitive 'at' / 'to'): binding every 'og', 'på', 'for'
  made poem-like lines, one short phrase to a line. The deck balances its lines instead
  (``products/cards/compose.py``);
- the last word, if short, is bound to the word before it, so no line is a lone 'det?'.

The booklet binds more (``BIND_FORWARD``, ``bind``'s default): a running text's line is long
enough that binding never leaves a line half empty.
"""

from __future__ import annotations

import re

from ..units import PT_PER_MM
from .hyphenate import SOFT_HYPHEN, WORD, exceptions, hyphenate_word, word_breaks

NBSP = "\u00a0"
SHORT_LAST_WORD = 6
"""A last word this short is kept on one line with the word before it."""
BIND_FORWARD = {
    "da": frozenset(
        [
            "i",
            "at",
            "og",
            "en",
            "et",
            "af",
            "på",
            "til",
            "for",
            "med",
            "om",
            "som",
            "de",
            "den",
            "det",
            "der",
            "vi",
            "du",
            "jeg",
            "man",
            "har",
            "er",
            "kan",
            "så",
            "nu",
            "ud",
            "op",
            "ved",
            "fra",
            "hos",
            "mod",
            "alle",
            "vores",
            "vor",
            "sin",
            "sit",
            "sine",
            "hvor",
            "når",
            "hvad",
        ]
    ),
    "en": frozenset(
        [
            "a",
            "an",
            "the",
            "of",
            "to",
            "in",
            "on",
            "at",
            "by",
            "for",
            "and",
            "or",
            "as",
            "we",
            "you",
            "our",
            "my",
            "your",
            "its",
            "is",
            "be",
            "with",
            "from",
            "into",
            "not",
            "no",
        ]
    ),
}
"""Words that lead into the next one: a line never ends on them."""
SHORT_WORD = 2
"""Any word this short binds forward too, in every language."""
CARD_BIND_FORWARD = {
    "da": frozenset(["at", "en", "et", "de"]),
    "en": frozenset(["a", "an", "the", "to"]),
}
"""On a card, only these words (and any one-letter word) lead into the next one."""
CARD_SHORT_WORD = 1
EM_PER_LETTER = 0.6
"""A generous average advance width of a letter, in ems (semibold sans, Danish text)."""


def longest_fitting(measure_mm: float, size_pt: float) -> int:
    """Return how many letters surely fit one line of ``measure_mm`` at ``size_pt``."""
    return max(4, int(measure_mm * PT_PER_MM / (size_pt * EM_PER_LETTER)))


def too_long_words(text: str, measure_mm: float, size_pt: float) -> list[str]:
    """Return the words of ``text`` that may not fit a whole line at ``size_pt``."""
    limit = longest_fitting(measure_mm, size_pt)
    return [w for w in WORD.findall(text) if len(w) > limit]


def for_reading(text: str, language: str, measure_mm: float, size_pt: float) -> str:
    """Return ``text`` bound for sense, with soft hyphens only in words too long for a line."""
    limit = longest_fitting(measure_mm, size_pt)
    table = exceptions(language)

    def one(match: re.Match[str]) -> str:
        word = match[0]
        if len(word) <= limit:
            return word
        return hyphenate_word(word, word_breaks(word, language, table))

    return bind(WORD.sub(one, text), language, card=True)


def bind(text: str, language: str, *, card: bool = False) -> str:
    """Return ``text`` with short leading words bound forward and a short last word bound back.

    ``card``: bind only the shortest words (``CARD_BIND_FORWARD``, one-letter words), as card
    text is (its lines are balanced); else the booklet's longer list (``BIND_FORWARD``).
    """
    words = text.split(" ")
    if len(words) < 3:
        return text
    lead = (CARD_BIND_FORWARD if card else BIND_FORWARD).get(language, frozenset())
    short = CARD_SHORT_WORD if card else SHORT_WORD
    out = []
    for i, word in enumerate(words[:-1]):
        bare = word.strip("(\"'«»“”„").lower()
        next_word = words[i + 1]
        binds = (len(bare) <= short or bare in lead) and bare.isalpha()
        # never bind next to a soft hyphen: WeasyPrint then loses the break (#2270)
        if binds and SOFT_HYPHEN not in word + next_word:
            out.append(word + NBSP)
        else:
            out.append(word + " ")
    last = words[-1]
    head = "".join(out)
    if len(last.strip(".,;:!?…)»”\"'")) <= SHORT_LAST_WORD and SOFT_HYPHEN not in last + words[-2]:
        head = head[:-1] + NBSP if head.endswith(" ") else head
    return head + last
