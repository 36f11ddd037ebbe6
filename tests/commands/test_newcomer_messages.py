"""Mistakes a newcomer makes (issue 18), each reported on its own line in words that say what to do."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from charterpress.__main__ import main
from support import DATA

SEED = (DATA / "fjordby.yaml").read_text(encoding="utf-8")
QUESTION = "            question: Hvilken af byrådets"
PARAGRAPH = "      - Retning kræver også, at vi tør vælge noget fra."

CASES = {
    "a key glued to its text (question:Hvad)": (
        (QUESTION, QUESTION.replace("question: ", "question:")),
        ["check", "--quick"],
        "{file}:48:13: YAML syntax: 'question:' needs a space after the colon: write 'question: H…'",
    ),
    "a paragraph without '- '": (
        (PARAGRAPH, PARAGRAPH.replace("- ", "  ", 1)),
        ["check", "--quick"],
        "{file}:51:9: YAML syntax: a line without 'key:' among keys: a text on its own line needs "
        "'- ' before it (a paragraph), or is a continued text that needs more indentation than its key",
    ),
    "title: on a list block": (
        (
            '      - lead: "Som leder i Fjordby Kommune:"\n',
            '      - lead: "Som leder i Fjordby Kommune:"\n        title: Retning\n',
        ),
        ["check", "--quick"],
        "{file}:46:9: sections[0].body[1].title: unknown key (a list has no title: put '- heading: …' "
        "before it, or give its lead-in as 'lead:')",
    ),
    "items: where commitments: was meant, said once": (
        (
            '      - lead: "Som leder i Fjordby Kommune:"\n        commitments:',
            '      - lead: "Som leder i Fjordby Kommune:"\n        items:',
        ),
        ["check", "--quick"],
        "{file}:47:13: sections[0].body[1].items[0]: expected text, got a mapping of keys: 'items:' "
        "holds plain texts; a list whose items have text: and question: is 'commitments:'",
    ),
    "a question: indented into a folded text": (
        (
            "          - text: forklarer jeg, hvorfor vi gør det, vi gør, også når beslutningen ikke er min egen\n            question: Hvordan",
            "          - text: >-\n              forklarer jeg, hvorfor vi gør det, vi gør, også når beslutningen ikke er min egen\n              question: Hvordan",
        ),
        ["check", "--quick"],
        "{file}:49:13: sections[0].body[1].commitments[1].question: needs a question: the 'text:' above "
        "swallowed it ('question:' is inside that text): put 'question:' under the key above it, "
        "at the same indentation",
    ),
    "a date for a year": (
        ("  year: 2026", "  year: 2026-03-01"),
        ["check", "--quick"],
        "{file}:10:9: meta.year: expected a year like 2026, got '2026-03-01': write the year alone",
    ),
    "a quoted year still says so": (
        ("  year: 2026", '  year: "2026"'),
        ["check", "--quick"],
        "{file}:10:9: meta.year: expected a whole number, got '2026': write it without quotes",
    ),
    "an emoji in a section's band": (
        (
            "    headline: Jeg ved, hvor vi skal hen, og hvorfor\n",
            "    headline: Jeg ved, hvor vi skal hen, og hvorfor\n    band: Retning 🚀\n",
        ),
        ["build", "-q", "--only", "cards", "--no-preview"],
        "{file}:40: sections[0].band: the character U+1F680 '🚀' is in none of the bundled fonts "
        "(assets/fonts/); replace or remove it",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_newcomers_mistake_is_one_line_at_its_own_place(case, tmp_path, monkeypatch, capsys):
    (old, new), command, expected = CASES[case]
    assert SEED.count(old) >= 1
    monkeypatch.chdir(tmp_path)
    Path("sources").mkdir()
    path = Path("sources") / "fjordby.yaml"
    path.write_text(SEED.replace(old, new, 1), encoding="utf-8")
    started = time.perf_counter()
    code = main([*command, str(path), *(["--out", "dist"] if command[0] == "build" else [])])
    err = capsys.readouterr().err
    assert time.perf_counter() - started < 5
    assert code == 1 and "Traceback" not in err
    assert err.splitlines() == [expected.format(file=path)]
    assert not Path("dist").exists()


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("0", "charterpress: argument -j/--jobs: 0: at least 1 job (charters rendered at once)"),
        ("-3", "charterpress: argument -j/--jobs: -3: at least 1 job (charters rendered at once)"),
        ("two", "charterpress: argument -j/--jobs: 'two' is not a whole number of jobs"),
        ("x=3", "charterpress: argument -j/--jobs: 'x=3' is not a whole number of jobs"),
    ],
)
def test_a_job_count_under_one_is_a_usage_error(value, line, capsys):
    assert main(["build", "-j", value]) == 2
    (err,) = capsys.readouterr().err.splitlines()
    assert err.startswith(line)


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("0", "charterpress: argument -j/--jobs: $CHARTERPRESS_JOBS=0: at least 1 job"),
        ("two", "charterpress: argument -j/--jobs: $CHARTERPRESS_JOBS='two' is not a whole"),
        ("50%", "charterpress: argument -j/--jobs: $CHARTERPRESS_JOBS='50%' is not a whole"),
        ("a=3", "charterpress: argument -j/--jobs: $CHARTERPRESS_JOBS='a=3' is not a whole"),
    ],
)
def test_a_bad_job_count_in_the_environment_is_a_usage_error(value, line, capsys, monkeypatch):
    monkeypatch.setenv("CHARTERPRESS_JOBS", value)
    assert main(["build"]) == 2
    (err,) = capsys.readouterr().err.splitlines()
    assert err.startswith(line)
    assert main(["build", "-j", "1", "sources/none.yaml"]) == 1  # -j wins over the variable
    capsys.readouterr()
    with pytest.raises(SystemExit):  # its help shows the value as it is (argparse %-formats)
        main(["build", "--help"])
    assert f"here {value})" in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize(("value", "jobs"), [("3", 3), (" ", os.cpu_count() or 1), (None, None)])
def test_the_job_count_defaults_to_the_environment(value, jobs, monkeypatch):
    from charterpress.__main__ import _parser

    if value is None:
        monkeypatch.delenv("CHARTERPRESS_JOBS", raising=False)
        jobs = os.cpu_count() or 1
    else:
        monkeypatch.setenv("CHARTERPRESS_JOBS", value)
    assert _parser().parse_args(["build"]).jobs == jobs
    assert _parser().parse_args(["build", "-j", "2"]).jobs == 2
    assert _parser().parse_args(["watch"]).jobs == 1  # watch builds in its own process


def test_a_logo_named_in_other_capitals_gets_a_hint(tmp_path, monkeypatch, capsys):
    from PIL import Image

    monkeypatch.chdir(tmp_path)
    Path("sources").mkdir()
    Image.new("RGB", (600, 600), "white").save("sources/Logo.PNG", "PNG")
    text = SEED.replace(
        '  accent: "#d9a441"\n',
        '  accent: "#d9a441"\n  logo: {file: logo.png, alt: Fjordby Kommunes logo}\n',
    )
    assert "logo.png" in text
    Path("sources/fjordby.yaml").write_text(text, encoding="utf-8")
    assert main(["check", "--quick", "sources/fjordby.yaml"]) == 1
    (err,) = capsys.readouterr().err.splitlines()
    assert err.endswith(
        "theme.logo.file: no image 'logo.png' next to the source (looked for sources/logo.png): "
        "there is 'Logo.PNG' – write the name with the same capitals"
    )
