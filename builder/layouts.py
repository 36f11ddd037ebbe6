"""The Jinja environment: layout search path (charter override, theme, base), filters, labels.

A theme is a folder ``layouts/themes/NAME/``: templates and CSS that replace the base's, and a
``theme.yaml`` naming its fonts (display, text, ui) and its card and cover options. Templates
see the theme as ``look`` (the merged ``theme.yaml`` of the base and the theme).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
import yaml

ROOT = Path(__file__).resolve().parent.parent
"""The project folder: the only place the renderer reads files from."""
LAYOUTS = ROOT / "layouts"
ASSETS = ROOT / "assets"
DEFAULT_THEME = "civic"


def environment(
    slug: str, layouts: Path = LAYOUTS, theme: str = DEFAULT_THEME
) -> jinja2.Environment:
    """Return the Jinja environment for a charter: ``layouts/SLUG/``, then the theme, then the base.

    An override can extend the template it replaces as ``"base/NAME"`` or ``"theme/NAME"``.
    """
    folder = layouts / "themes" / theme
    search = [str(p) for p in (layouts / slug, folder, layouts / "base") if p.is_dir()]
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(search),
            jinja2.PrefixLoader(
                {
                    "base": jinja2.FileSystemLoader(str(layouts / "base")),
                    "theme": jinja2.FileSystemLoader([str(folder), str(layouts / "base")]),
                }
            ),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["mm"] = lambda value: f"{float(value):g}mm"
    env.globals["look"] = look(theme, layouts)
    return env


@lru_cache(maxsize=16)
def look(theme: str, layouts: Path = LAYOUTS) -> dict[str, object]:
    """Return a theme's settings: the base's ``theme.yaml`` updated by the theme's own."""
    merged: dict[str, object] = {"name": theme}
    for path in (layouts / "base" / "theme.yaml", layouts / "themes" / theme / "theme.yaml"):
        if path.is_file():
            with path.open(encoding="utf-8") as handle:
                for key, value in (yaml.safe_load(handle) or {}).items():
                    if isinstance(value, dict) and isinstance(merged.get(key), dict):
                        merged[key] = {**merged[key], **value}  # type: ignore[dict-item]
                    else:
                        merged[key] = value
    return merged


@lru_cache(maxsize=8)
def labels(language: str, layouts: Path = LAYOUTS) -> dict[str, object]:
    """Return the fixed words of the output ('Refleksion', 'Indhold' …) for a language."""
    path = layouts / "labels" / f"{language}.yaml"
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return dict(data)
