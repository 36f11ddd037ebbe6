"""The source format expresses a charter as it is written: named principles, several lists with
their own lead-ins, numbered lists, quotes, figures and a logo beside the source.

Everything is read back from the built PDFs: text and positions with pdfplumber, the tags of
the screen booklet from its structure tree (an element's text is the text of its marked content).
"""

from __future__ import annotations

import io
import re
import textwrap
from functools import cache
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from charterpress import project
from charterpress.__main__ import main
from charterpress.source.load import RawSource
from charterpress.source.schema import validate_source
from pdfplumber.structure import PDFStructElement, PDFStructTree
from support import DATA, load, pdfua_reports, products_of

PRINCIPLES = DATA / "format-principles.yaml"
BLOCKS = DATA / "format-blocks.yaml"


def pdf_of(path: Path, product: str) -> bytes:
    """Return the bytes of one product ('booklet', 'cards-print' …) of a test charter."""
    kind = product.split("-")[0]
    return products_of(path, kind)[f"{path.stem}-{product}.pdf"].data


def fold(text: str) -> str:
    """Drop soft hyphens, undo line-end hyphenation, fold white space."""
    text = re.sub(r"\u2010\s*\n\s*", "", text.replace("\u00ad", ""))
    return re.sub(r"\s+", " ", text).strip()


@cache
def tagged(data: bytes) -> list[tuple[str, str, str | None]]:
    """Return (tag, text, alt) of every structure element of a tagged PDF, in document order."""
    found: list[tuple[str, str, str | None]] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        chars = {n: pdf.pages[n - 1].chars for n in range(1, len(pdf.pages) + 1)}

        def mcids(element: PDFStructElement) -> set[int]:
            own = set(element.mcids or ())
            return own.union(*(mcids(c) for c in element.children))

        def walk(element: PDFStructElement, page: int | None) -> None:
            page = element.page_number or page
            ids = mcids(element)
            found.append((element.type, fold(_text(chars.get(page, ()), ids)), element.alt_text))
            for child in element.children:
                walk(child, page)

        for element in PDFStructTree(pdf):
            walk(element, None)
    return found


def _text(chars: list[dict], ids: set[int]) -> str:
    """Return the text of the marked content ``ids``, a line break where a line or a span ends."""
    out, last = [], None
    for char in chars:
        if char.get("mcid") not in ids:
            continue
        here = (char["mcid"], round(char["top"]))
        if last is not None and here != last:
            out.append("\n")
        out.append(char["text"])
        last = here
    return "".join(out)


def lists_with_labels(data: bytes) -> list[list[tuple[str, str]]]:
    """Return every tagged list as its items' (Lbl text, LBody text)."""
    elements = tagged(data)
    lists: list[list[tuple[str, str]]] = []
    for i, (tag, _, _) in enumerate(elements):
        if tag == "L":
            items: list[tuple[str, str]] = []
            label = None
            for inner, text, _ in elements[i + 1 :]:
                if inner == "L":
                    break
                if inner == "Lbl":
                    label = text
                elif inner == "LBody":
                    items.append((label or "", text))
                    label = None
                elif inner not in ("LI", "Span", "P", "Link", "NonStruct"):
                    break
            lists.append(items)
    return lists


