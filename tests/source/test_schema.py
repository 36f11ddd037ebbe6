"""Bad input: every problem comes back as one exact `file:line:col: path: message` line."""

from __future__ import annotations

import json
import textwrap

import pytest
from charterpress.source.load import RawSource
from charterpress.source.schema import json_schema_text, validate_source
from support import DATA, SOURCES

GOOD = """\
meta:
  municipality: Testrup Kommune
  title: Ledelsesgrundlag
sections:
  - id: rollen
    title: Rollen
    body:
      - commitments:
          - text: er bevidst om mine roller
            question: Hvilken rolle fylder mest for dig?
"""


def problems(text: str | bytes, name: str = "sources/x.yaml") -> list[str]:
    """Return the problem lines for a source text."""
    data = text if isinstance(text, bytes) else textwrap.dedent(text).encode("utf-8")
    source, found = validate_source(RawSource(name=name, slug="x", data=data, folder=DATA))
    assert (source is None) == bool(found)
    return [str(p) for p in found]


def test_good_source_has_no_problems():
    assert problems(GOOD) == []


CASES = {
    "missing question": (
        GOOD.replace("            question: Hvilken rolle fylder mest for dig?\n", ""),
        ["sources/x.yaml:9:13: sections[0].body[0].commitments[0].question: needs a question"],
    ),
    "question without question mark": (
        GOOD.replace("mest for dig?", "mest for dig."),
        [
            "sources/x.yaml:10:23: sections[0].body[0].commitments[0].question: "
            "a question must end with '?'"
        ],
    ),
    "unknown key with did-you-mean": (
        GOOD.replace("  title: Ledelsesgrundlag", "  titel: Ledelsesgrundlag"),
        [
            "sources/x.yaml:2:3: meta.title: required",
            "sources/x.yaml:3:3: meta.titel: unknown key (did you mean 'title'?)",
        ],
    ),
    "unknown key without a close match": (
        GOOD.replace("    title: Rollen\n", "    title: Rollen\n    zzz: 1\n"),
        [
            "sources/x.yaml:7:5: sections[0].zzz: unknown key (allowed: id, kicker, title, "
            "subtitle, headline, band, colour, preface, body)"
        ],
    ),
    "duplicate key": (
        GOOD.replace("    title: Rollen\n", "    title: Rollen\n    title: Retningen\n"),
        ["sources/x.yaml:7:5: sections[0].title: duplicate key (first given on line 6)"],
    ),
    "wrong type: list for text": (
        GOOD.replace("  title: Ledelsesgrundlag", "  title: [a, b]"),
        ["sources/x.yaml:3:10: meta.title: expected text, got a list"],
    ),
    "wrong type: number for text": (
        GOOD.replace("    title: Rollen", "    title: 42"),
        [
            "sources/x.yaml:6:12: sections[0].title: expected text, got the number 42: "
            "put it in quotes if it is meant as text"
        ],
    ),
    "empty required text": (
        GOOD.replace("          - text: er bevidst om mine roller", '          - text: "   "'),
        ["sources/x.yaml:9:19: sections[0].body[0].commitments[0].text: must not be empty"],
    ),
    "empty value": (
        GOOD.replace("  title: Ledelsesgrundlag", "  title:"),
        ["sources/x.yaml:3:9: meta.title: expected text, got nothing"],
    ),
    "two sections with the same id": (
        GOOD + GOOD[GOOD.index("  - id: rollen") :],
        ["sources/x.yaml:11:9: sections[1].id: duplicate id 'rollen' (also sections[0].id)"],
    ),
    "bad id": (
        GOOD.replace("id: rollen", "id: Rollen 1"),
        [
            "sources/x.yaml:5:9: sections[0].id: expected an id of lowercase letters, digits "
            "and '-' (like 'rollen'), got 'Rollen 1'"
        ],
    ),
    "no commitments": (
        GOOD.split("      - commitments:")[0] + "      - commitments: []\n",
        ["sources/x.yaml:8:22: sections[0].body[0].commitments: must have at least 1 item(s)"],
    ),
    "bad colour": (
        GOOD + "theme:\n  colour: blue\n",
        ["sources/x.yaml:12:11: theme.colour: expected a colour like '#1f4e79', got 'blue'"],
    ),
    "bad language": (
        GOOD.replace("  title: Ledelsesgrundlag", "  title: Ledelsesgrundlag\n  language: de"),
        ["sources/x.yaml:4:13: meta.language: expected one of 'da' or 'en'; got 'de'"],
    ),
    "bad card size": (
        GOOD + "theme:\n  card: {width: 20, height: 130}\n",
        ["sources/x.yaml:12:17: theme.card.width: must be at least 50, got the number 20"],
    ),
    "unknown card preset": (
        GOOD + "theme:\n  card: huge\n",
        [
            "sources/x.yaml:12:9: theme.card: expected {width, height} in mm or one of "
            "standard, a6, poker, a7; got 'huge'"
        ],
    ),
    "block with two kinds": (
        GOOD + "front:\n  - id: intro\n    body:\n      - {heading: A, items: [b]}\n",
        [
            "sources/x.yaml:14:9: front[0].body[0]: give exactly one of: text, heading, items, "
            "signature, quote, figure, panel"
        ],
    ),
    "YAML syntax error": (
        GOOD.replace("    title: Rollen", "    title: Rollen: igen"),
        [
            "sources/x.yaml:6:18: YAML syntax: a ':' inside a text (or a key indented too far): "
            "put a text that has ': ' or ends in ':' in quotes (\"…\")"
        ],
    ),
    "tab indentation": (
        GOOD.replace("    title: Rollen", "\ttitle: Rollen"),
        ["sources/x.yaml:6:1: YAML syntax: a tab is used for indentation: indent with spaces only"],
    ),
    "top level is a list": (
        "- a\n- b\n",
        ["sources/x.yaml:1:1: expected a mapping of keys (meta:, sections: …) at the top"],
    ),
    "empty file": ("", ["sources/x.yaml:1:1: file is empty: start from `charterpress new SLUG`"]),
    "only comments": (
        "# nothing yet\n",
        ["sources/x.yaml:1:1: file is empty: start from `charterpress new SLUG`"],
    ),
    "python tag": (
        GOOD.replace("  title: Ledelsesgrundlag", "  title: !!python/object/apply:os.system [ls]"),
        ["sources/x.yaml:3:10: meta.title: tag '!!python/object/apply:os.system' is not allowed"],
    ),
    "alias bomb": (
        'a: &a ["lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n',
        ["sources/x.yaml:2:8: alias '*a' is not allowed: write the text out in full"],
    ),
    "several problems at once": (
        GOOD.replace("            question: Hvilken rolle fylder mest for dig?\n", "").replace(
            "  title: Ledelsesgrundlag", "  titel: x"
        ),
        [
            "sources/x.yaml:2:3: meta.title: required",
            "sources/x.yaml:3:3: meta.titel: unknown key (did you mean 'title'?)",
            "sources/x.yaml:9:13: sections[0].body[0].commitments[0].question: needs a question",
        ],
    ),
    "the old section keys say where they went": (
        GOOD.replace("    body:\n", "    list_commitments: false\n    lead: x\n    body:\n"),
        [
            "sources/x.yaml:7:5: sections[0].list_commitments: unknown key (gone: a section's "
            "lists are printed and carded from the same text; see docs/source-format.md#sections)",
            "sources/x.yaml:8:5: sections[0].lead: unknown key (moved: a list's lead-in is "
            "'lead:' on the list in the section's body; see docs/source-format.md#sections)",
        ],
    ),
    "a section without a list of commitments": (
        GOOD.split("      - commitments:")[0] + "      - Bare tekst.\n",
        [
            "sources/x.yaml:5:5: sections[0]: a section needs at least one list of commitments "
            "in its body (- lead: …, commitments: [...]); text without commitments is a passage"
        ],
    ),
    "commitments in a passage": (
        GOOD + "front:\n  - id: intro\n    body:\n      - commitments: [x]\n",
        [
            "sources/x.yaml:14:9: front[0].body[0].commitments: unknown key (commitments "
            "belong in a section's body, not in a passage)"
        ],
    ),
    "an option with the wrong kind of block": (
        GOOD + "front:\n  - id: intro\n    body:\n      - {text: A, by: B}\n",
        ["sources/x.yaml:14:9: front[0].body[0]: 'by' goes with quote, not with text"],
    ),
    "a figure without alt text": (
        GOOD + "front:\n  - id: intro\n    body:\n      - {figure: figure.png}\n",
        [
            "sources/x.yaml:14:9: front[0].body[0]: a figure needs 'alt': what the image "
            "shows, for screen readers"
        ],
    ),
    "an unknown list style": (
        GOOD.replace("      - commitments:", "      - style: stars\n        commitments:"),
        [
            "sources/x.yaml:8:16: sections[0].body[0].style: expected one of 'bullets', "
            "'numbered', 'paragraphs' or 'prose'; got 'stars'"
        ],
    ),
    "an id over 40 characters": (
        GOOD.replace("id: rollen", "id: " + "a" * 41),
        ["sources/x.yaml:5:9: sections[0].id: too long: 41 characters, at most 40"],
    ),
    "a title over 2000 characters": (
        GOOD.replace("    title: Rollen", "    title: " + "Rollen " * 300),
        ["sources/x.yaml:6:12: sections[0].title: too long: 2099 characters, at most 2000"],
    ),
    "a paragraph over 5000 characters": (
        GOOD + "front:\n  - id: intro\n    body:\n      - " + "ord " * 1300 + "\n",
        ["sources/x.yaml:14:9: front[0].body[0].text: too long: 5199 characters, at most 5000"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_problem_lines(case):
    text, expected = CASES[case]
    assert problems(text) == expected


def test_not_utf8_points_at_the_byte():
    data = GOOD.replace("Testrup", "T\u00e6strup").encode("latin-1")
    assert problems(data) == [
        "sources/x.yaml:2:18: not valid UTF-8 (byte 0xe6): save the file as UTF-8"
    ]


def test_utf8_bom_is_accepted():
    assert problems(b"\xef\xbb\xbf" + GOOD.encode()) == []


def test_nul_bytes_are_refused():
    assert problems(b"meta: \x00\n") == [
        "sources/x.yaml:1:7: U+0000 is a NUL byte (is this a text file?); remove it"
    ]


def test_whitespace_in_text_is_folded():
    source, _ = validate_source(
        RawSource("x.yaml", "x", GOOD.replace("Rollen", "Rol   len\n").encode())
    )
    assert source.charter.sections[0].title == "Rol len"


def test_json_schema_file_is_current():
    """`make schema` regenerates it; a model change without it fails here."""
    stored = (SOURCES / "charter.schema.json").read_text(encoding="utf-8")
    assert stored == json_schema_text(), "run `make schema`"


def test_json_schema_accepts_plain_text_blocks():
    schema = json.loads(json_schema_text())
    block = schema["$defs"]["Block"]
    plain = {"type": "string", "minLength": 1, "maxLength": 5000, "pattern": "\\S"}
    assert any(option.items() >= plain.items() for option in block["anyOf"])  # + words for editors


def test_json_schema_states_the_limits_and_the_new_fields():
    schema = json.loads(json_schema_text())
    defs = schema["$defs"]
    section = defs["Section"]["properties"]
    assert section["id"]["maxLength"] == 40
    assert section["title"]["maxLength"] == 2000
    assert "band" in section and "body" in section and "list_commitments" not in section
    commitment = defs["Commitment"]["properties"]
    assert commitment["title"]["anyOf"][0]["maxLength"] == 2000
    assert commitment["text"]["maxLength"] == 2000
    variants = {v["title"]: v for v in defs["SectionBlock"]["anyOf"][1:]}
    assert set(variants) == {
        "text", "heading", "items", "commitments", "signature", "quote", "figure", "panel"
    }  # fmt: skip
    assert variants["panel"]["required"] == ["panel", "values"]
    assert set(variants["commitments"]["properties"]) == {"commitments", "lead", "style"}
    assert variants["figure"]["required"] == ["figure", "alt"]
    assert set(variants["quote"]["properties"]) == {"quote", "by"}
    style = variants["items"]["properties"]["style"]
    assert style["enum"] == ["bullets", "numbered", "paragraphs", "prose"]
    assert "commitments" not in {v["title"] for v in defs["Block"]["anyOf"][1:]}


@pytest.mark.parametrize("path", sorted(SOURCES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_source_points_at_the_schema(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=charter.schema.json"
