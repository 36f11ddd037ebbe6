"""`build --draft`: a charter whose commitments still lack questions, built to be looked at.

`check` and `build` list every commitment without a question, one located line each
(``sources/x.yaml:42:7: sections[2].body[0].commitments[3]: needs a question``). A draft build
builds anyway: the backs of those cards read the label ``question_missing`` ("Spørgsmål
mangler" / "Question to be written"), every page of every PDF carries a visible mark
(``draft_mark``: KLADDE / DRAFT, drawn as outlines of a bundled font, so the PDF's text stays
the source's), and the files are named ``SLUG-draft-…`` in their own folder (``dist/drafts/``
unless ``--out`` says otherwise): a draft never takes the print files' names.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ..errors import Problem
from .load import Loaded, Path_, RawSource, format_path

SUFFIX = "-draft"
"""What a draft's slug, folder and file names carry."""

MARK_FONT = "inter/Inter-Bold.otf"
"""The bundled font the mark's letters are drawn from (as outlines, not text)."""

_drafting: ContextVar[bool] = ContextVar("drafting", default=False)


@contextmanager
def drafting(on: bool = True) -> Iterator[None]:
    """Validate sources as drafts (a missing question is no problem) inside this block."""
    token = _drafting.set(on)
    try:
        yield
    finally:
        _drafting.reset(token)


def missing_questions(
    loaded: Loaded, name: str, hint: Callable[[Path_], str] = lambda path: ""
) -> list[Problem]:
    """Return one located problem per commitment without a question (none while drafting).

    ``hint(path of the question)`` may add to the message (schema's: where an over-indented
    ``question:`` line went)."""
    if _drafting.get():
        return []
    problems: list[Problem] = []
    for path in _commitments(loaded.data, ()):
        line, col = loaded.where(path)
        question = (*path, "question")
        message = "needs a question" + hint(question)
        problems.append(Problem(name, line, col, format_path(question), message))
    return problems


def _commitments(value: object, path: Path_) -> Iterator[Path_]:
    """Yield the path of every commitment (a mapping in a 'commitments' list) with no question."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "commitments" and isinstance(child, list):
                for i, item in enumerate(child):
                    if isinstance(item, dict) and "question" not in item:
                        yield (*path, key, i)
            else:
                yield from _commitments(child, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _commitments(item, (*path, i))


def require_question(commitment: dict) -> None:
    """Make the JSON Schema require a commitment's question, as `check` does."""
    prop = commitment["properties"]["question"]
    options = [o for o in prop.pop("anyOf", []) if o != {"type": "null"}]
    prop.pop("default", None)
    if options:
        prop.update(options[0])
        ordered = dict(sorted(prop.items()))  # as pydantic writes a plain field's keys
        prop.clear()
        prop.update(ordered)
    required = commitment.setdefault("required", [])
    if "question" not in required:
        required.append("question")


def renamed(raws: list[RawSource]) -> list[RawSource]:
    """Return the sources as drafts: their slugs (and so their folders and files) end in -draft."""
    return [dataclasses.replace(raw, slug=raw.slug + SUFFIX) for raw in raws]


# --- The mark on every page -------------------------------------------------------------------


class _PdfPen:
    """A fontTools pen writing PDF path operators (quadratic curves made cubic by BasePen)."""

    def __new__(cls, glyphs):
        from fontTools.pens.basePen import BasePen

        class Pen(BasePen):
            def __init__(self, glyphset):
                super().__init__(glyphset)
                self.ops: list[str] = []

            def _moveTo(self, p):
                self.ops.append(f"{p[0]:.1f} {p[1]:.1f} m")

            def _lineTo(self, p):
                self.ops.append(f"{p[0]:.1f} {p[1]:.1f} l")

            def _curveToOne(self, a, b, c):
                self.ops.append(
                    f"{a[0]:.1f} {a[1]:.1f} {b[0]:.1f} {b[1]:.1f} {c[0]:.1f} {c[1]:.1f} c"
                )

            def _closePath(self):
                self.ops.append("h")

        return Pen(glyphs)


def _word_path(word: str) -> tuple[str, float, float]:
    """Return a word's outlines as PDF path operators in font units, its width and cap height."""
    from fontTools.pens.transformPen import TransformPen

    from .. import project
    from ..layout import marks

    face = marks._font(str(project.find("assets", "fonts", *MARK_FONT.split("/"))))
    glyphs = face.getGlyphSet()
    cmap = face.getBestCmap()
    pen = _PdfPen(glyphs)
    x = 0.0
    for char in word:
        glyph = cmap.get(ord(char))
        if glyph is None:
            continue
        glyphs[glyph].draw(TransformPen(pen, (1, 0, 0, 1, x, 0)))
        x += glyphs[glyph].width
    cap = getattr(face["OS/2"], "sCapHeight", 0) or face["head"].unitsPerEm * 0.7
    return " ".join(pen.ops), x, float(cap)


def stamp(data: bytes, word: str) -> bytes:
    """Return a PDF with ``word`` drawn across every page (inside its trim box), and in a band
    at its top, in red outlines marked as an artifact (not part of the tagged content)."""
    from ..prepress.pdf import draw_over, to_bytes, writer_from

    path, width, cap = _word_path(word)
    writer = writer_from(data)
    for page in writer.pages:
        box = page.trimbox if "/TrimBox" in page else page.mediabox
        left, bottom = float(box.left), float(box.bottom)
        w, h = float(box.width), float(box.height)
        diagonal = math.hypot(w, h)
        size = 0.7 * diagonal / width  # font units → points: the word spans 70 % of the diagonal
        angle = math.atan2(h, w)
        cos, sin = math.cos(angle) * size, math.sin(angle) * size
        # centre the word on the page's centre, along the diagonal
        cx, cy = left + w / 2, bottom + h / 2
        ox = cx - (cos * width / 2 - sin * cap / 2)
        oy = cy - (sin * width / 2 + cos * cap / 2)
        small = min(w, h) * 0.06 / cap
        sx, sy = left + w * 0.04, bottom + h - w * 0.04 - cap * small
        ops = (
            "/Artifact BMC q 0.85 0.1 0.1 RG 0.85 0.1 0.1 rg "
            f"q {cos:.5f} {sin:.5f} {-sin:.5f} {cos:.5f} {ox:.2f} {oy:.2f} cm {1.2 / size:.2f} w {path} S Q "
            f"q {small:.5f} 0 0 {small:.5f} {sx:.2f} {sy:.2f} cm {path} f Q Q EMC"
        )
        draw_over(page, ops.encode("ascii"))
    return to_bytes(writer)
