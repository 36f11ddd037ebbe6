"""`charterpress onboard SLUG --roster FILE`: personalised onboarding booklets, read back as PDFs.

One roster with the hard cases (two people named Anne Hansen, a name with a path and an
apostrophe in it, a name that looks like HTML and like a template) is built once, by the command
line, in a project of its own; the tests read what it wrote with pypdf, pdfplumber, pdfua, qpdf
and poppler. Bad rosters stop before anything is made: each bad row is its exact line.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pdfplumber
import pytest
from charterpress.__main__ import main
from charterpress.errors import SourceError
from charterpress.intake import roster
from charterpress.layout import fonts, proof
from charterpress.prepress import preflight
from charterpress.products import onboarding
from charterpress.source.load import RawSource, parse
from charterpress.source.schema import validate
from pypdf import PdfReader
from support import SOURCES, assert_poppler_clean, pdfua_reports, products_of

HOSTILE = "<script>alert(1)</script> {{ 7*7 }}"
ROWS = [
    ("Anne Hansen", "Hjemmeplejen", "11.01.2027", "Mette Holm"),
    ("Anne Hansen", "Skoleområdet", "2027-02-01", "Jens Berg"),
    ("Søren Ø'Brien/../x", "IT & Digitalisering", "1. marts 2027", "Lise Kjær"),
    (HOSTILE, "Borgerservice", "15/03/2027", "Bo Ahmed"),
]
FILES = {
    "anne-hansen-hjemmeplejen": ROWS[0],
    "anne-hansen-skoleomraadet": ROWS[1],
    "soeren-oe-brien-x": ROWS[2],
    "script-alert-1-script-7-7": ROWS[3],
}


def _project(tmp: Path, source: Path = SOURCES / "glostrup.yaml") -> Path:
    (tmp / "sources").mkdir(parents=True)
    shutil.copy(source, tmp / "sources" / source.name)
    return tmp


def _roster(path: Path, rows: list[tuple], header=("Navn", "Enhed", "Startdato", "Leder")) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow([*header, "Telefon"])  # an extra column is allowed
        writer.writerows([*row, "12345678"] for row in rows)
    return path


def _run(project: Path, roster_file: Path, capsys, slug: str = "glostrup") -> tuple[int, str, str]:
    code = main(["--project", str(project), "onboard", slug, "--roster", str(roster_file)])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """Run the command once on the hard roster; return {stem: (screen, print)}."""
    tmp = tmp_path_factory.mktemp("onboard")
    project = _project(tmp / "project")
    path = _roster(tmp / "roster.csv", ROWS)
    code = main(["--project", str(project), "-q", "onboard", "glostrup", "--roster", str(path)])
    assert code == 0
    folder = project / "dist" / "glostrup" / "onboarding"
    return {stem: (folder / f"{stem}.pdf", folder / f"{stem}-print.pdf") for stem in FILES}


def _flat(text: str) -> str:
    return "".join(text.split())


def _pages_text(path: Path, pages: range) -> list[str]:
    """Return the text of the pages ``pages`` of a PDF, each read once for the same bytes (the
    tests read the first pages of each booklet of the roster, not its charter pages)."""
    data = path.read_bytes()
    return [_page_text(data, index) for index in pages]


@cache
def _page_text(data: bytes, index: int) -> str:
    with pdfplumber.open(io.BytesIO(data), pages=[index + 1]) as pdf:
        return pdf.pages[0].extract_text() or ""


def test_one_screen_and_one_print_booklet_per_person_with_safe_unique_names(made):
    folder = next(iter(made.values()))[0].parent
    expected = sorted(f"{stem}{suffix}.pdf" for stem in FILES for suffix in ("", "-print"))
    assert sorted(p.name for p in folder.iterdir()) == expected
    assert not (folder.parent / "x").exists() and not (folder.parent.parent / "x.pdf").exists()
    for name in expected:
        assert name.isascii() and "/" not in name and ".." not in name


def test_the_cover_carries_the_name(made):
    for stem, (screen, printed) in made.items():
        name = FILES[stem][0]
        for path in (screen, printed):
            first = _flat(_pages_text(path, range(1))[0])  # a long name may break anywhere
            assert _flat(f"Til {name}") in first, (path.name, first)
            assert _flat("Velkommen som leder · Ledelse når det er bedst") in first


def test_a_hostile_name_is_printed_as_written(made):
    screen, printed = made["script-alert-1-script-7-7"]
    for path in (screen, printed):
        text = _flat(" ".join(_pages_text(path, range(3))))
        assert _flat(f"Til {HOSTILE}") in text
        assert _flat(f"Kære {HOSTILE}") in text
        assert "49" not in text.split(_flat("Ledelse når det er bedst"))[0]
    raw = screen.read_bytes()
    assert b"<script>" not in raw  # as text, never as markup: WeasyPrint writes glyphs, not bytes


def _monday_or_same(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


DA_DAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
DA_MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
             "september", "oktober", "november", "december"]  # fmt: skip


def _danish(day: dt.date) -> str:
    return f"{DA_DAYS[day.weekday()]} {day.day}. {DA_MONTHS[day.month - 1]} {day.year}"


@pytest.mark.parametrize("stem", ["anne-hansen-hjemmeplejen", "soeren-oe-brien-x"])
def test_the_plan_has_the_dates_of_the_start_date(made, stem):
    """Glostrup's plan: day 1, weeks 1, 2, 4, 6, 9, day 90; counted here, independently."""
    screen, printed = made[stem]
    start = roster.parse_date(FILES[stem][2])
    assert start is not None
    wanted = [("Dag 1", 0), ("Uge 1", 0), ("Uge 2", 7), ("Uge 4", 21), ("Uge 6", 35),
              ("Uge 9", 56), ("Dag 90", 89)]  # fmt: skip
    for path in (screen, printed):
        plan = " ".join(" ".join(_pages_text(path, range(1, 4))).split())
        assert f"Første arbejdsdag {_danish(start)}" in plan
        at = 0
        for label, days in wanted:
            expected = f"{label} {_danish(_monday_or_same(start + dt.timedelta(days=days)))}"
            found = plan.find(expected, at)
            assert found >= 0, (path.name, expected)
            at = found
        assert "Rollen – det personlige lederskab (s. 5) · kort 3 og 6" in plan


