"""Personalised onboarding booklets: for every person of a roster, the charter's booklet behind a
cover "Til NAME", the welcome letter and the first-90-days plan with its real dates.

**Laid out once.** The pages every person shares are the charter's booklet: it is laid out once
(``handbook.render_screen`` and ``render_print``, exactly as the build makes it), written once per
variant, and proven once. The personal pages of *all* people are one document
(``onboarding.html``), laid out once, as the print variant, and written once per variant (the
screen file tagged for PDF/UA, its bleed cropped; the print file PDF/X). Each person's two files
then take their own pages of those and are joined in front of the booklet with pypdf
(``prepress/join.py``): the tags, links and bookmarks of both kept, the booklet numbered 1, 2, 3 …
as it prints, the personal pages i, ii, iii.

**Proven.** Every person's pages hold their texts in order (name, letter, every step with its
date), read from the layout; the screen pages' text layer holds only words of the source, the
labels and the person's roster row (``textlayer``); every font is a bundled one (the command
checks what was embedded); one person's print pages pass the preflight (the inks are the
layout's, the same for everyone). The booklet behind them is the charter's own, proven as the
build proves it.

In print, each person's pages are padded to a multiple of four with a ruled notes page (laid out
once, after everyone's pages, and repeated), so the charter's cover starts a new sheet and the
whole stays a multiple of four.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import units
from ..errors import BuildError
from ..layout import proof, render, templates, textlayer, tree
from ..prepress import join, pdfx
from ..source.model import Charter, Step
from ..values import Product, Source
from .booklet import checks as booklet_checks
from .booklet import context as booklet_context
from .booklet import handbook

if TYPE_CHECKING:
    import weasyprint

    from ..intake.roster import Person

TEMPLATE = "onboarding.html"
FOLDER = "onboarding"
"""The folder inside ``dist/SLUG/`` that holds the booklets."""
ANCHOR = "cp_onboard_"
"""The id of each person's first page: cp_onboard_0, cp_onboard_1 …"""


# --- Words ------------------------------------------------------------------------------------


def format_date(day: dt.date, words: dict) -> str:
    """Return a date in the charter's language: 'mandag 11. januar 2027', 'Monday 11 January 2027'."""
    return str(words["date"]).format(
        weekday=words["weekdays"][day.weekday()],
        day=day.day,
        month=words["months"][day.month - 1],
        year=day.year,
    )


