"""``charterpress new``: check's slug rule, plain words for a Dane, never over an existing file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from charterpress.__main__ import main
from charterpress.commands.new import transliterate
from charterpress.source.slugs import slug_problem

A_Z = "use only the letters a–z (no æ, ø, å or capitals), digits and single '-'"


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def refused(args: list[str], folder: Path, capsys) -> list[str]:
    before = files(folder)
    started = time.perf_counter()
    code = main(args)
    err = capsys.readouterr().err
    assert time.perf_counter() - started < 5
    assert code == 1, err  # as `check` refusing the same slug: bad input, not a usage error
    assert "Traceback" not in err
    assert files(folder) == before
    return err.splitlines()


@pytest.mark.parametrize(
    ("slug", "line"),
    [
        ("køge", f"'køge' is not a usable slug: {A_Z}: try 'koege'"),
        ("Ishøj", f"'Ishøj' is not a usable slug: {A_Z}: try 'ishoej'"),
        ("århus kommune", f"'århus kommune' is not a usable slug: {A_Z}: try 'aarhus-kommune'"),
        ("a--b", f"'a--b' is not a usable slug: {A_Z}: try 'a-b'"),
        ("-", f"'-' is not a usable slug: {A_Z}"),
        ("x\x1b[2Jy", f"'x\\x1b[2Jy' is not a usable slug: {A_Z}: try 'x-2jy'"),
        ("a" * 41, f"'{'a' * 41}' is too long for a slug: at most 40 characters"),
        ("b" * 240, f"'{'b' * 59}…' is too long for a slug: at most 40 characters"),
    ],
)
def test_new_refuses_a_slug_check_refuses_and_says_what_to_type(slug, line, tmp_path, capsys):
    assert refused(["new", slug, "--dir", str(tmp_path)], tmp_path, capsys) == [
        f"charterpress: {line}"
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "slug",
    [
        "..",
        ".",
        "-x",
        "x-",
        "a--b",
        "Glostrup",
        "a b",
        "x" * 41,
        "x" * 40,
        "a.b",
        "æble",
        "ishoej-2",
    ],
)
def test_new_and_check_agree_on_every_slug(slug, tmp_path, capsys):
    code = main(["new", slug, "--dir", str(tmp_path)])
    capsys.readouterr()
    assert (code == 0) == (slug_problem(slug) is None)


def test_new_never_overwrites_a_file_or_a_link(tmp_path, capsys):
    (tmp_path / "roskilde.yaml").write_text("keep me", encoding="utf-8")
    assert refused(["new", "roskilde", "--dir", str(tmp_path)], tmp_path, capsys) == [
        f"charterpress: {tmp_path / 'roskilde.yaml'} already exists: choose another slug or edit that file"
    ]
    (tmp_path / "koege.yaml").symlink_to(tmp_path / "nowhere.yaml")  # a dangling link
    assert refused(["new", "koege", "--dir", str(tmp_path)], tmp_path, capsys) == [
        f"charterpress: {tmp_path / 'koege.yaml'} already exists: choose another slug or edit that file"
    ]
    assert not (tmp_path / "nowhere.yaml").exists()


def test_a_240_letter_source_name_is_the_slug_rule_not_a_file_system_error(tmp_path, capsys):
    source = tmp_path / f"{'c' * 240}.yaml"
    source.write_text("meta: {}\n", encoding="utf-8")
    assert main(["check", "--quick", str(source)]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.endswith(
        f": the file name '{'c' * 20}…' is too long for a slug: at most 40 characters"
    )


def test_an_abbreviation_is_not_a_municipality(tmp_path, capsys):
    assert main(["new", "kl", "--dir", str(tmp_path)]) == 0
    text = (tmp_path / "kl.yaml").read_text(encoding="utf-8")
    assert "municipality: KL " in text and "Kl Kommune" not in text
    assert main(["check", "--quick", str(tmp_path / "kl.yaml")]) == 0
    assert "ok: KL: 1 sections" in capsys.readouterr().out
    assert main(["new", "holbaek", "--dir", str(tmp_path)]) == 0
    assert "municipality: Holbaek Kommune " in (tmp_path / "holbaek.yaml").read_text(
        encoding="utf-8"
    )


def test_transliteration_gives_a_slug():
    assert transliterate("Køge") == "koege"
    assert transliterate("Høje-Taastrup Kommune") == "hoeje-taastrup-kommune"
    assert transliterate("Ærø") == "aeroe"
    assert slug_problem(transliterate("Frederiksberg Æble Ø" * 5)) is None
