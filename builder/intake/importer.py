"""`charterpress import FILE`: a draft source from the document an organisation already has.

Reads a Word file (.docx), the text layer of a PDF, Markdown or plain text, repairs the
damage of the trip out of a PDF (words broken across lines, list markers left behind, page
furniture, blocks printed twice, repeated pull quotes, a sentence resumed after a page
break) and recognises the charter's structure: title, chapters and headings, paragraphs,
lists and their lead-ins. Each list item becomes a commitment; a commitment that ends a
sentence begun by its lead-in gets a ``card:`` wording where the rule is mechanical. A
document that prints no list at all (its commitments written as running prose) gets them
from its paragraphs said of the leaders ('Lederne …', 'Vi …'), each a ``style: prose`` list.

The stages are plain functions, a module each: ``documents.read_lines`` (file → lines with the
hints a format gives), ``repair`` (lines → repaired blocks), ``structure.elements`` (blocks →
headings, paragraphs, lists), ``assemble.charter`` (elements → the source's data); this module
writes the data as YAML (``dump``) and is the command.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml

from ..errors import Problem, SourceError, UsageError
from .assemble import charter, slugify
from .documents import read_lines
from .repair import words
from .structure import Element, _element_text, elements

FORMATS = (".docx", ".pdf", ".md", ".markdown", ".txt")


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str):
    style = ">" if len(value) > 70 and "\n" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


HEADER = """\
# yaml-language-server: $schema=charter.schema.json
# A draft made by `charterpress import` from {name}.
# Read it against the original: the headings, the lists and what is a commitment are
# guesses. Every commitment needs a `question:` (`charterpress check` lists them).
"""


def dump(data: dict, original: str) -> str:
    """Return the draft as YAML text, with a header saying what it is."""
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=88, indent=2)
    return HEADER.format(name=original) + body


def draft(path: Path, slug: str, language: str) -> tuple[dict, list[Element]]:
    """Return the draft source's data made from a document, and its elements."""
    if path.suffix.lower() not in FORMATS:
        raise UsageError(
            Problem(
                str(path),
                None,
                None,
                "",
                f"cannot import a '{path.suffix}' file (use .docx, .pdf, .md or .txt)",
            )
        )
    found = elements(read_lines(path))
    try:
        return charter(found, slug, language), found
    except SourceError as error:
        raise SourceError(
            [Problem(str(path), None, None, "", p.message) for p in error.problems]
        ) from None


def slug_of(path: Path) -> str:
    """Return the slug a document's file name gives."""
    return slugify(path.stem) or "charter"


def guess_language(elements_: list[Element]) -> str:
    """Return 'da' or 'en' from the commonest short words."""
    counts = Counter(w for e in elements_ for w in words(_element_text(e)))
    danish = sum(
        counts[w] for w in ("og", "at", "er", "det", "til", "jeg", "vi", "af", "på", "med")
    )
    english = sum(
        counts[w] for w in ("and", "the", "to", "of", "is", "we", "in", "our", "with", "that")
    )
    return "en" if english > danish else "da"


def import_document(path: Path, sources: Path, slug: str | None, language: str | None) -> Path:
    """Write ``sources/SLUG.yaml``, a draft made from a document; never overwrite."""
    from ..output.write import write_atomic
    from ..source.schema_words import SCHEMA

    if not path.is_file():
        raise UsageError(Problem(str(path), None, None, "", "no such file"))
    slug = slug or slug_of(path)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) or len(slug) > 40:
        raise UsageError(f"'{slug}' is not a usable slug: use lowercase letters, digits and '-'")
    target = sources / f"{slug}.yaml"
    if target.exists():
        raise UsageError(
            Problem(
                str(target),
                None,
                None,
                "",
                "already exists: choose another slug (--slug) or remove that file",
            )
        )
    language = language or guess_language(elements(read_lines(path)))
    data, _ = draft(path, slug, language)
    write_atomic(target, dump(data, path.name).encode("utf-8"))
    schema = sources / SCHEMA
    if not schema.exists():
        from ..source.schema import json_schema_text

        write_atomic(schema, json_schema_text().encode("utf-8"))
    return target


def add_parser(sub) -> object:
    """Add `charterpress import` to the command line's subparsers; return its parser."""
    from pathlib import Path as _Path

    parser = sub.add_parser(
        "import",
        help="make a draft source from a .docx, a PDF, Markdown or text",
        description="Read a Word file, the text of a PDF, Markdown or plain text and write a "
        "draft sources/SLUG.yaml: its title, chapters, paragraphs and lists, each list item a "
        "commitment, the damage of PDF extraction repaired. It never overwrites a file. Every "
        "commitment still needs a question: `charterpress check` lists them.",
    )
    parser.add_argument(
        "file", type=_Path, metavar="FILE", help="the document (.docx, .pdf, .md, .txt)"
    )
    parser.add_argument("--slug", help="the charter's short name (default: from the file name)")
    parser.add_argument(
        "--language", choices=("da", "en"), help="the charter's language (default: guessed)"
    )
    parser.add_argument(
        "--compare",
        type=_Path,
        metavar="SOURCE",
        help="write nothing: measure the draft against a hand-made source and print the figures",
    )
    return parser


def run(args) -> int:
    """Run `charterpress import` with parsed arguments; return the exit code."""
    path = import_document(args.file, args.sources_dir, args.slug, args.language)
    if not args.quiet:
        print(path)
    return 0
