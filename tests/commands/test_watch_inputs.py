"""`watch` rebuilds on every file a charter is built from, and starts before sources/ exists."""

from __future__ import annotations

import shutil
from pathlib import Path

from support import DATA
from test_watch import REBUILD_TIMEOUT, START_TIMEOUT, Watcher

SOURCE = """\
meta:
  municipality: Northbridge Borough Council
  title: How we lead
  language: en
theme:
  logo: {file: img/logo.png, alt: The borough's arms}
sections:
  - id: direction
    title: Direction
    body:
      - lead: "As a leader I:"
        commitments:
          - text: explain my reasons openly to everyone
            question: What do you explain least well?
"""


def test_an_image_or_a_hyphenation_list_saved_rebuilds_the_charter(tmp_path):
    sources = tmp_path / "sources"
    (tmp_path / "img").mkdir()  # outside sources/: watched because the source names it
    shutil.copy(DATA / "logo.png", tmp_path / "img" / "logo.png")
    sources.mkdir()
    (sources / "north.yaml").write_text(
        SOURCE.replace("img/logo.png", "../img/logo.png"), encoding="utf-8"
    )
    watcher = Watcher(tmp_path, "--no-preview", "--only", "booklet")
    try:
        watcher.wait_for("watching", START_TIMEOUT)
        pdf = tmp_path / "dist" / "north" / "north-booklet.pdf"
        before = pdf.read_bytes()
        shutil.copy(DATA / "figure.png", tmp_path / "img" / "logo.png")  # another image
        assert "north: rebuilt" in watcher.wait_for("north:", REBUILD_TIMEOUT)
        assert pdf.read_bytes() != before
        (sources / "north.hyphenation.txt").write_text("every-one\n", encoding="utf-8")
        assert "north: rebuilt" in watcher.wait_for("north:", REBUILD_TIMEOUT)
        (sources / "north.hyphenation.txt").write_text(
            "every-one\nnot an entry here\n", encoding="utf-8"
        )
        line = watcher.wait_for("north: not rebuilt", REBUILD_TIMEOUT, "err")
        assert "the last good files stay" in line
        problems = [text for name, text in watcher.seen if name == "err"]
        assert any(
            text.startswith(str(Path("sources") / "north.hyphenation.txt") + ":2")
            for text in problems
        ), problems
    finally:
        code = watcher.stop()
    assert code == 130, watcher.seen


def test_a_sources_folder_made_after_watch_started_is_watched(tmp_path):
    watcher = Watcher(tmp_path, "--no-preview", "--only", "cards")
    try:
        watcher.wait_for("watching", START_TIMEOUT)
        (tmp_path / "sources").mkdir()
        (tmp_path / "sources" / "north.yaml").write_text(
            SOURCE.replace(
                "  logo: {file: img/logo.png, alt: The borough's arms}\n", "  name: civic\n"
            ),
            encoding="utf-8",
        )
        assert "north: rebuilt" in watcher.wait_for("north:", REBUILD_TIMEOUT)
        assert (tmp_path / "dist" / "north" / "north-cards-print.pdf").is_file()
    finally:
        code = watcher.stop()
    assert code == 130, watcher.seen
