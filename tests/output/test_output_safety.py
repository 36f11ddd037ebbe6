"""The output folder defends itself: slugs, paths, the manifest, the lock, all or nothing."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time

import pytest
from charterpress.commands import build as pipeline
from charterpress.errors import BuildError, SourceError
from charterpress.output import write as output
from charterpress.output.write import MANIFEST, locked, write_all
from charterpress.values import Product
from support import SOURCES

RENDERED: list[str] = []


def fake_products(source, options, only=None, made=None):
    """Stand in for the renderers: cheap, and fails for a charter whose slug says so."""
    RENDERED.append(source.slug)
    if source.slug.startswith("fails"):
        raise BuildError(f"{source.name}: cannot render (test)")
    return [Product(f"{source.slug}-x.pdf", f"%PDF {source.digest}".encode(), 1)]


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "make_products", fake_products)
    RENDERED.clear()
    src = tmp_path / "sources"
    src.mkdir()
    for slug in ("glostrup", "ishoej"):
        shutil.copy(SOURCES / f"{slug}.yaml", src / f"{slug}.yaml")
    return src, tmp_path / "dist"


def build(src, out, **kw):
    return pipeline.build([], src, out, pipeline.Options(**kw))


def snapshot(folder):
    """Every file below ``folder`` with its bytes and mtime."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    "stem", ["..", ".", "-x", "x-", "a--b", "Glostrup", "a b", "x" * 41, "a.b", "æble"]
)
def test_a_bad_slug_is_a_located_problem_and_writes_nothing(project, stem):
    src, out = project
    shutil.copy(src / "ishoej.yaml", src / f"{stem}.yaml")
    with pytest.raises(SourceError) as caught:
        build(src, out)
    (line,) = [str(p) for p in caught.value.problems]
    assert "is not a usable slug" in line or "too long for a slug" in line
    assert line.startswith(str(src / stem)[: len(str(src)) + 2])
    assert RENDERED == []
    assert not out.exists()
    assert sorted(p.name for p in src.parent.iterdir()) == ["sources"]


@pytest.mark.parametrize(
    "parts", [("..", "x.pdf"), ("x", "../../y.pdf"), ("x", "/etc/z"), ("", "")]
)
def test_output_paths_are_proven_inside(tmp_path, parts):
    with pytest.raises(BuildError, match="outside"):
        output.inside(tmp_path / "dist", *parts)


def test_write_all_writes_nothing_when_a_path_is_outside(tmp_path):
    out = tmp_path / "dist"
    with pytest.raises(BuildError):
        write_all(out, {"ok": [Product("ok.pdf", b"1", 1)], "..": [Product("x.pdf", b"2", 1)]})
    assert not out.exists() and sorted(tmp_path.iterdir()) == []


def test_a_failed_charter_leaves_dist_byte_identical(project):
    src, out = project
    build(src, out)
    before = snapshot(out)
    (src / "glostrup.yaml").write_text(
        (src / "glostrup.yaml").read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8"
    )
    shutil.copy(src / "ishoej.yaml", src / "fails-late.yaml")
    with pytest.raises(BuildError, match="cannot render"):
        build(src, out)
    assert RENDERED[-2:] == ["fails-late", "glostrup"]  # every stale one rendered, none written
    assert snapshot(out) == before


def test_a_failed_first_build_leaves_no_folder(project):
    src, out = project
    shutil.copy(src / "ishoej.yaml", src / "fails.yaml")
    with pytest.raises(BuildError):
        build(src, out)
    assert not out.exists()


@pytest.mark.parametrize(
    "manifest",
    [
        "[]",
        '{"glostrup": 1}',
        '{"glostrup": {"key": "k"}}',
        '{"glostrup": {"key": "k", "files": {"../../etc/passwd": "x"}, "sizes": {}, "mtimes": {}}}',
        '{"../up": {"key": "k", "files": {}, "sizes": {}, "mtimes": {}}}',
        "not json",
        "\udcff",
        "[" * 100_000,
    ],
)
def test_a_damaged_or_foreign_manifest_is_ignored_with_a_warning(project, manifest, caplog):
    src, out = project
    build(src, out)
    (out / MANIFEST).write_text(manifest, encoding="utf-8", errors="surrogateescape")
    RENDERED.clear()
    build(src, out)
    assert RENDERED == ["glostrup", "ishoej"]
    assert "damaged or foreign manifest ignored" in caplog.text
    assert set(json.loads((out / MANIFEST).read_text(encoding="utf-8"))) == {"glostrup", "ishoej"}


def test_a_manifest_that_is_a_folder_is_ignored(project):
    src, out = project
    (out / MANIFEST).mkdir(parents=True)
    with pytest.raises(IsADirectoryError):
        build(src, out)  # cannot replace a folder with the manifest: an OSError, one line
    assert RENDERED == ["glostrup", "ishoej"]


def test_a_second_build_waits_for_the_first(project):
    src, out = project
    out.mkdir()
    events = []
    with locked(out):
        worker = threading.Thread(target=lambda: events.append(build(src, out)))
        worker.start()
        time.sleep(0.5)
        assert RENDERED == [] and not events  # waiting on the lock, nothing read or written
    worker.join(10)
    assert RENDERED == ["glostrup", "ishoej"]


def test_a_second_build_stops_with_a_clear_line_after_waiting(tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    fd = os.open(out, os.O_RDONLY)
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with (
            pytest.raises(BuildError, match="another build has been writing here"),
            locked(out, wait=0.3),
        ):
            pass
    finally:
        os.close(fd)


def test_source_reads_refuse_special_files(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / "big.yaml").write_bytes(b"#" * (300 * 1024))
    started = time.perf_counter()
    with pytest.raises(SourceError) as caught:
        pipeline.load_sources([tmp_path], tmp_path)
    assert time.perf_counter() - started < 1
    lines = sorted(str(p).replace(str(tmp_path) + "/", "") for p in caught.value.problems)
    assert lines == [
        "big.yaml: file is too large (307,200 bytes; at most 262,144): is it a charter source?",
        "folder.yaml: cannot read: a folder (a source must be a plain .yaml file)",
        "pipe.yaml: cannot read: not a regular file (a source must be a plain .yaml file)",
        "zero.yaml: is a symbolic link to a file outside the project (/dev/zero): the build "
        "reads only files inside the project folder; copy the file into the project",
    ]
