"""The preflight in every build: the five charters pass, seeded defects become located lines,
and independent tools (pdfplumber, Ghostscript) agree with what it says about the print files."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from charterpress import project
from charterpress.prepress import preflight
from PIL import Image
from pypdf import PdfReader
from support import DATA, SOURCES, products_of

CHARTERS = [*sorted(SOURCES.glob("*.yaml")), DATA / "unlike-the-five.yaml"]
PRINT = ("booklet-print", "cards-print")


def made(path: Path) -> dict[str, bytes]:
    files = {}
    for kind in ("booklet", "cards"):
        files.update({n: p.data for n, p in products_of(path, kind).items()})
    return files


def cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "charterpress", "build", "-j", "1", "--no-preview", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize("path", CHARTERS, ids=lambda p: p.stem)
def test_the_print_files_pass_the_preflight_and_the_report_says_so(path: Path) -> None:
    products = {**products_of(path, "booklet"), **products_of(path, "cards")}
    report = preflight.Report()
    for kind in PRINT:
        name = f"{path.stem}-{kind}.pdf"
        preflight.check_file(name, products[name].data, report)
    assert report.errors == [], [f.text() for f in report.errors]
    for kind in PRINT:
        m = report.measures[f"{path.stem}-{kind}.pdf"]
        assert m.thinnest is None or m.thinnest >= preflight.MIN_RULE_PT - 0.01
        assert 0 < m.ink <= preflight.MAX_INK
    # the build writes its own report (each product built alone holds the lines of its file)
    text = products_of(path, "cards")[f"{path.stem}-preflight.txt"].data.decode()
    assert "Result: passed, 0 errors" in text
    assert f"{path.stem}-cards-print.pdf" in text and "thinnest line" in text


@pytest.mark.parametrize("path", CHARTERS, ids=lambda p: p.stem)
def test_no_translucent_or_neutral_rgb_text_in_the_print_files_read_by_pdfplumber(
    path: Path,
) -> None:
    """An independent read (pdfminer) of every character's fill colour: neutral type is K only."""
    files = made(path)
    for kind in PRINT:
        with pdfplumber.open(io.BytesIO(files[f"{path.stem}-{kind}.pdf"])) as pdf:
            for page in pdf.pages:
                for char in page.chars:
                    colour = char["non_stroking_color"]
                    if not isinstance(colour, (list, tuple)) or len(colour) != 3:
                        continue  # CMYK (4) or grey (1): no RGB to judge
                    r, g, b = colour
                    light = min(colour) >= 0.85  # paper white or a pale tint on a field
                    neutral = max(colour) - min(colour) <= preflight.NEUTRAL
                    assert light or not neutral, (kind, page.page_number, char["text"], colour)
                    if char["size"] < 9 and char["text"].isalnum():
                        assert light, (kind, page.page_number, char["text"], colour, char["size"])


@pytest.mark.parametrize("path", CHARTERS[:5], ids=lambda p: p.stem)
def test_no_extgstate_of_the_print_files_is_translucent(path: Path) -> None:
    from pypdf import PdfReader

    for kind in PRINT:
        reader = PdfReader(io.BytesIO(made(path)[f"{path.stem}-{kind}.pdf"]))
        for number, page in enumerate(reader.pages, 1):
            states = page["/Resources"].get("/ExtGState") or {}
            for name, state in states.get_object().items():
                state = state.get_object()
                for key in ("/ca", "/CA"):
                    assert float(state.get(key, 1)) == 1, (kind, number, name, key)


