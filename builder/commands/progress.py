"""What a long build shows while it runs, and the summary it ends with.

On a terminal: a live display (rich) while charters render. Otherwise, or under ``-q``: plain
lines, one per charter as it finishes (none under ``-q``). The summary at the end lists each
charter, its outputs, their pages and size, and the time it took.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from ..values import Built


class Progress:
    """The silent display: what the library uses when nobody is watching."""

    def begin(self, slugs: list[str]) -> None:
        """Say that these charters are about to be rendered."""

    def advance(self, built: Built) -> None:
        """Say that one charter is done."""

    def end(self) -> None:
        """Close the display."""


class PlainProgress(Progress):
    """One line per charter as it finishes: for logs, pipes and CI."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total = 0
        self.count = 0

    def begin(self, slugs: list[str]) -> None:  # noqa: D102
        self.total, self.count = len(slugs), 0
        if len(slugs) > 1:
            print(f"rendering {len(slugs)} charters: {', '.join(slugs)}", file=self.stream)

    def advance(self, built: Built) -> None:  # noqa: D102
        self.count += 1
        print(
            f"[{self.count}/{self.total}] {describe(built, RENDERED)}", file=self.stream, flush=True
        )


class LiveProgress(Progress):
    """A live bar on the terminal while charters render; log lines scroll above it."""

    def __init__(self, stream: TextIO | None = None) -> None:
        from rich.console import Console

        self.console = Console(file=stream or sys.stderr)
        self.live = None
        self.task = None
        self.waiting: list[str] = []
        self.handlers: list[tuple[logging.StreamHandler, TextIO]] = []

    def begin(self, slugs: list[str]) -> None:  # noqa: D102
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as Bar

        if not slugs:
            return
        self.waiting = list(slugs)
        self.live = Bar(
            SpinnerColumn(),
            TextColumn("[bold]rendering[/bold]"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=self.console,
            transient=True,
        )
        self.live.start()
        self.task = self.live.add_task(self._waiting(), total=len(slugs))
        # Log lines (e.g. 'card 4 shrunk') go through the live console so they print above the bar.
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream is self.console.file:
                self.handlers.append((handler, handler.stream))
                handler.setStream(_ConsoleWriter(self.console))

    def _waiting(self) -> str:
        shown = ", ".join(self.waiting[:4])
        return shown + (f" (+{len(self.waiting) - 4})" if len(self.waiting) > 4 else "")

    def advance(self, built: Built) -> None:  # noqa: D102
        if self.live is None:
            return
        if built.slug in self.waiting:
            self.waiting.remove(built.slug)
        self.console.print(describe(built, RENDERED), highlight=False, markup=False)
        self.live.update(self.task, advance=1, description=self._waiting())

    def end(self) -> None:  # noqa: D102
        for handler, stream in self.handlers:
            handler.setStream(stream)
        self.handlers.clear()
        if self.live is not None:
            self.live.stop()
            self.live = None


class _ConsoleWriter:
    """A file-like object that prints through a rich console (above its live display)."""

    def __init__(self, console) -> None:
        self.console = console

    def write(self, text: str) -> int:
        if text.strip():
            self.console.print(text.rstrip("\n"), highlight=False, markup=False)
        return len(text)

    def flush(self) -> None:
        pass


def for_terminal(quiet: bool, stream: TextIO | None = None) -> Progress:
    """Return the display that suits ``stream`` (stderr): live on a terminal, plain lines otherwise."""
    stream = stream or sys.stderr
    if quiet:
        return Progress()
    if stream.isatty():
        try:
            return LiveProgress(stream)
        except ImportError:  # rich is a dependency; a broken install still builds
            pass
    return PlainProgress(stream)


# --- Words ----------------------------------------------------------------------------------


RENDERED = "rendered"
"""What a progress line says of a charter: its files are made but not yet written (the
build writes all charters at once, or none); the summary after the write says "built"."""


def describe(built: Built, done: str = "rebuilt") -> str:
    """Return one line saying what a build did (``done``, or is doing) for a charter."""
    if built.skipped:
        return f"{built.slug}: up to date"
    parts = []
    if built.products:
        pages = sum(p.pages for p in built.products)
        pdfs = [p for p in built.products if p.name.endswith(".pdf")]  # not SLUG-preflight.txt
        parts.append(f"{plural(len(pdfs), 'PDF')}, {pages} pages")
    if built.previews:
        parts.append(plural(len(built.previews), "preview"))
    shrunk = sum(len(p.shrunk) for p in built.products)
    if shrunk:
        parts.append(f"{plural(shrunk, 'card face')} shrunk")
    notes = sum(len(p.notes) for p in built.products) - shrunk
    if notes > 0:
        parts.append(plural(notes, "note"))
    size = human_size(sum(len(p.data) for p in [*built.products, *built.previews]))
    what = done if built.products else "previews made"
    return f"{built.slug}: {what}: {', '.join(parts) or 'nothing'}; {size}; {built.seconds:.1f} s"


def plural(n: int, word: str) -> str:
    """Return '1 PDF' or '5 PDFs'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def human_size(size: int) -> str:
    """Return a byte count as '812 kB' or '3.1 MB' (decimal units, like file managers)."""
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{size / 1000:.0f} kB"
    return f"{size / 1_000_000:.1f} MB"


def summary_rows(results: list[Built]) -> list[tuple[str, str, str, str, str]]:
    """Return the summary as rows: charter, output, pages, size, time (charter and time once)."""
    rows = []
    for built in results:
        if built.skipped:
            rows.append((built.slug, "up to date", "", "", ""))
            continue
        outputs = [(p.name, str(p.pages), len(p.data)) for p in built.products]
        if built.previews:
            size = sum(len(p.data) for p in built.previews)
            outputs.append((f"preview/ ({plural(len(built.previews), 'PNG')})", "", size))
        for number, (name, pages, size) in enumerate(outputs):
            first = number == 0
            time = f"{built.seconds:.1f} s" if first else ""
            rows.append((built.slug if first else "", name, pages, human_size(size), time))
    return rows


def print_summary(results: list[Built], seconds: float, stream: TextIO | None = None) -> None:
    """Print the summary table of a build: a rich table on a terminal, aligned text otherwise."""
    stream = stream or sys.stderr
    done = [b for b in results if not b.skipped]
    if not done:
        print(f"{plural(len(results), 'charter')} up to date; {seconds:.1f} s", file=stream)
        return
    rows = summary_rows(results)
    pages = sum(p.pages for b in done for p in b.products)
    size = sum(len(p.data) for b in done for p in [*b.products, *b.previews])
    total = (
        f"{plural(len(done), 'charter')} built, {len(results) - len(done)} up to date; "
        f"{pages} pages, {human_size(size)}; {seconds:.1f} s"
    )
    header = ("charter", "output", "pages", "size", "time")
    if stream.isatty():
        try:
            from rich.console import Console
            from rich.table import Table
        except ImportError:
            pass
        else:
            table = Table(*header, caption=total, box=None, pad_edge=False)
            for column in table.columns[2:]:
                column.justify = "right"
            for row in rows:
                table.add_row(*row)
            Console(file=stream).print(table)
            return
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    for row in [header, *rows]:
        cells = [
            c.rjust(w) if i >= 2 else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells).rstrip(), file=stream)
    print(total, file=stream)
