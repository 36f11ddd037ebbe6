"""The booklet for phones and screen readers: dist/SLUG/booklet/index.html and SLUG-booklet.epub.

Judged by other people's tools where there are any: axe-core (vendored, see
tests/vendor/axe-core/README.md) in headless Chromium through Playwright, and epubcheck
(Debian's `epubcheck`) on the EPUB. Every word of the source is looked for in what a browser
shows (``innerText``), not only in what the builder's own proof reads.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from charterpress.errors import BuildError
from charterpress.layout import proof
from charterpress.products.booklet import edition
from support import DATA, ROOT, SLUGS, SOURCES, load, products_of

AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
CHARTERS = [
    *(SOURCES / f"{slug}.yaml" for slug in SLUGS),
    DATA / "unlike-the-five.yaml",
    DATA / "format-blocks.yaml",  # quotes, figures, panels, headings, signatures
    DATA / "hostile-text.yaml",
]
IDS = [p.stem for p in CHARTERS]


def _made(path: Path) -> tuple[str, bytes]:
    """Return a charter's HTML edition and EPUB, as the build makes them (with the booklet)."""
    made = products_of(path, "booklet")
    slug = load(path).slug
    return made["booklet/index.html"].data.decode("utf-8"), made[f"{slug}-booklet.epub"].data


def _expected(path: Path) -> list[str]:
    return [proof.flat(e.text) for e in proof.booklet_texts(load(path)) if proof.flat(e.text)]


class Outline(HTMLParser):
    """What the tests look at in a page: tags in order, headings, images, links, lang."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.headings: list[int] = []
        self.images: list[dict] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.lang = ""
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        elif tag == "img":
            self.images.append(a)
        elif tag == "a":
            self.links.append(a.get("href", ""))


@pytest.mark.parametrize("path", CHARTERS, ids=IDS)
def test_the_page_has_the_charters_structure(path):
    page, _ = _made(path)
    outline = Outline(page)
    charter = load(path).charter
    assert outline.lang == charter.meta.language
    assert "script" not in outline.tags
    assert outline.headings[0] == 1 and outline.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(outline.headings, outline.headings[1:], strict=False))
    assert outline.links[0] == "#main" and "main" in outline.ids  # the skip link comes first
    assert "nav" in outline.tags and "main" in outline.tags
    for link in outline.links:  # every link is to a part of the page itself
        assert link.startswith("#") and link[1:] in outline.ids, link
    for image in outline.images:
        assert (image.get("alt") or "").strip(), image
        assert image["src"].startswith("data:image/png;base64,")
    questions = sum(
        len(s.commitments) for s in (*charter.sections, *filter(None, [charter.organisation]))
    )
    assert page.count("<li>") >= questions  # the reflection questions as list items


def test_quotes_figures_and_lists_keep_their_meaning():
    page, _ = _made(DATA / "format-blocks.yaml")
    tags = Outline(page).tags
    charter = load(DATA / "format-blocks.yaml").charter
    blocks = [b for p in (*charter.front, *charter.back, *charter.sections) for b in (p.body or ())]
    kinds = {b.kind for b in blocks}
    assert {"quote", "figure"} <= kinds, kinds  # the sample holds them: the test means something
    assert "blockquote" in tags and "figure" in tags and "figcaption" in tags
    assert "ul" in tags and "ol" in tags


@pytest.mark.parametrize("path", CHARTERS, ids=IDS)
def test_the_page_and_the_epub_hold_every_word_of_the_source(path):
    page, epub = _made(path)
    shown = edition.page_text(page)
    with zipfile.ZipFile(io.BytesIO(epub)) as archive:
        content = archive.read("EPUB/edition.xhtml").decode("utf-8")
    in_epub = edition.page_text(content)
    for text in _expected(path):
        assert text in shown, text[:60]
        assert text in in_epub, text[:60]


def test_a_layout_that_drops_a_text_stops_the_build(tmp_path):
    """The build's own check is live: an edition without its reflection questions fails."""
    from charterpress import project

    original = (project.DATA / "layouts" / "base" / edition.TEMPLATE).read_text(encoding="utf-8")
    broken = original.replace("{{ c.question|hy }}", "")
    assert broken != original
    (tmp_path / "sources").mkdir()
    (tmp_path / "layouts" / "base").mkdir(parents=True)
    (tmp_path / "layouts" / "base" / edition.TEMPLATE).write_text(broken, encoding="utf-8")
    source = load(SOURCES / "glostrup.yaml")
    before = project._root
    project.use(tmp_path)
    try:
        with pytest.raises(BuildError) as raised:
            edition.make(source)
    finally:
        project._root = before
    lines = [str(p) for p in raised.value.problems]
    assert any(".question: is missing from the HTML edition" in line for line in lines), lines
    assert all(line.startswith(str(source.name)) for line in lines)


