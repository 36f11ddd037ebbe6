"""dist/index.html in a real browser (headless Chromium): from disk and from a static web server,
every link and image resolves, the console stays clean, the page reads on a phone; screenshots."""

from __future__ import annotations

import functools
import http.server
import os
import threading
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from support import CHROMIUM, FLAGS

pytestmark = pytest.mark.skipif(
    not CHROMIUM,
    reason="no Chromium on this machine: install Debian's chromium package "
    "(apt-get install chromium; .ci/run does so when it runs as root)",
)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# What the page shows: every image, every link, and the colours of every piece of text.
LOOK = """() => {
  const parse = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const texts = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.getClientRects().length === 0) continue;
    const style = getComputedStyle(el);
    texts.push({text: el.textContent.trim().slice(0, 40), fg: parse(style.color).slice(0, 3),
                bg: background(el), size: parseFloat(style.fontSize), weight: Number(style.fontWeight)});
  }
  return {
    images: [...document.images].map(i => ({src: i.currentSrc, ok: i.complete && i.naturalWidth > 0, alt: i.alt})),
    links: [...document.links].map(a => a.href),
    texts: texts,
    lang: document.documentElement.lang,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
  };
}"""


def luminance(rgb: list[float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: list[float], b: list[float]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright (test extra)")
    with playwright.sync_playwright() as driver:
        # Playwright gives the browser a fresh, temporary --user-data-dir of its own.
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(built_dist):
    """A static web server for dist/ on the loopback interface."""
    handler = functools.partial(QuietHandler, directory=str(built_dist))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def visit(browser, url: str, viewport: dict[str, int]):
    """Open ``url``; return the page, what it shows, and what went wrong while loading."""
    page = browser.new_page(viewport=viewport)
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    page.on(
        "response",
        lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
    )
    page.goto(url, wait_until="load")
    return page, page.evaluate(LOOK), problems


def test_the_index_from_disk_in_chromium(browser, built_dist):
    index = built_dist / "index.html"
    page, seen, problems = visit(browser, index.as_uri(), DESKTOP)
    assert problems == []
    assert seen["lang"]
    assert seen["images"] and all(i["ok"] and i["alt"] for i in seen["images"]), seen["images"]
    assert seen["links"]
    for link in seen["links"]:
        parts = urlsplit(link)
        assert parts.scheme == "file", link
        path = Path(unquote(parts.path))
        assert path.is_relative_to(built_dist) and path.is_file(), link
        head = path.read_bytes()[:9]
        expected = {  # (edition.py; the preflight report is text: prepress/preflight.py)
            ".pdf": b"%PDF-", ".html": b"<!doctype", ".epub": b"PK\x03\x04", ".txt": b"Preflight",
        }  # fmt: skip
        assert head.startswith(expected.get(path.suffix, b"\x89PNG\r\n\x1a\n")), link
    # Every preview opens as an image in the browser: each decoded by Chromium, from the index
    # (one page for all, where a page per image took half a minute for the five charters').
    previews = [x for x in seen["links"] if x.endswith(".png")]
    assert previews
    unreadable = page.evaluate(
        """async (links) => {
             const failed = [];
             for (const link of links) {
               const image = new Image();
               image.src = link;
               try { await image.decode(); } catch (error) { failed.push(link); continue; }
               if (!(image.naturalWidth > 0)) failed.push(link);
             }
             return failed;
           }""",
        previews,
    )
    assert unreadable == []
    # Text contrast: WCAG AA (4.5:1, large text 3:1).
    for text in seen["texts"]:
        large = text["size"] >= 24 or (text["size"] >= 18.66 and text["weight"] >= 700)
        ratio = contrast(text["fg"], text["bg"])
        assert ratio >= (3 if large else 4.5), (text, round(ratio, 2))
    # Keyboard focus is visible: Tab reaches a link, and it gets an outline.
    page.keyboard.press("Tab")
    focus = page.evaluate(
        """() => { const e = document.activeElement, s = getComputedStyle(e);
                   return {tag: e.tagName, style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                           colour: s.outlineColor}; }"""
    )
    assert focus["tag"] == "A" and focus["style"] != "none" and focus["width"] >= 2, focus
    # Kept with the test's temporary files, or where CHARTERPRESS_SCREENSHOTS says (to look at them).
    shots = Path(os.environ.get("CHARTERPRESS_SCREENSHOTS") or built_dist.parent / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "index-desktop.png"))
    phone, seen_phone, problems = visit(browser, index.as_uri(), PHONE)
    assert problems == []
    assert seen_phone["overflow"] <= 0, "the page scrolls sideways on a phone"
    assert all(t["size"] >= 12 for t in seen_phone["texts"]), "text too small for a phone"
    phone.screenshot(path=str(shots / "index-phone.png"), full_page=True)
    print(f"screenshots: {shots}")
    assert (shots / "index-desktop.png").stat().st_size > 10_000
    assert (shots / "index-phone.png").stat().st_size > 10_000


def test_the_index_from_a_static_web_server(browser, server):
    page, seen, problems = visit(browser, server + "index.html", PHONE)
    assert problems == []
    assert seen["images"] and all(i["ok"] for i in seen["images"])
    for link in seen["links"]:
        assert link.startswith(server), link
        request = urllib.request.Request(link, method="HEAD")
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            assert response.status == 200, link
    page.close()
