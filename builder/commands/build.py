"""load -> validate -> model -> render -> impose -> write: the orchestrator, with timing and summary."""

from __future__ import annotations

import ctypes
import dataclasses
import logging
import multiprocessing
import os
import signal
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__, project
from ..errors import BuildError, CharterError, Problem, SourceError
from ..output import outdir, reproducible
from ..output.write import PREVIEWS, Manifest, locked, tree_digest, write_all
from ..products import index, registry
from ..source.draft import drafting as _drafting
from ..source.load import RawSource, find_sources, read_source
from ..values import Built, Options, Product, Shrunk, sha256
from .progress import Progress

if TYPE_CHECKING:  # schema.py imports pydantic: a no-change build does without it
    from ..values import Source

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
"""prctl(2): the signal a process gets when its parent dies (linux/prctl.h)."""


@dataclass(frozen=True)
class Job:
    """One charter's work for a worker: render its PDFs (and previews), or only the previews."""

    slug: str
    options: Options
    source: Source | None = None
    """The validated source to render; None when the PDFs on disk are current."""
    folder: Path | None = None
    """Where the current PDFs are (``dist/SLUG``), for a previews-only job."""
    files: tuple[str, ...] = ()
    """The current PDFs' names (the manifest's: not whatever else lies in the folder)."""
    shrunk: tuple[Shrunk, ...] = ()
    """The faces shrunk when the current PDFs were built (for the contact sheet)."""
    info: dict[str, str] = field(default_factory=dict)
    """The charter's title and language when it was built (a previews-only job has no source)."""
    products: tuple[str, ...] | None = None
    """The products this job makes, a part of its charter's build (``parts``), with their
    previews; None: the whole charter."""
    made: tuple[Product, ...] | None = None
    """Given, the job makes the products that read these (its charter's parts' files): the job
    sheet and the preflight, its charter's last job."""

    @property
    def size(self) -> int:
        """Return how big the job is, roughly (largest first keeps the workers busy)."""
        return len(self.source.lines) if self.source else 0


@dataclass
class Rendered:
    """One charter's job done (in memory), and what the rendering read besides its layouts."""

    slug: str
    products: list[Product]
    seconds: float
    reads: dict[str, str] = field(default_factory=dict)
    """Project files the renderer read outside layouts/ and assets/ (a logo): path -> SHA-256."""
    previews: list[Product] = field(default_factory=list)
    with_previews: bool = False
    """Previews were asked for (``previews`` is then all of them, possibly none)."""
    source: Source | None = None


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
    from ..source.schema import validate_source

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


def check_cards(raws: list[RawSource], sources: list[Source], out_dir: Path) -> list[Problem]:
    """Tell, for each charter, whether every card's text fits its card; return the problems.

    A charter whose default build in ``out_dir`` is up to date has been proven to fit by that
    build. The others have their card faces laid out (no booklet, no PDF written): about a
    tenth of a build. Shrunk cards are logged as warnings, as a build does.
    """
    from ..products.cards import deck
    from ..text import hyphenate

    manifest = Manifest.read(out_dir) if out_dir.is_dir() else Manifest()
    problems: list[Problem] = []
    for raw, source in zip(raws, sources, strict=True):
        if manifest.fresh(out_dir, raw.slug, inputs_key(raw, Options())):
            log.info("%s: cards fit (proven by the build in %s)", source.slug, out_dir)
            continue
        try:
            with hyphenate.charter_exceptions(source.hyphenation):  # as make_products
                notes = deck.check_fit(source)
        except CharterError as error:
            problems.extend(error.problems)
            continue
        for note in notes:
            log.warning("%s: %s", source.slug, note)
    return problems


