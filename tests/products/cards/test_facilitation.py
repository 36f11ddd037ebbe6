"""The facilitation pack: slides for a shared screen, one PNG per face, the facilitator's guide.

Every assertion reads the real output: the PDFs with pypdf, the PNGs with Pillow, the guide's
words against the charter's own names and counts.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from charterpress.errors import BuildError
from charterpress.layout import fonts, proof
from charterpress.layout.templates import deck_count, labels
from charterpress.products import previews as preview
from charterpress.products.cards import deck as cards
from charterpress.products.cards import faces as card_faces
from charterpress.products.cards import facilitation
from charterpress.text.hyphenate import HYPHEN_BREAK
from PIL import Image
from pypdf import PdfReader
from support import DATA, SOURCES, load, pdfua_reports, products_of

CHARTERS = [SOURCES / "glostrup.yaml", DATA / "unlike-the-five.yaml", DATA / "cards-a6-fold.yaml"]


def _deck(path: Path) -> list[card_faces.Card]:
    source = load(path)
    return cards.deck(source.charter, labels(source.charter.meta.language))


def _pack(path: Path) -> tuple[str, dict]:
    source = load(path)
    return source.slug, products_of(path, "cards")


def _flat_pages(pdf: bytes) -> list[str]:
    """Return each page's text, flat; without the hyphen drawn where a long word breaks."""
    return [
        proof.flat(page.extract_text().replace(HYPHEN_BREAK, ""))
        for page in PdfReader(io.BytesIO(pdf)).pages
    ]


@pytest.mark.parametrize("path", CHARTERS, ids=lambda p: p.stem)
def test_the_slides_hold_every_cards_front_then_its_back_numbered_as_the_deck(path):
    slug, made = _pack(path)
    deck = _deck(path)
    words = labels(load(path).charter.meta.language)
    slides = made[f"{slug}-cards-slides.pdf"]
    pages = _flat_pages(slides.data)
    assert slides.pages == len(pages) == 2 * len(deck)
    for card in deck:
        front, back = pages[2 * card.number - 2], pages[2 * card.number - 1]
        for side, text in (("front", front), ("back", back)):
            expected = card_faces.face_texts(card, side, words)
            assert proof.missing_in_order(text, expected) is None, (card.number, side)
            assert f"{card.number}/{len(deck)}" in text, (card.number, side)
        # The question is on the back only: the front does not give it away.
        assert proof.flat(card.back) not in front


@pytest.mark.parametrize("path", CHARTERS, ids=lambda p: p.stem)
def test_every_slide_is_16_to_9_with_the_whole_card_on_it(path):
    slug, made = _pack(path)
    reader = PdfReader(io.BytesIO(made[f"{slug}-cards-slides.pdf"].data))
    width, height = card_faces.card_size(load(path).charter)
    for page in reader.pages:
        box, trim = page.mediabox, page.trimbox
        assert float(box.width) / float(box.height) == pytest.approx(16 / 9, abs=1e-3)
        assert float(trim.width) == pytest.approx(width / 25.4 * 72, abs=0.1)
        assert float(trim.height) == pytest.approx(height / 25.4 * 72, abs=0.1)
        assert box.left < trim.left and box.bottom < trim.bottom
        assert box.right > trim.right and box.top > trim.top
        # The card is large: at least 85 % of the slide's height (or width, for a wide card).
        assert (
            max(float(trim.height) / float(box.height), float(trim.width) / float(box.width)) > 0.85
        )


def test_the_slides_show_the_card_and_hide_the_bleed(tmp_path):
    """Rendered: the card's own colour inside the trim, the slide's grey all round it."""
    import pypdfium2 as pdfium

    slug, made = _pack(SOURCES / "glostrup.yaml")
    pdf = pdfium.PdfDocument(made[f"{slug}-cards-slides.pdf"].data)
    page = pdf[0]  # the title card: the theme colour to its edges, and a bleed of it
    image = page.render(scale=1).to_pil().convert("RGB")
    left, bottom, right, top = page.get_trimbox()
    m_left, _, _, m_top = page.get_mediabox()
    x, y = left - m_left, m_top - (top + bottom) / 2  # image pixels at scale 1
    grey = tuple(round(255 * c) for c in facilitation.SLIDE_BACKGROUND)
    just_outside = image.getpixel((round(x) - 3, round(y)))
    just_inside = image.getpixel((round(x) + 3, round(y)))
    assert all(abs(a - b) <= 2 for a, b in zip(just_outside, grey, strict=True)), just_outside
    assert just_inside != just_outside
    assert image.getpixel((2, 2)) == just_outside


