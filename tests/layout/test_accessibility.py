"""Independent checkers over every built PDF: `pdfua` (PDF/UA-1) on the screen booklets, `qpdf --check` on all.

Both are other people's tools, so they judge our output without our assumptions: pdfua (PyPI, built on
pikepdf) checks the machine-checkable subset of PDF/UA-1; qpdf (Debian) checks the file structure.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from support import SLUGS, SOURCES, pdfua_documents, products_of

PDFUA = [sys.executable, "-m", "pdfua"]
KNOWN_SKIPS = {
    # pdfua 0.1.3 asks a pikepdf Array for an attribute, which pikepdf answers with ValueError
    # instead of AttributeError, so the empty-heading rule never runs on a heading whose /K is an
    # array. test_no_heading_is_empty below does that check itself.
    "UA-14-001": "is_integer",
}


@pytest.fixture(scope="module", params=SLUGS)
def built(request, tmp_path_factory) -> dict[str, Path]:
    """Write every product of one charter in sources/ to a folder; return {file name: path}."""
    slug = request.param
    folder = tmp_path_factory.mktemp(slug)
    paths = {}
    for kind in ("cards", "booklet"):
        for name, product in products_of(SOURCES / f"{slug}.yaml", kind).items():
            if not name.endswith(".pdf"):  # the HTML edition and the EPUB: tests/products/booklet/test_edition.py
                continue
            paths[name] = folder / name
            paths[name].write_bytes(product.data)
    return paths


def screen_booklets(built: dict[str, Path]) -> list[Path]:
    return [path for name, path in built.items() if name.endswith("-booklet.pdf")]


def test_the_screen_booklet_passes_pdfua(built):
    files = screen_booklets(built)
    assert len(files) == 1
    result = subprocess.run(
        [*PDFUA, "check", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    reports = pdfua_documents(result.stdout)
    assert [Path(r["file"]).name for r in reports] == [f.name for f in files], result.stderr
    for report in reports:
        assert report["findings"] == [], (report["file"], report["findings"])
        assert report["summary"]["rules_run"] >= 10, report["summary"]
        for skip in report["skipped"]:
            assert KNOWN_SKIPS.get(skip["rule_id"], "\0") in skip["reason"], skip
    assert result.returncode == 0, result.stdout[-2000:]


def test_pdfua_does_find_untagged_content(tmp_path):
    """The checker is live: paint an untagged form onto a page of a good booklet and it complains."""
    slug = SLUGS[0]
    good = tmp_path / "good.pdf"
    good.write_bytes(products_of(SOURCES / f"{slug}.yaml", "booklet")[f"{slug}-booklet.pdf"].data)
    with pikepdf.open(good) as pdf:
        page = pdf.pages[0]
        form = pikepdf.Stream(pdf, b"0 0 m 10 10 l S")
        form.Type, form.Subtype, form.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 10, 10]
        name = page.add_resource(form, pikepdf.Name.XObject, prefix="Xbad")
        page.contents_add(pikepdf.Stream(pdf, b"q " + str(name).encode() + b" Do Q"), prepend=False)
        bad = tmp_path / "bad.pdf"
        pdf.save(bad)
    result = subprocess.run(
        [*PDFUA, "check", "--format", "json", str(bad)], capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "UA-01-003" in {f["rule_id"] for f in json.loads(result.stdout)["findings"]}


def test_no_heading_is_empty(built):
    """Every H1–H6 of every screen booklet reaches marked content (the rule pdfua cannot run)."""

    def marks_content(node) -> bool:
        kid = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
        if kid is None:
            return False
        if isinstance(kid, int):
            return True
        if isinstance(kid, pikepdf.Array):
            return any(isinstance(k, int) or marks_content(k) for k in kid)
        return isinstance(kid, pikepdf.Dictionary) and (
            kid.get("/Type") == pikepdf.Name.MCR or marks_content(kid)
        )

    for path in screen_booklets(built):
        with pikepdf.open(path) as pdf:
            headings, empty = 0, []
            stack = [pdf.Root.StructTreeRoot]
            while stack:
                node = stack.pop()
                if not isinstance(node, pikepdf.Dictionary):
                    continue
                role = str(node.get("/S", ""))
                if role in {f"/H{n}" for n in range(1, 7)}:
                    headings += 1
                    if not marks_content(node):
                        empty.append(role)
                kids = node.get("/K")
                stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
            assert headings > 0, path.name
            assert empty == [], path.name


def test_every_pdf_passes_qpdf_check(built):
    assert shutil.which("qpdf"), "qpdf is required for the tests: sudo apt-get install qpdf"
    assert len(built) >= 5
    failed = {}
    for name, path in sorted(built.items()):
        if not name.endswith(".pdf"):
            continue  # SLUG-preflight.txt
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        # 0: no problems; 3: warnings only (qpdf's exit codes). Neither warnings nor errors pass.
        if result.returncode != 0 or "No syntax or stream encoding errors" not in result.stdout:
            failed[name] = (result.stdout + result.stderr)[-500:]
    assert failed == {}
