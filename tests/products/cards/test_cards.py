"""The card decks, read back out of the real PDFs: pages, boxes, texts, numbers, sheets, errors."""

from __future__ import annotations

import io
import math
import re
from functools import cache
from pathlib import Path

import pdfplumber
import pytest
import yaml
from charterpress.commands.build import make_products
from charterpress.errors import BuildError
from charterpress.layout.templates import labels
from charterpress.prepress import impose
from charterpress.prepress.sheets import OFFICE_MARK_PT
from charterpress.products.cards import deck as cards
from charterpress.products.cards import faces as card_faces
from charterpress.products.cards import fit as card_fit
from charterpress.text import colours, hyphenate, reading
from charterpress.units import mm
from charterpress.values import Options
from pypdf import PdfReader
from support import DATA, SLUGS, SOURCES, load, products_of

PT_TOLERANCE = mm(0.5)
"""Half a millimetre, in points: how close a back's number must sit to its front's mirror."""
NUMBER = re.compile(r"\d+/\d+")

REAL = [SOURCES / f"{slug}.yaml" for slug in SLUGS]
SMALL = [DATA / "cards-english.yaml", DATA / "cards-a6-fold.yaml"]
DECKS = REAL + SMALL


def _name(path: Path) -> str:
    return path.stem


def deck_of(path: Path) -> tuple[bytes, bytes]:
    """Return the print PDF and the sheets PDF of a source (built once per session)."""
    slug = load(path).slug
    made = products_of(path, "cards")
    return made[f"{slug}-cards-print.pdf"].data, made[f"{slug}-cards-sheets.pdf"].data


@cache
def page_texts(pdf: bytes) -> tuple[str, ...]:
    """Return the text of every page of a PDF."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return tuple(page.extract_text() or "" for page in doc.pages)


@cache
def page_numbers(pdf: bytes) -> tuple[tuple[tuple[str, float, float], ...], ...]:
    """Return, per page, every card number 'n/N' drawn on it with its centre (x, y from top)."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return tuple(tuple(_numbers(page.chars)) for page in doc.pages)


def _numbers(chars: list[dict]) -> list[tuple[str, float, float]]:
    """Group digits and slashes drawn next to each other; keep the groups that read 'n/N'."""
    found, run = [], []
    for char in [*chars, None]:
        if char is not None and char["text"] in "0123456789/" and _next_to(run, char):
            run.append(char)
            continue
        text = "".join(c["text"] for c in run)
        if NUMBER.fullmatch(text):
            x = (min(c["x0"] for c in run) + max(c["x1"] for c in run)) / 2
            y = (min(c["top"] for c in run) + max(c["bottom"] for c in run)) / 2
            found.append((text, x, y))
        run = [char] if char is not None and char["text"] in "0123456789/" else []
    return found


def _next_to(run: list[dict], char: dict) -> bool:
    if not run:
        return True
    last = run[-1]
    return math.dist((last["x0"], last["top"]), (char["x0"], char["top"])) < 1.5 * char["size"]


def flat(text: str) -> str:
    """Return text without spaces, line breaks and hyphens, to compare wrapped text with source."""
    return re.sub(r"[\s\-\u00ad\u2010]", "", text)


def commitments(path: Path) -> list[tuple[str, str]]:
    """Return (front, question) of every commitment in deck order (sections, organisation)."""
    charter = load(path).charter
    parts = [*charter.sections, *([charter.organisation] if charter.organisation else [])]
    return [(c.front, c.question) for s in parts for c in s.commitments]


def _box(rect) -> tuple[float, ...]:
    return tuple(round(float(v), 2) for v in rect)


# --- The print-shop PDF -----------------------------------------------------------------


@pytest.mark.parametrize("path", DECKS, ids=_name)
def test_print_pdf_has_two_pages_per_card(path: Path) -> None:
    printed, _ = deck_of(path)
    charter = load(path).charter
    # the title card, one per commitment, one per group of the charter's own questions
    assert charter.card_count == 1 + charter.commitment_count + charter.reflection_count
    assert len(PdfReader(io.BytesIO(printed)).pages) == 2 * charter.card_count


@pytest.mark.parametrize("path", DECKS, ids=_name)
def test_every_page_is_trimmed_to_the_card_with_3mm_bleed_and_no_marks(path: Path) -> None:
    printed, _ = deck_of(path)
    card = load(path).charter.theme.card
    trim = (0, 0, round(mm(card.width), 2), round(mm(card.height), 2))
    bleed = mm(3)
    expected_bleed = _box((-bleed, -bleed, mm(card.width) + bleed, mm(card.height) + bleed))
    for page in PdfReader(io.BytesIO(printed)).pages:
        assert _box(page.trimbox) == trim
        assert _box(page.bleedbox) == expected_bleed
        assert _box(page.mediabox) == expected_bleed


