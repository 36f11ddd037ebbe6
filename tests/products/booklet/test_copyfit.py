"""Copyfitting (issue 20): no stray pages, one band depth near the house's 45 mm, a book's measure.

Measured on the built screen booklets of the five charters and of a charter unlike them, with
pdfplumber and pypdf; the carrying rule itself on small trees of elements.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement

import pdfplumber
import pypdf
import pytest
from charterpress.errors import BuildError
from charterpress.layout import templates
from charterpress.products.booklet import context as booklet_context
from charterpress.products.booklet import copyfit
from support import ROOT, SOURCES, load, products_of

UNLIKE = ROOT / "tests" / "data" / "unlike-the-five.yaml"
CHARTERS = [*sorted(SOURCES.glob("*.yaml")), UNLIKE]
MM = 72 / 25.4
HEAD_MM, FOOT_MM = 14, 16
"""Running heads and folios lie outside these distances from the trim: they are not lines of text."""


def _starts(reader: pypdf.PdfReader) -> list[tuple[int, str]]:
    """Return (page index, title) of every bookmark, in page order."""
    found: list[tuple[int, str]] = []

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((reader.get_destination_page_number(item), item.title))

    walk(reader.outline)
    return sorted(found)


def _text_lines(page: pdfplumber.page.Page) -> int:
    height = float(page.height)
    return len(
        {
            round(c["top"])
            for c in page.chars
            if HEAD_MM * MM < c["top"] < height - FOOT_MM * MM and c["text"].strip()
        }
    )


@pytest.mark.parametrize("path", CHARTERS, ids=lambda p: p.stem)
def test_no_page_a_chapter_runs_onto_holds_fewer_than_seven_lines(path: Path) -> None:
    """A page that continues a bookmarked part (a chapter, the contents, a passage) holds at
    least seven lines of text; its first page may be short (a chapter's designed end). The pages
    of My reflections are writing space (a question and its answer field each) and are left out;
    so is the back cover."""
    source = load(path)
    pdf = products_of(path, "booklet")[f"{source.slug}-booklet.pdf"].data
    mine = str(templates.labels(source.charter.meta.language)["my_reflections"])
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    starts = _starts(reader)
    short = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for first, title in starts:
            if title == mine:
                continue
            after = [page for page, _ in starts if page > first]
            end = min(after) if after else len(document.pages) - 1
            for index in range(first + 1, end):
                lines = _text_lines(document.pages[index])
                if lines < copyfit.MIN_LINES:
                    short.append((index + 1, title, lines))
    assert not short, f"pages (number, part, lines) with fewer than 7 lines: {short}"


@pytest.mark.parametrize("path", sorted(SOURCES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_chapter_band_is_one_depth_near_the_house_45_mm(path: Path) -> None:
    """The colour field at the top of each chapter page (a full-width rectangle from the trim's
    top) is one depth in the whole booklet, 44 to 50 mm (Glostrup's were 70.7, Gladsaxe's 60.9).
    A theme with no colour field (classic, tide) draws none, column a strip: their bands are
    measured in test_look."""
    source = load(path)
    pdf = products_of(path, "booklet")[f"{source.slug}-booklet.pdf"].data
    depths = set()
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        width = float(document.pages[0].width)
        for page in document.pages[2:-1]:  # not the covers, which are fields whole
            bottoms = [
                rect["bottom"]
                for rect in page.rects
                if rect["x0"] <= 0.5 and rect["x1"] >= width - 0.5 and rect["top"] <= 0.5
                and rect["bottom"] < float(page.height) / 2
            ]  # the field and a theme's rule under it (signal's accent), drawn from the top
            if bottoms:
                depths.add(round(max(bottoms) / MM, 1))
    assert len(depths) <= 1, depths  # one depth (test_look measures themes without a field)
    fields = [depth for depth in depths if depth > 20]  # not a theme's strip (column's 10 mm)
    assert all(44.0 <= depth <= 50.0 for depth in fields), fields


def test_band_depth_is_the_house_depth_unless_a_title_needs_more() -> None:
    source = load(SOURCES / "glostrup.yaml")
    labels = templates.labels("da")
    found = booklet_context.chapters(source.charter, labels)
    depth = booklet_context.band_depth(found, labels)  # a kicker and two lines of title, generously
    assert booklet_context.BAND_MM <= depth <= 50
    short = [dataclasses.replace(c, kicker=None) for c in found[:1]]
    assert booklet_context.band_depth(short, labels) == booklet_context.BAND_MM
    long = found[0].section.model_copy(update={"title": "A title " * 12, "headline": None})
    deeper = [dataclasses.replace(found[0], section=long), *found[1:]]
    assert booklet_context.band_depth(deeper, labels) > depth + 7  # a third line of 18 pt


BOX_FOOT_MM = 12
"""A tinted box ends this close under its last line of text at most (its padding, an item's margin)."""


@pytest.mark.parametrize("path", CHARTERS, ids=lambda p: p.stem)
def test_no_tinted_box_runs_on_empty_to_the_page_foot(path: Path) -> None:
    """A box drawn behind text (a list's tint, a quote's panel) ends under its last line: where
    copyfit carries a list's last items onto the next page, the box of those left behind closes
    (a box broken across a page would fill the page to its foot). Read from the filled
    rectangles of the screen booklet that hold text, a chapter's full-width band left out."""
    data = products_of(path, "booklet")[f"{load(path).slug}-booklet.pdf"].data
    found, boxes = [], 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages[1:-1], 2):  # the covers are colour fields
            width = float(page.width)
            for rect in page.rects:
                if not rect.get("fill") or rect["width"] > 0.9 * width or rect["height"] < 10 * MM:
                    continue
                if rect["top"] < HEAD_MM * MM:  # a field from the trim (a band, a column)
                    continue
                inside = [
                    c for c in page.chars
                    if c["text"].strip()
                    and rect["x0"] <= c["x0"] <= rect["x1"]
                    and rect["top"] <= c["top"] <= rect["bottom"]
                ]
                if not inside:
                    continue
                boxes += 1
                gap = (rect["bottom"] - max(c["bottom"] for c in inside)) / MM
                if gap > BOX_FOOT_MM:
                    found.append((number, round(rect["top"] / MM), round(gap, 1)))
    assert boxes, "no tinted box to measure"
    assert not found, f"(page, box top mm, empty mm under its text): {found}"


# --- The carrying rule --------------------------------------------------------------------


def _chapter() -> tuple[Element, dict[str, Element]]:
    root = Element("html")
    body = SubElement(root, "body")
    section = SubElement(body, "section", id="ch")
    head = SubElement(section, "header")
    SubElement(head, "h2")
    run = SubElement(section, "div", {"class": "body"})
    named = {"p1": SubElement(run, "p"), "lead": SubElement(run, "p", {"class": "lead"})}
    items = SubElement(section, "ul")
    named.update({f"li{i}": SubElement(items, "li") for i in range(1, 4)})
    return root, named


def _carry(tail: list, before: list, root: Element, first: bool = False):
    places = copyfit._places(root)
    parents = {child: parent for parent in root.iter() for child in parent}
    return copyfit._carry(tail, before, first, places, parents)


def test_a_paragraph_across_the_break_leaves_fewer_lines_behind() -> None:
    root, e = _chapter()
    before = [e["p1"]] * 20 + [e["li1"]] * 10
    tail = [e["li1"]] * 2 + [e["li2"]] * 1  # 3 lines: 4 are needed
    name, index, css = _carry(tail, before, root)
    assert (name, css) == ("ch", "widows: 6")  # the item's 2 lines on the tail, and 4 more
    assert [el for i, el in enumerate(root.find(".//section").iter()) if i == index] == [e["li1"]]


def test_whole_blocks_start_the_page_with_the_lead_in_before_them() -> None:
    root, e = _chapter()
    before = [e["p1"]] * 20 + [e["lead"]] + [e["li1"]] * 3
    tail = [e["li2"]] * 2 + [e["li3"]] * 2  # 4 lines: 3 more needed, li1 gives them
    carry = _carry(tail, before, root)
    assert carry is not None and carry[2] == "break-before: page"
    elements = list(root.find(".//section").iter())
    # li1 is the first item: its list (ul) starts where it starts; the lead-in before it goes too
    assert elements[carry[1]] is e["lead"]


def test_nothing_is_carried_when_the_page_before_cannot_spare_the_lines() -> None:
    root, e = _chapter()
    before = [e["p1"]] * 6 + [e["li1"]] * 6  # a page that continues the chapter: it keeps 7
    tail = [e["li2"]] * 2  # 5 more needed: the item's 6 lines would leave the page 6
    assert _carry(tail, before, root) is None
    # the chapter's first page may be left short: it carries its band
    assert _carry(tail, before, root, first=True) is not None


def test_a_carry_is_set_on_its_element_and_kept_with_its_own_style() -> None:
    root, e = _chapter()
    e["li2"].set("style", "color: red")
    index = list(root.find(".//section").iter()).index(e["li2"])
    copyfit.apply(root, {("ch", index, "widows: 4")})
    assert e["li2"].get("style") == "color: red; widows: 4"


@pytest.mark.parametrize("tag", ["ul", "ol"])
def test_an_item_that_starts_the_page_takes_the_rest_of_its_list_into_a_box_of_its_own(tag) -> None:
    """The list's box (its tint and rule) closes at the item before: one broken across the page
    would run on, empty, to the page's foot. A numbered list numbers on; addresses stay."""
    root, e = _chapter()
    listed = root.find(".//ul")
    listed.tag = tag
    listed.set("class", "commitments")
    listed.set("id", "only-once")
    section = root.find(".//section")
    before = [(i, el) for i, el in enumerate(section.iter())]
    index = list(section.iter()).index(e["li2"])
    made = {("ch", index, "break-before: page")}
    copyfit.apply(root, made)
    first, rest = section.findall(tag)
    assert list(first) == [e["li1"]] and list(rest) == [e["li2"], e["li3"]]
    assert rest.get("class") == "commitments" and rest.get("id") is None
    assert rest.get("style") == "break-before: page" and e["li2"].get("style") is None
    assert rest.get("start") == ("2" if tag == "ol" else None)
    assert copyfit.CARRIED in rest.attrib
    # every element keeps its address (the carried part is not counted), so the carries found
    # on this tree apply to a fresh one alike, and again to this one without a second split
    places = copyfit._places(root)
    assert [(places[id(el)][1], el) for _, el in before] == before
    copyfit.apply(root, made)
    assert len(section.findall(tag)) == 2


# --- The measure --------------------------------------------------------------------------


def test_a_theme_sets_its_text_column_and_a_bad_one_is_named(monkeypatch) -> None:
    assert booklet_context.text_mm("classic") == 105.0
    assert booklet_context.margins(105.0) == {"outer": 20.0, "inner": 23.0}
    assert booklet_context.margins(booklet_context.TEXT_WIDTH_MM) == booklet_context.MARGIN_MM
    for bad in ("wide", 300, True, None):
        monkeypatch.setattr(templates, "look", lambda theme, bad=bad: {"booklet": {"text_mm": bad}})
        with pytest.raises(BuildError, match=r"layouts/themes/x/theme.yaml: booklet.text_mm"):
            booklet_context.text_mm("x")
