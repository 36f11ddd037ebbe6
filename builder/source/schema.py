"""Validate loaded YAML against the charter model: every problem at once, each with its place."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .. import project
from ..errors import Problem
from ..text.hyphenate import Exceptions, parse_exceptions
from ..values import Source, sha256
from . import draft, schema_words
from . import images as assets
from .load import Loaded, Path_, RawSource, format_path, parse
from .model import (
    BLOCK_KINDS,
    BLOCK_OPTIONS,
    CARD_PRESETS,
    CHARTER_COMMITMENTS_MAX,
    NOT_BLANK,
    QUESTION_END,
    REQUIRED_OPTIONS,
    Charter,
)


def validate_source(raw: RawSource) -> tuple[Source | None, list[Problem]]:
    """Parse and validate one source; return the Source or every problem found."""
    loaded, problems = parse(raw)
    if loaded is None:
        return None, problems
    charter, problems = validate(loaded, raw.name)
    hyphenation, found = _hyphenation(raw)
    images, bad_images = check_images(loaded, raw)  # also when the rest has problems: all at once
    problems = _dedupe(
        sorted(problems + bad_images, key=lambda p: (p.line or 0, p.col or 0, p.path))
    )
    if charter is None or problems or found:
        return None, problems + found
    lines = {format_path(path): pos[0] for path, pos in loaded.positions.items()}
    digest = sha256(raw.data + b"".join(sha256(p.read_bytes()).encode() for p in images.values()))
    return Source(raw.name, raw.slug, charter, digest, lines, images, hyphenation), []


def check_images(loaded: Loaded, raw: RawSource) -> tuple[dict[str, Path], list[Problem]]:
    """Resolve every image the source names (theme.logo.file, each figure block) relative to the
    source's folder; report each bad one at its line."""
    folder = raw.folder or Path.cwd()
    images: dict[str, Path] = {}
    problems: list[Problem] = []
    for path, file in image_fields(loaded.data):
        problem = assets.image_problem(file, folder, project.root())
        if problem:
            line, col = loaded.where(path)
            problems.append(Problem(raw.name, line, col, format_path(path), problem))
        else:
            images[file] = assets.resolve(folder, file)
    return images, problems


def image_fields(data: object) -> list[tuple[Path_, str]]:
    """Return (field path, file) of every image a source's plain data names: the logo, then every
    block with a ``figure``, in the order of the file. Read before (and whatever) the validation."""
    found: list[tuple[Path_, str]] = []
    logo = _get(data, ("theme", "logo", "file"))
    if isinstance(logo, str):
        found.append((("theme", "logo", "file"), logo))

    def walk(value: object, path: Path_) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, (*path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict) and isinstance(item.get("figure"), str):
                    found.append(((*path, i, "figure"), item["figure"]))
                walk(item, (*path, i))

    walk(data, ())
    return found


def _hyphenation(raw: RawSource) -> tuple[Exceptions, list[Problem]]:
    """Read a charter's own hyphenation list; every line that is not an entry is a problem."""
    if raw.hyphenation is None:
        return Exceptions(), []
    name = raw.hyphenation_name
    try:
        text = raw.hyphenation.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.hyphenation[: error.start].count(b"\n") + 1
        return Exceptions(), [
            Problem(name, line, None, "", "not UTF-8 text: save the file as UTF-8")
        ]
    problems: list[Problem] = []
    return parse_exceptions(text, name, problems), problems


def validate(loaded: Loaded, name: str) -> tuple[Charter | None, list[Problem]]:
    """Validate plain data against the model and the rules the model cannot express."""
    problems = _duplicate_ids(loaded, name)
    # none while drafting (build --draft)
    problems += draft.missing_questions(loaded, name, lambda p: _swallow_hint(loaded.data, p))
    charter = None
    try:
        charter = Charter.model_validate(loaded.data)
    except ValidationError as error:
        problems += _once_per_list(
            [_problem(e, loaded, name) for e in error.errors() if not _knock_on(e)]
        )
    if charter is not None and charter.commitment_count > CHARTER_COMMITMENTS_MAX:
        line, col = loaded.where(("sections",))
        problems.append(
            Problem(
                name,
                line,
                col,
                "sections",
                f"too many commitments: {charter.commitment_count} "
                f"(at most {CHARTER_COMMITMENTS_MAX} in a charter)",
            )
        )
    problems += onboarding_references(loaded, name)  # with every other problem of the file
    if problems:
        return None, _dedupe(sorted(problems, key=lambda p: (p.line or 0, p.col or 0, p.path)))
    return charter, []


