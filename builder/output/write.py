"""dist/: output paths, atomic writes, and the manifest that makes a no-change rebuild free."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import project
from ..errors import BuildError
from ..products import registry
from ..source.slugs import SLUG_PATTERN, inside
from ..values import Product, Shrunk, sha256

log = logging.getLogger(__name__)

MANIFEST = ".charterpress-manifest.json"
PREVIEWS = "preview"
"""The folder of a charter's PNG previews, inside ``dist/SLUG/``."""
LOCK_WAIT = 600.0
"""Seconds a build waits for another build writing the same output folder."""
MAX_INPUT_BYTES = 200_000_000
"""The largest file a manifest's inputs may name (an image)."""
SUBFOLDERS = (PREVIEWS, *registry.folders())
"""The folders inside ``dist/SLUG/`` that products are written into (face PNGs, the HTML edition)."""
_FILE_NAME = re.compile(rf"(({'|'.join(SUBFOLDERS)})/)?[a-z0-9][a-z0-9.-]*")
"""A file name in the manifest: ``glostrup-booklet.pdf``, ``preview/glostrup-cards.png``."""


@dataclass
class Manifest:
    """What was built from which inputs: ``{slug: {"key": …, "files": {name: sha256}}}``."""

    entries: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def read(cls, out_dir: Path) -> Manifest:
        """Read the manifest in ``out_dir``; a missing one is empty, a damaged or foreign one too.

        Nothing in it is trusted: a file that is not exactly what we write is ignored with a
        warning, so everything is rebuilt.
        """
        path = out_dir / MANIFEST
        if not path.exists():
            return cls()
        try:
            if not path.is_file() or path.stat().st_size > 10_000_000:
                raise ValueError("not a small regular file")
            entries = json.loads(path.read_text(encoding="utf-8"))
            _check_shape(entries)
        except (OSError, ValueError, UnicodeDecodeError, RecursionError) as error:
            log.warning(
                "%s: damaged or foreign manifest ignored (%s); rebuilding everything",
                path,
                str(error)[:80],
            )
            return cls()
        return cls(entries)

    def fresh(self, out_dir: Path, slug: str, key: str) -> bool:
        """Tell whether ``slug``'s outputs were built from ``key`` and are still on disk unchanged."""
        entry = self.entries.get(slug)
        if not entry or entry.get("key") != key or not _intact(out_dir / slug, entry):
            return False
        return all(
            _same_input(Path(name), digest) for name, digest in entry.get("inputs", {}).items()
        )

    def previews_fresh(self, out_dir: Path, slug: str) -> bool:
        """Tell whether ``slug``'s previews were made from its current PDFs and are on disk."""
        entry = self.entries.get(slug) or {}
        previews = entry.get("previews")
        return (
            bool(previews)
            and previews.get("key") == entry.get("key")
            and _intact(out_dir / slug, previews)
        )

    def record(
        self,
        out_dir: Path,
        slug: str,
        key: str,
        written: list[Path],
        inputs: dict[str, str] | None = None,
        *,
        products: list[Product] | None = None,
        info: dict[str, str] | None = None,
    ) -> None:
        """Remember that ``written`` were built from ``key`` and the files ``inputs`` (path: SHA-256).

        File names are kept relative to ``dist/SLUG/``; with them the pages of ``products``,
        the faces the fitting step shrank, and ``info`` (what the distribution page shows).
        """
        products = products or []
        entry: dict = {"key": key, **_files(out_dir / slug, written, products)}
        entry["inputs"] = dict(inputs or {})
        if products:
            entry["shrunk"] = [[f.card, f.side, f.size] for p in products for f in p.shrunk]
        if info is not None:
            entry["info"] = dict(info)
        self.entries[slug] = entry

    def record_previews(
        self, out_dir: Path, slug: str, written: list[Path], products: list[Product]
    ) -> None:
        """Remember that ``written`` are the previews of ``slug``'s current PDFs."""
        entry = self.entries[slug]
        entry["previews"] = {"key": entry["key"], **_files(out_dir / slug, written, products)}

    def shrunk(self, slug: str) -> tuple[Shrunk, ...]:
        """Return the card faces the fitting step shrank when ``slug`` was last built."""
        return tuple(Shrunk(*face) for face in self.entries.get(slug, {}).get("shrunk", ()))

    def write(self, out_dir: Path) -> None:
        """Write the manifest atomically."""
        text = json.dumps(self.entries, indent=2, sort_keys=True) + "\n"
        write_atomic(out_dir / MANIFEST, text.encode("utf-8"))


