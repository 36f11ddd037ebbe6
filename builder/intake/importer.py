"""`charterpress import FILE`: a draft source from the document an organisation already has.

Reads a Word file (.docx), the text layer of a PDF, Markdown or plain text, repairs the
damage of the trip out of a PDF (words broken across lines, list markers left behind, page
furniture, blocks printed twice, repeated pull quotes, a sentence resumed after a page
break) and recognises the charter's structure: title, chapters and headings, paragraphs,
lists and their lead-ins. Each list item becomes a commitment; a commitment that ends a
sentence begun by its lead-in gets a ``card:`` wording where the rule is mechanical. A
document that prints no list at all (its commitments written as running prose) gets them
from its paragraphs said of the leaders ('Lederne …', 'Vi …'), each a ``style: prose`` list.

The stages are plain functions: ``read_lines`` (file → lines with the hints a format
gives), ``blocks`` (lines → repaired blocks), ``elements`` (blocks → headings, paragraphs,
lists), ``charter`` (elements → the source's data) and ``dump`` (data → YAML text).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import Problem, SourceError, UsageError

FORMATS = (".docx", ".pdf", ".md", ".markdown", ".txt")

TERMINAL = ".!?…"
"""A line ending in one of these ends a sentence."""

LEAD_END = re.compile(r"(:|…|\.\.\.|,\s*(at|that|to))\s*$", re.IGNORECASE)
"""How a lead-in ends: a colon, an ellipsis, or a clause that the items complete (', at')."""

BULLET = re.compile(r"^\s*(?:[•●▪◦■►✓·*]+|[-–—]{1,2}(?=\s)|\(?\d{1,2}[.)](?=\s))\s*")
"""A list marker at the start of a line (bullets, dashes, '1.' or '1)')."""

NUMBERED = re.compile(r"^\s*\(?\d{1,2}[.)]\s")

TRAILING = re.compile(r"(?:\s+[-–—]{1,2}|\s*[•●▪]+)\s*$")
"""A list marker left at the end of a line (some PDFs put the bullet after the text)."""

FURNITURE = re.compile(
    r"^\s*(?:\d{1,3}|/{2,}|[•●▪◦·*–—-]{1,3}|side \d+( af \d+)?|page \d+( of \d+)?)\s*$", re.I
)
"""A line that is page furniture: a page number, '//', a marker alone."""

CONJUNCTIONS = {"og", "eller", "samt", "and", "or", "nor", "to", "til"}
"""Words after which 'feedback- og' keeps its hyphen (a shared second part: 'feedback- og
forbedringskultur')."""

CONTACT = re.compile(
    r"@|\b(tlf|telefon|phone|tel|mail|e-mail|www)\b|^\d{4}\s+\w|\+?\d\d(\s?\d\d){3}", re.I
)

WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)


@dataclass
class Line:
    """One line of the document, with what the format says about it."""

    text: str
    kind: str = ""  # "", "heading", "title", "bullet", "numbered", "break" (a paragraph ends)
    level: int = 0


@dataclass
class Element:
    """A recognised piece of the document: a heading, a paragraph or a list."""

    kind: str  # "heading", "paragraph", "list"
    text: str = ""
    level: int = 2  # headings: 1 a chapter (capitals, Word's Heading 1), 2 a sub-heading
    subtitle: str = ""
    lead: str = ""
    items: list[str] = field(default_factory=list)
    numbered: bool = False
    style: str = ""  # "paragraphs": each item a paragraph; "prose": items run on as one
    cards: dict[str, str] = field(default_factory=dict)  # an item's card wording, if made
    styled: bool = False  # a heading the document marks as one (a Word style, Markdown '#')


# ---------------------------------------------------------------------------- reading


def read_lines(path: Path) -> list[Line]:
    """Return the document's lines with the hints its format gives."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _docx_lines(path)
    if suffix == ".pdf":
        return _pdf_lines(path)
    text = _text(path)
    if suffix in (".md", ".markdown"):
        return _markdown_lines(text)
    return [Line(t) for t in text.replace("\f", "\n\f\n").split("\n")]


def _text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _markdown_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    for raw in text.split("\n"):
        heading = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", raw)
        if heading:
            level = len(heading[1])
            lines += [Line(""), Line(heading[2], "title" if level == 1 else "heading", level - 1)]
            lines.append(Line(""))
        elif re.match(r"^\s*[-*+]\s+", raw):
            lines.append(Line(re.sub(r"^\s*[-*+]\s+", "", raw), "bullet"))
        elif re.match(r"^\s*\d+[.)]\s+", raw):
            lines.append(Line(re.sub(r"^\s*\d+[.)]\s+", "", raw), "numbered"))
        elif re.fullmatch(r"\s*(\*\*|__)([^*_]+)\1\s*", raw):  # a line all in bold: a heading
            lines += [Line(""), Line(raw.strip().strip("*_").strip(), "heading", 2), Line("")]
        else:
            lines.append(Line(re.sub(r"[*_`]{1,2}([^*_`]+)[*_`]{1,2}", r"\1", raw)))
    return lines


def _docx_lines(path: Path) -> list[Line]:
    import docx  # python-docx; imported here so that only `import` pays for it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as error:
        raise SourceError(
            [Problem(str(path), None, None, "", f"not a Word file python-docx can read ({error})")]
        ) from None
    lines: list[Line] = []
    for paragraph in _docx_paragraphs(document):
        text = paragraph.text.replace("\v", " ").strip()
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
        heading = re.match(r"(?i)heading (\d)", style)
        if style.lower() == "title":
            lines.append(Line(text, "title", 0))
        elif heading:
            lines.append(Line(text, "heading", int(heading[1])))
        elif "list number" in style.lower():
            lines.append(Line(text, "numbered"))
        elif "list" in style.lower() or numbered:
            lines.append(Line(text, "bullet"))
        else:
            lines.append(Line(text))
        lines.append(Line("", "break"))
    return lines


def _docx_paragraphs(document):
    """Yield the document's paragraphs in reading order, those in tables too (cell by cell)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    def walk(parent, element):
        for child in element.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                yield Paragraph(child, parent)
            elif tag == "tbl":
                table = Table(child, parent)
                for row in table.rows:
                    seen = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:  # a merged cell is listed once per column
                            continue
                        seen.add(id(cell._tc))
                        yield from walk(cell, cell._tc)
            elif tag == "sdt":  # content controls hold paragraphs too
                content = child.find(
                    "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sdtContent"
                )
                if content is not None:
                    yield from walk(parent, content)

    yield from walk(document, document.element.body)


