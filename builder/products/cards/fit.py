"""The deck's faces fitted: every face holds its whole text, at one size per deck, composed.

The search for each face's largest fitting size (small documents of trial faces), the deck's
sizes, the composed layout (``compose``), the proof that every face holds its texts, and the
notes a build prints about shrunk faces and broken words.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import weasyprint

from ...errors import BuildError, Problem
from ...layout import proof, tree
from ...layout.render import to_document
from ...text.hyphenate import HYPHEN_BREAK, SOFT_HYPHEN
from ...units import (
    MM_PER_INCH,
    PT_PER_INCH,
)
from ...values import Shrunk, Source
from . import compose
from .faces import (
    FLOOR_PT,
    SIDES,
    Card,
    Scale,
    card_environment,
    card_size,
    cards_html,
    face_id,
    face_texts,
)

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


WIDTH_TOLERANCE_PX = 0.5
"""How far (CSS px) a line may poke out of its box before it counts as too wide."""


DECK_LEAST = 0.75
"""A deck's commitments share one size down to this share of the design size; a face that fits
only smaller is set apart, at its own size, and noted (shorten it with ``card:``)."""


@dataclass(frozen=True)
class Fitted:
    """The deck laid out: the document, and the size each face's text got."""

    document: weasyprint.Document
    sizes: dict[str, float]
    """Face id -> main text size in pt."""
    best: dict[str, float]
    """Face id -> the largest size (pt) its text fits at (``sizes`` holds the deck's one size)."""


def fit(source: Source, cards: list[Card], words: dict[str, object], scale: Scale) -> Fitted:
    """Lay out the deck: every face holds its whole text, at one size per deck, composed.

    The whole deck is laid out once at full size. Faces that do not fit are tried at smaller
    sizes in small documents of just those faces (a guess from how far they ran over, then its
    neighbours): each face's largest fitting size. The deck then sets its commitments' fronts
    at one size and their backs at one (``deck_sizes``: the largest size every face of the
    kind fits, a face too long even for ``DECK_LEAST`` of the design set apart, and noted).
    The faces are laid out at those sizes, composed from that layout (``compose``: the text
    block at the face's optical centre, its lines balanced) and laid out once more so. A face
    whose composed layout would not hold its text keeps its plain page. The proof (every face
    holds its texts, in order, on one page) then reads the final pages.
    """
    expected = {face_id(c, s): face_texts(c, s, words) for c in cards for s in SIDES}
    _too_long_to_try(source, cards, scale, expected)
    order = [face_id(c, s) for c in cards for s in SIDES]
    by_id = {face_id(c, s): (c, s) for c in cards for s in SIDES}
    best = {fid: scale.ladder(*by_id[fid])[0] for fid in order}
    document = to_document(cards_html(source, cards, words, scale, best))
    placed = faces_on_pages(document)
    bad = misfits(document, placed, expected)
    log.debug("%s: %d faces laid out, %d too long at full size", source.slug, len(best), len(bad))
    pages = {fid: (best[fid], document.pages[placed[fid][0]]) for fid in order if fid not in bad}
    if bad:
        found = _smallest_fitting(source, cards, words, scale, bad, expected, document, placed)
        for fid, (size, page) in found.items():
            best[fid] = size
            pages[fid] = (size, _renamed(page, fid))
    sizes = deck_sizes(cards, best, scale)
    again = {fid: size for fid, size in sizes.items() if pages[fid][0] != size}
    if again:  # set smaller than they fit, at the deck's size: laid out at it
        for fid, page in _trial_pages(source, cards, words, scale, again, expected).items():
            if page is None:  # (a face that fits larger but not at the deck's size keeps its own)
                sizes[fid] = pages[fid][0]
            else:
                pages[fid] = (sizes[fid], page)
    fonts_css = _fonts_css(source)
    composed = {
        fid: compose.compose(pages[fid][1], fonts_css)
        for fid in order
        if by_id[fid][0].kind != "title"
    }
    trials = {fid: (fid, sizes[fid]) for fid in composed}
    final = _trial_pages(source, cards, words, scale, trials, expected, composed=composed)
    kept = [fid for fid, page in final.items() if page is None]
    if kept:
        log.debug("%s: %d faces kept uncomposed: %s", source.slug, len(kept), kept)
    chosen = {fid: final.get(fid) or pages[fid][1] for fid in order}
    document = document.copy([chosen[fid] for fid in order])
    placed = faces_on_pages(document)
    still = misfits(document, placed, expected)
    if still:  # the proof: never ship a face that does not hold its text
        raise BuildError([_too_long(source, cards, fid) for fid in sorted(still, key=_face_order)])
    return Fitted(document, sizes, best)


