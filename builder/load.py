"""Find sources and load their YAML safely, keeping the line and column of every node."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Problem

MAX_SOURCE_BYTES = 2_000_000
MAX_DEPTH = 64

Path_ = tuple[str | int, ...]

_YAML = "tag:yaml.org,2002:"
_SCALARS = {
    _YAML + "str": None,
    _YAML + "int": SafeConstructor.construct_yaml_int,
    _YAML + "float": SafeConstructor.construct_yaml_float,
    _YAML + "bool": SafeConstructor.construct_yaml_bool,
    _YAML + "null": SafeConstructor.construct_yaml_null,
    _YAML + "timestamp": None,  # dates stay text: the schema decides what they mean
}


@dataclass(frozen=True)
class RawSource:
    """A source file read from disk: its name, its bytes, its slug."""

    name: str
    """The path as shown to the user (relative to the working directory where possible)."""
    slug: str
    """The file's stem: ``sources/glostrup.yaml`` is ``glostrup``."""
    data: bytes
    folder: Path | None = None
    """The folder the file lies in: images a source names are relative to it (None: the working directory)."""


@dataclass
class Loaded:
    """Plain YAML data plus where every value and key stands in the file."""

    data: object
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

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


class _Loader(yaml.SafeLoader):
    """A SafeLoader whose composer refuses aliases (no 'billion laughs')."""

    def compose_node(self, parent, index):  # noqa: D102 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(
                event.start_mark,
                f"alias '*{event.anchor}' is not allowed: write the text out in full",
            )
        return super().compose_node(parent, index)


def display_name(path: Path) -> str:
    """Return ``path`` relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_source(path: Path) -> RawSource:
    """Read one source file (I/O edge)."""
    return RawSource(
        name=display_name(path),
        slug=path.stem,
        data=path.read_bytes(),
        folder=path.resolve().parent,
    )


def parse(raw: RawSource) -> tuple[Loaded | None, list[Problem]]:
    """Turn a source's bytes into plain data with positions, or into problems."""
    name = raw.name
    if len(raw.data) > MAX_SOURCE_BYTES:
        return None, [
            Problem(name, None, None, "", f"file is larger than {MAX_SOURCE_BYTES} bytes")
        ]
    text, problem = _decode(name, raw.data)
    if problem:
        return None, [problem]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except _Refused as refused:
        return None, [_at(name, refused.mark, "", refused.message)]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = error.problem or error.context or "not valid YAML"
        if error.context and error.problem:
            message = f"{error.problem} ({error.context})"
        return None, [_at(name, mark, "", f"YAML syntax: {message}")]
    except yaml.YAMLError as error:  # pragma: no cover - reader errors without marks
        return None, [Problem(name, None, None, "", f"YAML syntax: {error}")]
    finally:
        loader.dispose()
    if node is None:
        return None, [Problem(name, 1, 1, "", "file is empty: start from `charterpress new SLUG`")]
    loaded = Loaded(data=None)
    problems: list[Problem] = []
    loaded.data = _build(node, (), loaded, problems, name, 0)
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
    if "\x00" in text:
        return "", Problem(name, None, None, "", "file contains NUL bytes: is it a text file?")
    return text, None


def _at(name: str, mark: yaml.Mark | None, path: str, message: str) -> Problem:
    if mark is None:
        return Problem(name, None, None, path, message)
    return Problem(name, mark.line + 1, mark.column + 1, path, message)


def _build(node: Node, path: Path_, loaded: Loaded, problems: list[Problem], name: str, depth: int):
    """Convert a node tree to plain Python values, recording positions and problems."""
    loaded.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    here = format_path(path)
    if depth > MAX_DEPTH:
        problems.append(_at(name, node.start_mark, here, "nested too deeply"))
        return None
    if isinstance(node, MappingNode):
        if node.tag != _YAML + "map":
            problems.append(
                _at(name, node.start_mark, here, f"tag '{_short(node.tag)}' is not allowed")
            )
            return None
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _YAML + "merge":
                problems.append(_at(name, key_node.start_mark, here, "keys must be plain words"))
                continue
            key = key_node.value
            child = (*path, key)
            if key in result:
                first = loaded.key_positions[child][0]
                problems.append(
                    _at(
                        name,
                        key_node.start_mark,
                        format_path(child),
                        f"duplicate key (first given on line {first})",
                    )
                )
                continue
            loaded.key_positions[child] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            result[key] = _build(value_node, child, loaded, problems, name, depth + 1)
        return result
    if isinstance(node, SequenceNode):
        if node.tag != _YAML + "seq":
            problems.append(
                _at(name, node.start_mark, here, f"tag '{_short(node.tag)}' is not allowed")
            )
            return None
        return [
            _build(item, (*path, i), loaded, problems, name, depth + 1)
            for i, item in enumerate(node.value)
        ]
    if node.tag not in _SCALARS:
        problems.append(
            _at(name, node.start_mark, here, f"tag '{_short(node.tag)}' is not allowed")
        )
        return None
    construct = _SCALARS[node.tag]
    if construct is None:
        return node.value
    try:
        return construct(_CONSTRUCTOR, node)
    except (ValueError, yaml.YAMLError):
        problems.append(_at(name, node.start_mark, here, f"cannot read '{node.value}'"))
        return None


_CONSTRUCTOR = SafeConstructor()


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
