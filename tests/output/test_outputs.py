"""Every commitment and question of every source reaches the built card deck and booklet."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from support import SLUGS, SOURCES, load, products_of


def compact(text: str) -> str:
    """Letters and digits only: line breaks, hyphenation and spacing no longer count."""
    return re.sub(r"[\W_]", "", text.replace("\u00ad", "")).lower()


def pages_text(data: bytes) -> list[str]:
    return [compact(page.extract_text() or "") for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def commitments(charter):
    for section in (*charter.sections, *([charter.organisation] if charter.organisation else [])):
        for commitment in section.commitments:
            yield section, commitment


@pytest.mark.parametrize("slug", SLUGS)
def test_every_card_reaches_the_deck(slug):
    charter = load(SOURCES / f"{slug}.yaml").charter
    deck = products_of(SOURCES / f"{slug}.yaml", "cards")[f"{slug}-cards-print.pdf"]
    pages = pages_text(deck.data)
    whole = "".join(pages)
    for _, commitment in commitments(charter):
        assert compact(commitment.front) in whole, commitment.front
        assert compact(commitment.question) in whole, commitment.question


@pytest.mark.parametrize("slug", SLUGS)
def test_every_commitment_and_question_reaches_the_booklet(slug):
    charter = load(SOURCES / f"{slug}.yaml").charter
    booklet = products_of(SOURCES / f"{slug}.yaml", "booklet")[f"{slug}-booklet.pdf"]
    whole = "".join(pages_text(booklet.data))
    for _, commitment in commitments(charter):
        assert compact(commitment.text) in whole, commitment.text
        assert compact(commitment.question) in whole, commitment.question
