"""The tests' shared helpers: the project's paths and charters, builds made once per run (and
shared by the processes of ``pytest -n``), the checkers a test calls on a PDF (poppler, pdfua).

Test files import these from here (``from support import load, products_of``); conftest.py
keeps pytest's own parts: its fixtures, hooks and the hypothesis profiles. Nothing here imports
WeasyPrint until a build is asked for.
"""

from __future__ import annotations

import os
import shutil
import signal
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

# The real make_products, bound here: a build through the pipeline patches the module's name
# with cached_make_products (which calls products_of, which must build for real). The module
# imports no renderer until a build runs.
from charterpress.commands.build import make_products
from charterpress.values import Options, Product, Source

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
DATA = Path(__file__).resolve().parent / "data"
SLUGS = sorted(p.stem for p in SOURCES.glob("*.yaml"))
SHIPPED = ("ballerup", "gentofte", "gladsaxe", "glostrup", "ishoej")
"""The five charters this repository ships. Content assertions of *our* house style (question
style, five palettes) select these; every other test takes whatever sources/ holds, so a user's
own charter added there keeps the suite green (its question style is advice: ``check`` notes)."""
SHIPPED_SLUGS = [s for s in SLUGS if s in SHIPPED]

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
"""The hypothesis profile of this run (conftest.py registers them): ``ci`` or ``fuzz``."""
FUZZ = PROFILE == "fuzz"


def pdfua_documents(text: str) -> list[dict]:
    """Return the JSON documents ``pdfua check --format json`` prints one after another."""
    import json

    decoder, found, at = json.JSONDecoder(), [], 0
    while text[at:].strip():
        at += len(text[at:]) - len(text[at:].lstrip())
        document, at = decoder.raw_decode(text, at)
        found.append(document)
    return found


def pdfua_reports(paths: list[Path]) -> list[dict]:
    """Check PDFs with pdfua (an independent PDF/UA checker); return one report per file."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "pdfua", "check", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    found = pdfua_documents(result.stdout)
    assert len(found) == len(paths), result.stderr
    return found


def load(path: Path) -> Source:
    """Return the validated Source of a file; fail the test with its problems otherwise."""
    from charterpress.source.load import read_source
    from charterpress.source.schema import validate_source

    source, problems = validate_source(read_source(path))
    assert source is not None, "\n".join(map(str, problems))
    return source


def poppler_problems(pdf: bytes | Path) -> list[str]:
    """Render a PDF with poppler (``pdftoppm``, a second renderer beside pdfium); return what it reports.

    Every line poppler prints on stderr is a problem: ``Syntax Error: Unknown operator 'Qq'``
    passes ``qpdf --check`` (which reads the structure, not the content streams) but not this.
    """
    import shutil
    import subprocess
    import tempfile

    assert shutil.which("pdftoppm"), "pdftoppm is required: sudo apt-get install poppler-utils"
    with tempfile.TemporaryDirectory() as folder:
        path = pdf if isinstance(pdf, Path) else Path(folder) / "x.pdf"
        if not isinstance(pdf, Path):
            path.write_bytes(pdf)
        result = subprocess.run(
            ["pdftoppm", "-r", "4", "-gray", str(path), str(Path(folder) / "page")],
            capture_output=True,
            text=True,
            timeout=300,
        )
    found = [line for line in result.stderr.splitlines() if line.strip()]
    if result.returncode != 0:
        found.append(f"pdftoppm exit code {result.returncode}")
    return found


def assert_poppler_clean(pdf: bytes | Path, name: str = "") -> None:
    """Fail on any error or warning poppler reports rendering ``pdf``."""
    problems = poppler_problems(pdf)
    assert problems == [], f"{name}: poppler: {problems[:5]}"


RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID")
"""One id for every process of a ``pytest -n N`` run (xdist sets it), None in a plain run."""


def _shared_folder() -> Path:
    """The folder where the processes of this xdist run share their builds."""
    import tempfile

    return Path(tempfile.gettempdir()) / f"charterpress-tests-{RUN}"


def _shared(key: str):
    """The file under which the processes of one xdist run share a build (None: not under xdist).

    Each process would otherwise build the five charters itself: the same seconds twice."""
    if RUN is None:
        return None
    import hashlib

    folder = _shared_folder()
    folder.mkdir(exist_ok=True)
    return folder / hashlib.sha256(key.encode()).hexdigest()[:24]


def across_processes(key: str, make):
    """Return ``make()``, made once per run: the first process to ask makes it (under a lock),
    the others read it (pickled). Outside xdist, ``make()`` itself."""
    import fcntl
    import pickle

    shared = _shared(key)
    if shared is None:
        return make()
    with open(shared.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if shared.exists():
            return pickle.loads(shared.read_bytes())
        made = make()
        partial = shared.with_suffix(".part")
        partial.write_bytes(pickle.dumps(made))
        partial.replace(shared)
        return made


@cache
def _part(path: str, name: str, marks: bool) -> tuple[Product, ...]:
    """Build one product of a source that reads no other's files (``make_products(only=)``, as
    a parallel build makes it), once per run (``across_processes``).

    The key is the source's path and bytes with what is asked: a copied project (another path)
    or an edited source never reads another's build."""
    key = repr(("part", path, Path(path).read_bytes(), name, marks))
    return across_processes(key, lambda: _build_part(path, name, marks))


