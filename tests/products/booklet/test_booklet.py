"""The booklets: hyphenation, colours and contents (pure), then the three PDFs of every charter."""

from __future__ import annotations

import dataclasses
import io
import re
from functools import lru_cache
from pathlib import Path

import pdfplumber
import pypdf
import pypdfium2
import pytest
from charterpress.layout import templates as layouts
from charterpress.layout.render import to_document, to_pdf
from charterpress.prepress.impose import saddle_order
from charterpress.products.booklet import checks as booklet_checks
from charterpress.products.booklet import context as booklet_context
from charterpress.products.booklet import copyfit, pages
from charterpress.products.booklet import handbook as booklet
from charterpress.products.booklet import imposed as booklet_imposed
from charterpress.source.model import Block, Charter, Logo, Passage
from charterpress.text import colours
from charterpress.text.hyphenate import (
    SOFT_HYPHEN,
    breaks_of,
    hyphenate,
    hyphenate_word,
    parse_exceptions,
    pattern_breaks,
    word_breaks,
)
from charterpress.values import Options
from support import DATA, SLUGS, SOURCES, load, products_of

MM = 72 / 25.4
PADDING = DATA / "booklet-padding.yaml"
ENGLISH = DATA / "booklet-english.yaml"
ALL = [SOURCES / f"{slug}.yaml" for slug in SLUGS] + [PADDING, ENGLISH]


def built(
    path: Path, marks: bool = False
) -> tuple[pypdf.PdfReader, pypdf.PdfReader, pypdf.PdfReader]:
    """Return the screen, print and imposed booklets of a source (built once per session)."""
    slug = path.stem
    made = products_of(path, "booklet", marks=marks)
    names = (f"{slug}-booklet.pdf", f"{slug}-booklet-print.pdf", f"{slug}-booklet-imposed.pdf")
    return tuple(pypdf.PdfReader(io.BytesIO(made[name].data)) for name in names)