def test_hostile_text_is_escaped_in_the_page_and_the_epub():
    page, epub = _made(DATA / "hostile-text.yaml")
    assert "<script" not in page.lower()
    with zipfile.ZipFile(io.BytesIO(epub)) as archive:
        for name in archive.namelist():
            if name.endswith((".xhtml", ".opf", ".xml")):
                ElementTree.fromstring(archive.read(name))  # well-formed XML, or this raises
                assert b"<script" not in archive.read(name).lower()


# --- EPUB ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CHARTERS[:1] + CHARTERS[-3:], ids=IDS[:1] + IDS[-3:])
def test_the_epub_is_epub3_with_accessibility_metadata(path):
    _, epub = _made(path)
    with zipfile.ZipFile(io.BytesIO(epub)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip"
        opf = ElementTree.fromstring(archive.read("EPUB/package.opf"))
        images = [n for n in archive.namelist() if n.endswith(".png")]
    ns = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
    assert opf.get("version") == "3.0"
    assert opf.find(".//dc:language", ns).text == load(path).charter.meta.language
    props: dict[str, list[str]] = {}
    for meta in opf.iterfind(".//opf:meta", ns):
        props.setdefault(meta.get("property"), []).append(meta.text)
    assert "textual" in props["schema:accessMode"]
    assert props["schema:accessModeSufficient"] == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= set(
        props["schema:accessibilityFeature"]
    )
    assert ("alternativeText" in props["schema:accessibilityFeature"]) == bool(images)
    assert props["schema:accessibilityHazard"] == ["none"]
    assert props["schema:accessibilitySummary"][0].strip()
    links = [link.get("href") for link in opf.iterfind(".//opf:link", ns)]
    assert any("wcag-aa" in href for href in links)


def test_the_epub_is_the_same_on_every_build():
    path = SOURCES / "glostrup.yaml"
    source = load(path)
    assert edition.make(source)[1].data == _made(path)[1]


def _epubcheck() -> list[str] | None:
    found = shutil.which("epubcheck")
    if not found:
        return None
    # Debian's /usr/bin/epubcheck is the jar itself (run through binfmt where that is set up).
    # One short check per JVM: the quick compiler alone and the serial collector (10.0 s of CPU
    # a check became 5.6 s here; the checks and their report are the same).
    flags = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
    return ["java", *flags, "-jar", str(Path(found).resolve())] if shutil.which("java") else None


@pytest.mark.skipif(
    _epubcheck() is None,
    reason="no epubcheck: install Debian's epubcheck package (apt-get install epubcheck; "
    ".ci/run does so when it runs as root)",
)
@pytest.mark.parametrize("path", CHARTERS[:1] + CHARTERS[-3:], ids=IDS[:1] + IDS[-3:])
def test_the_epub_passes_epubcheck(path, tmp_path):
    _, epub = _made(path)
    file = tmp_path / f"{path.stem}.epub"
    file.write_bytes(epub)
    result = subprocess.run(
        [*_epubcheck(), "--json", str(tmp_path / "report.json"), str(file)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    import json

    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    problems = [m for m in report["messages"] if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert problems == [], problems
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert report["publication"]["ePubVersion"].startswith("3")


def test_epubcheck_is_live(tmp_path):
    """The checker finds a fault: an EPUB whose manifest names a file it does not hold."""
    command = _epubcheck()
    if command is None:
        pytest.skip("no epubcheck")
    _, epub = _made(SOURCES / "glostrup.yaml")
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(epub)) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            if info.filename != "EPUB/edition.css":
                target.writestr(info, source.read(info.filename))
    file = tmp_path / "broken.epub"
    file.write_bytes(broken.getvalue())
    result = subprocess.run([*command, str(file)], capture_output=True, text=True, timeout=300)
    assert result.returncode != 0


# --- In a browser: axe-core, a phone, 320 px ----------------------------------------------------

from support import CHROMIUM, FLAGS  # noqa: E402 - the same browser set-up as the index's

browser_needed = pytest.mark.skipif(
    not CHROMIUM,
    reason="no Chromium on this machine: install Debian's chromium package",
)


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright (test extra)")
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def _open(browser, tmp_path: Path, path: Path, width: int):
    page_html, _ = _made(path)
    file = tmp_path / f"{path.stem}.html"
    file.write_text(page_html, encoding="utf-8")
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.goto(file.as_uri(), wait_until="load")
    return page, problems


AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
    resultTypes: ['violations'],
  });
  return {
    violations: result.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.html.slice(0, 120))})),
    passes: result.passes.length,
  };
}"""


def test_the_vendored_axe_core_is_the_pinned_one():
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256


@browser_needed
@pytest.mark.parametrize("path", CHARTERS, ids=IDS)
def test_axe_core_finds_no_violation(browser, tmp_path, path):
    page, problems = _open(browser, tmp_path, path, 1280)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(AXE_RUN)
    assert result["violations"] == []
    assert result["passes"] >= 10  # it did check the page
    assert problems == []
    page.close()


@browser_needed
def test_axe_core_is_live(browser, tmp_path):
    """The same run finds a fault once one is put in: a figure without its alt text."""
    page, _ = _open(browser, tmp_path, DATA / "format-blocks.yaml", 1280)
    page.evaluate("() => document.querySelector('figure img').removeAttribute('alt')")
    page.add_script_tag(path=str(AXE))
    ids = [v["id"] for v in page.evaluate(AXE_RUN)["violations"]]
    assert "image-alt" in ids
    page.close()


@browser_needed
@pytest.mark.parametrize("path", CHARTERS, ids=IDS)
def test_every_word_is_shown_and_nothing_is_wider_than_a_320_px_screen(browser, tmp_path, path):
    page, _ = _open(browser, tmp_path, path, 320)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    wide = page.evaluate(
        "() => [...document.querySelectorAll('main *, header *')]"
        ".filter(e => e.getBoundingClientRect().right > 320.5).map(e => e.outerHTML.slice(0, 80))"
    )
    assert wide == []
    shown = proof.flat(page.evaluate("document.body.innerText"))
    for text in _expected(path):
        assert text in shown, text[:60]
    page.close()


@browser_needed
def test_the_skip_link_is_the_first_stop_and_shows_when_focused(browser, tmp_path):
    page, _ = _open(browser, tmp_path, SOURCES / "glostrup.yaml", 390)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.getAttribute('href'), document.activeElement.getBoundingClientRect().top]"
    )
    assert focused[0] == "#main" and focused[1] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.close()


@browser_needed
def test_screenshots_at_phone_and_desktop_width(browser, tmp_path):
    """The renders for a reviewer (and the closing note): written to tmp_path, checked for size."""
    from PIL import Image

    for width in (390, 1280):
        page, _ = _open(browser, tmp_path, SOURCES / "glostrup.yaml", width)
        shot = tmp_path / f"edition-{width}.png"
        page.screenshot(path=str(shot))
        image = Image.open(shot)
        assert image.width == width
        darkest, lightest = image.convert("L").getextrema()
        assert lightest - darkest > 150  # dark text on a light page, not a blank one
        page.close()
