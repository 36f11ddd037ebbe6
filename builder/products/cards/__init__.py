"""The dialogue card deck: the print-shop PDF, the office sheets, the slides, the facilitator's
guide and one PNG per face (``deck``, ``facilitation``)."""

from ..registry import Registered

PRODUCT = Registered(
    name="cards",
    maker="deck:make",
    order=1,
    group="dialogue_cards",
    page=2,
    files=(
        ("{slug}-cards-print.pdf", "for_print_shop"),
        ("{slug}-cards-sheets.pdf", None),  # the label says how the sheets are printed
        ("{slug}-cards-slides.pdf", "for_shared_screen"),
        ("{slug}-guide.pdf", "for_facilitator"),
    ),
    folders=("cards",),  # facilitation.FACES: one PNG per face
)
