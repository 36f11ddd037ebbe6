"""Colour maths: WCAG luminance and contrast, mixing, ink on a field, readable text."""

from __future__ import annotations

import pytest
from charterpress.text import colours
from charterpress.text.colours import BLACK, WHITE, contrast, ink, luminance, mix, readable, rgb


def test_rgb_reads_a_hex_colour_with_or_without_the_hash() -> None:
    assert rgb("#7b2d4f") == (0x7B, 0x2D, 0x4F)
    assert rgb("FFFFFF") == (255, 255, 255)


def test_luminance_runs_from_black_to_white() -> None:
    assert luminance(BLACK) == 0
    assert luminance(WHITE) == pytest.approx(1)
    assert luminance("#767676") == pytest.approx(0.1812, abs=1e-4)


def test_black_on_white_is_the_highest_contrast_and_order_does_not_matter() -> None:
    assert contrast(WHITE, BLACK) == pytest.approx(21)
    assert contrast(BLACK, WHITE) == contrast(WHITE, BLACK)
    assert contrast("#7b2d4f", "#7b2d4f") == 1


def test_grey_767676_just_reaches_wcag_aa_on_white() -> None:
    assert contrast("#767676", WHITE) == pytest.approx(4.54, abs=0.01)


def test_mix_blends_by_share() -> None:
    assert mix(BLACK, WHITE, 0.5) == "#808080"
    assert mix("#7b2d4f", WHITE, 0) == "#7b2d4f"
    assert mix("#7b2d4f", BLACK, 1) == BLACK
    assert mix("#7b2d4f", WHITE, 0.9) == "#f2eaed"


@pytest.mark.parametrize(
    ("background", "expected"),
    [("#0b4f6c", WHITE), ("#7b2d4f", WHITE), ("#f2c14e", "#1c1c1c"), (WHITE, "#1c1c1c")],
)
def test_ink_is_white_on_dark_fields_and_the_dark_on_light_ones(
    background: str, expected: str
) -> None:
    assert ink(background, "#1c1c1c") == expected


@pytest.mark.parametrize("colour", ["#0b4f6c", "#f2c14e", "#9bc53d", "#ffffff", "#7b2d4f"])
def test_readable_reaches_wcag_aa_on_white(colour: str) -> None:
    assert contrast(readable(colour), WHITE) >= 4.5


def test_readable_leaves_a_colour_alone_that_reads_already() -> None:
    assert readable("#7b2d4f") == "#7b2d4f"


def test_readable_darkens_no_further_than_it_must() -> None:
    colour = "#9bc53d"
    shades = [mix(colour, BLACK, i / 20) for i in range(21)]
    step = shades.index(readable(colour, steps=20))
    assert step > 0
    assert contrast(shades[step], WHITE) >= 4.5 > contrast(shades[step - 1], WHITE)


def test_readable_on_a_background_honours_the_ratio_and_steps() -> None:
    tint = mix("#f5b21b", WHITE, 0.9)
    found = readable("#f5b21b", tint, ratio=7, steps=10)
    assert contrast(found, tint) >= 7
    assert found in {mix("#f5b21b", BLACK, i / 10) for i in range(11)}


def test_readable_falls_back_to_black_when_nothing_lighter_will_do() -> None:
    assert readable(WHITE, "#222222", ratio=21) == BLACK


def test_soften_keeps_aa_on_the_field() -> None:
    """A soft ink takes the whole share where it can, less where white barely reads, never < AA."""
    from charterpress.text.colours import AA_TEXT, WHITE, contrast, mix, soften

    roomy = "#0b4f6c"  # white on it: 8.9:1
    assert soften(WHITE, roomy, 0.1) == mix(WHITE, roomy, 0.1)
    for field in ("#7e7746", "#4f8333", "#a25a5e", "#936d26", "#777777"):
        soft = soften(WHITE, field, 0.1)
        assert contrast(soft, field) >= AA_TEXT or soft == WHITE, field


# --- Section palettes: steps in OKLCH, not mixes in RGB ---------------------------------------

THEME_PAIRS = [  # the five municipalities' colour and accent, and two a charter might bring
    ("#0a4f8f", "#f5b21b"),
    ("#0b4f6c", "#e2a73a"),
    ("#00593a", "#9bc53d"),
    ("#5a2d5e", "#f08a5d"),
    ("#17406d", "#c0392b"),
    ("#1f4e79", "#1f4e79"),
    ("#777777", "#ff0000"),
]


@pytest.mark.parametrize("colour", ["#0a4f8f", "#ff0000", "#00593a", "#f5b21b", "#777777", "#ffffff"])
def test_oklch_goes_there_and_back(colour: str) -> None:
    assert colours.from_oklch(*colours.oklch(colour)) == colour


@pytest.mark.parametrize(("colour", "accent"), THEME_PAIRS)
@pytest.mark.parametrize("count", [1, 4, 6, 30])
def test_every_section_shade_carries_white_text(colour: str, accent: str, count: int) -> None:
    shades = colours.section_shades(colour, accent, count)
    assert len(shades) == count
    assert all(colours.contrast(s, colours.WHITE) >= colours.AA_TEXT for s in shades), shades


@pytest.mark.parametrize(("colour", "accent"), THEME_PAIRS[:5])
def test_section_shades_keep_their_colour_and_do_not_turn_muddy(colour: str, accent: str) -> None:
    """The blend in RGB took Ishøj's blue towards its yellow through olive (#80753d): a shade
    keeps most of the theme colour's chroma, and the first section is the theme's colour."""
    shades = colours.section_shades(colour, accent, 6)
    assert shades[0] == colour
    chroma = colours.oklch(colour)[1]
    for shade in shades:
        assert colours.oklch(shade)[1] >= 0.6 * chroma, (shade, colours.oklch(shade))
    assert len(set(shades)) == len(shades)


def test_section_shades_stay_a_family_however_far_round_the_accent_lies() -> None:
    hue = colours.oklch("#0a4f8f")[2]
    for shade in colours.section_shades("#0a4f8f", "#f5b21b", 12):
        turn = abs((colours.oklch(shade)[2] - hue + 180) % 360 - 180)
        assert turn <= colours.SHADE_ARC + 2, shade


def test_deepen_keeps_the_hue_where_readable_greys_it() -> None:
    orange = "#f08a5d"
    deep = colours.deepen(orange)
    assert colours.contrast(deep, colours.WHITE) >= colours.AA_TEXT
    assert abs(colours.oklch(deep)[2] - colours.oklch(orange)[2]) < 6
    assert colours.oklch(deep)[1] > colours.oklch(colours.readable(orange))[1]


@pytest.mark.parametrize(("colour", "accent"), [*THEME_PAIRS[:5], ("#2d5a27", "#e0a526"), ("#8a3b12", "#f5b21b")])
def test_no_section_shade_turns_olive_unless_the_theme_colour_is(colour: str, accent: str) -> None:
    low, high = colours.OLIVE
    for shade in colours.section_shades(colour, accent, 8):
        assert not low <= colours.oklch(shade)[2] <= high, shade
