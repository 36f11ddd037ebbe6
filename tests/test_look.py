"""The look: cards set for reading aloud, booklets without lonely lines, themes that differ."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
from charterpress import project
from charterpress.layout import templates as layouts
from charterpress.products.booklet import handbook as booklet
from charterpress.products.cards import deck as cards
from charterpress.source.model import Charter
from conftest import DATA, SHIPPED, SOURCES, load, products_of

FIVE = sorted(SOURCES.glob("*.yaml"))
UNLIKE = DATA / "unlike-the-five.yaml"
MM = 72 / 25.4
HYPHENS = ("\u2010", "-", "\u00ad")


def _faces(path: Path) -> list[tuple[str, list[str]]]:
    """Return ('front' | 'back', the lines of text) of every card face of a deck's print PDF."""
    data = products_of(path, "cards")[f"{path.stem}-cards-print.pdf"].data
    faces = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for index, page in enumerate(pdf.pages):
            text = page.extract_text() or ""
            faces.append(("front" if index % 2 == 0 else "back", text.splitlines()))
    return faces


def _broken(lines: list[str]) -> bool:
    """Tell whether a face breaks a word at a line end (a line ending on a hyphen after a letter)."""
    return any(len(line) > 1 and line.endswith(HYPHENS) and line[-2].isalpha() for line in lines)


def test_at_most_five_percent_of_card_faces_break_a_word() -> None:
    faces = [face for path in FIVE for face in _faces(path)]
    broken = [lines for _, lines in faces if _broken(lines)]
    assert len(broken) / len(faces) <= 0.05, broken[:5]


def test_a_card_breaks_a_word_only_where_the_word_is_longer_than_a_line() -> None:
    broken = [lines for _, lines in _faces(UNLIKE) if _broken(lines)]
    assert broken and all("Interdepartment" in "".join(lines) for lines in broken)


@pytest.mark.parametrize("path", [*FIVE, UNLIKE], ids=lambda p: p.stem)
def test_the_build_counts_every_card_face_that_breaks_a_word_in_its_notes(path: Path) -> None:
    """Each face the printed deck shows with a broken word has its note, naming the word."""
    product = products_of(path, "cards")[f"{path.stem}-cards-print.pdf"]
    notes = [note for note in product.notes if " at a line end" in note]
    broken = [  # a hyphen drawn at a break (U+2010), not a word's own ('feedback- og')
        lines for _, lines in _faces(path) if any(
            len(line) > 1 and line.endswith("\u2010") and line[-2].isalpha() for line in lines)
    ]  # fmt: skip
    assert len(notes) == len(broken)
    for note, lines in zip(notes, broken, strict=True):
        word = note.split("'")[1]
        assert word in "".join(line.removesuffix("\u2010") for line in lines), (note, lines)
    if path == UNLIKE:
        assert notes == [
            "card 9 (sections[4].body[1].commitments[0]) breaks 'Interdepartmentalcollaboration' "
            "at a line end: longer than a line at 17 pt"
        ]


def _first_line_tops(path: Path) -> dict[str, list[float]]:
    """Return, per side, the top (mm) of each face's first main-text line (the title card aside:
    commitments and reflection cards)."""
    charter: Charter = load(path).charter
    words = layouts.labels(charter.meta.language)
    deck = cards.deck(charter, words)
    data = products_of(path, "cards")[f"{path.stem}-cards-print.pdf"].data
    tops: dict[str, list[float]] = {"front": [], "back": []}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for card in deck[1:]:
            for offset, side in enumerate(("front", "back")):
                page = pdf.pages[2 * (card.number - 1) + offset]
                main = card.title or card.front if side == "front" else card.back
                if card.kind == "reflection" and side == "back":  # a list: its first label
                    main = card.questions[0][0] or card.questions[0][1]  # (or question) starts it
                first = main.split()[0]
                found = [
                    w
                    for w in page.extract_words(extra_attrs=["size"])
                    if w["text"].casefold().startswith(first[:4].casefold())
                ]  # the label in capitals; the group's name in the back's head is smaller
                size = max(c["size"] for c in page.chars)
                if card.kind == "reflection" and side == "back":
                    size = max((w["size"] for w in found), default=size)
                hits = [w for w in found if w["size"] >= size - 0.01]
                assert hits, (card.number, side, first)
                word = min(hits, key=lambda w: w["top"])
                baseline = word["bottom"]
                tops[side].append((baseline - 0.8 * word["size"]) / MM)  # cap line, roughly
    return tops