def test_day_90_of_a_monday_start_is_a_saturday_printed_as_the_monday_after():
    start = dt.date(2027, 1, 11)  # a Monday
    assert start.weekday() == 0
    step = next(s for s in _glostrup().onboarding.plan if s.day == 90)
    assert (start + dt.timedelta(days=89)).weekday() == 5  # Saturday 10 April
    assert onboarding.step_date(start, step) == dt.date(2027, 4, 12)


def _glostrup():
    from support import load

    return load(SOURCES / "glostrup.yaml").charter


def test_the_charter_behind_the_personal_pages_is_the_charters_booklet(made):
    """Every page of the charter's own booklet, in order and with its words, after the personal
    pages; numbered 1, 2, 3 … as it prints (page labels), the personal pages i, ii …"""
    booklets = products_of(SOURCES / "glostrup.yaml", "booklet")
    own = {
        "screen": PdfReader(io.BytesIO(booklets["glostrup-booklet.pdf"].data)),
        "print": PdfReader(io.BytesIO(booklets["glostrup-booklet-print.pdf"].data)),
    }
    for screen, printed in made.values():
        for kind, path in (("screen", screen), ("print", printed)):
            reader = PdfReader(path)
            theirs = own[kind]
            front = len(reader.pages) - len(theirs.pages)
            assert front in (3, 4, 8), (path.name, front)
            for i, page in enumerate(theirs.pages):
                assert reader.pages[front + i].extract_text() == page.extract_text(), (path.name, i)
            labels = reader.page_labels
            assert labels[:front] == ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii"][:front]
            assert labels[front:] == [str(n) for n in range(1, len(theirs.pages) + 1)]
            if kind == "print":
                assert len(reader.pages) % 4 == 0 and front % 4 == 0