def _fonts_css(source: Source) -> str:
    """Return the source of the fonts.css the deck is laid out with (its @font-face rules)."""
    charter = source.charter
    env = card_environment(source.slug, charter.meta.language, charter.theme.name)
    return env.loader.get_source(env, "fonts.css")[0]  # type: ignore[union-attr]


def _trial_pages(
    source: Source,
    cards: list[Card],
    words: dict[str, object],
    scale: Scale,
    faces: dict[str, float] | dict[str, tuple[str, float]],
    expected: dict[str, tuple[str, ...]],
    *,
    composed: dict[str, compose.Composed] | None = None,
) -> dict[str, weasyprint.Page | None]:
    """Lay out the faces given ({face id: size}) in one document; return each face's page, or
    None where it does not hold its text."""
    trials = {
        f"{fid}--x": (fid, value[1] if isinstance(value, tuple) else value)
        for fid, value in faces.items()
    }
    html = cards_html(source, cards, words, scale, {}, trials=trials, composed=composed)
    document = to_document(html)
    placed = faces_on_pages(document)
    failed = misfits(document, placed, expected)
    return {
        fid: None if trial in failed else _renamed(document.pages[placed[trial][0]], fid)
        for trial, (fid, _) in trials.items()
    }


def deck_sizes(cards: list[Card], best: dict[str, float], scale: Scale) -> dict[str, float]:
    """Return the size each face is set at: one size for the deck's commitment fronts, one for
    their backs.

    A kind's size is the largest at which every one of its faces fits (``best``: each face's
    largest fitting size), but never smaller than ``DECK_LEAST`` of the design's size: a face
    that fits only smaller is set at its own size (and noted: its wording wants shortening).
    The title card and the reflection cards keep their own sizes.
    """
    sizes = dict(best)
    for side, shared in shared_sizes(cards, best, scale).items():
        for fid in (face_id(c, side) for c in cards if c.kind == "commitment"):
            sizes[fid] = min(best[fid], shared)
    return sizes


def shared_sizes(cards: list[Card], best: dict[str, float], scale: Scale) -> dict[str, float]:
    """Return the deck's one size per side of its commitment cards (see ``deck_sizes``).

    The backs' size is never larger than the fronts': the commitment leads, the question follows.
    """
    shared: dict[str, float] = {}
    for side in SIDES:
        faces = [face_id(c, side) for c in cards if c.kind == "commitment"]
        if not faces:
            continue
        ladder = scale.ladders[side]
        least = min((s for s in ladder if s >= DECK_LEAST * ladder[0]), default=ladder[0])
        fitting = [best[fid] for fid in faces if best[fid] >= least]
        size = min(fitting, default=least)
        if side == "back" and "front" in shared:
            size = max(
                (s for s in ladder if s <= max(size, 0) and s <= shared["front"]), default=size
            )
        shared[side] = size
    return shared


def _renamed(page: weasyprint.Page, fid: str) -> weasyprint.Page:
    """Return a trial face's page with the anchor of the face it stands for ('card-2-front--3' -> 'card-2-front')."""
    page.anchors = {
        fid if name.split("--")[0] == fid else name: at for name, at in page.anchors.items()
    }
    return page