def _build_part(path: str, name: str, marks: bool) -> tuple[Product, ...]:
    from charterpress.layout import proof

    source = load(Path(path))
    proof.check_glyphs(source)  # as make_products does before its parts
    made = make_products(source, Options(marks=marks, products=(name,)), only=(name,))
    _poppler_clean(made)
    return tuple(made)


def _poppler_clean(made: list[Product]) -> None:
    for product in made:  # every PDF the tests build is rendered by a second renderer too
        if product.name.endswith(".pdf"):
            assert_poppler_clean(product.data, product.name)


def _build(path: str, options: Options, source: Source | None = None) -> list[Product]:
    """Return the files a build of ``options`` makes of a source, as one build makes them.

    Each part (deck, booklet) is built once per run whatever else is asked with it
    (``_part``); the products that read them (the job sheet, the preflight) are made of their
    union (``make_products(made=)``, as a parallel build makes them), once per run for each
    source and options."""
    from charterpress.commands.build import parts

    files = [p for name in parts(options) for p in _part(path, name, options.marks)]

    def read() -> list[Product]:
        made = make_products(source or load(Path(path)), options, made=tuple(files))
        _poppler_clean(made)
        return made

    key = repr(("readers", path, Path(path).read_bytes(), options))
    return files + across_processes(key, read)


@cache
def _products(path: str, products: tuple[str, ...], marks: bool) -> dict[str, Product]:
    return {p.name: p for p in _build(path, Options(marks=marks, products=products))}


def products_of(path: Path, *products: str, marks: bool = False) -> dict[str, Product]:
    """Return {file name: Product} for a source, built once per session.

    The products asked for are named as a build makes them (registry order; none asked: all):
    ("booklet", "cards"), ("cards", "booklet") and () are one build, not three."""
    from charterpress.products import registry

    return _products(
        str(path), tuple(p.name for p in registry.chosen(tuple(products)) if not p.reads), marks
    )


def cached_make_products(
    source: Source, options: Options, only: None = None, made: None = None
) -> list[Product]:
    """Stand in for pipeline.make_products with the session's cached renders (same output), in
    a build in one process (``only`` and ``made`` are a parallel build's: None)."""
    assert only is None and made is None, "a stand-in for a build in one process (jobs=1)"
    return _build(str(Path(source.name).resolve()), options, source)


def pdfium_texts(pdf: bytes | Path) -> list[str]:
    """Return the text of every page as PDFium reads it: in drawing order, not pdfplumber's
    order of lines on the page, and twenty times as fast (for a search, not an order)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        texts = []
        for page in document:
            text = page.get_textpage()
            texts.append(text.get_text_range())
            text.close()
            page.close()
        return texts
    finally:
        document.close()


_PREVIEWS: dict[tuple, list[Product]] = {}


@cache
def real_previews():
    """Return the real previews.make, taken before a stand-in is patched over it: a test that
    patches ``cached_previews`` in calls this first (the module imports no renderer until then)."""
    from charterpress.products.previews import make

    assert make is not cached_previews, "support.real_previews() before patching previews.make"
    return make


def cached_previews(
    slug: str,
    pdfs: dict[str, bytes],
    *,
    words: dict,
    title: str,
    shrunk: tuple = (),
    reflection: int = 0,
) -> list[Product]:
    """Stand in for previews.make: the same PNGs, rendered once per session for the same PDFs."""
    import hashlib

    key = (
        slug,
        tuple(sorted((name, hashlib.sha256(data).hexdigest()) for name, data in pdfs.items())),
        repr(words),
        title,
        repr(shrunk),
        reflection,
    )
    if key not in _PREVIEWS:
        _PREVIEWS[key] = across_processes(
            repr(("previews", *key)),
            lambda: real_previews()(
                slug, pdfs, words=words, title=title, shrunk=shrunk, reflection=reflection
            ),
        )
    return _PREVIEWS[key]


def _cached_pipeline_build(paths: list[Path], out: Path) -> None:
    """Build ``paths`` (all of sources/: []) into ``out`` with the session's cached renders."""
    from charterpress.commands import build as pipeline
    from charterpress.products import previews

    real_previews()
    patch = pytest.MonkeyPatch()
    patch.setattr(pipeline, "make_products", cached_make_products)
    patch.setattr(previews, "make", cached_previews)
    try:
        if not paths and os.environ.get("PYTEST_XDIST_WORKER", "gw0")[-1:] in "13579":
            # Every process walks sources/ in one order, so the second would wait on the
            # first's lock for each charter in turn: an odd-numbered one builds them from the
            # end (each alone, into a folder of its own), and the two meet in the middle.
            import tempfile

            with tempfile.TemporaryDirectory() as warm:
                for path in sorted(SOURCES.glob("*.yaml"), reverse=True):
                    pipeline.build([path], SOURCES, Path(warm) / path.stem, Options(jobs=1))
        pipeline.build(paths, SOURCES, out, Options(jobs=1))
    finally:
        patch.undo()


