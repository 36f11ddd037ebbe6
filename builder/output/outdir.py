"""The output folder is chosen by the user, and must never be a folder that is not ours.

``check(out)`` runs before anything is read or rendered. It refuses:

- the project folder itself, any folder above it (``--out /``, ``--out ..``), and the project's
  ``sources/``, ``layouts/`` and ``assets/`` or any folder inside them: a build replaces and
  removes files in its output folder;
- an existing folder that is not empty and holds no charterpress manifest (someone's
  ``site/`` with an ``index.html``): it is not a build's output; unless all it holds are
  output folders of ours (``dist/`` holding only the ``dist/drafts/`` of ``build --draft`` or
  ``serve --draft``, made before the first ``build``);
- a file where the folder should be, and a folder that cannot be written (one plain line,
  found by really creating and removing a probe, before a minute of rendering is spent).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .. import project
from ..errors import BuildError
from ..terminal import plain
from .write import MANIFEST, SUBFOLDERS

PROTECTED = ("sources", "layouts", "assets")
"""The project's own folders, never an output folder."""


def _refuse(out: Path, why: str) -> BuildError:
    return BuildError(f"--out {plain(out)}: {why}")


def check(out: Path) -> None:
    """Refuse an output folder that is not (or cannot be) a charterpress output folder."""
    try:
        real = out.resolve()
    except (OSError, RuntimeError) as error:
        raise _refuse(out, f"cannot be used ({error.__class__.__name__})") from None
    root = project.root()
    if real == root or root.is_relative_to(real):
        raise _refuse(
            out,
            "is the project folder or a folder above it: a build replaces the files of its "
            "output folder; name a folder of its own, like dist",
        )
    for name in PROTECTED:
        if real.is_relative_to(root / name):
            raise _refuse(
                out,
                f"lies in the project's {name}/ folder: a build replaces the files of its output "
                "folder; name a folder of its own, like dist",
            )
    if real.exists() and not real.is_dir():
        raise _refuse(out, "is a file, not a folder")
    if real.is_dir():
        try:
            entries = set(os.listdir(real))
        except OSError as error:
            raise _refuse(out, f"cannot be read ({error.strerror})") from None
        if entries and MANIFEST not in entries and not all(_ours(real / e) for e in entries):
            raise _refuse(
                out,
                "holds files but no charterpress build (no "
                f"{MANIFEST}): it is not an output folder; name an empty or new folder",
            )
    _probe(out, real)


def check_folders(out: Path, slugs: list[str]) -> None:
    """Probe every existing folder the build will write into for these charters, before rendering.

    ``check`` probed ``out`` itself; a charter's own ``out/SLUG/`` (or its ``preview/``,
    ``cards/``, ``booklet/``) may still be read-only. Found now, the build stops with one plain
    line before a minute of rendering, and no progress line claims a charter was rebuilt.
    """
    root = out.resolve()
    for slug in slugs:
        folder = out / slug
        for sub in (folder, *(folder / name for name in SUBFOLDERS)):
            name = plain(sub.relative_to(out))
            if sub.exists() and not sub.is_dir():
                raise _refuse(out, f"{name} is not a folder; move it away or choose another folder")
            if sub.is_dir():
                real = sub.resolve()
                if not real.is_relative_to(root):
                    raise _refuse(out, f"{name} leads out of the output folder (a symlink)")
                _probe(sub, real)


def _ours(entry: Path) -> bool:
    """Whether an entry of a folder is itself a charterpress output folder."""
    return entry.is_dir() and not entry.is_symlink() and (entry / MANIFEST).is_file()


def _probe(out: Path, real: Path) -> None:
    """Create and remove a file in the folder (or a folder in its nearest existing parent)."""
    existing = real
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:
        if existing == real:
            fd, name = tempfile.mkstemp(prefix=".charterpress-probe-", dir=real)
            os.close(fd)
            os.unlink(name)
        else:
            os.rmdir(tempfile.mkdtemp(prefix=".charterpress-probe-", dir=existing))
    except OSError as error:
        where = "" if existing == real else f" (in {plain(existing)})"
        raise _refuse(
            out, f"cannot be written{where}: {error.strerror or error}; choose another folder"
        ) from None