def chapter_ids(data: object) -> list[str]:
    """Return the ids an onboarding step may take up, from a source's plain data: the passages
    before the sections, the sections (and their prefaces), the organisation, the reflection and
    the passages after, in the booklet's order."""
    ids: list[str] = []

    def add(item: object) -> None:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            ids.append(item["id"])

    def each(key: str) -> list:
        value = data.get(key) if isinstance(data, dict) else None
        return value if isinstance(value, list) else []

    for passage in each("front"):
        add(passage)
    for section in each("sections"):
        if isinstance(section, dict):
            add(section.get("preface"))
        add(section)
    if isinstance(data, dict):
        add(data.get("organisation"))
        reflection = data.get("reflection")
        if isinstance(reflection, dict):
            ids.append(
                reflection.get("id") if isinstance(reflection.get("id"), str) else "refleksion"
            )
    for passage in each("back"):
        add(passage)
    return ids


def _card_count(data: dict) -> int:
    """Return the deck's card count from plain data: one per commitment, the title card, and
    one reflection card per group of the charter's own questions."""
    return 1 + len(_card_owners(data))


def _card_owners(data: dict) -> dict[int, set[str]]:
    """Return the chapter ids each card of the deck belongs to, by its printed number (as
    ``_card_count`` counts: the title card 1, the commitments in order, the reflection cards):
    a section's card is its section's and its preface's."""
    owners: dict[int, set[str]] = {}
    parts = [*(data.get("sections") or [])] if isinstance(data.get("sections"), list) else []
    parts.append(data.get("organisation"))
    number = 1
    for part in parts:
        if not isinstance(part, dict):
            continue
        ids = {part["id"]} if isinstance(part.get("id"), str) else set()
        preface = part.get("preface")
        if isinstance(preface, dict) and isinstance(preface.get("id"), str):
            ids.add(preface["id"])
        body = part.get("body")
        for block in body if isinstance(body, list) else []:
            commitments = block.get("commitments") if isinstance(block, dict) else None
            for _ in commitments if isinstance(commitments, list) else []:
                number += 1
                owners[number] = ids
    reflection = data.get("reflection")
    groups = reflection.get("groups") if isinstance(reflection, dict) else None
    reflection_id = reflection.get("id") if isinstance(reflection, dict) else None
    for _ in groups if isinstance(groups, list) else []:
        number += 1
        owners[number] = {reflection_id} if isinstance(reflection_id, str) else set()
    return owners