def _pdf_lines(path: Path) -> list[Line]:
    """Return a PDF's text layer as lines, with a blank line where the space between two
    lines is wider than the page's usual line spacing (a paragraph ends) and a page break
    between pages. The text comes from PDFium's text segments, put in lines by position."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as error:
        raise SourceError(
            [Problem(str(path), None, None, "", f"not a PDF that can be read ({error})")]
        ) from None
    lines: list[Line] = []
    try:
        for index in range(len(document)):
            if index:
                lines.append(Line("\f"))
            lines += _page_lines(document[index])
    finally:
        document.close()
    if not any(line.text.strip() and line.text != "\f" for line in lines):
        raise SourceError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    "",
                    "the PDF has no text layer (a scan?): nothing to import",
                )
            ]
        )
    return lines


def _page_lines(page) -> list[Line]:
    textpage = page.get_textpage()
    segments = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = (
            textpage.get_text_bounded(left, bottom, right, top)
            .replace("\r", " ")
            .replace("\n", " ")
        )
        text = text.replace("\x02", "-").replace("\ufffe", "-")
        if text.strip():
            segments.append([left, bottom, right, top, text])
    rows: list[list] = []
    for seg in sorted(segments, key=lambda s: -s[3]):
        middle = (seg[1] + seg[3]) / 2
        for row in rows:
            if row[0] <= middle <= row[1]:
                row[2].append(seg)
                row[0], row[1] = min(row[0], seg[1]), max(row[1], seg[3])
                break
        else:
            rows.append([seg[1], seg[3], [seg]])
    rows.sort(key=lambda r: -r[1])
    out: list[Line] = []
    gaps = sorted(prev[0] - row[1] for prev, row in zip(rows, rows[1:], strict=False))
    usual = gaps[len(gaps) // 2] if gaps else 0
    heights = sorted(r[1] - r[0] for r in rows)
    height = heights[len(heights) // 2] if heights else 10
    lefts = Counter(round(min(s[0] for s in r[2])) for r in rows)
    margin = lefts.most_common(1)[0][0] if lefts else 0
    for n, row in enumerate(rows):
        if n and rows[n - 1][0] - row[1] > max(usual, 0) + 0.45 * height:
            out.append(Line(""))
        parts = sorted(row[2], key=lambda s: s[0])
        text = ""
        for seg in parts:
            piece = seg[4].strip() if not text else seg[4]
            if text and not text.endswith(" ") and not piece.startswith(" "):
                text += " "
            text += piece
        indent = min(s[0] for s in parts) - margin
        # a first line set in (a paragraph's indent): one space, as a text file shows it
        out.append(Line((" " if 0.8 * height < indent < 4 * height else "") + text.rstrip()))
    textpage.close()
    return out


# ---------------------------------------------------------------------------- repairing


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = (
        text.replace("\u2010", "-")
        .replace("\u00a0", " ")
        .replace("\t", " ")
        .replace("\u00ad", "")
        .replace("\r", "")
    )
    return text.rstrip()


def _strip_furniture(lines: list[Line]) -> list[Line]:
    """Drop page numbers, '//' markers, lone bullets and running heads; mark page breaks."""
    pages: list[list[int]] = [[]]
    for i, line in enumerate(lines):
        if line.text.strip(" ") == "\f":
            pages.append([])
        elif line.text.strip():
            pages[-1].append(i)
    heads: Counter[str] = Counter()
    for page in pages:
        for i in page[:2] + page[-2:]:
            heads[re.sub(r"\d+", "#", lines[i].text.strip())] += 1
    running = {
        t
        for t, n in heads.items()
        if len(pages) >= 4 and n >= max(3, len(pages) // 2) and len(t) <= 80
    }
    folio: set[int] = set()
    if len(pages) > 1:
        for page in pages:  # a running head or foot with the page's number: '4 Titlen', 'Kapitel 7'
            for i, apart in ((page[0], page[0] + 1), (page[-1], page[-1] - 1)):
                text = lines[i].text.strip()
                numbered = re.fullmatch(r"\d{1,3}\s+\S.{0,80}|.{0,80}\S\s+\d{1,3}", text)
                alone = 0 <= apart < len(lines) and not lines[apart].text.strip()
                if numbered and alone and len(text.split()) <= 12 and not lines[i].kind:
                    folio.add(i)
    folio |= _contents_entries(lines)
    out: list[Line] = []
    first = next((i for i, line in enumerate(lines) if line.text.strip()), -1)
    for i, line in enumerate(lines):
        text = _clean(line.text)
        if text.strip(" ") == "\f":
            out.append(Line("", "break"))
            continue
        text = re.sub(r"\s*/{2,}\s*$", "", text)
        if line.kind not in ("heading", "title") and (FURNITURE.match(text) and text.strip()):
            continue
        if re.sub(r"\d+", "#", text.strip()) in running and not line.kind and i != first:
            continue
        if i in folio:
            continue
        out.append(Line(text, line.kind, line.level))
    return out


def _contents_entries(lines: list[Line]) -> set[int]:
    """Return the lines that are entries of a table of contents: a page number and a heading
    the document prints elsewhere ('7 Jeg kommunikerer', 'Formål .... 4')."""
    keys: Counter[str] = Counter()
    texts = [line.text.strip() for line in lines]
    for i, text in enumerate(texts):
        if not text[:1].isupper():
            continue  # headings start with a capital; the last line of a paragraph may not
        keys[_key(text)] += 1
        if i + 1 < len(texts) and texts[i + 1]:
            keys[_key(text + " " + texts[i + 1])] += 1
    found: set[int] = set()
    for i, text in enumerate(texts):
        m = re.fullmatch(r"(\d{1,3})\s+(.+)|(.+?)[\s.·…]+(\d{1,3})", text)
        if m and not lines[i].kind:
            rest = _key(m[2] or m[3] or "")
            if rest and keys[rest] >= 1 and rest != _key(text):
                found.add(i)
    return found


def _ends_sentence(text: str) -> bool:
    text = TRAILING.sub("", text.rstrip()).rstrip(" \"'”“»«)")
    return bool(text) and (text[-1] in TERMINAL or text.endswith(":"))


def _starts_lower(text: str) -> bool:
    """Whether a line goes on a sentence: it starts with a small letter."""
    stripped = text.lstrip(" „\"'“(")
    return bool(stripped) and stripped[0].islower()


def _blocks(lines: list[Line]) -> list[list[Line]]:
    """Group lines into blocks at blank lines; a block that goes on a sentence joins it."""
    blocks: list[list[Line]] = [[]]
    for line in lines:
        if not line.text.strip() or line.kind == "break":
            if blocks[-1]:
                blocks.append([])
        else:
            blocks[-1].append(line)
    blocks = [b for b in blocks if b]
    merged: list[list[Line]] = []
    for block in blocks:
        first = block[0]
        if merged and not first.kind and _starts_lower(first.text) and not BULLET.match(first.text):
            prev = merged[-1]
            if (
                len(merged) >= 2
                and _heading_only(prev)
                and not _ends_sentence(merged[-2][-1].text)
                and len(merged[-2][-1].text.split()) >= 4
                and not merged[-2][-1].kind
            ):
                # a sentence cut by a page break and resumed after a heading
                merged[-2].extend(block)
                continue
            if not _ends_sentence(prev[-1].text) and prev[-1].kind not in ("heading", "title"):
                prev.extend(block)
                continue
        merged.append(list(block))
    return merged


def _after_a_sentence(previous: list[Line], part: list[Line]) -> bool:
    """Whether ``part`` is one plain line in the same block as a paragraph ending a sentence."""
    if len(part) != 1 or part[0].kind or len(previous) < 2 or previous[-1].kind:
        return False
    text = previous[-1].text.rstrip()
    return (
        _ends_sentence(text)
        and not text.endswith(":")
        and not BULLET.match(part[0].text)
        and not NUMBERED.match(part[0].text)
    )


def _heading_only(block: list[Line]) -> bool:
    if block[0].kind in ("heading", "title"):
        return True
    words = sum(len(line.text.split()) for line in block)
    last = block[-1].text.rstrip()
    return (
        len(block) <= 3
        and words <= 14
        and (not _ends_sentence(last) or last.endswith("?") and words <= 8)
        and not any(BULLET.match(line.text) or TRAILING.search(line.text) for line in block)
        and not CONTACT.search(" ".join(line.text for line in block))
    )


def join_lines(parts: list[str], vocabulary: set[str] | frozenset[str] = frozenset()) -> str:
    """Join lines into one text, mending words broken across lines with a hyphen."""
    text = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not text:
            text = part
            continue
        broken = re.search(r"([^\W\d_]+)[-\u2010]\s*$", text)
        nxt = re.match(r"([^\W\d_]+)", part)
        if broken and nxt and nxt[1][0].islower() and nxt[1].lower() not in CONJUNCTIONS:
            head = broken[1]
            if head.isupper() and len(head) > 1 or (head + "-" + nxt[1]).lower() in vocabulary:
                text = text.rstrip() + part  # MED-udvalg: a real hyphen
            else:
                text = text[: broken.end(1)] + part
        else:
            text = text.rstrip() + " " + part
    return _mend_inline(re.sub(r"\s+", " ", text).strip(), vocabulary)


def _mend_inline(text: str, vocabulary) -> str:
    """Mend 'arbejds- miljø' (a line break lost in extraction) unless a conjunction follows."""

    def mend(match: re.Match) -> str:
        head, tail = match[1], match[2]
        if tail.lower() in CONJUNCTIONS or head.isupper() and len(head) > 1:
            return match[0]
        if (head + "-" + tail).lower() in vocabulary:
            return f"{head}-{tail}"
        return head + tail

    return re.sub(r"\b([^\W\d_]{2,})- ([^\W\d_A-ZÆØÅ][^\W\d_]*)", mend, text)


def _vocabulary(lines: list[Line]) -> set[str]:
    """Return the hyphenated words the document writes whole on one line (kept as written)."""
    words: set[str] = set()
    for line in lines:
        words.update(m.lower() for m in re.findall(r"[^\W\d_]+-[^\W\d_]+", line.text))
    return words


# ---------------------------------------------------------------------------- structure


def _split_paragraphs(block: list[Line]) -> list[list[Line]]:
    """Split a block where a new paragraph starts without a blank line (an indent, a short
    last line before a capital)."""
    width = max(len(line.text.strip()) for line in block)
    parts: list[list[Line]] = [[]]
    for i, line in enumerate(block):
        if parts[-1] and i > 0 and not line.kind and not block[i - 1].kind:
            prev = block[i - 1].text
            indented = line.text[:1].isspace() and line.text.strip()[:1].isupper()
            short = len(block) >= 3 and len(prev.strip()) < 0.6 * width
            if _ends_sentence(prev) and (indented or short) and line.text.strip()[:1].isupper():
                parts.append([])
            elif (
                indented
                and not _ends_sentence(prev)
                and not block[i - 1].text[:1].isspace()
                and len(line.text.strip()) >= 40
                and not TRAILING.search(line.text)
                and not BULLET.match(line.text)
            ):
                parts.append([])  # an indented first line after a list's last item
            elif (
                i == len(block) - 1
                and prev.rstrip()[-1:] in ".!?"
                and not _ends_sentence(line.text)
                and len(line.text.split()) <= 6
                and line.text.strip()[:1].isupper()
                and not BULLET.match(line.text)
            ):
                parts.append([])  # a name under a paragraph: a signature, a caption
                line = Line(line.text, "tail")  # not a heading: it stands under its text
        parts[-1].append(line)
    return [p for p in parts if p]


def _line_set(block: list[Line]) -> bool:
    """Whether a block is a set of lines, each a text of its own (a colophon, an address):
    three or more lines, every one starting with a capital or a digit, none broken."""
    texts = [line.text.strip() for line in block]
    return (
        len(block) >= 3
        and not any(line.kind for line in block)
        and all(t[:1].isupper() or t[:1].isdigit() for t in texts)
        and not any(t.endswith("-") or BULLET.match(t) or TRAILING.search(t) for t in texts)
    )


def _heading_run(block: list[Line]) -> int:
    """Return how many lines at the block's start are a heading (0: none)."""
    first = block[0]
    if first.kind in ("heading", "title"):
        return 1
    if first.kind:
        return 0
    text = first.text.strip()
    numbered = NUMBERED.match(first.text)
    if BULLET.match(first.text) and not numbered or TRAILING.search(first.text):
        return 0
    if len(block) == 1:
        return 1 if _heading_only(block) else 0
    run = 1
    while (
        run < len(block)
        and not block[run].kind
        and _starts_lower(block[run].text)
        and not BULLET.match(block[run].text)
    ):
        if _ends_sentence(block[run - 1].text):
            break
        run += 1
    head = " ".join(line.text.strip() for line in block[:run])
    if run >= len(block):
        return run if _heading_only(block) else 0
    nxt = block[run].text.strip()
    if (
        len(head.split()) > 12
        or len(head) > 90
        or head[-1] in ".,;"
        or (head.endswith(":") and not numbered)
    ):
        return 0
    widest = max(len(line.text.strip()) for line in block[:run])
    if re.match(r"^\s*[–—]\s+[^\W\d_]", block[run].text) and _starts_lower(nxt[1:].strip()):
        # a subtitle follows: 'Ledelse opad / – om at give med- og modspil'; unless the "heading"
        # is as wide as the lines after the dash: then it is a paragraph's first line, and the
        # dash a parenthesis that a line break put at the start of the next ('… for X / – en …')
        after = [len(line.text.strip()) for line in block[run : run + 4] if not line.kind]
        if len(after) < 2 or widest < 0.85 * max(after):
            return run
        return 0
    if BULLET.match(block[run].text) or TRAILING.search(block[run].text):
        return run if text.isupper() else 0  # the list's lead-in, not a heading
    if text.isupper() or numbered or head.endswith("?") or not _ends_sentence(head):
        body = max(len(line.text.strip()) for line in block[run : run + 4])
        short = (
            widest <= (0.85 if head.endswith("?") else 0.72) * body or text.isupper() or numbered
        )
        if short and (nxt[:1].isupper() or nxt[:1] in "–—-"):
            return run
    return 0


