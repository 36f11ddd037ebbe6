"""Kill-safe: a build killed with SIGKILL or interrupted with Ctrl-C leaves no worker process,
no temporary file, and every PDF in dist/ the last good one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from charterpress.__main__ import main
from support import ROOT, ctrl_c_as_in_a_terminal

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")


def children(pid: int) -> list[int]:
    """Return the pids of the live (not zombie) children of ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """Tell whether ``pid`` runs (a zombie waiting to be reaped does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def project(tmp_path, capsys) -> Path:
    """A project with two small charters, built once: dist/ holds their last good PDFs."""
    for slug in ("roskilde", "koege"):
        assert main(["new", slug, "--project", str(tmp_path), "-q"]) == 0
    assert main(["build", "-q", "-j", "1", "--project", str(tmp_path)]) == 0
    capsys.readouterr()
    return tmp_path


def pdfs(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (project / "dist").rglob("*.pdf")}


def start_build(project: Path) -> subprocess.Popen:
    """Start a parallel build in its own process group; return once both workers render."""
    build = subprocess.Popen(
        [sys.executable, "-m", "charterpress", "build", "-q", "-j", "2", "--project", str(project)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=ctrl_c_as_in_a_terminal,
    )
    deadline = time.monotonic() + 60
    while len(children(build.pid)) < 2:
        assert build.poll() is None, build.stderr.read()
        assert time.monotonic() < deadline, "the workers never started"
        time.sleep(0.02)
    time.sleep(0.3)  # well into rendering
    return build


def edit(project: Path) -> None:
    """Change both sources, so that the next build renders both charters anew."""
    for source in (project / "sources").glob("*.yaml"):
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("sætter tydelige mål", "sætter klare mål"), encoding="utf-8")


def assert_clean(project: Path, workers: list[int], last_good: dict[str, bytes]) -> None:
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if alive(w)], "worker processes outlived the build"
    hidden = [p for p in project.rglob(".*") if p.name != ".charterpress-manifest.json"]
    assert hidden == [], "temporary files left behind"
    assert pdfs(project) == last_good, "a PDF in dist/ is not the last good one"


def test_sigkill_during_a_parallel_build_leaves_no_process_and_no_temp_file(project):
    last_good = pdfs(project)
    edit(project)
    build = start_build(project)
    workers = children(build.pid)
    os.kill(build.pid, signal.SIGKILL)
    build.wait(timeout=10)
    assert_clean(project, workers, last_good)
    # and the next build finishes the job
    assert main(["build", "-q", "--project", str(project)]) == 0
    assert pdfs(project).keys() == last_good.keys() and pdfs(project) != last_good


def test_ctrl_c_during_a_parallel_build_stops_it_cleanly(project):
    last_good = pdfs(project)
    edit(project)
    build = start_build(project)
    workers = children(build.pid)
    os.killpg(build.pid, signal.SIGINT)  # what the terminal sends: the whole process group
    _, err = build.communicate(timeout=30)
    assert build.returncode == 130
    assert err.decode().strip() == "charterpress: interrupted"
    assert_clean(project, workers, last_good)
