"""load -> validate -> model -> render -> impose -> write: the orchestrator, with timing and summary."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from . import __version__, project, reproducible
from .errors import BuildError, CharterError, Problem, SourceError
from .load import find_sources, read_source
from .output import Manifest, Product, locked, sha256, tree_digest, write_all
from .schema import Source, validate_source

log = logging.getLogger(__name__)


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


def load_sources(paths: list[Path], default_dir: Path) -> list[Source]:
    """Read and validate every source; raise one SourceError with all problems of all files."""
    files = find_sources(paths, default_dir)
    if not files:
        where = ", ".join(str(p) for p in paths) if paths else str(default_dir)
        raise SourceError(Problem(where, None, None, "", "no charter sources (*.yaml) found"))
    problems: list[Problem] = []
    sources: list[Source] = []
    for path in files:
        try:
            raw = read_source(path)
        except SourceError as error:
            problems.extend(error.problems)
            continue
        source, found = validate_source(raw)
        problems.extend(found)
        if source:
            sources.append(source)
    if problems:
        raise SourceError(problems)
    return sources


def make_products(source: Source, options: Options) -> list[Product]:
    """Render every product of one charter (pure: no file is written)."""
    from . import booklet, cards

    makers = {"cards": cards.make, "booklet": booklet.make}
    products: list[Product] = []
    with reproducible.source_date(source.charter):  # fonts subset by fontTools get this date
        for name in options.products:
            products.extend(makers[name](source, options))
    return products


def inputs_key(source: Source, options: Options) -> str:
    """Return the cache key of everything a charter's outputs depend on."""
    return sha256(
        "|".join(
            (
                __version__,
                version("weasyprint"),  # not imported: a no-change build never loads it
                source.digest,
                _code_digest(project.root()),
                repr(options.marks),
                ",".join(options.products),
                repr(reproducible.from_environment()),
            )
        ).encode()
    )


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
    sources = load_sources(paths, default_dir)
    with locked(out_dir):
        manifest = Manifest.read(out_dir)
        keys = {s.slug: inputs_key(s, options) for s in sources}
        stale = [
            s for s in sources if options.force or not manifest.fresh(out_dir, s.slug, keys[s.slug])
        ]
        results = {s.slug: Built(s.slug, skipped=True) for s in sources if s not in stale}
        for slug in results:
            log.info("%s: up to date", slug)
        rendered = _render_all(stale, options)
        if rendered:
            written = write_all(out_dir, {s.slug: products for s, products, _ in rendered})
            for source, products, seconds in rendered:
                paths_ = written[source.slug]
                manifest.record(out_dir, source.slug, keys[source.slug], paths_)
                results[source.slug] = Built(source.slug, products, paths_, seconds)
            manifest.write(out_dir)
    for source, products, _ in rendered:
        for product in products:
            log.info("%s: %s (%d pages)", source.slug, product.name, product.pages)
            for note in product.notes:
                log.warning("%s: %s", source.slug, note)
    return [results[s.slug] for s in sources]


def _timed(source: Source, options: Options) -> tuple[Source, list[Product], float]:
    started = time.perf_counter()
    products = make_products(source, options)
    return source, products, time.perf_counter() - started


def _render_all(stale: list[Source], options: Options) -> list[tuple[Source, list[Product], float]]:
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
        with ProcessPoolExecutor(max_workers=min(options.jobs, len(stale))) as pool:
            futures = [pool.submit(_timed, source, options) for source in stale]
            for future in futures:
                try:
                    done.append(future.result())
                except CharterError as error:
                    problems.extend(error.problems)
    if problems:
        raise BuildError(problems)
    return done
