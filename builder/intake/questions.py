"""`charterpress questions export SLUG FILE` and `questions import FILE`: questions in a spreadsheet.

The people who write reflection questions work in Excel. ``export`` writes one row per card
(its number, its section, the commitment as the card shows it, the question, an empty column
for notes, and the field it comes from) to ``.xlsx`` (openpyxl) or ``.csv``. ``import`` checks
every row, then writes the questions back into ``sources/SLUG.yaml`` by replacing exactly the
question's own text in the file (or adding one line where a commitment has none): comments,
order, folding and every other byte stay as they were.

Every bad row is one located line naming the sheet and the cell: ``questions.xlsx: Kort!D7: a
question must end with '?'`` (a CSV's cells are named the same way, the sheet being the file).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import Problem, SourceError, UsageError

COLUMNS = ("col_number", "col_section", "col_commitment", "col_question", "col_notes", "col_field")
"""The columns, as label keys (layouts/labels/LANG.yaml): A number … F the field."""
FIELD = re.compile(
    r"^([a-z0-9]+(?:-[a-z0-9]+)*):((?:sections\[\d+\]|organisation)\.body\[\d+\]\.commitments\[\d+\])$"
)


@dataclass(frozen=True)
class Row:
    """One card of a charter as the sheet shows it."""

    number: int
    section: str
    commitment: str
    question: str
    field: str  # 'slug:sections[0].body[1].commitments[2]'


def _source(slug: str, sources: Path):
    from ..source.draft import drafting
    from ..source.load import read_source
    from ..source.schema import validate_source

    path = sources / f"{slug}.yaml"
    if not path.is_file():
        raise UsageError(Problem(str(path), None, None, "", "no such charter source"))
    raw = read_source(path)
    with drafting():  # questions may be missing: that is what the sheet is for
        source, problems = validate_source(raw)
    if source is None:
        raise SourceError(problems)
    return raw, source


def rows(source) -> list[Row]:
    """Return one row per commitment card, numbered as the deck numbers them (title card 1)."""
    charter = source.charter
    parts = [(f"sections[{i}]", s) for i, s in enumerate(charter.sections)]
    if charter.organisation:
        parts.append(("organisation", charter.organisation))
    out: list[Row] = []
    for prefix, section in parts:
        for i, block in section.lists:
            for j, commitment in enumerate(block.commitments or ()):
                out.append(
                    Row(
                        number=len(out) + 2,
                        section=section.label,
                        commitment=commitment.front,
                        question=commitment.question or "",
                        field=f"{source.slug}:{prefix}.body[{i}].commitments[{j}]",
                    )
                )
    return out


def _words(language: str) -> dict[str, str]:
    from ..layout.templates import labels

    found = labels(language)
    return {key: str(found[key]) for key in (*COLUMNS, "sheet_cards")}


def export(slug: str, target: Path, sources: Path) -> Path:
    """Write the questions of ``sources/SLUG.yaml`` to ``target`` (.xlsx or .csv)."""
    from ..output.write import write_atomic

    _, source = _source(slug, sources)
    words = _words(source.charter.meta.language)
    header = [words[key] for key in COLUMNS]
    table = [[r.number, r.section, r.commitment, r.question, "", r.field] for r in rows(source)]
    suffix = target.suffix.lower()
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerows([header, *table])
        write_atomic(target, buffer.getvalue().encode("utf-8-sig"))  # Excel opens UTF-8 with a BOM
    elif suffix == ".xlsx":
        write_atomic(target, _workbook(words, header, table))
    else:
        raise UsageError(Problem(str(target), None, None, "", "write .xlsx or .csv"))
    return target


def _workbook(words: dict[str, str], header: list[str], table: list[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = words["sheet_cards"]
    sheet.append(header)
    for row in table:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
    for column, width in zip("ABCDEF", (6, 24, 60, 60, 30, 40), strict=True):
        sheet.column_dimensions[column].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = wrap
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Import -----------------------------------------------------------------------------------


def _read_table(path: Path) -> tuple[str, list[list[str]]]:
    """Return the sheet's name and its rows as text (row 1 the header)."""
    if path.suffix.lower() == ".csv":
        text = path.read_bytes().decode("utf-8-sig")
        return path.name, [list(r) for r in csv.reader(io.StringIO(text))]
    if path.suffix.lower() != ".xlsx":
        raise UsageError(Problem(str(path), None, None, "", "read .xlsx or .csv"))
    title, rows = first_sheet(path)
    return title, [["" if v is None else str(v) for v in row] for row in rows]