@lru_cache(maxsize=32)
def reading(data: bytes) -> list[str]:
    """Return each page's text above the footer, as a reader copies it: hyphenation undone."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [words(above_footer(page).extract_text()) for page in pdf.pages]


def above_footer(page: pdfplumber.page.Page) -> pdfplumber.page.Page:
    """Return an A5 page without its footer, whatever the bleed around it."""
    limit = page.height - (page.height - 210 * MM) / 2 - 15 * MM
    return page.filter(lambda obj: obj.get("bottom", 0) <= limit)


def words(text: str) -> str:
    """Undo line-end hyphenation (U+2010 then a line break), drop soft hyphens, fold white space."""
    text = re.sub(r"\u2010\s*\n\s*", "", text.replace(SOFT_HYPHEN, ""))
    return re.sub(r"\s+", " ", text).strip()


def source_texts(charter: Charter) -> list[str]:
    """Return every text of a charter a reader must find in the booklet (not the card fronts)."""
    parts = (*charter.sections, *([charter.organisation] if charter.organisation else []))
    passages = (*charter.front, *charter.back, *(s.preface for s in parts if s.preface))
    blocks: list[Block] = [b for p in passages for b in p.body]
    blocks += [b for s in parts for b in s.body if not b.commitments]
    found = [b.text or b.signature or b.heading or b.quote for b in blocks if b.kind != "items"]
    found += [item for b in blocks if b.items for item in b.items]
    found += [b.lead for b in [*blocks, *(b for s in parts for _, b in s.lists)] if b.lead]
    found += [s.headline for s in parts if s.headline]
    found += [c.text for s in parts for c in s.commitments]
    found += [c.title for s in parts for c in s.commitments if c.title]
    found += [c.question for s in parts for c in s.commitments]
    if charter.reflection:
        found += [q.text for g in charter.reflection.groups for q in g.questions]
    return found


# --- Hyphenation --------------------------------------------------------------------------


def test_exception_lines_give_break_positions() -> None:
    table = parse_exceptions("# comment\nmed-ar-bej-der*   # me-d-ar\nuanset\n\nFeed-back\n")
    assert table.stems == {"medarbejder": (3, 5, 8)}
    assert table.words == {"uanset": (), "feedback": (4,)}
    assert breaks_of("le-der-eva-lu-e-ring") == (2, 5, 8, 10, 11)


def test_the_patterns_split_medarbejder_wrongly_and_the_exceptions_put_it_right() -> None:
    assert (
        hyphenate_word("medarbejder", pattern_breaks("medarbejder", "da"), "-") == "me-d-ar-bej-der"
    )
    assert hyphenate_word("medarbejder", word_breaks("medarbejder", "da"), "-") == "med-ar-bej-der"


def test_a_stem_keeps_the_patterns_breaks_after_it() -> None:
    word = "medarbejderrepræsentanter"
    assert hyphenate_word(word, word_breaks(word, "da"), "-") == "med-ar-bej-der-re-præ-sen-tan-ter"


def test_an_exception_keeps_the_case_of_the_text() -> None:
    assert hyphenate("Medarbejderne", "da", "-") == "Med-ar-bej-derne"


def test_no_break_leaves_one_or_two_letters_at_the_end_or_one_at_the_start() -> None:
    for word in ("organisationen", "arbejde", "udvikling", "ledelsen"):
        breaks = word_breaks(word, "da")
        assert all(2 <= b <= len(word) - 3 for b in breaks), (word, breaks)


def test_no_break_falls_inside_a_ligature() -> None:
    # Charis joins ff/fi/fl; a soft hyphen inside the ligature breaks copying ("eekt").
    assert hyphenate("effekt effektivt offentlig", "da", "-") == "effekt effek-tivt offent-lig"


def test_hyphenated_text_reads_the_same_without_its_soft_hyphens() -> None:
    text = "Medarbejderne i kommunen – også ledelsen – udvikler opgaveløsningen, 2029."
    assert hyphenate(text, "da").replace(SOFT_HYPHEN, "") == text


def test_english_uses_english_patterns() -> None:
    assert hyphenate("leadership development", "en", "-") == "lead-er-ship de-vel-op-ment"


# --- Colours, contents, padding -----------------------------------------------------------


@pytest.mark.parametrize("colour", ["#0b4f6c", "#f2c14e", "#9bc53d", "#ffffff", "#7b2d4f"])
def test_text_in_a_theme_colour_reaches_wcag_aa_on_white(colour: str) -> None:
    assert colours.contrast(colours.readable(colour), "#ffffff") >= 4.5


def test_ink_on_a_colour_field_is_white_on_dark_and_dark_on_light() -> None:
    assert booklet_context.ink("#0b4f6c") == "#ffffff"
    assert booklet_context.ink("#f2c14e") == "#1c1c1c"


def test_palette_gives_the_custom_properties_the_layout_uses() -> None:
    css = booklet_context.palette("#7b2d4f")
    assert set(css) == {"--c", "--c-ink", "--c-ink-soft", "--c-text", "--c-tint"}
    assert css["--c"] == css["--c-text"] == "#7b2d4f"
    # white softened by a tenth of the field: solid, not translucent (no form XObject, PDF/UA)
    assert css["--c-ink"] == "#ffffff" and css["--c-ink-soft"] == "#f2eaed"


@pytest.mark.parametrize(("pages", "notes"), [(4, 0), (5, 3), (6, 2), (7, 1), (8, 0), (19, 1)])
def test_notes_pages_pad_to_a_multiple_of_four(pages: int, notes: int) -> None:
    assert booklet.notes_needed(pages) == notes


def test_contents_lists_parts_chapters_and_the_reflections_page() -> None:
    charter = load(SOURCES / "ballerup.yaml").charter
    entries = booklet_context.contents(charter, {"introduction": "Indledning", "my_reflections": "Mine"})
    targets = [e.target for e in entries]
    assert targets[:2] == ["intro", "god-ledelse"]
    assert targets.index("ramme-og-principper") == targets.index("princip-1") - 1
    assert (
        entries[targets.index("ramme-og-principper")].label == "Ledelsesmæssig ramme og principper"
    )
    assert targets[-2:] == ["styring", booklet_context.MINE_ID]
    ishoej = load(SOURCES / "ishoej.yaml").charter
    entries = booklet_context.contents(ishoej, {"introduction": "Indledning", "my_reflections": "Mine"})
    targets = [e.target for e in entries]
    assert targets[:3] == ["intro", "formaal", "god-ledelse"]  # no values panel (issue 20)
    assert booklet_context.VALUES_ID not in targets


def test_bookmark_names_join_kicker_and_title_in_sentence_case() -> None:
    assert (
        booklet_context.join_label("ROLLEN", "det personlige lederskab")
        == "Rollen – det personlige lederskab"
    )
    assert booklet_context.join_label("God ledelse", "Hvad er god ledelse?") == "Hvad er god ledelse?"
    assert booklet_context.join_label(None, "STYRING") == "Styring"


def test_the_print_variant_has_a_bleed_and_the_screen_variant_none() -> None:
    source = load(PADDING)
    assert "bleed: 3mm" in booklet.booklet_html(source, "print")
    assert "bleed: 3mm" not in booklet.booklet_html(source, "screen")


def test_a_logo_is_shown_with_its_alt_text() -> None:
    source = load(PADDING)
    theme = source.charter.theme.model_copy(update={"logo": Logo(file="logo.png", alt="Byvåben")})
    charter = source.charter.model_copy(update={"theme": theme})
    logo = DATA / "logo.png"
    source = dataclasses.replace(source, charter=charter, images={"logo.png": logo})
    html = booklet.booklet_html(source, "screen")
    assert f'<img class="cover-logo" src="{logo.as_uri()}" alt="Byvåben">' in html


def test_an_untitled_first_front_passage_is_headed_introduction() -> None:
    labels = {"introduction": "Indledning"}
    untitled = Passage(id="intro", body=(Block(text="Tekst."),))
    assert booklet_context.passage_name(untitled, True, labels) == "Indledning"
    assert booklet_context.passage_name(untitled, False, labels) is None


def test_a_heading_at_the_foot_of_a_page_is_reported() -> None:
    html = (
        "<html lang=da><style>@page { size: A6; margin: 10mm } h3 { margin: 0 }</style>"
        "<div style='height: 118mm'>x</div><h3 style='break-after: auto'>Stranded</h3><p>Text on the next page.</p></html>"
    )
    assert booklet_checks.layout_problems(to_document(html)) == (
        "page 1 ends with the heading 'Stranded'",
        "page 2 holds a single line",
    )


# --- The screen booklet: accessible PDF ---------------------------------------------------


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_the_screen_booklet_is_a_tagged_pdf_with_language_and_title(path: Path) -> None:
    meta = load(path).charter.meta
    screen, _, _ = built(path)
    root = screen.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == meta.language
    assert screen.metadata.title.startswith(meta.title)
    assert screen.metadata.author == (meta.author or meta.municipality)
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_the_screen_booklet_has_a_bookmark_for_every_chapter(path: Path) -> None:
    charter = load(path).charter
    labels = layouts.labels(charter.meta.language)
    screen, _, _ = built(path)
    titles = [item.title for item in screen.outline]
    for chapter in booklet_context.chapters(charter, labels):
        assert chapter.bookmark in titles
    if charter.reflection:
        assert charter.reflection.title in titles
    assert titles[0] in ("Indhold", "Contents")
    assert titles[-1] in ("Mine refleksioner", "My reflections")


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_every_text_of_the_source_copies_from_the_screen_booklet_as_words(path: Path) -> None:
    charter = load(path).charter
    text = " ".join(reading(products_of(path, "booklet")[f"{path.stem}-booklet.pdf"].data))
    text = text.replace("\u2010 ", "")  # a word hyphenated across a page turn
    missing = [t for t in source_texts(charter) if t not in text]
    assert missing == []


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_the_build_reports_no_blank_page_and_no_stranded_heading(path: Path) -> None:
    for product in products_of(path, "booklet").values():
        assert product.notes == ()


def test_building_a_booklet_logs_no_warning(no_warnings) -> None:
    booklet.make(load(ENGLISH), Options(products=("booklet",)))


def test_the_english_booklet_takes_its_fixed_words_from_the_english_labels() -> None:
    screen, _, _ = built(ENGLISH)
    text = " ".join(p.extract_text() for p in screen.pages)
    assert "Contents" in text and "My reflections" in text and "Indhold" not in text


# --- The print booklet --------------------------------------------------------------------


def box_mm(box: pypdf.generic.RectangleObject) -> tuple[float, ...]:
    return tuple(round(float(v) / MM, 2) for v in (box.left, box.bottom, box.right, box.top))


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_the_print_booklet_is_a5_with_a_3mm_bleed_and_a_multiple_of_four_pages(path: Path) -> None:
    _, printed, _ = built(path)
    assert len(printed.pages) % 4 == 0
    for page in printed.pages:
        x0, y0, x1, y1 = box_mm(page.trimbox)
        assert (round(x1 - x0, 1), round(y1 - y0, 1)) == (148.0, 210.0)
        assert box_mm(page.bleedbox) == (x0 - 3, y0 - 3, x1 + 3, y1 + 3)
        assert box_mm(page.mediabox) == box_mm(page.bleedbox)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_the_print_booklet_is_the_screen_booklet_plus_notes_pages_before_the_back_cover(
    path: Path,
) -> None:
    made = products_of(path, "booklet")
    screen = reading(made[f"{path.stem}-booklet.pdf"].data)
    printed = reading(made[f"{path.stem}-booklet-print.pdf"].data)
    notes = len(printed) - len(screen)
    assert notes == booklet.notes_needed(len(screen))
    assert printed[: len(screen) - 1] == screen[:-1]
    assert printed[-1] == screen[-1]
    assert all(page in ("NOTER", "NOTES") for page in printed[len(screen) - 1 : -1])


def test_a_small_charter_is_padded_with_two_notes_pages() -> None:
    screen, printed, _ = built(PADDING)
    assert (len(screen.pages), len(printed.pages)) == (6, 8)


def test_marks_grow_the_print_page_outside_the_bleed_and_leave_the_imposed_file_alone() -> None:
    _, printed, imposed = built(PADDING, marks=True)
    for page in printed.pages:
        media, bleed = box_mm(page.mediabox), box_mm(page.bleedbox)
        assert media[0] < bleed[0] and media[2] > bleed[2]
        assert box_mm(page.trimbox) == (0, 0, 148, 210)
    assert box_mm(imposed.pages[0].mediabox) == (0, 0, 297, 210)


def test_with_marks_the_colour_fields_stop_at_the_bleed() -> None:
    data = products_of(PADDING, "booklet", marks=True)["booklet-padding-booklet-print.pdf"].data
    page = pypdf.PdfReader(io.BytesIO(data)).pages[3]  # a chapter: its colour field is wide
    image = pypdfium2.PdfDocument(data)[3].render(scale=1).to_pil().convert("RGB")
    trim_left = float(page.trimbox.left - page.mediabox.left)
    band = round(float(page.mediabox.top - page.trimbox.top) + 15 * MM)
    outside, inside = round(trim_left - 4.5 * MM), round(trim_left - 1.5 * MM)
    assert image.getpixel((outside, band)) == (255, 255, 255)
    assert image.getpixel((inside, band)) != (255, 255, 255)


# --- The imposed booklet ------------------------------------------------------------------


def halves(data: bytes) -> list[tuple[str, str]]:
    """Return the text of the left and the right half of each sheet side."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [
            tuple(
                words(p.crop((x, 0, x + p.width / 2, p.height - 20 * MM)).extract_text())
                for x in (0, p.width / 2)
            )
            for p in pdf.pages
        ]