def _marker(lines: list[Line], i: int) -> bool:
    """Whether line i starts with a list marker (a dash only after a sentence's end or an item)."""
    text = lines[i].text
    if not BULLET.match(text) or lines[i].kind:
        return False
    if re.match(r"^\s*[-–—]", text) and i > 0 and not lines[i - 1].kind:
        prev = lines[i - 1].text
        if _ends_sentence(prev) or bool(BULLET.match(prev)) or LEAD_END.search(prev) is not None:
            return True
        # inside a dash list already: an item's last line may end without a full stop
        return any(re.match(r"^\s*[-–—]\s", line.text) for line in lines[:i])
    return True


def _items(lines: list[Line], vocabulary) -> tuple[list[str], list[str], bool]:
    """Split list lines into (lines before the list, items, numbered?)."""
    trailing = sum(1 for line in lines if TRAILING.search(line.text) and not line.kind) >= 2
    before: list[str] = []
    items: list[list[str]] = []
    numbered = False
    for n, line in enumerate(lines):
        text = line.text
        if line.kind in ("bullet", "numbered"):
            items.append([text])
            numbered = numbered or line.kind == "numbered"
        elif trailing and TRAILING.search(text):
            items.append([TRAILING.sub("", text)])
        elif not trailing and _marker(lines, n):
            numbered = numbered or bool(NUMBERED.match(text))
            # '■ troværdighed ■ klare budskaber': a list set in columns, read row by row
            items += [[part] for part in re.split(r"\s+[•●▪■◦]\s+", BULLET.sub("", text)) if part]
        elif items:
            items[-1].append(text)
        else:
            before.append(text)
    return before, [join_lines(i, vocabulary) for i in items], numbered


