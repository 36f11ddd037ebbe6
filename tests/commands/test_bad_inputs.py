"""The bad-input corpus: every broken or hostile source gives exactly its line, exit 1, fast,
without a traceback, and leaves dist/ byte-identical.

Each file in tests/data/bad/ says what it is (second line) and the line(s) it must give
(``# expect: {file}:LINE:COL: path: message``). The cases that cannot be files in a
repository (special files, huge files, hostile file names) are made here.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from charterpress.__main__ import main
from charterpress.source.load import MAX_SOURCE_BYTES
from support import DATA, ROOT, load

BAD = DATA / "bad"
CASES = sorted(BAD.glob("*.yaml"))
SEED = DATA / "cards-english.yaml"


def expected_lines(path: Path, shown: str) -> list[str]:
    found = re.findall(rb"^# expect: (.*)$", path.read_bytes(), re.MULTILINE)
    return [line.decode("utf-8").replace("{file}", shown) for line in found]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """An output folder holding a real last good build (cards of a small charter)."""
    out = tmp_path_factory.mktemp("last-good") / "dist"
    assert main(["build", "-q", "--only", "cards", "--out", str(out), str(SEED)]) == 0
    return out


def run(args: list[str], capsys) -> tuple[int, list[str], float]:
    started = time.perf_counter()
    code = main(args)
    seconds = time.perf_counter() - started
    captured = capsys.readouterr()
    return code, captured.err.splitlines(), seconds


def assert_refused(args, expected, dist, capsys):
    before = snapshot(dist)
    code, lines, seconds = run([*args, "--out", str(dist)], capsys)
    assert lines == expected
    assert code == 1
    assert seconds < 5
    assert not any("Traceback" in line or "internal error" in line for line in lines)
    assert snapshot(dist) == before


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40
    for path in CASES:
        assert expected_lines(path, "x"), f"{path.name} says no line it must give"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_a_bad_source_gives_exactly_its_line(path, dist, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    shown = str(path.relative_to(ROOT))
    expected = expected_lines(path, shown)
    assert_refused(["build", shown], expected, dist, capsys)
    code, lines, _ = run(["check", shown], capsys)  # `check` says the same
    assert (code, lines) == (1, expected)


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pipe.yaml")
    return folder / "pipe.yaml"


def _dev_zero(folder: Path) -> Path:
    (folder / "zero.yaml").symlink_to("/dev/zero")
    return folder / "zero.yaml"


def _folder(folder: Path) -> Path:
    (folder / "folder.yaml").mkdir()
    return folder / "folder.yaml"


def _huge(folder: Path) -> Path:
    """10 000 commitments: once 9 minutes and 2 GB before it was killed."""
    head = (SEED.read_text(encoding="utf-8")).split("sections:")[0]
    items = "".join(
        f"      - text: tekst {i}\n        question: Hvad med {i}?\n" for i in range(10_000)
    )
    path = folder / "huge.yaml"
    path.write_text(head + "sections:\n  - id: a\n    title: A\n    commitments:\n" + items)
    return path


def _dots(folder: Path) -> Path:
    """A slug of '..' once wrote its PDFs one folder above dist/."""
    path = folder / "...yaml"
    path.write_bytes(SEED.read_bytes())
    return path


def _long_slug(folder: Path) -> Path:
    path = folder / ("k" * 200 + ".yaml")
    path.write_bytes(SEED.read_bytes())
    return path


def _not_utf8_name(folder: Path) -> Path:
    """A file name that is not UTF-8 once ended in a UnicodeEncodeError (exit 3)."""
    path = Path(os.fsdecode(bytes(folder) + b"/\xff\xfe.yaml"))
    path.write_bytes(SEED.read_bytes())
    return path


NOT_REGULAR = "cannot read: not a regular file (a source must be a plain .yaml file)"
MADE = {
    "fifo": (_fifo, NOT_REGULAR),
    "dev-zero": (  # a link out of the project is refused before the device is opened
        _dev_zero,
        "is a symbolic link to a file outside the project (/dev/zero): the build reads only "
        "files inside the project folder; copy the file into the project",
    ),
    "folder": (_folder, "no charter sources (*.yaml) found"),
    "huge": (
        _huge,
        f"file is too large (578,172 bytes; at most {MAX_SOURCE_BYTES:,}): the commitments: here "
        f"runs on past {MAX_SOURCE_BYTES:,} bytes",
    ),
    "dots": (
        _dots,
        "the file name '..' is not a usable slug: rename the file to lowercase letters, digits "
        "and single '-' (like 'roskilde.yaml' or 'ishoej-2.yaml')",
    ),
    "not-utf8-name": (
        _not_utf8_name,
        "the file name '\\udcff\\udcfe' is not a usable slug: rename the file to lowercase "
        "letters, digits and single '-' (like 'roskilde.yaml' or 'ishoej-2.yaml')",
    ),
    "long-slug": (
        _long_slug,
        "the file name 'kkkkkkkkkkkkkkkkkkkk…' is too long for a slug: at most 40 characters",
    ),
}


@pytest.mark.parametrize("case", sorted(MADE))
def test_special_and_hostile_files_give_their_line(case, dist, capsys, tmp_path, monkeypatch):
    make, message = MADE[case]
    monkeypatch.chdir(tmp_path)
    path = make(tmp_path)
    shown = path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    where = ":14:5" if case == "huge" else ""  # the list that makes it so large
    assert_refused(["build", path.name], [f"{shown}{where}: {message}"], dist, capsys)


@pytest.mark.parametrize("layout", ["one line", "folded"])
def test_an_oversized_source_names_the_value_that_makes_it_so(
    tmp_path: Path, layout, capsys
) -> None:
    """Over the size limit, the innermost key holding 32 KiB or more is named at its line."""
    words = "word " * 120_000
    text = (
        words
        if layout == "one line"
        else "\n".join("        " + words[i : i + 70] for i in range(0, len(words), 70))
    )
    body = (
        "meta:\n  municipality: X\n  title: T\n  language: en\n# a comment\n"
        "sections:\n- id: a\n  title: A\n  body:\n  - commitments:\n"
        "    - text: ok\n      question: Why?\n"
        f"    - title: {'>-' if layout == 'folded' else ''}\n{text if layout == 'folded' else ''}"
    )
    if layout == "one line":
        body = body.replace("    - title: \n", f"    - title: {text}\n")
    path = tmp_path / "huge.yaml"
    path.write_text(body + "\n" + "# padding\n" * 10, encoding="utf-8")
    [line] = run(["check", str(path)], capsys)[1]
    assert line.startswith(f"{path}:13:7: file is too large (")
    assert "the title: here runs on past" in line and "at most 5,000 characters" in line


def test_an_oversized_source_of_many_small_parts_names_the_list(tmp_path: Path, capsys) -> None:
    parts = "".join(f"- id: s{i}\n  title: A section of the charter\n" for i in range(8000))
    path = tmp_path / "many.yaml"
    path.write_text(f"meta:\n  title: T\nsections:\n{parts}", encoding="utf-8")
    code, [line], _ = run(["check", str(path)], capsys)
    assert code == 1 and line.startswith(f"{path}:3:1: file is too large (")
    assert "the sections: here runs on past" in line
    assert "at most 5,000 characters" not in line  # a list, not a text


LITERALS = [
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "{% raw %}x{% endraw %}",
    "</style><style>body{display:none}</style>",
    "url(file:///etc/passwd)",
    "&amp; &lt;b&gt; <b>bold</b> ${HOME} %s {{ config }} {# c #}",
    "<img src=x onerror=alert(1)>",
    "{{ 6*7 }}",
    "{% if true %}this{% endif %}",
]


def test_html_css_and_jinja_in_a_source_print_literally():
    """Untrusted text is escaped, never executed: it reaches the deck and the booklet as typed."""
    import io

    from charterpress.commands.build import make_products
    from charterpress.values import Options
    from pypdf import PdfReader

    made = make_products(load(DATA / "hostile-text.yaml"), Options())
    for name in ("hostile-text-booklet.pdf", "hostile-text-cards-print.pdf"):
        product = next(p for p in made if p.name == name)
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(product.data)).pages)
        flat = re.sub(r"[\s\u00ad-]", "", text).lower()  # kickers may be set in capitals
        on_cards = ("<img", "{{ 6", "{% if")  # the cards carry the commitments only
        for literal in LITERALS:
            if name.endswith("cards-print.pdf") and not literal.startswith(on_cards):
                continue
            assert re.sub(r"[\s-]", "", literal).lower() in flat, (name, literal)
        assert "49" not in text and "42" not in text
