"""Proper names: the words the booklet never breaks.

**Names.** "Sammen om Gen-/tofte" and "Ishøj Kom-/mune" read as errors: a name is set whole.
A charter's names are the names of its ``meta`` (the municipality, the author, the contact) and
every word it writes with a capital where no sentence starts ('Leadership Pipeline', 'TRIO',
'Vision'). The booklet's ``hy`` filter leaves them without soft hyphens (``spare``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .hyphenate import SOFT_HYPHEN

WORD = re.compile(r"[^\W\d_][\w\u00ad’'-]*")
SENTENCE_START = re.compile(r"(^|[.!?:…]\s+|[»«„“”\"(–—]\s*|\n\s*)$")
"""What may come right before a capital that starts a sentence (or a quotation, or an item)."""


LONGEST = 20
"""A longer 'name' (a 30-letter compound written with a capital) may still break: set whole, it
would leave a line with gaps or stick out of a narrow column."""


def _bare(word: str) -> str:
    return word.replace(SOFT_HYPHEN, "")


def capitalised_names(text: str) -> set[str]:
    """Return the words of ``text`` written with a capital where no sentence starts."""
    found: set[str] = set()
    for match in WORD.finditer(text):
        word = _bare(match.group()).strip("-’'")
        if not word or not word[0].isupper():
            continue
        if SENTENCE_START.search(text[: match.start()]):
            continue
        found.add(word)
    return found


def proper_names(meta_texts: Iterable[str], texts: Iterable[str]) -> frozenset[str]:
    """Return the names of a charter: every capitalised word of its meta names (the municipality,
    the author, the contact's name, unit and address) and every capitalised word of its texts that does not start a sentence.
    Words of one or two letters cannot break anyway and are left out, and so are words longer
    than ``LONGEST``."""
    names = {_bare(w).strip("-’'") for t in meta_texts for w in WORD.findall(t)}
    names = {w for w in names if w[:1].isupper()}
    for text in texts:
        names |= capitalised_names(text)
    return frozenset(w for w in names if 2 < len(w) <= LONGEST)


def spare(text: str, names: frozenset[str]) -> str:
    """Return ``text`` without the soft hyphens inside any of ``names`` (each part of a
    hyphenated compound 'Gentofte-modellen' counts apart)."""
    if not names or SOFT_HYPHEN not in text:
        return text

    def whole(match: re.Match[str]) -> str:
        word = match.group()
        parts = word.split("-")
        return "-".join(_bare(p) if _bare(p).strip("’'") in names else p for p in parts)

    return WORD.sub(whole, text)


def of_charter(charter: object) -> frozenset[str]:
    """Return the proper names of a charter (see ``proper_names``)."""
    from ..layout.proof import charter_texts

    texts = [e.text for e in charter_texts(charter)]  # the onboarding part: not the booklet's
    meta = charter.meta
    contact = meta.contact
    named = [meta.municipality, meta.author or ""]
    if contact:
        named += [contact.name or "", contact.unit or "", *contact.address]
    return proper_names(named, texts)
