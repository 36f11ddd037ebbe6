"""The five charters against their originals: structure, not only words.

`test_content.py` proves that every line of an original stands in its source and that nothing
is invented. This file proves the shape: the headings come in the original's order, every
statement of what leaders do is a card, and every passage that is *not* a card is a decision
written down below with its reason. A new paragraph in a source that is neither a card nor in
NOT_CARDED fails the suite, and so does an entry here that no longer matches the source.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from charterpress.layout import templates as layouts
from charterpress.products.cards.deck import deck
from charterpress.source.model import Charter, Passage, Section
from pypdf import PdfReader
from support import ROOT, load, products_of

ORIGINALS = ROOT / "tests" / "originals"
"""The original of each charter, SLUG.txt (the seed files of ../shared/seeds, kept in the repo)."""


def original(slug: str) -> str | None:
    """Return the text of a charter's original, if the repository holds one."""
    path = ORIGINALS / f"{slug}.txt"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def compact(text: str) -> str:
    """Letters and digits only: line breaks, hyphenation and list markers no longer count."""
    return re.sub(r"[\W_]", "", text).lower()


# --- The originals' outlines ------------------------------------------------------------
# Every heading of the printed original in reading order, as a reader of the brochure sees it
# (not in the order of the PDF's text layer, which puts Gladsaxe's headings after their
# paragraphs and Ishøj's last statement first). Values panels stand where the booklet prints
# them. Our own labels (not in the original) are named in OUR_HEADINGS.
OUTLINE = {
    "glostrup": [
        "Fælles principper for god ledelse",
        "det personlige lederskab",
        "strategisk ledelse og innovation",
        "god personaleledelse",
        "faglig og administrativ ledelse",
        "ledelsesrum og udvikling",
    ],
    "gladsaxe": [
        "I Gladsaxe Kommune har vi høje ambitioner",
        "Ledelse udøves i relationer",
        # the view of leadership heads the six traits ("I Gladsaxe Kommune er lederne …")
        "Vores ledelsessyn i Gladsaxe Kommune",
        "Fem ledelsesrelationer",
        "Ledelse på tværs",
        "Ledelse opad",
        "Ledelse indad",
        "Ledelse nedad",
        "Ledelse udad",
    ],
    "gentofte": [
        "Hvorfor et fælles ledelsesgrundlag?",
        "Hvordan forstår vi god ledelse?",
        "Vi er sammen om god ledelse",
        "God ledelse er kontekstbestemt",
        "Vi vil lede:",
        "Vi vil lede fagligt kompetente fællesskaber",
        "Hvad gør vi?",
        "Vi vil lede innovative fællesskaber, hvor vi skaber sammen",
        "Hvad gør vi?",
        "Vi vil lede meningsfulde og rummelige fællesskaber",
        "Hvad gør vi?",
        "Vi vil lede fællesskaber præget af sikker drift og ordentlighed",
        "Hvad gør vi?",
        "Refleksionsspørgsmål",
        "Arbejdsfællesskaber",
        "Den enkelte leder",
        "Ledergruppe/tværgående ledelse",
    ],
    "ishoej": [
        "Formål",
        # no "Værdier" panel: the seven values stand only inside the purpose's sentence (issue 20)
        "God ledelse i Ishøj Kommune",
        "Jeg påtager mig og udvikler mit lederskab",
        "Jeg kommunikerer",
        "Jeg bidrager til trivsel og et godt arbejdsliv for den enkelte",
        "Jeg udvikler og skaber rum for nytænkning",
    ],
    "ballerup": [
        "I Ballerup Kommune defineres god ledelse som:",
        "LEDELSESMÆSSIG RAMME OG PRINCIPPER",
        # no "Social Kapital" heading and list: the sentence above names its values (issue 20)
        "Vores stabile drift er fundamentet",
        "Vi skaber bedre effekter",
        "Vi udvikler velfærden sammen med andre",
        "Vores organisation er robust",
        "STYRING",
    ],
}
OUR_HEADINGS = {"gentofte": {"Refleksionsspørgsmål"}}
# Where the PDF's text layer keeps the printed order, the headings also come in that order there.
TEXT_LAYER_IN_ORDER = {"glostrup", "gentofte", "ballerup"}


