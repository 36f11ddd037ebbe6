"""Reflection cards (issue 20): a charter's own reflection questions (``reflection:``) close its
deck, one card per group, read back out of the real PDFs; every count of the deck counts them."""

from __future__ import annotations

import io
import json
import math
import re
from functools import cache
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
import yaml
from charterpress.commands.build import make_products
from charterpress.errors import BuildError
from charterpress.layout import proof
from charterpress.layout.templates import deck_count, labels
from charterpress.prepress import impose
from charterpress.products import previews as preview
from charterpress.products.cards import deck as cards
from charterpress.products.cards import facilitation
from charterpress.values import Options
from PIL import Image
from pypdf import PdfReader
from support import DATA, SOURCES, load, products_of

GENTOFTE = SOURCES / "gentofte.yaml"


def flat(text: str) -> str:
    return proof.flat(text)


@cache
def page_texts(pdf: bytes) -> tuple[str, ...]:
    """Return the text of every page of a PDF, as the proof compares it (pdfplumber)."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return tuple(flat(page.extract_text() or "") for page in doc.pages)


def built(path: Path, *products: str) -> dict[str, bytes]:
    slug = load(path).slug
    return {
        name.removeprefix(f"{slug}-"): p.data
        for name, p in products_of(path, *products).items()
        if name.endswith(".pdf")
    }


def write(tmp_path: Path, slug: str, data: dict) -> Path:
    (tmp_path / "sources").mkdir(exist_ok=True)
    path = tmp_path / "sources" / f"{slug}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def english(groups: list[dict], theme: str = "civic") -> dict:
    """Return a small English charter of two commitments and the reflection ``groups``."""
    return {
        "meta": {"municipality": "Harbourside Council", "title": "How we lead", "language": "en"},
        "theme": {"name": theme, "colour": "#1f5f5b"},
        "sections": [
            {
                "id": "direction",
                "kicker": "DIRECTION",
                "title": "Setting the direction",
                "body": [
                    {
                        "commitments": [
                            {
                                "text": "I make our goals clear and explain why they matter",
                                "question": "How would your team describe our three main goals?",
                            },
                            {
                                "text": "I make room for reflection and new ideas",
                                "question": "When did your team last change a routine?",
                            },
                        ]
                    }
                ],
            }
        ],
        "reflection": {"title": "Questions for reflection", "groups": groups},
    }


SIX = [
    "When did we last solve a problem across our units that none of us could have solved alone?",
    "Which of the tasks we spend most of our meetings on would our staff say matters least?",
    "How do we tell each other when one of us acts against what we agreed as a team?",
    "What does a leader who has just joined us need to learn from us in the first three months?",
    "Which decisions do we keep taking again because we never wrote down who owns them?",
    "What would we like to have learned together as a leadership team a year from now?",
]
"""Six long questions (16 to 19 words): one group's back holds them only set smaller."""

GROUPS = [
    {
        "title": "The individual manager",
        "subtitle": "For your own preparation",
        "questions": [
            {"label": "Strengths", "text": "Where are my strengths?"},
            {"label": "Development", "text": "Where do I need to develop?"},
        ],
    },
    {"title": "The leadership team", "questions": [{"text": q} for q in SIX]},
    {
        "title": "Staff and managers together",
        "questions": [{"text": "How do we work together on good leadership where we are?"}],
    },
]


# --- Gentofte: its eight questions on three cards at the end of the deck -----------------------


