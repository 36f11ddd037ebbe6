"""The images a source names (theme.logo, figures): found relative to the source, checked before a build.

A source names an image by a path relative to its own folder (``logo.png`` next to
``sources/roskilde.yaml`` is ``sources/logo.png``). ``check`` and ``build`` both prove each one
before anything is rendered: a plain file path (no URL), inside the project once symlinks are
resolved, an existing regular file of at most MAX_IMAGE_BYTES, whose real format is the one its
name says, of at most MAX_IMAGE_PIXELS (no decompression bomb), that Pillow decodes in full (no
truncated file). The renderer's fetcher (``render.ProjectFetcher``) stays as the second wall.

After layout, ``dpi_notes`` warns about an image printed below PRINT_DPI, and ``image_url``
gives the screen booklet an RGB copy of a CMYK or palette image.
"""

from __future__ import annotations

import base64
import io
import os
import re
import stat
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image

from ..units import PX_PER_INCH
from . import svg

MAX_IMAGE_BYTES = 20 * 1024 * 1024
"""The largest image file read: 20 MiB."""
MAX_IMAGE_PIXELS = 50_000_000
"""The most pixels in an image (about 7000 × 7000): more is refused as a decompression bomb."""
PRINT_DPI = 300
"""The effective resolution below which a printed image is reported."""
SUFFIXES = {
    ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP", ".svg": "SVG",
}  # fmt: skip
"""The file names an image may have, and the real format each promises."""
FORMATS = set(SUFFIXES.values()) - {"SVG"}
"""Raster formats both Pillow and WeasyPrint read (SVG is a drawing, checked by ``svg.check``)."""
VECTOR = "vector"
"""The ImageInfo mode of an SVG drawing: no pixels, printed sharp at any size."""
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def resolve(folder: Path, file: str) -> Path:
    """Return the absolute path of ``file`` named in a source that lies in ``folder``."""
    return (folder / file).resolve()


def image_problem(file: str, folder: Path, root: Path) -> str | None:
    """Return what is wrong with the image ``file`` named by a source in ``folder``, or None.

    ``root`` is the project: an image outside it (after resolving symlinks) is refused.
    """
    drive = re.match(r"^[a-zA-Z]:[\\/]", file)  # C:\logo.png is a path (outside the project)
    if (_SCHEME.match(file) and not drive) or file.startswith("//"):
        return f"'{file}' is a URL: name an image file in the project, relative to the source"
    try:
        path = resolve(folder, file)
    except (OSError, RuntimeError, ValueError) as error:  # a symlink loop, a name too long
        return f"'{file}' cannot be found ({error.__class__.__name__})"
    if not path.is_relative_to(root.resolve()):
        return f"'{file}' lies outside the project folder: copy the image into the project"
    expected = SUFFIXES.get(path.suffix.lower())
    if expected is None:
        return (
            f"'{file}' is not named as a PNG, JPEG, GIF, WebP or SVG image: "
            f"use one of {', '.join(SUFFIXES)}"
        )
    try:
        info = path.stat()
    except OSError:
        return f"no image '{file}' next to the source (looked for {_shown(path)}){_case_hint(path)}"
    if not stat.S_ISREG(info.st_mode):
        return f"'{file}' is not a regular file"
    if expected == "SVG":
        try:
            _inspect_svg(path, info.st_mtime_ns, info.st_size)
        except svg.SvgProblem as bad:
            return f"'{file}' {bad}"
        return None
    if info.st_size > MAX_IMAGE_BYTES:
        return f"'{file}' is too large ({info.st_size:,} bytes; at most {MAX_IMAGE_BYTES:,})"
    try:
        checked = _inspect(path, info.st_mtime_ns, info.st_size)
    except _Bad as bad:
        return f"'{file}' {bad}"
    if checked.format != expected:
        return (
            f"'{file}' is really a {checked.format} image, not {expected}: "
            f"save it as {expected} or rename it to end in .{checked.format.lower()}"
        )
    return None


@dataclass(frozen=True)
class ImageInfo:
    """What a checked image is: its real format, size in pixels, colour mode."""

    format: str
    width: int
    height: int
    mode: str


@lru_cache(maxsize=64)
def _inspect_svg(path: Path, mtime_ns: int, size: int) -> ImageInfo:
    """Check the SVG drawing ``path`` (cached by its mtime and size); raise svg.SvgProblem if unsafe."""
    if size > svg.MAX_SVG_BYTES:
        raise svg.SvgProblem(
            f"is too large for an SVG logo ({size:,} bytes; at most {svg.MAX_SVG_BYTES:,})"
        )
    drawing = svg.check(path.read_bytes())
    return ImageInfo("SVG", round(drawing.width), round(drawing.height), VECTOR)


class _Bad(Exception):
    """An image that cannot be used; the message says why."""


