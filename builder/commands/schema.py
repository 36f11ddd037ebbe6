"""`charterpress schema`: the JSON Schema written beside a project's sources, and the check that a
project's copy is this charterpress's."""

from __future__ import annotations

from .. import __version__
from ..output.write import write_atomic
from ..source.schema import json_schema_text
from ..source.schema_words import SCHEMA


def write_schema(folder) -> object:
    """Write ``folder/charter.schema.json`` for this charterpress; return its path."""

    path = folder / SCHEMA
    write_atomic(path, json_schema_text().encode("utf-8"))
    return path


def stale_schema(folder) -> str | None:
    """Return a warning when the project's ``charter.schema.json`` is not this charterpress's."""

    path = folder / SCHEMA
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # none at all: nothing to be out of date
    if text == json_schema_text():
        return None
    return (
        f"{path}: warning: older than this charterpress ({__version__}): editors complete and "
        "check with it; run `charterpress schema` to bring it up to date"
    )