def test_gentofte_ends_its_deck_with_one_card_per_reflection_group_in_order() -> None:
    charter = load(GENTOFTE).charter
    assert charter.reflection is not None
    groups = charter.reflection.groups
    assert len(groups) == 3 and sum(len(g.questions) for g in groups) == 8
    faces = page_texts(built(GENTOFTE, "cards")["cards-print.pdf"])
    assert len(faces) == 2 * (1 + charter.commitment_count + len(groups))
    first = 1 + charter.commitment_count  # the index of the first reflection card
    for i, group in enumerate(groups):
        front, back = faces[2 * (first + i)], faces[2 * (first + i) + 1]
        assert flat("Refleksion") in front, f"card {first + i + 1} front: its label"
        assert flat(group.title) in front, f"card {first + i + 1} front: the group's title"
        if group.subtitle:
            assert front.index(flat(group.title)) < front.index(flat(group.subtitle))
        at = back.index(flat(group.title))  # the back's head names the group
        for question in group.questions:  # every question, under its label, in order
            for text in (question.label, question.text):
                if text:
                    assert flat(text) in back[at:], f"card {first + i + 1} back: {text}"
                    at = back.index(flat(text), at) + len(flat(text))
        for other in groups[:i] + groups[i + 1 :]:  # and no other group's questions
            assert flat(other.questions[-1].text) not in back
    # the commitments keep their places: the card before the reflection cards is the last one
    last = charter.sections[-1].commitments[-1]
    assert flat(last.question) in faces[2 * first - 1]


def test_gentofte_reflection_cards_are_numbered_as_the_deck() -> None:
    printed = built(GENTOFTE, "cards")["cards-print.pdf"]
    total = load(GENTOFTE).charter.card_count
    assert total == 16
    with pdfplumber.open(io.BytesIO(printed)) as doc:
        for index in range(26, 32):  # the fronts and backs of cards 14, 15 and 16
            text = doc.pages[index].extract_text() or ""
            assert f"{index // 2 + 1}/{total}" in text.replace(" ", ""), index


def test_every_count_of_gentoftes_deck_counts_its_reflection_cards() -> None:
    charter = load(GENTOFTE).charter
    made = built(GENTOFTE)
    cards_total = len(PdfReader(io.BytesIO(made["cards-print.pdf"])).pages) // 2
    assert cards_total == 16
    said = flat("12 dialogkort, 3 refleksionskort og et titelkort")
    words = labels("da")
    assert flat(deck_count(words, 12, 3)) == said
    faces = page_texts(made["cards-print.pdf"])
    assert flat("16 kort") in faces[0] and flat("16 kort") in faces[1], "the title card"
    assert said in "".join(page_texts(made["booklet.pdf"])[:3]), "the booklet's inside cover"
    sheets = page_texts(made["cards-sheets.pdf"])
    assert len(sheets) == 2 * math.ceil(16 / 4)
    assert all(said in page for page in sheets), "every office sheet"
    guide = "".join(page_texts(made["guide.pdf"]))
    assert said in guide, "the guide"
    g = words["guide"]
    line = g["reflection_line"].format(title=charter.reflection.title, n=3)
    assert flat(line) in guide, "the guide's list of the deck's cards"
    assert flat(g["reflection"].format(reflection="3 refleksionskort")) in guide
    order = page_texts(made["print-order.pdf"])[0]
    assert flat("Skæres til format: 12 dialogkort, 3 refleksionskort og et titelkort") in order
    slides = page_texts(made["cards-slides.pdf"])
    assert len(slides) == 32 and flat("16 kort") in slides[0]