# --- Passages deliberately not carded ---------------------------------------------------
# Every paragraph, list item and quote of a source that is not a commitment, by its opening
# words, with the reason it has no card. Every statement of what leaders do is a card; these
# are the rest: why the charter exists, what the organisation as a whole does, the charter's
# explanation of its commitments, and page furniture.
NOT_CARDED: dict[str, dict[str, str]] = {
    "glostrup": {
        # INTRODUKTION: what the charter is for; only its closing obligation is a card
        "Som ledere i Glostrup Kommune er vores fornemste": "the charter's purpose",
        "Vores konkrete opgaver og udfordringer": "the charter's purpose",
        "Ingen kan leve lige godt op til": "how the charter is meant to be used",
        "God ledelse er ikke bare den enkelte leders værk": "why the charter speaks of leaders",
        # the prose after each list explains the headline; the list items are the cards
        "Lysten og modet til at lede er selve grundlaget": "ROLLEN: explains the headline",
        "Modet handler om at turde stå frem": "ROLLEN: explains the headline",
        "Hverken lysten eller modet til at lede": "ROLLEN: explains the headline",
        "Forventningerne til vores indsats skærpes": "RETNINGEN: the demands on the municipality",
        "Som ledere skal vi hele tiden være på forkant": "RETNINGEN: explains the headline",
        "Innovation bør involvere hele arbejdspladsen": "RETNINGEN: explains the headline",
        "For at opnå resultater er det afgørende": "RELATIONERNE: explains the headline",
        "Det kan være forskelligt, hvordan forskellige": "RELATIONERNE: explains the headline",
        "God personaleledelse handler også om": "RELATIONERNE: explains the headline",
        "Som leder bliver man først og fremmest bedømt": "RESULTATERNE: explains the headline",
        "Det er derfor afgørende som leder at kunne styre": "RESULTATERNE: explains the headline",
        "Derfor gælder det om at kunne fokusere": "RESULTATERNE: explains the headline",
        "Som ledere har vi også et ansvar for at få formidlet": "RESULTATERNE: explains the headline",
        "Vilkårene for at lede bliver aldrig helt perfekte": "RAMMERNE: why the conditions matter",
        "Det skal være så attraktivt som muligt": "RAMMERNE: why the conditions matter",
    },
    "gladsaxe": {
        "Vi er optaget af, at ledelsesgrundlaget skal gøre en forskel": "how to use the charter",
        "På FOKUS kan du finde inspiration": "where to find more (intranet)",
        "Borgere og virksomheder skal opleve mødet": "the municipality's ambition",
        "Den ambition har alle kommunens medarbejdere": "the municipality's ambition",
        "Gladsaxe er en stor organisation": "why leadership is seen as relations",
        "Ledelse foregår ikke kun oppe fra og ned": "why leadership is seen as relations",
        "Kom tættere på ledelsesrelationerne": "where to find more (intranet)",
    },
    "gentofte": {
        "Et fælles ledelsesgrundlag skal sikre": "why a shared charter (and its pull quote)",
        "God ledelse er afgørende for, at vi lykkes": "why a shared charter",
        "Ledelsesgrundlaget skal hjælpe os med at sikre": "why a shared charter",
        "Vi udvikler og bevæger os": "why a shared charter",
        "I Gentofte er vi der for borgerne": "the municipality's self-understanding",
        "Ledere kan ikke skabe god ledelse alene": "leadership is shared with employees",
        "Ledelsesgrundlaget består af fire": "how the four focus areas work together",
        "Hjertet er et symbol for Gentofte": "the logo's meaning",
        # "Hvad gør vi?": the charter's explanation of the three commitments above each one;
        # the commitments are the cards, their explanation is what the dialogue is about
        "Som leder har du en særlig rolle i at have øje for dine": "Hvad gør vi? (fagligt kompetente)",
        "Du uddelegerer opgaver og ansvar": "Hvad gør vi? (fagligt kompetente)",
        "Du skaber rammer for en løbende dialog": "Hvad gør vi? (fagligt kompetente)",
        "Som leder har du en særlig rolle i at turde": "Hvad gør vi? (innovative)",
        "Du er optaget af en faciliterende tilgang": "Hvad gør vi? (innovative)",
        "Du har en åben og nysgerrig tilgang": "Hvad gør vi? (innovative)",
        "Som leder har du en særlig rolle i at understøtte": "Hvad gør vi? (meningsfulde)",
        "Du udviser tillid og uddelegerer ansvar": "Hvad gør vi? (meningsfulde)",
        "Du har en særlig rolle i at prioritere": "Hvad gør vi? (meningsfulde)",
        "Som leder har du en særlig rolle i at have øje for helheden": "Hvad gør vi? (sikker drift)",
        "Du har en særlig rolle i at handle ud fra": "Hvad gør vi? (sikker drift)",
        "Du sikrer, at opgaveløsningen tager afsæt": "Hvad gør vi? (sikker drift)",
        "Du styrer med blik for helheden": "Hvad gør vi? (sikker drift)",
        "Ledelsesgrundlaget er udviklet i en tværgående": "colophon: how the charter was made",
    },
    "ishoej": {
        "I Ishøj Kommune har vi nu et fælles": "why the charter was made",
        "Ledelse lader sig ikke sætte på formel": "the director's introduction",
        "Selvfølgelig er der nogle overordnede temaer": "the director's introduction",
        "Derfor er ledelsesgrundlaget ikke tænkt": "the director's introduction",
        "Ledelsesgrundlaget er et supplement": "purpose",
        "At bidrage til dialog om god ledelse": "purpose of the charter, not of leaders",
        "At sætte fokus på, hvad der skaber": "purpose of the charter, not of leaders",
        "At danne ramme for den første lederevaluering": "purpose of the charter, not of leaders",
        "Ledelsesgrundlaget giver en overordnet retning": "how the charter is built",
        "Eksemplerne i ledelsesgrundlaget viser": "how to read the examples",
        "Borgeren er det naturlige centrum": "the argument leading to the four statements",
        "De kommende år står Ishøj Kommune": "the argument leading to the four statements",
        "I lyset af udfordringerne": "the lead-in to the four statements",
    },
    "ballerup": {
        "I Ballerup Kommune satser vi på god ledelse": "why the charter was made",
        "Ledelsesgrundlaget har til formål": "purpose",
        "Ledelsesgrundlaget understøtter Vision 2029": "purpose",
        "Ledelse er afhængig af konteksten": "how to read the definition (not an act)",
        "Arbejdet med Social Kapital": "the values behind the principles",
        "For at opfylde Vision 2029": "introduces the four principles",
        # each principle opens with what the whole organisation does; what leaders do is carded
        "Hele organisationen har fokus på en solid drift": "the organisation, not its leaders",
        "Hele organisationen holder kontinuerligt fokus": "the organisation, not its leaders",
        "Hele organisationen skaber øget værdi": "the organisation, not its leaders",
        "Hele organisationen evner at tilpasse sig": "the organisation, not its leaders",
        "Styring er en del af ledelsesopgaven": "STYRING: how the municipality steers",
        "I Ballerup Kommune definerer vi styring": "STYRING: a definition, not an act",
    },
}

