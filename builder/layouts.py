"""The Jinja environment: layout search path (charter override, then base), filters, labels."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
import yaml

ROOT = Path(__file__).resolve().parent.parent
"""The project folder: the only place the renderer reads files from."""
LAYOUTS = ROOT / "layouts"
ASSETS = ROOT / "assets"


def environment(slug: str, layouts: Path = LAYOUTS) -> jinja2.Environment:
    """Return the Jinja environment for a charter: ``layouts/SLUG/`` overrides ``layouts/base/``.

    An override can extend the template it replaces as ``"base/NAME"``.
    """
    search = [str(p) for p in (layouts / slug, layouts / "base") if p.is_dir()]
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(search),
            jinja2.PrefixLoader({"base": jinja2.FileSystemLoader(str(layouts / "base"))}),
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
    return env


@lru_cache(maxsize=8)
def labels(language: str, layouts: Path = LAYOUTS) -> dict[str, object]:
    """Return the fixed words of the output ('Refleksion', 'Indhold' …) for a language."""
    path = layouts / "labels" / f"{language}.yaml"
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return dict(data)