@pytest.mark.parametrize("path", [*FIVE, UNLIKE], ids=lambda p: p.stem)
def test_every_cards_text_starts_on_the_decks_top_line(path: Path) -> None:
    for side, tops in _first_line_tops(path).items():
        assert max(tops) - min(tops) < 1.0, (side, sorted(tops)[:3], sorted(tops)[-3:])


@pytest.mark.parametrize("path", [*FIVE, UNLIKE], ids=lambda p: p.stem)
def test_no_booklet_page_holds_a_single_line_or_a_single_question(path: Path) -> None:
    made = products_of(path, "booklet")
    for name in (f"{path.stem}-booklet.pdf", f"{path.stem}-booklet-print.pdf"):
        notes = made[name].notes
        assert not [n for n in notes if "single" in n], notes
    with pdfplumber.open(io.BytesIO(made[f"{path.stem}-booklet.pdf"].data)) as pdf:
        for number, page in enumerate(pdf.pages[1:-1], 2):
            limit = page.height - 15 * MM
            tops = {
                round(c["top"]) for c in page.chars if c["bottom"] <= limit and c["text"].strip()
            }
            assert len(tops) != 1, f"page {number} holds a single line"


@pytest.mark.parametrize("slug", ["gentofte", "glostrup"])  # classic; long headlines
def test_every_chapter_band_of_a_booklet_has_one_depth(slug: str) -> None:
    path = SOURCES / f"{slug}.yaml"
    document, _ = booklet.render_screen(load(path))
    depths = set()
    for page in document.pages:
        for box in _boxes(page._page_box, "chapter-head"):
            depths.add(round(box.border_height(), 1))
    assert len(depths) == 1, depths


def _boxes(box: object, cls: str) -> list:
    found = []
    element = getattr(box, "element", None)
    own = "::" not in (getattr(box, "element_tag", "") or "")
    if own and element is not None and cls in (element.get("class") or "").split():
        found.append(box)
    for child in getattr(box, "children", ()):
        found.extend(_boxes(child, cls))
    return found


def test_a_paragraph_never_ends_on_a_hyphenated_fragment() -> None:
    text = booklet.hyphenate_but_last("Vi arbejder med forbedringskultur", "da")
    assert text.endswith(" forbedringskultur") and "\u00ad" in text.split()[1]


def test_the_five_municipalities_use_at_least_three_themes_and_five_palettes() -> None:
    shipped = [SOURCES / f"{slug}.yaml" for slug in SHIPPED]  # ours, whatever else sources/ holds
    themes = [load(p).charter.theme for p in shipped]
    assert len({t.name for t in themes}) >= 3
    assert len({(t.colour, t.accent) for t in themes}) == 5
    assert len({load(p).charter.monogram for p in shipped}) == 5


@pytest.mark.parametrize("theme", project.themes())
def test_each_theme_loads_only_bundled_fonts_with_their_licences(theme: str) -> None:
    look = layouts.look(theme)
    fonts = Path(__file__).resolve().parent.parent / "assets" / "fonts"
    css = layouts.environment("x", theme=theme).get_template("fonts.css").render()
    for family in set(look["fonts"].values()):
        assert f'font-family: "{family}"' in css
    for folder in fonts.iterdir():
        assert any(p.name.upper().startswith(("LICENSE", "OFL")) for p in folder.iterdir()), folder


