"""load -> validate -> model -> render -> impose -> write: the orchestrator, with timing and summary."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from . import __version__, index
from .errors import Problem, SourceError
from .layouts import ASSETS, LAYOUTS
from .load import find_sources, read_source
from .output import PREVIEWS, Manifest, Product, Shrunk, sha256, tree_digest, write_products
from .progress import Progress
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
    previews: bool = True
    """Make PNG previews (dist/SLUG/preview/) and keep them current."""


@dataclass
class Built:
    """What happened to one charter in a build."""

    slug: str
    products: list[Product] = field(default_factory=list)
    """The PDFs made (empty when they were current)."""
    paths: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    skipped: bool = False
    """Nothing was made: PDFs and previews were current."""
    previews: list[Product] = field(default_factory=list)
    preview_paths: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Job:
    """One charter's work for a worker: render its PDFs and previews, or only the previews."""

    source: Source
    options: Options
    pdfs_current: bool = False
    """The PDFs on disk are current: read them and make only the previews."""
    folder: Path | None = None
    """Where the current PDFs are (``dist/SLUG``)."""
    shrunk: tuple[Shrunk, ...] = ()
    """The faces shrunk when the current PDFs were built (for the contact sheet)."""


@dataclass(frozen=True)
class Done:
    """A worker's answer."""

    source: Source
    products: list[Product]
    previews: list[Product]
    seconds: float


def load_sources(paths: list[Path], default_dir: Path) -> list[Source]:
    """Read and validate every source; raise one SourceError with all problems of all files."""
    files = find_sources(paths, default_dir)
    if not files:
        raise SourceError(
            Problem(str(default_dir), None, None, "", "no charter sources (*.yaml) found")
        )
    problems: list[Problem] = []
    sources: list[Source] = []
    for path in files:
        try:
            raw = read_source(path)
        except OSError as error:
            problems.append(Problem(str(path), None, None, "", f"cannot read: {error.strerror}"))
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
                _code_digest(),
                repr(options.marks),
                ",".join(options.products),
            )
        ).encode()
    )


@lru_cache(maxsize=1)
def _code_digest() -> str:
    return tree_digest(Path(__file__).resolve().parent, LAYOUTS, ASSETS)


def build(
    paths: list[Path],
    default_dir: Path,
    out_dir: Path,
    options: Options,
    progress: Progress | None = None,
) -> list[Built]:
    """Build every charter; a source with problems stops the build before anything is written.

    A charter whose PDFs are current is not rendered again; if only its previews are missing
    or stale, they are made from the PDFs on disk. ``dist/index.html`` is rewritten at the end.
    """
    sources = load_sources(paths, default_dir)
    progress = progress or Progress()
    manifest = Manifest.read(out_dir)
    jobs: list[Job] = []
    results: dict[str, Built] = {}
    for source in sources:
        slug = source.slug
        key = inputs_key(source, options)
        if options.force or not manifest.fresh(out_dir, slug, key):
            jobs.append(Job(source, options))
        elif options.previews and not manifest.previews_fresh(out_dir, slug):
            jobs.append(Job(source, options, True, out_dir / slug, manifest.shrunk(slug)))
        else:
            results[slug] = Built(slug, skipped=True)
            log.debug("%s: up to date", slug)
    if paths == [] and default_dir.is_dir():  # a full build: forget charters whose source is gone
        gone = set(manifest.entries) - {s.slug for s in sources}
        for slug in sorted(gone):
            log.info("%s: no longer in %s; left out of the index", slug, default_dir)
            del manifest.entries[slug]
    progress.begin([job.source.slug for job in jobs])
    for done in _render_all(jobs):
        source = done.source
        slug = source.slug
        built = Built(slug, done.products, seconds=done.seconds, previews=done.previews)
        if done.products:
            built.paths = write_products(out_dir, slug, done.products)
            manifest.record(
                out_dir, slug, inputs_key(source, options), built.paths, done.products, info(source)
            )
        if options.previews:
            built.preview_paths = write_products(out_dir, slug, done.previews)
            manifest.record_previews(out_dir, slug, built.preview_paths, done.previews)
        _remove_old_previews(out_dir / slug, built.preview_paths)
        manifest.write(out_dir)
        results[slug] = built
        for product in done.products:
            log.debug("%s: %s (%d pages)", slug, product.name, product.pages)
            for note in product.notes:
                log.warning("%s: %s", slug, note)
        progress.advance(built)
    if jobs or not (out_dir / index.INDEX).exists():
        index.write(out_dir, manifest)
    progress.end()
    return [results[s.slug] for s in sources]


def info(source: Source) -> dict[str, str]:
    """Return what the distribution page shows of a charter besides its files."""
    meta = source.charter.meta
    sheet = source.charter.theme.sheet
    return {
        "title": meta.title,
        "subtitle": meta.subtitle or "",
        "municipality": meta.municipality,
        "language": meta.language,
        "flip": sheet.flip,
        "mode": sheet.mode,
        "colour": source.charter.theme.colour,
    }


def _remove_old_previews(folder: Path, written: list[Path]) -> None:
    """Delete the previews of an earlier build that this one did not make (pages that are gone)."""
    keep = set(written)
    for path in (folder / PREVIEWS).glob("*.png"):
        if path not in keep:
            path.unlink(missing_ok=True)


def _work(job: Job) -> Done:
    """Render one charter (in a worker process when building in parallel)."""
    started = time.perf_counter()
    source, options = job.source, job.options
    if job.pdfs_current:
        products: list[Product] = []
        assert job.folder is not None
        pdfs = {p.name: p.read_bytes() for p in job.folder.glob("*.pdf")}
        shrunk = job.shrunk
    else:
        products = make_products(source, options)
        pdfs = {p.name: p.data for p in products}
        shrunk = tuple(face for p in products for face in p.shrunk)
    previews: list[Product] = []
    if options.previews:
        from . import preview
        from .layouts import labels

        charter = source.charter
        previews = preview.make(
            source.slug,
            pdfs,
            words=labels(charter.meta.language),
            title=charter.meta.title,
            shrunk=shrunk,
        )
    return Done(source, products, previews, time.perf_counter() - started)


def _render_all(jobs: list[Job]):
    """Yield each job's Done as it finishes, in processes when asked."""
    workers = min(max(j.options.jobs for j in jobs), len(jobs)) if jobs else 0
    if workers <= 1:
        for job in jobs:
            yield _work(job)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_work, job) for job in jobs]
        yield from (future.result() for future in as_completed(futures))
