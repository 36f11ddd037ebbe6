"""Progress on long builds: a live display on a terminal, plain lines elsewhere, one summary."""

from __future__ import annotations

import io
import shutil

import pytest
from charterpress.__main__ import main
from charterpress.commands import build as pipeline
from charterpress.commands import progress
from charterpress.values import Product
from support import SOURCES


def fake_products(source, options, only=None, made=None):
    """Stand in for the renderers: cheap."""
    return [
        Product(f"{source.slug}-cards-print.pdf", b"%PDF-1.7 " + b"x" * 2000, 4, ("a note",)),
        Product(f"{source.slug}-booklet.pdf", b"%PDF-1.7 " + b"y" * 1_500_000, 16),
    ]


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "make_products", fake_products)
    (tmp_path / "sources").mkdir()
    for slug in ("glostrup", "ishoej"):
        shutil.copy(SOURCES / f"{slug}.yaml", tmp_path / "sources" / f"{slug}.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_plain_lines_and_one_summary_when_stderr_is_not_a_terminal(project, capsys):
    assert main(["build", "-j", "1", "--no-preview"]) == 0
    out, err = capsys.readouterr()
    assert out.split() == [
        str(project / "dist" / slug / f"{slug}-{kind}.pdf")
        for slug in ("glostrup", "ishoej")
        for kind in ("cards-print", "booklet")
    ] + [str(project / "dist" / "index.html")]
    lines = err.splitlines()
    assert "rendering 2 charters: glostrup, ishoej" in lines
    assert any(line.startswith("[1/2] glostrup: rendered: 2 PDFs, 20 pages") for line in lines)
    assert any(line.startswith("[2/2] ishoej: rendered: 2 PDFs, 20 pages") for line in lines)
    header = lines.index(next(line for line in lines if line.startswith("charter")))
    table = lines[header:]
    assert table[0].split() == ["charter", "output", "pages", "size", "time"]
    assert table[1].split()[:4] == ["glostrup", "glostrup-cards-print.pdf", "4", "2"]
    assert table[2].split()[:4] == ["glostrup-booklet.pdf", "16", "1.5", "MB"]
    assert table[-1].startswith("2 charters built, 0 up to date; 40 pages, 3.0 MB;")
    # Nothing changed: one line.
    assert main(["build", "--no-preview"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("2 charters up to date;") and err.count("\n") == 1


def test_quiet_says_only_what_went_wrong(project, capsys):
    assert main(["build", "-q", "-j", "1", "--no-preview"]) == 0
    # No paths, no progress, no summary: only the warnings (here the products' notes).
    assert capsys.readouterr() == ("", "glostrup: a note\nishoej: a note\n")


def test_a_terminal_gets_the_live_display_and_a_table():
    terminal = Terminal()
    shown = progress.for_terminal(quiet=False, stream=terminal)
    assert isinstance(shown, progress.LiveProgress)
    assert isinstance(
        progress.for_terminal(quiet=False, stream=io.StringIO()), progress.PlainProgress
    )
    assert type(progress.for_terminal(quiet=True, stream=terminal)) is progress.Progress
    done = pipeline.Built(
        "north", fake_products(type("S", (), {"slug": "north"}), None), seconds=2.5
    )
    shown.begin(["north", "south"])
    shown.advance(done)
    shown.end()
    assert "north: rendered: 2 PDFs, 20 pages, 1 note; 1.5 MB; 2.5 s" in terminal.getvalue()
    table = Terminal()
    progress.print_summary([done, pipeline.Built("south", skipped=True)], 3.0, table)
    text = table.getvalue()
    for word in ("charter", "north-booklet.pdf", "south", "up to date", "1 charter built"):
        assert word in text
