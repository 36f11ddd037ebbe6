"""The proof: every word of the source on its card face and in the booklet, every glyph from a bundled font.

These tests build charters unlike the five in sources/ (English, long paragraphs, 30 sections,
a 30-letter word, the starter with a long card text) and read the real PDFs back.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time
from functools import cache, lru_cache
from pathlib import Path

import pdfplumber
import pytest
from charterpress import project
from charterpress.commands.build import make_products
from charterpress.commands.new import write_starter
from charterpress.errors import BuildError
from charterpress.layout import fonts, proof, render
from charterpress.products.cards import fit as card_fit
from charterpress.products.cards import office as card_office
from charterpress.units import mm
from charterpress.values import Options
from pypdf import PdfReader
from support import (
    LONG_WORD,
    SLUGS,
    SOURCES,
    _paragraph,
    english_charter,
    load,
    pdfium_texts,
    products_of,
    write,
)


def flat(text: str) -> str:
    """Return text as it compares across line breaks: no white space, no hyphens at breaks."""
    return re.sub(r"[\s\u00ad\u2010]", "", text).casefold()


@lru_cache(maxsize=64)
def page_texts(pdf: bytes) -> tuple[str, ...]:
    """Return the flat text of every page of a PDF, read back with pdfplumber (once per PDF:
    several tests read the same session-cached builds)."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return tuple(flat(page.extract_text() or "") for page in doc.pages)


def card_pages(pdf: bytes) -> list[tuple[str, str]]:
    """Return (front text, back text) of every card of a print PDF (two pages a card)."""
    texts = page_texts(pdf)
    return list(zip(texts[0::2], texts[1::2], strict=True))


def deck_texts(path: Path) -> list[tuple[str, str, str | None]]:
    """Return (front, question, headline) of every commitment in deck order."""
    charter = load(path).charter
    parts = [*charter.sections, *([charter.organisation] if charter.organisation else [])]
    return [(c.front, c.question, s.headline) for s in parts for c in s.commitments]


def assert_every_word_on_its_card(path: Path, made: dict) -> None:
    slug = load(path).slug
    faces = card_pages(made[f"{slug}-cards-print.pdf"].data)
    wanted = deck_texts(path)
    assert len(faces) == len(wanted) + 1  # the title card first
    for (front, back), (text, question, headline) in zip(faces[1:], wanted, strict=True):
        if headline:
            assert flat(headline) in front
        assert flat(text) in front, f"{text!r} is not whole on its card"
        assert flat(question) in back


# --- Dropped lines ----------------------------------------------------------------------------


def test_the_starter_with_a_long_card_text_under_a_headline_is_complete(tmp_path: Path) -> None:
    """The case from the issue: `charterpress new`, a headline, a card text of 300+ characters."""
    path = write_starter("proofstarter", tmp_path)
    long = (
        "I set clear goals for my team and I explain why they matter, so that every colleague "
        "can see how their daily work connects with the direction of the whole organisation, "
        "also when priorities change along the way and we must choose to leave undone "
        "something that we would otherwise very gladly have done."
    )
    assert len(long) > 300
    text = re.sub(
        r"card: Jeg sætter tydelige mål *#.*", f"card: {long}", path.read_text(encoding="utf-8")
    )
    assert long in text and "headline:" in text
    path.write_text(text, encoding="utf-8")
    made = make_products(load(path), Options(products=("cards",)))
    front, _ = card_pages(made[0].data)[1]
    assert flat(long) in front, "the card lost the end of its text"
    assert "shrunk to" in " ".join(made[0].notes)


def test_an_english_charter_of_long_principles_has_every_word_on_its_card(tmp_path: Path) -> None:
    path = write(tmp_path, "principles", english_charter(sections=30))
    made = {p.name: p for p in make_products(load(path), Options())}
    assert_every_word_on_its_card(path, made)
    booklet = "".join(page_texts(made["principles-booklet.pdf"].data))
    for i in range(30):
        assert flat(_paragraph(i)) in booklet
    assert flat(LONG_WORD) in booklet