def page_lines(data: bytes, number: int) -> list[tuple[str, float, str]]:
    """Return (text, top, font) of each line on a page, top to bottom."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[number - 1]
        return [
            (fold(line["text"]), line["top"], line["chars"][0]["fontname"])
            for line in page.extract_text_lines()
        ]


# --- A charter of named principles --------------------------------------------------------


def test_named_principles_are_one_chapter_of_titled_commitments() -> None:
    charter = load(PRINCIPLES).charter
    [section] = charter.sections
    titles = [c.title for c in section.commitments]
    assert titles == [
        "Trust first",
        "Clear direction",
        "Learning together",
        "Fairness",
        "Across boundaries",
        "Looking after ourselves",
    ]
    booklet = pdf_of(PRINCIPLES, "booklet")
    outline = [entry.title for entry in pypdf.PdfReader(io.BytesIO(booklet)).outline]
    assert outline == ["Contents", "Six principles for every manager", "My reflections"]
    # In the booklet each principle is one paragraph, opened by its name as a run-in heading.
    paragraphs = [text for tag, text, _ in tagged(booklet) if tag == "P"]
    for commitment in section.commitments:
        assert f"{commitment.title}. {fold(commitment.text)}" in paragraphs


def test_a_principles_card_has_its_name_as_the_headline_above_the_text() -> None:
    section = load(PRINCIPLES).charter.sections[0]
    deck = pdf_of(PRINCIPLES, "cards-print")
    assert len(pypdf.PdfReader(io.BytesIO(deck)).pages) == 2 * (1 + len(section.commitments))
    for n, commitment in enumerate(section.commitments, start=2):
        lines = page_lines(deck, 2 * n - 1)  # the front of card n
        texts = [text for text, _, _ in lines]
        assert texts[0].casefold() == "northbridge leadership principles"  # the band
        # the name in bold, on one line or two (a long name keeps its size and wraps, balanced)
        bold = [i for i, line in enumerate(lines) if i and "Bold" in line[2]]
        assert bold == list(range(1, len(bold) + 1)) and len(bold) <= 2, lines
        assert " ".join(texts[i] for i in bold) == commitment.title
        headline = bold[-1]
        assert texts[headline + 1 :][0].split()[0] == commitment.text.split()[0]
        body = " ".join(texts[headline + 1 :])
        assert fold(commitment.text) in body
        assert texts[-1] == f"{n}/7"


# --- One section, two lists with their own lead-ins ----------------------------------------


def test_a_section_with_two_lead_ins_prints_both_lists_in_order() -> None:
    section = load(BLOCKS).charter.sections[0]
    assert [b.lead for _, b in section.lists] == ["Vi bestræber os på:", "Ledelsesadfærden er at:"]
    booklet = pdf_of(BLOCKS, "booklet")
    texts = [text for tag, text, _ in tagged(booklet) if tag in ("P", "LBody")]
    start = texts.index("God ledelse er både det, vi stræber efter, og det, vi gør hver dag.")
    assert texts[start : start + 8] == [
        "God ledelse er både det, vi stræber efter, og det, vi gør hver dag.",
        "Vi bestræber os på:",
        "at skabe rammer for et godt arbejdsliv",
        "at give frivillige og ansatte de samme muligheder",
        "Ledelse er mere end gode hensigter.",
        "Ledelsesadfærden er at:",
        "tage ansvar for helheden",
        "give og bede om feedback",
    ]


def test_a_section_with_two_lead_ins_cards_every_item_once() -> None:
    section = load(BLOCKS).charter.sections[0]
    deck = pdf_of(BLOCKS, "cards-print")
    pages = len(pypdf.PdfReader(io.BytesIO(deck)).pages)
    assert pages == 2 * (1 + 5)
    fronts = [" ".join(t for t, _, _ in page_lines(deck, p)) for p in range(3, pages + 1, 2)]
    for commitment in section.commitments:
        assert sum(fold(commitment.front) in front for front in fronts) == 1, commitment.front
    for front, commitment in zip(fronts, section.commitments, strict=True):
        assert fold(commitment.front) in front
        assert front.casefold().startswith("god ledelse i foreningen")  # the band


# --- Numbered lists, quotes, figures, logo: text and tags ---------------------------------


def test_quote_figure_and_numbered_lists_are_tagged_as_such() -> None:
    booklet = pdf_of(BLOCKS, "booklet")
    elements = tagged(booklet)
    quotes = [text for tag, text, _ in elements if tag == "BlockQuote"]
    assert quotes == ["Vi lykkes kun, når vi lykkes sammen. Formand Anne Hansen"]
    figures = [alt for tag, _, alt in elements if tag == "Figure"]
    logo = "Foreningens logo, et gult kvadrat og en hvid cirkel på blå bund"
    # the cover's logo, the figure, the back cover's logo (a Figure needs its alt under PDF/UA)
    assert figures == [logo, "Tre cirkler, blå, gul og grøn, forbundet af to streger", logo]
    captions = [text for tag, text, _ in elements if tag == "Caption"]
    assert captions == ["Figur 1. Bestyrelse, sekretariat og medlemmer hænger sammen."]
    headings = [text for tag, text, _ in elements if tag == "H3"]
    assert "Vores værdier" in headings
    lists = lists_with_labels(booklet)
    assert ["fællesskab", "ansvar", "åbenhed"] in [[body for _, body in items] for items in lists]
    assert [
        ("1.", "understøtte dialogen om god ledelse"),
        ("2.", "sætte retning for lederudviklingen"),
        ("3.", "gøre det tydeligt, hvad medlemmerne kan forvente"),
    ] in lists
    assert [
        ("1.", "tage ansvar for helheden"),
        ("2.", "give og bede om feedback"),
        ("3.", "holde fast i det aftalte"),
    ] in lists


def test_quote_figure_caption_and_numbers_are_on_the_page() -> None:
    booklet = pdf_of(BLOCKS, "booklet")
    with pdfplumber.open(io.BytesIO(booklet)) as pdf:
        text = fold(" ".join(page.extract_text() for page in pdf.pages))
        images = sum(len(page.images) for page in pdf.pages)
    assert "Vi lykkes kun, når vi lykkes sammen. Formand Anne Hansen" in text
    assert "Figur 1. Bestyrelse, sekretariat og medlemmer hænger sammen." in text
    panel = text[text.index("Vores værdier") :][:60]
    assert all(f"■ {value}" in panel for value in ("fællesskab", "ansvar", "åbenhed")), panel
    assert "1. understøtte dialogen om god ledelse 2. sætte retning" in text
    assert "1. tage ansvar for helheden 2. give og bede om feedback" in text
    assert images == 3  # the logo on the cover and the back cover, and the figure


# --- Images are checked by `check`, each at its line ---------------------------------------

LOGO_SOURCE = """\
meta:
  municipality: Testrup Kommune
  title: Ledelsesgrundlag