@pytest.mark.parametrize("path", DECKS, ids=_name)
def test_every_commitment_is_on_its_front_and_its_question_on_the_next_page(path: Path) -> None:
    printed, _ = deck_of(path)
    texts = page_texts(printed)
    for index, (front, question) in enumerate(commitments(path), start=1):
        assert flat(front) in flat(texts[2 * index]), f"card {index + 1} front"
        assert flat(question) in flat(texts[2 * index + 1]), f"card {index + 1} back"


@pytest.mark.parametrize("path", DECKS, ids=_name)
def test_both_faces_carry_the_card_number_in_the_same_place(path: Path) -> None:
    printed, _ = deck_of(path)
    numbers = page_numbers(printed)
    total = len(numbers) // 2
    for card in range(total):
        front, back = numbers[2 * card], numbers[2 * card + 1]
        assert [n for n, _, _ in front] == [n for n, _, _ in back] == [f"{card + 1}/{total}"]
        assert front[0][1:] == pytest.approx(back[0][1:], abs=0.1)


def test_the_number_sits_centred_at_the_foot_inside_the_safe_area() -> None:
    printed, _ = deck_of(SOURCES / "glostrup.yaml")
    with pdfplumber.open(io.BytesIO(printed)) as doc:
        chars = [c for c in doc.pages[2].chars if c["text"] in "0123456789/"]
    # pdfplumber gives x as drawn (trim's left edge at 0) and y0 from the bleed's bottom edge.
    assert min(c["y0"] for c in chars) - mm(3) >= mm(4)
    _, x, _ = page_numbers(printed)[2][0]
    assert x == pytest.approx(mm(90) / 2, abs=0.5)


def test_the_title_card_opens_the_deck_with_name_municipality_and_method() -> None:
    printed, _ = deck_of(SOURCES / "glostrup.yaml")
    front, back = page_texts(printed)[:2]
    words = labels("da")
    assert "Ledelse når det er bedst" in front.replace("\n", " ")
    assert "Glostrup Kommune" in front
    count = load(SOURCES / "glostrup.yaml").charter.commitment_count
    assert f"{count + 1} kort" in front.replace("\n", " ")  # every card, the title card too
    assert flat(str(words["how_to_title"]).upper()) in flat(back)
    for step in words["how_to_steps"]:
        assert flat(step) in flat(back)


def test_the_back_says_refleksion_in_danish_and_reflection_in_english() -> None:
    danish, _ = deck_of(SOURCES / "glostrup.yaml")
    english, english_sheets = deck_of(DATA / "cards-english.yaml")
    assert "REFLEKSION" in page_texts(danish)[3]
    assert "REFLECTION" in page_texts(english)[3]
    assert "HOW TO USE THE CARDS" in page_texts(english)[1]
    assert not any("Refleksion".upper() in t for t in page_texts(english))
    assert "Print double-sided – flip on short edge" in page_texts(english_sheets)[0]


def test_organisation_commitments_close_the_deck() -> None:
    printed, _ = deck_of(SOURCES / "glostrup.yaml")
    last_front = page_texts(printed)[-2]
    assert "RAMMERNE" in last_front
    assert "Gode vilkår for bedre ledelse" in last_front


def test_long_texts_shrink_and_the_build_says_which() -> None:
    made = products_of(SOURCES / "gladsaxe.yaml", "cards")
    notes = made["gladsaxe-cards-print.pdf"].notes
    assert notes, "the longest Gladsaxe commitments are expected to shrink"
    pattern = re.compile(
        r"card \d+( \(back\))? \((sections|organisation)[^)]*\) shrunk to [\d.]+ pt"
    )
    deck_size = re.compile(  # the deck's one size, and the cards that hold it there
        r"the deck's (fronts|backs) are set at [\d.]+ pt \(designed [\d.]+ pt\): the longest, "
        r"cards? \d+((, \d+)* and \d+)?, fits? no larger; a shorter wording "
        r"\(sections\[[^)]*\.card\) sets the whole deck larger"
        r"|the deck's backs follow its fronts at [\d.]+ pt"
    )
    assert any(pattern.fullmatch(note) for note in notes), notes
    for note in notes:
        assert pattern.fullmatch(note) or deck_size.fullmatch(note), note
        if pattern.fullmatch(note):
            assert float(note.split("shrunk to ")[1].split()[0]) >= card_faces.FLOOR_PT