def faces_on_pages(document: weasyprint.Document) -> dict[str, list[int]]:
    """Return, for each face (or trial face) id, the indexes of the pages it is laid out on."""
    placed: dict[str, list[int]] = {}
    for index, page in enumerate(document.pages):
        for fid in page.anchors:
            if fid.startswith("card-"):
                placed.setdefault(fid, []).append(index)
    return placed


def misfits(
    document: weasyprint.Document,
    placed: dict[str, list[int]],
    expected: dict[str, tuple[str, ...]],
) -> set[str]:
    """Return the ids of the faces that do not hold their text.

    A face fits when it is laid out on one page, no line is wider than its box, no two lines
    overlap (the title card's foot is placed apart from the flow), and its page shows every
    text of the face, in order, with nothing missing after the last line (``proof``).
    """
    bad = set()
    for fid, indexes in placed.items():
        if len(indexes) != 1:
            bad.add(fid)
            continue
        page = document.pages[indexes[0]]
        texts = expected[fid.split("--")[0]]
        if (
            too_wide(page)
            or overlapping(page)
            or proof.missing_in_order(proof.page_text(page), texts)
        ):
            bad.add(fid)
    return bad


def overflowing(document: weasyprint.Document) -> set[str]:
    """Return the ids of the faces that did not fit: run onto a second page, or a line too wide."""
    placed = faces_on_pages(document)
    return misfits(document, placed, {fid.split("--")[0]: () for fid in placed})


def _smallest_fitting(
    source: Source,
    cards: list[Card],
    words: dict[str, object],
    scale: Scale,
    bad: set[str],
    expected: dict[str, tuple[str, ...]],
    document: weasyprint.Document,
    placed: dict[str, list[int]],
) -> dict[str, tuple[float, weasyprint.Page]]:
    """Return, for each face that does not fit, the largest smaller size at which it does, and its page.

    Each round lays out one small document of trial faces only. Sizes are tried from a guess
    (how far the face ran over at full size) and its neighbours; a face is settled when a size
    fits and the next larger one is known not to.
    """
    by_id = {face_id(c, s): (c, s) for c in cards for s in SIDES}
    tried: dict[str, dict[int, weasyprint.Page | None]] = {fid: {0: None} for fid in bad}
    found: dict[str, tuple[float, weasyprint.Page]] = {}
    wanted = {fid: _guess(document, placed[fid], scale.ladder(*by_id[fid])) for fid in bad}
    hopeless = sorted((fid for fid, steps in wanted.items() if not steps), key=_face_order)
    if hopeless:  # set at the floor size already (a small card): there is no smaller size to try
        raise BuildError([_too_long(source, cards, fid) for fid in hopeless])
    while wanted:
        trials: dict[str, tuple[str, float]] = {}
        for fid, steps in wanted.items():
            sizes = scale.ladder(*by_id[fid])
            for step in steps:
                trials[f"{fid}--{step}"] = (fid, sizes[step])
        trial_doc = to_document(cards_html(source, cards, words, scale, {}, trials=trials))
        trial_placed = faces_on_pages(trial_doc)
        failed = misfits(trial_doc, trial_placed, expected)
        for trial, (fid, _) in trials.items():
            step = int(trial.rsplit("--", 1)[1])
            fits = trial not in failed
            tried[fid][step] = trial_doc.pages[trial_placed[trial][0]] if fits else None
        wanted = {}
        for fid in bad:
            if fid in found:
                continue
            sizes = scale.ladder(*by_id[fid])
            fitting = sorted(step for step, page in tried[fid].items() if page is not None)
            if fitting:
                best = fitting[0]
                if best - 1 in tried[fid]:
                    found[fid] = (sizes[best], tried[fid][best])  # type: ignore[assignment]
                    continue
                wanted[fid] = [step for step in (best - 1, best - 2) if step not in tried[fid]]
            else:  # even the smallest tried did not fit: the next three smaller sizes
                rest = [step for step in range(max(tried[fid]) + 1, len(sizes))]
                if rest:
                    wanted[fid] = rest[:3]
        missing = sorted(
            (fid for fid in bad if fid not in found and fid not in wanted), key=_face_order
        )
        if missing:
            raise BuildError([_too_long(source, cards, fid) for fid in missing])
    return found


