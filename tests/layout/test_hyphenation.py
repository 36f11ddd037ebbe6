"""Hyphenation per language and per charter: patterns, the base lists, a charter's own list."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from charterpress import project
from charterpress.__main__ import main
from charterpress.commands.build import inputs_key
from charterpress.products.booklet import handbook
from charterpress.source.load import read_source
from charterpress.source.schema import validate_source
from charterpress.text.hyphenate import (
    LEFT,
    LIGATURES,
    RIGHT,
    SOFT_HYPHEN,
    WORD,
    Exceptions,
    base_exceptions,
    breaks_of,
    charter_exceptions,
    exceptions,
    hyphenate,
    hyphenate_word,
    parse_exceptions,
    suspicious,
    word_breaks,
)
from charterpress.values import Options
from support import DATA, SLUGS, SOURCES, load

# Known-good English breaks: Merriam-Webster's end-of-line division (American), Collins for the
# British spellings. Our breaks must all be among them, and a word that has an allowed break
# (2 letters before, 3 after, not inside an ff/fi/fl ligature) must get at least one.
ENGLISH = """
per-spec-tive de-ter-mined en-vi-ron-ment lead-er-ship de-vel-op-ment re-spon-si-bil-i-ty
or-ga-ni-za-tion or-gan-i-sa-tion com-mu-ni-ca-tion col-lab-o-ra-tion ac-count-abil-i-ty
mu-nic-i-pal-i-ty in-for-ma-tion op-por-tu-ni-ty per-for-mance re-la-tion-ship
un-der-stand-ing be-hav-iour fa-vour-ite hon-our-able coun-sel-ling la-bour-ers dem-on-strate
knowl-edge ev-ery-one ini-tia-tive in-no-va-tion sus-tain-able con-ver-sa-tion em-pow-er-ment
psy-cho-log-i-cal re-flec-tion com-mit-ment ex-pec-ta-tion en-cour-age-ment dif-fer-ence
col-leagues stake-hold-ers wel-fare trans-par-ent cit-i-zens ques-tions im-por-tant
pri-or-i-ties chal-lenges re-spect-ful mean-ing-ful straight-for-ward ac-knowl-edge-ment
prin-ci-ples through-out to-geth-er neigh-bour-hood ap-proach-able au-then-tic cre-a-tiv-i-ty
ef-fec-tive ef-fi-cient ex-cel-lence frame-work gov-er-nance in-clu-sive in-de-pen-dent
in-di-vid-u-al in-flu-ence mo-ti-va-tion ob-jec-tive part-ner-ship re-sil-ience
re-spon-si-ble sat-is-fac-tion strat-e-gy struc-ture sus-tain-abil-i-ty trans-for-ma-tion
de-ci-sions del-e-ga-tion pos-si-bil-i-ties con-struc-tive sup-port-ive
"""
"""The issue's three (perspect-ive, determ-ined, envir-onment) come first."""


def allowed(word: str, breaks: tuple[int, ...]) -> set[int]:
    """The breaks of ``breaks`` our rules may use: 2 letters before, 3 after, no ligature split."""
    return {
        p
        for p in breaks
        if LEFT <= p <= len(word) - RIGHT and word[p - 1 : p + 1].lower() not in LIGATURES
    }


@pytest.mark.parametrize("good", ENGLISH.split())
def test_english_words_break_where_the_dictionary_does(good: str) -> None:
    word = good.replace("-", "")
    ours = word_breaks(word, "en")
    wrong = set(ours) - set(breaks_of(good))
    assert not wrong, f"{hyphenate_word(word, ours, '-')} (dictionary: {good})"
    if allowed(word, breaks_of(good)):
        assert ours, f"{word}: no break at all (dictionary: {good})"


def test_the_issue_s_english_words() -> None:
    text = "perspective determined environment"
    assert hyphenate(text, "en", "-") == "per-spec-tive de-ter-mined en-vi-ron-ment"


def test_danish_keeps_its_own_patterns_and_list() -> None:
    assert hyphenate("medarbejderne ledelsesgrundlag", "da", "-") == (
        "med-ar-bej-derne le-del-ses-grund-lag"
    )


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_base_list_entry_is_needed_and_well_formed(language: str) -> None:
    """Each entry changes what the patterns give (else it is noise), and its lines parse cleanly."""
    path = project.DATA / "layouts" / "base"
    text = (path / f"hyphenation-{language}.txt").read_text(encoding="utf-8")
    problems: list = []
    table = parse_exceptions(text, f"hyphenation-{language}.txt", problems)
    assert problems == []
    assert table, f"the {language} list is empty"
    for word, breaks in table.words.items():
        assert word_breaks(word, language, Exceptions()) != word_breaks(word, language), word
        assert breaks == tuple(sorted(breaks))
    for stem in table.stems:  # needed for the stem, or for the longer words it covers
        assert any(
            word_breaks(stem + end, language, Exceptions()) != word_breaks(stem + end, language)
            for end in ("", "e", "er", "es", "ne", "ns", "erne", "ernes", "res")
        ), stem


