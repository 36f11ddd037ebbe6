"""How close an imported draft comes to a hand-made source (`charterpress import --compare`).

Three figures, the same in the tests and on the command line:

- **commitments**: the share of the source's commitments (sections and organisation) that
  the draft holds as a commitment with the same words (case and punctuation aside);
- **paragraphs**: the share of the source's paragraphs (every plain paragraph block of every
  body, intro and colophon) that the draft holds with the same words, as one paragraph or as
  a run of consecutive ones (a source may merge paragraphs the document prints apart);
- **damage**: what is left of the trip out of a PDF anywhere in the draft's text: list
  markers, words still broken across a line ('le- derevaluering'), page numbers and '//'
  marks, a text printed twice.

Only the words of commitments and paragraphs count, so the figures do not move when a
source's questions, headings or ids are edited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from ..errors import UsageError
from .documents import read_lines
from .importer import draft, guess_language, slug_of
from .repair import CONJUNCTIONS, words
from .structure import elements

MARKERS = re.compile(r"[•●▪◦■►]|(?:^|\s)(?:––|--)(?:\s|$)|\s[–-]$|^[–-]\s|\t|/{2,}")
BROKEN = re.compile(r"\b([^\W\d_]{2,})- ([^\W\d_]+)")


@dataclass
class Texts:
    """The commitments and paragraphs of a source's data, and all its texts with their paths."""

    commitments: list[str] = field(default_factory=list)
    paragraphs: list[list[str]] = field(default_factory=list)  # paragraphs, grouped by body
    all: list[tuple[str, str]] = field(default_factory=list)  # (path, text)


def texts(data: object) -> Texts:
    """Collect the texts of a source's data (as YAML loads it)."""
    out = Texts()
    _walk(data, "", out, None)
    return out


def _walk(node: object, path: str, out: Texts, body: list[str] | None) -> None:
    """Collect texts; ``body`` is the paragraph list of the body being walked, if any."""
    if isinstance(node, dict):
        for c in node.get("commitments") or []:
            if isinstance(c, dict) and isinstance(c.get("text"), str):
                out.commitments.append(c["text"])
        for key, value in node.items():
            if key in ("question", "theme", "id", "style", "alt", "figure"):
                continue
            if not path and key in ("onboarding", "print"):  # ours, not the charter's document
                continue
            sub = f"{path}.{key}" if path else str(key)
            if isinstance(value, str):
                out.all.append((sub, value))
            elif key in ("body", "intro", "colophon") and isinstance(value, list):
                group: list[str] = []
                out.paragraphs.append(group)
                _walk(value, sub, out, group)
            else:
                _walk(value, sub, out, None)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            sub = f"{path}[{i}]"
            if isinstance(value, str):
                out.all.append((sub, value))
                if body is not None:
                    body.append(value)
            elif body is not None and isinstance(value, dict) and set(value) == {"text"}:
                out.all.append((sub + ".text", str(value["text"])))
                body.append(str(value["text"]))
            else:
                _walk(value, sub, out, None)


@dataclass
class Figures:
    """The measure of one draft against one source."""

    commitments: float
    paragraphs: float
    damage: list[str]
    missing_commitments: list[str]
    missing_paragraphs: list[str]
    counts: tuple[int, int, int, int]  # commitments found, of, paragraphs found, of

    def line(self, name: str) -> str:
        """Return the one-line report of these figures."""
        c, cn, p, pn = self.counts
        return (
            f"{name}: commitments {c}/{cn} ({self.commitments:.0%}), paragraphs {p}/{pn} "
            f"({self.paragraphs:.0%}), damage {len(self.damage)}"
        )


def compare(draft: object, source: object) -> Figures:
    """Measure a draft's data against a hand-made source's data."""
    mine, theirs = texts(draft), texts(source)
    held = {" ".join(words(t)) for t in mine.commitments}
    missing_c = [t for t in theirs.commitments if " ".join(words(t)) not in held]
    runs = _runs(mine.paragraphs)
    wanted = [p for group in theirs.paragraphs for p in group]
    missing_p = [p for p in wanted if " ".join(words(p)) not in runs]
    nc, np_ = len(theirs.commitments), len(wanted)
    return Figures(
        commitments=(nc - len(missing_c)) / nc if nc else 1.0,
        paragraphs=(np_ - len(missing_p)) / np_ if np_ else 1.0,
        damage=damage(mine, repeated=_repeated(theirs)),
        missing_commitments=missing_c,
        missing_paragraphs=missing_p,
        counts=(nc - len(missing_c), nc, np_ - len(missing_p), np_),
    )


def _runs(groups: list[list[str]]) -> set[str]:
    """Return the words of every paragraph and of every run of consecutive paragraphs."""
    out: set[str] = set()
    for group in groups:
        keys = [words(p) for p in group]
        for i in range(len(keys)):
            run: list[str] = []
            for j in range(i, min(len(keys), i + 6)):
                run = run + keys[j]
                out.add(" ".join(run))
    return out


def _repeated(found: Texts) -> set[str]:
    """Return the texts a source itself prints more than once (not the import's doing)."""
    seen: set[str] = set()
    twice: set[str] = set()
    for _, text in found.all:
        key = " ".join(words(text))
        (twice if key in seen else seen).add(key)
    return twice


def damage(found: Texts, repeated: set[str] = frozenset()) -> list[str]:
    """Return what is left of the extraction damage in a draft's texts, one line each (a text
    the source itself repeats, ``repeated``, is not counted as printed twice)."""
    out: list[str] = []
    seen: dict[str, str] = {}
    for path, text in found.all:
        if MARKERS.search(text.strip()):
            out.append(f"{path}: a list marker or '//' left in the text: {text[:60]!r}")
        for m in BROKEN.finditer(text):
            if m[2].lower() not in CONJUNCTIONS:
                out.append(f"{path}: a word broken across a line: {m[0]!r}")
        if re.fullmatch(r"\s*\d{1,3}\s*", text):
            out.append(f"{path}: a page number: {text!r}")
        key = " ".join(words(text))
        if not re.search(r"(\]|\.text|\.items\[\d+\])$", path):
            continue  # titles, leads, cards: they may say what a text says
        if len(key.split()) >= 5 and key in seen and key not in repeated:
            out.append(f"{path}: printed twice (also {seen[key]}): {text[:60]!r}")
        seen.setdefault(key, path)
    return out


def run(args) -> int:
    """Run `charterpress import FILE --compare SOURCE`: print the figures; write nothing."""
    if not args.compare.is_file():
        raise UsageError(f"--compare {args.compare}: no such file")
    language = args.language or guess_language(elements(read_lines(args.file)))
    data, _ = draft(args.file, args.slug or slug_of(args.file), language)
    figures = compare(data, yaml.safe_load(args.compare.read_text(encoding="utf-8")))
    print(figures.line(args.slug or slug_of(args.file)))
    for text in figures.missing_commitments:
        print(f"  commitment not found: {text}")
    for text in figures.missing_paragraphs:
        print(f"  paragraph not found: {text}")
    for line in figures.damage:
        print(f"  damage: {line}")
    return 0
