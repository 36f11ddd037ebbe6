"""The screen booklet's text layer says what the page says: every word a PDF reader extracts is a
word of the source (issue 20). Read with poppler's pdftotext, a reader independent of the PDFium
the build's own proof (builder/layout/textlayer.py) reads with, for the five charters and for a charter
unlike them (English, long paragraphs, many sections) in each theme.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import weasyprint
from charterpress import project
from charterpress.errors import BuildError
from charterpress.layout import templates as layouts
from charterpress.layout import textlayer
from support import ROOT, load, products_of

SOURCES = sorted((ROOT / "sources").glob("*.yaml"))
UNLIKE = ROOT / "tests" / "data" / "unlike-the-five.yaml"


def pdftotext(pdf: bytes) -> list[str]:
    """Return the text of each page as poppler's pdftotext reads it."""
    assert shutil.which("pdftotext"), "poppler-utils is missing: sudo apt-get install poppler-utils"
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return out.split("\f")


def words_of(path: Path) -> set[str]:
    source = load(path)
    labels = layouts.labels(source.charter.meta.language)
    return textlayer.vocabulary([*textlayer.strings(source.charter), *textlayer.strings(labels)])


def themed(tmp_path: Path, theme: str) -> Path:
    """The unlike-the-five charter in another theme."""
    text = UNLIKE.read_text(encoding="utf-8").replace("  name: civic", f"  name: {theme}", 1)
    assert f"name: {theme}" in text
    path = tmp_path / f"unlike-{theme}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", [*SOURCES, UNLIKE], ids=lambda p: p.stem)
def test_every_word_of_the_screen_booklet_is_the_sources_word(path):
    made = products_of(path, "booklet")
    pdf = made[f"{load(path).slug}-booklet.pdf"].data
    pages = pdftotext(pdf)
    assert sum(len(p.split()) for p in pages) > 300
    assert textlayer.wrong_words(pages, words_of(path)) == []


@pytest.mark.parametrize("theme", [t for t in project.themes() if t != "civic"])
def test_the_unlike_charter_reads_true_in_the_other_themes(tmp_path, theme):
    path = themed(tmp_path, theme)
    assert textlayer.wrong_words(pdftotext(screen_booklet(path)), words_of(path)) == []


def screen_booklet(path: Path) -> bytes:
    """The screen booklet of a charter as its build renders it (``handbook.make``), without the
    print booklet, its imposition and the other files a whole booklet build makes."""
    from charterpress.layout import render
    from charterpress.output import reproducible
    from charterpress.products.booklet import handbook
    from charterpress.text import hyphenate

    source = load(path)
    with reproducible.source_date(source.charter), hyphenate.charter_exceptions(source.hyphenation):
        screen, _ = handbook.render_screen(source)
        return render.to_pdf(screen, variant="pdf/ua-1")


def test_the_screen_booklet_of_a_test_is_the_builds(tmp_path):
    """``screen_booklet`` makes the bytes a build makes: the themed tests read the real file."""
    path = SOURCES[0]
    assert screen_booklet(path) == products_of(path, "booklet")[f"{path.stem}-booklet.pdf"].data


def test_small_caps_copy_as_the_sources_letters():
    """Ballerup's contents sets 'Princip 1' … in small caps: the layer reads 'Princip', not the
    'PrinciP' of small capitals drawn for both a capital and a small letter."""
    pdf = products_of(ROOT / "sources" / "ballerup.yaml", "booklet")["ballerup-booklet.pdf"].data
    contents = next(p for p in pdftotext(pdf) if "Indhold" in p)
    assert contents.count("Princip 1") + contents.count("PRINCIP 1") == 1
    assert "PrinciP" not in contents


def _pdf(html: str) -> bytes:
    fonts = (ROOT / "assets" / "fonts").as_uri()
    face = f"@font-face {{ font-family: T; src: url({fonts}/charis-sil/CharisSIL-Regular.ttf) }}"
    return weasyprint.HTML(string=f"<style>{face} p {{ font: 12pt T }}</style>{html}").write_pdf()