# How many commitments each original has: every one is a card.
COMMITMENTS = {
    "glostrup": 1 + 26 + 6,
    "gladsaxe": 6 + 15,
    "gentofte": 12,
    "ishoej": 28,
    "ballerup": 19,
}


# --- Walking a charter ------------------------------------------------------------------


def chapters(charter: Charter) -> list[Section]:
    return [*charter.sections, *([charter.organisation] if charter.organisation else [])]


def passage_headings(passage: Passage) -> list[str]:
    heads = [passage.title] if passage.title else []
    return heads + [b.heading for b in passage.body if b.heading]


def outline(charter: Charter) -> list[str]:
    """Return the source's headings in the order the booklet prints them."""
    out: list[str] = []
    for passage in charter.front:
        out += passage_headings(passage)
    if charter.values:  # the booklet sets the values panel after the passages before the sections
        out.append(charter.values.title)
    for section in chapters(charter):
        if section.preface:
            out += passage_headings(section.preface)
        out.append(section.title)
        out += [b.heading for b in section.body if b.heading]
    if charter.reflection:
        out.append(charter.reflection.title)
        out += [group.title for group in charter.reflection.groups]
    for passage in charter.back:
        out += passage_headings(passage)
    return out


def uncarded(charter: Charter) -> list[str]:
    """Return every paragraph, list item and quote of the source that is not a commitment."""
    bodies = [p.body for p in charter.front]
    for section in chapters(charter):
        bodies += [section.preface.body] if section.preface else []
        bodies.append(section.body)
    bodies += [p.body for p in charter.back]
    out: list[str] = []
    for body in bodies:
        for block in body:
            if getattr(block, "commitments", None):
                continue
            out += [block.text] if block.text else []
            out += list(block.items or ())
            out += [block.quote] if getattr(block, "quote", None) else []
    return out