def make_products(
    source: Source,
    options: Options,
    only: tuple[str, ...] | None = None,
    made: tuple[Product, ...] | None = None,
) -> list[Product]:
    """Render the products of one charter (pure: no file is written), and prove them.

    The proof (``proof.py``) runs on every build: every character in a bundled font before
    layout; every card face and the screen booklet holding their texts (inside ``cards`` and
    ``booklet``, on the layout they made); every embedded font a bundled one. The products
    that read the others' files (the job sheet, the preflight) are made last, of them.

    A build in parallel makes a charter in parts: ``only`` these of its ``parts`` (and none of
    the readers); then ``made`` given, only the readers, of those files.
    """
    if made is not None:
        return make_readers(source, options, list(made))
    if only is not None:
        return make_part(source, options, only)
    from ..layout import proof

    proof.check_glyphs(source)
    products = make_part(source, options)
    return products + make_readers(source, options, products)


def parts(options: Options) -> tuple[str, ...]:
    """Return the products a build of ``options`` makes that read no other's files, in build
    order: each can be made apart from the others (a job of its own, ``_render_parallel``)."""
    return tuple(p.name for p in registry.chosen(options.products, options.draft) if not p.reads)


def make_part(
    source: Source, options: Options, names: tuple[str, ...] | None = None
) -> list[Product]:
    """Make the products ``names`` of one charter (None: every one of ``parts``) and prove them:
    their fonts bundled ones, the screen booklet's text layer the source's words. A draft's
    PDFs come back stamped (and a draft makes PDFs only)."""
    from ..layout import textlayer

    chosen = [
        p
        for p in registry.chosen(options.products, draft=options.draft)
        if not p.reads and (names is None or p.name in names)
    ]
    products = _made(source, options, chosen, [])
    textlayer.check_products(source, products)  # the screen booklet's words, read back
    if options.draft:
        from ..layout.templates import labels
        from ..source import draft

        # A draft is PDFs only, each stamped: a face PNG, an HTML edition or an EPUB carries no
        # stamp, so one of them in dist/drafts/ could pass for a finished file.
        word = str(labels(source.charter.meta.language)["draft_mark"])
        products = [
            dataclasses.replace(p, data=draft.stamp(p.data, word))
            for p in products
            if p.name.endswith(".pdf")
        ]
    return products


def make_readers(source: Source, options: Options, made: list[Product]) -> list[Product]:
    """Make the products that read the files ``made`` (the job sheet, the preflight report;
    none in a draft) and prove them: their fonts, and each one's own check."""
    chosen = [p for p in registry.chosen(options.products, draft=options.draft) if p.reads]
    if not chosen:
        return []
    files = _made(source, options, chosen, made)
    for product in chosen:
        product.prove(source, [*made, *files])  # a product's own proof: the job sheet's text layer
    return files


def _made(
    source: Source, options: Options, chosen: list[registry.Registered], before: list[Product]
) -> list[Product]:
    """Make the ``chosen`` products in order (each given the files made before it) and prove
    that every font their PDFs embed is a bundled one."""
    from ..layout import proof, render
    from ..text import hyphenate

    products: list[Product] = []
    with (
        reproducible.source_date(source.charter),  # fonts subset by fontTools get this date
        hyphenate.charter_exceptions(source.hyphenation),  # SLUG.hyphenation.txt
        render.fonts_embedded() as embedded,
    ):
        for product in chosen:
            products.extend(product.make(source, options, [*before, *products]))
    proof.check_embedded_fonts(source, embedded, products)
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
                ",".join(p.name for p in registry.chosen(options.products)),
                "draft" if options.draft else "",
                repr(reproducible.from_environment()),
                *_order_options(options),
            )
        ).encode()
    )


