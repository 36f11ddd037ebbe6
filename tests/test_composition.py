"""Cards composed, not hung: read out of the five charters' real print PDFs (pdfplumber).

**The empty share of a face** is the largest vertical stretch of its content area that no line
of text crosses, divided by the content area's height. The content area runs from the foot of
the face's head to the top of the card number:

- the head's foot is the lowest of what is drawn above the face's first main line: the lines
  of the head's small type (the section's name, the headline, the lead-in; on a back the
  label and the section's name) and the band's colour field or rule (a filled rectangle that
  is not the page's background);
- the main lines are the lines from the first one set at 85 % or more of the face's largest
  type size (the principle's name, the commitment, the question) down to the number;
- the stretches are: head foot to the first main line, each gap between two main lines, the
  last main line to the number. A line spans its characters' boxes (pdfplumber's top and
  bottom: the font size's height at the baseline).

Measured on the commitment cards (the title card and the reflection cards aside), front and
back. A face whose text hung from a fixed top line left 55-80 % of it empty on the median
card; a composed deck keeps the median under 40 %.
"""

from __future__ import annotations

import io
import re
import statistics
from functools import cache
from pathlib import Path

import pdfplumber
import pytest
from charterpress.layout.templates import labels
from charterpress.products.cards import deck as cards
from conftest import SOURCES, load, products_of

FIVE = sorted(SOURCES.glob("*.yaml"))
NUMBER = re.compile(r"^\d+/\d+$")
MEDIAN_MOST = 0.40
"""The empty share the median card face keeps under."""
SHORT = 9
"""A last line of one word this short (letters) is one short word left alone."""


def face_lines(page: pdfplumber.page.Page) -> list[dict]:
    """Return the page's lines of text, top down: top, bottom, largest size, text, x0, x1."""
    lines: list[dict] = []
    words = page.extract_words(extra_attrs=["size"], use_text_flow=True)
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1]["top"] - word["top"]) < 1.0:
            line = lines[-1]
            line["text"] += " " + word["text"]
            line["size"] = max(line["size"], word["size"])
            line["bottom"] = max(line["bottom"], word["bottom"])
            line["x0"], line["x1"] = min(line["x0"], word["x0"]), max(line["x1"], word["x1"])
        else:
            keys = ("top", "bottom", "size", "text", "x0", "x1")
            lines.append({key: word[key] for key in keys})
    return lines


def main_lines(page: pdfplumber.page.Page) -> tuple[float, list[dict], float]:
    """Return (the head's foot, the main lines, the number's top) of a face (see the module)."""
    lines = face_lines(page)
    number = max((line for line in lines if NUMBER.match(line["text"])), key=lambda l: l["bottom"])
    text = [line for line in lines if line is not number and line["bottom"] <= number["top"]]
    largest = max(line["size"] for line in text)
    first = next(i for i, line in enumerate(text) if line["size"] >= 0.85 * largest)
    main = text[first:]
    drawn = [
        r["bottom"]
        for r in page.rects
        if r["bottom"] - r["top"] < 0.8 * float(page.height) and r["bottom"] <= main[0]["top"]
    ]
    foot = max([line["bottom"] for line in text[:first]] + drawn)
    return foot, main, number["top"]


def empty_share(page: pdfplumber.page.Page) -> float:
    """Return the empty share of a face (see the module's docstring)."""
    foot, main, number = main_lines(page)
    edges = [foot, *(y for line in main for y in (line["top"], line["bottom"])), number]
    gaps = [edges[i + 1] - edges[i] for i in range(0, len(edges), 2)]
    return max(gaps) / (number - foot)


@cache
def commitment_faces(path: Path) -> tuple[tuple[int, str, float, list[dict]], ...]:
    """Return (card number, side, empty share, main lines) of each commitment card's faces."""
    charter = load(path).charter
    deck = cards.deck(charter, labels(charter.meta.language))
    data = products_of(path, "cards")[f"{path.stem}-cards-print.pdf"].data
    found = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for card in deck:
            if card.kind != "commitment":
                continue
            for offset, side in enumerate(cards.SIDES):
                page = pdf.pages[2 * (card.number - 1) + offset]
                _, main, _ = main_lines(page)
                found.append((card.number, side, empty_share(page), main))
    return tuple(found)


@pytest.mark.parametrize("path", FIVE, ids=lambda p: p.stem)
def test_the_median_card_face_is_less_than_40_percent_empty(path: Path) -> None:
    faces = commitment_faces(path)
    for side in cards.SIDES:
        shares = [share for _, s, share, _ in faces if s == side]
        assert statistics.median(shares) < MEDIAN_MOST, (side, sorted(shares))


@pytest.mark.parametrize("path", FIVE, ids=lambda p: p.stem)
def test_a_deck_sets_its_commitments_at_one_size_per_side(path: Path) -> None:
    """The commitment's size on every front, the question's on every back (a named
    principle's name is set larger than its text: the text's size is the one compared)."""
    for side in cards.SIDES:
        sizes = set()
        for _, s, _, main in commitment_faces(path):
            if s == side:
                sizes.add(round(min(line["size"] for line in main), 1))
        assert len(sizes) == 1, (side, sizes)


@pytest.mark.parametrize("path", FIVE, ids=lambda p: p.stem)
def test_no_last_line_is_one_short_word_where_a_narrower_measure_would_avoid_it(path: Path) -> None:
    """Balanced lines: a paragraph of two lines or more never ends on one short word alone, and
    its lines are of about one length (the last may be shorter, none is under 40 % of the longest)."""
    for number, side, _, main in commitment_faces(path):
        size = min(line["size"] for line in main)
        body = [line for line in main if abs(line["size"] - size) < 0.1]
        if len(body) < 2:
            continue
        last = body[-1]["text"].split()
        assert not (len(last) == 1 and len(last[0].strip(".,?!")) <= SHORT), (number, side, last)
        widths = [line["x1"] - line["x0"] for line in body]
        assert min(widths[:-1]) >= 0.6 * max(widths), (number, side, [l["text"] for l in body])
        assert widths[-1] >= 0.4 * max(widths), (number, side, [l["text"] for l in body])


@pytest.mark.parametrize("path", FIVE, ids=lambda p: p.stem)
def test_a_composed_face_keeps_its_number_where_it_was(path: Path) -> None:
    """The number stands at the foot, the same place on every face (the backs line up with the
    fronts in duplex: test_cards checks the mirror)."""
    data = products_of(path, "cards")[f"{path.stem}-cards-print.pdf"].data
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        tops = {
            round(line["top"], 1)
            for page in pdf.pages
            for line in face_lines(page)
            if NUMBER.match(line["text"])
        }
    assert max(tops) - min(tops) < 0.5, tops
