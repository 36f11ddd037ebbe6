"""`charterpress import`: a draft source from a document, measured against the hand-made sources.

The five originals are the text of their PDFs exactly as we had it; each draft is measured
with builder/intake/measure.py (the same code as `charterpress import FILE --compare SOURCE`): the
share of the source's commitments the draft holds as commitments with the same words, the
share of its paragraphs, and the damage left. A Word file is made here with python-docx from
a source, an English document with the damage of a PDF is generated here, and a real PDF is
made with WeasyPrint, so the reader of each format is tested on a document unlike the five.
"""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from charterpress.intake import assemble, documents, importer, measure, repair, structure
from support import ROOT

ORIGINALS = sorted(
    p.stem
    for p in (ROOT / "tests" / "originals").glob("*.txt")
    if (ROOT / "sources" / f"{p.stem}.yaml").exists()
)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "charterpress", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _figures(path: Path, source: Path, language: str = "da") -> measure.Figures:
    data, _ = importer.draft(path, path.stem, language)
    return measure.compare(data, yaml.safe_load(source.read_text(encoding="utf-8")))


@pytest.mark.parametrize("slug", ORIGINALS)
def test_each_original_imports_at_the_targets(slug):
    figures = _figures(
        ROOT / "tests" / "originals" / f"{slug}.txt", ROOT / "sources" / f"{slug}.yaml"
    )
    print(figures.line(slug))
    assert figures.damage == []
    assert figures.paragraphs >= 0.9, figures.missing_paragraphs
    assert figures.commitments >= 0.9, figures.missing_commitments


