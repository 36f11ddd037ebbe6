"""load -> validate -> model -> render -> impose -> write: the orchestrator, with timing and summary."""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, project, reproducible
from .errors import BuildError, CharterError, Problem, SourceError
from .load import RawSource, find_sources, read_source
from .output import Manifest, Product, locked, sha256, tree_digest, write_all

if TYPE_CHECKING:  # schema.py imports pydantic: a no-change build does without it
    from .schema import Source

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
"""prctl(2): the signal a process gets when its parent dies (linux/prctl.h)."""


@dataclass(frozen=True)
class Options:
    """What the user asked of a build beyond the sources themselves."""

    marks: bool = False
    """Crop marks outside the bleed on the print-shop PDFs."""
    products: tuple[str, ...] = ("cards", "booklet")
    force: bool = False
    """Rebuild even when nothing changed."""
    jobs: int = 1
    """How many charters to render at once (processes)."""


@dataclass
class Built:
    """What happened to one charter in a build."""

    slug: str
    products: list[Product] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    skipped: bool = False


@dataclass
class Rendered:
    """One charter rendered (in memory), and what the rendering read besides its layouts."""

    source: Source
    products: list[Product]
    seconds: float
    reads: dict[str, str] = field(default_factory=dict)
    """Project files the renderer read outside layouts/ and assets/ (a logo): path -> SHA-256."""


def read_sources(paths: list[Path], default_dir: Path) -> list[RawSource]:
    """Read every source's bytes; raise one SourceError with every file that cannot be read."""
    files = find_sources(paths, default_dir)
    if not files:
        where = ", ".join(str(p) for p in paths) if paths else str(default_dir)
        raise SourceError(Problem(where, None, None, "", "no charter sources (*.yaml) found"))
    problems: list[Problem] = []
    raws: list[RawSource] = []
    for path in files:
        try:
            raws.append(read_source(path))
        except SourceError as error:
            problems.extend(error.problems)
    if problems:
        raise SourceError(problems)
    return raws


def validate_sources(raws: list[RawSource]) -> list[Source]:
    """Validate every source; raise one SourceError with all problems of all files."""
    from .schema import validate_source

    problems: list[Problem] = []
    sources: list[Source] = []
    for raw in raws:
        source, found = validate_source(raw)
        problems.extend(found)
        if source:
            sources.append(source)
    if problems:
        raise SourceError(problems)
    return sources


def load_sources(paths: list[Path], default_dir: Path) -> list[Source]:
    """Read and validate every source; raise one SourceError with all problems of all files."""
    return validate_sources(read_sources(paths, default_dir))


def make_products(source: Source, options: Options) -> list[Product]:
    """Render every product of one charter (pure: no file is written), and prove it.

    The proof (``proof.py``) runs on every build: every character in a bundled font before
    layout; every card face and the screen booklet holding their texts (inside ``cards`` and
    ``booklet``, on the layout they made); every embedded font a bundled one.
    """
    from . import booklet, cards, hyphenate, proof

    proof.check_glyphs(source)
    makers = {"cards": cards.make, "booklet": booklet.make}
    products: list[Product] = []
    with (
        reproducible.source_date(source.charter),  # fonts subset by fontTools get this date
        hyphenate.charter_exceptions(source.hyphenation),  # SLUG.hyphenation.txt
    ):
        for name in options.products:
            products.extend(makers[name](source, options))
    for product in products:
        proof.check_fonts(source, product.name, product.data)
    return products


def inputs_key(raw: RawSource, options: Options) -> str:
    """Return the cache key of what a charter's outputs depend on, from the source's bytes.

    Computed before validation, so that a rebuild with nothing changed needs neither the
    schema (pydantic) nor the renderer (WeasyPrint). The other files a charter's rendering
    reads (a logo, a figure) are checked by the manifest (``Manifest.fresh``).
    """
    return sha256(
        "|".join(
            (
                __version__,
                _libraries(),
                sha256(raw.data),
                sha256(raw.hyphenation) if raw.hyphenation is not None else "",
                _code_digest(project.root()),
                repr(options.marks),
                ",".join(options.products),
                repr(reproducible.from_environment()),
            )
        ).encode()
    )


RENDERING_LIBRARIES = ("weasyprint", "pydyf", "pypdf", "pyphen")
"""The libraries whose upgrade changes the PDFs."""