def first_sheet(path: Path) -> tuple[str, list[list[object]]]:
    """Return the name and the rows (cell values as openpyxl reads them) of a .xlsx file's first
    sheet; a file openpyxl cannot read is one line. The questions and the roster read it."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise SourceError(
            Problem(path.name, None, None, "", f"not a spreadsheet openpyxl can read ({error})")
        ) from None
    sheet = book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return sheet.title, rows


def import_questions(path: Path, sources: Path) -> list[Path]:
    """Check every row of a questions sheet, then write its questions into the sources."""
    from ..output.write import write_atomic

    if not path.is_file():
        raise UsageError(Problem(str(path), None, None, "", "no such file"))
    sheet, table = _read_table(path)
    name = path.name
    problems: list[Problem] = []

    def bad(column: str, row: int, message: str) -> None:
        problems.append(Problem(name, None, None, f"{_sheet_ref(sheet)}!{column}{row}", message))

    wanted: dict[str, dict[str, tuple[int, str]]] = {}  # slug -> field -> (row, question)
    seen: dict[str, int] = {}
    charters: dict[str, tuple] = {}
    for number, cells in enumerate(table[1:], start=2):
        cells = [*cells, *[""] * (6 - len(cells))]
        if not any(c.strip() for c in cells):
            continue
        field = cells[5].strip()
        match = FIELD.match(field)
        if not match:
            bad("F", number, f"'{field}' names no card (the column must keep what export wrote)")
            continue
        slug, where = match[1], match[2]
        if field in seen:
            bad("F", number, f"the same card as row {seen[field]}: a card has one row")
            continue
        seen[field] = number
        if slug not in charters:
            try:
                charters[slug] = _source(slug, sources)
            except (SourceError, UsageError) as error:
                problems.extend(error.problems)
                charters[slug] = (None, None)
        raw, source = charters[slug]
        if source is None:
            continue
        card = {r.field: r for r in rows(source)}.get(field)
        if card is None:
            bad("F", number, f"no card {where} in {raw.name}")
            continue
        if " ".join(cells[2].split()) != " ".join(card.commitment.split()):
            bad(
                "C",
                number,
                f"the commitment's text was changed (card {card.number}); change it in {raw.name}, the sheet changes questions only",
            )
            continue
        question = " ".join(cells[3].split())
        if not question:
            continue  # an empty cell leaves the question as it is
        if not question.endswith("?"):
            bad("D", number, "a question must end with '?'")
            continue
        if question != card.question:
            wanted.setdefault(slug, {})[where] = (number, question)
    if problems:
        raise SourceError(problems)
    written: list[Path] = []
    for slug, changes in wanted.items():
        raw, _ = charters[slug]
        text = raw.data.decode("utf-8-sig")
        new = set_questions(text, {where: q for where, (_, q) in changes.items()})
        _prove(raw, new)
        path_ = (raw.folder or sources) / f"{slug}.yaml"
        bom = "\ufeff" if raw.data.startswith(b"\xef\xbb\xbf") else ""
        write_atomic(path_, (bom + new).encode("utf-8"))
        written.append(Path(raw.name))
    return written


def _sheet_ref(sheet: str) -> str:
    return sheet if re.fullmatch(r"\w+", sheet) else "'" + sheet.replace("'", "''") + "'"


def _prove(raw, text: str) -> None:
    """Refuse to write a source that the edit made invalid (a bug of ours, never the user's)."""
    import dataclasses

    from ..source.draft import drafting
    from ..source.schema import validate_source

    with drafting():
        source, problems = validate_source(dataclasses.replace(raw, data=text.encode("utf-8")))
    if source is None:
        raise SourceError(problems)


# --- Editing the YAML text in place -------------------------------------------------------------


def _scalar(text: str) -> str:
    """Return a question as a YAML scalar on one line: plain where YAML reads it back as
    written, else double-quoted (JSON escapes are valid YAML)."""
    plain = (
        not re.search(r"(:\s)|(\s#)|[\n\t]|^[\s\-?:,\[\]{}#&*!|>'\"%@`]|\s$|:$", text)
        and yaml.safe_load(text) == text
    )
    return text if plain else json.dumps(text, ensure_ascii=False)


def set_questions(text: str, questions: dict[str, str]) -> str:
    """Return the YAML text with the questions of the given commitments set, nothing else moved.

    ``questions`` maps a commitment's field path (``sections[0].body[1].commitments[2]``) to
    its new question. An existing question's scalar (plain, quoted or folded over several
    lines) is replaced where it stands; a commitment without one gets a ``question:`` line
    after its last value, at the indent of its keys.
    """
    root = yaml.compose(text)
    edits: list[tuple[int, int, str]] = []
    for where, question in questions.items():
        node = _node(root, where)
        value = None
        for key, child in node.value:
            if key.value == "question":
                value = child
        if value is not None:
            start, end = value.start_mark.index, value.end_mark.index
            if value.style in (">", "|"):
                # a block scalar ends at the next line's start: keep that line break
                end = text.rindex("\n", start, end) if "\n" in text[start:end] else end
                while end > start and text[end - 1] in " \n":
                    end -= 1
            edits.append((start, end, _scalar(question)))
        else:
            last = node.value[-1][1]
            end = last.end_mark.index
            if last.end_mark.column != 0:
                end = text.find("\n", end)
                end = len(text) if end < 0 else end + 1
            else:
                while end > 0 and text[end - 1] == "\n" and text[end - 2 : end] == "\n\n":
                    end -= 1  # before blank lines after the commitment
            indent = " " * node.value[0][0].start_mark.column
            line = f"{indent}question: {_scalar(question)}\n"
            if end > 0 and text[end - 1] != "\n":
                line = "\n" + line
            edits.append((end, end, line))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _node(root, where: str):
    """Return the YAML node at a field path like ``sections[0].body[1].commitments[2]``."""
    node = root
    for part in re.findall(r"[a-z_]+|\[\d+\]", where):
        if part.startswith("["):
            node = node.value[int(part[1:-1])]
        else:
            node = next(v for k, v in node.value if k.value == part)
    return node


# --- Command line -------------------------------------------------------------------------------


def add_parser(sub) -> object:
    """Add `charterpress questions export|import` to the command line; return the parser."""
    parser = sub.add_parser(
        "questions",
        help="the cards' questions in a spreadsheet: export them, import them back",
        description="export SLUG FILE.xlsx|FILE.csv writes one row per card (number, section, "
        "commitment, question, notes); import FILE writes the questions back into "
        "sources/SLUG.yaml, changing nothing else in the file, after checking every row.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    exporting = actions.add_parser(
        "export", help="write the questions of a charter to .xlsx or .csv"
    )
    exporting.add_argument("slug", metavar="SLUG", help="the charter (sources/SLUG.yaml)")
    exporting.add_argument(
        "file", type=Path, metavar="FILE", help="the spreadsheet to write (.xlsx or .csv)"
    )
    importing = actions.add_parser(
        "import", help="write a spreadsheet's questions into the sources"
    )
    importing.add_argument(
        "file", type=Path, metavar="FILE", help="the spreadsheet (.xlsx or .csv)"
    )
    return parser, (exporting, importing)


def run(args) -> int:
    """Run `charterpress questions …` with parsed arguments; return the exit code."""
    if args.action == "export":
        path = export(args.slug, args.file, args.sources_dir)
        if not args.quiet:
            print(path)
        return 0
    for path in import_questions(args.file, args.sources_dir):
        if not args.quiet:
            print(path)
    return 0
