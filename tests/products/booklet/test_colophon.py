"""Short closing words go on the back cover, not onto a page of their own (issue 20's stray pages).

Gentofte's charter ends with three lines on how it was made and whom to ask; after its last
chapter they took page 12 alone. ``booklet_context.colophon`` sets such closing words (untitled, text
only, at most ``COLOPHON_MAX`` characters) on the back cover; longer or titled ones stay after
the chapters. Read from the built PDFs with pdfplumber.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest
from charterpress.products.booklet import context as booklet_context
from charterpress.products.booklet import handbook
from charterpress.source.model import Passage
from support import SOURCES, load, products_of

CHARTERS = sorted(SOURCES.glob("*.yaml"))


def flat(text: str) -> str:
    """Letters only, lower case: line breaks, hyphens and spaces no longer count."""
    return re.sub(r"[\W_]", "", text.replace("\u00ad", "")).lower()


def page_texts(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [flat(page.extract_text() or "") for page in pdf.pages]


def closing_texts(path: Path) -> list[str]:
    charter = load(path).charter
    ids = booklet_context.colophon(charter)
    return [flat(str(b.text)) for p in charter.back if p.id in ids for b in p.body]


@pytest.mark.parametrize("path", CHARTERS, ids=lambda p: p.stem)
def test_short_closing_words_are_on_the_back_cover_only(path: Path) -> None:
    closing = closing_texts(path)
    made = products_of(path, "booklet")
    for name in (f"{path.stem}-booklet.pdf", f"{path.stem}-booklet-print.pdf"):
        pages = page_texts(made[f"{name}"].data)
        for text in closing:
            assert text in pages[-1], f"{name}: not on the back cover: {text[:60]}"
            assert not any(text in page for page in pages[:-1]), f"{name}: printed twice"


def test_gentofte_has_a_colophon_beside_its_name() -> None:
    """The case that asked for it: Gentofte's closing words, once page 12 alone (3 lines)."""
    path = SOURCES / "gentofte.yaml"
    if not path.exists():
        pytest.skip("the shipped Gentofte charter is not in sources/")
    charter = load(path).charter
    assert booklet_context.colophon(charter) == ("udviklet",)
    pages = page_texts(products_of(path, "booklet")["gentofte-booklet.pdf"].data)
    assert flat(charter.meta.municipality) in pages[-1] and closing_texts(path)[0] in pages[-1]
    assert (
        'id="udviklet"'
        not in handbook.booklet_html(load(path), "screen").split('class="back-cover"')[0]
    )


def _charter(back: list[dict]):
    """The Gentofte source with ``back:`` replaced (validated, as a build would)."""
    source = load(SOURCES / "gentofte.yaml") if (SOURCES / "gentofte.yaml").exists() else None
    if source is None:
        pytest.skip("the shipped Gentofte charter is not in sources/")
    passages = tuple(Passage.model_validate(passage) for passage in back)
    return source.charter.model_copy(update={"back": passages})


def test_only_short_untitled_text_at_the_end_becomes_the_colophon() -> None:
    short = {"id": "made", "body": ["Written by a working group. Ask HR."]}
    assert booklet_context.colophon(_charter([short])) == ("made",)
    titled = {"id": "gov", "title": "Governance", "body": ["How we steer."]}
    assert booklet_context.colophon(_charter([titled, short])) == ("made",)
    assert booklet_context.colophon(_charter([short, titled])) == ()  # closing words end the booklet
    long = {"id": "long", "body": ["word " * (booklet_context.COLOPHON_MAX // 5 + 1)]}
    assert booklet_context.colophon(_charter([long])) == ()
    listed = {"id": "list", "body": [{"items": ["one", "two"]}]}
    assert booklet_context.colophon(_charter([listed])) == ()
    assert booklet_context.colophon(_charter([])) == ()