def test_a_layout_that_drops_lines_is_caught_by_the_proof() -> None:
    """The old card layout: a flex column whose text item (given a definite height by flex)
    passes the page foot. WeasyPrint forgets the lines past the foot and starts the next face
    on the next page, so no spill shows. The proof reads the laid-out lines and sees the end
    missing."""
    words = " ".join(f"word{i}" for i in range(60))
    css = (
        "@page { size: 60mm 80mm; margin: 5mm }"
        " section { break-before: page; display: flex; flex-direction: column; min-height: 65mm }"
        " section:first-child { break-before: auto }"
        " section > * { flex-shrink: 0; min-height: 0; width: 50mm } .grow { flex: 1 1 0 }"
        " p { margin-top: 7mm; font-size: 12pt }"
    )
    html = (
        f'<html lang="en"><style>{css}</style><section id="card-1-front"><div class="grow"></div>'
        f'<p>{words}</p><div class="grow"></div></section>'
        '<section id="card-1-back"><p>Why?</p></section></html>'
    )
    document = render.to_document(html)
    assert len(document.pages) == 2, "WeasyPrint no longer drops the lines: update this test"
    assert proof.flat(words) not in proof.page_text(document.pages[0])
    placed = card_fit.faces_on_pages(document)
    expected = {"card-1-front": (proof.flat(words),), "card-1-back": ("why?",)}
    assert card_fit.misfits(document, placed, expected) == {"card-1-front"}


def test_card_faces_are_plain_block_flow_with_no_box_of_fixed_height() -> None:
    """The cause of the dropped lines: no flex column or fixed height around a face's text."""
    css = (project.DATA / "layouts/base/cards.css").read_text()
    face = css[css.index(".face {") : css.index("}", css.index(".face {"))]
    assert "display: flex" not in face and "height" not in face


def test_a_text_that_cannot_fit_at_the_floor_is_a_located_error(tmp_path: Path) -> None:
    data = english_charter(sections=2)
    data["sections"][1]["body"][0]["commitments"][0]["text"] = " ".join(
        ["A sentence of plain words."] * 60
    )
    path = write(tmp_path, "toolong", data)
    with pytest.raises(BuildError) as caught:
        make_products(load(path), Options(products=("cards",)))
    [problem] = caught.value.problems
    line = next(
        n
        for n, row in enumerate(path.read_text().splitlines(), 1)
        if "A sentence of plain words." in row
    )
    assert str(problem) == (
        f"{path}:{line}: sections[1].body[0].commitments[0].text: card 3: does not fit on a 90×130 mm "
        "card even at 9 pt; shorten it or choose a larger card"
    )


def test_a_question_that_cannot_fit_names_the_question(tmp_path: Path) -> None:
    data = english_charter(sections=1)
    data["sections"][0]["body"][0]["commitments"][0]["question"] = " ".join(["Why?"] * 400)
    path = write(tmp_path, "longquestion", data)
    with pytest.raises(BuildError) as caught:
        make_products(load(path), Options(products=("cards",)))
    [problem] = caught.value.problems
    assert problem.path == "sections[0].body[0].commitments[0].question"
    assert problem.message.startswith("card 2: does not fit on a 90×130 mm card even at 9 pt")


def test_a_megabyte_commitment_fails_fast_with_exit_1(tmp_path: Path) -> None:
    data = english_charter(sections=1)
    data["sections"][0]["body"][0]["commitments"][0]["text"] = "word " * 200_000
    path = write(tmp_path, "huge", data)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "charterpress", "build", str(path), "--out", str(tmp_path / "dist")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert time.perf_counter() - started < 20
    assert result.returncode == 1, result.stderr
    line = next(n for n, row in enumerate(path.read_text().splitlines(), 1) if "word word" in row)
    col = path.read_text().splitlines()[line - 1].index("text:") + 1
    assert result.stderr.startswith(f"huge.yaml:{line}:{col}: file is too large ("), result.stderr
    assert "the text: here runs on past" in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "dist" / "huge").exists()


