"""`charterpress serve` in headless Chromium: edit a source → new text; break it → the error; fix it → back."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
pytestmark = pytest.mark.skipif(
    not CHROMIUM,
    reason="no Chromium on this machine: install Debian's chromium package "
    "(apt-get install chromium; .ci/run does so when it runs as root)",
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]

SOURCE = """\
meta:
  municipality: Northbridge Borough Council
  title: How we lead
  language: en
sections:
  - id: direction
    title: Direction
    body:
      - lead: "As a leader I:"
        commitments:
          - text: explain my reasons openly
            question: What do you explain least well?
          - text: ask my team what got in their way
            question: What got in your team's way this week?
"""
WAIT_MS = 90_000
"""A rebuild of a small charter takes seconds; the machine may be busy."""


@pytest.fixture
def served(tmp_path: Path):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "north.yaml").write_text(SOURCE, encoding="utf-8")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "charterpress",
            "serve",
            "--port",
            "0",
            "--no-preview",
            "--only",
            "cards",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        match = re.match(r"serving (http://127\.0\.0\.1:\d+/)", line)
        assert match, line + process.stderr.read()
        url = match[1]
        deadline = time.monotonic() + WAIT_MS / 1000
        while "watching" not in line and time.monotonic() < deadline:  # the first build is done
            line = process.stdout.readline()
        yield url, tmp_path / "sources" / "north.yaml", process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_serve_binds_localhost_and_serves_dist(served):
    url, _, _ = served
    assert url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(url + "north/north-cards-print.pdf", timeout=10) as response:
        assert response.read(5) == b"%PDF-"
    with urllib.request.urlopen(url + "index.html", timeout=10) as response:
        assert b"north-cards-print.pdf" in response.read()


def test_edit_break_and_fix_in_the_browser(served):
    playwright = pytest.importorskip("playwright.sync_api")
    url, source, process = served
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page()
            page.goto(url)
            page.get_by_text("explain my reasons openly").wait_for(timeout=WAIT_MS)
            # edit: the page reloads itself with the new text
            source.write_text(
                SOURCE.replace("explain my reasons openly", "explain my reasons kindly"),
                encoding="utf-8",
            )
            page.get_by_text("explain my reasons kindly").wait_for(timeout=WAIT_MS)
            # break: the located line stands in place of the charter
            source.write_text(
                SOURCE.replace("    title: Direction", "    titel: Direction"), encoding="utf-8"
            )
            alert = page.locator("pre.problems")
            alert.wait_for(timeout=WAIT_MS)
            assert re.search(
                r"sources/north\.yaml:7:5: sections\[0\]\.titel: unknown key", alert.inner_text()
            )
            assert page.get_by_text("explain my reasons kindly").count() == 0
            # the last good files stay
            assert (source.parent.parent / "dist" / "north" / "north-cards-print.pdf").is_file()
            # fix: the cards come back
            source.write_text(
                SOURCE.replace("explain my reasons openly", "explain my reasons at last"),
                encoding="utf-8",
            )
            page.get_by_text("explain my reasons at last").wait_for(timeout=WAIT_MS)
            assert page.locator("pre.problems").count() == 0
        finally:
            browser.close()
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 130


def test_serve_draft_shows_a_charter_whose_questions_are_not_written(tmp_path):
    (tmp_path / "sources").mkdir()
    text = SOURCE.replace("            question: What do you explain least well?\n", "")
    (tmp_path / "sources" / "north.yaml").write_text(text, encoding="utf-8")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "charterpress",
            "serve",
            "--draft",
            "--port",
            "0",
            "--no-preview",
            "--only",
            "cards",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = re.match(r"serving (http://127\.0\.0\.1:\d+/)", process.stdout.readline())[1]
        line = ""
        while "watching" not in line:
            line = process.stdout.readline()
            assert line, process.stderr.read()
        with urllib.request.urlopen(url, timeout=10) as response:
            page = response.read().decode("utf-8")
        assert "(no question yet)" in page and 'pre class="problems"' not in page
        assert "/north-draft/north-draft-cards-print.pdf" in page
        assert (
            tmp_path / "dist" / "drafts" / "north-draft" / "north-draft-cards-print.pdf"
        ).is_file()
        assert not (tmp_path / "dist" / "north").exists()
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 130
