"""The command line: parse arguments, set up logging, call the library, print one line per problem."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from . import __version__, project
from .errors import CharterError, UsageError
from .terminal import PlainFormatter, line

log = logging.getLogger("charterpress")

SOURCES = Path("sources")
DIST = Path("dist")
"""The project's folders, relative to the project folder."""

JOBS_VARIABLE = "CHARTERPRESS_JOBS"
"""The environment variable that sets the default of ``-j`` (a CI machine's or a test run's)."""


def _jobs(value: str) -> int:
    """Return a job count of at least 1 (``-j 0`` and ``-j -3`` are usage errors, and so is
    ``CHARTERPRESS_JOBS=two``: its value comes here as ``$CHARTERPRESS_JOBS=two``)."""
    where = f"${JOBS_VARIABLE}="
    if value.startswith(where):  # the variable's value (``rendering``), not a -j given
        value = value.removeprefix(where)
    else:
        where = ""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{where}'{value}' is not a whole number of jobs"
        ) from None
    if number < 1:
        raise argparse.ArgumentTypeError(
            f"{where}{number}: at least 1 job (charters rendered at once)"
        )
    return number


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit with code 2 and one line."""

    def error(self, message: str) -> None:  # noqa: D102 - argparse hook
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _global_options(parser: argparse.ArgumentParser, after: bool) -> None:
    """Add -v, -q and --project, accepted before the command and after it.

    After the command the options keep argparse's SUPPRESS default, so that what was given
    before the command is not overwritten; -v counts on both sides (``-v build -v`` is -vv).
    """
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        dest="verbose_after" if after else "verbose",
        default=argparse.SUPPRESS if after else 0,
        help="say more (-vv: debug output and tracebacks)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS if after else False,
        help="say only what went wrong",
    )
    parser.add_argument(
        "--project",
        type=Path,
        metavar="DIR",
        default=argparse.SUPPRESS if after else None,
        help="the project folder, holding sources/ (default: the current folder)",
    )


def _quantity(value: str) -> int:
    """Return a copy count for the job sheet (1 to 100000)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number of copies") from None
    if not 1 <= number <= 100000:
        raise argparse.ArgumentTypeError(f"{number}: from 1 to 100000 copies")
    return number


