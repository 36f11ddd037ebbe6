"""The command line: exit codes, one line per problem, no traceback, dist/ untouched on failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from charterpress.__main__ import main
from support import ROOT, SOURCES

EXPECTED_COUNTS = {
    "ballerup": "5 sections, 19 commitments",
    "gentofte": "4 sections, 12 commitments",
    "gladsaxe": "6 sections, 21 commitments",
    "glostrup": "5 sections, 27 commitments + 6 from the organisation",
    "ishoej": "4 sections, 28 commitments",
}


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the installed CLI as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "charterpress", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )


def test_check_summarises_every_charter():
    """One line for each charter sources/ holds; the five we ship with the counts we know.

    ``--quick``: the summary is the validation's; the layout of every card (the rest of a
    check, 15 s for the five here) is tested in tests/products/cards/test_check.py, and the
    builds of the suite prove that the cards of every charter in sources/ fit."""
    result = run("check", "--quick")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    slugs = sorted(p.stem for p in SOURCES.glob("*.yaml"))
    assert len(lines) == len(slugs)
    for line, slug in zip(lines, slugs, strict=True):
        assert line.startswith(f"sources/{slug}.yaml: ok: ")
        assert line.endswith(EXPECTED_COUNTS.get(slug) or counts_of(slug))


def counts_of(slug: str) -> str:
    """Count a source's sections and commitments from its YAML (not from our model)."""
    data = yaml.safe_load((SOURCES / f"{slug}.yaml").read_text(encoding="utf-8"))

    def commitments(part: dict) -> int:
        found = len(part.get("commitments", []))
        for block in part.get("body", []) or []:
            found += len(block.get("commitments", [])) if isinstance(block, dict) else 0
        return found

    sections = data["sections"]
    text = f"{len(sections)} sections, {sum(commitments(s) for s in sections)} commitments"
    org = data.get("organisation")
    return text + (f" + {commitments(org)} from the organisation" if org else "")


def test_check_reports_every_problem_of_every_file(tmp_path, capsys):
    (tmp_path / "a.yaml").write_text("meta:\n  municipality: A\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("meta: [\n", encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{_shown(tmp_path)}a.yaml:1:1: sections: required",
        f"{_shown(tmp_path)}a.yaml:2:3: meta.title: required",
        f"{_shown(tmp_path)}b.yaml:2:1: YAML syntax: the file ends inside a '[' or '{{': "
        "close it with ']' or '}'",
    ]


def _shown(folder: Path) -> str:
    """Return how the CLI names files in ``folder`` (relative to the cwd when below it)."""
    try:
        return str(folder.resolve().relative_to(Path.cwd().resolve())) + "/"
    except ValueError:
        return f"{folder}/"


def test_failed_build_leaves_dist_untouched(tmp_path):
    out = tmp_path / "dist"
    (out / "x").mkdir(parents=True)
    last_good = out / "x" / "x-booklet.pdf"
    last_good.write_bytes(b"%PDF-1.7 last good build")
    (out / ".charterpress-manifest.json").write_text("{}\n")  # a build's output folder
    before = last_good.stat().st_mtime_ns
    bad = tmp_path / "x.yaml"
    bad.write_text(
        (SOURCES / "glostrup.yaml").read_text(encoding="utf-8").replace("question:", "qestion:", 1),
        encoding="utf-8",
    )
    result = run("build", str(bad), "--out", str(out))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].endswith(": sections[0].body[4].commitments[0].question: needs a question")
    assert lines[1].endswith(
        ": sections[0].body[4].commitments[0].qestion: unknown key (did you mean 'question'?)"
    )
    assert last_good.read_bytes() == b"%PDF-1.7 last good build"
    assert last_good.stat().st_mtime_ns == before
    assert sorted(p.name for p in out.rglob("*")) == [
        ".charterpress-manifest.json",
        "x",
        "x-booklet.pdf",
    ]


def test_missing_file_is_one_line(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.yaml")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"{tmp_path / 'nope.yaml'}: cannot read: No such file or directory"]


def test_usage_error_exits_2(capsys):
    assert main(["build", "--nope"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "charterpress: unrecognized arguments: --nope (see `charterpress build --help`)"


def test_no_command_is_a_usage_error(capsys):
    assert main([]) == 2
    assert "the following arguments are required: COMMAND" in capsys.readouterr().err


@pytest.mark.parametrize("command", [[], ["check"], ["build"], ["new"]])
def test_help_on_every_command(command):
    result = run(*command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: charterpress")


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == "charterpress 0.1.0"


def test_new_writes_a_source_that_passes_check(tmp_path, capsys):
    assert main(["new", "roskilde", "--dir", str(tmp_path)]) == 0
    path = tmp_path / "roskilde.yaml"
    assert capsys.readouterr().out.strip() == str(path)
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")
    assert main(["check", str(path)]) == 0
    assert "ok: Roskilde Kommune: 1 sections, 2 commitments" in capsys.readouterr().out


def test_new_refuses_to_overwrite(tmp_path, capsys):
    (tmp_path / "roskilde.yaml").write_text("keep me", encoding="utf-8")
    assert main(["new", "roskilde", "--dir", str(tmp_path)]) == 1
    assert (tmp_path / "roskilde.yaml").read_text(encoding="utf-8") == "keep me"
    assert "already exists" in capsys.readouterr().err


def test_new_refuses_a_bad_slug(capsys):
    assert main(["new", "Ros kilde"]) == 1
    assert "is not a usable slug" in capsys.readouterr().err


def test_an_unwritable_output_folder_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "dist"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    source = SOURCES / "ballerup.yaml"
    assert main(["build", str(source), "--out", str(blocker), "--only", "cards", "-q"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("charterpress: ")
    assert blocker.read_text(encoding="utf-8") == "a file where the folder should be"


def test_a_charter_folder_that_cannot_be_written_stops_the_build_before_rendering(tmp_path, capsys):
    """A file where dist/SLUG/preview/ should be: one line, before any charter is called rendered."""
    out = tmp_path / "dist"
    source = SOURCES / "ballerup.yaml"
    assert main(["build", str(source), "--out", str(out), "--only", "cards", "-q"]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    cards = next((out / "ballerup").glob("*.pdf"))
    cards.write_bytes(b"edited, so the charter is stale")
    before[cards] = cards.read_bytes()
    previews = out / "ballerup" / "preview"
    if previews.is_dir():
        for png in previews.iterdir():
            png.unlink()
            del before[png]
        previews.rmdir()
    previews.write_text("a file where a folder should be", encoding="utf-8")
    before[previews] = previews.read_bytes()
    capsys.readouterr()
    assert main(["build", str(source), "--out", str(out), "--only", "cards"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"charterpress: --out {out}: ballerup/preview is not a folder; move it away or choose "
        "another folder"
    ]
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_build_does_not_import_the_server_the_importer_or_the_onboarding() -> None:
    """The commands a build does not need are declared only when named (or for --help): their
    modules are not imported, and a rebuild with nothing changed starts faster."""
    import subprocess
    import sys

    code = (
        "import sys; from charterpress import __main__ as m; m._parser(m._named(['-q', 'build']));"
        "print(sorted(sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    for name in ("commands.serve", "intake.importer", "commands.onboard", "commands.calibrate"):
        assert f"charterpress.{name}'" not in loaded, name
    assert "http.server" not in loaded
    every = subprocess.run(
        [sys.executable, "-m", "charterpress", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for name in ("serve", "import", "onboard", "calibrate", "questions"):
        assert f"    {name}" in every, name