def _order_options(options: Options) -> tuple[str, ...]:
    """Return the key's words for ``--quantity``, ``--offset`` and ``--booklet-offset``: none
    when none is given (the key of a build without them stays what it was)."""
    given = []
    if options.quantity is not None:
        given.append(f"quantity={options.quantity}")
    if options.offset is not None:
        given.append(f"offset={options.offset[0]!r},{options.offset[1]!r}")
    if options.booklet_offset is not None:
        x, y = options.booklet_offset
        given.append(f"booklet_offset={x!r},{y!r}")
    return tuple(given)


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
    disk. ``dist/index.html`` is brought up to date at the end. ``progress`` is told as each
    charter is done.
    """
    outdir.check(out_dir)  # ours, writable, not the project nor above it: before anything is read
    raws = read_sources(paths, default_dir)
    if options.draft:
        from ..source.draft import renamed

        raws = renamed(raws)
    progress = progress or Progress()
    with locked(out_dir):
        manifest = Manifest.read(out_dir)
        keys = {r.slug: inputs_key(r, options) for r in raws}
        changed = [
            r for r in raws if options.force or not manifest.fresh(out_dir, r.slug, keys[r.slug])
        ]
        names = {r.slug for r in changed}
        with _drafting(options.draft):
            stale = {s.slug: s for s in validate_sources(changed)} if changed else {}
        if stale:  # the labels, themes, layouts and fonts they will read: before rendering
            from .. import projectfiles
            from ..layout import proof

            projectfiles.check(list(stale.values()))
            problems = []
            for source in stale.values():  # every character in a bundled font: before rendering
                try:
                    proof.check_glyphs(source)
                except BuildError as error:
                    problems.extend(error.problems)
            if problems:
                raise BuildError(problems)
        jobs: list[Job] = []
        results: dict[str, Built] = {}
        for raw in raws:
            slug = raw.slug
            if slug in names:
                jobs.append(Job(slug, options, source=stale[slug]))
            elif options.previews and not manifest.previews_fresh(out_dir, slug):
                entry = manifest.entries[slug]
                jobs.append(
                    Job(
                        slug,
                        options,
                        folder=out_dir / slug,
                        files=tuple(entry["files"]),
                        shrunk=manifest.shrunk(slug),
                        info=dict(entry.get("info", {})),
                    )
                )
            else:
                results[slug] = Built(slug, skipped=True)
                log.debug("%s: up to date", slug)
        gone = _forget_gone(manifest, paths, default_dir, raws)
        outdir.check_folders(out_dir, [job.slug for job in jobs])  # writable: before rendering
        progress.begin([job.slug for job in jobs])
        try:
            rendered = _render_all(jobs, options, progress)
        finally:
            progress.end()
        if rendered:
            try:
                written = write_all(out_dir, {r.slug: [*r.products, *r.previews] for r in rendered})
            except OSError as error:  # all or nothing: name the folder, never a staged temp file
                raise BuildError(
                    f"--out {out_dir}: cannot be written ({error.strerror or error}); nothing "
                    "was written, the last good files are as they were"
                ) from None
            for r in rendered:
                results[r.slug] = _record(manifest, out_dir, r, written[r.slug], keys[r.slug])
        if rendered or gone:
            manifest.write(out_dir)
        if rendered or gone or not (out_dir / index.INDEX).is_file():
            index.write(out_dir, manifest)
    for r in rendered:
        for product in r.products:
            log.debug("%s: %s (%d pages)", r.slug, product.name, product.pages)
            for note in product.notes:
                log.warning("%s: %s", r.slug, note)
    return [results[r.slug] for r in raws]


def _record(manifest: Manifest, out_dir: Path, r: Rendered, paths: list[Path], key: str) -> Built:
    """Remember what a charter's job wrote; remove previews of pages that are gone."""
    pdf_paths, preview_paths = paths[: len(r.products)], paths[len(r.products) :]
    if r.products and r.source is not None:
        manifest.record(
            out_dir, r.slug, key, pdf_paths, r.reads, products=r.products, info=info(r.source)
        )
    if r.with_previews:
        manifest.record_previews(out_dir, r.slug, preview_paths, r.previews)
    _remove_old_previews(out_dir / r.slug, preview_paths)
    return Built(
        r.slug, r.products, pdf_paths, r.seconds, previews=r.previews, preview_paths=preview_paths
    )


