"""Dependencies used in one place: WeasyPrint's layout tree is read by ``layout/tree.py`` alone,
and PDFs are written with pypdf by ``prepress/pdf.py`` alone.

Read from the source with the AST, not by importing. Outside ``tree.py`` no module may name
``Page._page_box``, import WeasyPrint's box classes or layout (``weasyprint.formatting_structure``,
``weasyprint.layout``), or read the attributes that only boxes have (``.children``,
``.element_tag``, ``.replacement``, ``.position_y``, ``.content_box_x()`` …): they ask
``tree.py`` (``tree.children(box)``, ``tree.placed(box).y`` …). The names ``tree.py`` reads are
checked against the installed WeasyPrint in ``test_packaging.py``.

Outside ``pdf.py`` no module may import pypdf's ``PdfWriter``, import or call the generic
object constructors that exist to write (``NameObject``, ``NumberObject``, ``StreamObject`` …),
call ``ArrayObject(…)``, ``DictionaryObject(…)`` or ``RectangleObject(…)`` (those may be imported, for
``isinstance`` and annotations, by the modules that read a PDF), or touch the writer's private
``_add_object``, ``_objects`` or ``_id_translated``. Reading with ``PdfReader`` (and
``ContentStream``, which parses) stays where a PDF is read.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "builder"
READER = Path("layout") / "tree.py"
"""The one module that reads the layout tree (relative to the package)."""

PRIVATE_MODULES = ("weasyprint.formatting_structure", "weasyprint.layout")
"""WeasyPrint's box classes and its layout code: not its public API."""
BOX_ATTRIBUTES = frozenset(
    {
        "_page_box",
        "children",
        "element_tag",
        "replacement",
        "page_type",
        "position_x",
        "position_y",
        "content_box_x",
        "content_box_y",
        "padding_box_x",
        "padding_box_y",
        "border_box_x",
        "border_box_y",
        "border_width",
        "border_height",
        "margin_width",
        "margin_height",
    }
)
"""Attributes only WeasyPrint's pages and boxes have (generic ones like ``width`` or ``text``
are left out: models and rectangles have them too)."""


PDF_WRITER = Path("prepress") / "pdf.py"
"""The one module that writes PDFs with pypdf (relative to the package)."""
WRITE_ONLY = frozenset(
    {
        "PdfWriter",
        "NameObject",
        "NumberObject",
        "FloatObject",
        "TextStringObject",
        "ByteStringObject",
        "BooleanObject",
        "NullObject",
        "StreamObject",
        "DecodedStreamObject",
        "EncodedStreamObject",
    }
)
"""pypdf names no reader needs: the writer and the constructors of the objects it writes."""
BUILT = frozenset({"ArrayObject", "DictionaryObject", "RectangleObject"})
"""Generic classes a reader meets and may name (``isinstance``, annotations: a page's boxes are
RectangleObjects) but only the writer builds."""
WRITER_PRIVATE = frozenset({"_add_object", "_objects", "_id_translated"})
"""PdfWriter's private state that composing a PDF reaches into."""


def _private_module(name: str) -> bool:
    return any(name == m or name.startswith(m + ".") for m in PRIVATE_MODULES)


