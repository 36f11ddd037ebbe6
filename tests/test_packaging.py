"""Honest packaging: the dependencies are the ones the code imports, and the private APIs we
lean on (WeasyPrint's layout tree, pypdf's object table) are still where the pins promise.

When one of these tests fails after an upgrade, do not loosen the test: update the code that
reads the private API (cards.too_wide, booklet.layout_problems, sheets.page_form) and the pin
in pyproject.toml together.
"""

from __future__ import annotations

import ast
import io
import re
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
IMPORT_NAMES = {"pyyaml": "yaml", "pillow": "PIL", "fonttools": "fontTools", "python-docx": "docx"}
"""Distributions whose import name differs from their name."""


def _requirement(spec: str) -> tuple[str, str]:
    """Return (name, version specifier) of a requirement line like 'weasyprint>=70,<71'."""
    match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(.*)", spec.split(";")[0].strip())
    assert match, spec
    return match[1].lower(), match[2]


def _third_party_imports() -> set[str]:
    """Return the top-level names of the modules the package's code imports."""
    found: set[str] = set()
    for path in (ROOT / "builder").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names}


def test_the_dependencies_are_exactly_what_the_code_imports():
    declared = {_requirement(s)[0] for s in PYPROJECT["project"]["dependencies"]}
    as_imported = {IMPORT_NAMES.get(name, name) for name in declared}
    imported = _third_party_imports()
    assert imported - as_imported == set(), "imported but not declared in pyproject.toml"
    assert as_imported - imported == set(), "declared in pyproject.toml but never imported"


def test_dev_tools_are_not_runtime_or_test_dependencies():
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert any(_requirement(s)[0] == "ruff" for s in extras["dev"])
    for group in (PYPROJECT["project"]["dependencies"], extras["test"]):
        assert all(_requirement(s)[0] != "ruff" for s in group)


def test_the_licence_file_is_the_licence_pyproject_names():
    assert PYPROJECT["project"]["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    pins = [re.fullmatch(r"setuptools>=(\d+).*", s) for s in PYPROJECT["build-system"]["requires"]]
    assert any(m and int(m[1]) >= 77 for m in pins), "license = 'MIT' needs setuptools>=77"


def _pin(name: str) -> tuple[int, int]:
    """Return the (lowest, first excluded) major versions pyproject.toml allows for ``name``."""
    spec = dict(_requirement(s) for s in PYPROJECT["project"]["dependencies"])[name]
    low = re.search(r">=\s*(\d+)", spec)
    high = re.search(r"<\s*(\d+)", spec)
    assert low and high, f"{name} must be pinned to a tested range, not '{spec}'"
    return int(low[1]), int(high[1])


@pytest.mark.parametrize("name", ["weasyprint", "pypdf"])
def test_the_installed_version_is_inside_the_tested_pin(name):
    low, high = _pin(name)
    major = int(version(name).split(".")[0])
    assert low <= major < high, (
        f"{name} {version(name)} is outside the tested range >={low},<{high}: run this file's "
        "private-API tests against it, then move the pin"
    )


def test_weasyprint_private_layout_tree_is_where_cards_and_booklet_read_it():
    """cards.too_wide and booklet.layout_problems walk ``Page._page_box``: check every name they use."""
    import weasyprint
    from weasyprint.formatting_structure import boxes

    for name in ("BlockContainerBox", "LineBox", "TextBox", "MarginBox"):
        assert hasattr(boxes, name), f"WeasyPrint {weasyprint.__version__} moved boxes.{name}"
    html = (
        "<style>@page { size: 120mm 80mm; margin: 15mm; @top-center { content: 'm' } }</style>"
        "<h2>Title</h2><p>Text here</p>"
    )
    page = weasyprint.HTML(string=html).render().pages[0]
    assert hasattr(page, "_page_box"), (
        f"WeasyPrint {weasyprint.__version__} no longer has Page._page_box: "
        "cards.too_wide and booklet.layout_problems read it"
    )
    root = page._page_box
    assert root.page_type.name is None or isinstance(root.page_type.name, str)

    def walk(box):
        yield box
        for child in getattr(box, "children", ()):
            yield from walk(child)

    every = list(walk(root))
    blocks = [b for b in every if isinstance(b, boxes.BlockContainerBox)]
    lines = [b for b in every if isinstance(b, boxes.LineBox)]
    texts = [b for b in every if isinstance(b, boxes.TextBox)]
    assert blocks and lines and texts
    assert any(isinstance(b, boxes.MarginBox) for b in every)
    block = next(b for b in blocks if any(isinstance(c, boxes.LineBox) for c in b.children))
    assert isinstance(block.content_box_x() + block.width, float)
    assert all(isinstance(t.position_x + t.width, float) for t in texts)
    assert "".join(t.text for t in texts) == "TitleText herem"  # page content, then margin boxes
    assert "h2" in {getattr(b, "element_tag", None) for b in every}
    assert any(getattr(b, "element", None) is not None for b in every)


def test_weasyprint_url_fetcher_class_is_what_the_renderer_subclasses():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    assert issubclass(FatalURLFetchingError, BaseException)
    assert callable(URLFetcher.fetch)
    response = URLFetcherResponse("file:///x.css", b"p {}", {"Content-Type": "text/css"})
    assert response is not None


def test_pypdf_private_add_object_is_where_sheets_uses_it():
    """sheets.page_form and the registration colour space call ``PdfWriter._add_object``."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, IndirectObject, NameObject

    writer = PdfWriter()
    assert hasattr(writer, "_add_object"), (
        f"pypdf {version('pypdf')} no longer has PdfWriter._add_object: sheets.py uses it"
    )
    ref = writer._add_object(ArrayObject([NameObject("/DeviceCMYK")]))
    assert isinstance(ref, IndirectObject)
    page = writer.add_blank_page(10, 10)
    page[NameObject("/Test")] = ref
    out = io.BytesIO()
    writer.write(out)
    again = PdfReader(io.BytesIO(out.getvalue())).pages[0]
    assert again["/Test"].get_object()[0] == "/DeviceCMYK"


def test_the_package_ships_every_layout_label_and_font():
    """pyproject's package-data globs must cover what the renderer reads from the package."""
    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    shipped = {
        "layouts": [p for g in data["charterpress.layouts"] for p in (ROOT / "layouts").glob(g)],
        "assets": [p for g in data["charterpress.assets"] for p in (ROOT / "assets").glob(g)],
    }
    for folder in ("base", "labels"):
        files = [p for p in (ROOT / "layouts" / folder).rglob("*") if p.is_file()]
        assert files and set(files) <= set(shipped["layouts"])
    fonts = [p for p in (ROOT / "assets" / "fonts").rglob("*") if p.is_file()]
    assert fonts and set(fonts) <= set(shipped["assets"])
    for css in (ROOT / "layouts").rglob("*.css"):
        for url in re.findall(r'url\("(assets/[^"]+)"\)', css.read_text(encoding="utf-8")):
            assert Path(ROOT / url) in set(shipped["assets"]), f"{css}: {url} is not shipped"
