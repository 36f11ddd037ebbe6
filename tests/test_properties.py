"""Property-based tests over generated charters: whole on every face, or a located error.

Hypothesis writes charters unlike the five: 1–300 commitments, texts from one word to the field
limit, 30-letter compound words, quotes and dashes, Danish and English. Each is built with the
command line, as a user would. The build either succeeds, and then every word of every
commitment stands on its own card face (front and back) and in the screen booklet, or it fails
with exit code 1 and only located lines (``file:line: …``), and writes nothing. It never exits
0 with text missing.

Profiles (tests/conftest.py): ``ci`` (the default, 30 examples, mostly small decks) and
``fuzz`` (``make fuzz``: 300 examples over the whole range).
"""

from __future__ import annotations

import io
import random
import re
import shutil
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml
from charterpress.__main__ import main
from charterpress.source.model import CHARTER_COMMITMENTS_MAX, COMMITMENTS_MAX, TEXT_MAX
from hypothesis import HealthCheck, event, example, given, note, settings
from hypothesis import strategies as st
from support import FUZZ, load, pdfium_texts

WORDS = {
    "da": [
        "jeg",
        "vi",
        "du",
        "leder",
        "ledelse",
        "medarbejdere",
        "ansvar",
        "tillid",
        "retning",
        "mod",
        "dialog",
        "udvikling",
        "kommune",
        "borgere",
        "opgaver",
        "samarbejde",
        "fællesskab",
        "faglighed",
        "arbejdsmiljø",
        "forandring",
        "resultater",
        "beslutninger",
        "rammer",
        "mål",
        "nysgerrig",
        "åbenhed",
        "sætter",
        "skaber",
        "giver",
        "tager",
        "lytter",
        "handler",
        "møder",
    ],
    "en": [
        "I",
        "we",
        "you",
        "leader",
        "leadership",
        "staff",
        "responsibility",
        "trust",
        "direction",
        "courage",
        "dialogue",
        "development",
        "council",
        "residents",
        "tasks",
        "collaboration",
        "community",
        "expertise",
        "workplace",
        "change",
        "results",
        "decisions",
        "framework",
        "goals",
        "curious",
        "openness",
        "perspective",
        "determined",
        "environment",
        "sets",
        "creates",
        "gives",
        "takes",
        "listens",
        "acts",
        "meets",
    ],
}
PARTS = {  # pieces of long compounds, as Danish makes them and English charters quote them
    "da": [
        "ledelses",
        "udviklings",
        "samarbejds",
        "arbejdsmiljø",
        "organisations",
        "medarbejder",
        "grundlag",
    ],
    "en": ["leadership", "development", "organisation", "responsibility", "framework", "community"],
}
MARKS = ["„", "“", "”", '"', "«", "»", "‘", "’", "–", "—", "-", "(", ")", ",", ".", ":", ";"]
LOCATED = re.compile(r"^\S+\.(yaml|txt):\d+(:\d+)?: \S|^\S+\.yaml: file is too large \(")
"""A located error line: ``sources/gen.yaml:88: sections[2]…: …`` (file, line, [column]).

The one error about a whole file names the file alone: a source over the loader's size
limit (which 300 commitments of long texts pass; ``make fuzz`` found it)."""


def compound(rng: random.Random, language: str) -> str:
    """A compound word of exactly 30 letters, made of real parts."""
    word = ""
    while len(word) < 30:
        word += rng.choice(PARTS[language])
    return word[:30]


SIZES = {"word": (1, 1), "short": (2, 12), "sentence": (13, 45), "long": (46, 400)}
"""Words in a text of each size: 'long' runs to the field limit (TEXT_MAX characters)."""
FITS = ("word", "short", "short", "sentence")
"""Sizes that fit a card face; a charter drawn with them alone should build."""