def test_bookmarks_of_the_personal_pages_then_the_charter_under_one(made):
    screen, _ = made["anne-hansen-hjemmeplejen"]
    reader = PdfReader(screen)
    top = [item for item in reader.outline if not isinstance(item, list)]
    titles = [str(item.title) for item in top]
    assert titles == [
        "Velkommen som leder i Glostrup Kommune",
        "Dine første 90 dage",
        "Ledelsesgrundlaget: Ledelse når det er bedst",
    ]
    children = reader.outline[reader.outline.index(top[-1]) + 1]
    assert isinstance(children, list) and len(children) >= 5
    first_charter_page = reader.get_destination_page_number(top[-1])
    assert reader.page_labels[first_charter_page] == "1"


def test_the_links_of_the_contents_still_lead_to_their_chapters(made):
    screen, _ = made["anne-hansen-hjemmeplejen"]
    reader = PdfReader(screen)
    dests = reader.named_destinations
    assert "rollen" in dests
    page = reader.get_destination_page_number(dests["rollen"])
    assert reader.page_labels[page] == "5"
    assert "ROLLEN" in reader.pages[page].extract_text().upper()


def test_the_screen_booklets_passpdfua_reports(made):
    files = [screen for screen, _ in made.values()]
    for report in pdfua_reports(files):
        assert report["findings"] == [], (report["file"], report["findings"])
        assert report["summary"]["rules_run"] >= 10, report["summary"]
        for skip in report["skipped"]:
            assert skip["rule_id"] == "UA-14-001", skip  # as tests/layout/test_accessibility.py
    import pikepdf

    for path in files:
        with pikepdf.open(path) as pdf:
            assert pdf.Root.MarkInfo.Marked is True
            assert str(pdf.Root.Lang) == "da"
            assert "Til" in str(pdf.docinfo.Title) or "til" in str(pdf.docinfo.Title)


def test_the_answer_fields_of_the_charter_come_along_into_the_screen_booklets_only(made):
    """The charter's My reflections keeps its form: every widget a field of the joined file's
    AcroForm, on the joined file's pages; the print files have no form and no annotation."""
    charter = _glostrup()
    parts = (*charter.sections, *([charter.organisation] if charter.organisation else []))
    questions = sum(len(part.commitments) for part in parts)
    for screen, printed in made.values():
        reader = PdfReader(screen)
        pages = {page.indirect_reference.idnum for page in reader.pages}
        found = [
            (page.indirect_reference.idnum, annot.get_object())
            for page in reader.pages
            for annot in page.get("/Annots", []) or []
            if annot.get_object()["/Subtype"] == "/Widget"
        ]
        assert len(found) == questions > 0
        fields = reader.trailer["/Root"]["/AcroForm"]["/Fields"]
        assert [f.get_object()["/T"] for f in fields] == [w["/T"] for _, w in found]
        for on, widget in found:
            assert widget["/FT"] == "/Tx" and widget.raw_get("/P").idnum == on and on in pages
        printed_reader = PdfReader(printed)
        assert "/AcroForm" not in printed_reader.trailer["/Root"]
        assert all(not page.get("/Annots") for page in printed_reader.pages)


def test_every_file_passes_qpdf_and_poppler(made):
    assert shutil.which("qpdf"), "qpdf is required for the tests: sudo apt-get install qpdf"
    for pair in made.values():
        for path in pair:
            result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
            assert result.returncode == 0, (path.name, result.stdout[-500:], result.stderr[-500:])
            assert_poppler_clean(path, path.name)


def test_only_bundled_fonts_and_the_titles_are_the_persons(made):
    ours = fonts.identities()
    for stem, (screen, printed) in made.items():
        for path in (screen, printed):
            embedded = proof.embedded_fonts(path.read_bytes())
            assert embedded and all(ident in ours for ident in embedded.values()), path.name
            title = PdfReader(path).metadata.title
            assert title == f"Ledelse når det er bedst – til {FILES[stem][0]}"


def test_the_print_booklets_are_pdfx_and_pass_the_preflight(made):
    _, printed = made["soeren-oe-brien-x"]
    report = preflight.Report()
    preflight.check_file(printed.name, printed.read_bytes(), report)
    assert report.errors == [], report.errors
    data = printed.read_bytes()
    assert data.startswith(b"%PDF-1.6")
    assert b"xmp.did:00000000-0000-0000-0000-000000000000" not in data  # sealed
    reader = PdfReader(printed)
    assert reader.metadata["/GTS_PDFXVersion"] == "PDF/X-4"
    for page in reader.pages:
        trim, bleed = page.trimbox, page.bleedbox
        assert round(float(trim.left) - float(bleed.left), 1) == round(3 * 72 / 25.4, 1)