def numbers(data: bytes) -> list[tuple[int | None, int | None]]:
    """Read the page numbers (bold folios in the footer) off each half of each sheet side."""
    found = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            foot = page.crop((0, page.height - 20 * MM, page.width, page.height))
            pair: list[int | None] = [None, None]
            for word in foot.extract_words(extra_attrs=["fontname"]):
                if word["text"].isdigit() and "Bold" in word["fontname"]:
                    pair[int(word["x0"] >= page.width / 2)] = int(word["text"])
            found.append(tuple(pair))
    return found


def test_imposing_numbered_pages_gives_the_saddle_order() -> None:
    html = "<style>@page { size: A5; bleed: 3mm; margin: 0 } div { font: 90pt sans-serif }</style>"
    html += "".join(f"<div style='break-before: page'>{n}</div>" for n in range(1, 9))
    sides = booklet_imposed.impose(to_pdf(to_document(html)))
    read = [(int(left), int(right)) for left, right in halves(sides)]
    assert read == [(8, 1), (2, 7), (6, 3), (4, 5)]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_the_imposed_booklet_holds_the_print_pages_two_by_two_in_saddle_order(path: Path) -> None:
    made = products_of(path, "booklet")
    printed = reading(made[f"{path.stem}-booklet-print.pdf"].data)
    imposed = made[f"{path.stem}-booklet-imposed.pdf"].data
    reader = pypdf.PdfReader(io.BytesIO(imposed))
    assert len(reader.pages) == len(printed) // 2
    assert {box_mm(p.mediabox) for p in reader.pages} == {(0, 0, 297, 210)}
    order = saddle_order(len(printed))
    assert halves(imposed) == [(printed[left - 1], printed[right - 1]) for left, right in order]