def _is_list(block: list[Line]) -> bool:
    marked = [
        line
        for n, line in enumerate(block)
        if line.kind in ("bullet", "numbered")
        or (not line.kind and _marker(block, n) and not NUMBERED.match(line.text))
    ]
    trailing = [line for line in block if not line.kind and TRAILING.search(line.text)]
    return bool(marked) or len(trailing) >= 2


def _heading(text: str, level: int) -> Element:
    text = re.sub(r"\s+", " ", text).strip()
    caps = re.sub(r"[^\w]", "", text)
    return Element(
        "heading", text, 1 if level == 1 or (caps.isupper() and len(caps) > 2) else level or 2
    )


def elements(lines: list[Line]) -> list[Element]:
    """Return the document's headings, paragraphs and lists, repaired, in reading order."""
    lines = _strip_furniture(lines)
    vocabulary = _vocabulary(lines)
    out: list[Element] = []
    for block in _blocks(lines):
        previous: list[Line] = []
        for part in _split_paragraphs(block):
            if _after_a_sentence(previous, part):
                # one line set solid under a paragraph that ended its sentence ('Design: …'
                # under a colophon): a heading has space above it, so this is a paragraph
                out.append(Element("paragraph", join_lines([part[0].text])))
            elif _line_set(part):
                out += [Element("paragraph", join_lines([line.text])) for line in part]
            else:
                _block_elements(part, vocabulary, out)
            previous = part
    out = _attach_leads(out)
    return _drop_repeats(out)


def _block_elements(block: list[Line], vocabulary, out: list[Element]) -> None:
    while block:
        run = _heading_run(block)
        if not run:
            break
        numbered = NUMBERED.match(block[0].text)
        text = join_lines(
            [BULLET.sub("", block[0].text) if numbered else block[0].text]
            + [line.text for line in block[1:run]]
        )
        element = _heading(text, block[0].level)
        if block[0].kind == "title":
            element.level = 0
        element.styled = bool(block[0].kind)
        if numbered:
            element.level = 1
        block = block[run:]
        if (
            block
            and re.match(r"^\s*[–—]\s+\S", block[0].text)
            and _starts_lower(block[0].text.strip()[1:].strip())
        ):
            # 'Ledelse på tværs / – om at binde løsninger …': a subtitle under its heading
            end = 1
            while (
                end < len(block)
                and _starts_lower(block[end].text)
                and not BULLET.match(block[end].text)
            ):
                end += 1
            element.subtitle = join_lines(
                [BULLET.sub("", block[0].text)] + [line.text for line in block[1:end]]
            )
            block = block[end:]
        out.append(element)
    if not block:
        return
    if _is_list(block):
        before, items, numbered = _items(block, vocabulary)
        ends = [n for n, text in enumerate(before[:-1]) if text.rstrip()[-1:] in ".!?"]
        if ends:  # a paragraph, then the list's lead-in on a line of its own
            out.append(Element("paragraph", join_lines(before[: ends[-1] + 1], vocabulary)))
            before = before[ends[-1] + 1 :]
        lead = join_lines(before, vocabulary)
        if lead and not LEAD_END.search(lead) and _ends_sentence(lead):
            out.append(Element("paragraph", lead))
            lead = ""
        out.append(Element("list", lead=lead, items=[i for i in items if i], numbered=numbered))
        return
    text = join_lines([line.text for line in block], vocabulary)
    if text:
        out.append(Element("paragraph", text))