def ctrl_c_as_in_a_terminal() -> None:
    """In a child process before exec: let SIGINT act as a terminal's Ctrl-C does.

    A shell that starts a job in the background without job control (`cmd &` in a script)
    sets SIGINT to ignored, children inherit that, and Python then installs no
    KeyboardInterrupt handler: tests that press Ctrl-C must not depend on how pytest started.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


# Shared by test files of different folders (a test file imports from here, not from another
# test file: the folders are not packages).

LONG_WORD = "Interdepartmentalcollaborations"
"""31 letters: no card line is that wide at the design size."""

PRINCIPLES = [
    "Clarity",
    "Trust",
    "Courage",
    "Learning",
    "Care",
    "Candour",
    "Focus",
    "Fairness",
    "Curiosity",
    "Ownership",
]


def _paragraph(i: int) -> str:
    """A long paragraph of plain English, different for each commitment."""
    return (
        f"We hold ourselves to principle {i + 1}: we explain the reasons behind our decisions, "
        "we listen before we conclude, and we make sure that every colleague knows what is "
        "expected of them and why it matters to the people we serve, even when priorities "
        f"change and we must choose what to leave undone; {LONG_WORD} are how we work."
    )


def english_charter(sections: int = 30) -> dict:
    """Return the data of an English charter of named principles, one long paragraph each."""
    return {
        "meta": {
            "municipality": "Northfield Council",
            "title": "Our Leadership Principles",
            "language": "en",
        },
        "front": [
            {
                "id": "intro",
                "title": "Why principles",
                "body": ["These principles describe how we lead. " * 12],
            }
        ],
        "sections": [
            {
                "id": f"p{i + 1}",
                "kicker": PRINCIPLES[i % len(PRINCIPLES)].upper(),
                "title": f"{PRINCIPLES[i % len(PRINCIPLES)]} in practice, part {i + 1}",
                "body": [
                    {
                        "lead": "We commit to this:",
                        "commitments": [
                            {
                                "text": _paragraph(i),
                                "question": f"Where did principle {i + 1} help your team last week?",
                            }
                        ],
                    }
                ],
            }
            for i in range(sections)
        ],
    }


def write(folder: Path, name: str, data: dict | str) -> Path:
    """Write a source into ``folder`` (a dict as YAML) and return its path."""
    path = folder / f"{name}.yaml"
    import yaml

    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


class Page(HTMLParser):
    """The parts of a page the tests look at."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.headings: list[tuple[int, str]] = []
        self.sections: list[dict[str, str | None]] = []
        self.html: dict[str, str | None] = {}
        self.meta: list[dict[str, str | None]] = []
        self.link_texts: dict[str, str] = {}
        self._heading: int | None = None
        self._link: str | None = None
        self._text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a":
            self.links.append(attributes["href"])
            self._link, self._text = attributes["href"], []
        elif tag == "img":
            self.images.append(attributes)
        elif tag in ("h1", "h2", "h3", "h4"):
            self._heading, self._text = int(tag[1]), []
        elif tag == "section":
            self.sections.append(attributes)
        elif tag == "html":
            self.html = attributes
        elif tag == "meta":
            self.meta.append(attributes)

    def handle_data(self, data):
        self._text.append(data)

    def handle_endtag(self, tag):
        text = " ".join("".join(self._text).split())
        if tag == "a" and self._link:
            self.link_texts[self._link] = text
            self._link = None
        elif tag in ("h1", "h2", "h3", "h4") and self._heading:
            self.headings.append((self._heading, text))
            self._heading = None


def target(dist: Path, url: str) -> Path:
    """Return the file a relative link on dist/index.html points to; fail for any other link."""
    parts = urlsplit(url)
    assert not parts.scheme and not parts.netloc and not url.startswith("/"), url
    path = (dist / unquote(parts.path)).resolve()
    assert path.is_relative_to(dist.resolve()), url
    return path


CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@cache
def schema_validator():
    """Return a JSON Schema validator of sources/charter.schema.json's schema (the model's)."""
    from charterpress.source.schema import json_schema
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json_schema())
