"""A document's structure recognised: headings, paragraphs, lists and their lead-ins, the
blocks repeated (pull quotes) dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .documents import Line
from .repair import (
    BULLET,
    NUMBERED,
    TRAILING,
    _after_a_sentence,
    _blocks,
    _ends_sentence,
    _heading_only,
    _key,
    _starts_lower,
    _strip_furniture,
    _vocabulary,
    join_lines,
    words,
)

LEAD_END = re.compile(r"(:|…|\.\.\.|,\s*(at|that|to))\s*$", re.IGNORECASE)
"""How a lead-in ends: a colon, an ellipsis, or a clause that the items complete (', at')."""


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


def _element_text(element: Element) -> str:
    if element.kind == "list":
        return " | ".join([element.lead, *element.items])
    return element.text