def step_date(start: dt.date, step: Step) -> dt.date:
    """Return the date of a step: its offset from the start date, a weekend moved to the Monday."""
    day = start + dt.timedelta(days=step.offset)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def listed(items: list[str], word_and: str) -> str:
    """Return 'a', 'a og b', 'a, b og c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word_and} " + items[-1]


def chapter_names(charter: Charter, labels: dict) -> dict[str, str]:
    """Return {id: name as the booklet's contents names it} of every chapter a step may take up."""
    names = {
        e.target: booklet_context.join_label(e.kicker, e.label) for e in booklet_context.contents(charter, labels)
    }
    for i, passage in enumerate(charter.front):
        names.setdefault(passage.id, booklet_context.passage_name(passage, i == 0, labels) or passage.id)
    for section in charter.sections:
        if section.preface:
            names.setdefault(section.preface.id, section.preface.title or section.title)
    for passage in charter.back:
        names.setdefault(passage.id, passage.title or passage.id)
    return names


@dataclass(frozen=True)
class PlanStep:
    """One step of a person's plan, as printed."""

    label: str
    date: str
    do: str
    who: str | None
    refs: str


@dataclass(frozen=True)
class Page:
    """What the template shows of one person."""

    person: Person
    anchor: str
    cover: dict
    greeting: str
    start: str
    plan_intro: str
    steps: tuple[PlanStep, ...]

    @property
    def name(self) -> str:  # noqa: D102 - the template's names
        return self.person.name

    @property
    def unit(self) -> str:  # noqa: D102
        return self.person.unit

    @property
    def manager(self) -> str:  # noqa: D102
        return self.person.manager


def person_page(source: Source, person: Person, index: int, pages_of: dict[str, int]) -> Page:
    """Return one person's words: the cover, the letter's greeting, the plan with its dates."""
    charter = source.charter
    labels = templates.labels(charter.meta.language)
    words: dict = labels["onboarding"]  # type: ignore[assignment]
    onboarding = charter.onboarding
    assert onboarding is not None
    names = chapter_names(charter, labels)
    steps = []
    for step in sorted(onboarding.plan, key=lambda s: s.offset):
        refs = [
            f"{names[i]} ({str(words['page']).format(n=pages_of[i])})"
            if i in pages_of
            else names[i]
            for i in step.sections
        ]
        if step.cards:
            key = "card" if len(step.cards) == 1 else "cards"
            numbers = listed([str(n) for n in step.cards], str(words["and"]))
            refs.append(str(words[key]).format(n=numbers))
        label = (
            str(words["week"]).format(n=step.week)
            if step.week is not None
            else str(words["day"]).format(n=step.day)
        )
        steps.append(
            PlanStep(
                label,
                format_date(step_date(person.start, step), words),
                step.do,
                step.who,
                " · ".join(refs),
            )  # fmt: skip
        )
    start = format_date(person.start, words)
    meta = charter.meta
    cover = {
        "municipality": meta.municipality,
        "title": f"{words['to']} {person.name}",
        "subtitle": str(words["cover_subtitle"]).format(title=meta.title),
        "year": start,
    }
    return Page(
        person=person,
        anchor=f"{ANCHOR}{index}",
        cover=cover,
        greeting=str(words["greeting"]).format(name=person.name),
        start=start,
        plan_intro=str(words["plan_intro"]).format(date=start),
        steps=tuple(steps),
    )


def expected_texts(page: Page, charter: Charter, words: dict) -> list[str]:
    """Return every text a person's pages must show, in reading order."""
    onboarding = charter.onboarding
    assert onboarding is not None
    letter = onboarding.letter
    out = [page.cover["title"], page.cover["subtitle"], letter.title or str(words["welcome"])]
    out += [page.name, page.unit, page.start, page.manager, page.greeting]
    out += [*letter.body, *letter.signature, str(words["plan_title"]), page.plan_intro]
    for step in page.steps:
        out += [step.label, step.date, step.do, step.who or "", step.refs]
    return [t for t in out if t]


# --- Layout -----------------------------------------------------------------------------------


def personal_html(source: Source, pages: list[Page], variant: str, shrink: float) -> str:
    """Return the HTML of every person's pages, one after another."""
    charter = source.charter
    language = charter.meta.language
    labels = templates.labels(language)
    theme = charter.theme
    onboarding = charter.onboarding
    assert onboarding is not None
    rows = booklet_context.mark_rows(charter)
    from ..text import names

    env = booklet_context.environment(
        source.slug, language, theme.name, source.images, variant, theme.paper,
        names.of_charter(charter),
    )  # fmt: skip
    words = labels["onboarding"]
    return render.render_html(
        env,
        TEMPLATE,
        charter=charter,
        meta=charter.meta,
        labels=labels,
        words=words,
        people=pages,
        notes_anchor=f"{ANCHOR}{len(pages)}",
        letter=onboarding.letter,
        letter_title=onboarding.letter.title or words["welcome"],  # type: ignore[index]
        variant=variant,
        band=0,
        margins=booklet_context.margins(booklet_context.text_mm(theme.name)),
        monogram=charter.monogram,
        mark={side: booklet_context.mark(rows, side, shrink) for side in ("cover", "back")},
        theme={**booklet_context.palette(theme.colour), "--accent": theme.accent},
        ink={"body": units.BODY_INK_PRINT if variant == "print" else units.INK_DARK_BOOKLET},
    )


def page_ranges(document: weasyprint.Document, count: int) -> list[range]:
    """Return the pages of each person (their first page holds their anchor)."""
    firsts = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            if name.startswith(ANCHOR):
                firsts.setdefault(int(name.removeprefix(ANCHOR)), index)
    if any(i not in firsts for i in range(count)):
        raise BuildError(
            "onboarding: a person's pages were not found in the layout (a layout bug: please report it)"
        )
    starts = [firsts[i] for i in range(count)] + [firsts.get(count, len(document.pages))]
    return [range(starts[i], starts[i + 1]) for i in range(count)]


def lay_out(source: Source, pages: list[Page], shrink: float) -> weasyprint.Document:
    """Lay out every person's pages (the print variant); a cover whose name runs into its mark
    gets a lower mark."""
    for step in [s for s in handbook.MARK_SHRINKS if s <= shrink]:
        document = render.to_document(personal_html(source, pages, "print", step))
        ranges = page_ranges(document, len(pages) + 1)[:-1]  # the last: the notes page
        if not any(booklet_checks._overlaps(tree.page_box(document.pages[r[0]])) for r in ranges):
            return document
    raise BuildError(
        source.problem("onboarding", "a cover cannot hold a name and the mark without overlap; "
                       "shorten the name in the roster")
    )  # fmt: skip


# --- The charter's booklet, once -----------------------------------------------------------------


@dataclass
class Common:
    """The charter's booklet, laid out, written and proven once for every person."""

    screen: join.Part
    printed: join.Part
    pages_of: dict[str, int]
    """The page each chapter starts on, as the booklet prints it."""
    shrink: float
    seconds: float = 0.0


def common(source: Source) -> Common:
    """Lay out, write and prove the charter's booklet (screen and print)."""
    started = time.perf_counter()
    screen, fit = handbook.render_screen(source)
    printed = handbook.render_print(source, len(screen.pages), fit)
    proof.check_booklet(source, screen)
    pages_of: dict[str, int] = {}
    for index, page in enumerate(screen.pages):
        for name in page.anchors:
            pages_of.setdefault(name, index + 1)
    screen_pdf = render.to_pdf(screen, variant="pdf/ua-1")
    textlayer.check(source, screen_pdf, templates.labels(source.charter.meta.language))
    print_pdf = render.to_pdf(printed, print_colour=True)
    return Common(
        join.Part(screen_pdf), join.Part(print_pdf), pages_of, fit.mark_shrink,
        time.perf_counter() - started,
    )  # fmt: skip


# --- The booklets ------------------------------------------------------------------------------


@dataclass
class Made:
    """What ``make`` made: two products per person, and what it cost."""

    products: list[Product] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def make(source: Source, people: list[Person]) -> Made:
    """Return every person's screen and print booklet (``onboarding/STEM.pdf``, ``STEM-print.pdf``),
    proven; raise a BuildError before anything is returned if one fails its proof."""
    from ..prepress import preflight

    charter = source.charter
    if charter.onboarding is None:
        raise BuildError(
            source.problem("meta", "this charter has no 'onboarding:' part (a welcome letter and "
                           "a plan): add one to the source, see docs/source-format.md#onboarding")
        )  # fmt: skip
    made = Made()
    clock = Clock(made.seconds)
    labels = templates.labels(charter.meta.language)
    words: dict = labels["onboarding"]  # type: ignore[assignment]
    with clock("charter booklet"):
        base = common(source)
    with clock("layout"):
        # Everyone's pages in one layout, as the print variant (the screen files crop its bleed),
        # and one ruled notes page after them that pads each person's print pages to a
        # multiple of four.
        pages = [person_page(source, p, i, base.pages_of) for i, p in enumerate(people)]
        document = lay_out(source, pages, base.shrink)
        *ranges, spare = page_ranges(document, len(pages) + 1)
        notes = spare[0]
    with clock("write"):
        # Everyone's pages written once per variant; each file takes its own pages of them.
        document.metadata.title = charter.meta.title
        padded, print_ranges = [], []
        for r in ranges:
            extra = [notes] * handbook.notes_needed(len(r))
            print_ranges.append(range(len(padded), len(padded) + len(r) + len(extra)))
            padded += [*r, *extra]
        printed = document.copy([document.pages[i] for i in padded])
        fronts = join.Part(render.to_pdf(printed, print_colour=True, seal=False))
        screen = document.copy([document.pages[i] for r in ranges for i in r])
        screen_fronts = join.Part(render.to_pdf(screen, variant="pdf/ua-1", finisher=_crop_bleed))
        screen_texts = textlayer.pdf_pages_text(screen_fronts.data)
    with clock("preflight"):
        # The ink rules are the layout's, the same on every person's pages: one person's
        # pages are preflighted (all of them cost a tenth of the whole run).
        report = preflight.Report()
        preflight.check_file(
            f"{FOLDER}/{pages[0].person.files[1]}", _first(fronts, print_ranges[0]), report
        )
        if report.errors:
            raise BuildError(
                [preflight.locate(source, f, {}) for f in preflight.grouped(report.errors)]
            )
    vocabulary = textlayer.vocabulary([*textlayer.strings(charter), *textlayer.strings(labels),
                                       *textlayer.project_layout_texts(source)])  # fmt: skip
    bookmark = f"{words['charter']}: {charter.meta.title}"
    joiner = join.Joiner(screen_fronts, base.screen, bookmark)
    at = 0  # the first page of the person in the screen pages
    for page, content, pages_of in zip(pages, ranges, print_ranges, strict=True):
        person = page.person
        on_screen = range(at, at + len(content))
        at += len(content)
        with clock("proof"):
            wanted = [proof.flat(t) for t in expected_texts(page, charter, words)]
            laid_out = "".join(proof.page_text(document.pages[i]) for i in content)
            missing = proof.missing_in_order(laid_out, wanted)
            if missing:
                raise BuildError(
                    source.problem("onboarding", f"{person.files[0]}: a text is missing from the "
                                   f"layout ('{missing[:40]}'; a layout bug: please report it)")
                )  # fmt: skip
            words_here = vocabulary | textlayer.vocabulary(
                [person.name, person.unit, person.manager]
            )
            wrong = textlayer.wrong_words([screen_texts[i] for i in on_screen], words_here)
            if wrong:
                page_no, word = wrong[0]
                raise BuildError(
                    source.problem("onboarding", f"{person.files[0]}: the text layer reads {word!r} "
                                   f"on page {page_no}, a word of neither the source nor the roster "
                                   "(a layout bug: please report it)")
                )  # fmt: skip
        title = str(words["title"]).format(title=charter.meta.title, name=person.name)
        with clock("join screen"):
            screen_pdf = joiner.join(on_screen, title)
        with clock("join print"):
            print_pdf = pdfx.seal(join.join(fronts, pages_of, base.printed, bookmark, title))
        made.products += [
            Product(f"{FOLDER}/{person.files[0]}", screen_pdf, len(content) + _pages(base.screen)),
            Product(f"{FOLDER}/{person.files[1]}", print_pdf, len(pages_of) + _pages(base.printed)),
        ]
    return made


def _first(part: join.Part, pages: range) -> bytes:
    """Return the pages ``pages`` of a written part as a PDF of their own (for the preflight)."""
    from ..prepress.pdf import to_bytes, writer_from

    writer = writer_from(part.reader)
    for index in reversed(range(len(part.reader.pages))):
        if index not in pages:
            writer.remove_page(index)
    return to_bytes(writer)


def _crop_bleed(_document: object, pdf: object) -> None:
    """WeasyPrint's finisher: the screen file's pages are the trim, without the print's bleed."""
    import pydyf

    from ..prepress.pdf import finisher_pages

    for page in finisher_pages(pdf):
        trim = pydyf.Array(float(v) for v in page["TrimBox"])
        page["MediaBox"] = trim
        page["BleedBox"] = trim


class Clock:
    """Add the seconds spent in each named step to a dict (``with clock("join"): …``)."""

    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


def _pages(booklet: join.Part) -> int:
    return len(booklet.reader.pages)