def _forget_gone(
    manifest: Manifest, paths: list[Path], default_dir: Path, raws: list[RawSource]
) -> list[str]:
    """On a build of the whole sources folder, forget charters whose source is gone."""
    if paths:
        return []
    gone = sorted(set(manifest.entries) - {r.slug for r in raws})
    for slug in gone:
        log.info("%s: no source in %s any more; left out of the index", slug, default_dir)
        del manifest.entries[slug]
    return gone


def info(source: Source) -> dict[str, str]:
    """Return what the distribution page (and a later preview) needs of a charter besides its files."""
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
        # only where the deck has reflection cards: every other charter's entry stays as it was
        **({"reflection_cards": str(n)} if (n := source.charter.reflection_count) else {}),
    }


def _remove_old_previews(folder: Path, written: list[Path]) -> None:
    """Delete the previews of an earlier build that this one did not make (pages that are gone)."""
    keep = {p.resolve() for p in written}
    for path in [*(folder / PREVIEWS).glob("*.png"), *(folder / "cards").glob("*.png")]:
        if path.resolve() not in keep and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)


def _work(job: Job) -> Rendered:
    """Do one job: a whole charter, a part of it or its readers (in a worker process when
    building in parallel)."""
    from ..layout.render import project_files_read

    started = time.perf_counter()
    options = job.options
    reads: dict[str, str] = {}
    if job.source is not None:
        with project_files_read() as reads:
            products = make_products(job.source, options, job.products, job.made)
        pdfs = {p.name: p.data for p in products}
        shrunk = tuple(face for p in products for face in p.shrunk)
        language, title = job.source.charter.meta.language, job.source.charter.meta.title
        reflection = job.source.charter.reflection_count
    else:
        assert job.folder is not None
        products = []
        pdfs = {n: (job.folder / n).read_bytes() for n in job.files if n.endswith(".pdf")}
        shrunk = job.shrunk
        language, title = job.info.get("language", "en"), job.info.get("title", job.slug)
        reflection = index.reflection_cards(job.info)
    previews: list[Product] = []
    if options.previews and job.made is None:  # (the readers' files have no previews)
        from ..layout.templates import labels
        from ..products import previews as preview

        previews = preview.make(
            job.slug, pdfs, words=labels(language), title=title, shrunk=shrunk,
            reflection=reflection,
        )  # fmt: skip
    seconds = time.perf_counter() - started
    return Rendered(job.slug, products, seconds, reads, previews, options.previews, job.source)


def _advance(progress: Progress, r: Rendered) -> None:
    progress.advance(Built(r.slug, r.products, seconds=r.seconds, previews=r.previews))


def _render_all(jobs: list[Job], options: Options, progress: Progress) -> list[Rendered]:
    """Do every job (in processes when asked); raise every failure as one error.

    ``progress`` hears of each charter as it is done; the results come back in the jobs' order.
    """
    problems: list[Problem] = []
    done = []
    global _rendered_before
    split = [_split(job) for job in jobs]
    alone = len(jobs) == 1 and _rendered_before  # (a process that builds again: see _split)
    _rendered_before = _rendered_before or bool(jobs)
    if options.jobs <= 1 or sum(map(len, split)) <= 1 or alone:
        for job in jobs:
            try:
                done.append(_work(job))
            except CharterError as error:
                problems.extend(error.problems)
            else:
                _advance(progress, done[-1])
    else:
        outcomes = _render_parallel(split, options, progress)
        for job in jobs:
            outcome = outcomes[job.slug]
            if isinstance(outcome, CharterError):
                problems.extend(outcome.problems)
            else:
                done.append(outcome)
    if problems:
        raise BuildError(problems)
    return done


_rendered_before = False
"""This process has rendered before: it builds again (``watch``, ``serve``, a test)."""


