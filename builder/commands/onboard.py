"""`charterpress onboard SLUG --roster FILE`: one personalised booklet per new leader.

Reads ``sources/SLUG.yaml`` (which must have an ``onboarding:`` part) and the roster, checks every
row first (``intake/roster.py``), makes each person's screen and print booklet
(``products/onboarding.py``) and proves them, and only then writes them all, at once, into
``dist/SLUG/onboarding/``. A problem anywhere is one line each, exit 1, and nothing is written.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, SourceError, UsageError
from ..output import outdir, reproducible
from ..output.write import MANIFEST, Manifest, locked, write_all

log = logging.getLogger(__name__)


@dataclass
class Onboarded:
    """What `onboard` wrote, and what it cost."""

    paths: list[Path] = field(default_factory=list)
    people: int = 0
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)


def onboard(slug: str, roster_file: Path, sources: Path, out: Path) -> Onboarded:
    """Make and write the onboarding booklets of every person in ``roster_file``."""
    from ..intake import roster
    from ..layout import proof, render
    from ..products import onboarding
    from ..projectfiles import check as check_project_files
    from ..source.load import read_source
    from ..source.schema import validate_source
    from ..text import hyphenate

    started = time.perf_counter()
    path = sources / f"{slug}.yaml"
    if not path.is_file():
        raise UsageError(Problem(str(path), None, None, "", "no such charter source"))
    source, problems = validate_source(read_source(path))
    if source is None:
        raise SourceError(problems)
    if source.charter.onboarding is None:
        raise SourceError(
            Problem(source.name, None, None, "", "has no 'onboarding:' part (a welcome letter "
                    "and a first-90-days plan) to make onboarding booklets from: add one, see "
                    "docs/source-format.md#onboarding")
        )  # fmt: skip
    people = roster.read(roster_file)
    outdir.check(out)
    check_project_files([source])
    proof.check_glyphs(source)
    with (
        reproducible.source_date(source.charter),
        hyphenate.charter_exceptions(source.hyphenation),
        render.fonts_embedded() as embedded,
    ):
        made = onboarding.make(source, people)
    proof.check_embedded_fonts(source, embedded, made.products)
    with locked(out):
        written = write_all(out, {slug: made.products})[slug]
        if not (out / MANIFEST).exists():  # the folder is a build's output folder from now on
            Manifest().write(out)
    return Onboarded(written, len(people), time.perf_counter() - started, made.seconds)


def add_parser(sub) -> object:
    """Add `charterpress onboard` to the command line; return its parser."""
    parser = sub.add_parser(
        "onboard",
        help="personalised onboarding booklets for new leaders, from a roster (.xlsx or .csv)",
        description="Make one screen booklet and one print booklet per person of the roster "
        "(columns: name, unit, start date, manager; in Danish or English) into "
        "dist/SLUG/onboarding/: a cover to the person, the charter's welcome letter, the "
        "first-90-days plan with its dates, the charter and the reflection pages. Every row is "
        "checked first; a bad row is one line, and nothing is written.",
    )
    parser.add_argument("slug", metavar="SLUG", help="the charter (sources/SLUG.yaml)")
    parser.add_argument(
        "--roster", type=Path, required=True, metavar="FILE", help="the roster (.xlsx or .csv)"
    )
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="output folder (default: dist in the project)"
    )
    return parser
