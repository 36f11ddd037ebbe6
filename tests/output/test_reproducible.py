"""Same inputs, same bytes: with HarfBuzz's subsetter and with WeasyPrint's fontTools fallback."""

from __future__ import annotations

import calendar
import hashlib
import io
import json
import os
import subprocess
import sys

import pypdf
import pytest
from charterpress.commands.build import make_products
from charterpress.errors import BuildError
from charterpress.output import reproducible
from charterpress.values import Options
from fontTools.misc.timeTools import epoch_diff
from fontTools.ttLib import TTFont
from support import DATA, ROOT, load

CHARTER = DATA / "cards-english.yaml"
"""A small charter (both products in a few seconds)."""

# Runs in a fresh process: take WeasyPrint's fontTools path (as on a machine without
# libharfbuzz-subset0), move the clock by OFFSET seconds, build, print each product's digest and
# the head.modified of every embedded font.
BUILD = r"""
import hashlib, io, json, logging, sys, time
offset = float(sys.argv[2])
kinds = tuple(sys.argv[3].split(","))
real_time = time.time
time.time = lambda: real_time() + offset
import weasyprint.pdf.fonts
weasyprint.pdf.fonts.harfbuzz_subset = None
records = []
class Catch(logging.Handler):
    def emit(self, record):
        records.append(record.getMessage())
logging.getLogger("weasyprint").addHandler(Catch())
from pathlib import Path
from charterpress.source.load import read_source
from charterpress.commands.build import make_products
from charterpress.values import Options
from charterpress.source.schema import validate_source
source, problems = validate_source(read_source(Path(sys.argv[1])))
products = make_products(source, Options(products=kinds))
print(json.dumps({
    "digests": {p.name: hashlib.sha256(p.data).hexdigest() for p in products},
    "fonttools": any("Using fontTools" in r for r in records),
    "pdf": products[0].data.hex(),
}))
"""


def build_through_fonttools(offset: float, kinds: str = "cards,booklet", **env: str):
    """Start a build in a fresh process; return a function that waits for it and returns its report."""
    process = subprocess.Popen(
        [sys.executable, "-c", BUILD, str(CHARTER), str(offset), kinds],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}, **env},
    )

    def report() -> dict:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-3000:]
        return json.loads(out)

    return report


def font_dates(pdf: bytes) -> set[int]:
    """Return the ``head.modified`` (seconds since 1970) of every TrueType/OpenType font embedded."""
    dates = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            for key in ("/FontFile2", "/FontFile3"):
                if key in descriptor:
                    data = descriptor[key].get_object().get_data()
                    if data[:4] != b"\x01\x00\x04\x00":  # a bare CFF table has no head
                        dates.add(TTFont(io.BytesIO(data))["head"].modified + epoch_diff)
    return dates


def test_fonttools_builds_are_byte_identical_whatever_the_clock():
    first, second = build_through_fonttools(0), build_through_fonttools(3 * 86400 + 17)
    first, second = first(), second()  # the two builds run side by side
    assert first["fonttools"] and second["fonttools"], "the fontTools path was not taken"
    assert first["digests"] == second["digests"]
    # ...because the one date in the fonts is the source's, not the clock's.
    year = load(CHARTER).charter.meta.year or reproducible.FALLBACK_YEAR
    assert font_dates(bytes.fromhex(first["pdf"])) == {calendar.timegm((year, 1, 1, 0, 0, 0))}


def test_source_date_epoch_from_the_environment_wins():
    built = build_through_fonttools(0, "cards", SOURCE_DATE_EPOCH="1735689600")()
    assert font_dates(bytes.fromhex(built["pdf"])) == {1735689600}


def test_harfbuzz_builds_are_byte_identical():
    source = load(CHARTER)
    first = make_products(source, Options(products=("cards",)))
    second = make_products(source, Options(products=("cards",)))
    assert [hashlib.sha256(p.data).digest() for p in first] == [
        hashlib.sha256(p.data).digest() for p in second
    ]


def test_the_date_comes_from_the_source_year(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    charter = load(ROOT / "sources" / "glostrup.yaml").charter
    with_year = charter.model_copy(update={"meta": charter.meta.model_copy(update={"year": 2024})})
    assert reproducible.epoch_of(with_year) == 1704067200  # 2024-01-01T00:00:00Z
    no_year = charter.model_copy(update={"meta": charter.meta.model_copy(update={"year": None})})
    assert reproducible.epoch_of(no_year) == 315532800  # 1980-01-01


def test_the_environment_overrides_and_is_restored(monkeypatch):
    charter = load(CHARTER).charter
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    with reproducible.source_date(charter) as epoch:
        assert epoch == 1234567890
    assert os.environ["SOURCE_DATE_EPOCH"] == "1234567890"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    with reproducible.source_date(charter) as epoch:
        assert os.environ["SOURCE_DATE_EPOCH"] == str(epoch)
    assert "SOURCE_DATE_EPOCH" not in os.environ


@pytest.mark.parametrize("value", ["yesterday", "1.5", "-9999999999"])
def test_a_bad_source_date_epoch_is_one_clear_error(monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(BuildError, match="SOURCE_DATE_EPOCH"):
        reproducible.from_environment()
