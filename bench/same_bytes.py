"""Are the PDFs byte-identical to those of another commit? The check a refactor is held to.

    python bench/same_bytes.py            # the working tree against HEAD
    python bench/same_bytes.py --base REV # against any commit

Each tree builds its own sources with its own code, layouts and fonts (the commit in a
temporary git worktree, imported from there), into temporary folders, with no previews. Every
PDF either side made is compared by SHA-256; the script prints one line a PDF and exits 1 when
any differs or is missing on one side. Run it with the project's virtual environment
(``.venv/bin/python``), whose libraries both builds then share.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

BUILD = """
import sys
sys.path.insert(0, {path!r})
from charterpress.__main__ import main
sys.exit(main(["--project", {project!r}, "-q", "build", "--no-preview", "--force", "-j", "1",
               "--out", {out!r}]))
"""


def build(tree: Path, importable: Path, out: Path) -> dict[str, str]:
    """Build ``tree``'s sources with the package importable from ``importable``; return digests."""
    code = BUILD.format(path=str(importable), project=str(tree), out=str(out))
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tree)
    return {
        str(pdf.relative_to(out)): hashlib.sha256(pdf.read_bytes()).hexdigest()
        for pdf in sorted(out.rglob("*.pdf"))
    }


def main() -> int:
    """Build both trees and compare their PDFs; return 1 on any difference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="HEAD", help="the commit to compare with (default HEAD)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        base = tmp / "base"
        subprocess.run(
            ["git", "worktree", "add", "-q", "--detach", str(base), args.base], check=True, cwd=REPO
        )
        try:
            # The commit's builder/ imported as `charterpress` (what pyproject's package-dir does).
            (tmp / "pkg").mkdir()
            (tmp / "pkg" / "charterpress").symlink_to(base / "builder")
            before = build(base, tmp / "pkg", tmp / "out-base")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=REPO)
        (tmp / "pkg2").mkdir()
        (tmp / "pkg2" / "charterpress").symlink_to(REPO / "builder")
        after = build(REPO, tmp / "pkg2", tmp / "out-work")
    differ = 0
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        verdict = (
            "same"
            if old == new
            else ("missing" if new is None else "new" if old is None else "DIFFERS")
        )
        differ += verdict != "same"
        print(f"{verdict:8} {name}")
    print(f"{len(before)} PDFs before, {len(after)} after, {differ} not byte-identical")
    return 1 if differ or not before else 0


if __name__ == "__main__":
    sys.exit(main())