CHARTERS = sorted(OUTLINE)


@pytest.fixture(scope="module", params=CHARTERS)
def charter(request) -> tuple[str, Charter]:
    return request.param, load(ROOT / "sources" / f"{request.param}.yaml").charter


# --- Tests ------------------------------------------------------------------------------


def test_headings_follow_the_original(charter):
    slug, model = charter
    assert outline(model) == OUTLINE[slug]


def test_headings_are_the_originals(charter):
    slug, model = charter
    text = original(slug)
    if text is None:
        pytest.skip("the original is not beside the checkout")
    seed, at = compact(text), 0
    for heading in OUTLINE[slug]:
        if heading in OUR_HEADINGS.get(slug, set()):
            continue
        assert compact(heading) in seed, heading
        if slug in TEXT_LAYER_IN_ORDER:
            found = seed.find(compact(heading), at)
            assert found >= 0, f"{heading!r} comes earlier in the original"
            at = found


def test_every_uncarded_passage_is_a_written_decision(charter):
    slug, model = charter
    decided = NOT_CARDED[slug]
    undecided = [t for t in uncarded(model) if not any(t.startswith(o) for o in decided)]
    assert undecided == [], "a passage without a card and without a reason in NOT_CARDED"
    stale = [o for o in decided if not any(t.startswith(o) for t in uncarded(model))]
    assert stale == [], "NOT_CARDED names passages the source no longer has as text"
    assert all(reason.strip() for reason in decided.values())


def test_every_commitment_of_the_original_is_a_card(charter):
    slug, model = charter
    commitments = [c for s in chapters(model) for c in s.commitments]
    assert len(commitments) == COMMITMENTS[slug]
    cards = [c for c in deck(model, layouts.labels(model.meta.language)) if c.kind == "commitment"]
    assert [c.front for c in cards] == [c.front for c in commitments]
    text = original(slug)
    if text is not None:  # in the charter's words
        seed = compact(text)
        assert [c.text for c in commitments if compact(c.text) not in seed] == []


