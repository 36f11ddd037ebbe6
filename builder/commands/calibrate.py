"""``charterpress calibrate``: a duplex test sheet that measures how far an office printer prints
the back side off.

The front carries two millimetre scales, the back one long cross. Held up to a light, front
towards you, the cross shows through: where its upright line meets the scale across is x, where
its level line meets the upright scale is y (right and up are plus). That is the offset a
source's ``theme.sheet.offset`` or ``build --offset`` takes; with ``calibrate --offset`` the
sheet's back is moved as the office sheets' backs are (``impose.back_shift``), so a second print
shows whether the offset is right: the lines then meet the scales at 0.

``calibrate --booklet`` writes the same sheet on A4 landscape (``calibration-booklet.pdf``),
printed as the imposed booklet is: double-sided, flipped on the short edge, with the
booklet's printer settings. It goes through the driver's quarter turn and flip as the
booklet's sheets do, so what it reads, the same way, is ``theme.sheet.booklet_offset`` (or
``build --booklet-offset``); with ``--offset`` its back is moved as the booklet's back sides
are (``impose.booklet_back_shift``).

The words come from the labels (``calibrate:`` in ``layouts/labels/LANG.yaml``), set in the
bundled fonts by WeasyPrint; the lines are drawn by pypdf at exact millimetres.
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import BuildError, UsageError
from ..prepress import impose
from ..prepress.impose import Line

FILE = "calibration.pdf"
BOOKLET_FILE = "calibration-booklet.pdf"
BOOKLET_PAPER_MM = (297.0, 210.0)
"""The imposed booklet's sheet: A4 landscape."""
BOOKLET_FLIP = "short"
"""The edge the imposed booklet is flipped on (its sheet's left and right edges)."""
TEMPLATE = "calibrate.html"
SCALE_MM = 10
"""The scales run from -SCALE_MM to +SCALE_MM, ticked every half millimetre."""
SCALE_AWAY_MM = 30.0
"""How far each scale lies from the sheet's centre (below it, and to its right)."""
CROSS_MM = 33.5
"""Half the length of each line of the back's cross: across the scales' ticks (3 mm each side
of their axis), stopping short of their figures."""
SCALE_LINE_PT = 0.3
CROSS_LINE_PT = 0.5
"""The back's cross: heavy enough to show through the paper."""


@dataclass(frozen=True)
class Target:
    """The sheet's geometry in mm (origin: the paper's lower left, as PDF)."""

    paper: tuple[float, float]

    @property
    def centre(self) -> tuple[float, float]:
        """Return the sheet's centre, where the back's cross meets when nothing is off."""
        return (self.paper[0] / 2, self.paper[1] / 2)

    def scale_across(self) -> list[Line]:
        """Return the horizontal scale (its zero below the centre): axis and ticks, both ways."""
        cx, cy = self.centre
        y = cy - SCALE_AWAY_MM
        lines: list[Line] = [((cx - SCALE_MM - 0.5, y), (cx + SCALE_MM + 0.5, y))]
        for k in range(-2 * SCALE_MM, 2 * SCALE_MM + 1):
            half = tick(k)
            lines.append(((cx + k / 2, y - half), (cx + k / 2, y + half)))
        return lines

    def scale_up(self) -> list[Line]:
        """Return the vertical scale (its zero right of the centre): axis and ticks, both ways."""
        cx, cy = self.centre
        x = cx + SCALE_AWAY_MM
        lines: list[Line] = [((x, cy - SCALE_MM - 0.5), (x, cy + SCALE_MM + 0.5))]
        for k in range(-2 * SCALE_MM, 2 * SCALE_MM + 1):
            half = tick(k)
            lines.append(((x - half, cy + k / 2), (x + half, cy + k / 2)))
        return lines

    def cross(self) -> list[Line]:
        """Return the back's cross, through the centre (the same point turned over either edge)."""
        cx, cy = self.centre
        return [
            ((cx, cy - CROSS_MM), (cx, cy + CROSS_MM)),
            ((cx - CROSS_MM, cy), (cx + CROSS_MM, cy)),
        ]


def tick(k: int) -> float:
    """Return half the length (mm) of the tick at ``k`` half millimetres: longer at 1 and 5 mm."""
    if k % 10 == 0:
        return 3.0
    return 1.8 if k % 2 == 0 else 1.0