def _attach_leads(elements_: list[Element]) -> list[Element]:
    """Give a list its lead-in when the lead stands in its own block just before it, and
    join the blocks of one list that blank lines split."""
    out: list[Element] = []
    for element in elements_:
        prev = out[-1] if out else None
        if element.kind == "list" and prev is not None:
            if prev.kind == "list" and not element.lead and prev.numbered == element.numbered:
                prev.items += element.items
                continue
            if prev.kind == "paragraph" and LEAD_END.search(prev.text):
                if not element.lead:
                    element.lead = prev.text
                    out.pop()
                else:  # 'Vi vil lede:' standing over lists with leads of their own
                    out[-1] = Element("heading", prev.text, 2)
        out.append(element)
    return out


def words(text: str) -> list[str]:
    """Return the words of a text, lowercased, without punctuation (the measure's unit)."""
    return [w.lower() for w in WORD.findall(text)]


def _stems(text: str) -> set[str]:
    return {w[:4] for w in words(text) if len(w) > 2}


def _similar(a: str, b: str) -> bool:
    sa, sb = _stems(a), _stems(b)
    return bool(sa and sb) and len(sa & sb) / len(sa | sb) >= 0.6


def _drop_repeats(elements_: list[Element]) -> list[Element]:
    """Drop blocks printed twice and pull quotes that repeat text printed elsewhere."""
    out: list[Element] = []
    seen_lists: list[Element] = []
    seen_heads: set[str] = set()
    echoes: set[int] = set()  # headings that say again what an earlier heading or lead said
    for element in elements_:
        if element.kind == "list" and element.items:
            same = [_key(i) for i in element.items]
            # printed twice: word for word, or reworded (a summary) under a repeated heading
            echoed = bool(out) and out[-1].kind == "heading" and id(out[-1]) in echoes
            repeat = any(
                same == [_key(j) for j in old.items]
                or echoed
                and sum(any(_similar(i, j) for j in old.items) for i in element.items)
                >= 0.8 * len(element.items)
                for old in seen_lists
            )
            if repeat:
                while out and out[-1].kind == "heading" and _key(out[-1].text) in seen_heads:
                    out.pop()
                continue
            seen_lists.append(element)
            if element.lead:
                seen_heads.add(_key(element.lead))
        if element.kind == "heading":
            if _key(element.text) in seen_heads:
                echoes.add(id(element))
            seen_heads.add(_key(element.text))
        out.append(element)
    texts = [" ".join(words(_element_text(e))) for e in out]
    kept: list[Element] = []
    for i, element in enumerate(out):
        if element.kind == "heading" and len(words(element.text)) >= 5:
            mine = " " + texts[i] + " "
            if any(
                j != i
                and (out[j].kind == "list" and mine in " " + texts[j].replace(" | ", " ") + " ")
                for j in range(len(out))
            ):
                continue  # a pull quote set like a heading, repeating a list item
        if element.kind == "paragraph" and len(words(element.text)) >= 4:
            mine = " " + texts[i] + " "
            if any(
                j != i and mine in " " + texts[j] + " " and (len(texts[j]) > len(texts[i]) or j < i)
                for j in range(len(out))
            ):
                continue  # a pull quote, or a paragraph printed twice
        kept.append(element)
    return kept


def _key(text: str) -> str:
    return " ".join(words(text))


def _element_text(element: Element) -> str:
    if element.kind == "list":
        return " | ".join([element.lead, *element.items])
    return element.text


# ---------------------------------------------------------------------------- the source


def card_wording(lead: str, item: str, language: str) -> str | None:
    """Return the card's wording of an item that completes its lead-in, where mechanical.

    'Det indebærer, at jeg:' + 'er bevidst om …' gives 'Jeg er bevidst om …'; an item that
    starts with the pronoun already ('vi har øje for …') is only given its capital; 'Vi
    vil:' + 'skabe …' gives 'Vi vil skabe …'. Anything else gets no card wording.
    """
    pronouns = {"da": ("jeg", "vi"), "en": ("i", "we")}[language]
    first = item.split(" ", 1)[0].lower()
    if first in pronouns and item[:1].islower():
        return item[:1].upper() + item[1:]
    lead = lead.strip()
    inverted = re.search(r"\b(vil|skal|kan|will|shall|can)\s+(jeg|vi|I|we)\s*:$", lead)
    if inverted:
        pronoun = inverted[2] if inverted[2] == "I" else inverted[2].capitalize()
        return f"{pronoun} {inverted[1].lower()} {item[:1].lower() + item[1:]}"
    alone = re.search(r"(?:^|\s)(jeg|vi|I|we)\s*:$", lead)
    if alone and item[:1].isalpha():
        pronoun = alone[1] if alone[1] == "I" else alone[1].capitalize()
        return f"{pronoun} {item[:1].lower() + item[1:]}"
    # the lead's own language only: a Danish lead-in may begin with 'I' ('I Ballerup
    # Kommune defineres god ledelse som:'), the preposition, not the English pronoun
    said = r"(?i:jeg|vi)" if language == "da" else r"(?:I|(?i:we))"
    subject = re.search(rf"(?:^|,\s*|\b(?i:at|that)\s+)({said}\b[^,:.]*?)\s*:$", lead)
    if not subject or len(subject[1].split()) > 8:
        return None
    phrase = subject[1]
    if re.search(r"\bsom\b|\bas\b", phrase) and phrase.split()[0].lower() in pronouns:
        phrase = phrase.split()[0]  # 'at jeg som leder i Ishøj Kommune:' → 'Jeg …'
    if not item[:1].isalpha():
        return None
    body = item[:1].lower() + item[1:] if not re.match(r"[A-ZÆØÅ]{2}", item) else item
    phrase = phrase[:1].upper() + phrase[1:]
    if phrase.lower() == "i":
        phrase = "I"
    return f"{phrase} {body}"


def slugify(text: str) -> str:
    """Return an id made of a text: lowercase ascii letters, digits and single '-'."""
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = "-".join(re.findall(r"[a-z0-9]+", text))
    return slug[:40].strip("-") or "x"