@pytest.mark.parametrize("path", [*FIVE, UNLIKE], ids=lambda p: p.stem)
def test_a_card_without_its_own_wording_carries_its_lists_lead_before_its_text(path: Path) -> None:
    """A list item ('make change part of how we work') continues its lead ('As a leader I:'):
    read alone, the card says both. A card with its own `card:` wording stands alone already."""
    charter: Charter = load(path).charter
    deck = cards.deck(charter, layouts.labels(charter.meta.language))
    faces = _faces(path)
    leads = 0
    for section in charter.sections:
        for _, block in section.lists:
            for commitment in block.commitments or ():
                card = next(c for c in deck if c.front == commitment.front)
                text = " ".join(faces[2 * (card.number - 1)][1])
                if block.lead and not commitment.card:
                    leads += 1
                    lead, first = " ".join(block.lead.split()), commitment.front.split()[0]
                    # the text follows its lead: the first word right after it (a short first
                    # word such as 'er' is also inside 'MEDARBEJDERNE' in the band above)
                    assert lead in text, (card.number, text)
                    after = text[text.index(lead) + len(lead) :].split()
                    assert after and after[0] == first, (card.number, text)
                else:
                    assert card.lead is None
    if path == UNLIKE:
        assert leads == 60


def test_a_word_broken_on_a_card_in_a_face_without_the_hyphen_takes_it_from_the_symbols_face(
    tmp_path: Path,
) -> None:
    # League Spartan (signal) has no U+2010: the hyphen WeasyPrint draws at a broken word comes
    # from the always-loaded symbols face, so the proof finds no host font and the build passes.
    import yaml
    from charterpress.commands.build import make_products
    from charterpress.values import Options

    data = yaml.safe_load((DATA / "booklet-english.yaml").read_text(encoding="utf-8"))
    data["theme"]["name"] = "signal"
    commitment = data["sections"][0]["body"][0]["commitments"][0]
    commitment["text"] = commitment["card"] = "I build Interdepartmentalcollaboration into plans"
    path = tmp_path / "signal-long-word.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    made = {p.name: p for p in make_products(load(path), Options(products=("cards",)))}
    with pdfplumber.open(io.BytesIO(made["signal-long-word-cards-print.pdf"].data)) as pdf:
        fonts = {
            c["fontname"].split("+")[-1]
            for p in pdf.pages
            for c in p.chars
            if c["text"] == "\u2010"
        }
    assert fonts and all(font.startswith("Inter") for font in fonts), fonts


@pytest.mark.parametrize("paper", [None, "#eaf1ec"])
def test_a_source_sets_the_paper_tone_of_a_theme_printed_on_paper(tmp_path: Path, paper) -> None:
    """Gentofte (classic) prints covers and card fronts on paper: the theme's tone, or its own."""
    import pypdfium2
    from charterpress.commands.build import make_products
    from charterpress.text import colours
    from charterpress.values import Options

    text = (SOURCES / "gentofte.yaml").read_text(encoding="utf-8")
    if paper:
        text = text.replace("  monogram: Gt\n", f'  monogram: Gt\n  paper: "{paper}"\n', 1)
    (tmp_path / "gentofte.yaml").write_text(text, encoding="utf-8")
    made = {p.name: p.data for p in make_products(load(tmp_path / "gentofte.yaml"), Options())}
    want = colours.rgb(paper or str(layouts.look("classic")["paper"]))
    for name, page in (("gentofte-booklet.pdf", 0), ("gentofte-cards-print.pdf", 2)):
        image = pypdfium2.PdfDocument(made[name])[page].render(scale=1).to_pil().convert("RGB")
        corner = image.getpixel((image.width // 2, image.height - 3))  # paper below the text
        assert max(abs(a - b) for a, b in zip(corner, want, strict=True)) <= 2, (name, corner, want)
