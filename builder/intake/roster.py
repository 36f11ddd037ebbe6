"""The roster of `charterpress onboard`: who starts, in which unit, on which day, with which manager.

A roster is a spreadsheet (``.xlsx``, read with openpyxl) or a ``.csv`` (UTF-8, or Windows-1252 as
a Danish Excel saves it; comma, semicolon or tab between the cells). Its first row names the
columns, in Danish or English (``Navn``/``Name``, ``Enhed``/``Unit``, ``Startdato``/``Start date``,
``Leder``/``Manager``, and a few other common words, see ``HEADERS``); other columns are allowed
and ignored. Every row is checked before anything is made, and each bad row is one line naming
the file and the cell, as ``questions import`` names them::

    roster.csv: C4: 'Startdato' is not a date ('11/13/2027'): write it as 2027-01-11 or 11.01.2027

A person's name, unit and manager are untrusted text: printed exactly as written (the templates
escape them), with white space folded, and refused if they hold a control character or a
character that no bundled font has.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, SourceError, UsageError

FIELDS = ("name", "unit", "start", "manager")
"""The columns a roster must have, in the order the messages name them."""
HEADERS = {
    "name": ("navn", "name", "fulde navn", "full name", "medarbejder", "leder navn"),
    "unit": ("enhed", "unit", "afdeling", "department", "område", "team", "arbejdssted"),
    "start": (
        "startdato", "start date", "start", "første arbejdsdag", "first day", "tiltrædelse",
        "tiltrædelsesdato", "ansættelsesdato", "startdate",
    ),
    "manager": ("leder", "manager", "nærmeste leder", "chef", "nærmeste chef", "line manager"),
}  # fmt: skip
"""The header names each column is known by (compared case-folded, white space folded)."""
SAY = {"name": "Navn / Name", "unit": "Enhed / Unit", "start": "Startdato / Start date",
       "manager": "Leder / Manager"}  # fmt: skip
NAME_MAX = 80
"""The longest name (characters): it is the cover's title."""
TEXT_MAX = 120
"""The longest unit or manager."""
FILE_STEM_MAX = 60
YEARS = (2000, 2100)
MONTHS = {
    **{m: i for i, m in enumerate(("januar", "februar", "marts", "april", "maj", "juni", "juli",
       "august", "september", "oktober", "november", "december"), 1)},
    **{m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july",
       "august", "september", "october", "november", "december"), 1)},
}  # fmt: skip
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
NUMERIC_DATE = re.compile(r"(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})")
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
WORDED_DATE = re.compile(r"(\d{1,2})\.?\s+([^\W\d_]+)\.?\s+(\d{4})")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
"""Characters no name holds: C0 and C1 controls, zero-width and bidirectional controls."""
FOLD = {"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa", "ß": "ss", "ð": "d",
        "þ": "th", "ł": "l", "đ": "d", "œ": "oe", "Œ": "Oe", "Ł": "L", "Đ": "D", "Ð": "D",
        "Þ": "Th"}  # fmt: skip
"""Letters ASCII folding spells out (the rest lose their accents)."""
PRINT_SUFFIX = "-print"


@dataclass(frozen=True)
class Person:
    """One row of the roster, checked."""

    row: int
    """The row's number in the sheet (the header is row 1)."""
    name: str
    unit: str
    start: dt.date
    manager: str
    stem: str = ""
    """The person's file name without '.pdf' (safe, unique in the roster)."""

    @property
    def files(self) -> tuple[str, str]:
        """Return the person's two file names: the screen booklet, the print booklet."""
        return f"{self.stem}.pdf", f"{self.stem}{PRINT_SUFFIX}.pdf"


def fold(text: str) -> str:
    """Return ``text`` in ASCII: æ ø å as ae oe aa, other letters without their accents."""
    spelt = "".join(FOLD.get(c, c) for c in text)
    return unicodedata.normalize("NFKD", spelt).encode("ascii", "ignore").decode("ascii")


