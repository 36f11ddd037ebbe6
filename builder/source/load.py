"""Find sources and load their YAML safely, keeping the line and column of every node."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from ..errors import Problem, SourceError
from .slugs import slug_problem

MAX_SOURCE_BYTES = 256 * 1024
"""The largest source file read: 256 KiB (the longest charter so far is 16 kB)."""
MAX_DEPTH = 32
"""The deepest nesting of lists and mappings (a charter needs about 8)."""

Path_ = tuple[str | int, ...]

_YAML = "tag:yaml.org,2002:"

_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Control characters (except tab and line breaks), lone surrogates and non-characters."""


def forbidden_character(text: str) -> tuple[int, str] | None:
    """Return (index, description) of the first character a charter may not contain, or None."""
    found = _FORBIDDEN.search(text)
    if not found:
        return None
    char = found.group()
    if char == "\x00":
        kind = "a NUL byte (is this a text file?)"
    elif "\ud800" <= char <= "\udfff":
        kind = "a lone surrogate"
    elif char in "\ufffe\uffff":
        kind = "a non-character"
    else:
        kind = "a control character"
    return found.start(), f"U+{ord(char):04X} is {kind}; remove it"


def _int(value: str) -> int:
    text = value.replace("_", "x")  # YAML 1.2 has no '_' separators: let int() refuse them
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


def _float(value: str) -> float:
    lowered = value.lower()
    if lowered.endswith(".inf"):
        return float("-inf") if lowered.startswith("-") else float("inf")
    if lowered == ".nan":
        return float("nan")
    return float(value)


_SCALARS = {
    _YAML + "str": None,
    _YAML + "int": _int,
    _YAML + "float": _float,
    _YAML + "bool": lambda value: value.lower() == "true",
    _YAML + "null": lambda value: None,
}


class _Core12Resolver(BaseResolver):
    """Resolve plain scalars by the YAML 1.2 core schema, as editors do: ``yes``/``on`` are text."""

    yaml_implicit_resolvers: dict = {}


for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):
    _Core12Resolver.add_implicit_resolver(_YAML + _tag, re.compile(_pattern), list(_first))


@dataclass(frozen=True)
class RawSource:
    """A source file read from disk: its name, its bytes, its slug."""

    name: str
    """The path as shown to the user (relative to the working directory where possible)."""
    slug: str
    """The file's stem: ``sources/glostrup.yaml`` is ``glostrup``."""
    data: bytes
    folder: Path | None = None
    """The folder the source lives in: files it names are found relative to it."""
    hyphenation: bytes | None = None
    """The charter's own hyphenation exceptions (``SLUG.hyphenation.txt`` beside it), if it has them."""
    hyphenation_name: str = ""
    """That file as shown to the user."""


@dataclass
class Loaded:
    """Plain YAML data plus where every value and key stands in the file."""

    data: object
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    hints: dict[Path_, str] = field(default_factory=dict)
    """Advice for a value that is probably a YAML slip (an unquoted '#colour' read as a comment)."""

    def where(self, path: Path_, *, key: bool = False) -> tuple[int, int] | tuple[None, None]:
        """Return (line, col) of the node at ``path``, or of its nearest ancestor."""
        table = self.key_positions if key else self.positions
        if path in table:
            return table[path]
        while path:
            path = path[:-1]
            if path in self.positions:
                return self.positions[path]
        return (None, None)


class _Refused(Exception):
    def __init__(self, mark: yaml.Mark, message: str):
        self.mark, self.message = mark, message