@pytest.mark.parametrize("path", CHARTERS[:5], ids=lambda p: p.stem)
def test_ghostscript_finds_no_page_over_300_percent_ink(path: Path, tmp_path: Path) -> None:
    """Ghostscript renders each print page as CMYK through the output-intent profile (36 dpi)."""
    profile = project.DATA / "assets" / "icc" / "FOGRA39L-coated.icc"
    for kind in PRINT:
        pdf = tmp_path / f"{kind}.pdf"
        pdf.write_bytes(made(path)[f"{path.stem}-{kind}.pdf"])
        done = subprocess.run(
            [
                "gs",
                "-q",
                "-dSAFER",
                "-dBATCH",
                "-dNOPAUSE",
                "-sDEVICE=ink_cov",
                "-o",
                "-",
                str(pdf),
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        )
        lines = [row.split() for row in done.stdout.splitlines() if row.strip().endswith("OK")]
        assert len(lines) == len(PdfReader(io.BytesIO(pdf.read_bytes())).pages)
        for values in lines:  # ink_cov: the page's average ink per channel, in %
            assert sum(float(v) for v in values[:4]) <= preflight.MAX_INK
        subprocess.run(
            [
                "gs",
                "-q",
                "-dSAFER",
                "-dBATCH",
                "-dNOPAUSE",
                "-sDEVICE=tiff32nc",
                "-r36",
                f"-sOutputICCProfile={profile}",
                "-o",
                str(tmp_path / f"{kind}-%03d.tif"),
                str(pdf),
            ],
            capture_output=True,
            check=True,
            timeout=600,
        )
        for tif in sorted(tmp_path.glob(f"{kind}-*.tif")):
            image = Image.open(tif)
            assert image.mode == "CMYK"
            bands = [b.getextrema()[1] for b in image.split()]
            if sum(bands) <= preflight.MAX_INK * 2.55:
                continue
            peak = max(
                sum(image.getpixel((x, y))) for y in range(image.height) for x in range(image.width)
            )
            assert peak <= preflight.MAX_INK * 2.55 + 3, (kind, tif.name, peak / 2.55)


def project_with(tmp_path: Path, source: Path, extra: dict[str, str | bytes] | None = None) -> Path:
    (tmp_path / "sources").mkdir()
    shutil.copy(source, tmp_path / "sources" / source.name)
    for name, content in (extra or {}).items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode())
    return tmp_path


def test_rgb_grey_text_in_a_project_layout_is_one_located_line_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    slug = "cards-english"
    project = project_with(
        tmp_path,
        DATA / f"{slug}.yaml",
        {f"layouts/{slug}/cards-theme.css": ".question { color: #555555; }\n"},
    )
    done = cli(project, "--only", "cards")
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if "neutral text must be K only" in line]
    assert len(lines) == 1, done.stderr
    assert re.match(
        rf"sources/{slug}\.yaml: {slug}-cards-print\.pdf page \d+: grey text '.+' \(", lines[0]
    ), lines[0]
    assert "RGB #555555" in lines[0]
    assert "Traceback" not in done.stderr
    assert not (project / "dist" / slug / f"{slug}-cards-print.pdf").exists()


def test_translucent_text_in_a_project_layout_is_refused(tmp_path: Path) -> None:
    slug = "cards-english"
    project = project_with(
        tmp_path,
        DATA / f"{slug}.yaml",
        {f"layouts/{slug}/cards-theme.css": ".question { opacity: 0.6; }\n"},
    )
    done = cli(project, "--only", "cards")
    assert done.returncode == 1, done.stderr
    assert re.search(r"cards-print\.pdf page \d+: text '.+' .* at 60% opacity", done.stderr), (
        done.stderr
    )


def _figure_project(tmp_path: Path, width_px: int) -> Path:
    image = Image.new("RGB", (width_px, width_px // 2), (30, 90, 160))
    png = io.BytesIO()
    image.save(png, "PNG")
    text = (DATA / "format-blocks.yaml").read_text(encoding="utf-8")
    project = project_with(
        tmp_path, DATA / "format-blocks.yaml", {"sources/figure.png": png.getvalue()}
    )
    shutil.copy(DATA / "logo.png", project / "sources" / "logo.png")
    (project / "sources" / "format-blocks.yaml").write_text(text, encoding="utf-8")
    return project


def figure_line() -> int:
    lines = (DATA / "format-blocks.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if "figure: figure.png" in line)


def test_a_150_dpi_image_is_a_located_warning_in_the_report(tmp_path: Path) -> None:
    # the figure prints 900 px over 199 dpi's width (see the report of tests/data), so
    # 900 * 150 / 199 px prints at 150 dpi
    project = _figure_project(tmp_path, round(900 * 151 / 199.3))
    done = cli(project, "--only", "booklet")
    assert done.returncode == 0, done.stderr
    report = (project / "dist" / "format-blocks" / "format-blocks-preflight.txt").read_text()
    assert re.search(
        r"warning: format-blocks-booklet-print\.pdf page \d+: an image prints at 15\d dpi", report
    ), report
    line = f"sources/format-blocks.yaml:{figure_line()}: front[0].body[3].figure: "
    assert line in done.stdout + done.stderr, done.stdout + done.stderr


def test_a_100_dpi_image_is_a_located_error(tmp_path: Path) -> None:
    project = _figure_project(tmp_path, round(900 * 100 / 199.3))
    done = cli(project, "--only", "booklet")
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if "dpi (under 150)" in line]
    assert len(errors) == 1, done.stderr
    assert errors[0].startswith(
        f"sources/format-blocks.yaml:{figure_line()}: front[0].body[3].figure: "
    )
    assert "'figure.png'" in errors[0]