def tree_uses(path: Path) -> list[tuple[int, str]]:
    """Return (line, what) for each use of WeasyPrint's layout tree in the module at ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if _private_module(node.module) or any(
                _private_module(f"{node.module}.{a.name}") for a in node.names
            ):
                found.append((node.lineno, f"from {node.module} import …"))
        elif isinstance(node, ast.Import):
            found += [
                (node.lineno, f"import {a.name}") for a in node.names if _private_module(a.name)
            ]
        elif isinstance(node, ast.Attribute):
            chain = ast.unparse(node)
            if _private_module(chain):
                found.append((node.lineno, chain))
            elif node.attr in BOX_ATTRIBUTES and not (
                isinstance(node.value, ast.Name) and node.value.id == "tree"
            ):
                found.append((node.lineno, f".{node.attr}"))
        elif isinstance(node, ast.Constant) and node.value in BOX_ATTRIBUTES:
            found.append((node.lineno, repr(node.value)))  # getattr(box, "children", ())
    return sorted(set(found))


def tree_readers(package: Path = PACKAGE) -> list[str]:
    """Return 'module:line: what' for each use of the layout tree outside ``tree.py``."""
    found = []
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" in path.parts or path.relative_to(package) == READER:
            continue
        rel = path.relative_to(package)
        found += [f"{rel}:{line}: {what}" for line, what in tree_uses(path)]
    return found


def test_only_tree_py_reads_weasyprints_layout_tree():
    assert tree_readers() == [], "read the layout through layout/tree.py instead"


def test_tree_py_is_where_the_layout_tree_is_read():
    uses = {what for _, what in tree_uses(PACKAGE / READER)}
    assert "from weasyprint.formatting_structure.boxes import …" in uses
    assert "._page_box" in uses


def test_the_check_finds_each_kind_of_use(tmp_path):
    (tmp_path / "layout").mkdir()
    (tmp_path / "layout" / "tree.py").write_text("def page_box(page):\n    return page._page_box\n")
    (tmp_path / "a.py").write_text("from weasyprint.formatting_structure.boxes import LineBox\n")
    (tmp_path / "b.py").write_text(
        "import weasyprint\n\n\ndef f(page):\n    return page._page_box.children\n"
    )
    (tmp_path / "c.py").write_text(
        "from weasyprint.formatting_structure import boxes\n"
        "import weasyprint.layout\n"
        "from weasyprint import formatting_structure\n"
        "def g(box, tree):\n"
        "    return getattr(box, 'replacement', None), tree.children(box), box.position_y\n"
    )
    (tmp_path / "d.py").write_text(
        "import weasyprint\n\n\ndef h(box):\n"
        "    return weasyprint.formatting_structure.boxes.TextBox, box.width, box.text\n"
    )
    assert tree_readers(tmp_path) == [
        "a.py:1: from weasyprint.formatting_structure.boxes import …",
        "b.py:5: ._page_box",
        "b.py:5: .children",
        "c.py:1: from weasyprint.formatting_structure import …",
        "c.py:2: import weasyprint.layout",
        "c.py:3: from weasyprint import …",
        "c.py:5: 'replacement'",
        "c.py:5: .position_y",
        "d.py:5: weasyprint.formatting_structure",
        "d.py:5: weasyprint.formatting_structure.boxes",
        "d.py:5: weasyprint.formatting_structure.boxes.TextBox",
    ]


def pypdf_writes(path: Path) -> list[tuple[int, str]]:
    """Return (line, what) for each use of pypdf's writing API in the module at ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if node.module.split(".")[0] == "pypdf":
                found += [
                    (node.lineno, f"from {node.module} import {a.name}")
                    for a in node.names
                    if a.name in WRITE_ONLY
                ]
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if called in WRITE_ONLY | BUILT:
                found.append((node.lineno, f"{called}(…)"))
        elif isinstance(node, ast.Attribute):
            if node.attr in WRITER_PRIVATE:
                found.append((node.lineno, f".{node.attr}"))
            elif node.attr == "PdfWriter":
                found.append((node.lineno, ast.unparse(node)))
    return sorted(set(found))


def pypdf_writers(package: Path = PACKAGE) -> list[str]:
    """Return 'module:line: what' for each use of pypdf's writing API outside ``pdf.py``."""
    found = []
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" in path.parts or path.relative_to(package) == PDF_WRITER:
            continue
        rel = path.relative_to(package)
        found += [f"{rel}:{line}: {what}" for line, what in pypdf_writes(path)]
    return found


def test_only_pdf_py_writes_pdfs_with_pypdf():
    assert pypdf_writers() == [], "write PDFs through prepress/pdf.py instead"


def test_pdf_py_is_where_pdfs_are_written():
    uses = {what for _, what in pypdf_writes(PACKAGE / PDF_WRITER)}
    assert {"from pypdf import PdfWriter", "NameObject(…)", "DictionaryObject(…)"} <= uses
    assert {"._add_object", "._objects", "._id_translated"} <= uses


def test_the_pdf_check_finds_each_kind_of_write(tmp_path):
    (tmp_path / "prepress").mkdir()
    (tmp_path / "prepress" / "pdf.py").write_text("from pypdf import PdfWriter\n")
    (tmp_path / "a.py").write_text(
        "from pypdf import PdfReader, PdfWriter\n"
        "from pypdf.generic import ArrayObject, ContentStream, NameObject\n"
    )
    (tmp_path / "b.py").write_text(
        "import pypdf\nfrom pypdf import generic\n\n\ndef f(writer, x):\n"
        "    w = pypdf.PdfWriter()\n"
        "    return writer._add_object(generic.DictionaryObject()), isinstance(x, generic.ArrayObject)\n"
    )
    (tmp_path / "c.py").write_text(
        "from pypdf.generic import ArrayObject, ContentStream\n\n\ndef g(x, reader):\n"
        "    return isinstance(x, ArrayObject), ContentStream(x, reader), ArrayObject([x])\n"
    )
    assert pypdf_writers(tmp_path) == [
        "a.py:1: from pypdf import PdfWriter",
        "a.py:2: from pypdf.generic import NameObject",
        "b.py:6: PdfWriter(…)",
        "b.py:6: pypdf.PdfWriter",
        "b.py:7: ._add_object",
        "b.py:7: DictionaryObject(…)",
        "c.py:5: ArrayObject(…)",
    ]
