"""One rule for every file the build reads besides the sources: the project folder is untrusted input.

Templates (and the CSS they include), label files, ``theme.yaml`` files, hyphenation lists
and fonts are read through here. Each must be, once symbolic links are resolved, a regular
file inside the project folder or inside the package's data (``layouts/``, ``assets/``), of at
most a size limit; texts are UTF-8 without control characters; YAML is read by the same
hardened loader as the sources (no aliases, no tags, bounded depth); a font must open as a
font. Anything else is one located line naming THAT file (``layouts/labels/da.yaml:3:1: …``),
raised as a BuildError (exit 1) before anything is rendered, so ``dist/`` stays untouched.

``check(sources)`` proves, before rendering, every project file the charters will read: the
label files of their languages (every key the packaged file has, of the same kind), their
themes' ``theme.yaml`` (each font family one of the bundled fonts, the mark and field fonts bundled
font files), the hyphenation lists, every template and CSS file on their layout search paths,
and every font file below ``assets/fonts``.
"""

from __future__ import annotations

import os
import stat
from functools import lru_cache
from pathlib import Path, PurePosixPath

import jinja2

from . import project
from .errors import BuildError, Problem

MAX_TEXT_BYTES = 1024 * 1024
"""The largest template, CSS, label, theme or hyphenation file read: 1 MiB."""
MAX_FONT_BYTES = 32 * 1024 * 1024
"""The largest font file read: 32 MiB."""
FONT_SUFFIXES = (".otf", ".ttf")


def shown(path: Path) -> str:
    """Return a file's name as the user knows it (relative to the working directory where possible)."""
    absolute = Path(os.path.abspath(path))  # links are not followed: the name the user gave
    for base in (Path.cwd(), Path.cwd().resolve()):
        if absolute.is_relative_to(base):
            absolute = absolute.relative_to(base)
            break
    return str(absolute).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def refuse(
    path: Path | str, message: str, line: int | None = None, col: int | None = None, field: str = ""
) -> BuildError:
    """Return the BuildError for one problem of the project file ``path``."""
    name = path if isinstance(path, str) else shown(path)
    return BuildError(Problem(name, line, col, field, message))


def allowed(path: Path) -> Path:
    """Return the real file ``path`` names, after proving it may be read; else raise BuildError.

    Allowed: inside the project folder, or inside the package's ``layouts/`` or ``assets/``,
    once every symbolic link is resolved (a link may point within either tree, never out).
    """
    try:
        real = path.resolve(strict=False)
    except (OSError, RuntimeError) as error:  # a link loop
        raise refuse(
            path, f"cannot be read ({error.__class__.__name__}: a symbolic link loop?)"
        ) from None
    root = project.root()
    inside_package = any(real.is_relative_to(project.DATA / f) for f in project.DATA_FOLDERS)
    if not (real.is_relative_to(root) or inside_package):
        kind = "a symbolic link to" if path.is_symlink() or real != path.absolute() else "at"
        raise refuse(
            path,
            f"is {kind} a file outside the project ({real}): the build reads only files inside "
            "the project folder and the package; copy the file into the project",
        )
    return real


