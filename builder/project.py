"""Where files come from: the project folder, overlaid on the data that ships with the package.

A project is any folder holding ``sources/``: the current directory, or ``--project DIR``. Its
``dist/`` receives the output. The base layouts, the labels and the bundled fonts ship inside
the package (``layouts/`` and ``assets/`` of this repository, installed as
``charterpress/layouts`` and ``charterpress/assets``). A file the project has at the same
place, e.g. ``layouts/SLUG/cards.css`` or ``layouts/labels/da.yaml``, wins over the packaged
one. The renderer reads exactly these two trees: the project folder and the package's data.
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
"""The code of the package (``builder/`` in a checkout, ``charterpress/`` when installed)."""
DATA = PACKAGE if (PACKAGE / "layouts").is_dir() else PACKAGE.parent
"""The folder holding the packaged ``layouts/`` and ``assets/``: the package itself once
installed from a wheel; in a checkout (or an editable install) the repository beside ``builder/``."""
DATA_FOLDERS = ("layouts", "assets")
"""The folders of DATA that are data (and that the renderer may read)."""

_root: Path | None = None


def use(folder: Path | str | None) -> None:
    """Make ``folder`` the project folder (``None``: the current directory, looked up when used)."""
    global _root
    _root = None if folder is None else Path(folder).resolve()


def root() -> Path:
    """Return the project folder, absolute."""
    return _root if _root is not None else Path.cwd().resolve()


def layers(*parts: str) -> list[Path]:
    """Return the folders ``parts`` names in the project and in the package, existing ones, project first."""
    found: list[Path] = []
    for base in (root(), DATA):
        folder = base.joinpath(*parts)
        if folder.is_dir() and folder not in found:
            found.append(folder)
    return found


NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
"""A theme's folder name or a language's code: ``civic``, ``da``, ``pt-br``."""


def themes() -> tuple[str, ...]:
    """Return the themes a charter may name, sorted: the registry of themes.

    A theme is a folder ``layouts/themes/NAME/`` holding a ``theme.yaml``, in the package or in
    the project: a new theme is its folder and nothing else (the schema's enum, ``check`` and
    the tests read this list).
    """
    return tuple(
        sorted(
            {
                child.name
                for folder in layers("layouts", "themes")
                for child in folder.iterdir()
                if NAME.fullmatch(child.name) and (child / "theme.yaml").is_file()
            }
        )
    )


def languages() -> tuple[str, ...]:
    """Return the languages a charter may be written in, sorted: one labels file each.

    A language is a file ``layouts/labels/LANG.yaml`` (the fixed words: *Refleksion*, *Indhold* …)
    in the package or in the project; its hyphenation patterns come from pyphen.
    """
    return tuple(
        sorted(
            {
                child.stem
                for folder in layers("layouts", "labels")
                for child in folder.glob("*.yaml")
                if NAME.fullmatch(child.stem) and child.is_file()
            }
        )
    )


def find(*parts: str) -> Path:
    """Return the project's file ``parts`` if it has one, else the package's (which may not exist)."""
    own = root().joinpath(*parts)
    return own if own.is_file() else DATA.joinpath(*parts)


def readable(path: Path) -> Path | None:
    """Return the real file the renderer may read for ``path`` (absolute), or ``None``.

    Allowed: a file inside the project folder, or inside the package's data. A path in the
    project that does not exist there falls back to the package's file at the same place
    (``assets/fonts/…`` of a project without its own fonts). Symbolic links are resolved first,
    so a link cannot lead out of either tree.
    """
    project = root()
    real = path.resolve()
    if real.is_file() and real.is_relative_to(project):
        return real
    if real.is_relative_to(project):
        real = (DATA / real.relative_to(project)).resolve()
    if real.is_file() and any(real.is_relative_to(DATA / f) for f in DATA_FOLDERS):
        return real
    return None


def tracked(path: Path) -> bool:
    """Tell whether a file the renderer read is an input of its own (a logo, a figure).

    Files of the project's or the package's layouts/ and assets/ are not: the build's cache
    key holds all of them already.
    """
    return not any(path.is_relative_to(base / f) for base in (root(), DATA) for f in DATA_FOLDERS)