# --- Bad rosters: one line each, exit 1, nothing written ----------------------------------------


def test_every_bad_row_is_its_line_and_nothing_is_written(tmp_path, capsys):
    project = _project(tmp_path / "project")
    rows = [
        ("Anne Hansen", "Hjemmeplejen", "11.01.2027", "Mette Holm"),
        ("", "IT", "2027-01-11", "Bo"),  # row 3: no name
        ("Bo Berg", "IT", "31.02.2027", "Bo"),  # row 4: no such date
        ("Ida Lund", "IT", "i morgen", "Bo"),  # row 5: not a date
        ("anne  hansen", "hjemmeplejen", "2027-03-01", "Bo"),  # row 6: the same person as row 2
        ("Bad\x07Bell", "IT", "2027-01-11", "Bo"),  # row 7: a control character
        ("Mads Kjær", "IT", "", "Bo"),  # row 8: no date
    ]
    code, out, err = _run(project, _roster(tmp_path / "hold.csv", rows), capsys)
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "hold.csv: A3: 'Navn' is empty: every row needs a name",
        "hold.csv: C4: 'Startdato' is not a date ('31.02.2027'): write it as 2027-01-11 or 11.01.2027",
        "hold.csv: C5: 'Startdato' is not a date ('i morgen'): write it as 2027-01-11 or 11.01.2027",
        "hold.csv: A6: the same person as row 2 (the same name and unit): a person has one row; "
        "two people of the same name need their units",
        "hold.csv: A7: 'Navn' holds the control character U+0007, which cannot be printed: remove it",
        "hold.csv: C8: 'Startdato' is empty: every row needs a start date: write it as 2027-01-11 "
        "or 11.01.2027",
    ]
    assert not (project / "dist").exists()


def test_a_missing_column_is_named(tmp_path, capsys):
    project = _project(tmp_path / "project")
    path = _roster(tmp_path / "r.csv", [("A", "B", "2027-01-11")], ("Navn", "Enhed", "Start"))
    code, _, err = _run(project, path, capsys)
    assert code == 1
    assert err.splitlines() == ["r.csv: 1: no column Leder / Manager in the first row"]
    assert not (project / "dist").exists()


