"""`make` names each missing system package with the line that installs it, and stops."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from support import ROOT

LIBRARIES = {
    "pango": "\tlibpango-1.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libpango-1.0.so.0",
    "harfbuzz-subset": "\tlibharfbuzz-subset.so.0 (libc6,x86-64) => /lib/libharfbuzz-subset.so.0",
}


def make_system(tmp_path, *present: str) -> subprocess.CompletedProcess:
    """Run `make system` on a machine whose linker cache lists only ``present``."""
    fake = tmp_path / "bin"
    fake.mkdir()
    listing = "\n".join(LIBRARIES[name] for name in present)
    (fake / "ldconfig").write_text(f"#!/bin/sh\ncat <<'EOF'\n{listing}\nEOF\n", encoding="utf-8")
    (fake / "ldconfig").chmod(0o755)
    return subprocess.run(
        ["make", "-s", "--no-print-directory", "system"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"},
        timeout=60,
    )


pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def test_a_machine_with_both_libraries_passes(tmp_path):
    result = make_system(tmp_path, "pango", "harfbuzz-subset")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_without_harfbuzz_subset_make_stops_with_the_install_line(tmp_path):
    result = make_system(tmp_path, "pango")
    assert result.returncode != 0
    assert "missing system package libharfbuzz-subset0" in result.stderr
    assert "sudo apt-get install libharfbuzz-subset0" in result.stderr


def test_without_pango_make_stops_with_the_install_line(tmp_path):
    result = make_system(tmp_path, "harfbuzz-subset")
    assert result.returncode != 0
    assert "missing system package Pango" in result.stderr
    assert "sudo apt-get install libpango-1.0-0" in result.stderr
