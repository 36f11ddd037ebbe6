"""One truth for the format: the JSON Schema and the tool give every source the same verdict.

The corpus: every charter in sources/, every valid test charter, and every bad-input case
that YAML can read. Rules JSON Schema cannot state, and so only the tool checks:
"""

from __future__ import annotations

import json

import pytest
from charterpress.source.load import RawSource, parse
from charterpress.source.schema import json_schema, validate
from jsonschema import Draft202012Validator
from support import DATA, SOURCES, schema_validator

NOT_IN_JSON_SCHEMA = {
    "unique ids": "an id used twice anywhere in the charter",
    "the slug": "the file name is the slug (SLUG_PATTERN, at most 40 characters)",
    "commitments in a charter": "at most 600 commitments in the whole charter",
    "commitments in a section": "at most 60 in one section, all its lists together",
    "image files": "a named image exists inside the project and is a whole PNG/JPEG/GIF/WebP",
    "folded length": "text limits count characters after white space is folded",
    "characters": "control characters, NUL, lone surrogates (the loader refuses them first)",
    "paper tone": "theme.paper light enough for black text (relative luminance at least 0.8)",
}
"""The rules only the tool checks; a bad-input case that tests one says `# schema: not comparable`."""

VALIDATOR = schema_validator()
GOOD = sorted(SOURCES.glob("*.yaml")) + sorted(DATA.glob("*.yaml"))
BAD = [
    path
    for path in sorted((DATA / "bad").glob("*.yaml"))
    if b"# schema: not comparable" not in path.read_bytes()
]


def verdicts(data: bytes, name: str = "x.yaml") -> tuple[bool, bool] | None:
    """Return (tool accepts, JSON Schema accepts), or None when YAML cannot read the text."""
    loaded, problems = parse(RawSource(name, "x", data))
    if loaded is None:
        return None
    charter, problems = validate(loaded, name)
    schema_errors = list(VALIDATOR.iter_errors(loaded.data))
    return charter is not None, not schema_errors


def test_the_schema_is_valid_json_schema():
    Draft202012Validator.check_schema(json_schema())
    assert NOT_IN_JSON_SCHEMA


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_good_sources_pass_both(path):
    assert verdicts(path.read_bytes()) == (True, True)


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_sources_fail_both(path):
    """A case YAML cannot read (syntax, encoding) is refused by the tool alone: nothing to compare."""
    found = verdicts(path.read_bytes())
    assert found in (None, (False, False))


def test_the_schema_states_the_limits():
    text = json.dumps(json_schema())
    for rule in ('"maxLength": 2000', '"maxLength": 5000', '"maxItems": 60', '"maxItems": 40'):
        assert rule in text
    defs = json_schema()["$defs"]
    assert defs["Meta"]["properties"]["year"]["anyOf"][0]["type"] == "integer"
    assert defs["Commitment"]["properties"]["question"]["pattern"] == r"\?\s*$"