def _spans(numbers: list[int]) -> str:
    """Return numbers as runs: [3, 4, 5, 8] -> '3–5, 8'."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def onboarding_references(loaded: Loaded, name: str) -> list[Problem]:
    """Report each chapter id and card number of the onboarding plan that the charter lacks.

    Read from the plain data, so that they are reported with every other problem of the file.
    """
    data = loaded.data
    onboarding = data.get("onboarding") if isinstance(data, dict) else None
    plan = onboarding.get("plan") if isinstance(onboarding, dict) else None
    if not isinstance(plan, list):
        return []
    ids = chapter_ids(data)
    cards = _card_count(data)
    problems = []
    for i, step in enumerate(plan):
        if not isinstance(step, dict):
            continue
        wanted_ids = step.get("sections") if isinstance(step.get("sections"), list) else []
        for j, wanted in enumerate(wanted_ids):
            if not isinstance(wanted, str) or wanted in ids:
                continue
            path: Path_ = ("onboarding", "plan", i, "sections", j)
            guess = difflib.get_close_matches(wanted, ids, n=1, cutoff=0.6)
            hint = f"did you mean '{guess[0]}'?" if guess else "the ids are: " + ", ".join(ids)
            line, col = loaded.where(path)
            problems.append(
                Problem(
                    name,
                    line,
                    col,
                    format_path(path),
                    f"no chapter with the id '{wanted}' ({hint})",
                )
            )
        numbers = step.get("cards") if isinstance(step.get("cards"), list) else []
        named = {w for w in wanted_ids if isinstance(w, str)}
        if not named <= set(ids):  # an unknown id is reported above: no second guess from it
            named = set()
        owners = _card_owners(data) if named and numbers else {}
        for j, number in enumerate(numbers):
            if not isinstance(number, int) or isinstance(number, bool) or number < 1:
                continue
            path = ("onboarding", "plan", i, "cards", j)
            if number > cards:
                message = f"no card {number}: the deck has {cards} cards (1 is the title card)"
            elif named and not named & owners.get(number, set()):
                # A number that names a card of another chapter than the step's: the deck's
                # numbers moved (a commitment added before it), or a slip.
                theirs = [n for n, ids in owners.items() if ids & named]
                where = f"their cards are {_spans(theirs)}" if theirs else "they have no cards"
                message = (
                    f"card {number} is not a card of {', '.join(sorted(named))} ({where}); "
                    "give its chapter in sections too, if it is meant"
                )
            else:
                continue
            line, col = loaded.where(path)
            problems.append(Problem(name, line, col, format_path(path), message))
    return problems


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    return [p for p in problems if not (str(p) in seen or seen.add(str(p)))]


def _once_per_list(problems: list[Problem]) -> list[Problem]:
    """Keep one of the problems that say the same of every item of one list ('items:' for 'commitments:')."""
    kept: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for problem in problems:
        head, _, last = problem.path.rpartition("[")
        key = (head, problem.message)
        if head and last.rstrip("]").isdigit() and "'items:' holds plain texts" in problem.message:
            if key in seen:
                continue
            seen.add(key)
        kept.append(problem)
    return kept


def _knock_on(error: dict) -> bool:
    """Tell pydantic's follow-up errors apart: a list 'too short' only because its items failed."""
    if error["type"] != "too_short":
        return False
    given, ctx = error.get("input"), error.get("ctx") or {}
    return isinstance(given, (list, tuple)) and len(given) >= ctx.get("min_length", 0)


def _problem(error: dict, loaded: Loaded, name: str) -> Problem:
    path: Path_ = tuple(_clean_loc(error["loc"]))
    kind = error["type"]
    if kind == "extra_forbidden":
        line, col = loaded.where(path, key=True)
        return Problem(name, line, col, format_path(path), _unknown_key(path))
    line, col = loaded.where(path)
    message = _message(error, path)
    if kind == "missing" and path:
        message += _swallow_hint(loaded.data, path)
    if path in loaded.hints and error.get("input") is None:
        message += f": {loaded.hints[path]}"
    return Problem(name, line, col, format_path(path), message)


def _swallow_hint(data: object, path: Path_) -> str:
    """Return where a missing ``path`` went when an over-indented ``KEY:`` line hides it in the
    text above (": the 'text:' above swallowed it …"), or ""."""
    swallower = _swallowed(data, path)
    if not swallower:
        return ""
    return (
        f": the {swallower} above swallowed it ('{path[-1]}:' is inside that text): "
        f"put '{path[-1]}:' under the key above it, at the same indentation"
    )


def _swallowed(data: object, path: Path_) -> str | None:
    """Return the key of a sibling text that holds ``KEY:`` of the missing ``path`` (an over-indented line)."""
    parent = _get(data, path[:-1])
    if not isinstance(parent, dict):
        return None
    for key, value in parent.items():
        if isinstance(value, str) and re.search(rf"(^|\s){re.escape(str(path[-1]))}:\s", value):
            return f"'{key}:'"
    return None


def _clean_loc(loc: tuple) -> list:
    """Drop pydantic's internal loc parts (validator names) that are not YAML keys."""
    return [p for p in loc if isinstance(p, int) or not str(p).startswith(("function-", "tagged-"))]


def _numeric(text: str) -> bool:
    """Tell whether a quoted text would be read as a number or true/false if written without quotes."""
    try:
        float(text.strip())
    except ValueError:
        return text.strip().lower() in ("true", "false")
    return True


