"""dist/: output paths, atomic writes, and the manifest that makes a no-change rebuild free."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".charterpress-manifest.json"
PREVIEWS = "preview"
"""The folder of a charter's PNG previews, inside ``dist/SLUG/``."""


@dataclass(frozen=True)
class Shrunk:
    """A card face whose text the fitting step set smaller than designed."""

    card: int
    """The card's number in the deck (1 is the title card)."""
    side: str
    """'front' or 'back'."""
    size: float
    """The size the text got, in pt."""


@dataclass(frozen=True)
class Product:
    """One file a build makes, in memory until it is written."""

    name: str
    """File name inside ``dist/SLUG/``, e.g. ``glostrup-cards-print.pdf``."""
    data: bytes
    pages: int
    notes: tuple[str, ...] = ()
    """What the build wants the user to know (e.g. which cards were shrunk)."""
    shrunk: tuple[Shrunk, ...] = ()
    """The card faces set smaller to fit (the previews mark them)."""


@dataclass
class Manifest:
    """What was built from which inputs, per charter.

    ``{slug: {"key": …, "files": {name: sha256}, "sizes": …, "mtimes": …, "pages": …,
    "shrunk": [[card, side, pt], …], "info": {…}, "previews": {"key": …, "files": …}}}``.
    File names are relative to ``dist/SLUG/`` (``preview/SLUG-cards.png``). The previews are
    made from the PDFs, so they are current when their key is the PDFs' key.
    """

    entries: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def read(cls, out_dir: Path) -> Manifest:
        """Read the manifest in ``out_dir``; a missing or broken one is empty."""
        try:
            entries = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        return cls(entries if isinstance(entries, dict) else {})

    def fresh(self, out_dir: Path, slug: str, key: str) -> bool:
        """Tell whether ``slug``'s outputs were built from ``key`` and are still on disk unchanged."""
        entry = self.entries.get(slug)
        return bool(entry) and entry.get("key") == key and _intact(out_dir / slug, entry)

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
        products: list[Product],
        info: dict[str, str],
    ) -> None:
        """Remember that ``written`` (the PDFs of ``products``) were built from ``key``."""
        entry = _files(out_dir / slug, written, products)
        shrunk = [[f.card, f.side, f.size] for p in products for f in p.shrunk]
        self.entries[slug] = {"key": key, **entry, "shrunk": shrunk, "info": info}

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
    """Return what the manifest keeps of written files: digests, sizes, mtimes, pages."""
    names = [p.relative_to(folder).as_posix() for p in written]
    return {
        "files": {n: sha256(p.read_bytes()) for n, p in zip(names, written, strict=True)},
        "sizes": {n: p.stat().st_size for n, p in zip(names, written, strict=True)},
        "mtimes": {n: p.stat().st_mtime_ns for n, p in zip(names, written, strict=True)},
        "pages": {n: product.pages for n, product in zip(names, products, strict=True)},
    }


def _intact(folder: Path, entry: dict) -> bool:
    """Tell whether the files an entry lists are on disk as they were written."""
    try:
        for name, digest in entry["files"].items():
            path = folder / name
            if not path.is_file() or path.stat().st_size != entry["sizes"][name]:
                return False
            touched = entry["mtimes"].get(name) != path.stat().st_mtime_ns
            if touched and sha256(path.read_bytes()) != digest:
                return False
    except (KeyError, TypeError, AttributeError):
        return False  # a manifest from an older version, or edited by hand: rebuild
    return True


def sha256(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes files private; outputs are for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_products(out_dir: Path, slug: str, products: list[Product]) -> list[Path]:
    """Write a charter's products into ``out_dir/slug/``; return the paths written."""
    written = []
    for product in products:
        path = out_dir / slug / product.name
        write_atomic(path, product.data)
        written.append(path)
    return written


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
