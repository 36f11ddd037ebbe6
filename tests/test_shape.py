"""The package's shape: stage subpackages, and no import circle between its modules.

Read from the source with the AST, not by importing: every ``import`` and ``from … import``
of the package counts, at module level or inside a function, except those under
``if TYPE_CHECKING:`` (annotations only, never run).
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "builder"
STAGES = ("source", "intake", "text", "layout", "products", "prepress", "output", "commands")


def _name(path: Path, package: Path = PACKAGE) -> str:
    parts = ["charterpress", *path.relative_to(package).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for n in ast.walk(node))
    return skipped


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Return {module: the package's modules it imports}, read from the source files."""
    modules = {_name(p, package): p for p in package.rglob("*.py") if "__pycache__" not in p.parts}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        skipped = _type_checking_nodes(tree)
        found: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here[: len(here) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:
                    full = f"{target}.{alias.name}"
                    found.add(full if full in modules else target)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected groups of more than one module (Tarjan), or self-loops."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


KNOWN_LAZY = {
    ("charterpress.projectfiles", "charterpress.source.load"),
    ("charterpress.projectfiles", "charterpress.layout.templates"),
    ("charterpress.projectfiles", "charterpress.text.hyphenate"),
}
"""Debt, listed so that it can only shrink: ``projectfiles`` (the rule every project file is read
by) calls back, inside functions, into the YAML loader, the labels and the hyphenation lists that
use it. Each edge is a function-level import; the test fails when one of them is gone, so that
it is struck from this list."""


def test_the_package_has_no_import_circle():
    graph = import_graph()
    for edge in sorted(KNOWN_LAZY):
        assert edge[1] in graph[edge[0]], f"{edge} is gone: strike it from KNOWN_LAZY"
        graph[edge[0]].discard(edge[1])
    found = cycles(graph)
    assert not found, "import circles: " + "; ".join(" -> ".join(c) for c in found)


def test_the_cycle_check_finds_a_circle(tmp_path):
    (tmp_path / "a.py").write_text("from . import b\n")
    (tmp_path / "b.py").write_text("def f():\n    from .a import x\n")
    (tmp_path / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n"
    )
    (tmp_path / "__init__.py").write_text("")
    graph = import_graph(tmp_path)
    assert cycles(graph) == [["charterpress.a", "charterpress.b"]]


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_is_a_subpackage(stage):
    assert (PACKAGE / stage / "__init__.py").is_file()


def test_the_top_level_holds_only_the_cli_and_the_shared_leaves():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == [
        "__init__.py",
        "__main__.py",
        "errors.py",
        "project.py",
        "projectfiles.py",
        "terminal.py",
        "units.py",
        "values.py",
    ]


def test_values_imports_nothing_of_the_package_but_errors():
    graph = import_graph()
    assert graph["charterpress.values"] <= {"charterpress.errors"}
    assert graph["charterpress.errors"] == set()


def test_units_imports_nothing_of_the_package():
    """``units.py`` (mm, pt, px and the shared print constants) is a leaf any module may import."""
    assert import_graph()["charterpress.units"] == set()


def _imported_names(path: Path, package: Path = PACKAGE) -> list[tuple[int, str, str]]:
    """Return (line, module, name) of every ``from … import name`` of the package in ``path``,
    relative or absolute, at module level or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if path.is_relative_to(package):
        name = _name(path, package)
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    else:
        here = []
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = here[: len(here) - (node.level - 1)]
            module = ".".join(base + ([node.module] if node.module else []))
        elif (node.module or "").split(".")[0] == "charterpress":
            module = node.module
        else:
            continue
        found += [(node.lineno, module, a.name) for a in node.names if a.name != "*"]
    return found


@pytest.mark.parametrize("folder", ["builder", "tests", "bench"])
def test_every_name_imported_from_the_package_exists(folder):
    """A function-level import that names a module or a name that is not there fails only when
    that function runs (watch's ``from .schema import image_fields`` after the restructure):
    every one is resolved here, by importing its module."""
    import importlib

    root = PACKAGE.parent / folder
    wrong = []
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts or "vendor" in path.parts:
            continue
        for line, module, name in _imported_names(path):
            try:
                target = importlib.import_module(module)
            except ImportError as error:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {module}: {error}")
                continue
            if not hasattr(target, name):
                try:
                    importlib.import_module(f"{module}.{name}")
                except ImportError:
                    wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {module} has no {name}")
    assert wrong == []


def test_the_tests_shared_parts_import_no_renderer():
    """conftest.py and support.py (every test file imports them) load no WeasyPrint: a pure test
    (the schema, the text rules) runs without the renderer, and the helpers move together in
    one file that test files import from, not from conftest."""
    import subprocess
    import sys

    tests = Path(__file__).resolve().parent
    probe = (
        f"import sys; sys.path.insert(0, {str(tests)!r}); import conftest, support; "
        "print(sorted(m for m in ('weasyprint', 'pypdfium2', 'pypdf') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    for path in (p for p in tests.rglob("*.py") if "vendor" not in p.parts):
        imported = {
            node.module
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom)
        }
        assert "conftest" not in imported, path.name


PURE = ("tests/source", "tests/text")
"""The test folders of the stages that need no renderer: they run without WeasyPrint."""


def test_the_pure_stages_tests_run_without_the_renderer():
    """``pytest tests/source tests/text`` runs its tests (the schema, the format's words, the
    content, colours, hyphenation rules) and no WeasyPrint, pypdf or pypdfium2 is imported."""
    import subprocess
    import sys

    root = PACKAGE.parent
    probe = (
        "import sys, pytest; "
        f"code = pytest.main(['-q', '-p', 'no:cacheprovider', '-p', 'no:xdist', *{list(PURE)!r}]); "
        "print('LOADED', sorted(m for m in ('weasyprint', 'pypdfium2', 'pypdf') if m in sys.modules)); "
        "sys.exit(code)"
    )
    # Not this run's id: a pytest that has it takes the run's shared builds for its own and
    # removes them when it ends, under the other test processes still reading them.
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_TESTRUNUID"}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, timeout=300,
        env=env,
    )  # fmt: skip
    tail = result.stdout[-3000:] + result.stderr[-2000:]
    assert result.returncode == 0, tail
    assert int(re.search(r"(\d+) passed", result.stdout)[1]) >= 100, tail
    assert "LOADED []" in result.stdout, tail
    for folder in PURE:  # every stage folder there holds tests
        assert list((root / folder).glob("test_*.py")), folder


def test_the_readme_names_every_module_of_the_package():
    """The README's "How it works" is the package's map: every module is named there (a module
    of a subpackage's subpackage as ``cards/deck.py``; a folder that is one ``__init__.py``,
    as ``printorder/``), so that a module added without a line in it fails here."""
    root = PACKAGE.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    start = readme.index("## How it works")
    opened = readme.index("```", start)
    block = readme[opened : readme.index("```", opened + 3)]
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = path.relative_to(PACKAGE).parts
        if path.name == "__init__.py":
            alone = not [p for p in path.parent.glob("*.py") if p.name != "__init__.py"]
            if len(parts) == 1 or not alone:
                continue
            name = parts[-2] + "/"
        else:
            name = f"{parts[-2]}/{path.name}" if len(parts) >= 3 else path.name
        if not re.search(rf"(^|\s){re.escape(name)}(\s|$)", block, re.M):
            missing.append(str(path.relative_to(root)))
    assert missing == [], "name them in the README's How it works"
