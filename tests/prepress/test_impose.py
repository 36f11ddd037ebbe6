"""Imposition maths: saddle order, crop-mark geometry, card grids and duplex mirroring."""

from __future__ import annotations

import pytest
from charterpress.prepress.impose import (
    MARGIN_MM,
    PAPER_MM,
    apply,
    back_map,
    compose,
    crop_mark_lines,
    cut_marks,
    fold_line,
    front_map,
    grid,
    mirror_x,
    placements,
    saddle_order,
    text_slots,
)


def test_saddle_order_of_eight_pages() -> None:
    assert saddle_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]


def test_saddle_order_of_four_pages() -> None:
    assert saddle_order(4) == [(4, 1), (2, 3)]


@pytest.mark.parametrize("pages", [12, 16, 28, 40])
def test_saddle_order_pairs_add_up_and_cover_every_page(pages: int) -> None:
    order = saddle_order(pages)
    assert len(order) == pages // 2
    assert all(left + right == pages + 1 for left, right in order)
    assert sorted(p for pair in order for p in pair) == list(range(1, pages + 1))


@pytest.mark.parametrize("pages", [0, 2, 6, 10, 13, -4])
def test_saddle_order_refuses_a_page_count_not_a_multiple_of_four(pages: int) -> None:
    with pytest.raises(ValueError, match="multiple of 4"):
        saddle_order(pages)


def test_crop_mark_lines_continue_the_trim_edges_outside_the_bleed() -> None:
    lines = crop_mark_lines(90, 130, 3, 3, 5)
    assert len(lines) == 8
    for (x1, y1), (x2, y2) in lines:
        assert x1 == x2 or y1 == y2
        if x1 == x2:
            assert x1 in (0, 90)
            assert {y1, y2} in ({-6, -11}, {136, 141})
        else:
            assert y1 in (0, 130)
            assert {x1, x2} in ({-6, -11}, {96, 101})


def test_crop_mark_lines_never_enter_the_bleed_box() -> None:
    bleed = 3
    for (x1, y1), (x2, y2) in crop_mark_lines(63, 88, bleed, 2, 4):
        for x, y in ((x1, y1), (x2, y2)):
            inside = -bleed <= x <= 63 + bleed and -bleed <= y <= 88 + bleed
            assert not inside


# --- Cards on sheets ----------------------------------------------------------------------


SIZES = [(90, 130), (105, 148), (63, 88), (74, 105)]
CASES = [(paper, card) for paper in PAPER_MM for card in SIZES]


@pytest.mark.parametrize(
    ("paper", "card", "expected"),
    [
        ("A4", (90, 130), (2, 2, False)),
        ("A4", (63, 88), (3, 3, False)),
        ("A4", (105, 148), (1, 2, True)),
        ("A3", (90, 130), (3, 3, False)),
        ("A3", (63, 88), (3, 6, True)),
        ("Letter", (90, 130), (2, 1, False)),
    ],
)
def test_grid_puts_the_most_cards_on_a_sheet(paper: str, card, expected) -> None:
    g = grid(PAPER_MM[paper], card)
    assert (g.columns, g.rows, g.rotated) == expected


@pytest.mark.parametrize(("paper", "card"), CASES)
@pytest.mark.parametrize("fold", [False, True])
def test_slots_keep_the_printer_margin_and_never_overlap(paper: str, card, fold: bool) -> None:
    g = grid(PAPER_MM[paper], card, fold=fold)
    width, height = PAPER_MM[paper]
    slots = [g.slot(i) for i in range(g.per_sheet)]
    for left, bottom, right, top in slots:
        assert left >= MARGIN_MM - 1e-6 and bottom >= MARGIN_MM - 1e-6
        assert right <= width - MARGIN_MM + 1e-6 and top <= height - MARGIN_MM + 1e-6
    for i, a in enumerate(slots):
        for b in slots[i + 1 :]:
            assert (
                a[2] <= b[0] + 1e-6
                or b[2] <= a[0] + 1e-6
                or a[3] <= b[1] + 1e-6
                or b[3] <= a[1] + 1e-6
            )


def test_an_impossible_card_is_refused() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        grid(PAPER_MM["A4"], (150, 210), fold=True)