def test_every_commitment_is_printed_in_the_deck(charter):
    """The print deck: after the title card, card k shows commitment k and its question behind
    (and after the commitments, one reflection card per group of the charter's own questions)."""
    slug, model = charter
    commitments = [c for s in chapters(model) for c in s.commitments]
    made = products_of(ROOT / "sources" / f"{slug}.yaml", "cards")
    pages = [
        compact(p.extract_text())
        for p in PdfReader(io.BytesIO(made[f"{slug}-cards-print.pdf"].data)).pages
    ]
    assert len(pages) == 2 * (1 + len(commitments) + model.reflection_count)
    for k, commitment in enumerate(commitments, start=1):
        assert compact(commitment.front) in pages[2 * k], commitment.front
        assert compact(commitment.question) in pages[2 * k + 1], commitment.question


def test_card_fronts_are_whole_sentences_in_the_charters_voice(charter):
    """A card may complete the sentence its lead begins; it never invents an opening."""
    _, model = charter
    for commitment in (c for s in chapters(model) for c in s.commitments):
        front = commitment.front
        assert front[0].isupper(), front
        assert not re.match(r"(Det handler om|At) ", front), front
        assert not re.match(r"\w+ både (har|er) ", front), f"subordinate word order: {front}"


def test_every_band_names_its_section(charter):
    """A card drawn alone says where it belongs: no 'PRINCIP 1', no lone kicker like 'ROLLEN'."""
    _, model = charter
    for section in chapters(model):
        label = section.label
        assert not re.fullmatch(r"\w+\s*\d+\.?", label), label
        assert len(label.split()) >= 2, label


# Findings of issue 9, pinned so they do not come back.
def test_ballerup_cards_its_definition_and_leaders_in_the_charters_words():
    model = load(ROOT / "sources" / "ballerup.yaml").charter
    fronts = [c.front for s in model.sections for c in s.commitments]
    for opening in (
        "God ledelse sætter retning, skaber mening og resultater",
        "God ledelse er at være ordentlig i sprog og adfærd",
        "Gode ledere udviser respekt",
        "Gode ledere er nysgerrige",
        "Lederne leder forandringerne, så de kommer i den rigtige rækkefølge",
        "Lederen går forrest i arbejdet med forandringer ved at være nysgerrig",
        "Lederne prioriterer på baggrund af faglige antagelser",
    ):
        assert any(f.startswith(opening) for f in fronts), opening
    assert any("Vi skaber sammenhæng for borgeren og den samlede organisation" in f for f in fronts)
    assert not model.values, "the Social Kapital panel belongs under the framework, not up front"


def test_glostrup_frameworks_are_governed_by_jeg_forventer():
    model = load(ROOT / "sources" / "glostrup.yaml").charter
    assert model.organisation is not None
    (lead,) = [b.lead for b in model.organisation.body if getattr(b, "commitments", None)]
    assert lead.startswith("Jeg forventer som leder")
    assert all(c.front.startswith("Jeg forventer") for c in model.organisation.commitments)
    fronts = [c.front for s in model.sections for c in s.commitments]
    assert any(
        f.startswith("Alle ledere og medarbejdere er grundlæggende forpligtet") for f in fronts
    )


def test_gladsaxe_view_of_leadership_heads_the_six_traits():
    model = load(ROOT / "sources" / "gladsaxe.yaml").charter
    view = next(s for s in model.sections if s.title == "Vores ledelsessyn i Gladsaxe Kommune")
    assert len(view.commitments) == 6
    assert all(c.front.startswith("I Gladsaxe Kommune er lederne") for c in view.commitments)


def test_every_original_has_its_outline_and_its_decisions():
    """A charter added with its original gets its outline and its uncarded passages written here."""
    slugs = {p.stem for p in ORIGINALS.glob("*.txt")}
    assert slugs, "no originals in tests/originals"
    assert slugs == set(OUTLINE) == set(NOT_CARDED) == set(COMMITMENTS)
    for slug in slugs:
        assert Path(ROOT / "sources" / f"{slug}.yaml").is_file()
