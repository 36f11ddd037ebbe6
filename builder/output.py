"""dist/: output paths, atomic writes, and the manifest that makes a no-change rebuild free."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".charterpress-manifest.json"


@dataclass(frozen=True)
class Product:
    """One file a build makes, in memory until it is written."""

    name: str
    """File name inside ``dist/SLUG/``, e.g. ``glostrup-cards-print.pdf``."""
    data: bytes
    pages: int
    notes: tuple[str, ...] = ()
    """What the build wants the user to know (e.g. which cards were shrunk)."""


@dataclass
class Manifest:
    """What was built from which inputs: ``{slug: {"key": …, "files": {name: sha256}}}``."""

    entries: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def read(cls, out_dir: Path) -> Manifest:
        """Read the manifest in ``out_dir``; a missing or broken one is empty."""
        try:
            return cls(json.loads((out_dir / MANIFEST).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return cls()

    def fresh(self, out_dir: Path, slug: str, key: str) -> bool:
        """Tell whether ``slug``'s outputs were built from ``key`` and are still on disk unchanged."""
        entry = self.entries.get(slug)
        if not entry or entry.get("key") != key:
            return False
        for name, digest in entry.get("files", {}).items():
            path = out_dir / slug / name
            if not path.is_file() or path.stat().st_size != entry["sizes"][name]:
                return False
            touched = entry.get("mtimes", {}).get(name) != path.stat().st_mtime_ns
            if touched and sha256(path.read_bytes()) != digest:
                return False
        return True

    def record(self, out_dir: Path, slug: str, key: str, written: list[Path]) -> None:
        """Remember that ``written`` were built from ``key``."""
        self.entries[slug] = {
            "key": key,
            "files": {p.name: sha256(p.read_bytes()) for p in written},
            "sizes": {p.name: p.stat().st_size for p in written},
            "mtimes": {p.name: p.stat().st_mtime_ns for p in written},
        }

    def write(self, out_dir: Path) -> None:
        """Write the manifest atomically."""
        text = json.dumps(self.entries, indent=2, sort_keys=True) + "\n"
        write_atomic(out_dir / MANIFEST, text.encode("utf-8"))


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