@lru_cache(maxsize=1)
def _libraries() -> str:
    """Return a stamp of the installed rendering libraries, without importing them.

    Each library's ``__init__.py`` (location, size, modification time) changes when it is
    upgraded; importlib.metadata would cost more than the rest of a no-change build.
    """
    stamps = []
    for name in RENDERING_LIBRARIES:
        spec = find_spec(name)
        origin = Path(spec.origin) if spec and spec.origin else None
        info = origin.stat() if origin else None
        stamps.append(f"{name}:{origin}:{info.st_size}:{info.st_mtime_ns}" if info else name)
    return ";".join(stamps)


@lru_cache(maxsize=4)
def _code_digest(root: Path) -> str:
    """Return the digest of the code and of every layout, label and font a build of ``root`` may read."""
    folders = [project.PACKAGE]
    for base in dict.fromkeys((project.DATA, root)):
        folders += [base / f for f in project.DATA_FOLDERS if (base / f).is_dir()]
    return tree_digest(*dict.fromkeys(folders))


def build(paths: list[Path], default_dir: Path, out_dir: Path, options: Options) -> list[Built]:
    """Build every charter, all or nothing: nothing is written unless every stale charter rendered.

    A source with problems stops the build before anything is rendered; a charter that fails
    to render stops it before anything is written. A second build of the same output folder
    waits for this one (see ``output.locked``).
    """
    raws = read_sources(paths, default_dir)
    with locked(out_dir):
        manifest = Manifest.read(out_dir)
        keys = {r.slug: inputs_key(r, options) for r in raws}
        changed = [
            r for r in raws if options.force or not manifest.fresh(out_dir, r.slug, keys[r.slug])
        ]
        names = {r.slug for r in changed}
        results = {r.slug: Built(r.slug, skipped=True) for r in raws if r.slug not in names}
        stale = validate_sources(changed) if changed else []
        for slug in results:
            log.info("%s: up to date", slug)
        rendered = _render_all(stale, options)
        if rendered:
            written = write_all(out_dir, {r.source.slug: r.products for r in rendered})
            for r in rendered:
                slug = r.source.slug
                manifest.record(out_dir, slug, keys[slug], written[slug], r.reads)
                results[slug] = Built(slug, r.products, written[slug], r.seconds)
            manifest.write(out_dir)
    for r in rendered:
        for product in r.products:
            log.info("%s: %s (%d pages)", r.source.slug, product.name, product.pages)
            for note in product.notes:
                log.warning("%s: %s", r.source.slug, note)
    return [results[r.slug] for r in raws]


def _timed(source: Source, options: Options) -> Rendered:
    from .render import project_files_read

    started = time.perf_counter()
    with project_files_read() as reads:
        products = make_products(source, options)
    return Rendered(source, products, time.perf_counter() - started, reads)


def _render_all(stale: list[Source], options: Options) -> list[Rendered]:
    """Render every stale charter (in processes when asked); raise every failure as one error."""
    problems: list[Problem] = []
    done = []
    if options.jobs <= 1 or len(stale) <= 1:
        for source in stale:
            try:
                done.append(_timed(source, options))
            except CharterError as error:
                problems.extend(error.problems)
    else:
        outcomes = _render_parallel(stale, options)
        for source in stale:
            outcome = outcomes[source.slug]
            if isinstance(outcome, CharterError):
                problems.extend(outcome.problems)
            else:
                done.append(outcome)
    if problems:
        raise BuildError(problems)
    return done


def _render_parallel(stale: list[Source], options: Options) -> dict[str, object]:
    """Render charters in worker processes, largest first; return each result or CharterError.

    The workers die with the build: each asks the kernel for SIGKILL when its parent dies
    (``_worker_started``), so a build killed with SIGKILL leaves none running; on Ctrl-C (or
    any other error) the build kills them itself before it stops.
    """
    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    pool = ProcessPoolExecutor(
        max_workers=min(options.jobs, len(stale)),
        mp_context=context,
        initializer=_worker_started,
        initargs=(os.getpid(),),
    )
    outcomes: dict[str, object] = {}
    try:
        largest_first = sorted(stale, key=lambda s: -len(s.lines))  # fields: a size
        futures = {pool.submit(_timed, s, options): s.slug for s in largest_first}
        for future in as_completed(futures):
            try:
                outcomes[futures[future]] = future.result()
            except CharterError as error:
                outcomes[futures[future]] = error
    except BaseException:
        for child in multiprocessing.active_children():
            child.kill()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return outcomes


def _worker_started(parent: int) -> None:
    """Set up a worker process: die with the parent; leave Ctrl-C to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform != "linux":
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no prctl: workers finish, then exit
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