def numbers(target: Target) -> list[dict[str, object]]:
    """Return the scales' figures (−10 … +10 every 5 mm, 0 at zero), as CSS positions in mm."""
    cx, cy = target.centre
    height = target.paper[1]
    out: list[dict[str, object]] = []
    for value in range(-SCALE_MM, SCALE_MM + 1, 5):
        text = signed(value)
        out.append(
            {
                "text": text,
                "left": cx + value - 5,
                "top": height - (cy - SCALE_AWAY_MM) + 3.6,
                "align": "center",
            }
        )
        out.append(
            {
                "text": text,
                "left": cx + SCALE_AWAY_MM + 3.6,
                "top": height - (cy + value) - 1.6,
                "align": "left",
            }
        )
    return out


def signed(value: float) -> str:
    """Return '+5', '−5' (a minus sign) or '0'."""
    if value == 0:
        return "0"
    return f"+{value:g}" if value > 0 else f"\u2212{-value:g}"


def make(
    language: str,
    flip: str = "long",
    paper: str = "A4",
    offset: tuple[float, float] | None = None,
    booklet: bool = False,
) -> tuple[bytes, list[str]]:
    """Return the calibration sheet (two pages: front, back) and its steps, in ``language``.

    ``booklet``: the imposed booklet's A4 landscape sheet, flipped on its short edge (``flip``
    and ``paper`` are not used), its back moved by ``impose.booklet_back_shift``.
    """
    from ..layout import fonts, render
    from ..layout.templates import environment, labels

    words = labels(language)
    texts: dict = dict(words["calibrate"])  # type: ignore[call-overload]
    settings = None
    if booklet:
        flip = BOOKLET_FLIP
        texts["title"], texts["steps"] = texts["booklet_title"], texts["booklet_steps"]
        settings = str(texts["booklet_settings"])
    target = Target(BOOKLET_PAPER_MM if booklet else impose.PAPER_MM[paper])
    applied = None
    if offset is not None:
        applied = str(texts["applied"]).format(
            x=_number(offset[0], words), y=_number(offset[1], words)
        )
    html = render.render_html(
        environment("base"),
        TEMPLATE,
        language=language,
        words=words,
        texts=texts,
        instruction=instruction_of(words, flip),
        settings=settings,
        applied=applied,
        numbers=numbers(target),
        paper={"width": target.paper[0], "height": target.paper[1]},
        landscape=booklet,
    )
    with render.fonts_embedded() as embedded:
        pdf = render.to_pdf(render.to_document(html))
    ours = fonts.identities()
    if not all(fonts.embedded_identity(program) in ours for program in set(embedded)):
        raise BuildError(f"{FILE}: the layout embeds a font that is not bundled in assets/fonts/")
    given = offset or (0.0, 0.0)
    shift = impose.booklet_back_shift(given) if booklet else impose.back_shift(given, flip)
    pdf = _draw(pdf, target, shift)
    first = instruction_of(words, flip) + (f" {settings}" if settings else "")
    return pdf, [first, *(str(step) for step in texts["steps"])]


def instruction_of(words: dict[str, object], flip: str) -> str:
    """Return how to print the sheet: double-sided on the flip edge, at actual size."""
    texts: dict = words["calibrate"]  # type: ignore[assignment]
    return f"{words[f'print_duplex_{flip}']} {texts['actual_size']}"


def _number(value: float, words: dict[str, object]) -> str:
    """Return a millimetre figure in the language's decimal style, with a real minus."""
    return signed(value).replace(".", str(words.get("decimal", "."))).lstrip("+")


def _draw(pdf: bytes, target: Target, shift: tuple[float, float]) -> bytes:
    """Return the sheet with its scales on the front and its cross on the back, all 100 % K."""
    from ..prepress.pdf import append_content, lines_content, move, to_bytes, writer_from
    from ..units import mm

    def pt(lines: list[Line]) -> list[Line]:
        return [((mm(a), mm(b)), (mm(c), mm(d))) for (a, b), (c, d) in lines]

    writer = writer_from(pdf)
    front, back = writer.pages[0], writer.pages[1]
    scales = pt(target.scale_across() + target.scale_up())
    append_content(writer, front, lines_content(scales, width=SCALE_LINE_PT, black=True))
    append_content(writer, back, lines_content(pt(target.cross()), width=CROSS_LINE_PT, black=True))
    if shift != (0.0, 0.0):
        move(back, mm(shift[0]), mm(shift[1]))
    return to_bytes(writer)