def test_gentoftes_contact_sheet_and_index_count_the_reflection_cards(
    dist_of, monkeypatch
) -> None:
    out = dist_of("gentofte")
    pdf = (out / "gentofte" / "gentofte-cards-print.pdf").read_bytes()
    document = pdfium.PdfDocument(pdf)
    layout = preview.contact_layout(16, preview.trim_size(document[0]))
    document.close()
    with Image.open(out / "gentofte" / "preview" / "gentofte-cards.png") as image:
        assert image.size == layout.size  # a cell for each of the 16 cards
    # the build remembers the reflection cards, for a preview made later from the files on disk
    manifest = json.loads((out / ".charterpress-manifest.json").read_text(encoding="utf-8"))
    assert manifest["gentofte"]["info"]["reflection_cards"] == "3"
    headings = []
    real = preview.fitted
    monkeypatch.setattr(preview, "fitted", lambda text, *a: headings.append(text) or real(text, *a))
    _, count = preview.contact_sheet(
        pdf, words=labels("da"), title="Ledelsesgrundlag", reflection=3
    )
    assert count == 16
    # a number keeps to its word (a no-break space)
    assert headings == ["Ledelsesgrundlag – 12\u00a0dialogkort, 3\u00a0refleksionskort og et titelkort"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "12\u00a0dialogkort, 3\u00a0refleksionskort og et titelkort" in index
    assert "15 dialogkort" not in index


def test_gentoftes_office_sheets_put_each_reflection_back_behind_its_front() -> None:
    """Cards 13 to 16 share the last A4 sheet: 14, 15 and 16 are reflection cards."""
    sheets = built(GENTOFTE, "cards")["cards-sheets.pdf"]
    g = impose.grid(impose.PAPER_MM["A4"], (90, 130), fold=False)
    with pdfplumber.open(io.BytesIO(sheets)) as doc:
        front, back = doc.pages[-2], doc.pages[-1]
        width = float(front.width)

        def numbers(page) -> dict[str, tuple[float, float]]:
            words = page.extract_words()
            return {
                w["text"]: ((w["x0"] + w["x1"]) / 2, w["top"]) for w in words if "/16" in w["text"]
            }

        fronts, backs = numbers(front), numbers(back)
    assert set(fronts) == set(backs) == {"13/16", "14/16", "15/16", "16/16"}
    for number, (x, y) in fronts.items():  # long-edge duplex: the back is the front mirrored
        bx, by = backs[number]
        assert (width - bx, by) == pytest.approx((x, y), abs=1.5), number
    assert g.per_sheet == 4


# --- Any charter ----------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["glostrup", "gladsaxe", "ishoej", "ballerup"])
def test_a_charter_without_reflection_has_the_deck_it_had(slug: str) -> None:
    charter = load(SOURCES / f"{slug}.yaml").charter
    assert charter.reflection is None and charter.reflection_count == 0
    deck = cards.deck(charter, labels(charter.meta.language))
    assert [c.kind for c in deck] == ["title"] + ["commitment"] * charter.commitment_count
    words = labels(charter.meta.language)
    assert deck_count(words, charter.commitment_count, 0) == deck_count(
        words, charter.commitment_count
    )
    assert "refleksionskort" not in deck_count(words, charter.commitment_count)


def test_an_english_deck_with_a_long_group_fits_it_set_smaller(tmp_path: Path) -> None:
    path = write(tmp_path, "harbourside", english(GROUPS))
    source = load(path)
    made = {p.name: p for p in make_products(source, Options(products=("cards",)))}
    printed = made["harbourside-cards-print.pdf"]
    faces = page_texts(printed.data)
    assert len(faces) == 2 * (1 + 2 + 3)
    for i, group in enumerate(GROUPS):
        front, back = faces[2 * (3 + i)], faces[2 * (3 + i) + 1]
        assert flat("Reflection") in front and flat(group["title"]) in front
        for question in group["questions"]:
            assert flat(question["text"]) in back
            assert flat(question.get("label", "")) in back
    assert flat("6 cards") in faces[0]  # the title card counts every card
    sheets = page_texts(made["harbourside-cards-sheets.pdf"].data)
    assert all(flat("2 dialogue cards, 3 reflection cards and a title card") in s for s in sheets)
    # the six long questions shrink, and the build says so, naming the group
    shrunk = {(f.card, f.side) for f in printed.shrunk}
    assert (5, "back") in shrunk and (5, "front") not in shrunk
    assert any("card 5 (back) (reflection.groups[1]) shrunk to" in n for n in printed.notes)
    guide = "".join(page_texts(made["harbourside-guide.pdf"].data))
    line = "Questions for reflection: 3 cards, one for each group of the charter’s own questions"
    assert flat(line) in guide


@pytest.mark.parametrize("theme", ["classic", "signal"])
def test_reflection_cards_fit_and_are_proven_in_every_theme(tmp_path: Path, theme: str) -> None:
    path = write(tmp_path, f"harbourside-{theme}", english(GROUPS, theme=theme))
    made = {p.name: p for p in make_products(load(path), Options(products=("cards",)))}
    faces = page_texts(made[f"harbourside-{theme}-cards-print.pdf"].data)
    for question in SIX:
        assert flat(question) in faces[9]  # card 5: the six long questions
    if theme == "signal":  # the reflection card's back has the spine of every signal back
        with pdfplumber.open(io.BytesIO(made[f"harbourside-{theme}-cards-print.pdf"].data)) as doc:
            page = doc.pages[9]
            assert [r for r in page.rects if r["x0"] <= 0.5 and r["height"] >= page.height - 1]


def test_a_group_whose_questions_cannot_fit_names_its_longest_question(tmp_path: Path) -> None:
    long = " ".join(["And what would the people we serve say about it, if we asked them?"] * 3)
    groups = [*GROUPS[:1], {"title": "The leadership team", "questions": [
        {"label": "Working across units", "text": q} for q in SIX[:5]
    ] + [{"label": "Our own development", "text": long}]}]  # fmt: skip
    path = write(tmp_path, "toolong", english(groups))
    with pytest.raises(BuildError) as caught:
        make_products(load(path), Options(products=("cards",)))
    [problem] = caught.value.problems
    line = next(n for n, row in enumerate(path.read_text().splitlines(), 1) if "And what" in row)
    assert str(problem) == (
        f"{path}:{line}: reflection.groups[1].questions[5].text: card 5 (back): the 6 questions "
        "of 'The leadership team' do not fit on a 90×130 mm card even at 9 pt; shorten them, "
        "split the group in two, or choose a larger card"
    )


def test_the_deck_of_an_english_test_charter_with_reflection_counts_it() -> None:
    """tests/data/booklet-english.yaml has one group of two questions: one reflection card."""
    path = DATA / "booklet-english.yaml"
    charter = load(path).charter
    assert charter.reflection_count == 1
    words = labels("en")
    said = deck_count(words, charter.commitment_count, 1)
    assert said == (
        f"{charter.commitment_count}\u00a0dialogue cards, 1\u00a0reflection card and a title card"
    )
    deck = cards.deck(charter, words)
    assert deck[-1].kind == "reflection" and deck[-1].number == charter.card_count
    texts = facilitation.guide_texts(load(path), deck, words)
    assert texts["sections"][-1].endswith("1\u00a0card with the charter’s own questions")


def test_every_labels_file_has_the_reflection_cards_words() -> None:
    from charterpress import project

    folder = project.DATA / "layouts" / "labels"
    keys = ("deck_count_reflection", "dialogue_count", "dialogue_count_one", "reflection_count",
            "reflection_count_one")  # fmt: skip
    guide = ("reflection_line", "reflection_line_one", "reflection_title", "reflection")
    files = sorted(folder.glob("*.yaml"))
    assert len(files) >= 2
    for file in files:
        words = yaml.safe_load(file.read_text(encoding="utf-8"))
        for key in keys:
            assert isinstance(words.get(key), str), (file.name, key)
        for key in guide:
            assert isinstance(words["guide"].get(key), str), (file.name, key)


def test_an_onboarding_step_may_name_a_reflection_card() -> None:
    from charterpress.source.load import RawSource, parse
    from charterpress.source.schema import validate

    text = GENTOFTE.read_text(encoding="utf-8")
    plan = (
        "onboarding:\n  letter:\n    body: [Velkommen.]\n    signature: HR\n  plan:\n"
        "    - week: 2\n"
        "      do: Tal om refleksionskortene\n      cards: [{n}]\n"
    )
    for number, fine in ((16, True), (17, False)):
        data = (text + plan.format(n=number)).encode("utf-8")
        loaded, problems = parse(RawSource("sources/x.yaml", "x", data))
        assert loaded is not None, problems
        _, problems = validate(loaded, "sources/x.yaml")
        said = [str(p) for p in problems]
        if fine:
            assert said == []
        else:
            assert len(said) == 1 and said[0].endswith(
                "no card 17: the deck has 16 cards (1 is the title card)"
            ), said


def test_a_count_never_breaks_between_its_number_and_its_word() -> None:
    from charterpress.layout import templates

    for language in ("da", "en"):
        words = templates.labels(language)
        for text in (templates.deck_count(words, 12, 3), templates.deck_count(words, 1, 1)):
            assert not re.search(r"\d ", text), text
            assert re.search(r"\d\u00a0\w", text), text
