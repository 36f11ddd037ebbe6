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
back. A face whose text hung from a fixed top line left 58-78 % of it empty on the median
face of the five decks; a composed deck keeps the median face under 40 %.
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
from charterpress.products.cards import faces as card_faces
from support import SOURCES, load, products_of

FIVE = sorted(SOURCES.glob("*.yaml"))
NUMBER = re.compile(r"^\d+/\d+$")
MEDIAN_MOST = 0.40
"""The empty share the median card face keeps under."""
SIDE_MOST = 0.45
"""The empty share the median face of each side keeps under."""
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
    number = max((line for line in lines if NUMBER.match(line["text"])), key=lambda found: found["bottom"])
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
            for offset, side in enumerate(card_faces.SIDES):
                page = pdf.pages[2 * (card.number - 1) + offset]
                _, main, _ = main_lines(page)
                found.append((card.number, side, empty_share(page), main))
    return tuple(found)


@pytest.mark.parametrize("path", FIVE, ids=lambda p: p.stem)
def test_the_median_card_face_is_less_than_40_percent_empty(path: Path) -> None:
    """The median over the deck's commitment faces, fronts and backs together; each side's
    median stays under 45 % (a deck of long commitments sets its short questions at the
    fronts' smaller size: the question never outranks the commitment)."""
    faces = commitment_faces(path)
    shares = [share for _, _, share, _ in faces]
    assert statistics.median(shares) < MEDIAN_MOST, sorted(shares)
    for side in card_faces.SIDES:
        shares = [share for _, s, share, _ in faces if s == side]
        assert statistics.median(shares) < SIDE_MOST, (side, sorted(shares))


@pytest.mark.parametrize("path", FIVE, ids=lambda p: p.stem)
def test_a_deck_sets_its_commitments_at_one_size_per_side(path: Path) -> None:
    """The commitment's size on every front, the question's on every back (a named
    principle's name is set larger than its text: the text's size is the one compared)."""
    for side in card_faces.SIDES:
        sizes = set()
        for _, s, _, main in commitment_faces(path):
            if s == side:
                sizes.add(round(min(line["size"] for line in main), 1))
        assert len(sizes) == 1, (side, sizes)


def paragraph(main: list[dict]) -> list[dict]:
    """Return the lines of a face's main paragraph: those at its text's size (a named
    principle's larger name, a back's principle in small type left out)."""
    size = min(line["size"] for line in main)
    return [line for line in main if abs(line["size"] - size) < 0.1]


FIT_PT = 0.5
"""A line WeasyPrint fits to the column may read up to this much wider in pdfplumber's glyph
boxes (a last glyph's bearing): first fit here is given it, so it breaks where WeasyPrint did."""


def greedy(words: list[float], space: float, measure: float) -> list[float]:
    """Return the lengths of the lines first-fit breaking sets ``words`` (their widths) in."""
    lines = [words[0]]
    for width in words[1:]:
        if lines[-1] + space + width <= measure:
            lines[-1] += space + width
        else:
            lines.append(width)
    return lines


def spread(lengths: list[float]) -> float:
    """Return how uneven lines are: their lengths' standard deviation, the last line's too."""
    return statistics.pstdev(lengths)


def breakable_units(page: pdfplumber.page.Page, body: list[dict]) -> tuple[list[float], float]:
    """Return the widths of a paragraph's units (words, or words bound with a no-break space)
    and the width of a space: a line is split at each space drawn (' '), or at a gap between
    two letters where none is drawn; never at a no-break space."""
    units: list[float] = []
    spaces: list[float] = []
    for line in body:
        chars = sorted(
            (c for c in page.chars if abs(c["top"] - line["top"]) < 1.0 and c["size"] >= line["size"] - 0.1),
            key=lambda c: c["x0"],
        )
        word: list[dict] = []
        for char in chars:
            if char["text"] == " ":
                spaces.append(char["x1"] - char["x0"])
            elif word and char["x0"] - word[-1]["x1"] > 0.12 * line["size"] and word[-1]["text"] != "\u00a0":
                spaces.append(char["x0"] - word[-1]["x1"])
            else:
                word.append(char)
                continue
            if word:
                units.append(word[-1]["x1"] - word[0]["x0"])
            word = [] if char["text"] == " " else [char]
        if word:
            units.append(word[-1]["x1"] - word[0]["x0"])
    return units, min(spaces, default=0.0)


@pytest.mark.parametrize("path", FIVE, ids=lambda p: p.stem)
def test_no_last_line_is_one_short_word_alone(path: Path) -> None:
    """A paragraph of two lines or more never ends on one short word alone ('faglighed')."""
    lone = []
    for number, side, _, main in commitment_faces(path):
        body = paragraph(main)
        last = body[-1]["text"].split()
        if len(body) > 1 and len(last) == 1 and len(last[0].strip(".,?!")) <= SHORT:
            lone.append((number, side, [line["text"] for line in body]))
    assert not lone, lone


@pytest.mark.parametrize("path", FIVE, ids=lambda p: p.stem)
def test_a_paragraphs_lines_are_balanced(path: Path) -> None:
    """Each paragraph's lines are at least as even as first-fit breaking at the full measure
    would set them (the words' widths and the spaces read from the PDF), in as many lines:
    the standard deviation of their lengths, the last line's included, is no more than first
    fit's; and on the median face it is at most 75 % of first fit's.

    Hung, the lines ran as far as each could: 'Jeg er opmærksom / på nye tendenser, /
    muligheder / og udfordringer …'."""
    charter = load(path).charter
    measure = card_faces.measure(charter, card_faces.scale_for(card_faces.card_size(charter))) * 72 / 25.4
    data = products_of(path, "cards")[f"{path.stem}-cards-print.pdf"].data
    worse, spreads, first_spreads = [], [], []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, side, _, main in commitment_faces(path):
            body = paragraph(main)
            if len(body) < 2:
                continue
            page = pdf.pages[2 * (number - 1) + card_faces.SIDES.index(side)]
            units, space = breakable_units(page, body)
            lengths = [line["x1"] - line["x0"] for line in body]
            first_fit = greedy(units, space, measure + FIT_PT)
            spreads.append(spread(lengths) / measure)
            first_spreads.append(spread(first_fit) / measure)
            if len(first_fit) == len(body) and spread(lengths) > spread(first_fit) + 1.0:
                worse.append((number, side, [line["text"] for line in body]))
    assert not worse, worse
    ours, theirs = statistics.median(spreads), statistics.median(first_spreads)
    print(f"{path.stem}: median spread {ours:.3f} of the measure, first fit {theirs:.3f}")
    assert ours <= 0.75 * theirs, (ours, theirs)


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
