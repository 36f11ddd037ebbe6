"""The Jinja environment: layout search path (charter override, then base), filters, labels.

Layouts come from the project's ``layouts/`` first, then from the package's (see project.py).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
import yaml

from . import project


def environment(slug: str, layouts: Path | None = None) -> jinja2.Environment:
    """Return the Jinja environment for a charter: ``layouts/SLUG/`` overrides ``layouts/base/``.

    Without ``layouts``, each folder is looked up in the project, then in the package. An
    override can extend the template it replaces as ``"base/NAME"`` (the packaged base).
    """
    if layouts is None:
        search = project.layers("layouts", slug) + project.layers("layouts", "base")
        base = project.layers("layouts", "base")[-1:]
    else:
        search = [p for p in (layouts / slug, layouts / "base") if p.is_dir()]
        base = [layouts / "base"]
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader([str(p) for p in search]),
            jinja2.PrefixLoader({"base": jinja2.FileSystemLoader([str(p) for p in base])}),
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


def labels(language: str, layouts: Path | None = None) -> dict[str, object]:
    """Return the fixed words of the output ('Refleksion', 'Indhold' …) for a language.

    ``layouts/labels/LANG.yaml``: the project's if it has one, else the package's.
    """
    path = (
        layouts / "labels" / f"{language}.yaml"
        if layouts
        else project.find("layouts", "labels", f"{language}.yaml")
    )
    return _read_labels(path)


@lru_cache(maxsize=8)
def _read_labels(path: Path) -> dict[str, object]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return dict(data)