def read_bytes(path: Path, limit: int = MAX_TEXT_BYTES) -> bytes:
    """Return the bytes of an allowed regular file of at most ``limit`` bytes, or raise BuildError."""
    real = allowed(path)
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise refuse(path, f"cannot read: {error.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise refuse(path, f"cannot read: {kind}")
        if info.st_size > limit:
            raise refuse(path, f"file is too large ({info.st_size:,} bytes; at most {limit:,})")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise refuse(path, f"cannot read: {error.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise refuse(path, f"file is too large (more than {limit:,} bytes)")
    return data


def read_text(path: Path) -> str:
    """Return an allowed text file as text: UTF-8, no control characters; else a located BuildError."""
    from .source.load import _decode

    name = shown(path)
    text, problem = _decode(name, read_bytes(path))
    if problem:
        raise BuildError(problem)
    return text


def read_yaml(path: Path) -> dict[str, object]:
    """Return a project YAML file (labels, theme.yaml) read by the sources' hardened loader.

    A mapping of keys at the top, no aliases, no tags, at most ``load.MAX_DEPTH`` levels; an
    empty file is an empty mapping.
    """
    data, _ = read_yaml_located(path)
    return data


def read_yaml_located(path: Path) -> tuple[dict[str, object], dict]:
    """Return (data, value positions) of a project YAML file; see ``read_yaml``."""
    import yaml

    from .source.load import Loaded, _at, _build, _Loader, _Refused, yaml_message

    name = shown(path)
    text = read_text(path)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except _Refused as refused:
        raise BuildError(_at(name, refused.mark, "", refused.message)) from None
    except yaml.MarkedYAMLError as error:
        mark, message = yaml_message(error, text)
        raise BuildError(_at(name, mark, "", f"YAML syntax: {message}")) from None
    except yaml.YAMLError as error:  # pragma: no cover - reader errors are found by _decode
        raise refuse(path, f"YAML syntax: {error}") from None
    finally:
        loader.dispose()
    if node is None:
        return {}, {}
    loaded = Loaded(data=None)
    problems: list[Problem] = []
    data = _build(node, (), loaded, problems, name, text.splitlines())
    if problems:
        raise BuildError(problems[:1])
    if not isinstance(data, dict):
        raise BuildError(_at(name, node.start_mark, "", "expected a mapping of keys at the top"))
    return data, loaded.positions


# --- Fonts ----------------------------------------------------------------------------------


def check_font(path: Path) -> Path:
    """Return the real path of a font file after proving it is one (OpenType/TrueType); else BuildError."""
    real = allowed(path)
    try:
        info = real.stat()
    except OSError as error:
        raise refuse(path, f"cannot read: {error.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise refuse(path, "cannot read: not a regular file (a font must be an .otf or .ttf file)")
    if info.st_size > MAX_FONT_BYTES:
        raise refuse(
            path, f"font file is too large ({info.st_size:,} bytes; at most {MAX_FONT_BYTES:,})"
        )
    problem = _font_problem(real, info.st_mtime_ns, info.st_size)
    if problem:
        raise refuse(path, problem)
    return real


@lru_cache(maxsize=256)
def _font_problem(path: Path, mtime_ns: int, size: int) -> str | None:
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, lazy=True) as font:
            for table in ("cmap", "head", "name"):
                if table not in font:
                    return f"is not a usable font: it has no '{table}' table"
            font["head"].unitsPerEm  # noqa: B018 - decodes the table
            raw = font.reader["cmap"]  # its header only: fonts.coverage decodes the mappings
            if len(raw) < 4 or int.from_bytes(raw[2:4], "big") == 0:
                return "is not a usable font: it maps no character to a glyph"
            if "glyf" not in font and "CFF " not in font and "CFF2" not in font:
                return "is not a usable font: it has no outlines (glyf or CFF)"
    except Exception as error:  # noqa: BLE001 - fontTools raises many kinds for a damaged file
        reason = str(error).split("\n")[0][:80] or type(error).__name__
        return f"is not a font (OpenType or TrueType) that can be read ({reason})"
    return None


@lru_cache(maxsize=64)
def _families(path: Path, mtime_ns: int) -> frozenset[str]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        names = font["name"]
        return frozenset(str(n.toUnicode()).strip() for n in names.names if n.nameID in (1, 16))


def _family(names: frozenset[str]) -> str:
    """Return the family a font file belongs to: the shortest of its family names ('Inter', not 'Inter Medium')."""
    return min(names, key=lambda n: (len(n), n)) if names else ""


def bundled_families() -> frozenset[str]:
    """Return the family names of every font below the project's and the package's assets/fonts/."""
    return frozenset(family for names in _all_families() for family in names)


def _all_families() -> list[frozenset[str]]:
    from .layout import fonts

    found = []
    for path in fonts.font_files(fonts.folders()):
        real = check_font(path)
        found.append(_families(real, real.stat().st_mtime_ns))
    return found


def check_fonts() -> None:
    """Prove every font file below assets/fonts (the project's and the package's) a font inside the trees."""
    from .layout import fonts

    for folder in fonts.folders():
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() in FONT_SUFFIXES or path.is_symlink():
                if path.is_dir() and not path.is_symlink():
                    continue
                if path.suffix.lower() in FONT_SUFFIXES:
                    check_font(path)
                else:
                    allowed(path)


def font_file(name: object, theme_file: Path, field: str, positions: dict) -> Path:
    """Return the font file a theme names (a path below assets/fonts), proven; else a located BuildError."""
    line, col = positions.get(tuple(field.split(".")), (None, None))
    where = {"line": line, "col": col, "field": field}
    if not isinstance(name, str) or not name.strip():
        raise refuse(
            theme_file, "give a font file below assets/fonts, like 'inter/Inter-Bold.otf'", **where
        )
    parts = PurePosixPath(name).parts
    if PurePosixPath(name).is_absolute() or any(p in ("..", ".") for p in parts) or "\\" in name:
        raise refuse(
            theme_file,
            f"'{_plain(name)}' is not a file below assets/fonts: name one of the bundled fonts, "
            "like 'inter/Inter-Bold.otf'",
            **where,
        )
    if not name.lower().endswith(FONT_SUFFIXES):
        raise refuse(theme_file, f"'{_plain(name)}' is not an .otf or .ttf font file", **where)
    path = project.find("assets", "fonts", *parts)
    if not path.exists() and not path.is_symlink():
        raise refuse(theme_file, f"no font '{_plain(name)}' below assets/fonts", **where)
    try:
        return check_font(path)
    except BuildError as error:
        problem = error.problems[0]
        raise refuse(
            theme_file, f"'{_plain(name)}' ({problem.file}) {problem.message}", **where
        ) from None


def _plain(text: str, limit: int = 60) -> str:
    from .terminal import plain

    return plain(text if len(text) <= limit else text[: limit - 1] + "…")


# --- Themes and labels ----------------------------------------------------------------------


def check_theme(theme: str, layouts: Path | None = None) -> None:
    """Prove the ``theme.yaml`` files of a theme (the base's and the theme's own)."""
    from .layout import templates as layouts_

    families = bundled_families()
    for path in (
        layouts_._file(layouts, "base", "theme.yaml"),
        layouts_._file(layouts, "themes", theme, "theme.yaml"),
    ):
        if not path.exists() and not path.is_symlink():
            continue
        data, positions = read_yaml_located(path)
        for key, kind, expected in (
            ("fonts", dict, "expected keys below it"),
            ("cards", dict, "expected keys below it"),
            ("mark", dict, "expected keys below it"),
            ("field", dict, "expected keys below it"),
            ("bold", bool, "expected true or false"),
        ):
            if key in data and not isinstance(data[key], kind):
                line, col = positions.get((key,), (None, None))
                raise refuse(path, expected, line, col, key)
        for role, family in (data.get("fonts") or {}).items():
            line, col = positions.get(("fonts", role), (None, None))
            if not isinstance(family, str) or family not in families:
                raise refuse(
                    path,
                    f"'{_plain(str(family))}' is not one of the bundled fonts (assets/fonts): "
                    f"use one of {', '.join(sorted({_family(n) for n in _all_families()}))}, or put the font's files into "
                    "the project's assets/fonts/",
                    line,
                    col,
                    f"fonts.{role}",
                )
        mark = data.get("mark") or {}
        if "font" in mark:
            font_file(mark["font"], path, "mark.font", positions)
        field = data.get("field") or {}
        if "font" in field:
            font_file(field["font"], path, "field.font", positions)


def check_labels(language: str, layouts: Path | None = None) -> None:
    """Prove a language's label file: every key the packaged file has, each of the same kind."""
    from .layout import templates as layouts_

    path = layouts_._file(layouts, "labels", f"{language}.yaml")
    if not path.exists() and not path.is_symlink():
        raise refuse(path, f"no label file for the language '{_plain(language)}'")
    data, positions = read_yaml_located(path)
    model_path = project.DATA / "layouts" / "labels" / f"{language}.yaml"
    if not model_path.is_file():
        model_path = project.DATA / "layouts" / "labels" / "en.yaml"
    if model_path.resolve() == path.resolve():
        return
    model = read_yaml(model_path)
    for key, value in model.items():
        if key not in data:
            raise refuse(
                path,
                f"the label '{key}' is missing: copy it from {model_path.name} of the package "
                f"({_plain(str(value), 40)!r})",
            )
        line, col = positions.get((key,), (None, None))
        given = data[key]
        if isinstance(value, str) and not isinstance(given, str):
            raise refuse(path, "expected a text", line, col, key)
        if isinstance(value, list) and not (
            isinstance(given, list) and given and all(isinstance(v, str) for v in given)
        ):
            raise refuse(path, "expected a list of texts", line, col, key)
        if isinstance(value, str):
            wanted, got = _placeholders(value), _placeholders(given)
            if got is None or not got <= (wanted or set()):
                extra = sorted((got or set()) - (wanted or set()))
                shown = ", ".join("{" + name + "}" for name in extra) or "a broken '{' or '}'"
                allowed_ = ", ".join("{" + name + "}" for name in sorted(wanted or ())) or "none"
                raise refuse(
                    path,
                    f"{shown} is not a placeholder of this label (it may use: {allowed_}; "
                    "write a '{' or '}' of the text as '{{' or '}}')",
                    line,
                    col,
                    key,
                )


def _placeholders(text: str) -> set[str] | None:
    """Return the ``{name}`` placeholders of a label, or None when its braces do not parse."""
    import string

    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


# --- Templates ------------------------------------------------------------------------------


class GuardedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that reads a template only through ``read_text`` (inside, capped, clean)."""

    def get_source(self, environment, template):  # noqa: D102 - Jinja hook
        _, filename, _ = super().get_source(environment, template)
        path = Path(filename)
        text = read_text(path)
        mtime = os.path.getmtime(filename)

        def uptodate() -> bool:
            try:
                return os.path.getmtime(filename) == mtime
            except OSError:
                return False

        return text, os.path.normpath(filename), uptodate


def located(error: BaseException) -> BuildError:
    """Return a template error as a BuildError at the layout file and line it happened in."""
    if isinstance(error, BuildError):
        return error
    where, line = None, None
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        where, line = error.filename, error.lineno
    else:
        tb = error.__traceback__
        while tb is not None:
            name = tb.tb_frame.f_code.co_filename
            if name.endswith((".html", ".css", ".txt")) and os.path.isfile(name):
                where, line = name, tb.tb_lineno
            tb = tb.tb_next
    if isinstance(error, jinja2.TemplateNotFound):
        message = (
            f"includes '{_plain(str(error.name))}', which is not a layout file: a layout may include "
            "only files of layouts/ (by a name like 'booklet-blocks.html'), never a path with '..'"
        )
    elif isinstance(error, jinja2.TemplateSyntaxError):
        message = f"template syntax: {_plain(error.message or '')}"
    else:
        message = f"the layout failed: {_plain(type(error).__name__ + ': ' + str(error), 200)}"
    name = shown(Path(where)) if where else "layouts"
    return BuildError(Problem(name, line if where else None, None, "", message))


def check_templates(folders: list[Path]) -> None:
    """Prove every file of the layout folders ``folders`` (templates, CSS) inside the trees and capped."""
    for folder in folders:
        allowed(folder)
        for path in sorted(folder.iterdir()):
            if path.is_dir() and not path.is_symlink():
                continue
            if path.suffix in (".html", ".css", ".txt", ".yaml"):
                read_text(path)
            elif path.is_symlink():
                allowed(path)


# --- Everything, before rendering -----------------------------------------------------------


def check(sources) -> None:
    """Prove every project file the charters ``sources`` will read, before anything is rendered."""
    from .layout import templates as layouts_
    from .text import hyphenate

    check_fonts()
    languages = sorted({s.charter.meta.language for s in sources})
    themes = sorted({s.charter.theme.name for s in sources})
    for language in languages:
        check_labels(language)
        name = f"hyphenation-{language}.txt"
        path = project.find("layouts", "base", name)
        if path.exists() or path.is_symlink():
            problems: list[Problem] = []
            hyphenate.parse_exceptions(read_text(path), shown(path), problems)
            if problems:
                raise BuildError(problems[:1])
    for theme in themes:
        check_theme(theme)
    seen: set[Path] = set()
    for source in sources:
        for parts in ((source.slug,), ("themes", source.charter.theme.name), ("base",)):
            for folder in layouts_._folders(None, *parts):
                if folder not in seen:
                    seen.add(folder)
                    check_templates([folder])
