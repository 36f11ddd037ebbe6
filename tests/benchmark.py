"""Benchmark (not a test): time a cold build of every charter and a rebuild with nothing changed.

Run with `make bench`. Prints one line per run; the README quotes its figures.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(*args: str) -> float:
    """Run the CLI and return its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "charterpress", *args],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    """Print cold (1 job and all CPUs) and no-change build times."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        cold1 = timed("build", "-q", "-j", "1", "--out", str(out / "a"))
        cold = timed("build", "-q", "--out", str(out / "b"))
        warm = timed("build", "-q", "--out", str(out / "b"))
        files = sorted((out / "b").rglob("*.pdf"))
        size = sum(f.stat().st_size for f in files) / 1e6
    print(f"cold build, 1 job:        {cold1:6.1f} s")
    print(f"cold build, {os.cpu_count()} jobs:       {cold:6.1f} s")
    print(f"rebuild, nothing changed: {warm:6.2f} s")
    print(f"{len(files)} PDFs, {size:.1f} MB")


if __name__ == "__main__":
    main()