def _kind_of(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"'{value}'" if len(value) < 40 else "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of keys"
    return type(value).__name__


def _message(error: dict, path: Path_) -> str:
    kind, given = error["type"], error.get("input")
    ctx = error.get("ctx") or {}
    field = path[-1] if path else ""
    if kind == "missing":
        return "required"
    if kind == "string_type" and field in ("colour", "accent"):
        return f"expected a colour like '#1f4e79', got {_kind_of(given)}"
    if kind == "string_type":
        if isinstance(given, (bool, int, float)):
            return f"expected text, got {_kind_of(given)}: put it in quotes if it is meant as text"
        if isinstance(given, dict) and len(path) > 1 and path[-2] == "items":
            return (
                f"expected text, got {_kind_of(given)}: 'items:' holds plain texts; a list whose "
                "items have text: and question: is 'commitments:'"
            )
        return f"expected text, got {_kind_of(given)}"
    if kind == "string_too_short":
        return "must not be empty"
    unquote = ": write it without quotes" if isinstance(given, str) and _numeric(given) else ""
    if (
        kind in ("int_type", "int_parsing")
        and field == "year"
        and isinstance(given, str)
        and not unquote
    ):
        return f"expected a year like 2026, got {_kind_of(given)}: write the year alone"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {_kind_of(given)}{unquote}"
    if kind in ("float_type", "float_parsing"):
        return f"expected a number, got {_kind_of(given)}{unquote}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {_kind_of(given)}{unquote}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, got {_kind_of(given)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if field == "card":
            presets = ", ".join(CARD_PRESETS)
            return f"expected {{width, height}} in mm or one of {presets}; got {_kind_of(given)}"
        return f"expected a mapping of keys, got {_kind_of(given)}"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected', '')}; got {_kind_of(given)}"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == NOT_BLANK:
            return "must not be empty"
        if ctx.get("pattern") == QUESTION_END:
            return "a question must end with '?'"
        if field in ("colour", "accent"):
            return f"expected a colour like '#1f4e79', got {_kind_of(given)}"
        return f"expected an id of lowercase letters, digits and '-' (like 'rollen'), got {_kind_of(given)}"
    if kind == "string_too_long" or (kind == "too_long" and isinstance(given, str)):
        return f"too long: {len(given or '')} characters, at most {ctx.get('max_length')}"
    if kind == "too_short" and ctx.get("field_type") == "Value":
        return "must not be empty"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} item(s)"
    if kind == "too_long" and ctx.get("field_type") == "Value":
        return f"too long: {ctx.get('actual_length')} characters, at most {ctx.get('max_length')}"
    if kind == "too_long":
        return f"too many: {ctx.get('actual_length')} items, at most {ctx.get('max_length')}"
    if kind in ("greater_than_equal", "less_than_equal"):
        lo = ctx.get("ge")
        hi = ctx.get("le")
        bound = f"at least {lo:g}" if lo is not None else f"at most {hi:g}"
        return f"must be {bound}, got {_kind_of(given)}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]


def _allowed_keys(path: Path_) -> list[str]:
    """Return the keys the model allows at ``path``'s parent."""
    model: type[BaseModel] | None = Charter
    for part in path[:-1]:
        if isinstance(part, int) or model is None:
            continue
        info = model.model_fields.get(part)
        model = _model_in(info.annotation) if info else None
    return list(model.model_fields) if model else []


