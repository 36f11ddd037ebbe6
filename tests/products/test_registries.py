"""Registries, not literals: a theme is its folder, a language its labels file, nothing else.

Each test makes a project in a temporary folder, adds one thing there (a fourth theme, a third
language) and builds with it, touching no file of the package.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from charterpress import project
from charterpress.__main__ import main
from pypdf import PdfReader
from support import DATA

SEED = DATA / "cards-english.yaml"
PACKAGE_THEMES = ("civic", "classic", "column", "signal", "tide")


def fonts_of(pdf: Path) -> set[str]:
    """Return the base names of the fonts a PDF embeds, without their subset tags."""
    names = set()
    for page in PdfReader(pdf).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def make_project(folder: Path, **theme) -> Path:
    """A project with the English seed, its theme's keys updated by ``theme``."""
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data["theme"].update(theme)
    (folder / "sources").mkdir(parents=True)
    (folder / "sources" / "riverside.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return folder


def build(folder: Path, capsys, *only: str) -> tuple[int, str]:
    chosen = [word for name in only for word in ("--only", name)]
    code = main(["--project", str(folder), "build", "-q", "--no-preview", *chosen])
    return code, capsys.readouterr().err


def test_the_package_registers_its_five_themes_and_two_languages():
    project.use(Path("/nonexistent-project"))
    try:
        assert project.themes() == PACKAGE_THEMES
        assert project.languages() == ("da", "en")
    finally:
        project.use(None)


def test_a_fourth_theme_is_its_folder_and_nothing_else(tmp_path, capsys):
    folder = make_project(tmp_path / "project", name="harbour")
    theme = folder / "layouts" / "themes" / "harbour"
    theme.mkdir(parents=True)
    (theme / "theme.yaml").write_text(
        "fonts:\n  display: EB Garamond\n  text: EB Garamond\n  ui: EB Garamond\n"
        "cards:\n  front: field\n",
        encoding="utf-8",
    )
    code, err = build(folder, capsys, "cards", "booklet")
    assert code == 0, err
    cards = folder / "dist" / "riverside" / "riverside-cards-print.pdf"
    garamond = {name for name in fonts_of(cards) if "Garamond" in name}
    assert garamond, fonts_of(cards)  # the theme's own fonts are the cards'
    assert not any("Inter" in name and "Bold" in name for name in fonts_of(cards) - garamond)
    assert (folder / "dist" / "riverside" / "riverside-booklet.pdf").is_file()
    # The project's schema names it, for an editor's completion.
    assert main(["--project", str(folder), "schema", "-q"]) == 0
    schema = json.loads((folder / "sources" / "charter.schema.json").read_text(encoding="utf-8"))
    assert schema["$defs"]["Theme"]["properties"]["name"]["enum"] == sorted([*PACKAGE_THEMES, "harbour"])


def test_a_theme_no_folder_registers_is_one_line_listing_the_registered(tmp_path, capsys):
    folder = make_project(tmp_path / "project", name="harbour")
    (folder / "layouts" / "themes" / "harbour").mkdir(parents=True)  # no theme.yaml: no theme
    code, err = build(folder, capsys, "cards")
    written = (folder / "sources" / "riverside.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, t in enumerate(written, 1) if t.strip() == "name: harbour")
    col = written[line - 1].index("harbour") + 1
    assert code == 1
    assert err.splitlines() == [
        f"{folder}/sources/riverside.yaml:{line}:{col}: theme.name: expected one of 'civic', "
        "'classic', 'column', 'signal' or 'tide'; got 'harbour'"
    ]
    assert not (folder / "dist" / "riverside").exists()


@pytest.mark.parametrize("name", ["Harbour", "../civic", "har bour", "-x"])
def test_a_folder_that_is_no_theme_name_is_not_a_theme(tmp_path, name):
    folder = tmp_path / "project"
    bad = folder / "layouts" / "themes" / name
    bad.mkdir(parents=True, exist_ok=True)
    (bad / "theme.yaml").write_text("fonts: {}\n", encoding="utf-8")
    project.use(folder)
    try:
        assert project.themes() == PACKAGE_THEMES
    finally:
        project.use(None)


def test_a_third_language_is_its_labels_file_and_nothing_else(tmp_path, capsys):
    folder = make_project(tmp_path / "project")
    data = yaml.safe_load((folder / "sources" / "riverside.yaml").read_text(encoding="utf-8"))
    data["meta"]["language"] = "sv"
    (folder / "sources" / "riverside.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    labels = (project.DATA / "layouts" / "labels" / "en.yaml").read_text(encoding="utf-8")
    assert "dialogue_cards:" in labels
    swedish = "\n".join(
        'dialogue_cards: "Dialogkort"' if line.startswith("dialogue_cards:") else line
        for line in labels.splitlines()
    )
    (folder / "layouts" / "labels").mkdir(parents=True)
    (folder / "layouts" / "labels" / "sv.yaml").write_text(swedish + "\n", encoding="utf-8")
    code, err = build(folder, capsys, "cards")
    assert code == 0, err
    text = PdfReader(folder / "dist" / "riverside" / "riverside-cards-print.pdf").pages[0]
    assert "DIALOGKORT" in text.extract_text().upper()
    # Without the file, the same source names the languages there are.
    other = tmp_path / "other"
    (other / "sources").mkdir(parents=True)
    shutil.copy(folder / "sources" / "riverside.yaml", other / "sources")
    code, err = build(other, capsys, "cards")
    assert code == 1
    [line] = err.splitlines()
    assert line.endswith("meta.language: expected one of 'da' or 'en'; got 'sv'"), line


SUMMARY_INIT = """\
from ..registry import Registered

PRODUCT = Registered(
    name="summary",
    maker="make:make",
    order=3,
    group="other_files",
    page=3,
    files=(("{slug}-summary.txt", "for_reading"),),
)
"""
SUMMARY_MAKE = """\
from ...values import Product


def make(source, options):
    text = f"{source.charter.meta.title}: {len(source.charter.sections)} sections\\n"
    return [Product(f"{source.slug}-summary.txt", text.encode("utf-8"), 1)]
"""


def test_a_new_product_is_its_folder_and_nothing_else(tmp_path, monkeypatch, capsys):
    """A product folder beside cards/ and booklet/ is built, chosen by --only, and linked."""
    from charterpress import products
    from charterpress.products import registry

    plugins = tmp_path / "plugins"
    (plugins / "summary").mkdir(parents=True)
    (plugins / "summary" / "__init__.py").write_text(SUMMARY_INIT, encoding="utf-8")
    (plugins / "summary" / "make.py").write_text(SUMMARY_MAKE, encoding="utf-8")
    monkeypatch.setattr(products, "__path__", [*products.__path__, str(plugins)])
    registry.registered.cache_clear()
    try:
        assert registry.names() == ("cards", "booklet", "summary")
        folder = make_project(tmp_path / "project")
        code, err = build(folder, capsys, "summary")
        assert code == 0, err
        built = folder / "dist" / "riverside"
        assert sorted(p.name for p in built.iterdir()) == ["riverside-summary.txt"]
        seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
        expected = f"{seed['meta']['title']}: {len(seed['sections'])} sections\n"
        assert (built / "riverside-summary.txt").read_text() == expected
        page = (folder / "dist" / "index.html").read_text(encoding="utf-8")
        assert 'href="riverside/riverside-summary.txt"' in page
        from charterpress.layout.templates import labels

        label = str(labels("en")["for_reading"])
        assert label[:1].upper() + label[1:] in page  # its registered label, in its group
        # Every product, the new one among them, by default.
        code, err = build(folder, capsys)
        assert code == 0, err
        assert {"riverside-summary.txt", "riverside-cards-print.pdf", "riverside-booklet.pdf"} <= {
            p.name for p in built.iterdir()
        }
    finally:
        registry.registered.cache_clear()
