"""`charterpress watch`: build, then rebuild what changed each time a file is saved.

A saved source rebuilds that charter; a saved layout or asset rebuilds every charter (the
incremental build skips what it does not touch). Each rebuild prints one line. A source
with problems prints them and is left alone until the next save: its last good PDFs stay.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

from .. import project
from ..errors import CharterError
from ..source.load import find_sources
from ..values import Options
from .build import build
from .progress import describe

SOURCE_SUFFIXES = {".yaml", ".yml"}
WAKE_MS = 500
"""The watcher wakes this often without a change (to notice Ctrl-C and the first run)."""


def watch(
    paths: list[Path],
    default_dir: Path,
    out_dir: Path,
    options: Options,
    *,
    stop: threading.Event | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    verbose: bool = False,
    on_rebuild=None,
) -> None:
    """Build the sources, then rebuild on every save until interrupted (or ``stop`` is set).

    ``on_rebuild(slug, problems)``, if given, is told of each rebuild (``problems`` empty when
    it succeeded): `charterpress serve` reloads the browser with it.
    """
    from watchfiles import DefaultFilter
    from watchfiles import watch as changes_of

    out = out or sys.stdout
    err = err or sys.stderr
    roots = _source_roots(paths, default_dir)
    data = [*project.layers("layouts"), *project.layers("assets")]
    watched = [*roots, *data, *_image_folders(find_sources(paths, default_dir))]
    shown = ", ".join(dict.fromkeys(_shown(p) for p in watched))  # images beside sources/: once
    if not verbose:  # the products' notes ('card 4 shrunk …') are counted in each line
        logging.getLogger("charterpress.pipeline").setLevel(logging.ERROR)
    logging.getLogger("watchfiles").setLevel(logging.ERROR)
    started = False
    # The first (empty) batch comes once the watcher runs: build then, so that a save made
    # during the first build is seen too.
    for batch in changes_of(
        *_existing(watched),
        watch_filter=DefaultFilter(),
        stop_event=stop,
        raise_interrupt=False,
        rust_timeout=WAKE_MS,
        yield_on_timeout=True,
    ):
        if not started:
            started = True
            for source in find_sources(paths, default_dir):
                _rebuild(source, default_dir, out_dir, options, out, err, on_rebuild)
            print(f"watching {shown} (Ctrl-C stops)", file=out, flush=True)
            continue
        output = out_dir.resolve()  # our own writes are no reason to rebuild
        changed = {Path(p).resolve() for _, p in batch}
        changed = {p for p in changed if not p.is_relative_to(output)}
        if any(root.resolve() in changed for root in roots):
            # a sources/ made after the start: a file saved into it at once may come before
            # the watcher sees the folder, so everything in it counts as changed
            changed |= {s.resolve() for s in find_sources(paths, default_dir)}
        for source in _affected(changed, paths, default_dir, data) if changed else []:
            _rebuild(source, default_dir, out_dir, options, out, err, on_rebuild)
    if stop is None or not stop.is_set():
        raise KeyboardInterrupt  # Ctrl-C ended the watcher: exit 130, as build does


def _existing(paths: list[Path]) -> list[Path]:
    """Return the folders to hand the watcher: a folder not made yet (a sources/ created after
    watch started) is watched through its nearest existing parent."""
    found: list[Path] = []
    for path in paths:
        while not path.exists() and path.parent != path:
            path = path.parent
        if path.exists() and path.resolve() not in [f.resolve() for f in found]:
            found.append(path)
    return found


def _uses(source: Path) -> set[Path]:
    """Return the files besides the source a charter is built from: its hyphenation list and
    the images it names (read from the YAML as it stands; a broken source names none)."""
    import yaml

    from ..source.schema import image_fields

    used = {source.with_name(f"{source.stem}.hyphenation.txt").resolve()}
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return used
    for _, file in image_fields(data):
        used.add((source.parent / file).resolve())
    return used


def _image_folders(sources: list[Path]) -> list[Path]:
    """Return the folders of the images the sources name (those outside sources/ too)."""
    root = project.root().resolve()
    folders: list[Path] = []
    for source in sources:
        for used in _uses(source):
            folder = used.parent
            if folder.is_relative_to(root) and folder not in folders:
                folders.append(folder)
    return folders


def _source_roots(paths: list[Path], default_dir: Path) -> list[Path]:
    """Return the folders to watch for sources (a named file: its folder)."""
    roots = [p if p.is_dir() else p.parent for p in paths] if paths else [default_dir]
    unique: list[Path] = []
    for root in roots:
        if root.resolve() not in [u.resolve() for u in unique]:
            unique.append(root)
    return unique


def _shown(path: Path) -> str:
    with contextlib.suppress(ValueError):
        path = path.resolve().relative_to(Path.cwd().resolve())
    return f"{path}/"


def _affected(
    changed: set[Path], paths: list[Path], default_dir: Path, data: list[Path]
) -> list[Path]:
    """Return the sources a batch of changes touches: all of them if a layout or asset changed."""
    sources = find_sources(paths, default_dir)
    if any(p.is_relative_to(root.resolve()) for p in changed for root in data):
        forget_caches()
        return sources
    return [
        s
        for s in sources
        if (s.resolve() in changed and s.suffix in SOURCE_SUFFIXES) or changed & _uses(s)
    ]


def forget_caches() -> None:
    """Clear every cache of charterpress (labels, hyphenation exceptions, fonts, code digest).

    They hold what layouts and assets said when first read; after a save those are stale.
    """
    for name, module in list(sys.modules.items()):
        if name == "charterpress" or name.startswith("charterpress."):
            for value in list(vars(module).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear) and getattr(value, "__module__", None) == name:
                    clear()


def _rebuild(
    source: Path,
    default_dir: Path,
    out_dir: Path,
    options: Options,
    out: TextIO,
    err: TextIO,
    on_rebuild=None,
) -> None:
    """Rebuild one charter and print one line; on problems print them and keep the last PDFs."""
    stamp = time.strftime("%H:%M:%S")
    try:
        (built,) = build([source], default_dir, out_dir, options)
    except CharterError as error:
        for problem in error.problems:
            print(problem, file=err)
        print(
            f"{stamp} {source.stem}: not rebuilt ({len(error.problems)} problem"
            f"{'' if len(error.problems) == 1 else 's'}); the last good files stay; "
            "waiting for the next save",
            file=err,  # on the stream of the problem lines above it
            flush=True,
        )
        if on_rebuild:
            on_rebuild(source.stem, [str(p) for p in error.problems])
        return
    except OSError as error:
        print(f"{stamp} {source.stem}: {error.filename or ''}: {error.strerror or error}", file=err)
        if on_rebuild:
            on_rebuild(source.stem, [f"{error.filename or ''}: {error.strerror or error}"])
        return
    print(f"{stamp} {describe(built)}", file=out, flush=True)
    if on_rebuild:
        on_rebuild(source.stem, [])