class _Ids:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, text: str, fallback: str) -> str:
        base = slugify(" ".join(text.split()[:5])) if text else fallback
        base = base[:36].strip("-") or fallback
        candidate, n = base, 2
        while candidate in self.used:
            candidate, n = f"{base}-{n}", n + 1
        self.used.add(candidate)
        return candidate


def _municipality(elements_: list[Element], language: str) -> str | None:
    names: Counter[str] = Counter()
    pattern = r"\b((?:[A-ZÆØÅ][\wæøåÆØÅ-]+ )+)(Kommune|Municipality|Council|County|Region)\b"
    for element in elements_:
        for m in re.finditer(pattern, _element_text(element)):
            first = m[1].split()
            names[" ".join(first[-1:]) + " " + m[2]] += 1
        for m in re.finditer(r"\b(City|Town|Borough) of ([A-Z][\w-]+)", _element_text(element)):
            names[m[0]] += 1
    return names.most_common(1)[0][0] if names else None


def _block_of(element: Element, language: str, commitments: bool):
    if element.kind == "heading":
        return {"heading": element.text}
    if element.kind == "paragraph":
        return element.text
    block: dict = {}
    if element.lead:
        block["lead"] = element.lead
    if element.numbered:
        block["style"] = "numbered"
    if element.style:
        block["style"] = element.style
    if commitments:
        items = []
        for item in element.items:
            commitment = {"text": item}
            card = element.cards.get(item) or card_wording(element.lead, item, language)
            if card and card != item:
                commitment["card"] = card
            items.append(commitment)
        block["commitments"] = items
    else:
        block["items"] = element.items
    return block


def _questions_only(element: Element) -> bool:
    return element.kind == "list" and all(i.rstrip().endswith("?") for i in element.items)


def _leading_headings(elements_: list[Element]) -> bool:
    """Whether headings stand before their text (else, as in some brochures, at its foot)."""
    trimmed = list(elements_)
    return not (
        trimmed and trimmed[-1].kind == "heading" and sum(e.kind == "heading" for e in trimmed) > 2
    )


@dataclass
class _Chunk:
    headings: list[Element]
    body: list[Element]

    @property
    def has_commitments(self) -> bool:
        return any(e.kind == "list" and not _questions_only(e) for e in self.body)


def _chunks(elements_: list[Element]) -> tuple[list[Element], list[_Chunk]]:
    """Split elements into the title headings and chunks (headings + the text they head)."""
    title: list[Element] = []
    i = 0
    while (
        i < len(elements_)
        and elements_[i].kind == "heading"
        and len(title) < 2
        and not elements_[i].text.endswith(("?", ":"))
        and (
            i + 1 < len(elements_)
            and elements_[i + 1].kind == "heading"
            or elements_[i].level == 0
            and i == 0
        )
    ):
        title.append(elements_[i])
        i += 1
    rest = elements_[i:]
    chunks: list[_Chunk] = []
    if _leading_headings(rest):
        for element in rest:
            if element.kind == "heading":
                if chunks and not chunks[-1].body:
                    chunks[-1].headings.append(element)
                else:
                    chunks.append(_Chunk([element], []))
            else:
                if not chunks:
                    chunks.append(_Chunk([], []))
                chunks[-1].body.append(element)
    else:
        body: list[Element] = []
        heads: list[Element] = []
        opening: list[Element] = []
        for element in rest + [Element("end")]:
            if element.kind == "heading":
                heads.append(element)
                continue
            if heads:
                if body:
                    chunks.append(_Chunk(heads + opening, body))
                    body, opening = [], []
                else:
                    opening += heads  # headings before any text head the first chunk
                heads = []
            if element.kind != "end":
                body.append(element)
        if body:
            chunks.append(_Chunk([], body))
    return title, chunks


