"""Generated charters for the benchmark: N commitments in S sections, from the starter source.

The starter (``charterpress new``) is the template, so the generated charters follow the
source format of the code being measured: its first section is repeated with new ids,
and its first list of commitments is filled with generated commitments.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

import yaml

VERBS = ("sætter", "skaber", "følger op på", "giver plads til", "tager ansvar for", "lytter til")
THINGS = (
    "tydelige mål for opgaverne",
    "rum for faglig uenighed",
    "samarbejdet på tværs af afdelingerne",
    "de aftaler, vi indgår i teamet",
    "borgerens perspektiv i hverdagen",
    "trivsel og et godt arbejdsmiljø",
)


def starter_data() -> dict:
    """Return the starter source as plain data."""
    from charterpress.commands.new import write_starter

    with tempfile.TemporaryDirectory() as tmp:
        path = write_starter("starter", Path(tmp))
        return yaml.safe_load(path.read_text(encoding="utf-8"))


def _commitment_list(node: object) -> list | None:
    """Return the first list of commitments (mappings with a question) inside ``node``."""
    if isinstance(node, list):
        if node and all(isinstance(i, dict) and "question" in i for i in node):
            return node
        children = node
    elif isinstance(node, dict):
        children = list(node.values())
    else:
        return None
    for child in children:
        found = _commitment_list(child)
        if found is not None:
            return found
    return None


def commitment(n: int, template: dict) -> dict:
    """Return commitment number ``n``: a varied text, card wording and open question."""
    verb, thing = VERBS[n % len(VERBS)], THINGS[(n // len(VERBS)) % len(THINGS)]
    item = {k: v for k, v in template.items() if k not in ("text", "card", "question")}
    item["text"] = f"{verb} {thing} (nr. {n})"
    if "card" in template:
        item["card"] = f"Jeg {verb} {thing}"
    item["question"] = f"Hvordan {verb.split()[0]} du {thing} i din egen hverdag?"
    return item


def charter(commitments: int, sections: int, slug: str = "generated") -> str:
    """Return the YAML of a charter with ``commitments`` spread evenly over ``sections``."""
    data = starter_data()
    template = data["sections"][0]
    items = _commitment_list(template)
    assert items, "the starter's first section holds no list of commitments"
    data["meta"]["municipality"] = f"{slug.title()} Kommune"
    made, out = 0, []
    for s in range(sections):
        section = copy.deepcopy(template)
        section["id"] = f"afsnit-{s + 1}"
        if "kicker" in section:
            section["kicker"] = f"AFSNIT {s + 1}"
        section["title"] = f"Afsnit {s + 1}: ledelse i praksis"
        share = commitments // sections + (1 if s < commitments % sections else 0)
        target = _commitment_list(section)
        target[:] = [commitment(made + i + 1, items[0]) for i in range(share)]
        made += share
        out.append(section)
    data["sections"] = out
    return "# yaml-language-server: $schema=charter.schema.json\n" + yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, width=100
    )
