"""House style for reflection questions, as advice for any charter: ``check`` notes, never errors.

A card's back asks one open question the reader can answer aloud: not a yes/no question, at most
QUESTION_MAX_WORDS words, one question (not two joined by '– og' or two '?'). The five charters
we ship are held to it by the tests (tests/source/test_content.py); a user's own charter gets these
notes from ``charterpress check``, each at its question's line.
"""

from __future__ import annotations

import re

from ..errors import Problem

QUESTION_MAX_WORDS = 18
YES_NO = {
    "da": {
        "er",
        "kan",
        "har",
        "vil",
        "skal",
        "bør",
        "gør",
        "får",
        "må",
        "tør",
        "ved",
        "synes",
        "tror",
        "mener",
        "oplever",
        "føler",
        "ser",
        "tænker",
        "bruger",
        "giver",
        "tager",
        "var",
    },
    "en": {
        "is",
        "are",
        "am",
        "was",
        "were",
        "do",
        "does",
        "did",
        "can",
        "could",
        "will",
        "would",
        "should",
        "shall",
        "have",
        "has",
        "had",
        "may",
        "might",
        "must",
    },
}
"""Words that open a yes/no question ('Kan du …?', 'Do you …?')."""
TWO_PART = re.compile(
    r"\s[–—-]\s*(og|eller|men|hvad|hvordan|hvem|hvor|and|or|but|what|how|who|where)\b",
    re.IGNORECASE,
)


def question_advice(question: str, language: str) -> list[str]:
    """Return what a question does against the house style (empty when it keeps to it)."""
    words = question.split()
    found = []
    if words and words[0].lower().strip("«»\"'") in YES_NO.get(language, set()):
        opens = "what, how, when" if language == "en" else "hvad, hvordan, hvornår"
        found.append(f"a yes/no question ('{words[0]} …'): ask an open one ({opens} …)")
    if len(words) > QUESTION_MAX_WORDS:
        found.append(
            f"{len(words)} words: a question read aloud keeps to {QUESTION_MAX_WORDS} words at most"
        )
    if question.count("?") > 1 or TWO_PART.search(question):
        found.append("two questions in one: ask one, and keep the other for another card")
    return found


def _commitments(charter):
    for i, section in enumerate(charter.sections):
        yield from _in(section, f"sections[{i}]")
    if charter.organisation is not None:
        yield from _in(charter.organisation, "organisation")


def _in(section, prefix: str):
    for j, block in enumerate(section.body):
        for k, commitment in enumerate(getattr(block, "commitments", None) or ()):
            yield f"{prefix}.body[{j}].commitments[{k}].question", commitment


def question_notes(source) -> list[Problem]:
    """Return the house-style notes of every question of a validated source, located."""
    language = source.charter.meta.language
    notes = []
    for path, commitment in _commitments(source.charter):
        for advice in question_advice(commitment.question, language):
            notes.append(source.problem(path, f"note: {advice}"))
    return notes


def lead_notes(source) -> list[Problem]:
    """Return a note for a paragraph ending in ':' right before a list that has no lead-in.

    ``- "Vi baserer os på:"`` followed by a list without ``lead:`` is almost always the list's
    lead-in typed as a paragraph: the cards would show the items without it.
    """
    notes = []
    for i, section in enumerate(source.charter.sections):
        body = section.body
        for j in range(len(body) - 1):
            here, after = body[j], body[j + 1]
            text = (here.text or "").strip() if not getattr(here, "commitments", None) else ""
            listed = getattr(after, "commitments", None) or after.items
            if text.endswith(":") and listed and not after.lead:
                notes.append(
                    source.problem(
                        f"sections[{i}].body[{j}]",
                        f"note: '{text[-40:]}' looks like the lead-in of the list below it: write "
                        "it as 'lead: …' on that list, so that its cards carry it",
                    )
                )
    return notes