@lru_cache(maxsize=64)
def _inspect(path: Path, mtime_ns: int, size: int) -> ImageInfo:
    """Open and decode ``path`` in full (cached by its mtime and size); raise _Bad if it cannot be."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _Bad(_too_many_pixels(width * height))
                info = ImageInfo(image.format or "unknown", width, height, image.mode)
                if info.format not in FORMATS:
                    raise _Bad(f"is a {info.format} image: use PNG or JPEG")
                image.verify()  # reads every chunk to the end (PNG: to IEND, checking CRCs)
            with Image.open(path) as image:
                image.load()  # decodes in full: a truncated or damaged file fails here
    except _Bad:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        count = re.search(r"\((\d+) pixels\)", str(error))
        raise _Bad(_too_many_pixels(int(count.group(1)) if count else None)) from None
    except Image.UnidentifiedImageError:
        raise _Bad(
            "is not an image that can be read (PNG, JPEG, GIF or WebP): is it really an image "
            "file? Open it in an image program and save it again"
        ) from None
    except Exception as error:  # noqa: BLE001 - Pillow raises many kinds for a damaged file
        reason = str(error).split("\n")[0] or type(error).__name__
        if "truncated" in reason.lower():
            raise _Bad(f"is cut short (truncated): save or export it again ({reason})") from None
        raise _Bad(f"is damaged: Pillow cannot decode it ({reason})") from None
    return info


def _case_hint(path: Path) -> str:
    """Return a hint naming a file beside ``path`` whose name differs only in letter case."""
    try:
        near = [p.name for p in path.parent.iterdir() if p.name.lower() == path.name.lower()]
    except OSError:
        return ""
    return f": there is '{near[0]}' – write the name with the same capitals" if near else ""


def _too_many_pixels(count: int | None) -> str:
    shown = f"{count:,}; " if count else ""
    return f"has too many pixels ({shown}at most {MAX_IMAGE_PIXELS:,}): a decompression bomb? Scale it down"


def info_of(path: Path) -> ImageInfo:
    """Return the ImageInfo of a checked image (an SVG's size is its drawing's, in CSS px)."""
    stat_ = path.stat()
    inspect = _inspect_svg if path.suffix.lower() == ".svg" else _inspect
    return inspect(path, stat_.st_mtime_ns, stat_.st_size)


# --- After the check: screen copies and the print resolution ---------------------------------

SCREEN_MODES = {"RGB", "RGBA", "L", "LA"}
"""Colour modes a screen PDF shows as they are; others (CMYK, palette …) are converted to RGB."""


def image_url(path: Path, variant: str) -> str:
    """Return the URL a layout uses for a checked image in the ``variant`` ('screen' or 'print').

    The screen booklet gets an RGB(A) PNG copy of a CMYK, palette or other non-RGB image (as a
    ``data:`` URL, so nothing is written); print keeps the file as it is.
    """
    if variant != "screen" or info_of(path).mode in SCREEN_MODES | {VECTOR}:
        return path.as_uri()
    return "data:image/png;base64," + base64.b64encode(screen_png(path)).decode("ascii")


@lru_cache(maxsize=16)
def _screen_png(path: Path, mtime_ns: int) -> bytes:
    with Image.open(path) as image:
        if image.mode == "CMYK" and image.info.get("icc_profile"):
            from PIL import ImageCms

            source = ImageCms.ImageCmsProfile(io.BytesIO(image.info["icc_profile"]))
            srgb = ImageCms.createProfile("sRGB")
            converted = ImageCms.profileToProfile(image, source, srgb, outputMode="RGB")
        else:
            alpha = "A" in image.mode or "transparency" in image.info
            converted = image.convert("RGBA" if alpha else "RGB")
        out = io.BytesIO()
        converted.save(out, "PNG", optimize=False)
    return out.getvalue()


def screen_png(path: Path) -> bytes:
    """Return ``path`` as an RGB(A) PNG for screens (CMYK through its ICC profile where it has one)."""
    return _screen_png(path, os.stat(path).st_mtime_ns)


def dpi_notes(document, images: dict[str, Path], dpi: int = PRINT_DPI) -> list[str]:
    """Return a warning for each image laid out in ``document`` at under ``dpi`` effective resolution.

    The effective resolution is the image's pixels over the size it is printed at: a 400-pixel
    logo printed 40 mm wide has 254 dpi.
    """
    from ..layout import tree  # the layout's reader: WeasyPrint is loaded once there is a layout

    by_uri = {path.as_uri(): name for name, path in images.items()}
    lowest: dict[str, float] = {}
    for page in document.pages:
        for element, width in tree.images(tree.page_box(page)):
            name = by_uri.get(element.get("src", ""))
            if name is None:
                continue
            info = info_of(images[name])
            if info.mode == VECTOR:  # a drawing has no resolution
                continue
            pixels = info.width
            effective = pixels / (width / PX_PER_INCH)  # CSS px are 1/96 in
            lowest[name] = min(effective, lowest.get(name, effective))
    return [
        f"image '{name}' prints at {value:.0f} dpi (under {dpi}): use a larger image for print"
        for name, value in sorted(lowest.items())
        if value < dpi
    ]


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