def test_a_title_that_cannot_fit_names_the_title_not_the_card_line(tmp_path: Path) -> None:
    data = english_charter(sections=1)
    commitment = data["sections"][0]["body"][0]["commitments"][0]
    commitment["title"] = ("Long title " * 200).strip()[:1990]
    commitment["card"] = "We listen."
    path = write(tmp_path, "longtitle", data)
    with pytest.raises(BuildError) as caught:
        make_products(load(path), Options(products=("cards",)))
    [problem] = caught.value.problems
    assert problem.path == "sections[0].body[0].commitments[0].title"
    title_line = next(
        n for n, row in enumerate(path.read_text().splitlines(), 1) if "Long title" in row
    )
    assert problem.line == title_line


@pytest.mark.parametrize("size", ["standard", "poker"])
def test_the_longest_text_the_schema_allows_fails_fast_on_a_card(tmp_path: Path, size) -> None:
    data = english_charter(sections=1)
    data["theme"] = {"card": size}
    text = ("We work together and we say what we mean. " * 60)[:2000].strip()
    data["sections"][0]["body"][0]["commitments"][0]["text"] = text
    path = write(tmp_path, "longest", data)
    source = load(path)
    started = time.perf_counter()
    with pytest.raises(BuildError) as caught:
        make_products(source, Options(products=("cards",)))
    assert time.perf_counter() - started < 15
    [problem] = caught.value.problems
    assert problem.path == "sections[0].body[0].commitments[0].text"
    assert "does not fit on a" in problem.message


# --- Fitting in small documents ---------------------------------------------------------------


def test_faces_that_shrink_are_tried_in_small_documents_not_a_second_deck(
    tmp_path: Path, monkeypatch
) -> None:
    path = write(tmp_path, "fitting", english_charter(sections=6))
    documents: list[tuple[int, str]] = []
    real = card_fit.to_document

    def counting(html: str):
        document = real(html)
        documents.append((len(document.pages), html))
        return document

    monkeypatch.setattr(card_fit, "to_document", counting)  # the faces
    monkeypatch.setattr(card_office, "to_document", counting)  # the office sheets
    made = make_products(load(path), Options(products=("cards",)))
    assert len(made[0].shrunk) == 6, made[0].notes  # every long front shrinks, no back
    deck, *trials, composed, sheets = documents
    assert deck[1].count('class="face ') == 2 * 7  # the whole deck, once
    assert 1 <= len(trials) <= 2, [n for n, _ in documents]
    # and once more composed (the text block placed, its lines balanced): every commitment's
    # two faces, the title card left as it was
    assert len(re.findall(r'id="card-\d+-(front|back)', composed[1])) == 2 * 6, composed[1][:400]
    shrinking, *at_deck_size = trials
    # just the faces that shrink, a few sizes each
    assert not re.search(r'id="card-\d+-back', shrinking[1]) and 'id="card-1-' not in shrinking[1]
    assert shrinking[1].count('class="face ') <= 3 * 6
    for _, html in at_deck_size:  # the faces set smaller than they fit (the backs follow the
        assert 'id="card-1-' not in html  # fronts' one size), once each: never the title card
        assert html.count('class="face ') <= 2 * 6
    assert 'class="face ' not in sheets[1]
    assert_every_word_on_its_card(path, {p.name: p for p in made})


# --- Glyphs -----------------------------------------------------------------------------------


def test_a_character_no_bundled_font_has_is_a_located_error(tmp_path: Path) -> None:
    data = english_charter(sections=1)
    data["sections"][0]["body"][0]["commitments"][0]["question"] = (
        "What makes you smile 😀 at work?"
    )
    path = write(tmp_path, "emoji", data)
    with pytest.raises(BuildError) as caught:
        make_products(load(path), Options())
    [problem] = caught.value.problems
    assert problem.path == "sections[0].body[0].commitments[0].question"
    assert problem.line is not None
    assert "U+1F600 '😀'" in problem.message
    assert str(problem).startswith(
        f"{path}:{problem.line}: sections[0].body[0].commitments[0].question:"
    )


def test_the_bundled_fonts_cover_danish_english_and_typographic_marks() -> None:
    assert fonts.missing("Æblegrød på ærø, “quotes” – dashes — ‘x’ … é ü ■ ") == []
    assert fonts.missing("a😀b😀") == ["😀"]
    assert fonts.describe("😀") == "U+1F600 '😀'"


