"""The whole project folder is untrusted input: every file the build reads besides the sources.

Each case starts from a project holding one charter and its last good build in dist/, breaks
one project file (labels, theme.yaml, a template, CSS, a hyphenation list, a font), builds, and
must give exactly its one line naming THAT file, exit 1, no traceback, under 5 s, with every
file of the project (dist/ included) byte-identical.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from charterpress.__main__ import main
from charterpress.project import DATA as PACKAGE_DATA
from support import DATA

SEED = DATA / "cards-english.yaml"
SLUG = "riverside"
OUTSIDE_TEXT = "secret-from-outside-the-project\n"


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (
            p.read_bytes() if not p.is_symlink() else os.readlink(p).encode(),
            0,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file() or p.is_symlink()
    }


def clear_caches() -> None:
    """Forget what one process learnt of the project files (a new command sees them afresh)."""
    from charterpress.commands import build as pipeline
    from charterpress.layout import fonts, marks
    from charterpress.layout import templates as layouts
    from charterpress.text import hyphenate

    for cached in (
        pipeline._code_digest,
        layouts._look,
        layouts._read_labels,
        hyphenate.base_exceptions,
        fonts._coverage,
        fonts._identities,
        marks._font,
        marks.outline,
    ):
        cached.cache_clear()


@pytest.fixture(scope="module")
def good_project(tmp_path_factory) -> Path:
    """A project with one charter (English, cards only) and its last good build in dist/."""
    folder = tmp_path_factory.mktemp("good") / "project"
    (folder / "sources").mkdir(parents=True)
    shutil.copy(SEED, folder / "sources" / f"{SLUG}.yaml")
    clear_caches()
    assert main(["--project", str(folder), "build", "-q", "--only", "cards", "--no-preview"]) == 0
    assert (folder / "dist" / SLUG / f"{SLUG}-cards-print.pdf").is_file()
    return folder


@pytest.fixture
def project(good_project, tmp_path, monkeypatch) -> Path:
    """A fresh copy of the good project, the working directory of the test."""
    folder = tmp_path / "project"
    shutil.copytree(good_project, folder, symlinks=True)
    monkeypatch.chdir(folder)
    clear_caches()
    yield folder
    clear_caches()


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the project (outside it), holding a text and a real font."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "secret.txt").write_text(OUTSIDE_TEXT)
    shutil.copy(PACKAGE_DATA / "assets" / "fonts" / "inter" / "Inter-Bold.otf", folder / "Inter-Bold.otf")
    return folder


def write(project: Path, name: str, data: str | bytes) -> Path:
    path = project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def link(project: Path, name: str, target: Path) -> Path:
    path = project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)
    return path


def _copy(source: Path, folder: Path) -> Path:
    """Copy a (good) source to ``folder``, as ``elsewhere.yaml``: the target of a link."""
    return Path(shutil.copy(source, folder / "elsewhere.yaml"))


def packaged(*parts: str) -> str:
    return PACKAGE_DATA.joinpath(*parts).read_text(encoding="utf-8")  # the package's own file


def refused(project: Path, capsys, *command: str) -> list[str]:
    """Build (or run ``command``) in ``project``; assert exit 1, no traceback, nothing changed, < 5 s."""
    before = snapshot(project)
    started = time.perf_counter()
    code = main(list(command) or ["build", "-q", "--only", "cards", "--no-preview"])
    seconds = time.perf_counter() - started
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == 1, err
    assert seconds < 5
    assert snapshot(project) == before
    assert OUTSIDE_TEXT.strip() not in err
    return err.splitlines()


LABEL_FILE = "layouts/labels/en.yaml"
THEME_FILE = "layouts/themes/civic/theme.yaml"
CONTENTS_LINE = 1 + next(
    i for i, line in enumerate(packaged(LABEL_FILE).splitlines()) if line.startswith("contents:")
)
"""The line of the packaged English label file that holds ``contents:`` (where the cases break it)."""
BOMB = 'a: &a ["lol", "lol"]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b]\n'

Case = Callable[[Path, Path], None]

CASES: dict[str, tuple[str, Case, list[str]]] = {
    # --- labels ---------------------------------------------------------------------------
    "labels alias bomb": (
        "labels",
        lambda p, o: write(p, LABEL_FILE, BOMB),
        [f"{LABEL_FILE}:2:8: alias '*a' is not allowed: write the text out in full"],
    ),
    "labels missing key": (
        "labels",
        lambda p, o: write(
            p, LABEL_FILE, packaged(LABEL_FILE).replace("reflection:", "reflexion:")
        ),
        [
            f"{LABEL_FILE}: the label 'reflection' is missing: copy it from en.yaml of the "
            "package ('Reflection')"
        ],
    ),
    "labels a list where a text belongs": (
        "labels",
        lambda p, o: write(
            p, LABEL_FILE, packaged(LABEL_FILE).replace("contents: Contents", "contents: [a, b]")
        ),
        [f"{LABEL_FILE}:{CONTENTS_LINE}:11: contents: expected a text"],
    ),
    "labels a symlink out of the project": (
        "labels",
        lambda p, o: link(p, LABEL_FILE, o / "secret.txt"),
        [
            f"{LABEL_FILE}: is a symbolic link to a file outside the project ({{outside}}/secret.txt): "
            "the build reads only files inside the project folder and the package; copy the file "
            "into the project"
        ],
    ),
    "labels an escape byte": (
        "labels",
        lambda p, o: write(
            p, LABEL_FILE, packaged(LABEL_FILE).replace("Contents", "Con\x1b[2Jtents", 1)
        ),
        [f"{LABEL_FILE}:{CONTENTS_LINE}:14: U+001B is a control character; remove it"],
    ),
    "labels too large": (
        "labels",
        lambda p, o: write(p, LABEL_FILE, packaged(LABEL_FILE) + "#" * (1024 * 1024)),
        [f"{LABEL_FILE}: file is too large ({{size}} bytes; at most 1,048,576)"],
    ),
    "labels an unknown placeholder": (
        "labels",
        lambda p, o: write(
            p,
            LABEL_FILE,
            packaged(LABEL_FILE).replace('deck_count: "{n} ', 'deck_count: "{count} ', 1),
        ),
        [
            f"{LABEL_FILE}:{{deck_line}}:13: deck_count: {{count}} is not a placeholder of this label "
            "(it may use: {n}; write a '{' or '}' of the text as '{{' or '}}')"
        ],
    ),
    "labels the same as the package's, copied": (
        "labels",
        lambda p, o: (
            write(p, LABEL_FILE, packaged(LABEL_FILE)),
            write(p, "layouts/labels/da.yaml", packaged("layouts/labels/da.yaml")),
            write(p, THEME_FILE, "fonts:\n  display: Ubuntu\n"),
        ),
        [
            f"{THEME_FILE}:2:12: fonts.display: 'Ubuntu' is not one of the bundled fonts "
            "(assets/fonts): use one of Charis SIL, EB Garamond, Inter, League Spartan, Vollkorn, "
            "or put the font's files into the project's assets/fonts/"
        ],
    ),
    "labels not a mapping": (
        "labels",
        lambda p, o: write(p, LABEL_FILE, "- Reflection\n- Contents\n"),
        [f"{LABEL_FILE}:1:1: expected a mapping of keys at the top"],
    ),
    # --- theme.yaml -----------------------------------------------------------------------
    "theme alias bomb": (
        "theme",
        lambda p, o: write(p, THEME_FILE, BOMB),
        [f"{THEME_FILE}:2:8: alias '*a' is not allowed: write the text out in full"],
    ),
    "theme naming a font of the machine": (
        "theme",
        lambda p, o: write(p, THEME_FILE, "fonts:\n  display: DejaVu Sans\n"),
        [
            f"{THEME_FILE}:2:12: fonts.display: 'DejaVu Sans' is not one of the bundled fonts "
            "(assets/fonts): use one of Charis SIL, EB Garamond, Inter, League Spartan, Vollkorn, "
            "or put the font's files into the project's assets/fonts/"
        ],
    ),
    "theme mark font not a font": (
        "theme",
        lambda p, o: (
            write(
                p,
                "layouts/base/theme.yaml",
                packaged("layouts/base/theme.yaml").replace(
                    "inter/Inter-Bold.otf", "../../sources/riverside.yaml"
                ),
            ),
        ),
        [
            "layouts/base/theme.yaml:11:9: mark.font: '../../sources/riverside.yaml' is not a file "
            "below assets/fonts: name one of the bundled fonts, like 'inter/Inter-Bold.otf'"
        ],
    ),
    "theme mark font missing": (
        "theme",
        lambda p, o: write(p, THEME_FILE, "mark:\n  font: inter/Nothing.otf\n"),
        [f"{THEME_FILE}:2:9: mark.font: no font 'inter/Nothing.otf' below assets/fonts"],
    ),
    "theme field font outside the fonts": (
        "theme",
        lambda p, o: write(p, THEME_FILE, "field:\n  font: ../../sources/riverside.yaml\n"),
        [
            f"{THEME_FILE}:2:9: field.font: '../../sources/riverside.yaml' is not a file "
            "below assets/fonts: name one of the bundled fonts, like 'inter/Inter-Bold.otf'"
        ],
    ),
    "theme a symlink out of the project": (
        "theme",
        lambda p, o: link(p, THEME_FILE, o / "secret.txt"),
        [
            f"{THEME_FILE}: is a symbolic link to a file outside the project ({{outside}}/secret.txt): "
            "the build reads only files inside the project folder and the package; copy the file "
            "into the project"
        ],
    ),
    # --- templates (Jinja's loader: includes and extends) ---------------------------------
    "template including ../../etc/hostname": (
        "template",
        lambda p, o: write(p, f"layouts/{SLUG}/cards.html", '{% include "../../etc/hostname" %}\n'),
        [
            f"layouts/{SLUG}/cards.html:1: includes '../../etc/hostname', which is not a layout "
            "file: a layout may include only files of layouts/ (by a name like "
            "'booklet-blocks.html'), never a path with '..'"
        ],
    ),
    "template including a symlink out of the project": (
        "template",
        lambda p, o: (
            write(
                p,
                f"layouts/{SLUG}/cards.html",
                '{% extends "base/cards.html" %}{% include "x.html" %}\n',
            ),
            link(p, f"layouts/{SLUG}/x.html", o / "secret.txt"),
        ),
        [
            f"layouts/{SLUG}/x.html: is a symbolic link to a file outside the project "
            "({outside}/secret.txt): the build reads only files inside the project folder and the "
            "package; copy the file into the project"
        ],
    ),
    "template syntax error": (
        "template",
        lambda p, o: write(p, f"layouts/{SLUG}/cards.html", "<p>\n{% if %}\n"),
        [
            f"layouts/{SLUG}/cards.html:2: template syntax: Expected an expression, got 'end of statement block'"
        ],
    ),
    "template a NUL byte": (
        "template",
        lambda p, o: write(p, f"layouts/{SLUG}/cards.html", b"<p>\n\x00\n"),
        [f"layouts/{SLUG}/cards.html:2:1: U+0000 is a NUL byte (is this a text file?); remove it"],
    ),
    # --- CSS ------------------------------------------------------------------------------
    "css a symlink out of the project": (
        "css",
        lambda p, o: link(p, f"layouts/{SLUG}/cards.css", o / "secret.txt"),
        [
            f"layouts/{SLUG}/cards.css: is a symbolic link to a file outside the project "
            "({outside}/secret.txt): the build reads only files inside the project folder and the "
            "package; copy the file into the project"
        ],
    ),
    "css too large": (
        "css",
        lambda p, o: write(p, "layouts/base/cards.css", "/* */" * 300_000),
        ["layouts/base/cards.css: file is too large ({size} bytes; at most 1,048,576)"],
    ),
    # --- sources ---------------------------------------------------------------------------
    "source a symlink out of the project": (
        "source",
        lambda p, o: link(p, "sources/elsewhere.yaml", _copy(p / f"sources/{SLUG}.yaml", o)),
        [
            "sources/elsewhere.yaml: is a symbolic link to a file outside the project "
            "({outside}/elsewhere.yaml): the build reads only files inside the project folder; "
            "copy the file into the project"
        ],
    ),
    # --- hyphenation lists ----------------------------------------------------------------
    "charter hyphenation list a symlink out of the project": (
        "hyphenation",
        lambda p, o: link(p, f"sources/{SLUG}.hyphenation.txt", o / "secret.txt"),
        [
            f"sources/{SLUG}.hyphenation.txt: is a symbolic link to a file outside the project "
            "({outside}/secret.txt): the build reads only files inside the project folder; copy the "
            "file into the project"
        ],
    ),
    "base hyphenation list a symlink out of the project": (
        "hyphenation",
        lambda p, o: link(p, "layouts/base/hyphenation-en.txt", o / "secret.txt"),
        [
            "layouts/base/hyphenation-en.txt: is a symbolic link to a file outside the project "
            "({outside}/secret.txt): the build reads only files inside the project folder and the "
            "package; copy the file into the project"
        ],
    ),
    "base hyphenation list an escape byte": (
        "hyphenation",
        lambda p, o: write(p, "layouts/base/hyphenation-en.txt", "lea-der\nbe\x1b]0;owned\x07ll\n"),
        ["layouts/base/hyphenation-en.txt:2:3: U+001B is a control character; remove it"],
    ),
    "base hyphenation list a bad entry": (
        "hyphenation",
        lambda p, o: write(p, "layouts/base/hyphenation-en.txt", "lea-der\nlea der\n"),
        [
            "layouts/base/hyphenation-en.txt:2:1: 'lea der': write one word a line, letters only, "
            "'-' at each break and an optional '*' after a stem (e.g. 'med-ar-bej-der*'); '#' "
            "starts a comment"
        ],
    ),
    # --- fonts ----------------------------------------------------------------------------
    "font not a font": (
        "font",
        lambda p, o: write(p, "assets/fonts/fake/Fake-Bold.otf", "this is no font\n" * 10),
        [
            "assets/fonts/fake/Fake-Bold.otf: is not a font (OpenType or TrueType) that can be "
            "read ({reason})"
        ],
    ),
    "font a symlink out of the project": (
        "font",
        lambda p, o: link(p, "assets/fonts/inter/Inter-Bold.otf", o / "Inter-Bold.otf"),
        [
            "assets/fonts/inter/Inter-Bold.otf: is a symbolic link to a file outside the project "
            "({outside}/Inter-Bold.otf): the build reads only files inside the project folder and "
            "the package; copy the file into the project"
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_broken_or_hostile_project_file_is_one_line_naming_it(case, project, outside, capsys):
    _, make, expected = CASES[case]
    make(project, outside)
    lines = refused(project, capsys)
    size = ""
    for name in ("labels too large", "css too large"):
        if case == name:
            target = LABEL_FILE if "labels" in case else "layouts/base/cards.css"
            size = f"{(project / target).stat().st_size:,}"
    deck_line = next(
        i
        for i, text in enumerate(packaged(LABEL_FILE).splitlines(), 1)
        if text.startswith("deck_count:")
    )
    want = [
        line.replace("{outside}", str(outside.resolve()))
        .replace("{size}", size)
        .replace("{deck_line}", str(deck_line))
        for line in expected
    ]
    if "{reason}" in want[0]:
        prefix = want[0].split("{reason}")[0]
        assert len(lines) == 1 and lines[0].startswith(prefix) and lines[0].endswith(")")
    else:
        assert lines == want


@pytest.mark.parametrize(
    "case", ["labels missing key", "theme naming a font of the machine", "font not a font"]
)
def test_check_refuses_the_same_project_files(case, project, outside, capsys):
    _, make, expected = CASES[case]
    make(project, outside)
    lines = refused(project, capsys, "check", "--quick")
    assert len(lines) == 1
    assert lines[0].split(":")[0] == expected[0].split(":")[0]


def test_a_source_linked_within_the_project_is_fine(project, capsys):
    """A source that is a link to a file inside the project (another name for a charter) builds."""
    shared = write(project, f"shared/{SLUG}.yaml", (project / f"sources/{SLUG}.yaml").read_text())
    (project / f"sources/{SLUG}.yaml").unlink()
    link(project, f"sources/{SLUG}.yaml", shared)
    assert main(["check", "--quick"]) == 0, capsys.readouterr().err


def test_a_layout_symlink_inside_the_project_is_fine(project, capsys):
    """A link that stays inside the project is followed: the rule is where the file really is."""
    shared = write(project, "shared/cards.css", packaged("layouts/base/cards.css"))
    link(project, f"layouts/{SLUG}/cards.css", shared)
    assert main(["build", "-q", "--only", "cards", "--no-preview"]) == 0, capsys.readouterr().err


def test_the_escape_bytes_of_a_project_file_never_reach_the_terminal(project, capsys):
    write(project, "layouts/base/hyphenation-en.txt", "lea-der\n")
    bad = project / "sources" / f"{SLUG}.hyphenation.txt"
    bad.write_bytes(b"lea-der\nx\x1b[31mred\x07\n")
    code = main(["check", "--quick"])
    err = capsys.readouterr().err
    assert code == 1
    assert "\x1b" not in err and "\x07" not in err
