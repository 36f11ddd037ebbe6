"""Dependencies read in one place: WeasyPrint's layout tree is read by ``layout/tree.py`` alone.

Read from the source with the AST, not by importing. Outside ``tree.py`` no module may name
``Page._page_box``, import WeasyPrint's box classes or layout (``weasyprint.formatting_structure``,
``weasyprint.layout``), or read the attributes that only boxes have (``.children``,
``.element_tag``, ``.replacement``, ``.position_y``, ``.content_box_x()`` …): they ask
``tree.py`` (``tree.children(box)``, ``tree.placed(box).y`` …). The names ``tree.py`` reads are
checked against the installed WeasyPrint in ``test_packaging.py``.
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