def _model_in(annotation) -> type[BaseModel] | None:
    """Find the model class inside an annotation like ``tuple[Section, ...] | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found:
            return found
    return None


MOVED = {
    "list_commitments": "gone: a section's lists are printed and carded from the same text",
    "intro": "moved: a section's text is its body (paragraphs, lists of commitments, …)",
    "lead": "moved: a list's lead-in is 'lead:' on the list in the section's body",
    "commitments": "moved: commitments are a list in the section's body (- lead: …, commitments: …)",
    "prose": "moved: a section's text is its body, in reading order",
    "prose_title": "moved: write '- heading: …' in the section's body",
}
"""Section keys of the format before lists moved into the body, and where they went."""


def _unknown_key(path: Path_) -> str:
    allowed = _allowed_keys(path)
    key = str(path[-1])
    if key in MOVED and "body" in allowed and "id" in allowed and key not in allowed:
        return f"unknown key ({MOVED[key]}; see docs/source-format.md#sections)"
    if key == "title" and "lead" in allowed and "commitments" in allowed:
        return (
            "unknown key (a list has no title: put '- heading: …' before it, "
            "or give its lead-in as 'lead:')"
        )
    if key == "commitments" and "quote" in allowed:
        return "unknown key (commitments belong in a section's body, not in a passage)"
    guess = difflib.get_close_matches(str(path[-1]), allowed, n=1, cutoff=0.6)
    if guess:
        return f"unknown key (did you mean '{guess[0]}'?)"
    return "unknown key (allowed: " + ", ".join(allowed) + ")" if allowed else "unknown key"


def _duplicate_ids(loaded: Loaded, name: str) -> list[Problem]:
    """Report ids used twice anywhere in the charter (sections, passages, prefaces)."""
    data = loaded.data
    seen: dict[str, Path_] = {}
    problems = []
    for path in _id_paths(data):
        value = _get(data, path)
        if not isinstance(value, str):
            continue
        if value in seen:
            line, col = loaded.where(path)
            first = format_path(seen[value])
            problems.append(
                Problem(
                    name, line, col, format_path(path), f"duplicate id '{value}' (also {first})"
                )
            )
        else:
            seen[value] = path
    return problems


def _id_paths(data: dict) -> list[Path_]:
    paths: list[Path_] = []
    for key in ("front", "sections", "back"):
        for i, item in enumerate(data.get(key) or []):
            paths.append((key, i, "id"))
            if (
                key == "sections"
                and isinstance(item, dict)
                and isinstance(item.get("preface"), dict)
            ):
                paths.append((key, i, "preface", "id"))
    for key in ("organisation", "reflection"):
        if isinstance(data.get(key), dict) and "id" in data[key]:
            paths.append((key, "id"))
    return paths


def _get(data: object, path: Path_) -> object:
    for part in path:
        try:
            data = data[part]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def json_schema() -> dict:
    """Return the JSON Schema of a charter source, for editors (yaml-language-server)."""
    schema = Charter.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "charterpress charter source"
    defs = schema.get("$defs", {})
    for name in ("Block", "SectionBlock"):
        if name in defs:
            defs[name] = _block_schema(defs[name])
    if "Section" in defs:  # at least one block of a section's body is a list of commitments
        body = defs["Section"]["properties"]["body"]
        body["contains"] = {"type": "object", "required": ["commitments"]}
    if "Commitment" in defs:  # optional only for `build --draft`: editors require it
        draft.require_question(defs["Commitment"])
    for definition, key, names in (("Theme", "name", project.themes), ("Meta", "language", project.languages)):
        if definition in defs:  # the registries' names, as the model checks them
            prop = {**defs[definition]["properties"][key], "enum": list(names())}
            defs[definition]["properties"][key] = dict(sorted(prop.items()))
    if "Step" in defs:  # a step has a week or a day, not both
        defs["Step"]["oneOf"] = [
            {"required": ["week"], "not": {"required": ["day"]}},
            {"required": ["day"], "not": {"required": ["week"]}},
        ]
    if "CardSize" in defs:
        size = defs["CardSize"]
        defs["CardSize"] = {
            "description": "A card size in mm, or a preset name.",
            "anyOf": [{"enum": sorted(CARD_PRESETS)}, size],
        }
    return schema_words.annotate(schema)  # descriptions and plain pattern messages


def _block_schema(block: dict) -> dict:
    """Return a block's schema as the model checks it: plain text, or one main key and its options."""
    props = block["properties"]
    for prop in props.values():  # a key written with no value is an error
        if "anyOf" in prop:
            prop["anyOf"] = [o for o in prop["anyOf"] if o != {"type": "null"}]
            if len(prop["anyOf"]) == 1:
                prop.update(prop.pop("anyOf")[0])
        prop.pop("default", None)
    paragraph = {k: v for k, v in props["text"].items() if k not in ("description", "title")}
    kinds = [k for k in BLOCK_KINDS if k in props]
    variants = []
    for kind in kinds:
        keys = (kind, *BLOCK_OPTIONS.get(kind, ()))
        variants.append(
            {
                "type": "object",
                "title": kind,
                "description": props[kind].get("description", ""),
                "properties": {k: props[k] for k in keys},
                "required": [kind, *REQUIRED_OPTIONS.get(kind, ())],
                "additionalProperties": False,
            }
        )
    return {
        "description": block.get("description", "")
        + " Plain text is a paragraph; otherwise exactly one of "
        + ", ".join(kinds)
        + ", with that kind's options.",
        "anyOf": [paragraph, *variants],
    }


def json_schema_text() -> str:
    """Return the JSON Schema as the text stored in ``sources/charter.schema.json``."""
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
