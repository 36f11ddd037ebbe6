"""The bundled fonts (assets/fonts/): which characters they can draw, and how to recognise them in a PDF.

Output must never depend on the machine's fonts. A character none of these fonts has would
be drawn by whatever font the host happens to offer, so the build refuses it (``proof``);
and every font embedded in an output must be one of these (matched by PostScript name and
unique id, which survive subsetting by HarfBuzz and by fontTools alike).
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

from .. import project

SUFFIXES = (".otf", ".ttf")
IGNORED = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
"""Characters that are never drawn (soft hyphen, zero-width joiners and spaces)."""


def folders() -> tuple[Path, ...]:
    """Return the font folders the renderer may use: the project's assets/fonts/, then the package's."""
    return tuple(project.layers("assets", "fonts"))


def font_files(places: tuple[Path, ...]) -> tuple[Path, ...]:
    """Return every font file below the folders ``places``, sorted."""
    return tuple(
        sorted(p for folder in places for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES)
    )


def coverage() -> frozenset[int]:
    """Return the code points that at least one bundled font maps to a glyph."""
    return _coverage(folders())


@lru_cache(maxsize=4)
def _coverage(places: tuple[Path, ...]) -> frozenset[int]:
    points: set[int] = set()
    for path in font_files(places):
        with TTFont(path, lazy=True) as font:
            points.update(font.getBestCmap() or {})
    return frozenset(points)


def missing(text: str) -> list[str]:
    """Return the characters of ``text`` that no bundled font has, each once, in order of use."""
    have = coverage()
    found: dict[str, None] = {}
    for char in text:
        if ord(char) not in have and not char.isspace() and char not in IGNORED:
            found.setdefault(char)
    return list(found)


def describe(char: str) -> str:
    """Return a character as people can find it: ``U+1F600 '😀'``."""
    return f"U+{ord(char):04X} '{char}'"


def identity(font: TTFont) -> tuple[str, str]:
    """Return (PostScript name, unique id) from a font's name table."""
    names = font.get("name")
    if names is None:
        return ("", "")
    return (names.getDebugName(6) or "", names.getDebugName(3) or "")


def identities() -> frozenset[tuple[str, str]]:
    """Return the (PostScript name, unique id) of every bundled font."""
    return _identities(folders())


@lru_cache(maxsize=4)
def _identities(places: tuple[Path, ...]) -> frozenset[tuple[str, str]]:
    found = set()
    for path in font_files(places):
        with TTFont(path, lazy=True) as font:
            found.add(identity(font))
    return frozenset(found)


def embedded_identity(data: bytes) -> tuple[str, str]:
    """Return the (PostScript name, unique id) of a font program embedded in a PDF."""
    try:
        with TTFont(io.BytesIO(data), lazy=True) as font:
            return identity(font)
    except Exception:  # a bare CFF program or a damaged font: it cannot be one of ours
        return ("", "")


# --- The answer fields' font -----------------------------------------------------------------

TYPING = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese, Welsh …)
    (0x2000, 0x206F),  # General Punctuation: dashes, quotes, ellipsis
    (0x20A0, 0x20CF),  # currency signs
    (0x2100, 0x214F),  # letterlike symbols (№, ™)
)
"""What a reader may type into an answer field whatever the charter's language: every Latin
letter, punctuation and the common signs. A charter in another script adds its own blocks
(``typing_chunks``). The field font is embedded whole (WeasyPrint does not subset a font a form
uses: the reader types letters no page shows), so it is first cut to this: Inter 259 → 57 kB."""
CHUNK = 0x80
"""A charter's characters outside ``TYPING`` bring the 128 code points around each (its
script's letters, not only the ones its text happens to use)."""


def _typed(point: int) -> bool:
    return any(low <= point <= high for low, high in TYPING)


def typing_chunks(text: str) -> tuple[int, ...]:
    """Return the first code point of each chunk outside ``TYPING`` that ``text`` uses, sorted."""
    return tuple(
        sorted(
            {
                ord(char) // CHUNK * CHUNK
                for char in set(text)
                if not _typed(ord(char)) and not char.isspace() and char not in IGNORED
            }
        )
    )


def typing_query(text: str) -> str:
    """Return the URL query that asks the renderer's fetcher for a field font cut for typing:
    ``typing``, or ``typing=370,400`` for a charter that also writes Greek and Cyrillic."""
    chunks = typing_chunks(text)
    return "typing=" + ",".join(f"{c:x}" for c in chunks) if chunks else "typing"


def parse_typing(query: str) -> tuple[int, ...] | None:
    """Return the chunks a ``typing_query`` asks for, or None if the query is not one."""
    name, _, value = query.partition("=")
    if name != "typing":
        return None
    try:
        return tuple(sorted({int(v, 16) // CHUNK * CHUNK for v in value.split(",") if v}))[:64]
    except ValueError:
        return None


@lru_cache(maxsize=16)
def for_typing(data: bytes, chunks: tuple[int, ...] = ()) -> bytes:
    """Return the font program ``data`` cut to what a reader may type (``TYPING`` and ``chunks``).

    Its names are kept (its PostScript name and unique id: the proof still knows it as ours),
    its dates too (``recalcTimestamp=False``: the same font gives the same bytes), its layout
    features and hinting dropped (a viewer draws typed text glyph by glyph). A font fontTools
    cannot cut is returned whole: larger, never wrong."""
    from fontTools import subset

    points = [p for low, high in TYPING for p in range(low, high + 1)]
    points += [p for start in chunks for p in range(start, start + CHUNK)]
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.drop_tables = [*options.drop_tables, "FFTM"]
    try:
        font = TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=True)
        cutter = subset.Subsetter(options)
        cutter.populate(unicodes=points)
        cutter.subset(font)
        out = io.BytesIO()
        font.save(out)
    except Exception:  # noqa: BLE001 - a font of a project's own that fontTools cannot cut
        return data
    return out.getvalue()