@cache
def _all_products(slug: str) -> dict[str, bytes]:
    """Every PDF of one charter of sources/ (one build: a sixth charter's run builds only it)."""
    made = {}
    for name, product in products_of(SOURCES / f"{slug}.yaml", "cards", "booklet").items():
        if name.endswith(".pdf"):  # not SLUG-preflight.txt
            made[name] = product.data
    return made


@pytest.mark.parametrize("slug", SLUGS)
def test_no_pdf_uses_a_font_outside_assets_fonts(slug: str) -> None:
    ours = fonts.identities()
    made = {
        n: d
        for n, d in _all_products(slug).items()
        if n.startswith(f"{slug}-") and n.endswith(".pdf")
    }
    # deck 2, booklet 3, slides and guide (builder/products/cards/facilitation.py), the job
    # sheet (builder/products/printorder.py)
    assert len(made) == 8
    for name, data in made.items():
        embedded = proof.embedded_fonts(data)
        assert embedded, f"{name} embeds no font"
        foreign = {n: ident for n, ident in embedded.items() if ident not in ours}
        assert not foreign, f"{name} uses {foreign}"


def test_a_host_font_in_the_output_stops_the_build() -> None:
    html = '<html><p style="font-family: DejaVu Sans, sans-serif">■ host glyph</p></html>'
    pdf = render.to_pdf(render.to_document(html))
    with pytest.raises(BuildError, match="not bundled in assets/fonts/") as caught:
        proof.check_fonts(load(SOURCES / f"{SLUGS[0]}.yaml"), "x.pdf", pdf)
    assert "U+25A0 '■'" in str(caught.value)


def test_the_fonts_weasyprint_embedded_are_what_a_reader_finds_in_the_pdf() -> None:
    html = '<html><p style="font-family: DejaVu Sans">host</p><p>ours: Inter ■</p></html>'
    with render.fonts_embedded() as embedded:
        pdf = render.to_pdf(render.to_document(html))
    assert sorted(map(fonts.embedded_identity, embedded)) == sorted(
        proof.embedded_fonts(pdf).values()
    )


def test_a_build_proves_its_fonts_without_reading_its_pdfs(monkeypatch) -> None:
    def read_pdf(*args):
        raise AssertionError("the proof read a PDF though every font was bundled")

    monkeypatch.setattr(proof, "check_fonts", read_pdf)
    source = load(SOURCES / f"{SLUGS[0]}.yaml")
    assert make_products(source, Options(products=("cards", "booklet")))


def test_a_host_font_in_a_build_stops_it_naming_the_characters(monkeypatch) -> None:
    """The fast check (the fonts WeasyPrint embedded) finds it; the PDFs are then read for the message."""
    real = render.to_document
    monkeypatch.setattr(
        render,
        "to_document",
        lambda html, *more: real(
            html.replace("</body>", '<p style="font-family: DejaVu Sans">■ host</p></body>'), *more
        ),
    )
    source = load(SOURCES / f"{SLUGS[0]}.yaml")
    with pytest.raises(BuildError, match="not bundled in assets/fonts/") as caught:
        make_products(source, Options(products=("booklet",)))
    assert "U+25A0 '■'" in str(caught.value)


def test_a_host_font_drawing_a_source_character_names_the_field(tmp_path: Path) -> None:
    data = english_charter(sections=1)
    data["sections"][0]["body"][0]["commitments"][0]["question"] = "Which way → now?"
    source = load(write(tmp_path, "arrow", data))
    html = '<html><p style="font-family: DejaVu Sans">Which way → now?</p></html>'
    pdf = render.to_pdf(render.to_document(html))
    with pytest.raises(BuildError) as caught:
        proof.check_fonts(source, "x.pdf", pdf)
    paths = [p.path for p in caught.value.problems]
    assert "sections[0].body[0].commitments[0].question" in paths
    assert "U+2192 '→'" in str(caught.value)


# --- The booklet ------------------------------------------------------------------------------