def test_a_charter_without_onboarding_is_one_line(tmp_path, capsys, monkeypatch):
    project = _project(tmp_path / "project", SOURCES / "gladsaxe.yaml")
    path = _roster(tmp_path / "r.csv", ROWS[:1])
    monkeypatch.chdir(project)
    code = main(["onboard", "gladsaxe", "--roster", str(path)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.splitlines() == [
        "sources/gladsaxe.yaml: has no 'onboarding:' part (a welcome letter and a first-90-days "
        "plan) to make onboarding booklets from: add one, see docs/source-format.md#onboarding"
    ]
    assert not (project / "dist").exists()


def test_an_xlsx_roster_with_date_cells_and_a_bad_cell_named_by_sheet(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Nye ledere"
    sheet.append(["Name", "Unit", "Start date", "Manager", "Notes"])
    sheet.append(["Anne Hansen", "Hjemmeplejen", dt.datetime(2027, 1, 11), "Mette Holm", "x"])
    sheet.append(["Bo Berg", "IT", dt.date(2027, 2, 1), None, None])
    book.save(tmp_path / "good.xlsx")
    people = roster.read(tmp_path / "good.xlsx")
    assert [(p.name, p.start, p.manager, p.stem) for p in people] == [
        ("Anne Hansen", dt.date(2027, 1, 11), "Mette Holm", "anne-hansen"),
        ("Bo Berg", dt.date(2027, 2, 1), "", "bo-berg"),
    ]
    sheet.append(["Ida Lund", "IT", "next week", "Bo"])
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(SourceError) as error:
        roster.read(tmp_path / "bad.xlsx")
    assert [str(p) for p in error.value.problems] == [
        "bad.xlsx: 'Nye ledere'!C4: 'Start date' is not a date ('next week'): write it as "
        "2027-01-11 or 11.01.2027"
    ]


def test_a_danish_excel_csv_in_windows_1252_with_semicolons(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(
        "Navn;Enhed;Startdato;Nærmeste leder\r\nSøren Ås;Løn;1.2.2027;Åse\r\n".encode("cp1252")
    )
    [person] = roster.read(path)
    assert (person.name, person.unit, person.start, person.manager, person.stem) == (
        "Søren Ås", "Løn", dt.date(2027, 2, 1), "Åse", "soeren-aas",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2027-01-11", dt.date(2027, 1, 11)),
        ("11.01.2027", dt.date(2027, 1, 11)),
        ("11-1-2027", dt.date(2027, 1, 11)),
        ("11/01/2027", dt.date(2027, 1, 11)),
        ("11. januar 2027", dt.date(2027, 1, 11)),
        ("11 January 2027", dt.date(2027, 1, 11)),
        ("2027-01-11 00:00:00", dt.date(2027, 1, 11)),
        ("13/13/2027", None),
        ("2027", None),
        ("11. jan", None),
    ],
)
def test_dates_a_roster_may_hold(text, day):
    assert roster.parse_date(text) == day


def test_file_names_are_safe_and_unique():
    def person(name, unit=""):
        return roster.Person(2, name, unit, dt.date(2027, 1, 1), "")

    people = roster.unique_stems(
        [person("Anne Hansen", "A"), person("Anne Hansen", "B"), person("Anne Hansen"),
         person("Søren Ø'Brien/../x"), person("X"), person("X Print"), person("ÆØÅ æøå"),
         person("../../etc/passwd"), person("<>"), person("Zoë Brontë-Łukasz")]
    )  # fmt: skip
    assert [p.stem for p in people] == [
        "anne-hansen-a", "anne-hansen-b", "anne-hansen", "soeren-oe-brien-x", "x", "x-print-2",
        "aeoeaa-aeoeaa", "etc-passwd", "person", "zoe-bronte-lukasz",
    ]  # fmt: skip
    names = [f for p in people for f in p.files]
    assert len(names) == len(set(names))


# --- The source's onboarding part ----------------------------------------------------------------


def _check(text: str) -> list[str]:
    loaded, problems = parse(RawSource("sources/x.yaml", "x", text.encode("utf-8")))
    assert loaded is not None, problems
    _, problems = validate(loaded, "sources/x.yaml")
    return [str(p) for p in problems]


def test_bad_onboarding_parts_are_located_lines():
    text = (SOURCES / "glostrup.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "      sections: [rollen]\n      cards: [3, 6]",
        "      sections: [rolen]\n      cards: [3, 40]",
    )
    text = text.replace("    - week: 4\n", "    - week: 4\n      day: 3\n")
    text = text.replace("    - week: 6\n", "    - week: tre\n")
    text = text.replace("    - week: 9\n", "    - week: 0\n")
    lines = text.splitlines()
    at = {key: next(i for i, line in enumerate(lines, 1) if key in line)
          for key in ("[rolen]", "day: 3", "week: tre", "week: 0")}  # fmt: skip
    assert _check(text) == [
        f"sources/x.yaml:{at['[rolen]']}:18: onboarding.plan[2].sections[0]: no chapter with the id "
        "'rolen' (did you mean 'rollen'?)",
        f"sources/x.yaml:{at['[rolen]'] + 1}:18: onboarding.plan[2].cards[1]: no card 40: the deck has "
        "34 cards (1 is the title card)",
        f"sources/x.yaml:{at['day: 3'] - 1}:7: onboarding.plan[3]: give exactly one of: week, day",
        f"sources/x.yaml:{at['week: tre']}:13: onboarding.plan[4].week: expected a whole number, got 'tre'",
        f"sources/x.yaml:{at['week: 0']}:13: onboarding.plan[5].week: must be at least 1, got the number 0",
    ]


def test_a_card_of_another_chapter_than_the_steps_is_a_located_line():
    """The deck's numbers move when a commitment is added before a card: a step that names a
    chapter and a card of another chapter says so (Glostrup's plan named card 2, the
    introduction's, for 'rollen' after its introduction got a card). Giving the card's chapter
    too makes it meant."""
    text = (SOURCES / "glostrup.yaml").read_text(encoding="utf-8")
    at = text.splitlines().index("      cards: [3, 6]") + 1
    moved = text.replace("      cards: [3, 6]", "      cards: [2, 6]")
    assert _check(moved) == [
        f"sources/x.yaml:{at}:15: onboarding.plan[2].cards[0]: card 2 is not a card of rollen "
        "(their cards are 3–8); give its chapter in sections too, if it is meant"
    ]
    both = moved.replace("      sections: [rollen]\n      cards: [2, 6]",
                         "      sections: [rollen, intro]\n      cards: [2, 6]")  # fmt: skip
    assert both != moved and _check(both) == []
    assert _check(text) == []


def test_an_onboarding_part_needs_its_letter_and_plan():
    text = (SOURCES / "gladsaxe.yaml").read_text(encoding="utf-8")
    problems = _check(text + "\nonboarding:\n  letter:\n    body: [Velkommen.]\n  plan: []\n")
    assert [p.split(": ", 1)[1] for p in problems] == [
        "onboarding.letter.signature: required",
        "onboarding.plan: must have at least 1 item(s)",
    ]


def test_adding_onboarding_changes_no_other_pdf_of_the_charter(tmp_path):
    """The booklet, its print files and the cards of a charter are the same bytes with and
    without an onboarding part: the booklet neither prints it nor takes names from it."""
    text = (SOURCES / "glostrup.yaml").read_text(encoding="utf-8")
    assert "\nonboarding:" in text
    without = tmp_path / "glostrup.yaml"
    without.write_text(text[: text.index("\n# Onboarding:")] + "\n", encoding="utf-8")
    assert "onboarding:" not in without.read_text(encoding="utf-8")
    old = products_of(without, "booklet", "cards")
    new = products_of(SOURCES / "glostrup.yaml", "booklet", "cards")
    pdfs = sorted(n for n in new if n.endswith(".pdf"))
    assert pdfs == sorted(n for n in old if n.endswith(".pdf")) and len(pdfs) >= 6
    for name in pdfs:
        assert new[name].data == old[name].data, name


def test_a_short_plan_is_padded_with_notes_pages_in_print_only(tmp_path, capsys):
    """One step: cover, letter and plan are three pages; the print file adds a ruled notes
    page (laid out once, repeated), so the charter starts on a new sheet."""
    text = (SOURCES / "glostrup.yaml").read_text(encoding="utf-8")
    head, plan = text.split("  plan:\n", 1)
    one = "  plan:\n    - week: 3\n      do: Mød de andre nye ledere.\n"
    project = tmp_path / "project"
    (project / "sources").mkdir(parents=True)
    (project / "sources" / "glostrup.yaml").write_text(head + one, encoding="utf-8")
    path = _roster(tmp_path / "r.csv", ROWS[:2])
    code, _, err = _run(project, path, capsys)
    assert code == 0, err
    folder = project / "dist" / "glostrup" / "onboarding"
    for stem in ("anne-hansen-hjemmeplejen", "anne-hansen-skoleomraadet"):
        screen = PdfReader(folder / f"{stem}.pdf")
        printed = PdfReader(folder / f"{stem}-print.pdf")
        assert screen.page_labels[:4] == ["i", "ii", "iii", "1"]
        assert printed.page_labels[:5] == ["i", "ii", "iii", "iv", "1"]
        assert "NOTER" in printed.pages[3].extract_text().upper()
        assert "NOTER" not in " ".join(p.extract_text() for p in screen.pages[:3]).upper()
        assert len(printed.pages) % 4 == 0
    assert "Uge 3" in PdfReader(folder / "anne-hansen-hjemmeplejen.pdf").pages[2].extract_text()


def test_the_same_roster_makes_the_same_bytes(made, tmp_path, capsys):
    project = _project(tmp_path / "project")
    path = _roster(tmp_path / "roster.csv", ROWS)
    code, _, err = _run(project, path, capsys)
    assert code == 0, err
    for screen, printed in made.values():
        again = project / "dist" / "glostrup" / "onboarding"
        assert (again / screen.name).read_bytes() == screen.read_bytes(), screen.name
        assert (again / printed.name).read_bytes() == printed.read_bytes(), printed.name