@pytest.mark.parametrize("path", CHARTERS[:2], ids=lambda p: p.stem)
def test_the_slides_and_the_guide_are_tagged_and_passpdfua_reports(path, tmp_path):
    slug, made = _pack(path)
    files = []
    for name in (f"{slug}-cards-slides.pdf", f"{slug}-guide.pdf"):
        files.append(tmp_path / name)
        files[-1].write_bytes(made[name].data)
        with pikepdf.open(files[-1]) as pdf:
            assert pdf.Root.MarkInfo.Marked is True
            assert "/StructTreeRoot" in pdf.Root
            assert str(pdf.Root.Lang) == load(path).charter.meta.language
    for report in pdfua_reports(files):
        assert report["findings"] == [], (report["file"], report["findings"])
        assert report["summary"]["rules_run"] >= 10


@pytest.mark.parametrize("path", CHARTERS[:2], ids=lambda p: p.stem)
def test_the_slides_and_the_guide_embed_only_bundled_fonts(path):
    slug, made = _pack(path)
    ours = fonts.identities()
    for name in (f"{slug}-cards-slides.pdf", f"{slug}-guide.pdf"):
        embedded = proof.embedded_fonts(made[name].data)
        assert embedded
        assert all(identity in ours for identity in embedded.values()), (name, embedded)


