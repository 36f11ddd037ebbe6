"""The charters in sources/: faithful to their originals, free of extraction damage, a good question per card.

Every test here takes whatever sources/*.yaml holds. The faithfulness tests need the charter's
original, kept in the repository as tests/originals/SLUG.txt (copies of ../shared/seeds): a
charter without one gets the other tests.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path

import pytest
from charterpress.source.model import Block, Charter, Passage, Section
from support import ROOT, SHIPPED_SLUGS, load

ORIGINALS = ROOT / "tests" / "originals"
"""The original text of each charter we ship, SLUG.txt: what the faithfulness tests read."""
SEEDS = ROOT.parent / "shared" / "seeds"
"""Where the originals came from (beside the checkout in CI, not in a clone alone)."""
SEED_OF = {
    "glostrup": "000_90a7c397c4f01938.txt",
    "gladsaxe": "001_614181200c814092.txt",
    "gentofte": "002_9c61b80e32f4e759.txt",
    "ishoej": "003_afa1ab71599c90c0.txt",
    "ballerup": "004_64b7645363978e2b.txt",
}
# How many commitments each charter has: test_content_structure.COMMITMENTS.

# Seed lines that are deliberately not in the source: page furniture and doubled blocks.
DROPPED = {
    "glostrup": [],
    "gladsaxe": [],
    "gentofte": [
        # the summary that repeats the four focus areas in other words
        "Det vil vi ved at:",
    ],
    "ishoej": [],
    "ballerup": [],
}
# Text in the source that the seed does not have: our own short labels.
ADDED = {
    "gentofte": ["Refleksionsspørgsmål"],
    "ballerup": ["Princip 1", "Princip 2", "Princip 3", "Princip 4"],
}
YES_NO_OPENERS = {
    "er",
    "kan",
    "har",
    "vil",
    "skal",
    "bør",
    "gør",
    "får",
    "må",
    "tør",
    "ved",
    "synes",
    "tror",
    "oplever",
    "kender",
    "is",
    "are",
    "do",
    "does",
    "can",
    "have",
    "will",
    "should",
}


def compact(text: str) -> str:
    """Drop everything but letters and digits: spacing, hyphenation and markers no longer count."""
    return re.sub(r"[^\wæøåÆØÅ]|_", "", text).lower()


def blocks_text(blocks: tuple[Block, ...]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        out += [block.lead] if block.lead else []
        out += [
            t for c in getattr(block, "commitments", None) or () for t in (c.title, c.text) if t
        ]
        out.extend(block.items or [block.text or block.heading or block.signature or ""])
        out += [t for t in (block.quote, block.by, block.caption, block.panel) if t]
        out += list(block.values or ())
    return [t for t in out if t]


def passage_text(passage: Passage | None) -> list[str]:
    if passage is None:
        return []
    heads = [passage.kicker, passage.title, passage.subtitle]
    return [t for t in heads if t] + blocks_text(passage.body)


def section_text(section: Section | None) -> list[str]:
    if section is None:
        return []
    heads = [section.kicker, section.title, section.subtitle, section.headline]
    return passage_text(section.preface) + [t for t in heads if t] + blocks_text(section.body)


def charter_texts(charter: Charter) -> list[str]:
    """Every text of the charter's own wording (not our cards' wording, not our questions)."""
    meta, out = charter.meta, [charter.meta.title, charter.meta.subtitle or ""]
    out += blocks_text(charter.colophon)
    if charter.values:
        out += [charter.values.title, *charter.values.items]
    for passage in charter.front:
        out += passage_text(passage)
    for section in charter.sections:
        out += section_text(section)
    out += section_text(charter.organisation)
    if charter.reflection:
        out += [charter.reflection.title]
        for group in charter.reflection.groups:
            out += [group.title, group.subtitle or ""]
            out += [q.label or "" for q in group.questions] + [q.text for q in group.questions]
    for passage in charter.back:
        out += passage_text(passage)
    if meta.contact:
        c = meta.contact
        out += [c.name or "", c.unit or "", *c.address, c.email or "", c.phone or "", c.text or ""]
    return [t for t in out if t]


def seed_lines(slug: str) -> list[str]:
    return (ORIGINALS / f"{slug}.txt").read_text(encoding="utf-8").splitlines()


SLUGS = sorted(p.stem for p in (ROOT / "sources").glob("*.yaml"))
WITH_ORIGINAL = [slug for slug in SLUGS if (ORIGINALS / f"{slug}.txt").is_file()]


@pytest.fixture(scope="module", params=SHIPPED_SLUGS)
def shipped_charter(request) -> tuple[str, Charter]:
    """One of the five charters we ship: house style for our questions is a content test of these."""
    return request.param, load(ROOT / "sources" / f"{request.param}.yaml").charter


@pytest.fixture(scope="module", params=SLUGS)
def charter(request) -> tuple[str, Charter]:
    return request.param, load(ROOT / "sources" / f"{request.param}.yaml").charter


@pytest.fixture(scope="module", params=WITH_ORIGINAL)
def shipped(request) -> tuple[str, Charter]:
    """A charter that has its original in tests/originals/."""
    return request.param, load(ROOT / "sources" / f"{request.param}.yaml").charter


def test_the_charters_we_ship_have_their_originals_in_the_repository():
    assert set(SEED_OF) <= set(WITH_ORIGINAL)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the checkout")
@pytest.mark.parametrize("slug", sorted(SEED_OF))
def test_the_originals_are_the_seeds_byte_for_byte(slug):
    assert (ORIGINALS / f"{slug}.txt").read_bytes() == (SEEDS / SEED_OF[slug]).read_bytes()


def test_no_seed_text_is_lost(shipped):
    """Every line of the seed (less furniture and doubles) stands in the source."""
    slug, model = shipped
    corpus = compact("".join(charter_texts(model)))
    dropped = compact("".join(DROPPED.get(slug, [])))
    lost = []
    for line in seed_lines(slug):
        for part in line.split(" – "):  # a running head 'ROLLEN – det personlige lederskab'
            piece = compact(part.replace("Mail:", "").replace("Telefon:", ""))
            if len(piece) < 4 or piece in corpus or piece in dropped:
                continue
            if slug == "gentofte" and _in_gentofte_summary(line):
                continue
            lost.append(part)
    assert lost == []


def _in_gentofte_summary(line: str) -> bool:
    """Gentofte prints its focus areas a second time as a summary, in other words: a double."""
    text = (ORIGINALS / "gentofte.txt").read_text(encoding="utf-8")
    start = text.index("Vi vil lede meningsfulde og  \nrummelige")
    end = text.index("Arbejdsfællesskaber\n")
    return line.strip() != "" and line in text[start:end]


def test_no_text_is_invented(shipped):
    """Every text of the charter's own wording comes from the seed."""
    slug, model = shipped
    seed = compact("".join(seed_lines(slug)))
    invented = [
        t for t in charter_texts(model) if compact(t) not in seed and t not in ADDED.get(slug, [])
    ]
    assert invented == []