def test_the_folios_read_off_the_imposed_sides_follow_the_saddle_order() -> None:
    # Pages 1, 2 and 8 are covers without a folio; the others carry theirs where they belong.
    imposed = products_of(PADDING, "booklet")["booklet-padding-booklet-imposed.pdf"].data
    assert numbers(imposed) == [(None, None), (None, 7), (6, 3), (4, 5)]


@pytest.mark.parametrize("slug", SLUGS)
def test_the_cover_carries_title_and_municipality_and_the_back_cover_the_contact(slug: str) -> None:
    meta = load(SOURCES / f"{slug}.yaml").charter.meta
    pages = reading(products_of(SOURCES / f"{slug}.yaml", "booklet")[f"{slug}-booklet.pdf"].data)
    assert meta.title in pages[0] and meta.municipality.upper() in pages[0]
    assert meta.municipality in pages[-1]
    if meta.contact and meta.contact.email:
        assert meta.contact.email in pages[-1]


def _questions_by_page(document) -> list[list[int]]:
    """Return, per page of a laid-out booklet, the numbers of the My reflections questions on it."""
    return [
        sorted(
            int(n.removeprefix(booklet_context.QUESTION_PREFIX))
            for n in page.anchors
            if n.startswith(booklet_context.QUESTION_PREFIX)
        )  # fmt: skip
        for page in document.pages
    ]