def _offset(value: str) -> tuple[float, float]:
    """Return a back-side offset 'X,Y' in mm, each from -10 to 10 (``charterpress calibrate``,
    or ``calibrate --booklet``)."""
    from .source.model import OFFSET_MAX_MM

    parts = value.split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        x, y = (float(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{value}' is not X,Y in mm, e.g. 1.5,-0.5 (what `charterpress calibrate` measures)"
        ) from None
    for name, number in (("x", x), ("y", y)):
        if not abs(number) <= OFFSET_MAX_MM:  # also refuses nan
            raise argparse.ArgumentTypeError(
                f"{value}: {name} {number:g} mm is beyond ±{OFFSET_MAX_MM:g} mm"
            )
    return (x + 0.0, y + 0.0)  # -0.0 is 0.0


EAGER = {"check", "build", "preview", "watch", "new", "schema"}
"""Commands declared whatever is named; the others' modules (a server, the importer …) are
imported only when named, or for --help or a mistyped command: a build starts faster."""


def _named(argv: list[str]) -> str | None:
    """Return the command named on the command line, if any (the global options skipped)."""
    words = iter(argv)
    for word in words:
        if word == "--project":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _parser(named: str | None = None) -> argparse.ArgumentParser:
    """Return the command line's parser; ``named``: the command given (see EAGER)."""
    lazy = named not in EAGER
    parser = _Parser(
        prog="charterpress",
        description="Turn leadership charters (sources/*.yaml) into booklets and dialogue card "
        "decks. Run it in a project folder (one holding sources/), or name one with --project.",
    )
    parser.add_argument("--version", action="version", version=f"charterpress {__version__}")
    _global_options(parser, after=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    check = sub.add_parser(
        "check",
        help="validate sources, see that the cards' text fits, summarise them",
        description="Validate sources and lay out their card faces (no PDF is written) to see "
        "that every text fits its card; a charter whose build in dist/ is up to date has been "
        "proven by that build. One line per problem; one summary line per charter.",
    )
    check.add_argument(
        "sources",
        nargs="*",
        type=Path,
        metavar="SOURCE",
        help="source files or folders (default: sources/*.yaml)",
    )
    check.add_argument(
        "--quick",
        action="store_true",
        help="validate only: do not lay out the cards (about a second per charter)",
    )
    _global_options(check, after=True)

    def sources(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "sources",
            nargs="*",
            type=Path,
            metavar="SOURCE",
            help="source files or folders (default: sources/*.yaml)",
        )
        p.add_argument(
            "--out", type=Path, metavar="DIR", help="output folder (default: dist in the project)"
        )

    from .products import registry

    def rendering(p: argparse.ArgumentParser, jobs: int | str | None = None) -> None:
        default = f"{jobs}"
        if jobs is None:  # a string default is read by _jobs: a bad value is a usage error
            given = os.environ.get(JOBS_VARIABLE, "").strip()
            jobs = f"${JOBS_VARIABLE}={given}" if given else os.cpu_count() or 1
            shown = (given or str(jobs)).replace("%", "%%")  # argparse %-formats a help text
            default = f"${JOBS_VARIABLE} if set, else one per core; here {shown}"
        p.add_argument(
            "--marks",
            action="store_true",
            help="add crop marks outside the bleed to the print-shop PDFs",
        )
        p.add_argument(
            "--only",
            choices=registry.names(),  # every product folder registered (products/registry.py)
            action="append",
            help="build only these products (repeatable)",
        )
        p.add_argument(
            "--quantity",
            type=_quantity,
            metavar="N",
            help="copies of each print file the job sheet orders (instead of the source's "
            "print: quantity:)",
        )
        p.add_argument(
            "--offset",
            type=_offset,
            metavar="X,Y",
            help="the duplex printer's back-side offset in mm, as `charterpress calibrate` "
            "measures it (instead of the source's theme: sheet: offset:); the office sheets' "
            "backs move the other way",
        )
        p.add_argument(
            "--booklet-offset",
            type=_offset,
            metavar="X,Y",
            help="the same printer's back-side offset for the imposed booklet, as `charterpress "
            "calibrate --booklet` measures it (instead of the source's theme: sheet: "
            "booklet_offset:); the booklet's back sides move the other way",
        )
        p.add_argument(
            "-j",
            "--jobs",
            type=_jobs,
            default=jobs,
            metavar="N",
            help="worker processes: charters, and a charter's deck and booklet, rendered at once "
            f"(default: {default})",
        )

    build = sub.add_parser("build", help="build the booklets and card decks into dist/")
    sources(build)
    rendering(build)
    build.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    build.add_argument(
        "--draft",
        action="store_true",
        help="build even where questions are missing: every page marked DRAFT, files named "
        "SLUG-draft-… in dist/drafts/ (or --out)",
    )
    build.add_argument(
        "--no-preview",
        dest="previews",
        action="store_false",
        help="make no PNG previews (dist/SLUG/preview/)",
    )
    _global_options(build, after=True)

    preview = sub.add_parser(
        "preview",
        help="make the PNG previews (contact sheet, spreads, cover); rebuild only stale PDFs",
        description="Make dist/SLUG/preview/: every card front beside its back on one contact "
        "sheet (shrunk cards framed), the booklet as spreads, the cover. PDFs that are current "
        "are not rendered again.",
    )
    sources(preview)
    rendering(preview)
    _global_options(preview, after=True)

    watch = sub.add_parser(
        "watch",
        help="build, then rebuild what changed each time a source, layout or asset is saved",
        description="Build, then watch sources/, layouts/ and assets/: each save rebuilds what "
        "it touches, with one line per rebuild. A source with an error prints its problems "
        "and waits for the next save; its last good PDFs stay in place. Ctrl-C stops.",
    )
    sources(watch)
    rendering(watch, jobs=1)
    watch.add_argument(
        "--no-preview",
        dest="previews",
        action="store_false",
        help="make no PNG previews (faster rebuilds)",
    )
    _global_options(watch, after=True)

    schema = sub.add_parser(
        "schema",
        help="write sources/charter.schema.json, the JSON Schema editors complete and check with",
        description="Write charter.schema.json for this charterpress into the project's sources/ "
        "(or --dir): every source's first line points an editor (yaml-language-server) to it.",
    )
    schema.add_argument(
        "--dir", type=Path, help="where to write it (default: sources in the project)"
    )
    _global_options(schema, after=True)

    new = sub.add_parser(
        "new",
        help="start a charter: write a commented starter source that builds",
        description="Write sources/SLUG.yaml, a commented starter that passes `check` and "
        "builds; in an empty folder this makes a new project.",
    )
    new.add_argument(
        "slug", help="the charter's short name, e.g. 'roskilde' (file sources/SLUG.yaml)"
    )
    new.add_argument("--dir", type=Path, help="where to write it (default: sources in the project)")
    _global_options(new, after=True)

    if not lazy:
        return parser
    from .commands.serve import add_parser as add_serve

    _global_options(add_serve(sub, sources, rendering), after=True)

    from .commands.calibrate import add_parser as add_calibrate

    _global_options(add_calibrate(sub, _offset), after=True)

    from .intake.importer import add_parser as add_import

    _global_options(add_import(sub), after=True)

    from .commands.onboard import add_parser as add_onboard

    _global_options(add_onboard(sub), after=True)

    from .intake.questions import add_parser as add_questions

    questions, actions = add_questions(sub)
    for p in (questions, *actions):
        _global_options(p, after=True)
    return parser


def _settle(args: argparse.Namespace) -> argparse.Namespace:
    """Merge the global options given before and after the command; fix the project folder."""
    args.verbose += getattr(args, "verbose_after", 0)
    folder = args.project
    if folder is not None and not folder.is_dir():
        raise UsageError(f"--project {folder}: no such folder")
    project.use(folder)
    args.base = folder if folder is not None else Path()
    args.sources_dir = args.base / SOURCES
    return args


def _logging(args: argparse.Namespace) -> None:
    level = logging.WARNING if args.quiet else (logging.DEBUG if args.verbose > 1 else logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(PlainFormatter("%(message)s"))  # control characters escaped
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("weasyprint", "fontTools", "pypdf"):
        logging.getLogger(noisy).setLevel(logging.ERROR if args.verbose < 2 else logging.DEBUG)


def cmd_check(args: argparse.Namespace) -> int:
    """Validate sources, see that their cards' text fits, print one summary line per charter."""
    from .commands.build import check_cards, read_sources, validate_sources
    from .commands.schema import stale_schema
    from .errors import BuildError

    raws = read_sources(args.sources, args.sources_dir)
    warning = stale_schema(args.sources_dir)
    if warning:
        print(warning, file=sys.stderr)
    sources = validate_sources(raws)
    from .projectfiles import check as check_project_files

    check_project_files(sources)  # the labels, themes, layouts and fonts the charters use
    from .source.advice import lead_notes, question_notes

    for source in sources:  # house style for questions: advice for any charter, never an error
        for note in [*lead_notes(source), *question_notes(source)]:
            logging.getLogger("charterpress").warning("%s", note)
    if not args.quick:
        problems = check_cards(raws, sources, args.base / DIST)
        if problems:
            raise BuildError(problems)
    for source in sources:
        charter = source.charter
        in_sections = sum(len(s.commitments) for s in charter.sections)
        org = charter.organisation
        extra = f" + {len(org.commitments)} from the organisation" if org else ""
        if args.quiet:
            continue
        print(
            line(
                f"{source.name}: ok: {charter.meta.municipality}: {len(charter.sections)} sections, "
                f"{in_sections} commitments{extra}"
            )
        )
    return 0


def _options(args: argparse.Namespace, *, previews: bool = True, force: bool = False):
    from .values import Options

    return Options(
        draft=getattr(args, "draft", False),
        marks=args.marks,
        products=tuple(args.only or ()),  # none named: every registered product
        force=force,
        jobs=max(1, args.jobs),
        previews=previews,
        quantity=getattr(args, "quantity", None),
        offset=getattr(args, "offset", None),
        booklet_offset=getattr(args, "booklet_offset", None),
    )


def _out(args: argparse.Namespace) -> Path:
    if args.out is None and getattr(args, "draft", False):
        return args.base / DIST / "drafts"  # a draft never lands beside the print files
    return args.out if args.out is not None else args.base / DIST


def cmd_build(args: argparse.Namespace) -> int:
    """Build every charter, print the paths written, and sum up what was done."""
    from .commands.build import build
    from .commands.progress import for_terminal, print_summary

    options = _options(args, previews=args.previews, force=args.force)
    started = time.perf_counter()
    results = build(args.sources, args.sources_dir, _out(args), options, for_terminal(args.quiet))
    if not args.quiet:
        for built in results:
            for path in built.paths:
                print(line(path))
        _print_index(_out(args), results)
        print_summary(results, time.perf_counter() - started)
    return 0


def _print_index(out: Path, results: list) -> None:
    """Print the path of dist/index.html when this build changed what it lists."""
    from .products.index import INDEX

    if (out / INDEX).is_file() and any(not b.skipped for b in results):
        print(line((out / INDEX).resolve()))


def cmd_preview(args: argparse.Namespace) -> int:
    """Make the previews (and the PDFs they show, where those are stale); print their paths."""
    from .commands.build import build
    from .commands.progress import for_terminal, print_summary
    from .output.write import PREVIEWS

    started = time.perf_counter()
    out = _out(args)
    results = build(args.sources, args.sources_dir, out, _options(args), for_terminal(args.quiet))
    if not args.quiet:
        for built in results:
            for path in sorted((out / built.slug / PREVIEWS).glob("*.png")):
                print(line(path))
        _print_index(out, results)
        print_summary(results, time.perf_counter() - started)
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    """Build, then rebuild on every save until interrupted."""
    from .commands.watch import watch

    watch(
        args.sources,
        args.sources_dir,
        _out(args),
        _options(args, previews=args.previews),
        verbose=args.verbose > 0,
    )
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    """Write a starter source for a new charter."""
    from .commands.new import write_starter

    path = write_starter(args.slug, args.dir if args.dir is not None else args.sources_dir)
    if not args.quiet:
        print(line(path))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Write a draft source made from a document (or, with --compare, measure it)."""
    if args.compare is not None:
        from .intake.measure import run
    else:
        from .intake.importer import run

    return run(args)


def cmd_schema(args: argparse.Namespace) -> int:
    """Write the JSON Schema for editors into the project's sources/."""
    from .commands.schema import write_schema

    path = write_schema(args.dir if args.dir is not None else args.sources_dir)
    if not args.quiet:
        print(path)
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Write the duplex test sheet that measures the office printer's back-side offset."""
    from .commands.calibrate import run

    run(args, args.out if args.out is not None else args.base / DIST)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Build, serve dist/ on localhost, rebuild on save and reload the browser."""
    from .commands.serve import serve

    return serve(args, _options(args, previews=args.previews))


def cmd_onboard(args: argparse.Namespace) -> int:
    """Make the personalised onboarding booklets of a roster; print their paths."""
    from .commands.onboard import onboard

    out = args.out if args.out is not None else args.base / DIST
    done = onboard(args.slug, args.roster, args.sources_dir, out)
    if not args.quiet:
        for path in done.paths:
            print(line(path))
        print(
            line(f"{args.slug}: {done.people} onboarding booklet{'s' if done.people != 1 else ''} "
                 f"(screen and print each) in {done.seconds:.1f} s"),
            file=sys.stderr,
        )  # fmt: skip
    return 0


def cmd_questions(args: argparse.Namespace) -> int:
    """Export the cards' questions to a spreadsheet, or import them back."""
    from .intake.questions import run

    return run(args)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    try:
        parser = _parser(_named(sys.argv[1:] if argv is None else argv))
        args, extra = parser.parse_known_args(argv)
        if extra:
            raise UsageError(
                f"unrecognized arguments: {' '.join(extra)} "
                f"(see `charterpress {args.command} --help`)"
            )
        _settle(args)
        _logging(args)
        command = {
            "check": cmd_check,
            "build": cmd_build,
            "preview": cmd_preview,
            "watch": cmd_watch,
            "new": cmd_new,
            "import": cmd_import,
            "questions": cmd_questions,
            "onboard": cmd_onboard,
            "serve": cmd_serve,
            "schema": cmd_schema,
            "calibrate": cmd_calibrate,
        }[args.command]
        return command(args)
    except CharterError as error:
        for problem in error.problems:
            print(line(problem), file=sys.stderr)  # control characters shown escaped
        return error.exit_code
    except KeyboardInterrupt:
        print("charterpress: interrupted", file=sys.stderr)
        return 130
    except OSError as error:
        print(
            line(f"charterpress: {error.filename or ''}: {error.strerror or error}"),
            file=sys.stderr,
        )
        return 1
    except Exception as error:  # a bug of ours: one line for the user, the traceback with -vv
        if logging.getLogger().level <= logging.DEBUG:
            raise
        print(
            line(
                f"charterpress: internal error: {type(error).__name__}: {error} "
                "(please report it; run with -vv for the details)"
            ),
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