theme:
  logo:
    file: {file}
    alt: Byvåben
sections:
  - id: rollen
    title: Rollen
    body:
      - commitments:
          - text: er bevidst om mine roller
            question: Hvilken rolle fylder mest for dig?
      - figure: {figure}
        alt: En figur
"""


def check(file: str, figure: str = "figure.png", folder: Path = DATA) -> list[str]:
    """Return the problem lines of a source in ``folder`` naming the logo ``file``."""
    text = LOGO_SOURCE.format(file=file, figure=figure)
    raw = RawSource("tests/data/x.yaml", "x", text.encode(), folder=folder)
    source, problems = validate_source(raw)
    assert (source is None) == bool(problems)
    return [str(p) for p in problems]


def test_a_logo_beside_the_source_is_found() -> None:
    assert check("logo.png") == []
    source, _ = validate_source(
        RawSource("x.yaml", "x", LOGO_SOURCE.format(file="logo.png", figure="figure.png").encode(),
                  folder=DATA)
    )  # fmt: skip
    assert source.images == {"logo.png": DATA / "logo.png", "figure.png": DATA / "figure.png"}


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            "missing.png",
            "no image 'missing.png' next to the source (looked for tests/data/missing.png)",
        ),
        (
            "format-blocks.yaml",
            "'format-blocks.yaml' is not named as a PNG, JPEG, GIF, WebP or SVG image",
        ),
        ("logo.png/..", "'logo.png/..' is not named as a PNG, JPEG, GIF, WebP or SVG image"),
        ("../../../etc/hostname", "'../../../etc/hostname' lies outside the project"),
        ("https://example.com/logo.png", "'https://example.com/logo.png' is a URL"),
        (".", "'.' is not named as a PNG, JPEG, GIF, WebP or SVG image"),
    ],
)
def test_a_bad_logo_is_a_check_error_at_its_line(file: str, message: str) -> None:
    [problem] = check(file)
    assert problem.startswith("tests/data/x.yaml:6:11: theme.logo.file: " + message), problem


def test_a_bad_figure_is_a_check_error_at_its_line() -> None:
    assert check("logo.png", figure="nowhere.png") == [
        "tests/data/x.yaml:15:17: sections[0].body[1].figure: no image 'nowhere.png' next to "
        "the source (looked for tests/data/nowhere.png)"
    ]


def test_the_check_command_reports_a_missing_logo_with_its_line(
    tmp_path, monkeypatch, capsys
) -> None:
    source = tmp_path / "sources" / "x.yaml"
    source.parent.mkdir()
    source.write_text(LOGO_SOURCE.format(file="logo.png", figure="figure.png"), encoding="utf-8")
    (tmp_path / "sources" / "figure.png").write_bytes((DATA / "figure.png").read_bytes())
    monkeypatch.chdir(tmp_path)
    try:
        code = main(["check"])
    finally:
        project.use(None)
    assert code == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "sources/x.yaml:6:11: theme.logo.file: no image 'logo.png' next to the source "
        "(looked for sources/logo.png)"
    ]


def test_a_logo_is_checked_relative_to_the_source_not_the_working_directory(tmp_path) -> None:
    text = textwrap.dedent(LOGO_SOURCE.format(file="logo.png", figure="figure.png"))
    elsewhere = validate_source(RawSource("x.yaml", "x", text.encode(), folder=tmp_path))[1]
    assert [p.path for p in elsewhere] == ["theme.logo.file", "sections[0].body[1].figure"]


def test_every_band_of_a_deck_is_set_alike() -> None:
    """Spaced capitals for a deck of short labels, plain lines for all when one label is long:
    a deck never switches between the two from card to card."""
    from charterpress.layout.templates import labels
    from charterpress.products.cards import deck as cards
    from charterpress.products.cards import faces as card_faces
    from support import SOURCES

    charter = load(SOURCES / "glostrup.yaml").charter
    # a deck whose bands are all short: each chapter's kicker ('ROLLEN')
    short = tuple(s.model_copy(update={"band": s.kicker}) for s in charter.sections)
    organisation = charter.organisation.model_copy(update={"band": charter.organisation.kicker})
    charter = charter.model_copy(update={"sections": short, "organisation": organisation})
    words = labels("da")
    assert card_faces.band_style(cards.deck(charter, words)) == "kicker"
    first = charter.sections[0].model_copy(update={"band": "Rollen – det personlige lederskab"})
    mixed = charter.model_copy(update={"sections": (first, *charter.sections[1:])})
    deck = cards.deck(mixed, words)
    assert deck[1].label == "Rollen – det personlige lederskab"
    assert card_faces.band_style(deck) == "theme"


def test_the_docs_state_every_limit_of_the_model() -> None:
    from charterpress.source import load as loader
    from charterpress.source import model
    from support import ROOT

    docs = (ROOT / "docs" / "source-format.md").read_text(encoding="utf-8")
    limits = docs[docs.index("| What | Limit | Fields |") :].split("\n\n")[0]
    stated = {int(n.replace(",", "")) for n in re.findall(r"\b\d[\d,]*\b", limits)}
    for name in (
        "TEXT_MAX", "PARAGRAPH_MAX", "ID_MAX", "SECTIONS_MAX", "COMMITMENTS_MAX",
        "CHARTER_COMMITMENTS_MAX", "BLOCKS_MAX", "PASSAGES_MAX", "FILE_MAX",
    ):  # fmt: skip
        assert getattr(model, name) in stated, name
    assert f"{loader.MAX_SOURCE_BYTES:,} bytes" in docs
    assert f"{loader.MAX_DEPTH} levels" in docs


def test_the_new_blocks_keep_the_screen_booklet_pdfua(tmp_path) -> None:
    """pdfua (an independent checker) finds nothing in a booklet with every new kind of block."""
    files = []
    for path in (BLOCKS, PRINCIPLES):
        files.append(tmp_path / f"{path.stem}.pdf")
        files[-1].write_bytes(pdf_of(path, "booklet"))
    reports = pdfua_reports(files)
    assert len(reports) == 2
    assert all(r["findings"] == [] and r["summary"]["rules_run"] >= 10 for r in reports), reports


def test_a_bad_logo_is_reported_with_the_other_problems_at_once() -> None:
    text = LOGO_SOURCE.format(file="missing.png", figure="figure.png").replace(
        "question: Hvilken rolle fylder mest for dig?", "question: Hvilken rolle fylder mest."
    )
    source, problems = validate_source(RawSource("x.yaml", "x", text.encode(), folder=DATA))
    assert source is None
    assert [(p.line, p.path) for p in problems] == [
        (6, "theme.logo.file"),
        (14, "sections[0].body[0].commitments[0].question"),
    ]
