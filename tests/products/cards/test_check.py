"""`check` knows whether the cards' text fits, without building: the faces are laid out, no PDF
is written; a charter whose build is up to date was proven by that build."""

from __future__ import annotations

import re

from charterpress.__main__ import main


def _long_question(project, words: int) -> None:
    path = project / "sources" / "roskilde.yaml"
    text = path.read_text(encoding="utf-8")
    long = " ".join(["hvordan"] * words) + "?"
    path.write_text(
        re.sub(r"question: [^\n]*", f"question: {long}", text, count=1), encoding="utf-8"
    )


def test_check_finds_a_card_whose_text_does_not_fit(tmp_path, capsys):
    assert main(["new", "roskilde", "-q", "--project", str(tmp_path)]) == 0
    _long_question(tmp_path, 180)  # about 1400 characters: under the field's limit, over the card's
    assert main(["check", "--project", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    # one error line; the question's length is also advice (a `note:` line, not an error)
    [line] = [x for x in err.splitlines() if ": note: " not in x]
    assert any(": note: 180 words" in x for x in err.splitlines()), err
    assert re.fullmatch(
        r".*sources/roskilde\.yaml:\d+(:\d+)?: sections\[0\]\.body\[\d\]\.commitments\[0\]"
        r"\.question: card 2: .*does not fit .*",
        line,
    ), line
    assert not (tmp_path / "dist").exists()
    assert main(["check", "--quick", "--project", str(tmp_path)]) == 0  # validation alone passes


def test_check_says_which_cards_shrink(tmp_path, capsys):
    assert main(["new", "roskilde", "-q", "--project", str(tmp_path)]) == 0
    _long_question(tmp_path, 40)
    assert main(["check", "--project", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "roskilde.yaml: ok: Roskilde Kommune: 1 sections, 2 commitments" in out
    assert re.search(r"roskilde: card 2 \(back\) \(sections\[0\].*\) shrunk to [\d.]+ pt", err), err


def test_check_trusts_an_up_to_date_build(tmp_path, capsys, monkeypatch):
    assert main(["new", "roskilde", "-q", "--project", str(tmp_path)]) == 0
    assert main(["build", "-q", "--project", str(tmp_path)]) == 0
    import charterpress.products.cards.deck

    def no_layout(source):
        raise AssertionError("laid out a charter whose build is up to date")

    monkeypatch.setattr(charterpress.products.cards.deck, "check_fit", no_layout)
    assert main(["check", "-q", "--project", str(tmp_path)]) == 0
    assert capsys.readouterr() == ("", "")
