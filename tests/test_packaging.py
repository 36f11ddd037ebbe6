"""Honest packaging: the dependencies are the ones the code imports, and the private APIs we
lean on (WeasyPrint's layout tree, pydyf's page tree, pypdf's object table) are still where the
pins promise. The names checked are read from the source where they can be (every attribute
``layout/tree.py`` reads, every name imported from WeasyPrint, pydyf and pypdf, every ``x._name``),
so that a new use of a private API fails here until it is checked.

When one of these tests fails after an upgrade, do not loosen the test: update the code that
reads the private API (``layout/tree.py`` for the layout tree, ``prepress/pdf.py`` …) and the
pin in pyproject.toml together.
"""

from __future__ import annotations

import ast
import io
import re
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml
from support import ROOT

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


# --- WeasyPrint's layout tree: every name layout/tree.py reads --------------------------------

TREE = ROOT / "builder" / "layout" / "tree.py"
SAMPLE = """<style>
@page { size: 120mm 160mm; margin: 15mm; @top-center { content: 'm' } }
@page part { margin: 10mm }
.part { page: part }
li { list-style-position: outside }
</style>
<h2 class="head">Title</h2><p>Text <em>here</em></p><ul><li>Item</li></ul>
<img src="IMAGE" style="width: 20mm">
<section class="part"><p>Part</p></section>
"""
"""A layout with every kind of box tree.py reads: a margin box, a heading, an inline box, a
list marker (a ::marker box), a replaced image, a named page."""


def tree_reads() -> set[str]:
    """Return every attribute name ``layout/tree.py`` reads, from its source (AST): ``x.name``
    (but not on ``self``: its own Rect) and ``getattr(x, "name", …)``."""
    names = set()
    for node in ast.walk(ast.parse(TREE.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute):
            if not (isinstance(node.value, ast.Name) and node.value.id == "self"):
                names.add(node.attr)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "getattr":
            names.add(node.args[1].value)
    return names


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The laid-out SAMPLE: (document, every box of every page, the root included)."""
    import weasyprint
    from charterpress.layout import tree
    from PIL import Image

    image = tmp_path_factory.mktemp("tree") / "dot.png"
    Image.new("RGB", (40, 40), "red").save(image)
    html = SAMPLE.replace("IMAGE", image.as_uri())
    document = weasyprint.HTML(string=html, base_url=str(image.parent)).render()
    every = [
        b for p in document.pages for b in (tree.page_box(p), *tree.descendants(tree.page_box(p)))
    ]
    return document, every


def test_weasyprint_has_every_name_tree_py_reads(sample):
    """tree.py is the one reader of WeasyPrint's private layout tree: each attribute it reads is
    looked for on the objects of a real layout (pages, their page types, boxes, elements), and on
    str and list for the few it calls on its own strings and stacks."""
    import weasyprint
    from charterpress.layout import tree

    document, every = sample
    reads = tree_reads()
    assert {"_page_box", "children", "element_tag", "replacement", "page_type"} <= reads
    objects = [
        *document.pages,
        *(tree.page_box(p).page_type for p in document.pages),
        *every,
        *(b.element for b in every if getattr(b, "element", None) is not None),
        *(b.style["background_color"] for b in every),  # tree.paints reads a colour's alpha
        "",
        [],
    ]
    missing = sorted(n for n in reads if not any(hasattr(o, n) for o in objects))
    assert missing == [], (
        f"WeasyPrint {weasyprint.__version__} has none of {missing}, which layout/tree.py reads: "
        "update tree.py (and the pin) together"
    )


def test_tree_py_reads_the_layout_as_its_callers_expect(sample):
    """Each reader of tree.py on the sample: what cards, booklet, images and the proof rely on."""
    from charterpress.layout import tree

    document, every = sample
    first, part = document.pages
    root = tree.page_box(first)
    assert not tree.page_type(first) and tree.page_type(part) == "part"
    assert any(tree.is_margin(b) for b in tree.descendants(root))
    assert not any(tree.is_margin(b) for b in tree.descendants(root, margins=False))
    assert [tree.text(t) for t in tree.descendants(root, tree.TEXT)][-1] == "m"  # margins last
    texts = list(tree.line_texts(root))
    assert texts[:2] == ["Title", "Text here"] and "m" not in texts and "Item" in "".join(texts)
    for ancestors, line in tree.lines(root):
        assert ancestors[0] is root and tree.is_line(line)
    parents = [tree.tag(b) for b in every if tree.element(b) is not None and not tree.own(b)]
    assert "li::marker" in parents
    owners = {e.tag for e, _ in tree.paragraph_lines(root) if e is not None}
    assert {"h2", "p", "li"} <= owners
    assert [e.tag for e in tree.elements(root, "head")] == ["h2"]
    assert tree.elements(tree.page_box(part), "part")
    ((image, width),) = list(tree.images(root))
    assert image.tag == "img" and abs(width - 20 * 96 / 25.4) < 0.01
    block = next(b for b in tree.descendants(root, tree.BLOCK) if tree.child_lines(b))
    for rect in (tree.placed(block), tree.content(block), tree.border(block)):
        assert all(isinstance(v, float) for v in rect) and rect.right >= rect.x
    assert tree.outer_height(block) >= tree.content(block).height > 0
    assert tree.text_boxes(tree.child_lines(block)[0])


# --- Every other name the package takes from WeasyPrint, pydyf and pypdf -----------------------

LIBRARIES = ("weasyprint", "pydyf", "pypdf")


def _library_names() -> dict[tuple[str, str], list[str]]:
    """Return {(module, name): where} for each name the package takes from LIBRARIES:
    ``from module import name`` and ``library.name`` (on an ``import library``)."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted((ROOT / "builder").rglob("*.py")):
        where = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and not node.level and node.module:
                if node.module.split(".")[0] in LIBRARIES:
                    for alias in node.names:
                        found.setdefault((node.module, alias.name), []).append(where)
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in LIBRARIES
            ):
                found.setdefault((node.value.id, node.attr), []).append(where)
    return found