def test_the_compare_command_prints_the_same_figures(tmp_path):
    slug = ORIGINALS[0]
    original = ROOT / "tests" / "originals" / f"{slug}.txt"
    source = ROOT / "sources" / f"{slug}.yaml"
    result = _cli("import", str(original), "--compare", str(source), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == _figures(original, source).line(slug)
    assert not (tmp_path / "sources").exists()  # --compare writes nothing


def test_every_draft_passes_check_but_for_its_questions(tmp_path):
    (tmp_path / "sources").mkdir()
    for slug in ORIGINALS:
        result = _cli("import", str(ROOT / "tests" / "originals" / f"{slug}.txt"), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == str(Path("sources") / f"{slug}.yaml")
        text = (tmp_path / "sources" / f"{slug}.yaml").read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=charter.schema.json\n")
    assert (tmp_path / "sources" / "charter.schema.json").is_file()
    result = _cli("check", "--quick", cwd=tmp_path)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1
    assert lines and all("question" in line and ".commitments[" in line for line in lines), [
        line for line in lines if "question" not in line
    ]
    counted = sum(
        len(
            measure.texts(
                yaml.safe_load((tmp_path / "sources" / f"{s}.yaml").read_text())
            ).commitments
        )
        for s in ORIGINALS
    )
    assert len(lines) == counted  # one located line per commitment, each one a question


def test_import_never_overwrites(tmp_path):
    (tmp_path / "sources").mkdir()
    target = tmp_path / "sources" / "mine.yaml"
    target.write_text("keep me\n", encoding="utf-8")
    original = ROOT / "tests" / "originals" / f"{ORIGINALS[0]}.txt"
    result = _cli("import", str(original), "--slug", "mine", cwd=tmp_path)
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"{Path('sources') / 'mine.yaml'}: already exists: choose another slug (--slug) or remove that file"
    )
    assert target.read_text(encoding="utf-8") == "keep me\n"


def test_a_file_that_cannot_be_imported_is_one_line(tmp_path):
    bad = tmp_path / "charter.docx"
    bad.write_bytes(b"not a zip")
    result = _cli("import", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "not a Word file" in result.stderr
    assert "Traceback" not in result.stderr
    other = tmp_path / "charter.odt"
    other.write_bytes(b"x")
    result = _cli("import", str(other), cwd=tmp_path)
    assert result.returncode == 2 and "cannot import a '.odt' file" in result.stderr


# ---------------------------------------------------------------- a Word file made from a source


def _docx_from_source(source: dict, path: Path) -> None:
    """Write a Word file of a source as an organisation would: styles for the title, the
    headings and the lists, a paragraph for every paragraph and lead-in."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph(source["meta"]["title"], style="Title")

    def body(blocks):
        for block in blocks:
            if isinstance(block, str):
                document.add_paragraph(block)
            elif "heading" in block:
                document.add_heading(block["heading"], level=2)
            elif "commitments" in block or "items" in block:
                if block.get("lead"):
                    document.add_paragraph(block["lead"])
                for item in block.get("commitments") or block.get("items"):
                    document.add_paragraph(
                        item["text"] if isinstance(item, dict) else item, style="List Bullet"
                    )

    for passage in source.get("front", []):
        if passage.get("title"):
            document.add_heading(passage["title"], level=1)
        body(passage["body"])
    for section in source["sections"] + (
        [source["organisation"]] if "organisation" in source else []
    ):
        if section.get("preface"):  # a part page before its chapter
            document.add_heading(section["preface"].get("title", "…"), level=1)
            body(section["preface"].get("body", []))
        document.add_heading(section["title"], level=1)
        body(section["body"])
    for passage in source.get("back", []):
        if passage.get("title"):
            document.add_heading(passage["title"], level=1)
        body(passage["body"])
    document.save(str(path))


@pytest.mark.parametrize("slug", ORIGINALS[:2])
def test_a_word_file_imports_whole(tmp_path, slug):
    source = yaml.safe_load((ROOT / "sources" / f"{slug}.yaml").read_text(encoding="utf-8"))
    path = tmp_path / f"{slug}.docx"
    _docx_from_source(source, path)
    data, _ = importer.draft(path, slug, "da")
    figures = measure.compare(data, source)
    print(figures.line(slug))
    assert figures.damage == []
    assert figures.commitments == 1.0, figures.missing_commitments
    assert figures.paragraphs >= 0.9, figures.missing_paragraphs
    assert data["meta"]["title"] == source["meta"]["title"]
    titles = [s["title"] for s in data["sections"]]
    for section in source["sections"]:
        assert section["title"].rstrip(":") in [t.rstrip(":") for t in titles]


# ---------------------------------------------------------------- an English text with PDF damage

WORDS = [
    "trust",
    "direction",
    "people",
    "budget",
    "citizens",
    "colleagues",
    "decisions",
    "openly",
    "meeting",
    "quality",
    "feedback",
    "learning",
    "purpose",
    "responsibility",
    "wellbeing",
    "service",
    "neighbourhood",
    "partnership",
    "conversation",
    "accountability",
    "improvement",
    "resilience",
    "transparency",
    "inclusion",
]


def _english_charter(rng: random.Random, sections: int = 12) -> dict:
    """Return an English charter's texts: long paragraphs, many sections, a 30-letter word."""

    def sentence(n: int) -> str:
        words = [rng.choice(WORDS) for _ in range(n)]
        return " ".join(words).capitalize() + "."

    out = {"title": "How we lead in Northbridge", "sections": []}
    for s in range(sections):
        paragraphs = [
            " ".join(sentence(rng.randint(8, 18)) for _ in range(rng.randint(3, 9)))
            for _ in range(2)
        ]
        if s == 3:
            paragraphs[0] += " We call it Interdepartmentalcollaborationwork."
        items = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 22)))
            for _ in range(rng.randint(3, 7))
        ]
        out["sections"].append(
            {
                "heading": f"{rng.choice(WORDS).upper()} {s + 1}",
                "paragraphs": paragraphs,
                "lead": "As a leader I:",
                "items": items,
            }
        )
    return out


def _as_pdf_text(charter: dict, rng: random.Random) -> str:
    """Return the charter as a PDF's text layer: lines wrapped with words broken by hyphens,
    bullets, page numbers, a running head on every page, a pull quote printed twice."""

    def wrap(text: str, indent: str = "") -> list[str]:
        lines = textwrap.wrap(text, 58)
        out = []
        for i, line in enumerate(lines):
            if i + 1 < len(lines) and rng.random() < 0.3:
                word = lines[i + 1].split(" ", 1)
                if len(word[0]) >= 8 and word[0].isalpha():
                    cut = rng.randint(3, len(word[0]) - 3)
                    line += " " + word[0][:cut] + "-"
                    lines[i + 1] = word[0][cut:] + (" " + word[1] if len(word) > 1 else "")
            out.append(line)
        return out

    lines = [charter["title"], "A shared charter", ""]
    page = 1
    for section in charter["sections"]:
        lines += [section["heading"], ""]
        for paragraph in section["paragraphs"]:
            lines += wrap(paragraph) + [""]
        lines += [section["lead"], ""]
        for item in section["items"]:
            wrapped = wrap(item)
            lines += ["•\t " + wrapped[0], *wrapped[1:]]
        lines += ["", section["items"][0].capitalize(), ""]  # a pull quote repeating an item
        page += 1
        lines += [str(page), "\f", "How we lead in Northbridge", ""]
    return "\n".join(lines) + "\n"