@pytest.mark.parametrize("path", CHARTERS, ids=lambda p: p.stem)
def test_one_png_per_face_at_1920_px_on_the_long_side(path):
    slug, made = _pack(path)
    deck = _deck(path)
    pngs = facilitation.face_pngs(slug, made[f"{slug}-cards-slides.pdf"].data)
    names = [p.name for p in pngs]
    width = max(2, len(str(len(deck))))
    assert names == [
        f"cards/{slug}-card-{n:0{width}d}-{side}.png"
        for n in range(1, len(deck) + 1)
        for side in ("front", "back")
    ]
    w_mm, h_mm = card_faces.card_size(load(path).charter)
    for product in pngs:
        image = Image.open(io.BytesIO(product.data))
        assert image.format == "PNG"
        assert max(image.size) == facilitation.FACE_PNG_PX
        ratio = min(image.size) / max(image.size)
        assert ratio == pytest.approx(min(w_mm, h_mm) / max(w_mm, h_mm), abs=0.002)
    # No slide grey at a face's edges: the PNG is the card alone.
    grey = tuple(round(255 * c) for c in facilitation.SLIDE_BACKGROUND)
    for product in pngs[:4]:
        image = Image.open(io.BytesIO(product.data)).convert("RGB")
        w, h = image.size
        for xy in ((0, h // 2), (w - 1, h // 2), (w // 2, 0), (w // 2, h - 1)):
            assert image.getpixel(xy) != grey, (product.name, xy)


def test_the_previews_include_the_face_pngs():
    slug, made = _pack(SOURCES / "glostrup.yaml")
    pdfs = {name: p.data for name, p in made.items()}
    names = [p.name for p in preview.make(slug, pdfs, words=labels("da"), title="t")]
    assert sum(n.startswith("cards/") for n in names) == 2 * len(_deck(SOURCES / "glostrup.yaml"))


def _guide_text(pdf: bytes) -> str:
    """Return the guide's text, flat, its pages' folios ('2/3') left out: a paragraph may run on."""
    import re

    # (pypdf reads a page's list bullets after its text: they are left out too)
    return "".join(re.sub(r"•*\d+/\d+$", "", page) for page in _flat_pages(pdf))


@pytest.mark.parametrize("path", CHARTERS, ids=lambda p: p.stem)
def test_the_guide_names_the_decks_card_count_and_sections_in_the_charters_language(path):
    slug, made = _pack(path)
    source = load(path)
    words = labels(source.charter.meta.language)
    deck = _deck(path)
    text = _guide_text(made[f"{slug}-guide.pdf"].data)
    count = deck_count(words, source.charter.commitment_count, source.charter.reflection_count)
    assert proof.flat(count) in text
    assert proof.flat(source.charter.meta.title) in text
    assert proof.flat(source.charter.meta.municipality) in text
    guide = words["guide"]
    for way in guide["ways"]:  # the three ways, in the charter's language
        assert proof.flat(way["name"]) in text
    # One line per section, with its number of cards: together they make the deck.
    per_section: dict[str, int] = {}
    for card in deck[1:]:
        if card.kind == "commitment":
            per_section[card.label] = per_section.get(card.label, 0) + 1
    assert sum(per_section.values()) == source.charter.commitment_count
    for label, n in per_section.items():
        key = "section_line_one" if n == 1 else "section_line"
        assert proof.flat(guide[key].format(label=label, n=n)) in text
    # and one line for the reflection cards that close the deck, where it has them
    reflection = source.charter.reflection_count
    assert len(deck) == 1 + source.charter.commitment_count + reflection
    if reflection:
        key = "reflection_line_one" if reflection == 1 else "reflection_line"
        line = guide[key].format(title=source.charter.reflection.title, n=reflection)
        assert proof.flat(line) in text
        assert proof.flat(guide["reflection_title"]) in text
    assert proof.flat(guide["groups"].format(count=count)) in text


def test_the_guide_is_english_for_an_english_charter():
    slug, made = _pack(DATA / "unlike-the-five.yaml")
    text = _guide_text(made[f"{slug}-guide.pdf"].data)
    assert proof.flat("Three ways to run a round") in text
    assert proof.flat("Tre måder") not in text


def test_a_guide_layout_that_drops_a_text_stops_the_build(tmp_path):
    """The guide's proof is live: a layout that leaves out the closing part fails the build."""
    from charterpress import project

    original = (project.DATA / "layouts" / "base" / facilitation.GUIDE_TEMPLATE).read_text()
    (tmp_path / "sources").mkdir()
    (tmp_path / "layouts" / "base").mkdir(parents=True)
    broken = original.replace("<p>{{ part.text }}</p>", "", 1)
    assert broken != original
    (tmp_path / "layouts" / "base" / facilitation.GUIDE_TEMPLATE).write_text(broken)
    source = load(SOURCES / "glostrup.yaml")
    deck = _deck(SOURCES / "glostrup.yaml")
    before = project._root
    project.use(tmp_path)
    try:
        with pytest.raises(BuildError, match="guide.pdf: a text of the guide is missing"):
            facilitation.guide(source, deck, labels("da"))
    finally:
        project._root = before
    facilitation.guide(source, deck, labels("da"))  # and the packaged layout passes


# --- On the distribution page, and incremental --------------------------------------------------


def test_the_index_lists_the_pack_with_its_purpose_in_the_charters_language(built_dist):
    from support import Page, target

    page = Page((built_dist / "index.html").read_text(encoding="utf-8"))
    for slug in ("glostrup",):
        words = labels(load(SOURCES / f"{slug}.yaml").charter.meta.language)
        for name, key in (
            ("cards-slides.pdf", "for_shared_screen"),
            ("guide.pdf", "for_facilitator"),
        ):
            href = f"{slug}/{slug}-{name}"
            assert page.link_texts[href].casefold() == str(words[key]).casefold()
            assert target(built_dist, href).is_file()
        faces = sorted((built_dist / slug / "cards").glob("*.png"))
        assert len(faces) == 2 * len(_deck(SOURCES / f"{slug}.yaml"))
        linked = {target(built_dist, url) for url in page.links}
        assert {f.resolve() for f in faces} <= linked
        back = f"4 {words['preview_back']}"  # (the parser reads the no-break space as a space)
        assert page.link_texts[f"{slug}/cards/{slug}-card-04-back.png"] == back
        text = (built_dist / "index.html").read_text(encoding="utf-8")
        assert str(words["card_images"]).format(n=len(faces)) in text


def test_the_pack_is_incremental_like_the_other_outputs(tmp_path, monkeypatch):
    """A second build writes nothing; a deleted face PNG is made again from the slides on disk;
    a deck that loses a card loses that card's PNGs."""
    from charterpress import project
    from charterpress.commands import build as pipeline
    from support import cached_make_products, cached_previews, real_previews

    real_previews()

    (tmp_path / "sources").mkdir()
    source = tmp_path / "sources" / "ishoej.yaml"
    source.write_bytes((SOURCES / "ishoej.yaml").read_bytes())
    before = project._root
    project.use(tmp_path)
    dist = tmp_path / "dist"
    try:

        def build() -> list:
            return pipeline.build([], tmp_path / "sources", dist, pipeline.Options())

        def not_rendered(*args, **kwargs):
            raise AssertionError("rendered again")

        # The copy is sources/ishoej.yaml byte for byte.
        def shared(source, options, only=None, made=None) -> list:
            return cached_make_products(load(SOURCES / "ishoej.yaml"), options)

        # The first build from the session's renders of ishoej (the same bytes: conftest).
        monkeypatch.setattr(pipeline, "make_products", shared)
        monkeypatch.setattr(preview, "make", cached_previews)
        build()
        monkeypatch.undo()
        faces = sorted((dist / "ishoej" / "cards").glob("*.png"))
        slides = dist / "ishoej" / "ishoej-cards-slides.pdf"
        assert faces and slides.is_file() and (dist / "ishoej" / "ishoej-guide.pdf").is_file()
        mtimes = {p: p.stat().st_mtime_ns for p in [*faces, slides]}
        monkeypatch.setattr(pipeline, "make_products", not_rendered)  # none should run
        monkeypatch.setattr(preview, "make", not_rendered)
        assert build()[0].skipped
        assert {p: p.stat().st_mtime_ns for p in mtimes} == mtimes
        monkeypatch.undo()
        monkeypatch.setattr(pipeline, "make_products", not_rendered)  # PNGs only, from the PDF
        faces[3].unlink()
        done = build()[0]
        assert not done.products and faces[3] in done.preview_paths  # from the PDF on disk
        assert faces[3].is_file() and slides.stat().st_mtime_ns == mtimes[slides]
        monkeypatch.undo()
        # One commitment fewer: the last card's two PNGs go.
        text = source.read_text(encoding="utf-8")
        last = max(int(p.name.split("-card-")[1].split("-")[0]) for p in faces)
        trimmed = _drop_last_commitment(text)
        source.write_text(trimmed, encoding="utf-8")
        # (the deck alone, as `build --only cards`: the booklet and its previews are not the
        # pack's, and were half of this test's time)
        pipeline.build([], tmp_path / "sources", dist, pipeline.Options(products=("cards",)))
        names = {p.name for p in (dist / "ishoej" / "cards").glob("*.png")}
        assert f"ishoej-card-{last:02d}-front.png" not in names
        assert f"ishoej-card-{last - 1:02d}-back.png" in names
        assert len(names) == 2 * (last - 1)
    finally:
        project._root = before


def _drop_last_commitment(text: str) -> str:
    """Return a source with its last commitment removed (via the parsed YAML, written back)."""
    import yaml

    data = yaml.safe_load(text)
    parts = [
        *data.get("sections", []),
        *([data["organisation"]] if data.get("organisation") else []),
    ]
    for part in reversed(parts):
        for block in reversed(part.get("body", [])):
            if isinstance(block, dict) and block.get("commitments"):
                block["commitments"].pop()
                if not block["commitments"]:
                    part["body"].remove(block)
                return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    raise AssertionError("no commitment to drop")


def test_forms_painted_outside_marked_content_become_artifacts():
    content = b"q\n/Span <</MCID 0>> BDC\n/x0 Do\nEMC\n/x1 Do\n<4244430a> Tj\n/x2 Do Q"
    marked = facilitation.mark_loose_forms(content)
    assert b"/Span <</MCID 0>> BDC\n/x0 Do\nEMC" in marked  # tagged: left alone
    assert b"/Artifact BMC /x1 Do EMC" in marked and b"/Artifact BMC /x2 Do EMC" in marked
    assert b"<4244430a> Tj" in marked  # a string is never read as an operator
    assert facilitation.mark_loose_forms(marked) == marked  # once is enough