def test_every_name_taken_from_weasyprint_pydyf_and_pypdf_is_there():
    """Derived from the source, so it cannot drift: the box classes (InlineBox …) tree.py
    imports, pydyf's private ``_to_bytes``, pypdf's generic objects … at the installed versions."""
    import importlib

    names = _library_names()
    assert ("weasyprint.formatting_structure.boxes", "InlineBox") in names
    assert ("pydyf", "_to_bytes") in names
    missing = []
    for (module, name), where in sorted(names.items()):
        target = importlib.import_module(module)
        if not hasattr(target, name):
            try:
                importlib.import_module(f"{module}.{name}")
            except ImportError:
                missing.append(f"{module}.{name} ({', '.join(sorted(set(where)))})")
    assert missing == [], "gone from the installed versions: " + "; ".join(missing)


# --- Private attributes: every one the package reads has a check here --------------------------

PRIVATE = {
    "_page_box": "test_weasyprint_has_every_name_tree_py_reads",
    "_to_bytes": "test_every_name_taken_from_weasyprint_pydyf_and_pypdf_is_there",
    "_add_object": "test_pypdf_private_add_object_is_where_pdf_py_uses_it",
    "_p": "test_python_docx_private_elements_are_where_the_importer_reads_them",
    "_tc": "test_python_docx_private_elements_are_where_the_importer_reads_them",
    "_objects": "test_pypdf_private_object_list_and_clone_map_are_where_pdf_py_uses_them",
    "_id_translated": "test_pypdf_private_object_list_and_clone_map_are_where_pdf_py_uses_them",
}
"""Each private attribute (``x._name``) the package reads off another library's object, and the
test here that checks it is still there."""
PYPDF_PRIVATE = ("_add_object", "_objects", "_id_translated")
"""pypdf's private names: used in ``prepress/pdf.py`` alone, the one module that writes with it."""
HIDDEN_INTERNALS = {
    "Kids": "test_weasyprint_pdf_internals_are_where_the_finishers_read_them",
    "file_content": "test_weasyprint_pdf_internals_are_where_the_finishers_read_them",
    ".stream": "test_weasyprint_pdf_internals_are_where_the_finishers_read_them",
}
"""Internals without an underscore, which no scan can tell from public names: pydyf's page tree
(``pdf.pages['Kids']``, read by the finishers), a content ``Stream.stream`` (rewritten by
``facilitation``) and WeasyPrint's ``Font.file_content`` (the font programs a PDF embeds, read
by ``render.to_pdf``). Each must still appear in the source."""


