"""Commitments without questions: `check` lists them, `build --draft` builds them marked."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader

SOURCE = """\
meta:
  municipality: Northbridge Borough Council
  title: How we lead
  language: {language}
sections:
  - id: direction
    title: Direction
    body:
      - lead: "As a leader I:"
        commitments:
          - text: explain my reasons openly to the people they affect
{question}
          - text: make time for the conversation that is hard to have
          - text: ask my team what got in their way this week
            question: What got in your team's way this week?
"""


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "charterpress", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _project(tmp_path: Path, language: str = "en", question: bool = False) -> Path:
    (tmp_path / "sources").mkdir(parents=True, exist_ok=True)
    line = "            question: What do you explain least well?" if question else ""
    text = SOURCE.format(language=language, question=line).replace("\n\n", "\n")
    (tmp_path / "sources" / "north.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_check_lists_each_commitment_without_a_question_at_its_line(tmp_path):
    project = _project(tmp_path)
    result = _cli("check", "--quick", cwd=project)
    assert result.returncode == 1
    source = (project / "sources" / "north.yaml").read_text(encoding="utf-8").splitlines()
    first = next(i for i, t in enumerate(source) if "explain my reasons" in t) + 1
    second = next(i for i, t in enumerate(source) if "make time" in t) + 1
    name = str(Path("sources") / "north.yaml")
    assert result.stderr.splitlines() == [
        f"{name}:{first}:13: sections[0].body[0].commitments[0].question: needs a question",
        f"{name}:{second}:13: sections[0].body[0].commitments[1].question: needs a question",
    ]
    result = _cli("build", "-j", "1", cwd=project)  # a plain build refuses it too, writes nothing
    assert result.returncode == 1 and "needs a question" in result.stderr
    assert not (project / "dist").exists()


def _red_share(page: pypdfium2.PdfPage) -> float:
    image = page.render(scale=0.4).to_pil().convert("RGB")
    data = image.tobytes()
    red = sum(
        1 for i in range(0, len(data), 3) if data[i] > 170 and data[i + 1] < 90 and data[i + 2] < 90
    )
    return red / (len(data) // 3)


@pytest.mark.parametrize(
    "language, label, mark",
    [("en", "Question to be written", "DRAFT"), ("da", "Spørgsmål mangler", "KLADDE")],
)
def test_a_draft_builds_marked_and_apart_from_the_print_files(tmp_path, language, label, mark):
    project = _project(tmp_path, language)
    result = _cli("build", "--draft", "-j", "1", "--no-preview", cwd=project)
    assert result.returncode == 0, result.stderr
    drafts = project / "dist" / "drafts" / "north-draft"
    pdfs = sorted(drafts.glob("*.pdf"))
    assert [p.name for p in pdfs] == sorted(
        f"north-draft-{kind}.pdf"
        for kind in (
            "cards-print", "cards-sheets", "cards-slides", "guide",
            "booklet", "booklet-print", "booklet-imposed",
        )
    )  # fmt: skip
    # a draft is PDFs only, each stamped: no unstamped face PNG, HTML edition or EPUB
    assert {p.suffix for p in drafts.rglob("*") if p.is_file()} == {".pdf"}
    # nothing anywhere under dist/ carries a print file's name without the mark
    assert all("-draft" in p.name for p in (project / "dist").rglob("*.pdf"))
    assert not (project / "dist" / "north").exists()
    for pdf in pdfs:
        if shutil.which("qpdf"):  # the stamped files are sound PDFs
            check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
            assert check.returncode == 0, check.stdout + check.stderr
        document = pypdfium2.PdfDocument(str(pdf))
        try:
            for number in range(len(document)):
                assert _red_share(document[number]) > 0.004, (
                    f"{pdf.name}: page {number + 1} has no visible mark"
                )
        finally:
            document.close()
    cards = PdfReader(str(drafts / "north-draft-cards-print.pdf"))
    backs = [
        " ".join(cards.pages[i].extract_text().replace("\xa0", " ").split())  # lines balanced
        for i in range(1, len(cards.pages), 2)
    ]
    assert label in backs[1] and label in backs[2]  # cards 2 and 3: no question
    assert label not in backs[3] and "What got in your team" in backs[3]
    booklet = "".join(
        p.extract_text() for p in PdfReader(str(drafts / "north-draft-booklet.pdf")).pages
    )
    booklet = " ".join(booklet.replace("\xa0", " ").replace("\u00ad", "").split())
    assert booklet.count(label) == 2
    # the mark is drawn, not text: the PDF's words are the source's and the labels'
    assert mark not in "".join(p.extract_text() for p in cards.pages)


def test_a_draft_build_leaves_the_last_good_files_alone(tmp_path):
    project = _project(tmp_path, question=True)
    source = project / "sources" / "north.yaml"
    text = source.read_text(encoding="utf-8").replace(
        "          - text: make time for the conversation that is hard to have\n",
        "          - text: make time for the conversation that is hard to have\n"
        "            question: Which conversation have you put off?\n",
    )
    source.write_text(text, encoding="utf-8")
    result = _cli("build", "-j", "1", "--no-preview", "--only", "cards", cwd=project)
    assert result.returncode == 0, result.stderr
    before = _digests(project / "dist" / "north")
    source.write_text(
        text.replace("            question: Which conversation have you put off?\n", ""),
        encoding="utf-8",
    )
    result = _cli("build", "--draft", "-j", "1", "--no-preview", "--only", "cards", cwd=project)
    assert result.returncode == 0, result.stderr
    assert _digests(project / "dist" / "north") == before
    assert (project / "dist" / "drafts" / "north-draft" / "north-draft-cards-print.pdf").is_file()