def test_marks_put_crop_marks_outside_the_bleed_and_keep_the_boxes() -> None:
    path = DATA / "cards-english.yaml"
    plain, _ = deck_of(path)
    marked = products_of(path, "cards", marks=True)["cards-english-cards-print.pdf"].data
    before, after = PdfReader(io.BytesIO(plain)).pages, PdfReader(io.BytesIO(marked)).pages
    assert len(before) == len(after)
    for old, new in zip(before, after, strict=True):
        assert _box(new.trimbox) == _box(old.trimbox)
        assert _box(new.bleedbox) == _box(old.bleedbox)
        assert float(new.mediabox.left) < float(old.bleedbox.left) - mm(3)
        assert float(new.mediabox.top) > float(old.bleedbox.top) + mm(3)


# --- Too long -------------------------------------------------------------------------------


def test_a_commitment_too_long_for_the_floor_stops_the_build_with_its_place() -> None:
    path = DATA / "cards-too-long.yaml"
    with pytest.raises(BuildError) as caught:
        make_products(load(path), Options(products=("cards",)))
    [problem] = caught.value.problems
    assert Path(problem.file).name == "cards-too-long.yaml"
    assert problem.line == 14
    assert problem.path == "sections[0].body[0].commitments[1].text"
    assert problem.message == (
        "card 3: does not fit on a 90×130 mm card even at 9 pt; shorten it or choose a larger card"
    )


def test_a_word_that_cannot_break_counts_as_too_wide() -> None:
    html = (
        '<html lang="da"><style>@page { size: 60mm 80mm; margin: 5mm }</style>'
        '<section id="card-1-front"><p style="font-size: 30pt">Ledelsesgrundlagsarbejdet</p>'
        "</section></html>"
    )
    from charterpress.layout.render import to_document

    assert card_fit.overflowing(to_document(html)) == {"card-1-front"}


# --- Hyphenation ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_hyphenation_dictionary_loads(language: str) -> None:
    cards.check_hyphenation(language)


def test_a_missing_hyphenation_dictionary_fails_the_build(monkeypatch) -> None:
    """A shipped language whose pyphen patterns are gone is a broken install: the build stops."""
    monkeypatch.setattr(cards.pyphen, "language_fallback", lambda name: None)
    with pytest.raises(BuildError, match="no hyphenation dictionary"):
        cards.check_hyphenation("da")


def test_a_language_pyphen_does_not_know_breaks_words_only_at_its_exceptions() -> None:
    cards.check_hyphenation("kl")  # Greenlandic: a project's own labels, no pyphen patterns
    assert hyphenate.pattern_breaks("inuusuttut", "kl") == ()
    assert hyphenate.pattern_breaks("leadership", "en")


def test_card_text_keeps_words_whole_unless_one_is_longer_than_a_line() -> None:
    text = reading.for_reading("Vi binder organisationen og medarbejderne sammen", "da", 74, 17)
    assert "\u00ad" not in text
    long = reading.for_reading("Vi har arbejdsmiljørepræsentantsamarbejdet i fokus", "da", 40, 17)
    words = long.split()
    assert "\u00ad" in words[2] and "\u00ad" not in "".join(words[:2] + words[3:])


def test_a_word_longer_than_a_line_is_broken_with_a_visible_hyphen() -> None:
    made = products_of(DATA / "unlike-the-five.yaml", "cards")
    pdf = PdfReader(io.BytesIO(made["unlike-the-five-cards-print.pdf"].data))
    text = pdf.pages[16].extract_text()  # card 9: "build Interdepartmentalcollaboration into …"
    lines = [line.rstrip() for line in text.splitlines()]
    assert any(line.endswith(("-", "\u2010")) and "Interdepart" in line for line in lines)


# --- Office sheets --------------------------------------------------------------------------


@pytest.mark.parametrize("path", REAL + [DATA / "cards-english.yaml"], ids=_name)
def test_each_back_lands_behind_its_front(path: Path) -> None:
    _, sheets = deck_of(path)
    setting = load(path).charter.theme.sheet
    with pdfplumber.open(io.BytesIO(sheets)) as doc:
        width, height = doc.pages[0].width, doc.pages[0].height
    numbers = page_numbers(sheets)
    assert len(numbers) % 2 == 0
    for fronts, backs in zip(numbers[0::2], numbers[1::2], strict=True):
        assert sorted(n for n, _, _ in fronts) == sorted(n for n, _, _ in backs)
        where = {n: (x, y) for n, x, y in backs}
        for n, x, y in fronts:
            mirror = (width - x, y) if setting.flip == "long" else (x, height - y)
            assert math.dist(where[n], mirror) <= PT_TOLERANCE, n