def private_attributes() -> dict[str, list[str]]:
    """Return {name: where} of each ``x._name`` in the package's source that is not on ``self``
    or ``cls``, on a module or name imported from the package itself, or on a standard module."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "builder").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        ours = {"self", "cls"}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                ours.update(a.asname or a.name for a in node.names)
            elif isinstance(node, ast.Import):
                ours.update(
                    a.asname or a.name
                    for a in node.names
                    if a.name.split(".")[0] in sys.stdlib_module_names
                )
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute) or not node.attr.startswith("_"):
                continue
            if node.attr.startswith("__") or (
                isinstance(node.value, ast.Name) and node.value.id in ours
            ):
                continue
            found.setdefault(node.attr, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_private_attribute_the_package_reads_is_checked_here():
    found = private_attributes()
    unchecked = {name: where for name, where in found.items() if name not in PRIVATE}
    assert unchecked == {}, "private names no test here checks: add one, and a line to PRIVATE"
    assert set(PRIVATE) - set(found) == set(), "no longer used: strike them from PRIVATE"
    elsewhere = {
        name: [w for w in found[name] if not w.startswith("builder/prepress/pdf.py:")]
        for name in PYPDF_PRIVATE
    }
    assert elsewhere == {name: [] for name in PYPDF_PRIVATE}, "pypdf's private API: pdf.py only"
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "builder").rglob("*.py"))
    for name in HIDDEN_INTERNALS:
        assert name in source, f"{name} is no longer used: strike it from HIDDEN_INTERNALS"
    for test in {*PRIVATE.values(), *HIDDEN_INTERNALS.values()}:
        assert callable(globals().get(test)), test


def test_weasyprint_pdf_internals_are_where_the_finishers_read_them():
    """The finishers (``pdfx``, ``printcolour``, ``facilitation``, ``onboarding``) walk pydyf's
    page tree, ``pdf.pages['Kids']`` in steps of three (number, generation, 'R'), through
    ``prepress/pdf.finisher_pages`` alone, and rewrite a page's content stream
    (``Stream.stream``, written with ``pydyf._to_bytes``); ``render.to_pdf`` reads each font's
    ``file_content`` once the PDF is written."""
    import pydyf
    import weasyprint
    from charterpress.prepress.pdf import finisher_pages
    from charterpress.prepress.printcolour import _resolve

    walkers = [
        f"{path.relative_to(ROOT)}"
        for path in (ROOT / "builder").rglob("*.py")
        if '["Kids"]' in path.read_text(encoding="utf-8")
    ]
    assert walkers == ["builder/prepress/pdf.py"], walkers
    seen = {}

    def finisher(document, pdf):
        pages = list(finisher_pages(pdf))
        page = pages[0]
        contents = _resolve(pdf, page["Contents"])
        seen["pages"] = len(pages)
        seen["type"] = page["Type"]
        seen["stream"] = b"".join(pydyf._to_bytes(item) for item in contents.stream) != b""

    html = "<style>@page { size: 60mm 40mm }</style><p>One</p><p style='break-before: page'>Two</p>"
    document = weasyprint.HTML(string=html).render()
    document.write_pdf(finisher=finisher)
    assert seen == {"pages": 2, "type": "/Page", "stream": True}
    programs = [font.file_content for font in document.fonts.values()]
    assert programs and all(isinstance(p, bytes) and p for p in programs)


def test_python_docx_private_elements_are_where_the_importer_reads_them():
    """The importer reads a paragraph's numbering (``Paragraph._p.pPr.numPr``) and tells merged
    table cells apart by their element (``_Cell._tc``)."""
    docx = pytest.importorskip("docx")

    document = docx.Document()
    plain = document.add_paragraph("Text")
    assert plain._p.pPr is None or plain._p.pPr.numPr is None
    numbered = document.add_paragraph("Item")
    numbered._p.get_or_add_pPr().get_or_add_numPr()  # as Word writes a numbered paragraph
    assert numbered._p.pPr is not None and numbered._p.pPr.numPr is not None
    table = document.add_table(rows=1, cols=2)
    first, second = table.rows[0].cells
    first.merge(second)
    cells = table.rows[0].cells
    assert cells[0]._tc is cells[1]._tc


def test_weasyprint_url_fetcher_class_is_what_the_renderer_subclasses():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    assert issubclass(FatalURLFetchingError, BaseException)
    assert callable(URLFetcher.fetch)
    response = URLFetcherResponse("file:///x.css", b"p {}", {"Content-Type": "text/css"})
    assert response is not None


def test_pypdf_private_add_object_is_where_pdf_py_uses_it():
    """``prepress/pdf.py`` calls ``PdfWriter._add_object``: ``page_form``, the registration colour
    space, the sRGB profile stream (``set_default_rgb``) and ``add_object`` (``join``'s
    structure tree, outline and metadata)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, IndirectObject, NameObject

    writer = PdfWriter()
    assert hasattr(writer, "_add_object"), (
        f"pypdf {version('pypdf')} no longer has PdfWriter._add_object: pdf.py uses it"
    )
    ref = writer._add_object(ArrayObject([NameObject("/DeviceCMYK")]))
    assert isinstance(ref, IndirectObject)
    page = writer.add_blank_page(10, 10)
    page[NameObject("/Test")] = ref
    out = io.BytesIO()
    writer.write(out)
    again = PdfReader(io.BytesIO(out.getvalue())).pages[0]
    assert again["/Test"].get_object()[0] == "/DeviceCMYK"