def _pull_quotes(charter: Charter) -> set[str]:
    passages = [*charter.front, *charter.back]
    parts = (*charter.sections, *([charter.organisation] if charter.organisation else []))
    passages += [s.preface for s in parts if s.preface]
    bodies = [p.body for p in passages] + [s.body for s in parts]
    return {b.quote for body in bodies for b in body if b.quote}


def test_no_passage_is_doubled(charter):
    """No paragraph stands twice, but a pull quote repeats the charter's words by design."""
    _, model = charter
    counts = Counter(t for t in charter_texts(model) if len(t) > 60)
    counts.subtract(_pull_quotes(model))  # each pull quote once, beside the text it repeats
    assert [t for t, n in counts.items() if n > 1] == []


BROKEN_WORD = re.compile(r"\b\w+- (?!og\b|eller\b|til\b|&)\w")
MARKER = re.compile(r"^\s*[•–\-]|[•]|\s[–-]$|//")


def test_no_extraction_damage(charter):
    _, model = charter
    texts = charter_texts(model) + [c.front for s in model.sections for c in s.commitments]
    assert [t for t in texts if BROKEN_WORD.search(t)] == []
    assert [t for t in texts if MARKER.search(t)] == []
    assert [t for t in texts if "  " in t or "\u00ad" in t] == []


