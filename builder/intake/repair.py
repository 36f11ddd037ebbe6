"""The damage of the trip out of a PDF repaired: words broken across lines, page furniture,
the contents list, blocks printed twice, a sentence resumed after a page break.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from .documents import Line

TERMINAL = ".!?…"
"""A line ending in one of these ends a sentence."""


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


def words(text: str) -> list[str]:
    """Return the words of a text, lowercased, without punctuation (the measure's unit)."""
    return [w.lower() for w in WORD.findall(text)]


def _key(text: str) -> str:
    return " ".join(words(text))