def test_an_english_text_with_pdf_damage_imports_whole(tmp_path):
    rng = random.Random(21)
    charter = _english_charter(rng)
    path = tmp_path / "northbridge.txt"
    path.write_text(_as_pdf_text(charter, rng), encoding="utf-8")
    assert importer.guess_language(structure.elements(documents.read_lines(path))) == "en"
    data, _ = importer.draft(path, "northbridge", "en")
    expected = {
        "meta": {"title": charter["title"]},
        "sections": [
            {
                "body": [
                    *s["paragraphs"],
                    {"lead": s["lead"], "commitments": [{"text": i} for i in s["items"]]},
                ]
            }
            for s in charter["sections"]
        ],
    }
    figures = measure.compare(data, expected)
    assert figures.damage == []
    assert figures.missing_commitments == [] and figures.missing_paragraphs == []
    assert len(data["sections"]) == len(charter["sections"])
    for section, made in zip(charter["sections"], data["sections"], strict=True):
        assert made["title"] == section["heading"]
        commitments = made["body"][-1]["commitments"]
        assert [c["text"] for c in commitments] == section["items"]
        assert all(c["card"] == "I " + c["text"] for c in commitments)
    assert "Interdepartmentalcollaborationwork" in yaml.safe_dump(data, allow_unicode=True)
    assert data["meta"]["language"] == "en"


