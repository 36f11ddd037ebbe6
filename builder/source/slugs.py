"""Paths are data, never trusted: the slug a file name gives, and output paths proven inside dist/."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import BuildError

SLUG_MAX = 40
"""The longest slug (a source's file name without ``.yaml``)."""
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
"""A slug is lowercase letters and digits in words joined by single '-': ``glostrup``, ``ishoej-2``."""
_SLUG = re.compile(SLUG_PATTERN)


def slug_problem(slug: str) -> str | None:
    """Return what is wrong with ``slug`` as a charter's short name, or None when it is usable."""
    if len(slug) > SLUG_MAX:
        return f"the file name '{slug[:20]}…' is too long for a slug: at most {SLUG_MAX} characters"
    if not _SLUG.match(slug):
        shown = slug if slug.isprintable() else ascii(slug)[1:-1]
        return (
            f"the file name '{shown}' is not a usable slug: rename the file to lowercase letters, "
            "digits and single '-' (like 'roskilde.yaml' or 'ishoej-2.yaml')"
        )
    return None


def inside(folder: Path, *parts: str) -> Path:
    """Return ``folder/parts…`` resolved, after proving it lies inside ``folder``; else BuildError."""
    root = folder.resolve()
    path = root.joinpath(*parts).resolve()
    if path == root or not path.is_relative_to(root) or any(p in ("", ".", "..") for p in parts):
        raise BuildError(f"refused to write '{'/'.join(parts)}': it would land outside {folder}")
    return path
