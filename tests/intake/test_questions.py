"""`charterpress questions export/import`: the questions in a spreadsheet and back, nothing else moved."""

from __future__ import annotations

import csv
import difflib
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support import ROOT

openpyxl = pytest.importorskip("openpyxl")

SLUG = "glostrup"
"""A charter whose questions are written plain, and folded over several lines."""


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "charterpress", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    return tmp_path


def _commitments(data: dict) -> list[dict]:
    parts = list(data["sections"]) + ([data["organisation"]] if "organisation" in data else [])
    return [
        c for s in parts for b in s["body"] if isinstance(b, dict) for c in b.get("commitments", [])
    ]


def test_export_writes_one_readable_row_per_card(project):
    result = _cli("questions", "export", SLUG, "q.xlsx", cwd=project)
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(project / "q.xlsx").active
    assert sheet.title == "Kort"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Kort nr.", "Afsnit", "Udsagn", "Spørgsmål", "Noter", "Felt")
    data = yaml.safe_load((project / "sources" / f"{SLUG}.yaml").read_text(encoding="utf-8"))
    commitments = _commitments(data)
    assert len(rows) - 1 == len(commitments)
    assert [r[0] for r in rows[1:]] == list(
        range(2, len(commitments) + 2)
    )  # card 1 is the title card
    assert [r[2] for r in rows[1:]] == [
        c.get("card") or " ".join(c["text"].split()) for c in commitments
    ]
    assert [r[3] for r in rows[1:]] == [" ".join(c["question"].split()) for c in commitments]
    assert all(r[4] is None for r in rows[1:])  # notes: empty, for the writers
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert sheet.column_dimensions["D"].width >= 40 and sheet["D2"].alignment.wrap_text


def _question_spans(text: str) -> set[int]:
    """Return the line numbers (0-based) that hold question scalars, for the diff."""
    lines: set[int] = set()

    def walk(node):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == "question":
                    end = value.end_mark.line - (1 if value.end_mark.column == 0 else 0)
                    lines.update(range(key.start_mark.line, end + 1))
                walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)

    walk(yaml.compose(text))
    return lines


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_round_trip_changes_only_the_changed_questions(project, kind):
    source = project / "sources" / f"{SLUG}.yaml"
    before = source.read_text(encoding="utf-8")
    assert _cli("questions", "export", SLUG, f"q.{kind}", cwd=project).returncode == 0
    new = {
        2: "Hvornår var du sidst uenig med en medarbejder: hvad skete der?",  # needs quotes
        3: "Hvad fylder mest?",  # was plain
        6: 'Hvad er "modgang" for dig # lige nu?',  # was folded over two lines
    }
    if kind == "xlsx":
        book = openpyxl.load_workbook(project / "q.xlsx")
        for row, question in new.items():
            book.active[f"D{row}"] = question
            book.active[f"E{row}"] = "a note the import ignores"
        book.save(project / "q.xlsx")
    else:
        table = list(csv.reader(io.StringIO((project / "q.csv").read_text(encoding="utf-8-sig"))))
        for row, question in new.items():
            table[row - 1][3] = question
        buffer = io.StringIO()
        csv.writer(buffer).writerows(table)
        (project / "q.csv").write_text(buffer.getvalue(), encoding="utf-8")
    result = _cli("questions", "import", f"q.{kind}", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(Path("sources") / f"{SLUG}.yaml")
    after = source.read_text(encoding="utf-8")
    # the data: exactly those questions changed
    old_data, new_data = yaml.safe_load(before), yaml.safe_load(after)
    for n, commitment in enumerate(_commitments(old_data), start=2):
        if n in new:
            commitment["question"] = new[n]
    assert new_data == old_data
    # the bytes: every line that changed was a line of one of the three questions
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    removed = [
        i
        for i, line in enumerate(x for x in diff if not x.startswith("+ "))
        if line.startswith("- ")
    ]
    spans = _question_spans(before)
    assert removed and set(removed) <= spans
    added = [line for line in diff if line.startswith("+ ")]
    assert len(added) == 3 and all(line.lstrip("+ ").startswith("question: ") for line in added)
    assert "# yaml-language-server" in after.splitlines()[0]
    assert _cli("check", "--quick", f"sources/{SLUG}.yaml", cwd=project).returncode == 0


def test_questions_written_into_an_imported_draft(tmp_path):
    """import → export → write the questions → import → the charter passes check."""
    (tmp_path / "sources").mkdir()
    original = ROOT / "tests" / "originals" / "ishoej.txt"
    assert _cli("import", str(original), "--slug", "draft", cwd=tmp_path).returncode == 0
    draft = tmp_path / "sources" / "draft.yaml"
    before = draft.read_text(encoding="utf-8")
    assert _cli("questions", "export", "draft", "q.xlsx", cwd=tmp_path).returncode == 0
    book = openpyxl.load_workbook(tmp_path / "q.xlsx")
    sheet = book.active
    for row in range(2, sheet.max_row + 1):
        sheet[f"D{row}"] = f"Hvad betyder kort {sheet[f'A{row}'].value} for dig?"
    book.save(tmp_path / "q.xlsx")
    result = _cli("questions", "import", "q.xlsx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    after = draft.read_text(encoding="utf-8")
    kept = [line for line in after.splitlines() if "question: " not in line]
    assert kept == before.splitlines()  # only question lines were added
    assert _cli("check", "--quick", cwd=tmp_path).returncode == 0


def test_every_bad_row_is_one_line_naming_its_cell(project):
    source = project / "sources" / f"{SLUG}.yaml"
    before = source.read_bytes()
    assert _cli("questions", "export", SLUG, "questions.xlsx", cwd=project).returncode == 0
    book = openpyxl.load_workbook(project / "questions.xlsx")
    sheet = book.active
    sheet["D3"] = "Hvad fylder mest."  # no question mark
    sheet["C4"] = "Jeg er noget andet"  # a changed commitment
    sheet["F6"] = sheet["F5"].value  # the same card twice
    sheet["F7"] = f"{SLUG}:sections[99].body[0].commitments[0]"  # no such card
    sheet["F8"] = "whatever"  # not a card at all
    sheet["F9"] = "nosuch:sections[0].body[0].commitments[0]"  # no such charter
    book.save(project / "questions.xlsx")
    result = _cli("questions", "import", "questions.xlsx", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "questions.xlsx: Kort!D3: a question must end with '?'",
        "questions.xlsx: Kort!C4: the commitment's text was changed (card 4); change it in "
        f"{Path('sources') / (SLUG + '.yaml')}, the sheet changes questions only",
        "questions.xlsx: Kort!F6: the same card as row 5: a card has one row",
        f"questions.xlsx: Kort!F7: no card sections[99].body[0].commitments[0] in {Path('sources') / (SLUG + '.yaml')}",
        "questions.xlsx: Kort!F8: 'whatever' names no card (the column must keep what export wrote)",
        f"{Path('sources') / 'nosuch.yaml'}: no such charter source",
    ]
    assert source.read_bytes() == before  # nothing written
