"""`charterpress serve`: build, serve dist/ on 127.0.0.1, rebuild on save, reload the browser.

The page at ``/`` shows every charter as it stands: its title, the contact sheet of its cards
and the booklet's spreads (the previews in ``dist/SLUG/preview/``), and the text of every
card. It listens to ``/_events`` (server-sent events): each rebuild sends a new generation
number, and the page reloads itself. While a source is broken, its located problem lines
stand in place of the charter; the last good files stay in ``dist/`` (that is `watch`'s
rule). Everything else in ``dist/`` (``index.html``, the PDFs) is served as it is.
"""

from __future__ import annotations

import html
import http.server
import json
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

EVENTS = "/_events"
"""The server-sent events stream: ``data: GENERATION`` after each rebuild."""
HEARTBEAT_S = 10.0


class State:
    """What the page shows: a generation number, bumped by every rebuild, and the problems."""

    def __init__(self) -> None:
        self.generation = 0
        self.problems: dict[str, list[str]] = {}
        self.changed = threading.Condition()

    def rebuilt(self, slug: str, problems: list[str]) -> None:
        """Record a rebuild of one charter (problems empty when it succeeded); wake the pages."""
        with self.changed:
            if problems:
                self.problems[slug] = problems
            else:
                self.problems.pop(slug, None)
            self.generation += 1
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """Return the generation once it differs from ``seen`` (or after ``timeout``)."""
        with self.changed:
            self.changed.wait_for(lambda: self.generation != seen, timeout)
            return self.generation


def page(state: State, sources: list[Path], out_dir: Path, suffix: str = "") -> str:
    """Return the live page: each charter's previews and card texts, or its problem lines."""
    with state.changed:
        generation, problems = state.generation, dict(state.problems)
    parts: list[str] = []
    for source in sources:
        slug = source.stem
        parts.append(f'<section id="{html.escape(slug)}"><h2>{html.escape(slug)}</h2>')
        if slug in problems:
            lines = "\n".join(html.escape(line) for line in problems[slug])
            parts.append(
                '<p class="broken">Not rebuilt: the last good files stay. Fix these lines and save:</p>'
                f'<pre class="problems" role="alert">{lines}</pre>'
            )
        else:
            parts.append(_charter(source, slug + suffix, out_dir, generation))
        parts.append("</section>")
    body = "\n".join(parts) or "<p>No charter in sources/ yet.</p>"
    return TEMPLATE.format(generation=generation, body=body, events=EVENTS)


def _charter(source: Path, slug: str, out_dir: Path, generation: int) -> str:
    """Return a charter's part of the page from its source and its previews."""
    from ..intake.questions import rows
    from ..source.draft import drafting
    from ..source.load import read_source
    from ..source.schema import validate_source

    with drafting():
        validated, problems = validate_source(read_source(source))
    if validated is None:
        return f'<pre class="problems">{html.escape(chr(10).join(map(str, problems)))}</pre>'
    meta = validated.charter.meta
    out = [
        f'<p class="title" lang="{meta.language}">{html.escape(meta.title)} · {html.escape(meta.municipality)}</p>'
    ]
    previews = sorted(
        (out_dir / slug / "preview").glob("*.png"), key=lambda p: ("-cards" not in p.name, p.name)
    )
    for png in previews:
        if png.name.endswith("-cover.png"):
            continue
        src = f"/{slug}/preview/{png.name}?v={generation}"
        out.append(f'<img src="{html.escape(src)}" alt="{html.escape(png.stem)}" loading="lazy">')
    out.append(f'<ol class="cards" lang="{meta.language}">')
    for row in rows(validated):
        question = html.escape(row.question) if row.question else "<em>(no question yet)</em>"
        out.append(
            f'<li value="{row.number}"><span class="front">{html.escape(row.commitment)}</span>'
            f'<span class="back">{question}</span></li>'
        )
    out.append("</ol>")
    pdfs = sorted((out_dir / slug).glob("*.pdf"))
    if pdfs:
        links = " · ".join(f'<a href="/{slug}/{p.name}">{html.escape(p.name)}</a>' for p in pdfs)
        out.append(f"<p>{links}</p>")
    return "\n".join(out)


TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>charterpress serve</title>
<style>
body {{ font: 16px/1.4 system-ui, sans-serif; margin: 1rem auto; max-width: 70rem; padding: 0 1rem; color: #111; }}
img {{ max-width: 100%; display: block; margin: .5rem 0; border: 1px solid #ccc; }}
pre.problems {{ background: #fde8e8; color: #700; padding: 1rem; white-space: pre-wrap; }}
.broken {{ color: #700; font-weight: bold; }}
ol.cards li span {{ display: block; }} ol.cards .back {{ color: #444; font-style: italic; }}
</style></head>
<body data-generation="{generation}">
<h1>charterpress serve</h1>
<p>Save a source in your editor: this page reloads when the rebuild lands. <a href="/index.html">All files</a></p>
{body}
<script>
const generation = "{generation}";
const events = new EventSource("{events}");
events.onmessage = (event) => {{ if (event.data !== generation) location.reload(); }};
</script>
</body></html>
"""


def handler(state: State, sources_of, out_dir: Path, suffix: str = ""):
    """Return the request handler class: the live page, the events, and dist/ as files."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(out_dir), **kwargs)

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - the hook's name
            pass  # the terminal shows rebuilds, not requests

        def do_GET(self) -> None:  # noqa: N802 - the hook's name
            path = unquote(urlsplit(self.path).path)
            if path == "/":
                self._send(
                    page(state, sources_of(), out_dir, suffix).encode("utf-8"),
                    "text/html; charset=utf-8",
                )
            elif path == EVENTS:
                self._events()
            else:
                super().do_GET()

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def _send(self, data: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            seen = -1
            try:
                while True:
                    current = state.wait(seen, HEARTBEAT_S)
                    if current != seen:
                        self.wfile.write(f"data: {json.dumps(current)}\n\n".encode())
                        seen = current
                    else:
                        self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


def serve(args, options) -> int:
    """Build, serve dist/ and rebuild on save until Ctrl-C; return 130 when interrupted."""
    from ..source.draft import SUFFIX
    from ..source.load import find_sources
    from .watch import watch

    out_dir = (
        args.out
        if args.out is not None
        else args.base / "dist" / ("drafts" if options.draft else "")
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    state = State()

    def sources_of() -> list[Path]:
        try:
            return find_sources(args.sources, args.sources_dir)
        except Exception:  # a folder that is gone for a moment
            return []

    suffix = SUFFIX if options.draft else ""
    server = http.server.ThreadingHTTPServer(
        (args.host, args.port), handler(state, sources_of, out_dir, suffix)
    )
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    print(f"serving http://{host}:{port}/ (the files of {out_dir}/)", flush=True)
    stop = threading.Event()
    try:  # Ctrl-C: watch raises KeyboardInterrupt, and the command exits 130
        watch(
            args.sources,
            args.sources_dir,
            out_dir,
            options,
            stop=stop,
            verbose=args.verbose > 0,
            on_rebuild=state.rebuilt,
        )
    finally:
        server.shutdown()
        server.server_close()
    return 0


def add_parser(sub, sources, rendering) -> object:
    """Add `charterpress serve` to the command line; return its parser."""
    parser = sub.add_parser(
        "serve",
        help="build, serve dist/ on localhost, rebuild on save and reload the browser",
        description="Build, then serve dist/ at http://127.0.0.1:PORT/ and watch like `watch`. "
        "The page shows each charter's cards and spreads and reloads when a rebuild lands; a "
        "source with a mistake shows its problem lines there instead. Ctrl-C stops.",
    )
    sources(parser)
    rendering(parser, jobs=1)
    parser.add_argument(
        "--port", type=int, default=8000, help="the port (default 8000; 0: any free one)"
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to bind (default 127.0.0.1: this machine only)",
    )
    parser.add_argument(
        "--no-preview", dest="previews", action="store_false", help="make no PNG previews"
    )
    parser.add_argument(
        "--draft",
        action="store_true",
        help="build drafts, as `build --draft` (questions may be missing; dist/drafts/)",
    )
    return parser
