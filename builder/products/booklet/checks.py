"""The booklet's layout checked: covers that overlap, questions turned over a page, lone
questions and lines, headings stranded at a page's foot; the problems and notes they make.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import weasyprint

from ...layout import tree
from ...source.model import Charter
from ...values import Source
from . import copyfit, pages
from .context import MINE_ID, OPEN_PAGES, QUESTION_PREFIX

if TYPE_CHECKING:
    pass


STRANDED = {"h2", "h3"}
"""Elements that must not be the last line of a page (with the classes in STRANDED_CLASSES)."""


STRANDED_CLASSES = {"lead", "kicker", "mine-part", "part-intro-title"}


def part_ids(charter: Charter) -> list[str]:
    """Return the ids of the part openers (the sections' prefaces), in order."""
    parts = (*charter.sections, *([charter.organisation] if charter.organisation else []))
    return [s.preface.id for s in parts if s.preface]


def covers_overlap(document: weasyprint.Document) -> bool:
    """Tell whether, on the front or the back cover, a line of text overlaps the mark or another line.

    Reads the layout (``layout/tree.py``): line boxes and the mark's row boxes, as rectangles.
    """
    pages = document.pages
    return any(
        _overlaps(tree.page_box(page))
        for page in {id(p): p for p in (pages[0], pages[-1])}.values()
    )


def _overlaps(page_box: object) -> bool:
    rects = [(_rect(box), True) for box in tree.descendants(page_box, margins=False)
             if _is_mark_row(box)]  # fmt: skip
    rects += [(_rect(line), False) for line in _line_boxes(page_box)]
    for i, (a, a_mark) in enumerate(rects):
        for b, b_mark in rects[i + 1 :]:
            if a_mark and b_mark:
                continue
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5:
                return True
    return False


def _rect(box: object) -> tuple[float, float, float, float]:
    """Return (left, top, right, bottom): of the text on a line, else of a box's border box."""
    if tree.is_line(box):
        place = tree.placed(box)
        texts = [tree.placed(t) for t in tree.text_boxes(box)]
        left = min((t.x for t in texts), default=place.x)
        right = max((t.right for t in texts), default=place.x)
        return (left, place.y, right, place.bottom)
    edge = tree.border(box)
    return (edge.x, edge.y, edge.right, edge.bottom)


def _line_boxes(box: object) -> list[object]:
    return [line for line in tree.descendants(box, tree.LINE, margins=False)
            if any(tree.text(t).strip() for t in tree.text_boxes(line))]  # fmt: skip


def _is_mark_row(box: object) -> bool:
    return "mark-row" in tree.classes(box)


def question_turns(document: weasyprint.Document) -> frozenset[int]:
    """Return the numbers of the questions to move to a new page so that none stands alone."""
    on_page: dict[int, list[int]] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            if name.startswith(QUESTION_PREFIX):
                on_page.setdefault(index, []).append(int(name.removeprefix(QUESTION_PREFIX)))
    turns = set()
    opener = _mine_opener(document)
    for index, numbers in on_page.items():
        before = on_page.get(index - 1, [])
        if len(numbers) == 1 and index != opener and len(before) >= 3:
            turns.add(max(before))
    return frozenset(turns)


def lone_questions(document: weasyprint.Document) -> list[int]:
    """Return the numbers of the pages of My reflections that hold one question alone.

    The page that opens My reflections (its band and introduction) is not alone with its question.
    """
    opener = _mine_opener(document)
    return [
        number
        for number, page in enumerate(document.pages, 1)
        if number - 1 != opener and len(tree.elements(tree.page_box(page), "question")) == 1
    ]


def _mine_opener(document: weasyprint.Document) -> int | None:
    """Return the index of the page where My reflections begins (its anchor spans every page)."""
    return next((i for i, page in enumerate(document.pages) if MINE_ID in page.anchors), None)


def lone_lines(document: weasyprint.Document) -> list[int]:
    """Return the numbers of the pages (not covers or part pages) that hold a single line of text."""
    return [
        number
        for number, page in enumerate(document.pages, 1)
        if tree.page_type(page) not in OPEN_PAGES and len(_lines(tree.page_box(page))) == 1
    ]


def layout_problems(document: weasyprint.Document) -> tuple[str, ...]:
    """Return what a reader would take for a mistake: a blank page, a heading stranded at a page
    foot, a page of a single line or a single question, a paragraph that ends on a hyphenated
    fragment.

    Reads the layout (``layout/tree.py``): the last line of text on each page.
    Part pages (a preface) may be a heading alone.
    """
    problems = []
    for number, page in enumerate(document.pages, 1):
        lines = _lines(tree.page_box(page))
        if not lines:
            problems.append(f"page {number} is blank")
        elif lines[-1][0] and tree.page_type(page) not in OPEN_PAGES:
            problems.append(f"page {number} ends with the heading '{lines[-1][1]}'")
    problems += [f"page {n} holds a single line" for n in lone_lines(document)]
    problems += [
        f"page {n} holds {count} lines, the end of '{name}' (fewer than {copyfit.MIN_LINES}: "
        "shorten the chapter a little, or add to it)"
        for name, n, count in copyfit.short_pages(document)
        if count > 1
    ]
    problems += [f"page {n} holds a single question" for n in lone_questions(document)]
    problems += [
        f"page {n}: a paragraph ends on the hyphenated fragment '{text}'"
        for n, text in pages.hyphenated_ends(document)
    ]
    return tuple(problems)


def _lines(box: object) -> list[tuple[str | None, str]]:
    """Return (heading or None, text) for each line of text below ``box``, margin boxes left out.

    The heading is the tag of the innermost heading the line is in (``_is_heading``), if any.
    """
    found = []
    for ancestors, line in tree.lines(box):
        text = tree.line_text(line).strip()
        if text:
            headings = [tree.tag(b) for b in (*ancestors, line) if _is_heading(b)]
            found.append((headings[-1] if headings else None, text))
    return found


def _is_heading(box: object) -> bool:
    """Tell whether a box is a heading, or a line that leads into what follows it."""
    if tree.element(box) is None:
        return False
    return tree.tag(box) in STRANDED or bool(tree.classes(box) & STRANDED_CLASSES)


def page_notes(source: Source, document: weasyprint.Document, name: str) -> tuple[str, ...]:
    """Return the build notes on one laid-out variant: its layout problems, and any part opener
    that still runs onto a second page."""
    notes = [f"{name}: {problem}" for problem in layout_problems(document)]
    notes += [
        f"{name}: the part page '{part}' runs onto a second page"
        for part in pages.long_openers(document, part_ids(source.charter))
    ]
    return tuple(notes)
