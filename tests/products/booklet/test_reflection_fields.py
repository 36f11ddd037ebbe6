"""My reflections on screen: a form field to type each answer into; in print, rules to write on.

Read from the built PDFs with pypdf (and pdfplumber for the rules): the screen booklet (PDF/UA)
holds one multi-line text field per question, named after the question, its tooltip the question,
tagged /Form right after the question, typed in a bundled font embedded whole, cut first to what a
reader may type (every Latin letter, and the charter's own script); the print and
imposed booklets hold no field and no annotation, and still their rules.
"""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from charterpress.errors import BuildError
from charterpress.layout import fonts, proof, render, templates
from charterpress.products.booklet import context as booklet_context
from charterpress.products.booklet import handbook
from charterpress.values import Options
from fontTools.ttLib import TTFont
from pypdf.generic import ArrayObject, DictionaryObject
from support import DATA, SHIPPED_SLUGS, SOURCES, load, pdfua_reports, products_of

MM = 72 / 25.4
MULTILINE = 1 << 12
"""Ff bit 13: a multi-line text field."""
ENGLISH = DATA / "booklet-english.yaml"
PATHS = [SOURCES / f"{slug}.yaml" for slug in SHIPPED_SLUGS] + [ENGLISH]


def booklets(path: Path) -> dict[str, bytes]:
    """Return {'screen' | 'print' | 'imposed': the PDF's bytes} of a source (built once per session)."""
    made = products_of(path, "booklet")
    slug = path.stem
    return {
        "screen": made[f"{slug}-booklet.pdf"].data,
        "print": made[f"{slug}-booklet-print.pdf"].data,
        "imposed": made[f"{slug}-booklet-imposed.pdf"].data,
    }


def questions(path: Path) -> list[str]:
    """Return every card's question, in the order My reflections lists them: the dialogue
    cards', then the reflection cards' (the charter's own questions)."""
    charter = load(path).charter
    labels = templates.labels(charter.meta.language)
    groups = charter.reflection.groups if charter.reflection else ()
    return [
        c.question
        for chapter in booklet_context.chapters(charter, labels)
        for c in chapter.section.commitments
    ] + [q.text for group in groups for q in group.questions]


def widgets(reader: pypdf.PdfReader) -> list[tuple[int, DictionaryObject]]:
    """Return (page index, annotation) of every widget annotation, page by page."""
    return [
        (index, annot.get_object())
        for index, page in enumerate(reader.pages)
        for annot in page.get("/Annots", []) or []
        if annot.get_object().get("/Subtype") == "/Widget"
    ]


def reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def da_font(pdf: pypdf.PdfReader, field: DictionaryObject) -> DictionaryObject:
    """Return the font a field's DA names ('… /NAME 10 Tf'), from the AcroForm's resources."""
    operands = str(field["/DA"]).split(" Tf")[0].split()
    return pdf.trailer["/Root"]["/AcroForm"]["/DR"]["/Font"][operands[-2]].get_object()


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_the_screen_booklet_has_a_multiline_text_field_per_question(path: Path) -> None:
    screen = reader(booklets(path)["screen"])
    asked = questions(path)
    found = widgets(screen)
    assert len(found) == len(asked) > 0
    for number, ((_, field), question) in enumerate(zip(found, asked, strict=True), 1):
        assert field["/FT"] == "/Tx"
        assert int(field["/Ff"]) & MULTILINE
        assert field["/T"] == f"{booklet_context.QUESTION_PREFIX}{number}"  # unique, stable, in order
        assert field["/TU"] == question  # what a screen reader announces; no soft hyphens
        assert field["/V"] == ""
    fields = screen.trailer["/Root"]["/AcroForm"]["/Fields"]
    assert [f.get_object()["/T"] for f in fields] == [w["/T"] for _, w in found]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_a_field_takes_the_room_of_the_rules_it_replaces(path: Path) -> None:
    """On screen each field's box stands where print draws its question's rules, as wide and as
    high: one page for the other, the same offset from every box to its rules."""
    made = booklets(path)
    fields = widgets(reader(made["screen"]))
    offsets = []
    counts: set[int] = set()
    with pdfplumber.open(io.BytesIO(made["print"])) as printed:
        for index in sorted({i for i, _ in fields}):
            rules = sorted(
                (r["top"], r["bottom"])
                for r in printed.pages[index].rects  # a rule is drawn as two rectangles
                if abs(r["height"] - 8 * MM) < 0.3 * MM and r["width"] > 100 * MM
            )
            blocks: list[list[tuple[float, float]]] = []
            for rule in rules:
                if blocks and rule[0] - blocks[-1][-1][0] < 8.5 * MM:
                    blocks[-1].append(rule)
                else:
                    blocks.append([rule])
            here = [f for i, f in fields if i == index]
            assert len(blocks) == len(here), index  # the print page holds the same questions
            for block, field in zip(blocks, here, strict=True):
                counts.add(len(block) // 2)  # one number of rules a booklet (fewer_rules)
                x0, y0, x1, y1 = (float(v) for v in field["/Rect"])
                # the field's box: its rectangle, 1.5 × 2 mm of padding, a 0.75 pt underline
                top = 210 * MM - max(y0, y1) - 1.5 * MM
                height = abs(y1 - y0) + 3 * MM + 0.75
                ruled = max(b for _, b in block) - block[0][0]
                assert abs(height - ruled) < 0.3 * MM, (index, height / MM, ruled / MM)
                column = booklet_context.text_mm(load(path).charter.theme.name)  # the theme's measure
                assert abs(abs(x1 - x0) + 4 * MM - column * MM) < 0.3 * MM
                offsets.append(block[0][0] - top)
    assert fields and max(offsets) - min(offsets) < 0.3 * MM, [o / MM for o in offsets]
    [rules] = counts
    assert handbook.RULES_LEAST <= rules <= handbook.MINE_RULES


def _rules(printed: bytes) -> list[int]:
    """Return the rules drawn on each page of a print booklet (a rule: two 8 mm rectangles)."""
    with pdfplumber.open(io.BytesIO(printed)) as pdf:
        return [
            sum(1 for r in page.rects if abs(r["height"] - 8 * MM) < 0.3 * MM and r["width"] > 100 * MM)
            // 2
            for page in pdf.pages
        ]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_the_questions_give_up_rules_only_where_that_saves_a_sheet(path: Path) -> None:
    """Padded with notes pages, a print booklet has room to write beyond the rules: its questions
    then have fewer (down to RULES_LEAST), if the booklet so takes fewer sheets of four pages.
    Where fewer, the booklet still ends on a notes page, and one rule more a question would have
    taken a sheet more (laid out again)."""
    made = booklets(path)
    printed = reader(made["print"])
    per_page = _rules(made["print"])
    questions = len(widgets(reader(made["screen"])))
    drawn = sum(per_page)
    assert drawn % questions == 0, (drawn, questions)
    rules = drawn // questions
    pages = len(printed.pages)
    assert pages % 4 == 0
    if rules == handbook.MINE_RULES:
        return
    source = load(path)
    screen, fit = handbook.render_screen(source)
    assert fit.rules == rules and len(screen.pages) < pages  # a notes page or more is left
    more = handbook.render_booklet(
        source, "screen", 0, handbook.replace(fit, rules=rules + 1, turns=frozenset())
    )
    assert handbook.sheets(len(more.pages)) > pages // 4, (len(more.pages), pages)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_every_field_is_tagged_as_a_form_right_after_its_question(path: Path) -> None:
    screen = reader(booklets(path)["screen"])
    root = screen.trailer["/Root"]["/StructTreeRoot"]
    forms: list[str] = []

    def kids(node: DictionaryObject) -> list:
        k = node.get("/K")
        k = k.get_object() if hasattr(k, "get_object") else k
        return list(k) if isinstance(k, ArrayObject) else [] if k is None else [k]

    def visit(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if not isinstance(node, DictionaryObject):
            return
        children = [k.get_object() if hasattr(k, "get_object") else k for k in kids(node)]
        for at, child in enumerate(children):
            if not isinstance(child, DictionaryObject) or child.get("/S") is None:
                continue
            form = next(
                (g.get_object() for g in kids(child)
                 if isinstance(g.get_object(), DictionaryObject) and g.get_object().get("/S") == "/Form"),
                None,
            )  # fmt: skip
            if form is not None:
                # The question's paragraph comes right before the field's element.
                before = [c for c in children[:at] if isinstance(c, DictionaryObject)]
                assert before and before[-1]["/S"] == "/P", node.get("/S")
                [objr] = [k.get_object() for k in kids(form)]
                assert objr["/Type"] == "/OBJR"
                widget = objr["/Obj"].get_object()
                assert widget["/Subtype"] == "/Widget"
                # the parent tree leads from the widget back to its /Form element
                nums = root["/ParentTree"].get_object()["/Nums"]
                tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
                value = tree[int(widget["/StructParent"])].get_object()
                assert value.indirect_reference.idnum == form.indirect_reference.idnum
                forms.append(str(widget["/T"]))
            visit(child)

    visit(root)
    assert forms == [str(w["/T"]) for _, w in widgets(screen)]
    assert len(forms) == len(questions(path))


def test_what_is_typed_is_drawn_in_a_bundled_font_embedded_whole() -> None:
    """The field's DA names a font of the AcroForm's resources: the theme's field font, every
    letter of it a reader may type (``fonts.TYPING``), and no more."""
    for path in (SOURCES / f"{SHIPPED_SLUGS[0]}.yaml", ENGLISH):
        screen = reader(booklets(path)["screen"])
        found = {
            da_font(screen, w).indirect_reference.idnum: da_font(screen, w)
            for _, w in widgets(screen)
        }
        assert len(found) == 1
        [font] = found.values()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        program = next(
            descriptor[k] for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor
        )
        data = program.get_object().get_data()
        assert fonts.embedded_identity(data) in fonts.identities()
        theme = templates.look(load(path).charter.theme.name)
        bundled = next(
            p
            for p in fonts.font_files(fonts.folders())
            if p.as_posix().endswith(theme["field"]["font"])
        )
        # not the page's subset: any letter can be typed; not the whole font: a quarter of it
        typing = {p for low, high in fonts.TYPING for p in range(low, high + 1)}
        with TTFont(bundled) as whole, TTFont(io.BytesIO(data)) as cut:
            assert set(cut.getBestCmap()) == set(whole.getBestCmap()) & typing
        assert len(data) < bundled.stat().st_size / 2


def test_a_charter_in_another_script_can_type_its_script(monkeypatch) -> None:
    """The field font keeps the blocks of every script the charter writes, whole."""
    assert fonts.typing_query("Ærø, Łódź, Việt – “quotes” …") == "typing"
    assert fonts.typing_query("Лидерство и Ελλάδα") == "typing=380,400"
    assert fonts.parse_typing("typing=380,400") == (0x380, 0x400)
    assert fonts.parse_typing("typing") == ()
    assert fonts.parse_typing("typing=zz") is None and fonts.parse_typing("size=3") is None
    charis = next(p for p in fonts.font_files(fonts.folders()) if p.name == "CharisSIL-Regular.ttf")
    with TTFont(io.BytesIO(fonts.for_typing(charis.read_bytes(), (0x400,)))) as cut:
        cmap = cut.getBestCmap()
    assert all(ord(c) in cmap for c in "Лидерствоёж") and ord("λ") not in cmap
    cuts = set()
    for epoch in ("0", "1700000000"):  # fontTools' clock, were it stamped into the head table
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        cuts.add(fonts.for_typing.__wrapped__(charis.read_bytes(), (0x400,)))
    assert len(cuts) == 1  # the same font cut at two times: the same bytes


def test_a_field_typed_in_a_font_of_the_machine_stops_the_build() -> None:
    """A layout that sets a field in a host font is caught as any text in one: the DA font is
    embedded with the page's fonts, where the build's font proof looks."""
    html = (
        '<html lang="en"><title>x</title><textarea name="q" title="Why?" '
        'style="appearance: auto; font-family: DejaVu Sans"></textarea></html>'
    )
    with render.fonts_embedded() as embedded:
        pdf = render.to_pdf(render.to_document(html), variant="pdf/ua-1")
    [(_, field)] = widgets(reader(pdf))
    assert "DejaVu-Sans" in str(da_font(reader(pdf), field)["/BaseFont"])
    ours = fonts.identities()
    assert any(fonts.embedded_identity(program) not in ours for program in embedded)
    with pytest.raises(BuildError, match="not bundled in assets/fonts/"):
        proof.check_fonts(load(ENGLISH), "x.pdf", pdf)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_print_and_imposed_booklets_have_no_field_and_keep_their_rules(path: Path) -> None:
    made = booklets(path)
    for kind in ("print", "imposed"):
        pdf = reader(made[kind])
        assert "/AcroForm" not in pdf.trailer["/Root"], kind
        assert all(not page.get("/Annots") for page in pdf.pages), kind
    html = handbook.booklet_html(load(path), "print")
    assert "<textarea" not in html
    assert html.count('class="rule-line"') == handbook.MINE_RULES * len(questions(path))
    screen = handbook.booklet_html(load(path), "screen")
    assert 'class="rule-line"' not in screen
    assert screen.count("<textarea") == len(questions(path))


def test_the_screen_booklet_with_its_fields_passes_pdfua(tmp_path: Path) -> None:
    files = []
    for path in (SOURCES / f"{SHIPPED_SLUGS[0]}.yaml", ENGLISH):
        data = booklets(path)["screen"]
        assert widgets(reader(data)), path.stem  # the fields are there to be checked
        files.append(tmp_path / f"{path.stem}.pdf")
        files[-1].write_bytes(data)
    for report in pdfua_reports(files):
        assert report["findings"] == [], (report["file"], report["findings"])
        assert report["summary"]["rules_run"] >= 10


def test_two_builds_of_the_screen_booklet_are_byte_identical() -> None:
    source = load(ENGLISH)
    options = Options(products=("booklet",))
    first, second = (handbook.make(source, options)[0] for _ in range(2))
    assert first.name == "booklet-english-booklet.pdf"
    assert widgets(reader(first.data))
    assert first.data == second.data
