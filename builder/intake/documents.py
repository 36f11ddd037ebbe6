"""A document's lines: a Word file (.docx), the text layer of a PDF, Markdown or plain text,
each line with the hints its format gives (a heading's level, a list item, a page's end).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, SourceError


@dataclass
class Line:
    """One line of the document, with what the format says about it."""

    text: str
    kind: str = ""  # "", "heading", "title", "bullet", "numbered", "break" (a paragraph ends)
    level: int = 0


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