def _all_commitments(model: Charter):
    for section in (*model.sections, *([model.organisation] if model.organisation else [])):
        yield from section.commitments


# The house standard for our reflection questions (the card backs), measured on every deck:
# the charter's own questions (Gentofte's) are one clause of about eleven words.
QUESTION_MAX_WORDS = 18
QUESTION_MEDIAN_WORDS = (10, 14)  # "about 13": a deck of 8-word or 17-word questions fails
TWO_PART = re.compile(
    r"\s[–—-]\s*(og|eller|men|hvad|hvordan|hvem|hvor|and|or|but|what|how|who|where)\b",
    re.IGNORECASE,
)
ADDRESS = {  # the reader, addressed in the charter's language
    "da": re.compile(r"\b(du|dig|din|dit|dine|i|jer|jeres)\b", re.IGNORECASE),
    "en": re.compile(r"\b(you|your|yours|yourself|yourselves)\b", re.IGNORECASE),
}


def test_questions_are_open_short_single_sentences(shipped_charter):
    _, model = shipped_charter
    address = ADDRESS[model.meta.language]
    for commitment in _all_commitments(model):
        question = commitment.question
        words = question.split()
        assert words[0].lower() not in YES_NO_OPENERS, question
        assert len(words) <= QUESTION_MAX_WORDS, question
        assert question.count("?") == 1 and question.endswith("?"), question
        assert not re.search(r"[.!;:]\s", question), question
        assert not TWO_PART.search(question), f"two questions in one: {question}"
        assert address.search(question), f"not addressed to the reader (du/I): {question}"


def test_question_length_is_read_aloud_length(shipped_charter):
    _, model = shipped_charter
    lengths = sorted(len(c.question.split()) for c in _all_commitments(model))
    low, high = QUESTION_MEDIAN_WORDS
    assert low <= statistics.median(lengths) <= high, lengths


def test_questions_do_not_restate_the_card(charter):
    """A question that repeats most of its card's words asks the card back, not about it."""
    _, model = charter
    for commitment in _all_commitments(model):
        card = set(re.findall(r"\w{4,}", commitment.front.lower()))
        asked = set(re.findall(r"\w{4,}", commitment.question.lower()))
        if len(asked) >= 4:
            assert len(asked & card) / len(asked) < 0.6, (commitment.front, commitment.question)


def test_questions_are_unique_across_decks():
    seen: dict[str, str] = {}
    for slug in SLUGS:
        model = load(ROOT / "sources" / f"{slug}.yaml").charter
        for commitment in _all_commitments(model):
            key = compact(commitment.question)
            assert key not in seen, (slug, seen.get(key), commitment.question)
            seen[key] = slug


def test_questions_are_unique_within_a_charter(charter):
    _, model = charter
    questions = [compact(c.question) for c in _all_commitments(model)]
    assert len(questions) == len(set(questions))


def test_card_wording_only_completes_the_sentence(charter):
    """A card front completes the sentence its lead begins, and adds nothing else."""
    _, model = charter
    for section in (*model.sections, *([model.organisation] if model.organisation else [])):
        for block in section.body:
            for commitment in block.commitments or ():
                if not commitment.card:
                    continue
                text, card = compact(commitment.text), compact(commitment.card)
                if card == compact(block.lead or "") + text:
                    continue  # the lead and the item, as one sentence
                if text.startswith(card) and commitment.text.startswith(commitment.card):
                    continue  # the commitment's sentence, out of the paragraph it ends
                assert card.endswith(text[-25:]) or text in card or _reordered(text, card), (
                    commitment
                )
                assert len(card) - len(text) <= 20, commitment


def _reordered(text: str, card: str) -> bool:
    """Danish word order may move an adverb behind the verb ('nysgerrigt udfordrer')."""
    return sorted(text) == sorted(card[-len(text) :]) or Counter(text) <= Counter(card)


def test_sources_are_files_we_ship():
    for slug in SLUGS:
        assert Path(ROOT / "sources" / f"{slug}.yaml").is_file()