class _Loader(Reader, Scanner, Parser, Composer, _Core12Resolver):
    """PyYAML's reader, scanner, parser and composer with the YAML 1.2 core resolvers.

    The composer refuses aliases (no 'billion laughs') and nesting deeper than MAX_DEPTH
    (no RecursionError); values are built by ``_build``, which keeps every position.
    """

    def __init__(self, stream: str):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _Core12Resolver.__init__(self)
        self._depth = 0

    def compose_node(self, parent, index):  # noqa: D102 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(
                event.start_mark,
                f"alias '*{event.anchor}' is not allowed: write the text out in full",
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(
                    self.peek_event().start_mark,
                    f"nested too deeply: at most {MAX_DEPTH} levels of lists and keys",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def display_name(path: Path) -> str:
    """Return ``path`` relative to the working directory when it lies below it."""
    try:
        shown = str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
        shown = str(path)
    # a file name that is not UTF-8 (surrogate escapes) is shown with U+FFFD, never crashes print
    return shown.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


HYPHENATION_SUFFIX = ".hyphenation.txt"
"""A charter's own hyphenation exceptions: ``sources/SLUG.hyphenation.txt`` beside ``SLUG.yaml``."""


def read_source(path: Path) -> RawSource:
    """Read one source file (I/O edge), and its hyphenation list beside it if there is one."""
    name = display_name(path)
    bad_slug = slug_problem(path.stem)  # before any lookup: a 240-letter name is not looked up
    if bad_slug:
        raise SourceError(Problem(name, None, None, "", bad_slug))
    if path.is_symlink():  # a source linked in from outside the project is not the project's
        _stays_beside(path, path, name)
    data = _read_capped(path, name)
    companion = path.with_name(path.stem + HYPHENATION_SUFFIX)
    hyphenation, hyphenation_name = None, ""
    if companion.exists() or companion.is_symlink():
        from ..projectfiles import shown

        hyphenation_name = shown(companion)  # the name beside the source, not a link's target
        _stays_beside(path, companion, hyphenation_name)
        hyphenation = _read_capped(companion, hyphenation_name)
    return RawSource(
        name=name,
        slug=path.stem,
        data=data,
        folder=path.parent.resolve(),
        hyphenation=hyphenation,
        hyphenation_name=hyphenation_name,
    )


def _stays_beside(source: Path, companion: Path, name: str) -> None:
    """Refuse a source, or a file beside it, that is a link out of the project and out of its folder."""
    from .. import project

    real = companion.resolve()
    if real.is_relative_to(project.root()) or real.parent == source.parent.resolve():
        return
    raise SourceError(
        Problem(
            name,
            None,
            None,
            "",
            f"is a symbolic link to a file outside the project ({real}): the build reads only "
            "files inside the project folder; copy the file into the project",
        )
    )


def _read_capped(path: Path, name: str) -> bytes:
    """Return the bytes of a regular file of at most MAX_SOURCE_BYTES, or raise SourceError.

    The file is opened without blocking and checked before reading, so a FIFO, a device
    (``/dev/zero``) or a folder is one clear line instead of a hang or a MemoryError.
    """

    def refuse(message: str) -> SourceError:
        return SourceError(Problem(name, None, None, "", message))

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise refuse(f"cannot read: {error.strerror}") from None
    info = os.fstat(fd)
    if stat.S_ISREG(info.st_mode) and info.st_size > MAX_SOURCE_BYTES:
        with os.fdopen(fd, "rb") as handle:  # its head, to say which line makes it so large
            try:
                head = handle.read(MAX_SOURCE_BYTES + 1)
            except OSError:
                head = b""
        raise SourceError(too_large(name, info.st_size, head))
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise refuse(f"cannot read: {kind} (a source must be a plain .yaml file)")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(MAX_SOURCE_BYTES + 1)  # the file may grow after fstat
        except OSError as error:
            raise refuse(f"cannot read: {error.strerror}") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(too_large(name, len(data), data))
    return data


HUGE = MAX_SOURCE_BYTES // 8
"""A value this large (32 KiB) is no charter's: a text of a source is at most 5,000 characters."""
_KEY = re.compile(rb"(\s*(?:-\s+)*)([A-Za-z_][A-Za-z0-9_]*)\s*:(\s|$)")


def too_large(name: str, size: int, head: bytes) -> Problem:
    """Return the problem of a source over the size limit, at the key whose value makes it so.

    ``head`` is the file's first bytes (up to the limit). Each ``key:`` line's value runs to
    the next line indented no deeper than the key; the innermost value of 32 KiB or more is
    named at its key's line and column, so a megabyte pasted into one commitment (on one line
    or folded over thousands) is found where it starts.
    """
    message = f"file is too large ({size:,} bytes; at most {MAX_SOURCE_BYTES:,})"
    regions = []  # (start, end, line, col, key, has a child key)
    open_keys: list[list] = []  # [start, end so far, line, key column, key, has a child key]
    offset = 0
    for number, line in enumerate(head.split(b"\n"), 1):
        content = line.lstrip()
        if content and not content.startswith(b"#"):
            col = len(line) - len(content)
            dash = content.startswith(b"- ") or content == b"-"
            # A list may stand at its key's own indent: a dash closes only deeper keys.
            while open_keys and (open_keys[-1][3] > col or (open_keys[-1][3] == col and not dash)):
                regions.append(tuple(open_keys.pop()))
            key = _KEY.match(line)
            if open_keys and key:
                open_keys[-1][5] = True
            for entry in open_keys:
                entry[1] = offset + len(line)
            if key:
                open_keys.append(
                    [offset, offset + len(line), number, len(key.group(1)), key.group(2), False]
                )
        offset += len(line) + 1
    regions.extend(tuple(entry) for entry in open_keys)
    huge = [r for r in regions if r[1] - r[0] >= HUGE]
    inner = [r for r in huge if not any(o is not r and r[0] <= o[0] and o[1] <= r[1] for o in huge)]
    if not inner:
        return Problem(name, None, None, "", f"{message}: is it a charter source?")
    start, end, line_no, col, key, child = max(inner, key=lambda r: r[1] - r[0])
    past = end >= len(head) and size > len(head)
    amount = f"runs on past {MAX_SOURCE_BYTES:,} bytes" if past else f"holds {end - start:,} bytes"
    why = "" if child else "; a text of a charter is at most 5,000 characters"
    return Problem(name, line_no, col + 1, "", f"{message}: the {key.decode()}: here {amount}{why}")


def parse(raw: RawSource) -> tuple[Loaded | None, list[Problem]]:
    """Turn a source's bytes into plain data with positions, or into problems."""
    name = raw.name
    bad_slug = slug_problem(raw.slug)
    if bad_slug:
        return None, [Problem(name, None, None, "", bad_slug)]
    if len(raw.data) > MAX_SOURCE_BYTES:
        return None, [too_large(name, len(raw.data), raw.data[: MAX_SOURCE_BYTES + 1])]
    text, problem = _decode(name, raw.data)
    if problem:
        return None, [problem]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except _Refused as refused:
        return None, [_at(name, refused.mark, "", refused.message)]
    except yaml.MarkedYAMLError as error:
        mark, message = yaml_message(error, text)
        return None, [_at(name, mark, "", f"YAML syntax: {message}")]
    except yaml.YAMLError as error:  # pragma: no cover - reader errors are found by _decode
        return None, [Problem(name, None, None, "", f"YAML syntax: {error}")]
    finally:
        loader.dispose()
    if node is None:
        return None, [Problem(name, 1, 1, "", "file is empty: start from `charterpress new SLUG`")]
    loaded = Loaded(data=None)
    problems: list[Problem] = []
    lines = text.splitlines()
    loaded.data = _build(node, (), loaded, problems, name, lines)
    if not problems and not isinstance(loaded.data, dict):
        problems.append(
            _at(
                name,
                node.start_mark,
                "",
                "expected a mapping of keys (meta:, sections: …) at the top",
            )
        )
    return (None if problems else loaded), problems


def yaml_message(error: yaml.MarkedYAMLError, text: str) -> tuple[yaml.Mark | None, str]:
    """Return where and what a YAML syntax error is, in words that say how to fix it."""
    mark = error.problem_mark or error.context_mark
    problem, context = error.problem or "", error.context or ""
    line = ""
    if mark is not None:
        lines = text.splitlines()
        line = lines[mark.line] if mark.line < len(lines) else ""
    if "'\\t'" in problem or "\t" in line[: mark.column + 1 if mark else 0]:
        return mark, "a tab is used for indentation: indent with spaces only"
    if problem == "mapping values are not allowed here":
        return mark, (
            "a ':' inside a text (or a key indented too far): put a text that has ': ' "
            "or ends in ':' in quotes (\"…\")"
        )
    if "<stream end>" in problem and "flow" in context:
        return mark, "the file ends inside a '[' or '{': close it with ']' or '}'"
    if "that cannot start any token" in problem or problem.startswith("expected the node content"):
        char = problem.split("'")[1] if "'" in problem else "?"
        return mark, f"a text cannot start with '{char}': put the whole text in quotes (\"…\")"
    if "quoted scalar" in context:
        return error.context_mark or mark, "a quote is opened here but never closed"
    if problem.startswith("expected <block end>") or problem.startswith("did not find expected"):
        return mark, (
            "the indentation does not match the lines above: indent keys of the same mapping "
            "and items of the same list by the same number of spaces, and quote a text that "
            "has ': ' or ' #'"
        )
    if problem.startswith("expected '<document start>'"):
        return mark, (
            "the lines above do not fit: a source is one mapping of keys (meta:, sections: …) "
            "from its first line; check the indentation of the lines before this one"
        )
    if "directive" in context:
        return mark, "a line starting with '%' is a YAML directive: put such a text in quotes"
    if "flow sequence" in context or "flow mapping" in context:
        return mark, (
            "a '[' or '{' starts a list or mapping written on one line: close it with ']' or "
            "'}', or put a text that starts with '[' or '{' in quotes"
        )
    if "anchor" in context or "alias" in context:
        return (
            mark,
            "'&' and '*' start anchors and aliases: put a text that starts with them in quotes",
        )
    if "tag" in context:
        return mark, "'!' starts a tag: put a text that starts with '!' in quotes"
    if "block scalar" in context:
        return mark, (
            "'|' or '>' starts a block of text: the text goes on the lines below, indented; "
            "put a text that starts with '|' or '>' in quotes"
        )
    if "expected a single document" in context:
        return mark, "a second document ('---') in the file: a source is one document; remove it"
    if "could not find expected ':'" in problem:
        start = error.context_mark if "simple key" in context else None
        if start is not None and start.line < len(text.splitlines()):
            own = text.splitlines()[start.line]  # the line the text began on, not the next one
            glued = re.match(r"\s*(-\s+)?([A-Za-z_]+):(\S)", own)
            if glued:
                return start, (
                    f"'{glued.group(2)}:' needs a space after the colon: "
                    f"write '{glued.group(2)}: {glued.group(3)}…'"
                )
            return start, (
                "a line without 'key:' among keys: a text on its own line needs '- ' before it "
                "(a paragraph), or is a continued text that needs more indentation than its key"
            )
        return mark, (
            "a line without 'key:' among keys: indent a continued text further than its key, "
            "or put a list item after '- '"
        )
    raw = f"{problem} ({context})" if problem and context else problem or context
    return mark, f"{raw}: check the indentation, and quote texts with special characters"


def _decode(name: str, data: bytes) -> tuple[str, Problem | None]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        byte = data[error.start]
        return "", Problem(
            name, line, col, "", f"not valid UTF-8 (byte 0x{byte:02x}): save the file as UTF-8"
        )
    bad = forbidden_character(text)
    if bad:
        index, message = bad
        line = text.count("\n", 0, index) + 1
        col = index - (text.rfind("\n", 0, index) + 1) + 1
        return "", Problem(name, line, col, "", message)
    return text, None


def _at(name: str, mark: yaml.Mark | None, path: str, message: str) -> Problem:
    if mark is None:
        return Problem(name, None, None, path, message)
    return Problem(name, mark.line + 1, mark.column + 1, path, message)


def _build(node: Node, path: Path_, loaded: Loaded, problems: list[Problem], name: str, lines):
    """Convert a node tree to plain Python values, recording positions and problems."""
    loaded.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    here = format_path(path)
    if isinstance(node, MappingNode):
        if node.tag != _YAML + "map":
            problems.append(
                _at(name, node.start_mark, here, f"tag '{_short(node.tag)}' is not allowed")
            )
            return None
        result: dict[str, object] = {}
        restarted = False
        for key_node, value_node in node.value:
            if (
                not isinstance(key_node, ScalarNode)
                or key_node.tag == _YAML + "merge"
                or forbidden_character(key_node.value)
            ):
                problems.append(_at(name, key_node.start_mark, here, "keys must be plain words"))
                continue
            key = key_node.value
            child = (*path, key)
            if key in result:
                if restarted:
                    continue  # the knock-on of a missing '- ' reported once already
                first = loaded.key_positions[child][0]
                hint = ""
                if path and isinstance(path[-1], int) and key == next(iter(result)):
                    hint = ": if a new list item starts here, put '- ' before it"
                    restarted = True
                problems.append(
                    _at(
                        name,
                        key_node.start_mark,
                        format_path(child),
                        f"duplicate key (first given on line {first}){hint}",
                    )
                )
                continue
            loaded.key_positions[child] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            result[key] = _build(value_node, child, loaded, problems, name, lines)
        return result
    if isinstance(node, SequenceNode):
        if node.tag != _YAML + "seq":
            problems.append(
                _at(name, node.start_mark, here, f"tag '{_short(node.tag)}' is not allowed")
            )
            return None
        return [
            _build(item, (*path, i), loaded, problems, name, lines)
            for i, item in enumerate(node.value)
        ]
    if node.tag not in _SCALARS:
        problems.append(
            _at(name, node.start_mark, here, f"tag '{_short(node.tag)}' is not allowed")
        )
        return None
    bad = forbidden_character(node.value)
    if bad:  # written as an escape ("\a", "\ud800") in a quoted text
        problems.append(_at(name, node.start_mark, here, bad[1]))
        return None
    if node.value == "" and node.style is None:
        rest = lines[node.start_mark.line][node.start_mark.column :] if lines else ""
        if rest.lstrip().startswith("#"):
            loaded.hints[path] = (
                "'#' starts a comment in YAML, so this value is empty: "
                f'put it in quotes: "{rest.lstrip().split()[0]}"'
            )
    construct = _SCALARS[node.tag]
    if construct is None:
        return node.value
    try:
        return construct(node.value)
    except (ValueError, OverflowError):
        problems.append(_at(name, node.start_mark, here, f"cannot read '{node.value[:40]}'"))
        return None


def _short(tag: str) -> str:
    return "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag


def format_path(path: Path_) -> str:
    """Return a field path as users write it: ``sections[2].body[1].commitments[3].question``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def find_sources(paths: list[Path], default_dir: Path) -> list[Path]:
    """Return the source files named, or every ``*.yaml`` in ``default_dir``, sorted."""
    if not paths:
        return sorted(default_dir.glob("*.yaml"))
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return found