def test_pypdf_private_object_list_and_clone_map_are_where_pdf_py_uses_them():
    """``prepress/join.Joiner`` adds each person's pages to one writer and takes their objects out
    again: through ``pdf.object_count``, ``pdf.cut_objects`` and ``pdf.forget_clones`` it
    truncates ``PdfWriter._objects`` and forgets the reader in ``_id_translated`` (the clone
    map), so the booklet's objects are cloned once for everyone."""
    from pypdf import PdfReader, PdfWriter

    source = PdfWriter()
    source.add_blank_page(10, 10)
    data = io.BytesIO()
    source.write(data)
    reader = PdfReader(io.BytesIO(data.getvalue()))
    writer = PdfWriter()
    assert isinstance(writer._objects, list) and isinstance(writer._id_translated, dict)
    size = len(writer._objects)
    writer.add_page(reader.pages[0])
    assert len(writer._objects) > size and id(reader) in writer._id_translated
    writer._id_translated.pop(id(reader))
    page = reader.pages[0].clone(writer)
    assert id(reader) in writer._id_translated and page.indirect_reference.idnum > size


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
        for url in re.findall(r'url\("(assets/[^"?]+)[^"]*"\)', css.read_text(encoding="utf-8")):
            if "{{" in url:  # a theme's font (theme.yaml mark.font, field.font): below
                continue
            assert Path(ROOT / url) in set(shipped["assets"]), f"{css}: {url} is not shipped"
    for theme in (ROOT / "layouts").rglob("theme.yaml"):
        look = yaml.safe_load(theme.read_text(encoding="utf-8")) or {}
        for key in ("mark", "field"):
            if font := (look.get(key) or {}).get("font"):
                path = ROOT / "assets" / "fonts" / font
                assert path in set(shipped["assets"]), f"{theme}: {key}.font {font} is not shipped"
