"""Booklet pages: part openers on one page, bands of one depth, no paragraph ending on a fragment.

The checks are read from WeasyPrint's layout at build time (builder/pages.py, build notes); the
tests here read the built PDFs as a reader sees them, and lay out charters made to be hard.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pdfplumber
import pytest
import yaml
from charterpress import project
from charterpress.layout import tree
from charterpress.layout.render import to_document
from charterpress.products.booklet import checks as booklet_checks
from charterpress.products.booklet import handbook as booklet
from charterpress.products.booklet import pages
from support import DATA, SOURCES, load, products_of

MM = 72 / 25.4
ENGLISH = DATA / "booklet-english.yaml"
BOOKLETS = [*sorted(SOURCES.glob("*.yaml")), DATA / "unlike-the-five.yaml", ENGLISH]
THEMES = project.themes()
SENTENCE = (
    "Every part of this organisation answers to the people it serves, and the leaders who guide "
    "its work carry that answer into each decision, each meeting and each conversation."
)


def _charter(tmp_path: Path, theme: str, change) -> Path:
    """Write the English test charter in ``theme``, changed by ``change(data)``, and return it."""
    data = yaml.safe_load(ENGLISH.read_text(encoding="utf-8"))
    data["theme"]["name"] = theme
    change(data)
    path = tmp_path / f"hard-{theme}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@dataclass(frozen=True)
class Read:
    """One page of a built PDF as pdfplumber reads it: what the checks below look at."""

    width: float
    height: float
    lines: tuple[tuple[str, float], ...]
    """Each text line (``extract_text_lines``) with its bottom (pt from the page's top)."""
    fills: tuple[tuple[float, float, float, float, float], ...]
    """Each filled rectangle: x0, x1, top, width, height."""
    sizes: tuple[float, ...]
    """The size of every character that is not a space."""


@cache
def _read(data: bytes) -> tuple[Read, ...]:
    """Return the pages of a PDF, read once per process: the seven booklets' two PDFs are read
    by four tests each (pdfplumber's text lines are most of this file's time)."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return tuple(
            Read(
                float(page.width),
                float(page.height),
                tuple((line["text"], line["bottom"]) for line in page.extract_text_lines()),
                tuple(
                    (r["x0"], r["x1"], r["top"], r["width"], r["height"])
                    for r in page.rects
                    if r.get("fill")
                ),
                tuple(c["size"] for c in page.chars if c["text"].strip()),
            )
            for page in pdf.pages
        )


def _part_pages(document) -> int:
    return sum(tree.page_type(page) == "part" for page in document.pages)


# --- A paragraph never ends on a hyphenated fragment -------------------------------------------


def test_a_paragraph_that_ends_on_a_hyphenated_fragment_is_noted() -> None:
    html = (
        "<html lang=da><style>@page { size: A6; margin: 10mm } "
        "p { width: 30mm; hyphens: manual; font: 12pt/16pt serif }</style>"
        "<p>Vi har forbedrings\u00adkultur.</p><p>It is self-evident.</p>"
        "<p>A whole last line here.</p></html>"
    )
    problems = booklet_checks.layout_problems(to_document(html))
    assert problems == (
        "page 1: a paragraph ends on the hyphenated fragment 'forbedrings\u2010/kultur.'",
        "page 1: a paragraph ends on the hyphenated fragment 'self-/evident.'",
    )


def _fragments(data: bytes) -> list[tuple[int, str, str]]:
    """Return (page, line, next line) where a line ends on a broken word and the next line,
    the paragraph's last, holds only the word's tail."""
    found = []
    for number, page in enumerate(_read(data), 1):
        lines = [text.strip() for text, _ in page.lines]
        for before, last in zip(lines, lines[1:], strict=False):
            broken = before.endswith(("\u2010", "\u00ad")) or (
                before.endswith("-") and before[-2:-1].isalpha()
            )
            if broken and last and " " not in last:
                found.append((number, before, last))
    return found


@pytest.mark.parametrize("path", BOOKLETS, ids=lambda p: p.stem)
def test_no_paragraph_of_a_built_booklet_ends_on_a_hyphenated_fragment(path: Path) -> None:
    made = products_of(path, "booklet")
    for name in (f"{path.stem}-booklet.pdf", f"{path.stem}-booklet-print.pdf"):
        assert _fragments(made[name].data) == [], name
        assert not [n for n in made[name].notes if "fragment" in n]


def _headings(path: Path) -> set[str]:
    """Return the texts of a charter set as headings or lead-ins to what follows (lower case).

    Chapter titles open a page in a band; the contents and the part pages list them."""
    charter = load(path).charter
    parts = (*charter.sections, *([charter.organisation] if charter.organisation else []))
    passages = (*charter.front, *charter.back, *(s.preface for s in parts if s.preface))
    blocks = [b for p in passages for b in p.body] + [b for s in parts for b in s.body]
    found = {b.heading for b in blocks if b.heading} | {b.lead for b in blocks if b.lead}
    found |= {b.panel for b in blocks if b.kind == "panel"}
    found |= {p.title for p in passages if p.title}
    if charter.reflection:
        found |= {g.title for g in charter.reflection.groups}
    return {" ".join(text.split()).lower() for text in found}


@pytest.mark.parametrize("path", BOOKLETS, ids=lambda p: p.stem)
def test_no_page_of_a_built_booklet_ends_on_a_heading(path: Path) -> None:
    headings = _headings(path)
    made = products_of(path, "booklet")
    for name in (f"{path.stem}-booklet.pdf", f"{path.stem}-booklet-print.pdf"):
        for number, page in enumerate(_read(made[name].data)[1:-1], 2):
            foot = page.height - (page.height - 210 * MM) / 2 - 15 * MM
            lines = [" ".join(text.split()).lower() for text, bottom in page.lines if bottom <= foot]
            if not lines or number == 2:  # the inside cover: a colophon may end on anything
                continue
            last = lines[-1].rstrip("\u2010")
            stranded = [h for h in headings if h == last or (" " in last and h.endswith(last))]
            assert not stranded, (name, number, last)


@pytest.mark.parametrize("path", BOOKLETS, ids=lambda p: p.stem)
def test_the_build_checks_the_screen_and_the_print_booklet(path: Path) -> None:
    # Headings at a page foot, single lines and questions, fragments, long part pages: the build
    # notes them for both laid-out variants; a booklet in sources/ has none.
    made = products_of(path, "booklet")
    assert made[f"{path.stem}-booklet.pdf"].notes == ()
    assert made[f"{path.stem}-booklet-print.pdf"].notes == ()


# --- Part openers ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", BOOKLETS, ids=lambda p: p.stem)
def test_every_coloured_page_inside_a_built_booklet_is_an_opener(path: Path) -> None:
    # A part page is an opener (its title, text and chapters), never a colour field with only
    # the end of a list or of a text on it: every coloured page inside the booklet carries its
    # title (or an untitled part's statement) in display type.
    made = products_of(path, "booklet")
    for name in (f"{path.stem}-booklet.pdf", f"{path.stem}-booklet-print.pdf"):
        for number, page in enumerate(_read(made[name].data)[1:-1], 2):
            field = any(
                width >= page.width * 0.9 and height >= page.height * 0.9
                for _, _, _, width, height in page.fills
            )
            if field:
                text = [line for line, _ in page.lines]
                assert page.sizes and max(page.sizes) >= 14, (name, number, text)


def _long_preface(paragraphs: int, chapters: int):
    def change(data: dict) -> None:
        preface = data["sections"][0]["preface"]
        preface["title"] = "The framework we lead by and the principles we work to every day"
        body = [SENTENCE * 2, {"heading": "Social capital"}, {"items": ["trust", "fairness"]}]
        preface["body"] = body + [SENTENCE * 3] * paragraphs
        first = data["sections"][0]
        for n in range(chapters):
            extra = {**copy.deepcopy(first), "id": f"extra-{n}", "kicker": f"PRINCIPLE {n + 2}"}
            extra.pop("preface")
            extra["title"] = f"What the principle number {n + 2} asks of every leader we have"
            data["sections"].insert(1, extra)

    return change


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize(
    ("paragraphs", "chapters", "apart"),
    [(1, 12, False), (12, 3, True)],
    ids=["many-chapters", "long-introduction"],
)
def test_a_part_opener_stays_on_one_page(tmp_path, theme, paragraphs, chapters, apart) -> None:
    path = _charter(tmp_path, theme, _long_preface(paragraphs, chapters))
    source = load(path)
    document, fit = booklet.render_screen(source)
    assert _part_pages(document) == 1
    # The case is hard: as designed, the opener spilled (render_screen's first layout), so it
    # was stepped down (``settled``: a part is settled only when its opener ran past its page).
    (part, step), *_ = fit.settled.parts
    assert pages.PART_STEPS[step].apart == apart
    assert booklet_checks.page_notes(source, document, "booklet") == ()
    # The opener keeps its title; an introduction set apart runs on white pages after it.
    opener = next(p for p in document.pages if tree.page_type(p) == "part")
    text = " ".join(t for _, t in booklet_checks._lines(tree.page_box(opener)))
    assert "framework" in text
    intro = [p for p in document.pages if tree.elements(tree.page_box(p), "part-intro")]
    assert len(intro) >= (2 if apart else 0) and not (intro and not apart)
    assert all(tree.page_type(p) != "part" for p in intro)


def test_a_booklet_whose_openers_and_bands_fit_asks_for_no_more_layout() -> None:
    source = load(ENGLISH)
    document = booklet.render_booklet(source, "screen")
    assert _part_pages(document) == 1
    assert pages.settle(document, booklet_checks.part_ids(source.charter)) == pages.UNSETTLED


# --- Chapter bands ----------------------------------------------------------------------------


def _very_long_title(data: dict) -> None:
    data["sections"][1]["title"] = (
        "LEADING PEOPLE WHEN MANY WOMEN AND MEN MOVE WITH MOMENTUM THROUGH WIDE WORKING "
        "WORLDS WE MAKE MEANINGFUL TOGETHER"
    )


@pytest.mark.parametrize("theme", THEMES)
def test_a_very_long_chapter_title_deepens_every_band(tmp_path: Path, theme: str) -> None:
    source = load(_charter(tmp_path, theme, _very_long_title))
    document, fit = booklet.render_screen(source)
    heights = [height for _, height in pages.band_heights(document)]
    assert len(heights) >= 4
    assert max(heights) - min(heights) < 0.1, heights


def _band_heights(data: bytes) -> set[float]:
    """Return the depths (mm) of the colour fields that run across a page's top edge (on each
    page, the deepest: a theme's rule under the band is drawn as fields of its own)."""
    found = set()
    for page in _read(data):
        heights = [
            height
            for x0, x1, top, _, height in page.fills
            if x0 <= 1 and x1 >= page.width - 1 and top <= 1 and height < page.height / 2
        ]
        if heights:
            found.add(round(max(heights) / MM, 1))
    return found


COLOURED_BANDS = [
    p for p in BOOKLETS if load(p).charter.theme.name not in {"classic", "tide"}
]
"""The booklets whose chapter bands are coloured fields (classic's and tide's are not: they open
on white, and their bands are covered by the layout tests above)."""


@pytest.mark.parametrize("path", COLOURED_BANDS, ids=lambda p: p.stem)
def test_every_coloured_chapter_band_of_a_built_booklet_has_one_depth(path: Path) -> None:
    data = products_of(path, "booklet")[f"{path.stem}-booklet.pdf"].data
    assert len(_band_heights(data)) == 1, _band_heights(data)


def test_an_untitled_introduction_too_long_for_its_opener_runs_on_white_pages(tmp_path) -> None:
    # Without a title, an opener holding only the list of chapters would be a coloured page of a
    # few lines: the introduction is set as running text instead, and no part page is left.
    def change(data: dict) -> None:
        data["sections"][0]["preface"].pop("title")
        data["sections"][0]["preface"]["body"] = [SENTENCE * 3] * 5

    source = load(_charter(tmp_path, "civic", change))
    assert _part_pages(booklet.render_booklet(source, "screen")) > 1
    document, fit = booklet.render_screen(source)
    assert _part_pages(document) == 0
    assert [p for p in document.pages if tree.elements(tree.page_box(p), "part-intro")]
    assert booklet_checks.page_notes(source, document, "booklet") == ()