def file_stem(name: str) -> str:
    """Return a safe file name (no '.pdf') for a person: ASCII letters, digits and single '-'."""
    stem = re.sub(r"[^a-z0-9]+", "-", fold(name).lower()).strip("-")
    if len(stem) > FILE_STEM_MAX:
        stem = stem[:FILE_STEM_MAX].rsplit("-", 1)[0] or stem[:FILE_STEM_MAX]
    return stem or "person"


def unique_stems(people: list[Person]) -> list[Person]:
    """Give every person a file name of their own.

    Two people with the same name get their unit after it (``anne-hansen-hjemmeplejen``); any
    name still taken gets a number (``anne-hansen-2``). No file name of one person is a file name
    of another (``x-print.pdf`` is the print booklet of ``x``, so a person named 'X Print' gets
    ``x-print-2``).
    """
    stems = [file_stem(p.name) for p in people]
    counts: dict[str, int] = {}
    for stem in stems:
        counts[stem] = counts.get(stem, 0) + 1
    wanted = [
        f"{stem}-{file_stem(p.unit)}" if counts[stem] > 1 and p.unit else stem
        for stem, p in zip(stems, people, strict=True)
    ]
    taken: set[str] = set()
    out = []
    for person, stem in zip(people, wanted, strict=True):
        candidate, n = stem, 1
        while {candidate, candidate + PRINT_SUFFIX} & taken or _prints_of(candidate, taken):
            n += 1
            candidate = f"{stem}-{n}"
        taken |= {candidate, candidate + PRINT_SUFFIX}
        out.append(Person(person.row, person.name, person.unit, person.start, person.manager,
                          candidate))  # fmt: skip
    return out


def _prints_of(candidate: str, taken: set[str]) -> bool:
    return candidate.endswith(PRINT_SUFFIX) and candidate.removesuffix(PRINT_SUFFIX) in taken


# --- Reading ------------------------------------------------------------------------------------