@pytest.mark.parametrize(("paper", "card"), CASES)
@pytest.mark.parametrize("flip", ["long", "short"])
def test_every_point_of_a_back_lands_behind_the_same_point_of_its_front(paper, card, flip) -> None:
    g = grid(PAPER_MM[paper], card)
    width, height = PAPER_MM[paper]
    turn = (lambda p: (width - p[0], p[1])) if flip == "long" else (lambda p: (p[0], height - p[1]))
    w, h = card
    for slot in range(g.per_sheet):
        front, back = front_map(g, slot), back_map(g, slot, flip)
        for u, v in ((0, 0), (w, 0), (0, h), (w * 0.3, h * 0.8)):
            # The back's point (w - u, v) is the same spot of the card as the front's (u, v).
            assert apply(back, (w - u, v)) == pytest.approx(turn(apply(front, (u, v))))


@pytest.mark.parametrize(("paper", "card"), CASES)
def test_fronts_and_backs_are_not_mirror_images(paper, card) -> None:
    g = grid(PAPER_MM[paper], card)
    for slot in range(g.per_sheet):
        # The back is mirrored by the sheet turn and again by the card turn: they cancel out.
        for a, b, c, d, _, _ in (front_map(g, slot), back_map(g, slot, "long")):
            assert a * d - b * c == pytest.approx(1)


def test_fold_puts_the_back_beside_the_front_mirrored_across_the_fold_line() -> None:
    g = grid(PAPER_MM["A4"], (90, 130), fold=True)
    w, h = g.card
    (fx, _), _ = fold_line(g, 0)
    front, back = front_map(g, 0), back_map(g, 0, "long")
    for u, v in ((0, 0), (30, 40), (w, h)):
        x, y = apply(front, (u, v))
        # The back's (w - u, v) is the front's (u, v) once folded: mirrored across x = fx.
        assert apply(back, (w - u, v)) == pytest.approx((2 * fx - x, y))


def test_compose_applies_the_inner_map_first() -> None:
    m = compose(mirror_x(10), (1, 0, 0, 1, 2, 0))
    assert apply(m, (1, 5)) == (7, 5)


@pytest.mark.parametrize(("paper", "card"), CASES)
@pytest.mark.parametrize("fold", [False, True])
def test_cut_marks_continue_every_edge_outside_the_cards(paper, card, fold) -> None:
    g = grid(PAPER_MM[paper], card, fold=fold)
    width, height = PAPER_MM[paper]
    marks = cut_marks(g)
    slots = [g.slot(i) for i in range(g.per_sheet)]
    for (x1, y1), (x2, y2) in marks:
        assert min(x1, x2) > 0 and max(x1, x2) < width and min(y1, y2) > 0 and max(y1, y2) < height
        for left, bottom, right, top in slots:
            c = g.clip
            crosses_x = max(x1, x2) > left - c and min(x1, x2) < right + c
            crosses_y = max(y1, y2) > bottom - c and min(y1, y2) < top + c
            assert not (crosses_x and crosses_y)
    xs = {round(x1, 4) for (x1, _), (x2, _) in marks if x1 == x2}
    for left, _, right, _ in slots:
        assert {round(left, 4), round(right, 4)} <= xs


@pytest.mark.parametrize(("paper", "card"), CASES)
def test_text_slots_sit_in_the_margins_clear_of_marks(paper, card) -> None:
    g = grid(PAPER_MM[paper], card)
    width, height = PAPER_MM[paper]
    marks = cut_marks(g)
    for left, bottom, right, top in text_slots(g):
        assert right - left > 40 and top - bottom > 2
        assert 0 < left < right < width and 0 < bottom < top < height
        for (x1, y1), (x2, y2) in marks:
            inside_x = max(x1, x2) > left and min(x1, x2) < right
            inside_y = max(y1, y2) > bottom and min(y1, y2) < top
            assert not (inside_x and inside_y)


def test_placements_alternate_fronts_and_backs_and_stop_at_the_last_card() -> None:
    g = grid(PAPER_MM["A4"], (90, 130))
    pages = [[face for face, _ in placements(g, page, 6, "long")] for page in range(4)]
    assert pages == [[0, 2, 4, 6], [1, 3, 5, 7], [8, 10], [9, 11]]


def test_fold_placements_put_front_and_back_on_one_page() -> None:
    g = grid(PAPER_MM["A4"], (90, 130), fold=True)
    assert [face for face, _ in placements(g, 0, 3, "long")] == [0, 1, 2, 3]
    assert [face for face, _ in placements(g, 1, 3, "long")] == [4, 5]