def _guess(
    document: weasyprint.Document, indexes: list[int], sizes: tuple[float, ...]
) -> list[int]:
    """Return the ladder steps to try first for a face that did not fit at ``sizes[0]``.

    Text height grows with the square of the type size: a face whose lines filled its page
    and ran on to ``r`` times that fits at about ``sizes[0] / sqrt(r)``. A face with a word
    too wide shrinks by the width it ran over.
    """
    heights = [_text_height(document.pages[i]) for i in indexes]
    ratio = sum(heights) / max(heights[0], 1.0)
    if len(indexes) == 1:
        ratio = max(ratio, _width_ratio(document.pages[indexes[0]]) ** 2, 1.1)
    if len(sizes) == 1:  # designed at the floor size: nothing smaller to try
        return []
    target = sizes[0] / math.sqrt(ratio)
    guess = max(1, min(range(len(sizes)), key=lambda i: abs(sizes[i] - target)))
    return sorted({max(1, guess - 1), guess, min(len(sizes) - 1, guess + 1)})


def _text_height(page: weasyprint.Page) -> float:
    """Return the height of the lines on a page (CSS px), margin boxes left out."""
    lines = tree.descendants(tree.page_box(page), tree.LINE, margins=False)
    return sum(tree.placed(line).height for line in lines)


def _width_ratio(page: weasyprint.Page) -> float:
    """Return how many times wider than its block the widest line of a page is (at least 1)."""
    ratio = 1.0
    for block in tree.descendants(tree.page_box(page), tree.BLOCK):
        if tree.is_margin(block):
            continue
        area = tree.content(block)
        if not area.width:
            continue
        for line in tree.child_lines(block):
            for text in tree.text_boxes(line):
                ratio = max(ratio, (tree.placed(text).right - area.x) / area.width)
    return ratio


def _face_order(fid: str) -> tuple[int, int]:
    """Return a sort key that puts face ids in deck order."""
    _, number, side = fid.split("-")[:3]
    return int(number), SIDES.index(side)


def too_wide(page: weasyprint.Page) -> bool:
    """Tell whether any line of text on ``page`` sticks out of its block (a word that cannot break).

    Reads the layout (``layout/tree.py``): blocks, their lines, the text in them.
    """
    for block in tree.descendants(tree.page_box(page), tree.BLOCK):
        right = tree.content(block).right + WIDTH_TOLERANCE_PX
        for line in tree.child_lines(block):
            if any(tree.placed(t).right > right for t in tree.text_boxes(line)):
                return True
    return False


def overlapping(page: weasyprint.Page) -> bool:
    """Tell whether two lines of text on ``page`` overlap, or one leaves the page's content area.

    The title card's foot is placed at the page's foot apart from the flow: a long title must
    not run into it. Margin boxes (the card number) are left out.
    """
    box = tree.page_box(page)
    bottom = tree.content(box).bottom + WIDTH_TOLERANCE_PX
    rects = []
    for line in tree.descendants(box, tree.LINE, margins=False):
        if not any(tree.text(t).strip() for t in tree.text_boxes(line)):
            continue
        place = tree.placed(line)
        top, low = place.y, place.bottom
        if low > bottom:
            return True
        rects.append((top, low, place.x, place.right))
    for i, (top1, low1, left1, right1) in enumerate(rects):
        for top2, low2, left2, right2 in rects[i + 1 :]:
            apart = low1 - WIDTH_TOLERANCE_PX <= top2 or low2 - WIDTH_TOLERANCE_PX <= top1
            if not apart and left2 < right1 and left1 < right2:
                return True
    return False