def test_every_text_of_the_source_is_asked_of_the_booklet() -> None:
    source = load(SOURCES / f"{SLUGS[0]}.yaml")
    paths = {e.path for e in proof.booklet_texts(source)}
    assert "meta.title" in paths
    assert any(p.endswith(".question") for p in paths)
    assert not any(p.endswith(".card") or p.endswith(".id") for p in paths)


def test_a_booklet_missing_a_commitment_is_a_located_error(tmp_path: Path) -> None:
    path = write(tmp_path, "short", english_charter(sections=2))
    source = load(path)
    document = render.to_document("<html><p>Our Leadership Principles</p></html>")
    with pytest.raises(BuildError) as caught:
        proof.check_booklet(source, document)
    paths = {p.path for p in caught.value.problems}
    assert "sections[1].body[0].commitments[0].text" in paths
    assert "sections[1].body[0].commitments[0].question" in paths
    assert "meta.title" not in paths


# --- The cover mark ---------------------------------------------------------------------------

ACCENT = (0xC8, 0x96, 0x3E)
"""The default theme's accent: the colour of the mark's squares."""


def _mark_charter(sections: int, per_section: int) -> dict:
    return {
        "meta": {"municipality": "Northfield Council", "title": "Our Leadership Principles"},
        "theme": {"accent": "#c8963e", "colour": "#1f4e79"},
        "sections": [
            {
                "id": f"s{i}",
                "title": f"Section {i + 1}",
                "body": [
                    {
                        "commitments": [
                            {"text": f"We do {i}-{j} well", "question": f"How do you do {i}-{j}?"}
                            for j in range(per_section)
                        ]
                    }
                ],
            }
            for i in range(sections)
        ],
    }


def _accent_box(image, tolerance: int = 40) -> tuple[int, int, int, int] | None:
    """Return the bounding box (x0, y0, x1, y1) of the accent-coloured pixels of an image."""
    from PIL import Image, ImageChops

    rgb = image.convert("RGB")
    diff = ImageChops.difference(rgb, Image.new("RGB", rgb.size, ACCENT))
    red, green, blue = diff.split()
    total = ImageChops.add(ImageChops.add(red, green), blue)
    return total.point(lambda v: 255 if v < tolerance else 0).getbbox()


@pytest.mark.parametrize(("sections", "per_section"), [(40, 1), (1, 60), (1, 1)])
def test_the_cover_mark_stays_in_its_box_below_the_text_for_any_charter(
    tmp_path: Path, sections: int, per_section: int
) -> None:
    import pypdfium2

    path = write(tmp_path, "mark", _mark_charter(sections, per_section))
    made = {p.name: p.data for p in make_products(load(path), Options(products=("booklet",)))}
    scale = 4  # pixels per PDF point
    for name in ("mark-booklet.pdf", "mark-booklet-print.pdf"):
        pdf = made[name]
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            pages = [doc.pages[0], doc.pages[-1]]
            words = [[(w["text"], w) for w in p.extract_words()] for p in pages]
        rendered = pypdfium2.PdfDocument(pdf)
        for index, page_words in zip((0, len(rendered) - 1), words, strict=True):
            image = rendered[index].render(scale=scale).to_pil()
            box = _accent_box(image)
            assert box is not None, f"{name} p{index + 1}: no mark"
            # Inside the trim, with the page's 15 mm side margins kept.
            page = PdfReader(io.BytesIO(pdf)).pages[index]
            trim, media = page.trimbox, page.mediabox
            left = (float(trim.left) - float(media.left) + mm(14)) * scale
            right = (float(trim.right) - float(media.left) - mm(14)) * scale
            top = (float(media.top) - float(trim.top) + mm(10)) * scale
            bottom = (float(media.top) - float(trim.bottom) - mm(10)) * scale
            x0, y0, x1, y1 = box
            assert left <= x0 and x1 <= right and top <= y0 and y1 <= bottom, (name, index, box)
            # Every word of the text is visible: no square of the mark on it.
            for text, w in page_words:
                area = tuple(round(v * scale) for v in (w["x0"], w["top"], w["x1"], w["bottom"]))
                assert _accent_box(image.crop(area)) is None, f"{name} p{index + 1}: '{text}'"
            title = [w for t, w in page_words if t in ("Leadership", "Principles")]
            assert len(title) == 2 or index > 0, f"{name}: the title is not on the cover"


