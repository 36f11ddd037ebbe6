"""The command line: parse arguments, set up logging, call the library, print one line per problem."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from . import __version__
from .errors import CharterError, UsageError

log = logging.getLogger("charterpress")

SOURCES = Path("sources")
DIST = Path("dist")


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit with code 2 and one line."""

    def error(self, message: str) -> None:  # noqa: D102 - argparse hook
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="charterpress",
        description="Turn leadership charters (sources/*.yaml) into booklets and dialogue card decks.",
    )
    parser.add_argument("--version", action="version", version=f"charterpress {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("-v", "--verbose", action="count", default=0, help="say more")
        p.add_argument("-q", "--quiet", action="store_true", help="say only what went wrong")

    check = sub.add_parser("check", help="validate sources and summarise them")
    check.add_argument(
        "sources",
        nargs="*",
        type=Path,
        metavar="SOURCE",
        help="source files or folders (default: sources/*.yaml)",
    )
    common(check)

    def sources(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "sources",
            nargs="*",
            type=Path,
            metavar="SOURCE",
            help="source files or folders (default: sources/*.yaml)",
        )
        p.add_argument(
            "--out", type=Path, default=DIST, metavar="DIR", help="output folder (default: dist)"
        )

    def rendering(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--marks",
            action="store_true",
            help="add crop marks outside the bleed to the print-shop PDFs",
        )
        p.add_argument(
            "--only",
            choices=("cards", "booklet"),
            action="append",
            help="build only these products (repeatable)",
        )
        p.add_argument(
            "-j",
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            metavar="N",
            help="charters rendered at once (default: the number of CPUs)",
        )

    build = sub.add_parser("build", help="build the booklets and card decks into dist/")
    sources(build)
    rendering(build)
    build.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    build.add_argument(
        "--no-preview",
        dest="previews",
        action="store_false",
        help="make no PNG previews (dist/SLUG/preview/)",
    )
    common(build)

    preview = sub.add_parser(
        "preview",
        help="make the PNG previews (contact sheet, spreads, cover), rebuilding only stale PDFs",
    )
    sources(preview)
    rendering(preview)
    common(preview)

    watch = sub.add_parser(
        "watch", help="build, then rebuild what changed whenever a source, layout or asset is saved"
    )
    sources(watch)
    rendering(watch)
    watch.add_argument(
        "--no-preview",
        dest="previews",
        action="store_false",
        help="make no PNG previews (faster rebuilds)",
    )
    common(watch)

    new = sub.add_parser("new", help="write a commented starter source that passes `check`")
    new.add_argument(
        "slug", help="the charter's short name, e.g. 'roskilde' (file sources/SLUG.yaml)"
    )
    new.add_argument(
        "--dir", type=Path, default=SOURCES, help="where to write it (default: sources)"
    )
    common(new)
    return parser


def _logging(args: argparse.Namespace) -> None:
    level = logging.WARNING if args.quiet else (logging.DEBUG if args.verbose > 1 else logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("weasyprint", "fontTools", "pypdf"):
        logging.getLogger(noisy).setLevel(logging.ERROR if args.verbose < 2 else logging.DEBUG)


def cmd_check(args: argparse.Namespace) -> int:
    """Validate sources and print one summary line per charter."""
    from .pipeline import load_sources

    for source in load_sources(args.sources, SOURCES):
        charter = source.charter
        in_sections = sum(len(s.commitments) for s in charter.sections)
        org = charter.organisation
        extra = f" + {len(org.commitments)} from the organisation" if org else ""
        print(
            f"{source.name}: ok: {charter.meta.municipality}: {len(charter.sections)} sections, "
            f"{in_sections} commitments{extra}"
        )
    return 0


def _options(args: argparse.Namespace, *, previews: bool = True, force: bool = False):
    from .pipeline import Options

    return Options(
        marks=args.marks,
        products=tuple(args.only) if args.only else ("cards", "booklet"),
        force=force,
        jobs=max(1, args.jobs),
        previews=previews,
    )


def cmd_build(args: argparse.Namespace) -> int:
    """Build every charter, print the paths written, and sum up what was done."""
    from .pipeline import build
    from .progress import for_terminal, print_summary

    options = _options(args, previews=args.previews, force=args.force)
    started = time.perf_counter()
    results = build(args.sources, SOURCES, args.out, options, for_terminal(args.quiet))
    for built in results:
        for path in built.paths:
            print(path)
    if not args.quiet:
        print_summary(results, time.perf_counter() - started)
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    """Make the previews (and the PDFs they show, where those are stale); print their paths."""
    from .pipeline import build
    from .progress import for_terminal, print_summary

    started = time.perf_counter()
    results = build(args.sources, SOURCES, args.out, _options(args), for_terminal(args.quiet))
    for built in results:
        folder = args.out / built.slug / "preview"
        for path in sorted(folder.glob("*.png")):
            print(path)
    if not args.quiet:
        print_summary(results, time.perf_counter() - started)
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    """Build, then rebuild on every save until interrupted."""
    from .watch import watch

    watch(args.sources, SOURCES, args.out, _options(args, previews=args.previews))
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    """Write a starter source for a new charter."""
    from .starter import write_starter

    print(write_starter(args.slug, args.dir))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    try:
        parser = _parser()
        args, extra = parser.parse_known_args(argv)
        if extra:
            raise UsageError(
                f"unrecognized arguments: {' '.join(extra)} "
                f"(see `charterpress {args.command} --help`)"
            )
        _logging(args)
        command = {
            "check": cmd_check,
            "build": cmd_build,
            "preview": cmd_preview,
            "watch": cmd_watch,
            "new": cmd_new,
        }[args.command]
        return command(args)
    except CharterError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("charterpress: interrupted", file=sys.stderr)
        return 130
    except OSError as error:
        print(f"charterpress: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return 1
    except Exception as error:  # a bug of ours: one line for the user, the traceback with -vv
        if logging.getLogger().level <= logging.DEBUG:
            raise
        print(
            f"charterpress: internal error: {type(error).__name__}: {error} "
            "(please report it; run with -vv for the details)",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