@pytest.mark.parametrize("count", range(3, 11))
def test_the_last_question_keeps_to_the_one_before_it_without_a_second_layout(
    tmp_path: Path, count: int, monkeypatch
) -> None:
    """Whatever the number of questions, the last page of My reflections holds two or more,
    and the screen booklet is laid out once (no chapter here spills)."""
    from support import english_charter, write

    data = english_charter(sections=1)
    commitments = data["sections"][0]["body"][0]["commitments"]
    commitments[:] = [
        {
            "text": f"We keep promise number {n + 1}.",
            "question": f"What did promise {n + 1} change?",
        }
        for n in range(count)
    ]
    layouts_made = []
    real = booklet._laid_out
    monkeypatch.setattr(
        booklet, "_laid_out", lambda *a, **k: layouts_made.append(1) or real(*a, **k)
    )
    # (fewer rules, tried where the print booklet is padded, are a test of their own)
    monkeypatch.setattr(booklet, "fewer_rules", lambda source, document, fit: (document, fit))
    document, fit = booklet.render_screen(load(write(tmp_path, "questions", data)))
    pages = [numbers for numbers in _questions_by_page(document) if numbers]
    assert sum(map(len, pages)) == count
    assert count - 1 in pages[-1] and count in pages[-1], pages
    assert booklet_checks.lone_questions(document) == []
    assert (len(layouts_made), fit.turns) == (1, frozenset())


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_the_screen_booklet_is_mended_in_one_more_layout_and_one_carry_at_most(path: Path, monkeypatch) -> None:
    layouts_made = []
    real = booklet._laid_out
    monkeypatch.setattr(
        booklet, "_laid_out", lambda *a, **k: layouts_made.append(1) or real(*a, **k)
    )
    trials = []  # the layouts that try fewer rules (where the print booklet is padded)
    real_fewer = booklet.fewer_rules

    def fewer(*args):
        before = len(layouts_made)
        found = real_fewer(*args)
        trials.append(len(layouts_made) - before)
        return found

    monkeypatch.setattr(booklet, "fewer_rules", fewer)
    document, fit = booklet.render_screen(load(path))
    mended = fit.tight or fit.turns or fit.settled != pages.UNSETTLED
    # one more for the mends; one more again where lines are carried onto a short last page
    # (copyfit: only after a chapter set closer still ends short); and at most two a number
    # of rules tried, two numbers at most (MINE_RULES - RULES_LEAST)
    [tried] = trials
    assert tried <= 2 * (booklet.MINE_RULES - booklet.RULES_LEAST)
    assert len(layouts_made) - tried == 1 + bool(mended) + bool(fit.carries)
    assert booklet.short_spills(document) == frozenset()
    assert copyfit.short_ends(document) == frozenset()
    assert booklet_checks.lone_questions(document) == []
