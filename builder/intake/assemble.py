"""The source's data made from a document's elements: the title and municipality, chapters,
commitments (with a ``card:`` wording where the rule is mechanical, or said of the leaders in
running prose), questions, the contact.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from ..errors import Problem, SourceError
from .repair import CONTACT, _key
from .structure import Element, _element_text


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