def sentences(text: str) -> list[str]:
    """Split a paragraph into its sentences (not after 'bl.a.', 'fx.', 'e.g.' and the like)."""
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?…](?:[”\"'»)]*)\s+(?=[„“\"'«(]?[A-ZÆØÅ0-9])", text):
        before = text[start : m.start() + 1].split()
        last = before[-1] if before else ""
        if "." in last[:-1] or len(last.rstrip(".")) <= 2 and last.endswith("."):
            continue
        out.append(text[start : m.end()].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [t for t in out if t]


VOICE = {
    "da": {
        "prefix": r"(?i:(?:det|dette)\s+(?:betyder|indebærer|vil\s+sige)\s*,?\s+at\s+"
        r"|(?:og|men|samt|så)\s+"
        r"|(?:derfor|desuden|derudover|samtidig|dermed|også|endelig|ligeledes|således)\s+"
        r"[^\W\d_]+\s+)?",
        "3": r"(?i:(?:gode|vores|vore|alle)\s+ledere|lederen|lederne|ledere"
        r"|en\s+(?:god\s+)?leder|den\s+enkelte\s+leder|god\s+ledelse)\b",
        "1": r"(?i:jeg|vi|som\s+ledere?\s*,?\s+[^\W\d_]+\s+(?:jeg|vi))\b",
        "again": r"(?i:de)\b",
    },
    "en": {
        "prefix": r"(?i:(?:this|that|it)\s+means\s*,?\s+(?:that\s+)?|(?:and|but|so)\s+"
        r"|(?:therefore|also|in\s+addition|furthermore|moreover|as\s+a\s+result),?\s+)?",
        "3": r"(?i:(?:(?:good|our|all|every|each|the|a|a\s+good)\s+)?(?:leaders?|managers?)"
        r"|good\s+leadership)\b",
        "1": r"(?:I|(?i:we)|(?i:as\s+(?:an?\s+)?(?:leaders?|managers?)\s*,?\s+)(?:I|(?i:we)))\b",
        "again": r"(?i:they)\b",
    },
}
"""Who a sentence is said of, when it is said of the leaders: the third person ('Lederne
sikrer …', 'Det betyder, at lederen …', 'Derfor udviser gode ledere …', 'Good leaders …')
or the first ('Jeg …', 'Vi …', 'Som leder skaber jeg …', 'As a leader, I …'); 'again' is a
pronoun that goes on a third-person sentence ('De leder …', 'Og de prioriterer …'). English
'I' only as a capital: the word is the pronoun, never the start of another."""


def voice(sentence: str, language: str, going_on: bool = False) -> str | None:
    """Return '1' or '3' when a sentence's subject is the leader(s) in that person (a
    commitment said in the charter's voice), else None. ``going_on``: a third-person
    pronoun ('de', 'they') counts, the sentence following one said of the leaders."""
    patterns = VOICE[language]
    text = sentence.lstrip(" „\"'“«»(")
    for person in ("3", "1"):
        if re.match(patterns["prefix"] + patterns[person], text):
            return person
    if going_on and re.match(patterns["prefix"] + patterns["again"], text):
        return "3"
    return None


def voiced_commitments(text: str, language: str) -> list[str]:
    """Return a paragraph's commitments when its first sentence is said of the leaders: each
    sentence in the same voice starts one, and a sentence said of anything else ('Det giver
    tillid …', 'Vi skaber …' after 'Lederne …') goes on the one before it. [] otherwise."""
    found = sentences(text)
    person = voice(found[0], language) if found else None
    if person is None:
        return []
    out = [found[0]]
    for sentence in found[1:]:
        if voice(sentence, language, going_on=person == "3") == person:
            out.append(sentence)
        else:
            out[-1] += " " + sentence
    return out


def voiced_card(sentence: str, language: str, before: str = "") -> str | None:
    """Return the card's wording of a commitment said of the leaders, where mechanical: the
    clause that introduces it dropped ('Det betyder, at lederne sikrer …' → 'Lederne sikrer
    …'), the subject put first ('Derfor udviser gode ledere …' → 'Gode ledere udviser …'),
    'de'/'they' named from the commitment ``before`` ('Og de prioriterer …' → 'Lederne
    prioriterer …'). None when the sentence reads alone already."""
    patterns = VOICE[language]
    text = sentence.strip()
    subject = rf"({patterns['3']}|{patterns['1']}|{patterns['again']})"
    clause = (
        r"(?i:(?:det|dette)\s+(?:betyder|indebærer|vil\s+sige)\s*,?\s+at|og|men|samt|så)\s+"
        if language == "da"
        else r"(?i:(?:this|that|it)\s+means\s*,?\s+(?:that\s+)?|and|but|so"
        r"|(?:therefore|also|in\s+addition|furthermore|moreover|as\s+a\s+result),?)\s*"
    )
    m = re.match(clause + subject + r"\s+(.*)$", text, re.S)
    if m:
        named, rest = m[1], m[2]
    else:
        m = re.match(
            r"(?i:derfor|desuden|derudover|samtidig|dermed|også|endelig|ligeledes|således)\s+"
            r"([^\W\d_]+)\s+" + subject + r"\s+(.*)$",
            text,
            re.S,
        )
        if not m or language != "da":
            named, rest = "", ""
        else:
            named, rest = m[2], m[1] + " " + m[3]
    if not named and re.match(patterns["again"] + r"\s", text):
        named, rest = text.split(None, 1)
    if not named:
        return None
    if re.fullmatch(patterns["again"], named):
        earlier = re.search(
            r"\b(lederne|gode ledere|ledere|leaders|the leaders|good leaders)\b",
            before,
            re.IGNORECASE,
        )
        if not earlier:
            return None
        named = earlier[1]
    named = named[:1].upper() + named[1:]
    return f"{named} {rest}"


def _prose_lists(elements_: list[Element], language: str) -> list[Element]:
    """Find the commitments of a document without lists, printed as running prose.

    A paragraph whose first sentence is said of the leaders, in the first or the third
    person (``voiced_commitments``), is a list of commitments set as prose (``style:
    prose``: the booklet runs them on as the one paragraph the document prints). After a
    lead-in that ends with ':' (up to the next heading), every paragraph is a list, one
    commitment a sentence (or as above, when said of the leaders), until a paragraph that is
    not said of them follows paragraphs that were: that one, and those after it, stay text."""
    out: list[Element] = []
    lead: Element | None = None  # a lead-in waiting for the first list of its run
    in_run = voiced_run = False
    for element in elements_:
        if element.kind != "paragraph":
            if lead is not None:
                out.append(lead)
            lead, in_run, voiced_run = None, False, False
            out.append(element)
            continue
        if element.text.rstrip().endswith(":"):
            if lead is not None:
                out.append(lead)
            lead, in_run, voiced_run = element, True, False
            continue
        items = voiced_commitments(element.text, language)
        if items:
            voiced_run = voiced_run or in_run
        elif in_run and not voiced_run:
            items = sentences(element.text)
        else:
            in_run = False
        if not items:
            if lead is not None:
                out.append(lead)
                lead = None
            out.append(element)
            continue
        made = Element("list", lead=lead.text if lead else "", items=items, style="prose")
        for n, item in enumerate(items):
            card = voiced_card(item, language, items[n - 1] if n else "")
            if card and card != item:
                made.cards[item] = card
        out.append(made)
        lead = None
    if lead is not None:
        out.append(lead)
    return out if any(e.kind == "list" for e in out) else elements_


def _split_chunk(chunk: _Chunk) -> list[_Chunk]:
    """Split a chunk holding lists with different lead-ins into one chunk per list: each lead
    names its own chapter ('Vi vil lede innovative fællesskaber:'), where the document has
    no heading of its own for it."""
    lists = [e for e in chunk.body if e.kind == "list" and not _questions_only(e)]
    if len(lists) < 2 or len({_key(e.lead) for e in lists}) < len(lists):
        return [chunk]
    parts = [_Chunk(chunk.headings, [])]
    seen = False
    for element in chunk.body:
        if element.kind == "list" and not _questions_only(element):
            if seen and len(element.lead.split()) <= 14:
                parts.append(_Chunk([Element("heading", element.lead.rstrip(":").strip())], []))
            seen = True
        parts[-1].body.append(element)
    return parts


def _naming(chunk: _Chunk, fallback: str) -> dict:
    """Return kicker, title, subtitle and headline of a chunk from its headings."""
    out: dict = {}
    heads = chunk.headings
    if not heads:
        return {"title": fallback}
    if len(heads) >= 2 and heads[0].styled and heads[1].styled and heads[0].level == heads[1].level:
        out["preface"] = {"title": heads[0].text}  # a part's title over its first chapter
        heads = heads[1:]
    first = heads[0]
    m = re.match(r"^([A-ZÆØÅ0-9 .]{3,40}?)\s+[–—-]\s+(.+)$", first.text)
    if m and m[1].strip().isupper():
        out["kicker"], out["title"] = m[1].strip(), m[2].strip()
    else:
        out["title"] = first.text
    if first.subtitle:
        out["subtitle"] = first.subtitle
    extra = heads[1:]
    if extra and "kicker" in out:
        out["headline"] = extra[0].text
        extra = extra[1:]
    elif extra and not first.subtitle:
        out["subtitle"] = extra[0].text
        extra = extra[1:]
    chunk.body[:0] = [Element("heading", e.text) for e in extra]
    return out


def charter(elements_: list[Element], slug: str, language: str) -> dict:
    """Return the draft source's data: meta, front passages, sections, back passages."""
    if not any(e.kind == "list" and not _questions_only(e) for e in elements_):
        elements_ = _prose_lists(elements_, language)
    title, chunks = _chunks(elements_)
    chunks = [part for chunk in chunks for part in _split_chunk(chunk)]
    ids = _Ids()
    if not any(c.has_commitments for c in chunks):
        raise SourceError(
            [
                Problem(
                    "",
                    None,
                    None,
                    "",
                    "found no list in the document: a charter's commitments are its list items, and none was recognised",
                )
            ]
        )
    municipality = _municipality(elements_, language)
    name = slug.replace("-", " ").title()
    meta: dict = {
        "municipality": municipality or (f"{name} Kommune" if language == "da" else name),
        "title": title[0].text
        if title
        else ("Ledelsesgrundlag" if language == "da" else "Leadership charter"),
    }
    if len(title) > 1:
        meta["subtitle"] = title[1].text
    meta["language"] = language
    contact = _contact(chunks)
    if contact:
        meta["contact"] = contact
    front: list[dict] = []
    sections: list[dict] = []
    back: list[dict] = []
    pending: list[_Chunk] = []
    for chunk in chunks:
        if chunk.has_commitments:
            naming = _naming(chunk, "Afsnit" if language == "da" else "Section")
            section = {"id": ids(naming.get("kicker") or naming["title"], "afsnit"), **naming}
            if "preface" in naming:
                preface = naming["preface"]
                section["preface"] = {"id": ids(preface["title"], "del"), **preface}
            section["body"] = [_block_of(e, language, not _questions_only(e)) for e in chunk.body]
            if not sections:
                front += [_passage(c, ids, language) for c in pending]
            else:
                for c in pending:
                    sections[-1]["body"] += _inline(c, language)
            pending = []
            sections.append(section)
        else:
            pending.append(chunk)
    for c in pending:
        if c.headings and c.headings[0].level == 1:
            back.append(_passage(c, ids, language))
        else:
            sections[-1]["body"] += _inline(c, language)
    sections = [part for section in sections for part in _split_large(section, ids)]
    data: dict = {"meta": meta}
    if front:
        data["front"] = front
    data["sections"] = sections
    if back:
        data["back"] = back
    return data


def _contact(chunks: list[_Chunk]) -> dict | None:
    """Take the contact block at the document's end (short lines with an e-mail address or a
    phone number) out of the text; return it as meta.contact."""
    if not chunks:
        return None
    last = chunks[-1]
    lines: list[Element] = []
    for element in reversed(last.body):
        if element.kind != "paragraph" or len(element.text.split()) > 8:
            break
        lines.insert(0, element)
    # the headings over it belong to it too when the chunk holds nothing else ('Gladsaxe
    # Kommune', 'Strategi, Kommunikation og HR' set as lines of their own)
    heads = (
        [h for h in last.headings if len(h.text.split()) <= 6]
        if len(lines) == len(last.body)
        else []
    )
    if heads and heads[-1] is not last.headings[-1]:
        heads = []
    used = heads + lines
    texts = [e.text for e in used]
    if not any(CONTACT.search(t) for t in texts):
        return None
    contact: dict = {}
    address: list[str] = []
    for text in texts:
        email = re.search(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", text)
        phone = re.search(r"(?i)(?:tlf\.?|telefon|phone|tel\.?)\s*:?\s*(\+?[\d ]{8,})", text)
        web = re.search(r"(?i)\b(www\.[\w.-]+|https?://\S+)", text)
        if email:
            contact["email"] = email[0]
        elif phone:
            contact["phone"] = phone[1].strip()
        elif web:
            contact["web"] = web[1]
        elif re.search(r"\d", text):
            address.append(text)
        elif "name" not in contact:
            contact["name"] = text
        elif "unit" not in contact:
            contact["unit"] = text
        else:
            address.append(text)
    if address:
        contact["address"] = address
    taken = set(map(id, used))
    last.body = [e for e in last.body if id(e) not in taken]
    last.headings = [h for h in last.headings if id(h) not in taken]
    return contact


def _inline(chunk: _Chunk, language: str) -> list:
    return [{"heading": h.text} for h in chunk.headings] + [
        _block_of(e, language, not _questions_only(e)) for e in chunk.body
    ]


def _passage(chunk: _Chunk, ids: _Ids, language: str) -> dict:
    passage: dict = {}
    if chunk.headings:
        naming = _naming(chunk, "")
        passage["id"] = ids(naming.get("kicker") or naming["title"], "tekst")
        passage.update({k: v for k, v in naming.items() if k in ("kicker", "title", "subtitle")})
        if "preface" in naming:
            chunk.body.insert(0, Element("heading", naming["preface"]["title"]))
        if "headline" in naming:
            chunk.body.insert(0, Element("heading", naming["headline"]))
    else:
        passage["id"] = ids("intro" if language == "da" else "introduction", "intro")
    passage["body"] = [_block_of(e, language, False) for e in chunk.body] or [
        passage.get("title", "…")
    ]
    return passage


SECTION_COMMITMENTS = 60
"""The most commitments one section holds (docs/source-format.md)."""


def _split_large(section: dict, ids: _Ids) -> list[dict]:
    """Return a section as parts of at most 60 commitments each (nothing is left out): a
    long list goes on in a part of its own, 'Title (2)', with the same lead-in."""
    parts = [dict(section, body=[])]
    count = 0
    for block in section["body"]:
        commitments = block.get("commitments") if isinstance(block, dict) else None
        if not commitments:
            parts[-1]["body"].append(block)
            continue
        while commitments:
            room = SECTION_COMMITMENTS - count
            if room <= 0:
                title = f"{section['title']} ({len(parts) + 1})"
                parts.append({"id": ids(title, "afsnit"), "title": title, "body": []})
                count, room = 0, SECTION_COMMITMENTS
            parts[-1]["body"].append(dict(block, commitments=commitments[:room]))
            count += len(commitments[:room])
            commitments = commitments[room:]
    return parts


# ---------------------------------------------------------------------------- writing


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


# ---------------------------------------------------------------------------- command line


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
