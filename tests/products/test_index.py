"""dist/index.html: every charter, every PDF with what it is for, every preview; every link resolves."""

from __future__ import annotations

from charterpress.layout.templates import labels
from charterpress.output.write import MANIFEST, Manifest
from charterpress.products import index
from support import SLUGS, SOURCES, Page, load, target


def test_the_index_links_every_pdf_and_every_preview_and_every_link_resolves(built_dist):
    page = Page((built_dist / "index.html").read_text(encoding="utf-8"))
    linked = {target(built_dist, url) for url in page.links + [i["src"] for i in page.images]}
    for path in linked:
        assert path.is_file(), path
    made = {
        p.resolve()
        for p in built_dist.rglob("*")
        if p.is_file() and p.name not in (index.INDEX, MANIFEST)
    }
    assert made, "nothing was built"
    assert made <= linked, sorted(str(p) for p in made - linked)
    for slug in SLUGS:  # every charter in sources/, whatever their number
        assert any(p.suffix == ".pdf" and p.parent.name == slug for p in linked)
        assert target(built_dist, f"{slug}/preview/{slug}-cover.png") in {
            target(built_dist, i["src"]) for i in page.images
        }
    assert len(page.sections) == len(SLUGS)


def test_each_pdf_says_what_it_is_for_in_the_charters_language(built_dist):
    page = Page((built_dist / "index.html").read_text(encoding="utf-8"))
    for slug in SLUGS:
        charter = load(SOURCES / f"{slug}.yaml").charter
        words = labels(charter.meta.language)
        sheet = charter.theme.sheet
        office = (
            "for_office_fold"
            if sheet.mode == "fold"
            else ("for_office_short" if sheet.flip == "short" else "for_office_long")
        )
        expected = {
            f"{slug}/{slug}-booklet.pdf": words["for_screen"],
            f"{slug}/{slug}-booklet-print.pdf": words["for_print_shop"],
            f"{slug}/{slug}-booklet-imposed.pdf": words["for_office_booklet"],
            f"{slug}/{slug}-cards-print.pdf": words["for_print_shop"],
            f"{slug}/{slug}-cards-sheets.pdf": words[office],
            f"{slug}/{slug}-print-order.pdf": words["for_print_order"],  # the job sheet
        }
        for href, label in expected.items():
            assert page.link_texts[href].casefold() == str(label).casefold(), href
        section = next(s for s in page.sections if s["aria-labelledby"] == f"c-{slug}")
        assert section["lang"] == charter.meta.language
    text = (built_dist / "index.html").read_text(encoding="utf-8")
    assert "til kontorprinteren – dobbeltsidet, vend på den lange kant" in text.casefold()


def test_the_page_is_accessible_and_fits_a_phone(built_dist):
    page = Page((built_dist / "index.html").read_text(encoding="utf-8"))
    assert page.html.get("lang")
    assert any(
        m.get("name") == "viewport" and "width=device-width" in m["content"] for m in page.meta
    )
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), page.headings
    assert all(text for _, text in page.headings)
    for image in page.images:
        assert (image.get("alt") or "").strip(), image
    assert all(page.link_texts[url] for url in page.links), "a link without text"


def test_a_page_of_english_and_danish_charters_with_a_short_edge_flip(tmp_path):
    manifest = Manifest()
    for slug, language, flip, mode in (
        ("north", "en", "short", "duplex"),
        ("syd", "da", "long", "fold"),
        ("east", "en", "long", "duplex"),
    ):
        (tmp_path / slug).mkdir()
        names = [f"{slug}-cards-sheets.pdf", f"{slug}-booklet.pdf", f"{slug}-extra.pdf"]
        for name in names:
            (tmp_path / slug / name).write_bytes(b"%PDF-1.7 x" * 200)
        manifest.entries[slug] = {
            "key": "k",
            "files": dict.fromkeys(names, ""),
            "sizes": dict.fromkeys(names, 2000),
            "mtimes": {},
            "pages": dict.fromkeys(names, 1),
            "info": {
                "title": f"<b>{slug}</b> & co",
                "municipality": slug.title(),
                "language": language,
                "flip": flip,
                "mode": mode,
                "colour": "red; background: url(x)",
            },
        }
    manifest.entries["gone"] = {**manifest.entries["east"], "files": {"gone-booklet.pdf": ""}}
    html = index.render(tmp_path, manifest)
    page = Page(html)
    assert page.html["lang"] == "en"  # most charters are in English
    assert page.link_texts["north/north-cards-sheets.pdf"] == (
        "For the office printer – double-sided, flip on short edge"
    )
    assert page.link_texts["syd/syd-cards-sheets.pdf"] == (
        "Til kontorprinteren – enkeltsidet, klip ud og fold"
    )
    assert page.link_texts["east/east-extra.pdf"] == "east-extra.pdf"
    assert "1\u00a0page" in html and "2\u00a0kB" in html
    assert "<b>" not in html and "&lt;b&gt;north&lt;/b&gt; &amp; co" in html
    assert "url(x)" not in html
    assert "gone" not in page.link_texts  # files not on disk: not listed
    assert [s["lang"] for s in page.sections] == ["en", "en", "da"]