def test_an_english_draft_builds_once_it_has_questions(tmp_path):
    rng = random.Random(7)
    charter = _english_charter(rng, sections=3)
    path = tmp_path / "northbridge.md"
    lines = [f"# {charter['title']}", ""]
    for section in charter["sections"]:
        lines += [
            f"## {section['heading']}",
            "",
            *[p + "\n" for p in section["paragraphs"]],
            section["lead"],
            "",
        ]
        lines += [f"- {item}" for item in section["items"]] + [""]
    path.write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "sources").mkdir()
    result = _cli("import", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    draft = tmp_path / "sources" / "northbridge.yaml"
    data = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert data["meta"]["title"] == charter["title"] and data["meta"]["language"] == "en"
    for section in data["sections"]:
        for block in section["body"]:
            for commitment in block.get("commitments", []) if isinstance(block, dict) else []:
                commitment["question"] = "What would you change first?"
    draft.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = _cli("check", "--quick", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_a_pdf_text_layer_imports(tmp_path):
    """A real PDF (made with WeasyPrint): pypdf's text of it, page breaks and all."""
    from weasyprint import HTML

    rng = random.Random(3)
    charter = _english_charter(rng, sections=4)
    html = [f"<h1>{charter['title']}</h1>"]
    for section in charter["sections"]:
        html.append(f"<h2>{section['heading']}</h2>")
        html += [f"<p>{p}</p>" for p in section["paragraphs"]]
        html.append(
            f"<p>{section['lead']}</p><ul>"
            + "".join(f"<li>{i}</li>" for i in section["items"])
            + "</ul>"
        )
    css = "@page { size: A5; margin: 20mm; @bottom-center { content: counter(page) } } body { font: 10pt serif; hyphens: auto }"
    path = tmp_path / "northbridge.pdf"
    HTML(string=f"<html lang=en><style>{css}</style>{''.join(html)}</html>").write_pdf(path)
    data, _ = importer.draft(path, "northbridge", "en")
    commitments = [
        c
        for s in data["sections"]
        for b in s["body"]
        if isinstance(b, dict)
        for c in b.get("commitments", [])
    ]
    assert [c["text"] for c in commitments] == [i for s in charter["sections"] for i in s["items"]]
    figures = measure.compare(
        data,
        {"sections": [{"body": s["paragraphs"]} for s in charter["sections"]]},
    )
    assert figures.paragraphs >= 0.9, figures.missing_paragraphs
    assert figures.damage == []


# ---------------------------------------------------------------- the repairs, one by one


@pytest.mark.parametrize(
    "lines, text",
    [
        (
            ["Og som fundament for le-", "derevaluering og andre"],
            "Og som fundament for lederevaluering og andre",
        ),
        (
            ["en stærk feedback- ", "og forbedringskultur"],
            "en stærk feedback- og forbedringskultur",
        ),
        (["et godt arbejds- ", "miljø sammen"], "et godt arbejdsmiljø sammen"),
        (["samarbejdet i MED-", "udvalget"], "samarbejdet i MED-udvalget"),
        (["short- and long-", "term goals"], "short- and long-term goals"),
    ],
)
def test_words_broken_across_lines_are_mended(lines, text):
    assert repair.join_lines(lines, {"long-term"}) == text


def _elements(text: str) -> list[structure.Element]:
    return structure.elements([documents.Line(t) for t in text.split("\n")])


def test_trailing_markers_and_broken_bullets():
    found = _elements(
        "Det betyder, at jeg:\n\nSætter nye mål og påtager mig ansvaret for udvik- –\nlingsprocesser\n"
        "Fremmer og giver tid til nytænkning –\nStøtter medarbejderne –\n"
    )
    (lst,) = [e for e in found if e.kind == "list"]
    assert lst.lead == "Det betyder, at jeg:"
    assert lst.items == [
        "Sætter nye mål og påtager mig ansvaret for udviklingsprocesser",
        "Fremmer og giver tid til nytænkning",
        "Støtter medarbejderne",
    ]


def test_a_bullet_broken_by_a_page_break_is_joined():
    found = _elements(
        "Vi vil:\n\n•\t er loyal over for de beslutninger,  \n\nmen siger fra\n•\t tåler modgang\n"
    )
    (lst,) = [e for e in found if e.kind == "list"]
    assert lst.items == ["er loyal over for de beslutninger, men siger fra", "tåler modgang"]


def test_a_sentence_resumed_after_a_heading_is_joined():
    found = _elements(
        "INDLEDNING\n\nLedelse handler om mennesker, og derfor skal vi altid\n\nRETNINGEN\n\n"
        "huske, hvem vi er her for.\n\nVi vil:\n• lytte\n• handle\n"
    )
    paragraphs = [e.text for e in found if e.kind == "paragraph"]
    assert paragraphs == [
        "Ledelse handler om mennesker, og derfor skal vi altid huske, hvem vi er her for."
    ]
    assert [e.text for e in found if e.kind == "heading"] == ["INDLEDNING", "RETNINGEN"]


def test_page_furniture_and_repeats_are_dropped():
    text = (
        "Vi tager ansvar for helheden og for hinanden hver dag.\n\n12\n\n//\n\n"
        "Vi vil:\n• tage ansvar for helheden\n• lytte til borgerne\n\n"
        "Tage ansvar for helheden\n\n"  # a pull quote repeating an item
        "Det vil vi ved at:\n• tage ansvar for helheden\n• lytte til borgerne\n\n"  # the list printed twice
        "Vi tager ansvar for helheden og for hinanden hver dag.\n"  # a paragraph printed twice
    )
    found = _elements(text)
    assert [e.kind for e in found] == ["paragraph", "list"]
    assert found[1].items == ["tage ansvar for helheden", "lytte til borgerne"]


def test_a_lead_in_completed_by_its_items_gives_card_wordings():
    assert (
        assemble.card_wording("Det indebærer, at jeg:", "er bevidst om mit ansvar", "da")
        == "Jeg er bevidst om mit ansvar"
    )
    assert (
        assemble.card_wording(
            "Det betyder, at jeg som leder i X Kommune:", "Formidler målene", "da"
        )
        == "Jeg formidler målene"
    )
    assert (
        assemble.card_wording("Vi vil lede fællesskaber:", "vi skaber retning", "da")
        == "Vi skaber retning"
    )
    assert assemble.card_wording("As a leader I:", "listen first", "en") == "I listen first"
    assert assemble.card_wording("Det indebærer især:", "et ledelsesrum", "da") is None


def test_a_word_file_with_its_text_in_a_table_and_typed_bullets(tmp_path):
    """Charters laid out in Word tables, with bullets typed by hand, import as well."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("How we lead", style="Title")
    table = document.add_table(rows=2, cols=1)
    for row, (heading, items) in zip(
        table.rows,
        [
            ("Direction", ["set clear goals", "explain why"]),
            ("People", ["listen first", "say thank you"]),
        ],
        strict=True,
    ):
        cell = row.cells[0]
        cell.paragraphs[0].text = heading
        cell.paragraphs[0].style = document.styles["Heading 1"]
        cell.add_paragraph("As a leader I:")
        for item in items:
            cell.add_paragraph(f"•\t{item}")
    path = tmp_path / "table.docx"
    document.save(str(path))
    data, _ = importer.draft(path, "table", "en")
    assert [s["title"] for s in data["sections"]] == ["Direction", "People"]
    assert [[c["text"] for c in s["body"][0]["commitments"]] for s in data["sections"]] == [
        ["set clear goals", "explain why"],
        ["listen first", "say thank you"],
    ]
    assert data["sections"][1]["body"][0]["commitments"][0]["card"] == "I listen first"


# ---------------------------------------------------------------- our own booklets, read back

SOURCES = sorted((ROOT / "sources").glob("*.yaml")) + [
    ROOT / "tests" / "data" / "unlike-the-five.yaml",  # English, long paragraphs, 30 sections
    ROOT / "tests" / "data" / "booklet-english.yaml",  # every part a booklet knows
]


@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_a_booklet_pdf_imports_back(tmp_path, path):
    """A real brochure: each charter's screen booklet (running feet with page numbers, a table
    of contents, part pages listing their chapters, indented paragraphs, hyphenated line ends,
    lists set in columns), imported back and measured against its source."""
    from support import products_of

    booklet = next(
        p for p in products_of(path, "booklet").values() if p.name.endswith("-booklet.pdf")
    )
    pdf = tmp_path / booklet.name
    pdf.write_bytes(booklet.data)
    source = yaml.safe_load(path.read_text(encoding="utf-8"))
    data, _ = importer.draft(pdf, path.stem, source["meta"].get("language", "da"))
    figures = measure.compare(data, source)
    print(figures.line(path.stem))
    assert figures.damage == []
    assert figures.paragraphs >= 0.9, figures.missing_paragraphs
    assert figures.commitments >= 0.9, figures.missing_commitments


def test_the_contact_block_at_the_end_becomes_meta_contact(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text(
        "Our charter\n\nAs a leader I:\n• listen first\n• say thank you\n\n"
        "Northbridge Council\n\nPeople and Culture\n\nTown Hall Square 1\n\n"
        "Mail: people@northbridge.example\n\nPhone: 12 34 56 78\n",
        encoding="utf-8",
    )
    data, _ = importer.draft(path, "x", "en")
    assert data["meta"]["contact"] == {
        "name": "Northbridge Council",
        "unit": "People and Culture",
        "address": ["Town Hall Square 1"],
        "email": "people@northbridge.example",
        "phone": "12 34 56 78",
    }
    assert "Mail" not in yaml.safe_dump(data["sections"], allow_unicode=True)


def test_a_list_longer_than_a_section_holds_goes_on_in_a_second_part(tmp_path):
    path = tmp_path / "long.md"
    items = [f"- make change number {n} part of how we work" for n in range(1, 131)]
    path.write_text(
        "# How we lead\n\n## Direction\n\nAs a leader I:\n\n" + "\n".join(items) + "\n",
        encoding="utf-8",
    )
    data, _ = importer.draft(path, "long", "en")
    counts = [
        sum(len(b.get("commitments", [])) for b in s["body"] if isinstance(b, dict))
        for s in data["sections"]
    ]
    assert counts == [60, 60, 10]  # all 130 kept, none over the limit
    assert [s["title"] for s in data["sections"]] == ["Direction", "Direction (2)", "Direction (3)"]
    assert data["sections"][2]["body"][0]["lead"] == "As a leader I:"


# ---------------------------------------------------------------- commitments written as prose

NORDBY = """Sådan leder vi i Nordby

RETNING

Nordby Kommune er en stor arbejdsplads med mange fagligheder. Ledelsesgrundlaget beskriver,
hvad medarbejderne kan forvente af deres ledere.

Vi sætter retning for opgaven og forklarer hvorfor. Det skaber ro i hverdagen. Vi følger op
på målene sammen med medarbejderne.

TILLID

Som leder viser jeg tillid til medarbejdernes faglighed. Jeg giver plads til at prøve nyt,
også når det går galt.

Derfor lytter lederne til kritik. Og de handler på den.
"""


def _commitments(data: dict) -> list[dict]:
    return [
        c
        for s in data["sections"]
        for b in s["body"]
        if isinstance(b, dict)
        for c in b.get("commitments", [])
    ]


def test_a_document_without_lists_gives_the_paragraphs_said_of_the_leaders(tmp_path):
    """A brochure that writes its commitments as running prose (as Ballerup's does): a
    paragraph whose first sentence is said of the leaders is a `style: prose` list, one
    commitment a sentence in that voice; a sentence said of anything else goes on the one
    before; a paragraph about the organisation stays a paragraph."""
    path = tmp_path / "nordby.txt"
    path.write_text(NORDBY, encoding="utf-8")
    data, _ = importer.draft(path, "nordby", "da")
    assert [c["text"] for c in _commitments(data)] == [
        "Vi sætter retning for opgaven og forklarer hvorfor. Det skaber ro i hverdagen.",
        "Vi følger op på målene sammen med medarbejderne.",
        "Som leder viser jeg tillid til medarbejdernes faglighed.",
        "Jeg giver plads til at prøve nyt, også når det går galt.",
        "Derfor lytter lederne til kritik.",
        "Og de handler på den.",
    ]
    lists = [
        b for s in data["sections"] for b in s["body"] if isinstance(b, dict) and "commitments" in b
    ]
    assert [len(b["commitments"]) for b in lists] == [2, 2, 2]  # a list a paragraph
    assert all(b["style"] == "prose" for b in lists)
    cards = {c["text"]: c.get("card") for c in _commitments(data)}
    assert cards["Derfor lytter lederne til kritik."] == "Lederne lytter til kritik."
    assert cards["Og de handler på den."] == "Lederne handler på den."
    texts = [b for s in data["sections"] for b in s["body"] if isinstance(b, str)]
    assert texts[0].startswith("Nordby Kommune er en stor arbejdsplads")


def test_an_english_document_without_lists_reads_the_same_way(tmp_path):
    path = tmp_path / "northbridge.txt"
    path.write_text(
        "How we lead in Northbridge\n\nDIRECTION\n\n"
        "Northbridge Council serves 80,000 residents. This charter says what staff can expect.\n\n"
        "Our leaders set a clear direction. That gives people room to act. They explain\n"
        "every decision they make.\n\nTRUST\n\n"
        "As a leader, I trust the people I work with. We say thank you.\n",
        encoding="utf-8",
    )
    data, _ = importer.draft(path, "northbridge", "en")
    assert [c["text"] for c in _commitments(data)] == [
        "Our leaders set a clear direction. That gives people room to act.",
        "They explain every decision they make.",
        "As a leader, I trust the people I work with.",
        "We say thank you.",
    ]
    assert _commitments(data)[1]["card"] == "Leaders explain every decision they make."


def test_paragraphs_said_of_the_leaders_stay_paragraphs_where_the_document_has_lists(tmp_path):
    """The prose rule is for documents that print no list: where lists hold the
    commitments, a paragraph saying 'Vi …' is the text around them."""
    path = tmp_path / "x.txt"
    path.write_text(
        "Ledelsesgrundlag\n\nRETNING\n\nVi leder en kommune i forandring. Vi tror på dialog.\n\n"
        "Det betyder, at jeg:\n• lytter først\n• siger tak\n",
        encoding="utf-8",
    )
    data, _ = importer.draft(path, "x", "da")
    assert [c["text"] for c in _commitments(data)] == ["lytter først", "siger tak"]
    assert "Vi leder en kommune i forandring. Vi tror på dialog." in data["sections"][0]["body"]


def test_a_danish_lead_in_starting_with_i_gets_no_english_card():
    assert (
        assemble.card_wording(
            "I Nordby Kommune defineres god ledelse som:", "God ledelse lytter", "da"
        )
        is None
    )