def _too_long_to_try(
    source: Source, cards: list[Card], scale: Scale, expected: dict[str, tuple[str, ...]]
) -> None:
    """Fail at once, before any layout, for a face whose text could not fit even in narrow letters.

    A face holds at most (text width / 0.25 em) × (text height / 1.1 em) characters at the
    floor size: no real text is narrower. Laying out a megabyte would take minutes to say the same.
    """
    w, h = card_size(source.charter)
    em = FLOOR_PT * MM_PER_INCH / PT_PER_INCH
    width = w - 2 * scale.margin_side
    height = h - scale.margin_top - scale.margin_bottom
    most = (width / (0.25 * em)) * (height / (1.1 * em))
    hopeless = [fid for fid, texts in expected.items() if sum(map(len, texts)) > most]
    if hopeless:
        raise BuildError(
            [_too_long(source, cards, fid) for fid in sorted(hopeless, key=_face_order)]
        )


def _too_long(source: Source, cards: list[Card], fid: str) -> Problem:
    """Return the problem of a face whose text does not fit even at the floor size."""
    number, side = _face_order(fid)
    card = cards[number - 1]
    w, h = card_size(source.charter)
    where = f"on a {w:g}×{h:g} mm card even at {FLOOR_PT:g} pt"
    if card.kind == "title" and side == 1:
        words = f"layouts/labels/{source.charter.meta.language}.yaml: how_to_steps"
        message = f"card 1: the method on the title card's back ({words}) does not fit {where}"
        line = source.line_of("theme.card") or source.line_of("theme")
        return Problem(source.name, line, None, "theme.card", message + "; choose a larger card")
    if card.kind == "reflection":
        return _reflection_too_long(source, card, side, where)
    if card.kind == "title":
        path = "meta.title"
    elif side == 1:
        path = f"{card.path}.question"
    else:  # the longest text on the face is the one to shorten: a title or a lead may be it
        texts = {f"{card.path}.{card.front_field}": card.front}
        if card.title:
            texts[f"{card.path}.title"] = card.title
        if card.lead:
            texts[f"{card.path.rsplit('.commitments[', 1)[0]}.lead"] = card.lead
        path = max(texts, key=lambda field: len(texts[field]))
    message = f"card {card.number}: does not fit {where}; shorten it or choose a larger card"
    return Problem(
        source.name, source.line_of(path) or source.line_of(card.path), None, path, message
    )


def _reflection_too_long(source: Source, card: Card, side: int, where: str) -> Problem:
    """Return the problem of a reflection card's face that does not fit even at the floor size.

    The front names the group's title (or its subtitle, if that is the longer); the back the
    group's longest question, with what can be done: shorter questions, or the group split in two.
    """
    texts = {f"{card.path}.title": card.front}
    if side == 1:
        texts = {}
        for j, (label, text) in enumerate(card.questions):
            texts[f"{card.path}.questions[{j}].text"] = text
            if label:
                texts[f"{card.path}.questions[{j}].label"] = label
    elif card.subtitle:
        texts[f"{card.path}.subtitle"] = card.subtitle
    path = max(texts, key=lambda field: len(texts[field]))
    if side == 1:
        message = (
            f"card {card.number} (back): the {len(card.questions)} questions of "
            f"'{card.front}' do not fit {where}; shorten them, split the group in two, or "
            "choose a larger card"
        )
    else:
        message = f"card {card.number}: does not fit {where}; shorten it or choose a larger card"
    return Problem(
        source.name, source.line_of(path) or source.line_of(card.path), None, path, message
    )


def shrunk_faces(cards: list[Card], fitted: Fitted, scale: Scale) -> tuple[Shrunk, ...]:
    """Return the faces whose text had to be set smaller than designed, in deck order, at the
    size they are set in (a face set at the deck's one size because a longer one needed it
    is not shrunk: its own text fits the design's size)."""
    return tuple(
        Shrunk(card.number, side, fitted.sizes[face_id(card, side)])
        for card in cards
        for side in SIDES
        if fitted.best[face_id(card, side)] < scale.ladder(card, side)[0]
    )


