"""Question style is advice for any charter: `check` notes at the question's line, exit 0."""

from __future__ import annotations

from pathlib import Path

import pytest
from charterpress.__main__ import main
from charterpress.source.advice import question_advice
from support import DATA, SOURCES

SIXTH = DATA / "fjordby.yaml"
GOOD = "Hvilken af byrådets målsætninger er sværest at gøre konkret i din enhed?"
PLACE = "sections[0].body[1].commitments[0].question"


def with_question(tmp_path: Path, question: str) -> Path:
    path = tmp_path / "fjordby.yaml"
    text = SIXTH.read_text(encoding="utf-8")
    assert GOOD in text
    path.write_text(text.replace(GOOD, question), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("question", "note"),
    [
        (
            "Kan du gøre byrådets mål konkrete i din enhed?",
            "a yes/no question ('Kan …'): ask an open one (hvad, hvordan, hvornår …)",
        ),
        (
            "Hvad skal der til for at du og dit team kan omsætte byrådets mål til noget, "
            "I kan se i jeres hverdag?",
            "22 words: a question read aloud keeps to 18 words at most",
        ),
        (
            "Hvad er dit mål – og hvem hjælper dig?",
            "two questions in one: ask one, and keep the other for another card",
        ),
        (
            "Hvad er dit mål? Hvem hjælper dig?",
            "two questions in one: ask one, and keep the other for another card",
        ),
    ],
)
def test_a_question_against_the_house_style_is_a_located_note(question, note, tmp_path, capsys):
    path = with_question(tmp_path, question)
    assert main(["check", "--quick", str(path)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert f"{path}:48: {PLACE}: note: {note}" in err
    assert len(err) == 1


def test_the_shipped_charters_and_the_sixth_get_no_notes(capsys):
    paths = [*sorted(SOURCES.glob("*.yaml")), SIXTH]
    assert main(["check", "--quick", *map(str, paths)]) == 0
    assert capsys.readouterr().err == ""


def test_english_questions_are_judged_in_english():
    assert question_advice("Do you plan ahead?", "en") == [
        "a yes/no question ('Do …'): ask an open one (what, how, when …)"
    ]
    assert question_advice("What do you plan first?", "en") == []


def test_a_lead_in_typed_as_a_paragraph_is_a_note_at_its_line(tmp_path, capsys):
    old = (
        "      - Retning kræver også, at vi tør vælge noget fra.\n"
        '      - lead: "Det betyder, at jeg:"\n        commitments:\n'
    )
    text = SIXTH.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "fjordby.yaml"
    path.write_text(
        text.replace(old, '      - "Det betyder, at jeg:"\n      - commitments:\n'),
        encoding="utf-8",
    )
    assert main(["check", "--quick", str(path)]) == 0
    assert capsys.readouterr().err.splitlines() == [
        f"{path}:51: sections[0].body[2]: note: 'Det betyder, at jeg:' looks like the lead-in of "
        "the list below it: write it as 'lead: …' on that list, so that its cards carry it"
    ]
