"""The Jinja environment: layout search path (charter override, theme, base), filters, labels.

A theme is a folder ``layouts/themes/NAME/``: templates and CSS that replace the base's, and a
``theme.yaml`` naming its fonts (display, text, ui) and its card and cover options. Templates
see the theme as ``look`` (the merged ``theme.yaml`` of the base and the theme).

Every folder and file of ``layouts/`` is looked up in the project first, then in the package
(see project.py): a project's ``layouts/SLUG/``, ``layouts/themes/NAME/`` or label file wins.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jinja2
import jinja2.bccache

from .. import project, projectfiles
from ..text import colours
from ..units import BLEED_MM
from . import marks

DEFAULT_THEME = "civic"


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the whole process, shared by every environment.

    Each charter and product gets an environment of its own (own search path, own filters),
    and Jinja would parse and compile every template again for each: a third of the time
    spent outside WeasyPrint. Jinja checks each template's source against the checksum, so
    an edited layout is compiled anew.
    """

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:  # noqa: D102 - Jinja hook
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:  # noqa: D102 - Jinja hook
        self._store[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def _folders(layouts: Path | None, *parts: str) -> list[Path]:
    """Return the existing folders ``layouts/PARTS``: in ``layouts``, or the project's then the package's."""
    if layouts is None:
        return project.layers("layouts", *parts)
    folder = layouts.joinpath(*parts)
    return [folder] if folder.is_dir() else []


def _file(layouts: Path | None, *parts: str) -> Path:
    """Return the file ``layouts/PARTS``: in ``layouts``, or the project's, else the package's."""
    return project.find("layouts", *parts) if layouts is None else layouts.joinpath(*parts)


def environment(
    slug: str, layouts: Path | None = None, theme: str = DEFAULT_THEME, paper: str | None = None
) -> jinja2.Environment:
    """Return the Jinja environment for a charter: ``layouts/SLUG/``, then the theme, then the base.

    An override can extend the template it replaces as ``"base/NAME"`` (the packaged base) or
    ``"theme/NAME"``. Without ``layouts``, the project's folders come before the package's.
    ``paper``: the source's paper tone (``theme.paper``), over the theme's.
    """
    own, themed, base = (_folders(layouts, *p) for p in ((slug,), ("themes", theme), ("base",)))
    loader = jinja2.ChoiceLoader(
        [
            projectfiles.GuardedLoader([str(p) for p in own + themed + base]),
            jinja2.PrefixLoader(
                {
                    "base": projectfiles.GuardedLoader([str(p) for p in base[-1:]]),
                    "theme": projectfiles.GuardedLoader([str(p) for p in themed + base]),
                }
            ),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        bytecode_cache=_COMPILED,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["mm"] = lambda value: f"{float(value):g}mm"
    settings = look(theme, layouts)
    env.globals["look"] = {**settings, "paper": paper} if paper else settings
    env.globals["outline"] = marks.outline
    env.globals["contrast"] = colours.contrast  # a mark's letters choose the ink that shows on its field
    env.globals["bleed_mm"] = BLEED_MM  # the print files' bleed, one number for CSS and Python
    return env


def look(theme: str, layouts: Path | None = None) -> dict[str, object]:
    """Return a theme's settings: the base's ``theme.yaml`` updated by the theme's own."""
    return _look(
        theme, _file(layouts, "base", "theme.yaml"), _file(layouts, "themes", theme, "theme.yaml")
    )


@lru_cache(maxsize=16)
def _look(theme: str, *paths: Path) -> dict[str, object]:
    merged: dict[str, object] = {"name": theme}
    for path in paths:
        if path.exists() or path.is_symlink():
            for key, value in projectfiles.read_yaml(path).items():  # inside, capped, hardened
                if isinstance(value, dict) and isinstance(merged.get(key), dict):
                    merged[key] = {**merged[key], **value}  # type: ignore[dict-item]
                else:
                    merged[key] = value
    return merged


def labels(language: str, layouts: Path | None = None) -> dict[str, object]:
    """Return the fixed words of the output ('Refleksion', 'Indhold' …) for a language.

    ``layouts/labels/LANG.yaml``: the project's if it has one, else the package's.
    """
    return _read_labels(_file(layouts, "labels", f"{language}.yaml"))


@lru_cache(maxsize=8)
def _read_labels(path: Path) -> dict[str, object]:
    return projectfiles.read_yaml(path)  # inside the project or package, capped, hardened


def counted(words: dict[str, object], key: str, n: int, **fill: object) -> str:
    """Return the label ``key`` filled for ``n`` things: ``KEY_one`` when ``n`` is 1 (English
    says '1 reflection card'), else ``KEY``; ``fill`` gives its other fields. A number keeps
    to the word after it (a no-break space): '12 dialogkort' never breaks between the two."""
    text = str(words[f"{key}_one" if n == 1 else key]).format(n=n, **fill)
    return NUMBER_SPACE.sub("\u00a0", text)


NUMBER_SPACE = re.compile(r"(?<=\d) (?=\w)")
"""The space between a number and the word it counts."""


def deck_count(words: dict[str, object], dialogue: int, reflection: int = 0) -> str:
    """Return how many cards a deck holds, in words: '32 dialogkort og et titelkort'.

    The one way the title card, the office sheets, the booklet and the previews say it:
    ``dialogue`` cards (one per commitment), the ``reflection`` cards (one per group of the
    charter's own questions, where it has them: '12 dialogkort, 3 refleksionskort og et
    titelkort'), and the title card named apart.
    """
    if not reflection:
        return counted(words, "deck_count", dialogue)
    return str(words["deck_count_reflection"]).format(
        dialogue=counted(words, "dialogue_count", dialogue),
        reflection=counted(words, "reflection_count", reflection),
    )


def deck_total(words: dict[str, object], dialogue: int, reflection: int = 0) -> str:
    """Return what the title card says the deck holds: every card, the title card counted ('20 kort').

    The title card speaks to someone holding the deck, who counts cards, not kinds of cards;
    the booklet, the guide and the job sheet keep ``deck_count``'s inventory.
    """
    return str(words["deck_total"]).format(n=dialogue + reflection + 1)
