"""The images a source names (theme.logo, figures): found relative to the source, checked before a build.

A source names an image by a path relative to its own folder (``logo.png`` next to
``sources/roskilde.yaml`` is ``sources/logo.png``). ``check`` and ``build`` both prove each one
before anything is rendered: a plain file path (no URL), inside the project once symlinks are
resolved, an existing file, and an image Pillow can open and decode in full.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from PIL import Image

FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
"""Image formats both Pillow and WeasyPrint read."""
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def resolve(folder: Path, file: str) -> Path:
    """Return the absolute path of ``file`` named in a source that lies in ``folder``."""
    return (folder / file).resolve()


def image_problem(file: str, folder: Path, root: Path) -> str | None:
    """Return what is wrong with the image ``file`` named by a source in ``folder``, or None.

    ``root`` is the project: an image outside it (after resolving symlinks) is refused.
    """
    if _SCHEME.match(file) and not re.match(r"^[a-zA-Z]:[\\/]", file):
        return f"'{file}' is a URL: name an image file in the project, relative to the source"
    path = resolve(folder, file)
    if not path.is_relative_to(root.resolve()):
        return f"'{file}' lies outside the project ({root}): copy the image into the project"
    if not path.exists():
        return f"no image '{file}' next to the source (looked for {_shown(path)})"
    if not path.is_file():
        return f"'{file}' is not a file"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                kind = image.format
                image.load()  # decodes in full: a truncated file fails here
    except Exception as error:  # noqa: BLE001 - Pillow raises many kinds for a bad file
        reason = str(error).split("\n")[0] or type(error).__name__
        return f"'{file}' is not an image Pillow can open ({reason})"
    if kind not in FORMATS:
        return f"'{file}' is a {kind} image: use PNG or JPEG"
    return None


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
