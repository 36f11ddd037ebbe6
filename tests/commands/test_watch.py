"""`charterpress watch`: a save rebuilds that charter only; a broken source keeps its last PDFs."""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from support import DATA, ctrl_c_as_in_a_terminal

START_TIMEOUT = 180.0
"""The first build renders two small decks; on a busy CI machine that may take a while."""
REBUILD_TIMEOUT = 90.0


class Watcher:
    """`charterpress watch` in a subprocess, its output read line by line."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.seen: list[tuple[str, str]] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "charterpress", "watch", *args],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            preexec_fn=ctrl_c_as_in_a_terminal,
        )
        for name, stream in (("out", self.process.stdout), ("err", self.process.stderr)):
            threading.Thread(target=self._read, args=(name, stream), daemon=True).start()

    def _read(self, name: str, stream) -> None:
        for line in stream:
            self.lines.put((name, line.rstrip("\n")))

    def wait_for(self, text: str, timeout: float, stream: str = "out") -> str:
        """Return the first line of ``stream`` containing ``text``; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                name, line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.process.poll() is None, f"watch exited: {self.seen}"
                continue
            self.seen.append((name, line))
            if name == stream and text in line:
                return line
        raise AssertionError(f"no line with {text!r} within {timeout:.0f} s: {self.seen}")

    def drain(self, seconds: float) -> list[tuple[str, str]]:
        """Return what is printed within ``seconds``."""
        got = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                got.append(self.lines.get(timeout=0.1))
        self.seen += got
        return got

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_saved_source_rebuilds_its_charter_and_no_other(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    layouts = tmp_path / "layouts" / "alpha"  # the project's own layouts: watched too
    layouts.mkdir(parents=True)
    (layouts / "cards-extra.css").write_text("/* nothing yet */\n", encoding="utf-8")
    for slug in ("alpha", "beta"):
        shutil.copy(DATA / "preview-shrunk.yaml", sources / f"{slug}.yaml")
    alpha = tmp_path / "dist" / "alpha" / "alpha-cards-print.pdf"
    beta = tmp_path / "dist" / "beta" / "beta-cards-print.pdf"
    watcher = Watcher(tmp_path, "--only", "cards", "--no-preview")
    try:
        watcher.wait_for("watching", START_TIMEOUT)
        first = [line for name, line in watcher.seen if name == "out"]
        assert any(" alpha: rebuilt: 5 PDFs" in line for line in first), first
        assert any(" beta: rebuilt: 5 PDFs" in line for line in first), first
        assert (tmp_path / "dist" / "index.html").is_file()
        beta_before = (beta.read_bytes(), beta.stat().st_mtime_ns)
        alpha_before = alpha.read_bytes()

        edit(sources / "alpha.yaml", "I say thank you", "I say thank you, and mean it")
        line = watcher.wait_for("alpha:", REBUILD_TIMEOUT)
        assert "alpha: rebuilt: 5 PDFs" in line, line
        assert not any("beta" in text for _, text in watcher.drain(1.5))
        assert alpha.read_bytes() != alpha_before
        assert (beta.read_bytes(), beta.stat().st_mtime_ns) == beta_before  # one charter rebuilt

        # A mistake: its lines are printed, the last good PDFs stay, watch waits for the next save.
        good = alpha.read_bytes()
        edit(sources / "alpha.yaml", "question: Whom", "qestion: Whom")
        line = watcher.wait_for("alpha: not rebuilt", REBUILD_TIMEOUT, "err")  # beside its problems
        problems = [text for name, text in watcher.seen if name == "err"]
        problems += [text for name, text in watcher.drain(0.5) if name == "err"]
        assert any(
            text.startswith("sources/alpha.yaml:") and "qestion" in text for text in problems
        ), watcher.seen
        assert "Traceback" not in "\n".join(text for _, text in watcher.seen)
        assert alpha.read_bytes() == good

        # Put right again: the source is what the last good PDFs were built from.
        edit(sources / "alpha.yaml", "qestion: Whom", "question: Whom")
        assert "alpha: up to date" in watcher.wait_for("alpha:", REBUILD_TIMEOUT)

        # A saved layout rebuilds every charter (its digest is part of every charter's key).
        (layouts / "cards-extra.css").write_text("/* a change */\n", encoding="utf-8")
        lines = [watcher.wait_for(": rebuilt", REBUILD_TIMEOUT)]
        lines.append(watcher.wait_for(": rebuilt", REBUILD_TIMEOUT))
        assert sorted(line.split()[1] for line in lines) == ["alpha:", "beta:"], lines
    finally:
        code = watcher.stop()
    assert code == 130, watcher.seen  # Ctrl-C, as for build