@st.composite
def text(draw, language: str, sizes: tuple[str, ...], question: bool = False) -> str:
    """A text from one word to the field limit, with 30-letter compounds, quotes and dashes.

    Hypothesis draws the size and a seed; the words come from the seed, so a 300-card charter
    costs Hypothesis little data (it shrinks the size and the seed).
    """
    size = draw(st.sampled_from(sizes))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    words = []
    for _ in range(rng.randint(*SIZES[size])):
        kind = rng.choice(["word"] * 8 + ["compound", "quoted", "dash"])
        word = rng.choice(WORDS[language])
        if kind == "compound":
            word = compound(rng, language)
        elif kind == "quoted":
            open_, close = rng.choice([("„", "“"), ("“", "”"), ('"', '"'), ("«", "»")])
            word = f"{open_}{word}{close}"
        elif kind == "dash":
            word = rng.choice(["–", "—", f"{word}-{word}", f"{word}–{word}"])
        words.append(word)
    if len(words) > 2 and rng.random() < 0.5:
        words.insert(len(words) // 2, rng.choice(MARKS))
    body = " ".join(words)[: TEXT_MAX - 1].strip() or "ja"
    body = body[0].upper() + body[1:] if body[0].isalpha() else body
    return body.rstrip("?") + "?" if question else body


@st.composite
def charters(draw) -> dict:
    """A charter in the source format: 1–300 commitments over 1–40 sections, any card size."""
    language = draw(st.sampled_from(["da", "en"]))
    sizes = draw(st.sampled_from([FITS, (*FITS, "long")]))
    tiers = {"small": (1, 4), "medium": (5, 40), "large": (41, CHARTER_COMMITMENTS_MAX)}
    # CI: mostly small decks (each example is a whole build); fuzz: the whole range.
    tier = draw(
        st.sampled_from(["small", "medium", "large"] if FUZZ else ["small"] * 3 + ["medium"])
    )
    total = draw(st.integers(*tiers[tier]) if FUZZ or tier == "small" else st.integers(5, 24))
    least = -(-total // COMMITMENTS_MAX)  # at most 60 commitments a section
    count = draw(st.integers(least, min(total, 40 if FUZZ else 6)))
    shares = [total // count + (1 if i < total % count else 0) for i in range(count)]
    sections = []
    for i, share in enumerate(shares):
        section = {"id": f"s{i + 1}", "title": " ".join(draw(text(language, FITS)).split()[:4])}
        if draw(st.booleans()):
            section["headline"] = " ".join(draw(text(language, FITS)).split()[:8])
        commitments = [
            {"text": draw(text(language, sizes)), "question": draw(text(language, sizes, True))}
            for _ in range(share)
        ]
        section["body"] = [{"commitments": commitments}]
        sections.append(section)
    meta = {
        "municipality": "Prøvekommune",
        "title": " ".join(draw(text(language, FITS)).split()[:6]),
    }
    meta["language"] = language
    charter = {"meta": meta, "sections": sections}
    card = draw(st.sampled_from([None, None, "standard", "a6", "poker", "a7"]))
    if card:
        charter["theme"] = {"card": card}
    return charter


def largest_charter() -> dict:
    """300 commitments (the most a charter may have), 60 a section, English, compounds and quotes."""
    rng = random.Random(300)
    sections = []
    for i in range(CHARTER_COMMITMENTS_MAX // COMMITMENTS_MAX):
        commitments = []
        for j in range(COMMITMENTS_MAX):
            word = compound(rng, "en")
            commitments.append(
                {
                    "text": f"I “{rng.choice(WORDS['en'])}” the {word} – card {i * 60 + j + 1}",
                    "question": f"What does {rng.choice(WORDS['en'])} mean to you — {word}?",
                }
            )
        sections.append(
            {"id": f"s{i + 1}", "title": f"Part {i + 1}", "body": [{"commitments": commitments}]}
        )
    meta = {"municipality": "Largest Council", "title": "Three hundred cards", "language": "en"}
    return {"meta": meta, "sections": sections}


def compact(value: str) -> str:
    """Letters and digits only: line breaks, hyphens, quotes and dashes no longer count."""
    return re.sub(r"[\W_]", "", value.replace("\u00ad", "")).lower()


def pages(path: Path) -> list[str]:
    """Each page's text as pdfium reads it (ten times pypdf's speed on a 300-card deck)."""
    return [compact(text) for text in pdfium_texts(path)]


def build(charter: dict, folder: Path, *only: str) -> tuple[int, list[str], Path]:
    """Write the charter as sources/gen.yaml in ``folder`` and build it with the CLI (``only``
    these products, if given)."""
    source = folder / "sources" / "gen.yaml"
    source.parent.mkdir()
    source.write_text(yaml.safe_dump(charter, allow_unicode=True, sort_keys=False), "utf-8")
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        # No previews: the property is about the PDFs' words (previews and face PNGs are
        # tested elsewhere), and the 300-card example would spend a minute on 600 PNGs.
        args = ["-q", "build", str(source), "--out", str(folder / "dist"), "--no-preview"]
        code = main([*args, *(f"--only={product}" for product in only)])
    return code, err.getvalue().splitlines(), folder / "dist" / "gen"


def faces_hold_their_text(charter: dict, dist: Path, booklet: bool = True) -> None:
    """Every commitment's whole text on its own front, its question on its own back, in order."""
    deck = pages(dist / "gen-cards-print.pdf")
    commitments = [c for s in charter["sections"] for c in s["body"][0]["commitments"]]
    assert len(deck) == 2 * (len(commitments) + 1), "one front and one back per card + title card"
    for number, commitment in enumerate(commitments, start=2):  # card 1 is the title card
        front, back = deck[2 * number - 2], deck[2 * number - 1]
        assert compact(commitment["text"]) in front, (
            f"card {number}: front lost text: {commitment['text'][:80]!r}… / printed {front[-80:]!r}"
        )
        assert compact(commitment["question"]) in back, (
            f"card {number}: back lost text: {commitment['question'][:80]!r}… / printed {back[-80:]!r}"
        )
    if not booklet:
        return
    text = "".join(pages(dist / "gen-booklet.pdf"))
    for commitment in commitments:
        assert compact(commitment["text"]) in text, f"booklet lost: {commitment['text'][:80]!r}"
        assert compact(commitment["question"]) in text, (
            f"booklet lost: {commitment['question'][:80]!r}"
        )


def _kind(line: str) -> str:
    """The gist of an error line, for the statistics ('does not fit on a … card')."""
    message = re.sub(r"^\S+:\d+(:\d+)?: (\S+: )?", "", line)
    return re.sub(r"\d+", "N", message)[:60]


def _largest_in_fuzz(test):
    """``make fuzz`` tries the largest charter with every product; CI builds its deck alone
    (``test_the_largest_charter_fits_on_its_cards``): its 300-commitment booklet and slides
    were a minute and a half of a 10-minute suite."""
    return example(largest_charter())(test) if FUZZ else test


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(charters())
@_largest_in_fuzz
def test_a_generated_charter_is_whole_on_every_face_or_a_located_error(charter: dict) -> None:
    folder = Path(tempfile.mkdtemp(prefix="charterpress-property-"))
    try:
        code, err, dist = build(charter, folder)
        note(f"exit {code}; stderr: {err[:5]}")
        total = sum(len(s["body"][0]["commitments"]) for s in charter["sections"])
        event(f"commitments: {'1-4' if total < 5 else '5-40' if total <= 40 else '41-300'}")
        event(f"exit {code}" + (f": {_kind(err[0])}" if code and err else ""))
        if code == 0:
            faces_hold_their_text(charter, dist)
            return
        assert code == 1, err
        assert err and all(LOCATED.match(line) for line in err), err
        assert not dist.exists() or not any(dist.glob("*.pdf")), "a failed build wrote PDFs"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_largest_charter_fits_on_its_cards(tmp_path: Path) -> None:
    """300 commitments (the most a source may have) lay out a deck with every word on its face.

    The deck's faces as a build lays them out and proves them (``deck.lay_out``), read from
    their PDF; not the 300 cards' slides, office sheets and job sheet: those are a third of
    such a build, tested on the generated decks above (``make fuzz`` builds this one whole)."""
    from charterpress.layout import proof
    from charterpress.layout.render import to_pdf
    from charterpress.output import reproducible
    from charterpress.products.cards import deck
    from charterpress.text import hyphenate

    charter = largest_charter()
    path = tmp_path / "gen.yaml"
    path.write_text(yaml.safe_dump(charter, allow_unicode=True, sort_keys=False), "utf-8")
    source = load(path)
    with reproducible.source_date(source.charter), hyphenate.charter_exceptions(source.hyphenation):
        proof.check_glyphs(source)
        laid = deck.lay_out(source)
        (tmp_path / "gen-cards-print.pdf").write_bytes(to_pdf(laid.fitted.document))
    assert len(laid.cards) == CHARTER_COMMITMENTS_MAX + 1  # and the title card
    faces_hold_their_text(charter, tmp_path, booklet=False)


def test_the_face_check_sees_a_word_that_is_not_on_its_face(tmp_path: Path) -> None:
    """The property's check can fail: a word missing from one face (not from the deck) is caught."""
    charter = {
        "meta": {"municipality": "Prøvekommune", "title": "Prøve", "language": "da"},
        "sections": [
            {
                "id": "s1",
                "title": "Retning",
                "body": [
                    {
                        "commitments": [
                            {"text": "Jeg sætter retning", "question": "Hvor går du hen?"},
                            {"text": "Jeg lytter", "question": "Hvem lytter du til?"},
                        ]
                    }
                ],
            }
        ],
    }
    code, err, dist = build(charter, tmp_path)
    assert code == 0, err
    faces_hold_their_text(charter, dist)
    commitments = charter["sections"][0]["body"][0]["commitments"]
    commitments[0]["text"] += " lytter"  # on the deck (card 3), not on card 2's face
    with pytest.raises(AssertionError, match="card 2: front lost text"):
        faces_hold_their_text(charter, dist)
