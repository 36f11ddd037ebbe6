"""The text layer proof: what a reader searches, copies or hears in the screen booklet is the
source's words, letter for letter.

The layout proof (``proof.check_booklet``) reads WeasyPrint's boxes: what was laid out. This one
reads the finished PDF the way a PDF reader does (PDFium, through pypdfium2), so it also sees what
the fonts' ToUnicode maps make of the glyphs: a small capital drawn for both 'P' and 'p' that copies
as 'P' ("PrinciP"), a ligature that copies as nothing, letter-spacing wide enough for a reader to
take each capital for a word ("G L A D S A X E").

Every word of the layer must be a word of the charter, of its labels (``layouts/labels``) or a
number, in the source's spelling or set in capitals, in lower case or capitalised (a running head
in sentence case): any other mix of cases is a wrong word. A word broken at a line end (by the
booklet's hyphenation, or the source's own 'feedback- og') is read whole again first, also across
a page break.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from pydantic import BaseModel

from ..errors import BuildError
from ..values import Source

WORD = re.compile(r"\w+(?:['’]\w+)*")
"""A word: letters and digits, with an inner apostrophe ('TRIO’ere')."""
BREAK = "\u2010\u00ad\x02-"
"""What a PDF reader may give for the hyphen drawn where a word is broken at a line end."""
LINE_END_BREAK = re.compile(rf"(\w)[{BREAK}][ \t]*\r?\n\s*(?=\w)")
PAGE_END_BREAK = re.compile(rf"(\w+)[{BREAK}][ \t]*\r?\n")
LOOK_AHEAD = 40
"""How many words of the next page may come before the rest of a word broken at a page's end
(the running foot and the page number stand between them)."""


def strings(value: object) -> Iterator[str]:
    """Yield every text of a model, a dict or a list, at any depth."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from strings(getattr(value, name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from strings(item)


def vocabulary(texts: Iterable[str]) -> set[str]:
    """Return the words of ``texts`` (soft hyphens dropped)."""
    return {w for text in texts for w in WORD.findall(text.replace("\u00ad", ""))}


def is_word_of(word: str, words: set[str], lower: set[str]) -> bool:
    """Return whether ``word`` is one of ``words``, as spelt or in a case a layout sets."""
    if word in words or word.isdigit():
        return True
    return word.lower() in lower and word in (word.upper(), word.lower(), word.capitalize())


def page_words(text: str, words: set[str], lower: set[str]) -> tuple[list[str], list[str]]:
    """Return the words of one page's text, a word broken at a line end read whole, and the
    heads of broken words that are not read whole there (a break at the page's end, or the
    source's own hyphen)."""
    apart: list[str] = []

    def join(match: re.Match[str]) -> str:
        head = WORD.findall(text[: match.end(1)])[-1]
        tail = WORD.match(text, match.end())
        whole = head + (tail.group() if tail else "")
        if is_word_of(whole, words, lower):
            return match.group(1)  # the booklet's hyphenation: one word again
        apart.append(head)
        return match.group(1) + " "  # the source's own hyphen ('feedback- og'), or a page's end

    text = LINE_END_BREAK.sub(join, text)
    apart += PAGE_END_BREAK.findall(text)  # a break with no word after it: the text's end
    text = PAGE_END_BREAK.sub(lambda m: m.group(1) + " ", text)
    return WORD.findall(text), apart


def wrong_words(pages: list[str], words: set[str]) -> list[tuple[int, str]]:
    """Return (page number, word) for every word of the pages' text that is not a source word."""
    lower = {w.lower() for w in words}
    found: list[tuple[int, str]] = []
    head: str | None = None  # the last word a page breaks at a line end: maybe at the page's end
    carried: tuple[int, str] | None = None  # such a word that is no word alone ('Ishøj Kom-')
    for number, text in enumerate(pages, start=1):
        read, ends = page_words(text, words, lower)
        joined = False
        for i, word in enumerate(read):
            if is_word_of(word, words, lower):
                continue
            if head and not joined and i < LOOK_AHEAD and is_word_of(head + word, words, lower):
                joined = True  # the rest of the word the last page ended on
                continue
            if ends and word == ends[-1] and i >= len(read) - LOOK_AHEAD:
                continue  # its first half, maybe: decided on the next page
            found.append((number, word))
        if carried and not joined:
            found.append(carried)
        head = ends[-1] if ends else None
        carried = (number, head) if head and not is_word_of(head, words, lower) else None
    if carried:
        found.append(carried)
    return found


def project_layout_texts(source: Source) -> Iterator[str]:
    """Yield the text of the project's own layout files for this charter (``layouts/SLUG/``,
    its theme's folder and ``layouts/base/`` of the project, not the package's).

    A project's own template may print words of its own (a footer, a motto): they are the
    project's words, as the source's are. The package's layouts print only labels, so their
    words are not added: a word a packaged layout puts into the text layer is still a bug.
    """
    from .. import project, projectfiles

    root = project.root() / "layouts"
    folders = [root / source.slug, root / "themes" / source.charter.theme.name, root / "base"]
    for folder in folders:
        if not folder.is_dir() or folder.resolve().is_relative_to(project.DATA / "layouts"):
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix in (".html", ".css") and path.is_file():
                yield re.sub(r"<[^>]*>|\{[%#{].*?[%#}]\}", " ", projectfiles.read_text(path), flags=re.S)


def pdf_pages_text(pdf: bytes) -> list[str]:
    """Return the text of each page of a PDF, as PDFium (a PDF reader's engine) extracts it."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def check(source: Source, pdf: bytes, labels: dict[str, object], extra: Iterable[str] = ()) -> None:
    """Raise a BuildError when the screen booklet's text layer holds a word the source does not.

    ``extra``: more texts whose words may appear (an onboarding booklet's roster and labels).
    """
    words = vocabulary(
        [*strings(source.charter), *strings(labels), *project_layout_texts(source), *extra]
    )
    wrong = wrong_words(pdf_pages_text(pdf), words)
    if not wrong:
        return
    problems = []
    for page, word in wrong[:5]:
        near = next(
            (t for t in strings(source.charter) if word.lower() in t.lower()),
            None,
        )
        path = _path_of(source, near) if near else "meta.title"
        problems.append(
            source.problem(
                path,
                f"the screen booklet's text layer reads {word!r} on page {page}, a word the source"
                " does not have: copying, search and screen readers get it wrong (a layout bug:"
                " please report it)",
            )
        )
    raise BuildError(problems)


def check_products(source: Source, products: Iterable[object]) -> None:
    """Check the text layer of the screen booklet among ``products``, if it is one of them."""
    from . import templates

    name = f"{source.slug}-booklet.pdf"
    for product in products:
        if getattr(product, "name", None) == name:
            check(source, product.data, templates.labels(source.charter.meta.language))  # type: ignore[attr-defined]


def _path_of(source: Source, text: str) -> str:
    """Return the field path of the first field whose text is ``text``."""
    from .proof import model_texts

    return next((e.path for e in model_texts(source.charter) if e.text == text), "meta.title")