def all_texts(value: object) -> list[str]:
    """Return every string in a charter model, however deep (the words a charter prints)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in all_texts(v)]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in all_texts(v)]
    if hasattr(value, "model_dump"):
        return all_texts(value.model_dump())
    return []


@pytest.mark.parametrize("path", [SOURCES / f"{s}.yaml" for s in SLUGS], ids=lambda p: p.stem)
def test_no_word_of_a_charter_breaks_without_a_vowel_in_its_own_language(path: Path) -> None:
    """'me-d-ar-bej-der': a part without a vowel is always wrong. Add such words to a list.

    Each charter is judged in its own language (meta.language), with its own list in effect.
    """
    source = load(path)
    language = source.charter.meta.language
    words = {w for text in all_texts(source.charter) for w in WORD.findall(text)}
    with charter_exceptions(source.hyphenation):
        split = [hyphenate_word(w, word_breaks(w, language), "-") for w in sorted(words)]
    wrong = [w for w in split if suspicious(w.replace("-", ""), breaks_of(w))]
    assert wrong == [], f"add to sources/{path.stem}.hyphenation.txt or the {language} base list"


def test_english_charters_in_the_tests_are_judged_in_english() -> None:
    for path in (DATA / "booklet-english.yaml", DATA / "cards-english.yaml"):
        source = load(path)
        assert source.charter.meta.language == "en"
        words = {w for text in all_texts(source.charter) for w in WORD.findall(text)}
        split = [hyphenate_word(w, word_breaks(w, "en"), "-") for w in sorted(words)]
        assert [w for w in split if suspicious(w.replace("-", ""), breaks_of(w))] == []


# --- A charter's own list -------------------------------------------------------------------


def english_project(tmp_path: Path, own: str | None) -> Path:
    sources = tmp_path / "sources"
    sources.mkdir(parents=True)
    shutil.copy(DATA / "booklet-english.yaml", sources / "riverside.yaml")
    if own is not None:
        (sources / "riverside.hyphenation.txt").write_text(own, encoding="utf-8")
    return sources / "riverside.yaml"


def test_a_charters_own_list_adds_to_its_languages_list(tmp_path: Path) -> None:
    path = english_project(tmp_path, "# ours\nRiver-side\nstake-hold*\nperspective\n")
    source, problems = validate_source(read_source(path))
    assert problems == [] and source is not None
    assert source.hyphenation.words == {"riverside": (5,), "perspective": ()}
    assert word_breaks("perspective", "en") == (3, 7)  # outside the charter: the patterns
    with charter_exceptions(source.hyphenation):
        assert word_breaks("Riverside", "en") == (5,)
        assert word_breaks("perspective", "en") == ()  # the charter says: never break it
        assert word_breaks("stakeholders", "en") == (5, 9)  # stem + the patterns after it
        assert (
            exceptions("en").stems["favourite"] == base_exceptions("en").stems["favourite"]
        )  # kept
        assert word_breaks("favourites", "en") == (2, 6)  # the base list still applies
    assert exceptions("en") is base_exceptions("en")  # and nothing leaks out of the block


def test_a_charters_own_list_reaches_its_booklet(tmp_path: Path) -> None:
    """The rendered booklet carries the charter's breaks: soft hyphens where its list says."""
    plain = validate_source(read_source(english_project(tmp_path / "a", None)))[0]
    own = validate_source(read_source(english_project(tmp_path / "b", "develop-ment*\n")))[0]
    patterns = f"de{SOFT_HYPHEN}vel{SOFT_HYPHEN}op{SOFT_HYPHEN}ment"
    assert patterns in _booklet_html(plain)
    html = _booklet_html(own)
    assert f"develop{SOFT_HYPHEN}ment" in html
    assert patterns not in html


def _booklet_html(source) -> str:
    with charter_exceptions(source.hyphenation):  # as pipeline.make_products does
        return handbook.booklet_html(source, "screen")


def test_the_list_is_part_of_the_cache_key(tmp_path: Path) -> None:
    path = english_project(tmp_path, "river-side\n")
    before = inputs_key(read_source(path), Options())
    path.with_name("riverside.hyphenation.txt").write_text("riv-er-side\n", encoding="utf-8")
    assert inputs_key(read_source(path), Options()) != before


def test_a_bad_line_in_a_charters_list_is_a_located_error(tmp_path: Path, capsys) -> None:
    path = english_project(tmp_path, "river-side\n\nstake holder\n  river--side  # twice\n")
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2, err
    assert err[0].endswith(
        "riverside.hyphenation.txt:3:1: 'stake holder': write one word a line, "
        "letters only, '-' at each break and an optional '*' after a stem "
        "(e.g. 'med-ar-bej-der*'); '#' starts a comment"
    )
    assert err[1].startswith(f"{path.parent}/riverside.hyphenation.txt:4:3: 'river--side': ")


def test_a_list_that_is_not_utf8_is_a_located_error(tmp_path: Path, capsys) -> None:
    path = english_project(tmp_path, None)
    path.with_name("riverside.hyphenation.txt").write_bytes(b"river-side\nsm\xf8r\n")
    assert main(["check", str(path)]) == 1
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith("riverside.hyphenation.txt:2: not UTF-8 text: save the file as UTF-8")
    )
