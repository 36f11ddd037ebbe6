"""dist/index.html: one static page that hands out every PDF and preview of every charter built.

It is made from the manifest (what was built, pages, sizes, the charter's title and language),
so it lists every charter in ``dist/`` however the build was started, with relative links
that work from disk and from any static web server. Layout: ``layouts/base/index.html`` (a
project's own ``layouts/base/index.html`` wins), words from ``layouts/labels/LANG.yaml``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from ..errors import CharterError
from ..output.write import PREVIEWS, Manifest, write_atomic
from . import registry

INDEX = "index.html"
TEMPLATE = "index.html"

COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
SPREAD = re.compile(r"-booklet-(\d+)(?:-(\d+))?\.png$")
FACE_PNG = re.compile(r"^cards/.+-card-(\d+)-(front|back)\.png$")


@dataclass
class File:
    """One file the page links to."""

    href: str
    """Relative to ``dist/``, URL-quoted."""
    label: str
    pages: int
    size: str

    @property
    def kind(self) -> str:
        """Return the file's format as the page names it: 'PDF', 'HTML', 'EPUB'."""
        return self.href.rpartition(".")[2].upper()

    def pages_text(self, words: dict[str, object]) -> str:
        """Return '1 side' or '17 sider' (kept on one line)."""
        key = "pages_one" if self.pages == 1 else "pages_many"
        return str(words[key]).format(n=self.pages).replace(" ", "\u00a0")


@dataclass
class Group:
    """The files of one product (the handbook, the deck)."""

    title: str
    files: list[File] = field(default_factory=list)


@dataclass
class Entry:
    """One charter on the page."""

    slug: str
    language: str
    title: str
    subtitle: str
    municipality: str
    colour: str
    words: dict[str, object]
    groups: list[Group] = field(default_factory=list)
    cover: str | None = None
    contact_sheet: File | None = None
    cards: int = 0
    reflection: int = 0
    """How many of the cards are reflection cards (the charter's own questions, last in the deck)."""
    spreads: list[File] = field(default_factory=list)
    card_images: list[File] = field(default_factory=list)
    """The face PNGs in ``cards/``, front and back of each card ('4 forside')."""

    @property
    def deck_count(self) -> str:
        """Return the deck's count as every other output says it ('32 dialogkort og et titelkort')."""
        from ..layout.templates import deck_count

        return deck_count(self.words, self.cards - 1 - self.reflection, self.reflection)


def write(out_dir: Path, manifest: Manifest) -> Path:
    """Write ``out_dir/index.html`` for everything the manifest lists (only if it changed)."""
    html = render(out_dir, manifest)
    path = out_dir / INDEX
    data = html.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return path
    except OSError:
        pass
    write_atomic(path, data)
    return path


