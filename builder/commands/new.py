"""`charterpress new SLUG`: a commented starter source that passes `check`."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import UsageError
from ..output.write import write_atomic
from ..source.schema_words import SCHEMA

STARTER = """\
# yaml-language-server: $schema=charter.schema.json
# A leadership charter for charterpress. Edit the texts, then run:
#   charterpress check sources/{slug}.yaml     (finds mistakes, one line each)
#   charterpress build sources/{slug}.yaml     (makes the booklet and the cards in dist/{slug}/)
# Every key is described in sources/charter.schema.json; an editor with the
# YAML extension completes and checks keys as you type.

meta:
  municipality: {name} Kommune      # who the charter belongs to
  title: Ledelsesgrundlag           # the title on the cover
  subtitle: for {name} Kommune      # optional
  language: da                      # da or en: the language of the fixed words
  year: 2026                        # optional
  contact:                          # optional: printed on the back cover
    name: {name} Kommune
    unit: HR
    email: hr@{slug}.dk

theme:
  colour: "#1f4e79"                 # main colour (cover, cards)
  accent: "#c8963e"                 # second colour
  card: standard                    # standard (90×130 mm), a6, a7, poker, or {{width: 90, height: 130}}
  sheet: {{paper: A4, flip: long, mode: duplex}}   # office printing of the cards
  # logo: {{file: logo.png, alt: "{name} Kommunes byvåben"}}   # an image next to this file

front:                              # text before the sections (introduction, purpose …)
  - id: intro
    title: Indledning
    body:
      - >-
        Et afsnit er en almindelig tekst. Lange afsnit kan brydes over flere
        linjer; de samles til ét afsnit.
      - heading: En mellemrubrik
      - items: [et punkt, et andet punkt]
      # - quote: Et citat, sat som citat.      (by: hvem der sagde det)
      # - figure: figur.png                    (alt: hvad billedet viser; caption: billedtekst)
      # - panel: Værdier                       (values: [tillid, ansvar])

sections:                           # each section is a chapter; each commitment is a card
  - id: retning
    kicker: RETNINGEN               # optional short name above the title
    title: Jeg sætter retning       # the chapter title
    headline: Jeg ved, hvor vi skal hen
    band: Retningen – jeg sætter retning   # optional: what the cards' band says
    body:                           # the chapter's text in reading order
      - Tekst før listen (valgfri).
      - lead: "Det indebærer, at jeg:"      # the list's lead-in
        style: bullets                # bullets, numbered, paragraphs or prose
        commitments:                  # the list's items: one card each (title: for a named principle)
          - text: sætter tydelige mål
            card: Jeg sætter tydelige mål    # optional: the card's wording
            question: Hvilket mål har dit team brug for at høre dig sige tydeligere?
          - text: følger op på det, vi aftaler
            card: Jeg følger op på det, vi aftaler
            question: Hvad gør du, når en aftale i teamet ikke bliver holdt?
      - Tekst efter listen. En sektion kan have flere lister, hver med sin egen indledning.
"""


def write_starter(slug: str, folder: Path) -> Path:
    """Write ``folder/SLUG.yaml`` from the starter; refuse to overwrite a source.

    The folder gets ``charter.schema.json`` too if it has none, for editors' completion: in an
    empty folder, ``charterpress new SLUG`` makes a whole project.
    """
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
        raise UsageError(f"'{slug}' is not a usable slug: use lowercase letters, digits and '-'")
    path = folder / f"{slug}.yaml"
    if path.exists():
        raise UsageError(f"{path} already exists: choose another slug or edit that file")
    name = slug.replace("-", " ").title()
    write_atomic(path, STARTER.format(slug=slug, name=name).encode("utf-8"))
    schema = folder / SCHEMA
    if not schema.exists():
        from ..source.schema import json_schema_text

        write_atomic(schema, json_schema_text().encode("utf-8"))
    return path
