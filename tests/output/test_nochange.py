"""A rebuild with nothing changed reads the manifest and hashes, and imports none of the heavy
stack; a file the renderer read (a logo) is an input like the source."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from charterpress import project
from charterpress.__main__ import main
from charterpress.commands import build as pipeline
from charterpress.layout.render import ProjectFetcher
from charterpress.values import Product
from support import ROOT, SOURCES

HEAVY = ("pydantic", "weasyprint", "pypdf", "jinja2", "PIL", "fontTools")

PROBE = """
import sys
from charterpress.__main__ import main
code = main(sys.argv[1:])
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))
print(code, ",".join(heavy))
"""


def test_a_no_change_build_imports_neither_the_schema_nor_the_renderer(tmp_path, capsys):
    assert main(["new", "roskilde", "-q", "--project", str(tmp_path)]) == 0
    assert main(["build", "-q", "--only", "cards", "--project", str(tmp_path)]) == 0
    capsys.readouterr()
    args = ["build", "-q", "--only", "cards", "--project", str(tmp_path)]
    probe = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split("\n")[0] == "0 ", f"a no-change build imported {probe.stdout}"
    assert probe.stderr == ""


@pytest.fixture
def logo_project(tmp_path, monkeypatch):
    """A project whose (fake) renderer reads a picture outside layouts/ and assets/."""
    picture = tmp_path / "pictures" / "logo.svg"
    picture.parent.mkdir()
    picture.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    calls: list[str] = []

    def fake_products(source, options, only=None, made=None):
        calls.append(source.slug)
        ProjectFetcher().fetch(picture.as_uri())
        return [Product(f"{source.slug}-x.pdf", b"%PDF", 1)]

    monkeypatch.setattr(pipeline, "make_products", fake_products)
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "ishoej.yaml").write_bytes((SOURCES / "ishoej.yaml").read_bytes())
    project.use(tmp_path)
    yield tmp_path, picture, calls
    project.use(None)


def test_a_changed_picture_rebuilds_its_charter(logo_project):
    folder, picture, calls = logo_project

    def build():
        pipeline.build([], folder / "sources", folder / "dist", pipeline.Options())

    build()
    build()
    assert calls == ["ishoej"]
    picture.write_text("<svg xmlns='http://www.w3.org/2000/svg'><g/></svg>", encoding="utf-8")
    build()
    assert calls == ["ishoej", "ishoej"]
    build()
    assert calls == ["ishoej", "ishoej"]


def test_layouts_and_fonts_are_not_tracked_one_by_one(tmp_path):
    """They are in the cache key as a whole (pipeline._code_digest)."""
    project.use(tmp_path)
    try:
        assert not project.tracked(project.DATA / "assets" / "fonts" / "x.otf")
        assert not project.tracked(tmp_path / "layouts" / "x" / "cards.css")
        assert project.tracked(tmp_path / "pictures" / "logo.png")
    finally:
        project.use(None)