def _files(folder: Path, written: list[Path], products: list[Product]) -> dict[str, dict]:
    """Return what the manifest keeps of written files: digests, sizes, mtimes (and pages)."""
    names = [p.resolve().relative_to(folder.resolve()).as_posix() for p in written]
    kept = {
        "files": {n: sha256(p.read_bytes()) for n, p in zip(names, written, strict=True)},
        "sizes": {n: p.stat().st_size for n, p in zip(names, written, strict=True)},
        "mtimes": {n: p.stat().st_mtime_ns for n, p in zip(names, written, strict=True)},
    }
    if products:
        kept["pages"] = {n: p.pages for n, p in zip(names, products, strict=True)}
    return kept


def _intact(folder: Path, entry: dict) -> bool:
    """Tell whether the files an entry lists are on disk as they were written."""
    for name, digest in entry["files"].items():
        path = folder / name
        if not path.is_file() or path.stat().st_size != entry["sizes"][name]:
            return False
        touched = entry["mtimes"].get(name) != path.stat().st_mtime_ns
        if touched and sha256(path.read_bytes()) != digest:
            return False
    return True


def _same_input(path: Path, digest: str) -> bool:
    """Tell whether an input file recorded in the manifest still has ``digest``.

    The manifest is not trusted: only a regular file inside the project, of a sane size, is read.
    """
    try:
        real = path.resolve()
        info = real.stat()
        if not real.is_relative_to(project.root()) or not stat.S_ISREG(info.st_mode):
            return False
        return info.st_size <= MAX_INPUT_BYTES and sha256(real.read_bytes()) == digest
    except (OSError, RuntimeError):
        return False


_REQUIRED = {"key", "files", "sizes", "mtimes"}
_OPTIONAL = {"inputs", "pages", "shrunk", "info", "previews"}


def _check_shape(entries: object) -> None:
    """Raise ValueError unless ``entries`` is exactly what ``Manifest.record`` writes."""
    if not isinstance(entries, dict):
        raise ValueError("not a mapping")
    for slug, entry in entries.items():
        if not re.match(SLUG_PATTERN, slug) or not isinstance(entry, dict):
            raise ValueError(f"bad entry {slug[:40]!r}")
        if not _REQUIRED <= set(entry) <= _REQUIRED | _OPTIONAL:
            raise ValueError(f"bad entry {slug!r}")
        _check_files(slug, entry)
        inputs = entry.get("inputs", {})
        if not isinstance(inputs, dict) or not all(
            isinstance(n, str) and Path(n).is_absolute() and isinstance(d, str)
            for n, d in inputs.items()
        ):
            raise ValueError(f"bad inputs for {slug!r}")
        shrunk = entry.get("shrunk", [])
        if not isinstance(shrunk, list) or not all(
            isinstance(f, list)
            and len(f) == 3
            and type(f[0]) is int
            and f[1] in ("front", "back")
            and isinstance(f[2], (int, float))
            for f in shrunk
        ):
            raise ValueError(f"bad shrunk faces for {slug!r}")
        info = entry.get("info", {})
        if not isinstance(info, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in info.items()
        ):
            raise ValueError(f"bad info for {slug!r}")
        previews = entry.get("previews")
        if previews is not None:
            if not isinstance(previews, dict) or not _REQUIRED <= set(previews) <= _REQUIRED | {
                "pages"
            }:
                raise ValueError(f"bad previews for {slug!r}")
            _check_files(slug, previews)


def _check_files(slug: str, entry: dict) -> None:
    """Raise ValueError unless ``entry`` has a well-formed key, file list, sizes, mtimes, pages."""
    names = entry["files"]
    if not isinstance(entry["key"], str) or not isinstance(names, dict):
        raise ValueError(f"bad entry {slug!r}")
    if not all(
        isinstance(n, str) and _FILE_NAME.fullmatch(n) and isinstance(d, str)
        for n, d in names.items()
    ):
        raise ValueError(f"bad file list for {slug!r}")
    for table in ("sizes", "mtimes", "pages"):
        if table == "pages" and table not in entry:
            continue
        values = entry[table]
        if not isinstance(values, dict) or set(values) != set(names):
            raise ValueError(f"bad {table} for {slug!r}")
        if not all(type(v) is int for v in values.values()):
            raise ValueError(f"bad {table} for {slug!r}")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = Staged.write(path, data)
    try:
        staged.commit()
    finally:
        staged.discard()


