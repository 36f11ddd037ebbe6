"""The JSON Schema for editors: every property described, plain words for patterns,
`charterpress schema` for an installed user, and `check` saying when a project's copy is old."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from charterpress.source.schema import json_schema, json_schema_text
from charterpress.source.schema_words import PATTERN_MESSAGES, undescribed
from support import ROOT


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "charterpress", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_property_has_a_description():
    assert undescribed(json_schema()) == []


def test_every_pattern_says_in_words_what_it_wants():
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "pattern" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json_schema())
    assert found
    for node in found:
        assert node["patternErrorMessage"] == PATTERN_MESSAGES[node["pattern"]]
        assert node["errorMessage"] == node["patternErrorMessage"]
        assert "\\" not in node["patternErrorMessage"] and "[" not in node["patternErrorMessage"]


def test_style_completes_inside_a_list_of_commitments():
    blocks = json_schema()["$defs"]["SectionBlock"]["anyOf"]
    (commitments,) = [b for b in blocks if b.get("title") == "commitments"]
    assert commitments["properties"]["style"]["enum"] == ["bullets", "numbered", "paragraphs", "prose"]


def test_the_schema_command_writes_the_current_schema_and_check_warns_when_it_is_old(tmp_path):
    (tmp_path / "sources").mkdir()
    shutil.copy(ROOT / "sources" / "ishoej.yaml", tmp_path / "sources")
    result = _cli("schema", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    schema = tmp_path / "sources" / "charter.schema.json"
    assert result.stdout.strip() == str(Path("sources") / "charter.schema.json")
    assert schema.read_text(encoding="utf-8") == json_schema_text()
    result = _cli("check", "--quick", cwd=tmp_path)
    assert result.returncode == 0 and "warning" not in result.stderr
    old = json.loads(schema.read_text(encoding="utf-8"))
    old["$defs"]["Meta"]["properties"]["title"].pop("description")
    schema.write_text(json.dumps(old), encoding="utf-8")
    result = _cli("check", "--quick", cwd=tmp_path)
    assert result.returncode == 0  # a warning, not a problem
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        f"{Path('sources') / 'charter.schema.json'}: warning: older than this charterpress"
    )
    assert "charterpress schema" in line


def test_the_repository_schema_is_current():
    assert (ROOT / "sources" / "charter.schema.json").read_text(
        encoding="utf-8"
    ) == json_schema_text()
