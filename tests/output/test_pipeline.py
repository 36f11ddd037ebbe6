"""The orchestrator: a rebuild with nothing changed does no work; a change rebuilds what it touches."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from charterpress.commands import build as pipeline
from charterpress.output.write import MANIFEST
from charterpress.values import Product
from support import SOURCES

CALLS: list[str] = []


def fake_products(source, options, only=None, made=None):
    """Stand in for the renderers: cheap, and counts its calls. Built in parallel, a charter is
    its parts and then its readers: its one file is its first part's."""
    if made is not None or (only is not None and only[0] != pipeline.parts(options)[0]):
        return []
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


def test_a_build_in_parts_writes_what_one_process_writes_and_leaves_its_fonts(tmp_path):
    """Real renders: two charters built -j 2 (each in parts, its deck and its booklet in two
    workers, then its job sheet and preflight) write the bytes a -j 1 build writes. The workers
    are forked from a process that has rendered: each makes its own font configuration. (With
    the inherited one, a worker that loaded a theme's fonts the parent had not drew them from
    the host: DejaVu, refused by the font proof.) The parent's stays usable."""
    from charterpress.layout import proof, render
    from support import load

    padding = Path(__file__).parents[1] / "data" / "booklet-padding.yaml"
    src = tmp_path / "sources"
    src.mkdir()
    for name in ("booklet-padding", "preview-shrunk"):
        shutil.copy(padding.with_name(f"{name}.yaml"), src / f"{name}.yaml")
    signal = (
        (src / "preview-shrunk.yaml")
        .read_text("utf-8")
        .replace("theme:\n", "theme:\n  name: signal\n")
    )
    (src / "preview-shrunk.yaml").write_text(signal, "utf-8")  # fonts the parent has not loaded
    pipeline.make_products(
        load(src / "booklet-padding.yaml"), pipeline.Options(products=("booklet",))
    )
    files = {}
    for jobs in (2, 1):  # (-j 2 first: forked from a process that has loaded our fonts)
        options = pipeline.Options(jobs=jobs, previews=False, products=("cards", "booklet"))
        built = pipeline.build([], src, tmp_path / f"j{jobs}", options)
        files[jobs] = {p.name: p.read_bytes() for b in built for p in b.paths}
    assert len(files[1]) >= 12 and files[1] == files[2]
    pdf = render.to_pdf(render.to_document(_A_BUNDLED_FONT))  # and still has them
    proof.check_fonts(load(src / "booklet-padding.yaml"), "after.pdf", pdf)


_A_BUNDLED_FONT = (
    '<style>@font-face { font-family: "Inter"; src: url("assets/fonts/inter/Inter-Regular.otf"); }'
    "</style><p style='font-family: Inter'>Æbleskiver på Østerbro</p>"
)