def read_table(path: Path) -> tuple[str | None, list[list[object]]]:
    """Return the sheet's name (None for a CSV) and its rows; an .xlsx keeps its cells' values
    (a date cell is a date), a CSV gives text."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")  # a Danish Excel's "CSV (semikolon)"
        first = text.split("\n", 1)[0]
        delimiter = max((";", ",", "\t"), key=first.count)
        return None, [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    if suffix != ".xlsx":
        raise UsageError(Problem(str(path), None, None, "", "a roster is a .xlsx or a .csv file"))
    from .questions import first_sheet

    return first_sheet(path)


def _header_key(text: object) -> str:
    return " ".join(str(text or "").replace("\ufeff", "").split()).casefold().strip(" :*")


def columns(header: list[object]) -> tuple[dict[str, int], list[str]]:
    """Return {field: column index} from the header row, and what is missing or given twice."""
    found: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(header):
        key = _header_key(cell)
        for field_, names in HEADERS.items():
            if key in names:
                if field_ in found:
                    problems.append(
                        f"{letter(index)}1: a second column for {SAY[field_]} "
                        f"(the first is {letter(found[field_])}1): keep one"
                    )
                else:
                    found[field_] = index
    for field_ in FIELDS:
        if field_ not in found:
            problems.append(f"1: no column {SAY[field_]} in the first row")
    return found, problems


def letter(index: int) -> str:
    """Return a spreadsheet's column letter for a 0-based index (0: A, 26: AA)."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def parse_date(value: object) -> dt.date | None:
    """Return the date a cell holds (a date cell, ISO 2027-01-11, 11.01.2027, 11-1-2027,
    11/01/2027, 11. januar 2027), or None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = " ".join(value.split()).casefold()
    try:
        if match := ISO_DATE.fullmatch(text):
            year, month, day = (int(g) for g in match.groups())
        elif match := NUMERIC_DATE.fullmatch(text):
            day, month, year = (int(g) for g in match.groups())
        elif (match := WORDED_DATE.fullmatch(text)) and match[2] in MONTHS:
            day, month, year = int(match[1]), MONTHS[match[2]], int(match[3])
        else:
            return None
        return dt.date(year, month, day)
    except ValueError:
        return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def read(path: Path) -> list[Person]:
    """Read and check a roster; raise one SourceError with a line per bad cell, or return its people."""
    from ..layout import fonts

    if not path.is_file():
        raise UsageError(Problem(str(path), None, None, "", "no such file"))
    sheet, table = read_table(path)
    name = path.name

    def cell(column: int, row: int) -> str:
        ref = f"{letter(column)}{row}"
        return f"{_sheet_ref(sheet)}!{ref}" if sheet is not None else ref

    problems: list[Problem] = []
    if not table:
        raise SourceError(
            Problem(name, None, None, "", "the roster is empty: the first row names the columns")
        )
    found, header_problems = columns(table[0])
    if header_problems:
        raise SourceError([Problem(name, None, None, "", p) for p in header_problems])
    people: list[Person] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in enumerate(table[1:], start=2):
        values = {f: (cells[i] if i < len(cells) else None) for f, i in found.items()}
        if not any(_text(v) for v in cells):
            continue  # an empty row (Excel often leaves some at the end)
        texts = {f: _text(values[f]) for f in ("name", "unit", "manager")}
        bad = False
        for field_ in ("name", "unit", "manager"):
            text = texts[field_]
            where = cell(found[field_], number)
            header = _text(table[0][found[field_]])
            raw = "" if values[field_] is None else str(values[field_])
            control = CONTROL.search(raw)
            if control:
                code = f"U+{ord(control.group()):04X}"
                problems.append(Problem(name, None, None, where,
                    f"'{header}' holds the control character {code}, which cannot be printed: "
                    "remove it"))  # fmt: skip
                bad = True
            elif field_ == "name" and not text:
                problems.append(
                    Problem(name, None, None, where, f"'{header}' is empty: every row needs a name")
                )
                bad = True
            elif len(text) > (NAME_MAX if field_ == "name" else TEXT_MAX):
                most = NAME_MAX if field_ == "name" else TEXT_MAX
                problems.append(Problem(name, None, None, where,
                    f"'{header}' is too long: {len(text)} characters, at most {most}"))  # fmt: skip
                bad = True
            elif missing := fonts.missing(text):
                listed = ", ".join(fonts.describe(c) for c in missing)
                problems.append(Problem(name, None, None, where,
                    f"'{header}': {listed} is in none of the bundled fonts; replace or remove it"))  # fmt: skip
                bad = True
        start_cell = values["start"]
        start = parse_date(start_cell)
        where = cell(found["start"], number)
        header = _text(table[0][found["start"]])
        if start is None:
            shown = _text(start_cell)
            what = (
                f"is not a date ('{shown}')" if shown else "is empty: every row needs a start date"
            )
            problems.append(Problem(name, None, None, where,
                f"'{header}' {what}: write it as 2027-01-11 or 11.01.2027"))  # fmt: skip
            bad = True
        elif not YEARS[0] <= start.year <= YEARS[1]:
            problems.append(Problem(name, None, None, where,
                f"'{header}' {start.isoformat()}: a start date between {YEARS[0]} and {YEARS[1]}"))  # fmt: skip
            bad = True
        if bad:
            continue
        key = (texts["name"].casefold(), texts["unit"].casefold())
        if key in seen:
            problems.append(Problem(name, None, None, cell(found["name"], number),
                f"the same person as row {seen[key]} (the same name and unit): a person has one "
                "row; two people of the same name need their units"))  # fmt: skip
            continue
        seen[key] = number
        people.append(Person(number, texts["name"], texts["unit"], start, texts["manager"]))
    if problems:
        raise SourceError(problems)
    if not people:
        raise SourceError(
            Problem(
                name, None, None, "", "no people in the roster: one row per person after the header"
            )
        )
    return unique_stems(people)


def _sheet_ref(sheet: str) -> str:
    return sheet if re.fullmatch(r"\w+", sheet) else "'" + sheet.replace("'", "''") + "'"
