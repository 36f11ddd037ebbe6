"""pytest's own parts: the fixtures, the hooks, the hypothesis profiles.

The helpers tests import (paths, ``load``, ``products_of``, the PDF checkers) are in
support.py. Importing this file imports no WeasyPrint: ``pytest tests/source/test_schema.py`` and the
other pure tests never load the renderer.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from hypothesis import settings
from support import PROFILE, RUN, SOURCES, _cached_pipeline_build, _shared_folder

# Property tests (tests/test_properties.py): `ci` (8 examples, 10-16 s each) runs in
# `make test`, `fuzz` (300) in `make fuzz`.
# CI's examples are derandomized (the same 30 every run: a red CI is a bug, not bad luck);
# fuzz explores anew each time. Builds take seconds, so no deadline.
settings.register_profile("ci", max_examples=8, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("fuzz", max_examples=300, deadline=None, print_blob=True)
settings.load_profile(PROFILE)

# A build in a test renders in the test's own process unless the test asks for workers (-j 2):
# pytest -n 2 keeps both cores busy, and each worker a build starts would load the fonts anew
# (a second of CPU per build). Subprocesses inherit it; a developer's own value wins.
os.environ.setdefault("CHARTERPRESS_JOBS", "1")


LONGEST_FIRST = (
    "test_properties.py",
    "test_any_charter.py",
    "test_facilitation.py",
    "test_browser.py",
    "test_pdfx.py",
    "test_mutations.py",
)
"""The files that take longest (``--durations``), started first: under ``pytest -n 2 --dist
loadfile`` a file is a unit of work, and a long one taken last leaves the other process idle.
(``make test`` passes ``--no-loadscope-reorder``: xdist would otherwise hand out first the files
with the most tests, whatever this order says.)"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the longest files first (stable otherwise): the same order in every process."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture
def no_warnings(caplog):
    """Fail the test if the code under test logs a warning (WeasyPrint's own included)."""
    caplog.set_level(logging.WARNING)
    yield
    bad = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not bad, [r.getMessage() for r in bad]


@pytest.fixture(scope="session")
def built_dist(tmp_path_factory) -> Path:
    """Return a dist/ of every charter in sources/: PDFs, previews and index.html, via the pipeline."""
    out = tmp_path_factory.mktemp("built") / "dist"
    _cached_pipeline_build([], out)
    return out


@pytest.fixture(scope="session")
def dist_of(tmp_path_factory):
    """Return a function: slug -> a dist/ of that one charter of sources/, via the pipeline.

    For tests of one charter's folder (dist/SLUG/): its PDFs and previews are those built_dist
    holds (the same cached renders), without building every other charter first, as a copied
    project with one more charter (test_any_charter.py) would for the sixth alone."""
    made: dict[str, Path] = {}

    def dist(slug: str) -> Path:
        if slug not in made:
            out = tmp_path_factory.mktemp(f"built-{slug}") / "dist"
            _cached_pipeline_build([SOURCES / f"{slug}.yaml"], out)
            made[slug] = out
        return made[slug]

    return dist


@pytest.fixture(autouse=True)
def _project_folder_reset():
    """Give every test the default project folder back: a test that calls ``project.use(tmp)``
    must not leave the next test (in the same process, whatever the order) reading from it."""
    from charterpress import project

    yield
    project.use(None)


def pytest_sessionfinish(session) -> None:
    """The run's shared builds go when the run ends (the controller, not each process)."""
    if RUN is not None and not hasattr(session.config, "workerinput"):
        import shutil

        shutil.rmtree(_shared_folder(), ignore_errors=True)