def test_the_build_refuses_letter_spacing_that_reads_as_spaces():
    """The check at build time, on a real PDF: capitals spaced 0.3 em apart read as one-letter
    words, and the build stops with a located line naming the word."""
    source = load(ROOT / "sources" / "gladsaxe.yaml")
    labels = layouts.labels("da")
    spaced = _pdf('<p style="letter-spacing: 0.3em; text-transform: uppercase">Gladsaxe Kommune</p>')
    with pytest.raises(BuildError) as error:
        textlayer.check(source, spaced, labels)
    (first, *_) = error.value.problems
    assert str(first).startswith("sources/gladsaxe.yaml:")
    assert "text layer reads" in str(first)
    plain = _pdf('<p style="letter-spacing: 0.06em; text-transform: uppercase">Gladsaxe Kommune</p>')
    textlayer.check(source, plain, labels)  # no error


def test_all_small_caps_are_caught_at_build_time():
    """'Princip' in all-small-caps after a capital P set the same way: the glyph copies as 'P'."""
    source = load(ROOT / "sources" / "ballerup.yaml")
    pdf = _pdf('<p style="font-variant: all-small-caps">Princip 1 og Vores organisation</p>')
    wrong = textlayer.wrong_words(pdftotext(pdf), words_of(ROOT / "sources" / "ballerup.yaml"))
    assert ("1", "PrinciP") in [(str(p), w) for p, w in wrong]
    with pytest.raises(BuildError):
        textlayer.check(source, pdf, layouts.labels("da"))


@pytest.mark.parametrize(
    "pages, wrong",
    [
        (["Vi har lei‐\nlighed"], [(1, "lei"), (1, "lighed")]),  # not a word when joined
        (["ledel‐\nsesopgaven på"], []),  # the booklet's hyphenation, read whole
        (["feedback-\nog forbedringskultur"], []),  # the source's own hyphen: two words
        (["i de mange fælles‐\nLedelsesgrundlag 4", "skaber, vi"], []),  # across a page break
        (["PrinciP 1"], [(1, "PrinciP")]),
        (["G L A D S A X E"], [(1, "G"), (1, "L"), (1, "A"), (1, "D"), (1, "S"), (1, "A"), (1, "X"), (1, "E")]),
        (["LEDELSE ledelse Ledelse"], []),
    ],
)
def test_the_reading_of_words(pages, wrong):
    words = {"ledelsesopgaven", "på", "feedback", "og", "forbedringskultur", "i", "de", "mange"}
    words |= {"fællesskaber", "vi", "Ledelsesgrundlag", "Princip", "Gladsaxe", "ledelse", "har"}
    assert sorted(textlayer.wrong_words(pages, words)) == sorted(wrong)


def test_a_build_whose_text_layer_is_wrong_stops_at_a_located_line(monkeypatch):
    """The whole build (pipeline.make_products) runs the check: a word set so wide that a reader
    takes each letter for a word stops it, before anything is written."""
    from charterpress.commands import build as pipeline
    from charterpress.layout import render

    real = render.to_document
    monkeypatch.setattr(
        render,
        "to_document",
        lambda html, *more: real(
            html.replace("</body>", '<p style="letter-spacing: 0.5em">Ballerup</p></body>'), *more
        ),
    )
    source = load(ROOT / "sources" / "ballerup.yaml")
    with pytest.raises(BuildError, match="text layer reads") as caught:
        pipeline.make_products(source, pipeline.Options(products=("booklet",)))
    assert str(caught.value.problems[0]).startswith("sources/ballerup.yaml:")


def test_a_word_broken_at_a_page_end_whose_first_half_is_a_word_too():
    """'Leder-' ends page 6 (a word alone), 'skab' opens page 7: read as 'Lederskab'."""
    words = {"Lederskab", "Leder", "Rollen", "er", "ikke", "mange"}
    assert textlayer.wrong_words(["mange Leder\u2010\nRollen 7", "skab er ikke"], words) == []
    assert textlayer.wrong_words(["mange Leder\u2010\nRollen 7", "ikke skab"], words) == []
    assert textlayer.wrong_words(["mange Rollen 7", "skab er ikke"], words) == [(2, "skab")]