@pytest.mark.parametrize("path", DECKS, ids=_name)
def test_sheets_hold_every_card_once_on_the_chosen_paper(path: Path) -> None:
    _, sheets = deck_of(path)
    charter = load(path).charter
    paper = impose.PAPER_MM[charter.theme.sheet.paper]
    pages = PdfReader(io.BytesIO(sheets)).pages
    for page in pages:
        assert _box(page.mediabox) == (0, 0, round(mm(paper[0]), 2), round(mm(paper[1]), 2))
    seen = [n for page in page_numbers(sheets) for n, _, _ in page]
    total = charter.card_count
    copies = 2  # a front and a back, on two pages (duplex) or side by side (fold)
    assert sorted(seen) == sorted(
        f"{k}/{total}" for k in range(1, total + 1) for _ in range(copies)
    )


def test_a4_sheets_hold_four_standard_cards_and_say_how_to_print() -> None:
    _, sheets = deck_of(SOURCES / "glostrup.yaml")
    texts = page_texts(sheets)
    assert len(texts) == 2 * math.ceil(33 / 4)
    assert [len(p) for p in page_numbers(sheets)[:2]] == [4, 4]
    assert "Udskriv dobbeltsidet – vend på den lange kant" in texts[0]
    assert "Ark 1 af 9 – forsider" in texts[0]
    assert "Ark 1 af 9 – bagsider" in texts[1]


def test_fold_mode_puts_each_back_beside_its_front_across_the_fold_line() -> None:
    path = DATA / "cards-a6-fold.yaml"
    _, sheets = deck_of(path)
    charter = load(path).charter
    g = impose.grid(impose.PAPER_MM["A4"], (105, 148), fold=True)
    texts = page_texts(sheets)
    assert len(texts) == math.ceil(charter.card_count / g.per_sheet)
    assert "Udskriv enkeltsidet – klip ud, og fold på den stiplede linje" in texts[0]
    with pdfplumber.open(io.BytesIO(sheets)) as doc:
        height = doc.pages[0].height
    (x1, y1), (x2, y2) = (tuple(mm(v) for v in p) for p in impose.fold_line(g, 0))
    for page in page_numbers(sheets):
        found: dict[str, list[tuple[float, float]]] = {}
        for n, x, y in page:
            found.setdefault(n, []).append((x, height - y))
        for n, (a, b) in ((n, pts) for n, pts in found.items()):
            assert len({a, b}) == 2, n
            # The slot of the first card on a page holds the fold line computed above.
            if n == page[0][0]:
                assert _reflect(a, (x1, y1), (x2, y2)) == pytest.approx(b, abs=PT_TOLERANCE)


def _reflect(point: tuple[float, float], a: tuple[float, float], b: tuple[float, float]):
    """Return ``point`` reflected across the line through ``a`` and ``b``."""
    (px, py), (ax, ay), (bx, by) = point, a, b
    dx, dy = bx - ax, by - ay
    t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)
    fx, fy = ax + t * dx, ay + t * dy
    return (2 * fx - px, 2 * fy - py)


def test_sheet_cut_marks_stay_outside_every_card() -> None:
    _, sheets = deck_of(SOURCES / "glostrup.yaml")
    g = impose.grid(impose.PAPER_MM["A4"], (90, 130))
    cards_pt = [tuple(mm(v) for v in g.slot(i)) for i in range(g.per_sheet)]
    with pdfplumber.open(io.BytesIO(sheets)) as doc:
        page = doc.pages[0]
        lines = [ln for ln in page.lines if ln["linewidth"] == pytest.approx(OFFICE_MARK_PT)]
        assert len(lines) >= 16
        for ln in lines:
            y0, y1 = page.height - ln["bottom"], page.height - ln["top"]
            for left, bottom, right, top in cards_pt:
                inside_x = ln["x1"] > left + 0.1 and ln["x0"] < right - 0.1
                inside_y = y1 > bottom + 0.1 and y0 < top - 0.1
                assert not (inside_x and inside_y)


def test_building_a_deck_logs_no_warning(no_warnings) -> None:
    source = load(DATA / "cards-a6-fold.yaml")
    made = cards.make(source, Options(products=("cards",), marks=True))
    assert [p.name for p in made] == [
        "cards-a6-fold-cards-print.pdf",
        "cards-a6-fold-cards-sheets.pdf",
        "cards-a6-fold-cards-slides.pdf",  # the facilitation pack (builder/products/cards/facilitation.py)
        "cards-a6-fold-guide.pdf",
    ]


