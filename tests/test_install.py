"""Installed anywhere: a wheel in a fresh venv builds a project made by `charterpress new` in an
empty folder, the project's own layouts win, and the global options work on both sides."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from charterpress.__main__ import main
from pypdf import PdfReader
from support import ROOT

SHIPPED = ("pyproject.toml", "README.md", "LICENSE", "builder", "layouts", "assets")
"""What building the wheel reads from the repository."""
MARK = "OWN LAYOUT 4711"


def _clean_env() -> dict[str, str]:
    """Return the environment without anything that would point Python at this checkout."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """Build the wheel from a copy of the repository and install it into a fresh venv.

    The venv borrows the dependencies from this test's environment (a .pth file naming its
    site-packages) so that nothing is downloaded; charterpress itself comes only from the wheel.
    """
    tmp = tmp_path_factory.mktemp("wheel")
    tree = tmp / "tree"
    tree.mkdir()
    for name in SHIPPED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, tree / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "-w", str(tmp / "wheels"), str(tree)],
        check=True,
        env=_clean_env(),
    )
    wheel = next((tmp / "wheels").glob("charterpress-*.whl"))
    env = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    python = env / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True, env=_clean_env(),
    ).stdout.strip()  # fmt: skip
    (Path(site) / "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [*pip, "--python", str(python), "install", "--no-deps", str(wheel)],
        check=True,
        env=_clean_env(),
    )
    return env


def run_in(folder: Path, *args: str | Path) -> subprocess.CompletedProcess:
    """Run a command as a user would in ``folder``, with no trace of this checkout."""
    result = subprocess.run(
        [str(a) for a in args],
        cwd=folder,
        capture_output=True,
        text=True,
        env=_clean_env(),
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result


def text_of(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_the_wheel_holds_the_layouts_and_fonts_and_not_this_checkout(venv, tmp_path):
    python = venv / "bin" / "python"
    where = run_in(
        tmp_path,
        python,
        "-c",
        "import charterpress, charterpress.project as p; print(charterpress.__file__); print(p.DATA)",
    )
    module, data = where.stdout.split()
    assert Path(module).is_relative_to(venv) and Path(data) == Path(module).parent
    assert (Path(data) / "layouts" / "labels" / "da.yaml").is_file()
    assert sorted(p.name for p in (Path(data) / "assets" / "fonts").rglob("LICENSE*"))
    assert run_in(tmp_path, python, "-m", "charterpress", "--version").stdout.startswith(
        "charterpress "
    )


def test_a_project_made_by_new_in_an_empty_folder_builds_and_its_own_layout_wins(venv, tmp_path):
    command = venv / "bin" / "charterpress"
    project = tmp_path / "project"
    project.mkdir()
    run_in(project, command, "new", "roskilde")
    run_in(project, command, "-q", "new", "koege")
    assert sorted(p.name for p in (project / "sources").iterdir()) == [
        "charter.schema.json",
        "koege.yaml",
        "roskilde.yaml",
    ]
    # roskilde's own back cover: the packaged one with a line added
    base = Path(
        run_in(
            project,
            venv / "bin" / "python",
            "-c",
            "import charterpress.project as p; print(p.DATA)",
        ).stdout.strip()
    )
    own = (base / "layouts" / "base" / "booklet-back.html").read_text(encoding="utf-8")
    head, tail = own.rsplit("</section>", 1)
    (project / "layouts" / "roskilde").mkdir(parents=True)
    (project / "layouts" / "roskilde" / "booklet-back.html").write_text(
        f"{head}<p>{MARK}</p></section>{tail}", encoding="utf-8"
    )

    run_in(project, command, "check")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    built = run_in(elsewhere, command, "build", "--project", str(project), "-j", "2")
    dist = project / "dist"
    for slug in ("roskilde", "koege"):
        names = sorted(p.name for p in (dist / slug).glob("*.pdf"))
        assert names == sorted(
            f"{slug}-{kind}.pdf"
            for kind in (
                "booklet",
                "booklet-print",
                "booklet-imposed",
                "cards-print",
                "cards-sheets",
                "cards-slides",  # the facilitation pack (builder/products/cards/facilitation.py)
                "guide",
                "print-order",  # the job sheet (builder/products/printorder/)
            )
        )
    assert str(dist / "roskilde" / "roskilde-booklet.pdf") in built.stdout
    assert MARK in text_of(dist / "roskilde" / "roskilde-booklet.pdf")
    assert MARK not in text_of(dist / "koege" / "koege-booklet.pdf")
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(dist / "koege" / "koege-cards-print.pdf").pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("Inter" in f or "Charis" in f for f in fonts), fonts
    assert not list(elsewhere.iterdir()), "nothing is written outside the project"


# --- Global options ---------------------------------------------------------------------------


@pytest.fixture
def starter(tmp_path, capsys) -> Path:
    assert main(["new", "roskilde", "--project", str(tmp_path)]) == 0
    capsys.readouterr()
    return tmp_path


@pytest.mark.parametrize("args", [["-q", "check"], ["check", "-q"], ["--quiet", "check"]])
def test_quiet_before_or_after_the_command_prints_nothing(starter, monkeypatch, capsys, args):
    monkeypatch.chdir(starter)
    assert main(args) == 0
    assert capsys.readouterr() == ("", "")


def test_check_without_quiet_says_ok(starter, monkeypatch, capsys):
    monkeypatch.chdir(starter)
    assert main(["check"]) == 0
    assert capsys.readouterr().out.startswith("sources/roskilde.yaml: ok: ")


@pytest.mark.parametrize(
    "args",
    [
        ["--project", "{p}", "check"],
        ["check", "--project", "{p}"],
        ["-q", "check", "--project", "{p}", "-v"],
    ],
)
def test_project_before_or_after_the_command(starter, monkeypatch, tmp_path_factory, capsys, args):
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    assert main([a.format(p=starter) for a in args]) == 0
    out = capsys.readouterr().out
    assert out == "" if "-q" in args else out.startswith(f"{starter}/sources/roskilde.yaml: ok: ")


def test_new_quiet_and_project_after_the_command(tmp_path, capsys):
    assert main(["new", "koege", "-q", "--project", str(tmp_path)]) == 0
    assert capsys.readouterr() == ("", "")
    assert (tmp_path / "sources" / "koege.yaml").is_file()
    assert (tmp_path / "sources" / "charter.schema.json").is_file()


def test_verbose_counts_on_both_sides(monkeypatch, tmp_path):
    seen = {}
    monkeypatch.setattr(
        "charterpress.__main__.cmd_check", lambda args: seen.update(vars(args)) or 0
    )
    assert main(["-v", "check", "-v", "--project", str(tmp_path)]) == 0
    assert seen["verbose"] == 2 and seen["quiet"] is False


def test_a_missing_project_folder_is_a_usage_error(tmp_path, capsys):
    assert main(["check", "--project", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"charterpress: --project {tmp_path / 'nope'}: no such folder"
    )


def test_build_quiet_prints_nothing(starter, capsys):
    assert main(["build", "-q", "--only", "cards", "--project", str(starter)]) == 0
    assert capsys.readouterr() == ("", "")
    assert (starter / "dist" / "roskilde" / "roskilde-cards-print.pdf").is_file()