def size_notes(cards: list[Card], fitted: Fitted, scale: Scale) -> tuple[str, ...]:
    """Return the notes on the deck's one size: what holds it below the design's, and each face
    set apart, smaller than the deck (its wording is the one to shorten: ``card:`` on the
    commitment for a front, the question for a back)."""
    shared = shared_sizes(cards, fitted.best, scale)
    notes = []
    for side, size in shared.items():
        faces = [c for c in cards if c.kind == "commitment"]
        top = scale.ladders[side][0]
        name = "fronts" if side == "front" else "backs"
        if size < top:
            held = [c for c in faces if fitted.best[face_id(c, side)] == size]
            if held:
                numbers = [str(c.number) for c in held]
                which = (
                    numbers[0]
                    if len(numbers) == 1
                    else (", ".join(numbers[:-1]) + " and " + numbers[-1])
                )
                fit_ = "fits" if len(numbers) == 1 else "fit"
                field = "question" if side == "back" else "card"
                fields = ", ".join(f"{c.path}.{field}" for c in held)
                notes.append(
                    f"the deck's {name} are set at {size:g} pt (designed {top:g} pt): the "
                    f"longest, card{'s' if len(numbers) > 1 else ''} {which}, {fit_} no larger; "
                    f"a shorter wording ({fields}) sets the whole deck larger"
                )
            else:
                notes.append(f"the deck's backs follow its fronts at {size:g} pt")
        for card in faces:
            own = fitted.sizes[face_id(card, side)]
            if own < size:
                field = f"{card.path}.question" if side == "back" else f"{card.path}.card"
                what = "a shorter question" if side == "back" else "a shorter wording for the card"
                label = "" if side == "front" else " (back)"
                notes.append(
                    f"card {card.number}{label} is set at {own:g} pt, smaller than the deck's "
                    f"{size:g} pt: give it {what} ({field}) and the deck keeps one size"
                )
    return tuple(notes)


def shrink_notes(cards: list[Card], shrunk: tuple[Shrunk, ...]) -> tuple[str, ...]:
    """Return one note per face whose text had to be set smaller than designed."""
    notes = []
    for face in shrunk:
        what = "" if face.side == "front" else " (back)"
        path = cards[face.card - 1].path
        notes.append(f"card {face.card}{what} ({path}) shrunk to {face.size:g} pt")
    return tuple(notes)


def broken_words(document: weasyprint.Document) -> dict[str, list[str]]:
    """Return {face id: the words broken at a line end on it}, read from the laid-out deck.

    Card text is set for reading aloud (``reading.py``): a word is hyphenated only where it is
    longer than a whole line, so each word found here is one that could not fit.
    """
    found: dict[str, list[str]] = {}
    for fid, indexes in faces_on_pages(document).items():
        for index in indexes:
            lines = [
                line.replace(SOFT_HYPHEN, "").strip()
                for line in tree.line_texts(tree.page_box(document.pages[index]))
            ]
            for line, after in zip(lines, lines[1:], strict=False):
                head = line.split()[-1] if line else ""
                if len(head) > 1 and head.endswith(HYPHEN_BREAK) and head[-2].isalpha():
                    tail = after.split()[0] if after else ""
                    found.setdefault(fid, []).append(head[:-1] + tail)
    return found


def break_notes(cards: list[Card], fitted: Fitted) -> tuple[str, ...]:
    """Return one note per face that breaks a word at a line end (allowed only for a word
    longer than a line, and counted), naming the card, the field and the word."""
    by_id = {face_id(c, s): (c, s) for c in cards for s in SIDES}
    notes = []
    for fid, words in sorted(
        broken_words(fitted.document).items(), key=lambda i: _face_order(i[0])
    ):
        card, side = by_id[fid]
        what = "" if side == "front" else " (back)"
        listed = ", ".join(f"'{w}'" for w in words)
        notes.append(
            f"card {card.number}{what} ({card.path}) breaks {listed} at a line end: "
            f"longer than a line at {fitted.sizes[fid]:g} pt"
        )
    return tuple(notes)
