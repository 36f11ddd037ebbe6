"""The suite follows sources/: a sixth charter added there is built and tested like the five.

A copy of the project's tests and sources, with one more charter in sources/, runs the tests
that take their charters from sources/. Every test parametrized by charter must pick the new one
up (and pass), and the tests that count the charters must count six. Nothing else changes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from support import DATA, ROOT, SOURCES

SIXTH = DATA / "booklet-english.yaml"
"""An English charter with every part the booklet knows, unlike the five Danish ones."""
SLUG = "exampleton"
SCHEMA_LINE = "# yaml-language-server: $schema=charter.schema.json\n"
ENUMERATING = ("summarises_every_charter", "questions_are_unique_across_decks")
"""Tests that run once over all charters (not parametrized by one)."""


def test_a_sixth_charter_in_sources_is_picked_up_and_passes(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(
        ROOT / "tests", project / "tests", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    shutil.copytree(SOURCES, project / "sources")
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")  # pytest's settings
    sixth = project / "sources" / f"{SLUG}.yaml"  # as `charterpress new` starts one: schema first
    sixth.write_text(SCHEMA_LINE + SIXTH.read_text(encoding="utf-8"), encoding="utf-8")
    shared = ROOT.parent / "shared"
    if shared.is_dir():  # the content tests' ../shared/seeds, as beside the checkout
        (tmp_path / "shared").symlink_to(shared)
    selected = f"({' or '.join((SLUG, *ENUMERATING))}) and not sixth_charter"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-rs", "-k", selected],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=900,
        # not this run's shared builds (support.RUN): the copy's own, and its end removes none
        env={
            **{k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_TESTRUNUID"},
            "PYTHONDONTWRITEBYTECODE": "1",
        },
    )
    tail = result.stdout[-4000:] + result.stderr[-2000:]
    assert result.returncode == 0, tail
    passed = int(re.search(r"(\d+) passed", result.stdout)[1])
    assert "failed" not in result.stdout.splitlines()[-1], tail
    # The sixth charter reaches the per-charter tests of every kind: building, its words in the
    # deck and the booklet, hyphenation in its language, the schema, the checkers, the content.
    # (Read from the run's own verbose lines, ``tests/test_x.py::test_y[exampleton] PASSED``:
    # the files whose exampleton tests passed, not only were collected, and no second pytest.)
    files = {
        line.split("::")[0].rsplit("/", 1)[-1]
        for line in result.stdout.splitlines()
        if SLUG in line.split(" ")[0] and " PASSED" in line
    }
    assert files >= {
        f"{name}.py"
        for name in (
            "test_outputs",
            "test_hyphenation",
            "test_schema",
            "test_accessibility",
            "test_content",
            "test_booklet",
            "test_cards",
        )
    }, tail
    assert passed >= 30, tail