# --- One count --------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_deck_booklet_and_sheets_say_the_same_count(slug: str) -> None:
    path = SOURCES / f"{slug}.yaml"
    charter = load(path).charter
    made = {n: d for n, d in _all_products(slug).items() if n.startswith(f"{slug}-")}
    faces = page_texts(made[f"{slug}-cards-print.pdf"])
    reflection = charter.reflection_count  # the last cards: one per group of its own questions
    dialogue = len(faces) // 2 - 1 - reflection  # every card but the title and reflection cards
    assert dialogue == charter.commitment_count
    if reflection:  # English counts one card in the singular (Danish "kort" is both)
        cards = "reflection card" if reflection == 1 else "reflection cards"
        words = {
            "da": "{n} dialogkort, {r} refleksionskort og et titelkort",
            "en": "{n} dialogue cards, {r} " + cards + " and a title card",
        }
    else:
        words = {
            "da": "{n} dialogkort og et titelkort",
            "en": "{n} dialogue cards and a title card",
        }
    said = flat(words[charter.meta.language].format(n=dialogue, r=reflection))
    # the title card counts every card, itself included, and says it as a reader counts
    total = flat(
        {"da": "{n} kort", "en": "{n} cards"}[charter.meta.language].format(n=len(faces) // 2)
    )
    assert total in faces[0], "the title card"
    assert said not in faces[0] + faces[1], "the title card counts, it does not list kinds"
    assert said in "".join(page_texts(made[f"{slug}-booklet.pdf"])[:3]), (
        "the booklet's inside cover"
    )
    sheets = page_texts(made[f"{slug}-cards-sheets.pdf"])
    assert all(said in page for page in sheets), "the office sheets"
    for name, pdf in made.items():  # no other count of cards anywhere (read with PDFium: the
        if not name.endswith(".pdf"):  # slides and the imposed booklet are hundreds of pages)
            continue
        pages = [flat(text) for text in pdfium_texts(pdf)]
        if name.endswith("-cards-print.pdf") or name.endswith("-cards-slides.pdf"):
            assert all(total in page for page in pages[:2]), name  # both sides of the title card
            pages = [page.replace(total, "") for page in pages]
        text = "".join(pages)
        if name.endswith("-guide.pdf"):  # its list of sections counts each section's own cards
            from charterpress.layout.templates import labels
            from charterpress.products.cards import deck as cards
            from charterpress.products.cards import facilitation

            words = labels(charter.meta.language)
            deck = cards.deck(charter, words)
            for line in facilitation.guide_texts(load(path), deck, words)["sections"]:
                text = text.replace(flat(line), "")
        counts = set(re.findall(r"(\d+)(?:dialogkort|dialoguecards?|kort\b|cards\b)", text))
        assert counts <= {str(dialogue)}, counts
        reflected = set(re.findall(r"(\d+)(?:refleksionskort|reflectioncards?)", text))
        assert reflected <= ({str(reflection)} if reflection else set()), (name, reflected)


# --- Notes pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_notes_pages_have_their_own_footer(slug: str) -> None:
    charter = load(SOURCES / f"{slug}.yaml").charter
    word = {"da": "Noter", "en": "Notes"}[charter.meta.language]
    printed = _all_products(slug)[f"{slug}-booklet-print.pdf"]
    with pdfplumber.open(io.BytesIO(printed)) as doc:
        pages = doc.pages[1:-1]
        notes = [p for p in pages if flat(word) == flat(p.extract_text() or "")[: len(word)]]
        for page in notes:
            x0, top, x1, bottom = page.bbox
            foot = page.within_bbox((x0, bottom - mm(25), x1, bottom))
            footer = " ".join(w["text"] for w in foot.extract_words())
            assert re.fullmatch(rf"({word} \d+|\d+ {word})", footer), footer
    screen_pages = len(PdfReader(io.BytesIO(_all_products(slug)[f"{slug}-booklet.pdf"])).pages)
    assert len(notes) == len(PdfReader(io.BytesIO(printed)).pages) - screen_pages
