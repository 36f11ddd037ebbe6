"""``--out`` never destroys a folder that is not ours: refused before anything is read or rendered.

Each case: exactly its one line, exit 1, no traceback, under 5 s, and every file of the project
(and of the refused folder) byte-identical.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from charterpress.__main__ import main
from support import DATA

SEED = DATA / "cards-english.yaml"
BUILD = ["build", "-q", "--only", "cards", "--no-preview"]
OWN = "a build replaces the files of its output folder; name a folder of its own, like dist"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "project"
    (folder / "sources").mkdir(parents=True)
    shutil.copy(SEED, folder / "sources" / "riverside.yaml")
    (folder / "layouts" / "riverside").mkdir(parents=True)
    (folder / "assets").mkdir()
    (folder / "site").mkdir()
    (folder / "site" / "index.html").write_text("<p>our intranet page</p>\n")
    monkeypatch.chdir(folder)
    return folder


def refused(project: Path, out: str, capsys) -> list[str]:
    before = snapshot(project.parent)
    started = time.perf_counter()
    code = main([*BUILD, "--out", out])
    seconds = time.perf_counter() - started
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == 1, err
    assert seconds < 5
    assert snapshot(project.parent) == before
    return err.splitlines()


@pytest.mark.parametrize(
    ("out", "why"),
    [
        ("sources", f"lies in the project's sources/ folder: {OWN}"),
        ("sources/new", f"lies in the project's sources/ folder: {OWN}"),
        ("layouts", f"lies in the project's layouts/ folder: {OWN}"),
        ("layouts/riverside", f"lies in the project's layouts/ folder: {OWN}"),
        ("assets", f"lies in the project's assets/ folder: {OWN}"),
        (".", f"is the project folder or a folder above it: {OWN}"),
        ("..", f"is the project folder or a folder above it: {OWN}"),
        ("/", f"is the project folder or a folder above it: {OWN}"),
        ("sources/..", f"is the project folder or a folder above it: {OWN}"),
        (
            "site",
            "holds files but no charterpress build (no .charterpress-manifest.json): it is not "
            "an output folder; name an empty or new folder",
        ),
        ("site/index.html", "is a file, not a folder"),
        (
            "/sys/charterpress-out",
            "cannot be written (in /sys): Operation not permitted; choose another folder",
        ),
    ],
)
def test_an_output_folder_that_is_not_ours_is_refused(project, out, why, capsys):
    assert refused(project, out, capsys) == [f"charterpress: --out {out}: {why}"]


def test_the_project_folder_named_by_project_is_protected_too(
    project, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    before = snapshot(project)
    code = main(["--project", str(project), *BUILD, "--out", str(project / "sources")])
    assert code == 1
    assert capsys.readouterr().err.splitlines() == [
        f"charterpress: --out {project / 'sources'}: lies in the project's sources/ folder: {OWN}"
    ]
    assert snapshot(project) == before


def test_a_folder_of_control_characters_is_named_escaped(project, capsys):
    (project / "site" / "x\x1b[2J").mkdir()
    (project / "site" / "x\x1b[2J" / "keep.txt").write_text("ours\n")
    lines = refused(project, "site/x\x1b[2J", capsys)
    assert lines[0].startswith("charterpress: --out site/x\\x1b[2J: holds files")


def test_a_new_an_empty_and_a_built_folder_are_fine(project, capsys):
    assert main([*BUILD, "--out", "out/new"]) == 0, capsys.readouterr().err
    (project / "empty").mkdir()
    assert main([*BUILD, "--out", "empty"]) == 0, capsys.readouterr().err
    assert (project / "empty" / ".charterpress-manifest.json").is_file()
    assert main([*BUILD, "--out", "empty"]) == 0  # a build's own folder, built again
    assert snapshot(project / "site") == {"index.html": b"<p>our intranet page</p>\n"}


def test_dist_holding_only_the_drafts_of_build_draft_is_ours(project, capsys):
    """The README's order: import, `serve --draft` (dist/drafts/), then the first `build`."""
    assert main(["build", "-q", "--draft", "--only", "cards", "--no-preview"]) == 0
    assert sorted(p.name for p in (project / "dist").iterdir()) == ["drafts"]
    assert main(BUILD) == 0, capsys.readouterr().err
    assert (project / "dist" / ".charterpress-manifest.json").is_file()
    assert (project / "dist" / "drafts" / ".charterpress-manifest.json").is_file()


def test_a_folder_holding_a_folder_that_is_not_ours_is_still_refused(project, capsys):
    (project / "site").rename(project / "out")
    (project / "out" / "index.html").rename(project / "out" / "keep.html")
    (project / "holder").mkdir()
    (project / "out").rename(project / "holder" / "site")
    assert refused(project, "holder", capsys)[0].startswith(
        "charterpress: --out holder: holds files"
    )
