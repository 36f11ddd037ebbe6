"""The orchestrator: a rebuild with nothing changed does no work; a change rebuilds what it touches."""

from __future__ import annotations

import shutil

import pytest
from charterpress.commands import build as pipeline
from charterpress.output.write import MANIFEST
from charterpress.values import Product
from support import SOURCES

CALLS: list[str] = []


def fake_products(source, options):
    """Stand in for the renderers: cheap, and counts its calls."""
    CALLS.append(source.slug)
    return [Product(f"{source.slug}-x.pdf", f"%PDF {source.digest}".encode(), 1)]


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "make_products", fake_products)
    CALLS.clear()
    src = tmp_path / "sources"
    src.mkdir()
    for slug in ("glostrup", "ishoej"):
        shutil.copy(SOURCES / f"{slug}.yaml", src / f"{slug}.yaml")
    return src, tmp_path / "dist"


def build(src, out, **kw):
    return pipeline.build([], src, out, pipeline.Options(**kw))


def test_no_change_rebuild_does_no_work(project):
    src, out = project
    first = build(src, out)
    assert CALLS == ["glostrup", "ishoej"]
    assert [b.skipped for b in first] == [False, False]
    assert (out / MANIFEST).is_file()
    second = build(src, out)
    assert CALLS == ["glostrup", "ishoej"]
    assert [b.skipped for b in second] == [True, True]


def test_a_changed_source_rebuilds_only_itself(project):
    src, out = project
    build(src, out)
    path = src / "ishoej.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    build(src, out)
    assert CALLS == ["glostrup", "ishoej", "ishoej"]


def test_a_deleted_or_edited_output_is_rebuilt(project):
    src, out = project
    build(src, out)
    (out / "glostrup" / "glostrup-x.pdf").unlink()
    (out / "ishoej" / "ishoej-x.pdf").write_bytes(b"tampered")
    build(src, out)
    assert CALLS == ["glostrup", "ishoej", "glostrup", "ishoej"]


def test_force_and_options_invalidate(project):
    src, out = project
    build(src, out)
    build(src, out, force=True)
    build(src, out, marks=True)
    assert CALLS == ["glostrup", "ishoej"] * 3


def test_parallel_build_writes_the_same_files(project, monkeypatch):
    src, out = project
    serial = {p.name: p.read_bytes() for b in build(src, out, force=True) for p in b.paths}
    parallel = {p.name: p.read_bytes() for b in build(src, out / "p", jobs=2) for p in b.paths}
    assert serial == parallel


def test_invalid_source_stops_before_any_write(project):
    src, out = project
    (src / "broken.yaml").write_text("meta: {}\n", encoding="utf-8")
    with pytest.raises(pipeline.SourceError) as caught:
        build(src, out)
    lines = [str(p) for p in caught.value.problems]
    assert lines[0].endswith("broken.yaml:1:1: sections: required")
    assert lines[1].endswith("broken.yaml:1:7: meta.municipality: required")
    assert CALLS == []
    assert not out.exists()