class Staged:
    """A file's new content, written beside it but not yet in its place.

    Where Linux allows it (``O_TMPFILE``), the content lives in an unnamed file until
    ``commit``: a build killed with SIGKILL while staging leaves nothing behind, because the
    kernel frees an unnamed file with its last descriptor. ``commit`` gives it a hidden
    name and renames it over the target at once (two system calls). Elsewhere it is an
    ordinary hidden temporary file, removed by ``discard`` (not after a SIGKILL).
    """

    def __init__(self, path: Path, fd: int, tmp: str | None) -> None:
        self.path, self.fd, self.tmp = path, fd, tmp

    @classmethod
    def write(cls, path: Path, data: bytes) -> Staged:
        """Write ``data`` for ``path`` into a staging file in ``path``'s folder."""
        mode = 0o666 & ~_umask()  # outputs are for sharing, not private like mkstemp's
        tmp = None
        try:
            fd = os.open(path.parent, os.O_TMPFILE | os.O_RDWR | os.O_CLOEXEC, mode)
        except (AttributeError, OSError):  # no O_TMPFILE here (not Linux, or the file system)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            os.chmod(tmp, mode)
        staged = cls(path, fd, tmp)
        try:
            _write_fully(fd, data)
        except BaseException:
            staged.discard()
            raise
        return staged

    def commit(self) -> None:
        """Put the staged file in its place (atomically: readers see the old file or this one)."""
        if self.tmp is None:
            name = str(self.path.parent / f".{self.path.name}.{os.getpid()}.{id(self)}")
            try:
                os.link(f"/proc/self/fd/{self.fd}", name, follow_symlinks=True)
                self.tmp = name
            except OSError:  # no /proc: copy the unnamed file into a named one
                self.tmp = self._copy_to_named()
        os.replace(self.tmp, self.path)
        self.tmp = None

    def _copy_to_named(self) -> str:
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            os.chmod(tmp, 0o666 & ~_umask())
            os.lseek(self.fd, 0, os.SEEK_SET)
            while chunk := os.read(self.fd, 1 << 20):
                _write_fully(fd, chunk)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        finally:
            os.close(fd)
        return tmp

    def discard(self) -> None:
        """Forget the staged file if it was not committed; close it."""
        if self.tmp is not None:
            Path(self.tmp).unlink(missing_ok=True)
            self.tmp = None
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _write_fully(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_products(out_dir: Path, slug: str, products: list[Product]) -> list[Path]:
    """Write a charter's products into ``out_dir/slug/``; return the paths written."""
    return write_all(out_dir, {slug: products})[slug]


def write_all(out_dir: Path, batches: dict[str, list[Product]]) -> dict[str, list[Path]]:
    """Write every charter's products into ``out_dir/SLUG/``, all or nothing.

    Every path is proven inside ``out_dir`` first; every file is then staged beside its
    target, and only when all are staged are they moved into place. A failure removes
    what was staged (and any folder made for it), so ``out_dir`` is left as it was.
    """
    targets = {
        slug: [inside(out_dir, slug, product.name) for product in products]
        for slug, products in batches.items()
    }
    made: list[Path] = []
    staged: list[Staged] = []
    try:
        for slug, products in batches.items():
            for product, path in zip(products, targets[slug], strict=True):
                for folder in reversed([path.parent, *path.parent.parents]):
                    if not folder.exists():
                        folder.mkdir()
                        made.append(folder)
                staged.append(Staged.write(path, product.data))
        for file in staged:
            file.commit()
    except BaseException:
        for file in staged:
            file.discard()
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    finally:
        for file in staged:
            file.discard()
    return targets


@contextlib.contextmanager
def locked(out_dir: Path, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold the output folder's lock: a second build of the same folder waits, then stops.

    The lock is an advisory ``flock`` on the folder itself, so no lock file is left in it.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no flock (Windows): builds are not serialised
        yield
        return
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir, os.O_RDONLY)
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    log.warning("%s: another build is writing here; waiting for it", out_dir)
                    told = True
                if time.monotonic() > deadline:
                    raise BuildError(
                        f"{out_dir}: another build has been writing here for {wait:.0f} s; "
                        "stop it or wait, then build again"
                    ) from None
                time.sleep(0.1)
        yield
    finally:
        if created:  # a build that wrote nothing leaves no empty folder behind
            with contextlib.suppress(OSError):
                out_dir.rmdir()
        os.close(fd)


def tree_digest(*roots: Path, suffixes: tuple[str, ...] = ()) -> str:
    """Return one digest of every file below ``roots`` (names and bytes): a cache key part."""
    digest = hashlib.sha256()
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts or (suffixes and path.suffix not in suffixes):
                continue
            digest.update(str(path.relative_to(root.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