@pytest.mark.parametrize(
    ("colour", "ink"), [("#7b2d4f", "#ffffff"), ("#0b4f6c", "#ffffff"), ("#f5b21b", "#1d1d1f")]
)
def test_band_text_is_white_on_dark_colours_and_dark_on_light_ones(colour: str, ink: str) -> None:
    assert card_faces.ink_on(colour) == ink


@pytest.mark.parametrize("colour", ["#7b2d4f", "#f5b21b", "#9bc53d", "#ffffff"])
def test_the_back_label_stays_readable_on_its_tint(colour: str) -> None:
    label = card_faces.readable_on(colour, card_faces.tint(colour))
    assert colours.contrast(label, card_faces.tint(colour)) >= 4.5


def test_a_short_last_word_stays_with_the_one_before() -> None:
    assert reading.bind("Hvordan fortæller I det?", "da").endswith("I\u00a0det?")
    assert reading.bind("Jeg er vores integritet", "da").endswith("vores\u00a0integritet")
    assert reading.bind("Jeg lever med stor integritet", "da").endswith(" integritet")


def test_lines_never_end_on_a_short_leading_word() -> None:
    bound = reading.bind("Vi tager ansvar for at lytte til de andre i organisationen", "da")
    assert "for\u00a0at\u00a0lytte" in bound and "til\u00a0de\u00a0andre" in bound
    assert "i\u00a0organisationen" in bound


def test_a_card_too_small_for_the_title_cards_method_is_its_located_line(tmp_path, capsys):
    """The how-to back is set at the floor size already on a tiny card: one line, no IndexError."""
    data = yaml.safe_load((DATA / "cards-english.yaml").read_text(encoding="utf-8"))
    data["theme"]["card"] = {"width": 50, "height": 70}
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    from charterpress.__main__ import main

    assert main(["check", str(path)]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if ": note: " not in line]
    rows = path.read_text().splitlines()
    line = next(n for n, t in enumerate(rows, 1) if t.strip() == "width: 50")  # the value's line
    assert errors == [
        f"{path}:{line}: theme.card: card 1: the method on the title card's back "
        "(layouts/labels/en.yaml: how_to_steps) does not fit on a 50×70 mm card even at 9 pt; "
        "choose a larger card"
    ]


def test_a_named_principles_back_names_its_principle_above_the_question() -> None:
    """A card turned over alone is tied to its principle: the back says the name, then asks."""
    path = DATA / "format-principles.yaml"
    printed, _ = deck_of(path)
    faces = page_texts(printed)
    titled = [
        c
        for section in load(path).charter.sections
        for block in section.body
        for c in getattr(block, "commitments", None) or ()
        if c.title
    ]
    assert len(titled) == len(faces) // 2 - 1  # every card of this deck is a named principle
    for number, commitment in enumerate(titled, 1):
        back = flat(faces[2 * number + 1])
        assert flat(commitment.title) in back, number
        assert back.index(flat(commitment.title)) < back.index(flat(commitment.question)[:20])


def test_signal_backs_have_a_spine_of_8_mm_and_their_text_stands_clear_of_it() -> None:
    """A colour spine 8 mm inside the trim (a 1 mm cut changes it by an eighth), text beyond it."""
    printed, _ = deck_of(SOURCES / "ballerup.yaml")  # signal
    with pdfplumber.open(io.BytesIO(printed)) as doc:  # x from the trim's left edge
        for number in range(1, len(doc.pages), 2):  # every back, the title card's too
            page = doc.pages[number]
            spines = [
                r
                for r in page.rects
                if r["x0"] <= 0.5 and r["height"] >= page.height - 1 and r["width"] < page.width / 2
            ]
            assert spines, number
            inside = max(r["x1"] for r in spines)
            assert inside == pytest.approx(mm(8), abs=0.3), (number, inside / mm(1))
            words = [c for c in page.chars if c["text"].strip()]
            assert min(c["x0"] for c in words) >= mm(8) + mm(2.5), number


@pytest.mark.parametrize("slug", SLUGS)
def test_the_title_cards_foot_stands_clear_of_step_5(slug: str) -> None:
    """At least 4 mm between the method's last line and the municipality's line under it."""
    path = SOURCES / f"{slug}.yaml"
    municipality = load(path).charter.meta.municipality
    printed, _ = deck_of(path)
    with pdfplumber.open(io.BytesIO(printed)) as doc:
        lines = doc.pages[1].extract_text_lines()
    foot = [line for line in lines if line["text"].startswith(municipality)]
    assert len(foot) == 1, [line["text"] for line in lines]
    above = [line for line in lines if line["bottom"] <= foot[0]["top"]]
    assert foot[0]["top"] - max(line["bottom"] for line in above) >= mm(4)