def _split(job: Job) -> list[Job]:
    """Return a charter's job as jobs that can run at once: one per product that reads no
    other's files (its readers follow, ``_render_parallel``); a previews-only job stays one.

    A worker starts cold: it makes WeasyPrint's font configuration anew and loads the fonts
    (about a second of CPU). A first build pays that in its own process too, so one charter's
    parts run in two workers at once (a one-charter build of Ballerup: 11.7 s with ``-j 1``,
    9.0 s with ``-j 2``). A process that has rendered before builds a single charter itself,
    warm: cheaper than two cold workers (a small charter's rebuild: 1.9 s against 3.0 s).
    """
    if job.source is None:
        return [job]
    return [dataclasses.replace(job, products=(name,)) for name in parts(job.options)]


def _merged(job: Job, done: list[Rendered]) -> Rendered:
    """Return a charter's job done, from its jobs done (in build order)."""
    return Rendered(
        job.slug,
        [p for r in done for p in r.products],
        sum(r.seconds for r in done),
        {path: digest for r in done for path, digest in r.reads.items()},
        [p for r in done for p in r.previews],
        job.options.previews,
        job.source,
    )


def _render_parallel(
    split: list[list[Job]], options: Options, progress: Progress
) -> dict[str, object]:
    """Do the jobs in worker processes, largest first; return each charter's result or
    CharterError.

    A charter's jobs are its parts (``_split``: the deck, the booklet, each with its previews),
    then, when every part is done, the job of the products that read their files. A failed
    part fails its charter with the first failure in build order, as a build in one process
    would stop at it.

    The workers die with the build: each asks the kernel for SIGKILL when its parent dies
    (``_worker_started``), so a build killed with SIGKILL leaves none running; on Ctrl-C (or
    any other error) the build kills them itself before it stops.
    """
    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    pool = ProcessPoolExecutor(
        max_workers=min(options.jobs, sum(map(len, split))),
        mp_context=context,
        initializer=_worker_started,
        initargs=(os.getpid(),),
    )
    charter = {jobs[0].slug: jobs[0] for jobs in split}
    done: dict[str, list[Rendered | CharterError | None]] = {
        jobs[0].slug: [None] * len(jobs) for jobs in split
    }
    readers = any(p.reads for p in registry.chosen(options.products, options.draft))
    outcomes: dict[str, object] = {}
    futures: dict[Future, tuple[str, int]] = {}
    try:
        ordered = sorted(
            ((i, job) for jobs in split for i, job in enumerate(jobs)), key=lambda ij: -ij[1].size
        )
        for i, job in ordered:
            futures[pool.submit(_work, job)] = (job.slug, i)
        while futures:
            finished, _ = wait(futures, return_when=FIRST_COMPLETED)
            for future in finished:
                slug, i = futures.pop(future)
                try:
                    result: Rendered | CharterError = future.result()
                except CharterError as error:
                    result = error
                if i < 0:  # the readers' job: the charter is done
                    if isinstance(result, CharterError):
                        outcomes[slug] = result
                    else:
                        outcomes[slug] = whole = _merged(charter[slug], [*done[slug], result])  # type: ignore[list-item]
                        _advance(progress, whole)
                    continue
                done[slug][i] = result
                if None in done[slug]:  # (a part still running)
                    continue
                failed = next((r for r in done[slug] if isinstance(r, CharterError)), None)
                job = charter[slug]
                if failed is not None:
                    outcomes[slug] = failed
                elif job.source is not None and readers:
                    made = tuple(p for r in done[slug] for p in r.products)  # type: ignore[union-attr]
                    last = dataclasses.replace(job, products=None, made=made)
                    futures[pool.submit(_work, last)] = (slug, -1)
                else:
                    outcomes[slug] = whole = _merged(job, done[slug])  # type: ignore[arg-type]
                    _advance(progress, whole)
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