def render(out_dir: Path, manifest: Manifest) -> str:
    """Return the page's HTML."""
    import jinja2

    from .. import project
    from ..layout.templates import labels
    from ..projectfiles import GuardedLoader

    entries = [
        entry
        for slug in sorted(manifest.entries, key=lambda s: _sort_key(manifest.entries[s], s))
        if (entry := _entry(out_dir, slug, manifest.entries[slug]))
    ]
    language = _page_language(entries)
    env = jinja2.Environment(
        loader=GuardedLoader([str(p) for p in project.layers("layouts", "base")]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(TEMPLATE).render(
        language=language, words=labels(language), entries=entries
    )


def _sort_key(entry: dict, slug: str) -> tuple[str, str]:
    info = entry.get("info") or {}
    return (str(info.get("municipality", "")).casefold(), slug)


def _page_language(entries: list[Entry]) -> str:
    """Return the language most charters are in (the page's own words are in it)."""
    if not entries:
        return "da"
    counts = Counter(e.language for e in entries)
    return sorted(counts, key=lambda lang: (-counts[lang], lang))[0]


def reflection_cards(info: dict) -> int:
    """Return how many reflection cards the manifest's ``info`` says a deck ends with (0 if none:
    the key is written only where the deck has them, ``commands/build.info``)."""
    value = str(info.get("reflection_cards", "0"))
    return int(value) if value.isdigit() else 0


def _entry(out_dir: Path, slug: str, data: dict) -> Entry | None:
    """Return the page's entry for one charter, or None if its files are not all there."""
    from ..layout.templates import labels

    info = data.get("info")
    folder = out_dir / slug
    if not isinstance(info, dict) or not _on_disk(folder, data.get("files")):
        return None
    language = str(info.get("language", "da"))
    try:
        words = labels(language)
    except (OSError, CharterError):
        words = labels("en")
    entry = Entry(
        slug=slug,
        language=language,
        title=str(info.get("title", slug)),
        subtitle=str(info.get("subtitle", "")),
        municipality=str(info.get("municipality", "")),
        colour=colour if COLOUR.fullmatch(colour := str(info.get("colour", ""))) else "#1f4e79",
        words=words,
    )
    entry.reflection = reflection_cards(info)
    pdfs = dict(data["files"])
    groups = []
    for product in sorted(registry.registered().values(), key=lambda p: (p.page, p.name)):
        if not product.group:  # a report for the build's reader (the preflight): not handed out
            continue
        group = Group(str(_label(words, product.group)))
        for pattern, key in product.files:  # the registered files, in the product's order
            name = pattern.format(slug=slug)
            if name in pdfs:
                label = str(words[key or _office_sheets_key(info)])
                group.files.append(_file(slug, name, data, label[:1].upper() + label[1:], words))
                del pdfs[name]
        groups.append(group)
    other = Group(str(words["other_files"]))
    other.files = [_file(slug, n, data, n, words) for n in sorted(pdfs)]
    entry.groups = [g for g in (*groups, other) if g.files]
    previews = data.get("previews") or {}
    if previews.get("key") == data.get("key") and _on_disk(folder, previews.get("files")):
        _add_previews(entry, previews, words)
    return entry


def _label(words: dict[str, object], key: str) -> object:
    """Return the label of a key, a dotted one from its table (``print_order.group``)."""
    found: object = words
    for part in key.split("."):
        found = found[part]  # type: ignore[index]
    return found


def _office_sheets_key(info: dict) -> str:
    if info.get("mode") == "fold":
        return "for_office_fold"
    return "for_office_short" if info.get("flip") == "short" else "for_office_long"


def _on_disk(folder: Path, files: object) -> bool:
    """Tell whether ``files`` is a mapping of safe relative names that all exist in ``folder``."""
    if not isinstance(files, dict):
        return False
    for name in files:
        parts = PurePosixPath(name).parts
        if not parts or name.startswith("/") or ".." in parts or not (folder / name).is_file():
            return False
    return True


def _file(slug: str, name: str, data: dict, label: str, words: dict[str, object]) -> File:
    href = "/".join(quote(part) for part in (slug, *PurePosixPath(name).parts))
    pages = int(data.get("pages", {}).get(name, 0))
    return File(href, label, pages, size_text(int(data["sizes"][name]), words))


def _add_previews(entry: Entry, previews: dict, words: dict[str, object]) -> None:
    """Add the cover thumbnail, the contact sheet and the spreads to an entry."""
    slug = entry.slug
    spreads = []
    faces: list[str] = []
    for name in previews["files"]:
        if name == f"{PREVIEWS}/{slug}-cover.png":
            entry.cover = _file(slug, name, previews, "", words).href
        elif name == f"{PREVIEWS}/{slug}-cards.png":
            entry.contact_sheet = _file(slug, name, previews, str(words["contact_sheet"]), words)
            entry.cards = entry.contact_sheet.pages
        elif name.startswith("cards/") and name.endswith(".png"):
            faces.append(name)
        elif match := SPREAD.search(name):
            numbers = [int(n) for n in match.groups() if n]
            label = "–".join(str(n) for n in numbers)
            spreads.append((numbers[0], _file(slug, name, previews, label, words)))
    entry.spreads = [f for _, f in sorted(spreads, key=lambda pair: pair[0])]
    for name in sorted(faces):
        if match := FACE_PNG.search(name):
            side = words["preview_front" if match[2] == "front" else "preview_back"]
            label = f"{int(match[1])}\u00a0{side}"
            entry.card_images.append(_file(slug, name, previews, label, words))


def size_text(size: int, words: dict[str, object]) -> str:
    """Return a file size as '812 kB' or '1,2 MB' in the charter's decimal style."""
    text = f"{max(1, round(size / 1000))} kB" if size < 1000000 else f"{size / 1000000:.1f} MB"
    return text.replace(".", str(words.get("decimal", "."))).replace(" ", "\u00a0")
