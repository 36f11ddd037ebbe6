"""load -> validate -> model -> render -> impose -> write: the orchestrator, with timing and summary."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from . import __version__, index, project, reproducible
from .errors import BuildError, CharterError, Problem, SourceError
from .load import find_sources, read_source
from .output import PREVIEWS, Manifest, Product, Shrunk, locked, sha256, tree_digest, write_all
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
    files: tuple[str, ...] = ()
    """The current PDFs' names (the manifest's: not whatever else lies in the folder)."""
    shrunk: tuple[Shrunk, ...] = ()
    """The faces shrunk when the current PDFs were built (for the contact sheet)."""


@dataclass(frozen=True)
class Done:
    """A worker's answer: what it made of one charter."""

    source: Source
    products: list[Product]
    previews: list[Product]
    seconds: float
    with_previews: bool = True
    """Previews were asked for (``previews`` is then all of them, possibly none)."""


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


def build(
    paths: list[Path],
    default_dir: Path,
    out_dir: Path,
    options: Options,
    progress: Progress | None = None,
) -> list[Built]:
    """Build every charter, all or nothing: nothing is written unless every stale charter rendered.

    A source with problems stops the build before anything is rendered; a charter that fails
    to render stops it before anything is written. A second build of the same output folder
    waits for this one (see ``output.locked``). A charter whose PDFs are current is not
    rendered again; if only its previews are missing or stale, they are made from the PDFs on
    disk. ``dist/index.html`` is brought up to date at the end.
    """
    sources = load_sources(paths, default_dir)
    progress = progress or Progress()
    with locked(out_dir):
        manifest = Manifest.read(out_dir)
        keys = {s.slug: inputs_key(s, options) for s in sources}
        jobs: list[Job] = []
        results: dict[str, Built] = {}
        for source in sources:
            slug = source.slug
            if options.force or not manifest.fresh(out_dir, slug, keys[slug]):
                jobs.append(Job(source, options))
            elif options.previews and not manifest.previews_fresh(out_dir, slug):
                files = tuple(manifest.entries[slug]["files"])
                jobs.append(
                    Job(source, options, True, out_dir / slug, files, manifest.shrunk(slug))
                )
            else:
                results[slug] = Built(slug, skipped=True)
                log.debug("%s: up to date", slug)
        gone = _forget_gone(manifest, paths, default_dir, sources)
        progress.begin([job.source.slug for job in jobs])
        try:
            rendered = _render_all(jobs, progress)
        finally:
            progress.end()
        if rendered:
            written = write_all(
                out_dir, {d.source.slug: [*d.products, *d.previews] for d in rendered}
            )
            for done in rendered:
                results[done.source.slug] = _record(manifest, out_dir, done, written, keys)
        if rendered or gone:
            manifest.write(out_dir)
        if rendered or gone or not (out_dir / index.INDEX).is_file():
            index.write(out_dir, manifest)
    for done in rendered:
        for product in done.products:
            log.debug("%s: %s (%d pages)", done.source.slug, product.name, product.pages)
            for note in product.notes:
                log.warning("%s: %s", done.source.slug, note)
    return [results[s.slug] for s in sources]


def _record(
    manifest: Manifest,
    out_dir: Path,
    done: Done,
    written: dict[str, list[Path]],
    keys: dict[str, str],
) -> Built:
    """Remember what a charter's job wrote; remove previews of pages that are gone."""
    source = done.source
    slug = source.slug
    paths = written[slug]
    pdf_paths, preview_paths = paths[: len(done.products)], paths[len(done.products) :]
    if done.products:
        manifest.record(out_dir, slug, keys[slug], pdf_paths, done.products, info(source))
    if done.with_previews:
        manifest.record_previews(out_dir, slug, preview_paths, done.previews)
    _remove_old_previews(out_dir / slug, preview_paths)
    return Built(
        slug,
        done.products,
        pdf_paths,
        done.seconds,
        previews=done.previews,
        preview_paths=preview_paths,
    )


def _forget_gone(
    manifest: Manifest, paths: list[Path], default_dir: Path, sources: list[Source]
) -> list[str]:
    """On a build of the whole sources folder, forget charters whose source is gone."""
    if paths:
        return []
    gone = sorted(set(manifest.entries) - {s.slug for s in sources})
    for slug in gone:
        log.info("%s: no source in %s any more; left out of the index", slug, default_dir)
        del manifest.entries[slug]
    return gone


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
    keep = {p.resolve() for p in written}
    for path in (folder / PREVIEWS).glob("*.png"):
        if path.resolve() not in keep and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)


def _work(job: Job) -> Done:
    """Render one charter (in a worker process when building in parallel)."""
    started = time.perf_counter()
    source, options = job.source, job.options
    if job.pdfs_current:
        assert job.folder is not None
        products: list[Product] = []
        pdfs = {n: (job.folder / n).read_bytes() for n in job.files if n.endswith(".pdf")}
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
    return Done(source, products, previews, time.perf_counter() - started, options.previews)


def _render_all(jobs: list[Job], progress: Progress) -> list[Done]:
    """Do every job (in processes when asked), reporting each as it finishes.

    Raise every failure as one error, in the order of the sources; return the rest in that order.
    """
    failed: dict[int, list[Problem]] = {}
    done: dict[int, Done] = {}

    def finished(number: int, result: Done) -> None:
        done[number] = result
        progress.advance(
            Built(
                result.source.slug,
                result.products,
                seconds=result.seconds,
                previews=result.previews,
            )
        )

    workers = min(max((j.options.jobs for j in jobs), default=1), len(jobs))
    if workers <= 1:
        for number, job in enumerate(jobs):
            try:
                finished(number, _work(job))
            except CharterError as error:
                failed[number] = list(error.problems)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(_work, job): number for number, job in enumerate(jobs)}
            for future in as_completed(futures):
                try:
                    finished(futures[future], future.result())
                except CharterError as error:
                    failed[futures[future]] = list(error.problems)
    if failed:
        raise BuildError([p for number in sorted(failed) for p in failed[number]])
    return [done[number] for number in sorted(done)]
