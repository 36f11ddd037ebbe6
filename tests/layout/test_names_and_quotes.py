"""Proper names are never hyphenated in the booklets, and a charter quotes in one style (issue 20).

Read on the real PDFs with pdftotext: a line that ends on a drawn hyphen and whose word, joined
with the next line's first, is one of the charter's names (builder/text/names.py) fails.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from charterpress import project
from charterpress.text import names
from charterpress.text.hyphenate import SOFT_HYPHEN
from support import ROOT, load, products_of

SOURCES = sorted((ROOT / "sources").glob("*.yaml"))
UNLIKE = ROOT / "tests" / "data" / "unlike-the-five.yaml"
BROKEN = re.compile(r"(\w+)\u2010\s*\n\s*(\w+)")


def pdftotext(pdf: bytes) -> str:
    assert shutil.which("pdftotext"), "poppler-utils is missing: sudo apt-get install poppler-utils"
    run = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True)
    return run.stdout.decode("utf-8")


def broken_words(text: str) -> list[str]:
    """Return every word the text breaks at a line end, whole again."""
    return [a + b for a, b in BROKEN.findall(text)]


@pytest.mark.parametrize("path", [*SOURCES, UNLIKE], ids=lambda p: p.stem)
@pytest.mark.parametrize("product", ["booklet", "booklet-print"])
def test_no_proper_name_is_hyphenated(path, product):
    source = load(path)
    proper = names.of_charter(source.charter)
    assert source.charter.meta.municipality.split()[0] in proper
    made = products_of(path, "booklet")[f"{source.slug}-{product}.pdf"].data
    broken = broken_words(pdftotext(made))
    assert broken, "the booklet breaks no word at all: the test reads nothing"
    assert [w for w in broken if w in proper] == []


def test_the_names_of_a_charter():
    found = names.proper_names(
        ["Ishøj Kommune", "Anders Hvid Jensen"],
        [
            "Vi arbejder med Leadership Pipeline. Det gør vi.",
            "Sammen om Gentofte – »Vores« ord: Ledelse er svært.",
        ],
    )
    assert {"Ishøj", "Kommune", "Anders", "Jensen", "Leadership", "Pipeline", "Gentofte"} <= found
    # sentence starts, quotation starts and words after a colon are not names; short words neither
    assert not {"Vi", "Det", "Sammen", "Vores", "Ledelse"} & found
    assert "Hvid" in found and "om" not in found


def test_spare_keeps_a_name_whole_and_breaks_the_rest():
    text = f"Ishøj Kom{SOFT_HYPHEN}mune og le{SOFT_HYPHEN}del{SOFT_HYPHEN}se, Gen{SOFT_HYPHEN}tofte-mo{SOFT_HYPHEN}del"
    spared = names.spare(text, frozenset({"Kommune", "Gentofte"}))
    assert spared == f"Ishøj Kommune og le{SOFT_HYPHEN}del{SOFT_HYPHEN}se, Gentofte-mo{SOFT_HYPHEN}del"


def test_a_very_long_capitalised_word_may_still_break():
    found = names.proper_names([], ["The Interdepartmentalcollaboration board meets."])
    assert "Interdepartmentalcollaboration" not in found


QUOTES = {"da": set("»«"), "en": set("“”")}
DOUBLE = set("»«„“”\"")


@pytest.mark.parametrize("path", [*SOURCES, UNLIKE], ids=lambda p: p.stem)
def test_a_charter_quotes_in_its_languages_style(path):
    """Danish »…«, English “…”: no „…“ or ”…” beside them, and every quote closed."""
    charter = load(path).charter
    from charterpress.layout.proof import model_texts

    for item in model_texts(charter):
        marks = [c for c in item.text if c in DOUBLE]
        assert set(marks) <= QUOTES[charter.meta.language], (item.path, item.text)
        opening, closing = sorted(QUOTES[charter.meta.language], key="»“«”".index)
        assert marks.count(opening) == marks.count(closing), (item.path, item.text)


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_labels_quote_in_their_languages_style(language):
    text = (project.DATA / "layouts" / "labels" / f"{language}.yaml").read_text(encoding="utf-8")
    values = re.sub(r"^\s*#.*$", "", text, flags=re.M).replace('"', "")  # YAML's own quotes
    assert set(c for c in values if c in DOUBLE) <= QUOTES[language]


def test_the_sources_are_there():
    assert SOURCES and Path(UNLIKE).is_file()


# --- The measure --------------------------------------------------------------------------
MEASURE = (60, 70)
"""Characters per line of running text, the median over the booklet: a book's measure."""


@pytest.mark.parametrize(
    "path",
    [*SOURCES, UNLIKE],
    ids=lambda p: p.stem,
)
def test_the_running_text_has_a_measure_of_60_to_70_characters(path):
    """Measured on the screen booklet: the lines that start at the text block's left edge in one
    size of text type (not a boxed list, not a heading), long enough to be full lines."""
    import io
    import statistics

    import pdfplumber

    source = load(path)
    pdf = products_of(path, "booklet")[f"{source.slug}-booklet.pdf"].data
    lengths = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages[2:]:
            lines: dict[int, list[dict]] = {}
            for c in page.chars:
                lines.setdefault(round(c["top"]), []).append(c)
            if not lines:
                continue
            left = min(chars[0]["x0"] for chars in lines.values())
            for chars in lines.values():
                sizes = {round(c["size"], 1) for c in chars}
                if len(sizes) == 1 and max(sizes) < 12 and abs(chars[0]["x0"] - left) < 1.5:
                    lengths.append(len("".join(c["text"] for c in chars)))
    full = [n for n in lengths if n >= 0.8 * max(lengths)]
    # a median of 10 full lines is a measure already; a short charter added to sources/ (as
    # tests/data/booklet-english.yaml, in test_any_charter: 14 lines) has no more
    assert len(full) >= 10, "too few lines of running text to measure"
    low, high = MEASURE
    assert low <= statistics.median(full) <= high, (statistics.median(full), len(full))