def project_language(sources_dir: Path) -> str:
    """Return the language most of the project's charters are in ('da' when there are none)."""
    from ..source.load import find_sources, parse, read_source

    found: Counter[str] = Counter()
    for path in find_sources([], sources_dir) if sources_dir.is_dir() else []:
        try:
            loaded, _ = parse(read_source(path))
        except Exception:  # noqa: BLE001 - a broken source says nothing about the language
            continue
        meta = loaded.data.get("meta") if loaded and isinstance(loaded.data, dict) else None
        language = meta.get("language") if isinstance(meta, dict) else None
        if language in ("da", "en"):
            found[language] += 1
    return sorted(found, key=lambda lang: (-found[lang], lang))[0] if found else "da"


def add_parser(sub: argparse._SubParsersAction, offset_type: object) -> argparse.ArgumentParser:
    """Add the ``calibrate`` command."""
    p = sub.add_parser(
        "calibrate",
        help="write a duplex test sheet that measures the office printer's back-side offset",
        description="Write calibration.pdf: print it double-sided at 100 %, hold it up to a "
        "light, front towards you, and read on the front's scales where the back's cross "
        "lies: that is theme: sheet: offset: {x, y} (or build --offset X,Y). With --booklet, "
        "calibration-booklet.pdf: the same on A4 landscape, printed as the imposed booklet is "
        "(flipped on the short edge); what it reads is theme: sheet: booklet_offset: {x, y} "
        "(or build --booklet-offset X,Y).",
    )
    p.add_argument(
        "--out", type=Path, metavar="DIR", help="output folder (default: dist in the project)"
    )
    p.add_argument(
        "--booklet",
        action="store_true",
        help="the sheet for the imposed booklet instead of the cards' sheets: A4 landscape, "
        "flipped on the short edge, as the booklet is (calibration-booklet.pdf)",
    )
    p.add_argument(
        "--flip",
        choices=("long", "short"),
        help="the edge the printer flips on, as for the cards (default: long; not with --booklet)",
    )
    p.add_argument(
        "--paper",
        choices=tuple(impose.PAPER_MM),
        help="the paper (default: A4; not with --booklet)",
    )
    p.add_argument(
        "--language",
        choices=("da", "en"),
        help="the sheet's language (default: that of the project's charters)",
    )
    p.add_argument(
        "--offset",
        type=offset_type,
        metavar="X,Y",
        help="print the back moved by this offset, to check it: the lines then meet the scales "
        "at 0 (with --booklet, moved as the booklet's back sides are)",
    )
    return p


def run(args: argparse.Namespace, out_dir: Path) -> Path:
    """Write the calibration sheet into ``out_dir``; print its path and how to read it."""
    from ..output import outdir
    from ..output.write import MANIFEST, Manifest, locked, write_atomic
    from ..terminal import line

    if args.booklet and (args.flip or args.paper):
        given = "--flip" if args.flip else "--paper"
        raise UsageError(
            f"argument {given}: not with --booklet: the booklet's sheet is A4 landscape, "
            "flipped on the short edge (see `charterpress calibrate --help`)"
        )
    outdir.check(out_dir)  # the rules of build --out: ours, writable, not the project
    language = args.language or project_language(args.sources_dir)
    flip, paper = args.flip or "long", args.paper or "A4"
    pdf, steps = make(language, flip, paper, args.offset, booklet=args.booklet)
    path = out_dir / (BOOKLET_FILE if args.booklet else FILE)
    out_dir.mkdir(parents=True, exist_ok=True)
    with locked(out_dir):
        write_atomic(path, pdf)
        if not (out_dir / MANIFEST).is_file():  # a new folder stays one a build may write to
            Manifest().write(out_dir)
    if not args.quiet:
        print(line(path))
        for number, step in enumerate(steps, 1):
            print(line(f"  {number}. {step}"))
    return path
