"""`charterpress new SLUG`: a commented starter source that passes `check`."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from ..errors import CharterError
from ..output.write import write_atomic
from ..source.schema_words import SCHEMA
from ..source.slugs import SLUG_MAX, slug_problem
from ..terminal import plain

STARTER = """\
# yaml-language-server: $schema=charter.schema.json
# A leadership charter for charterpress. Edit the texts, then run:
#   charterpress check sources/{slug}.yaml     (finds mistakes, one line each)
#   charterpress build sources/{slug}.yaml     (makes the booklet and the cards in dist/{slug}/)
# Every key is described in sources/charter.schema.json; an editor with the
# YAML extension completes and checks keys as you type.

meta:
  municipality: {org}      # who the charter belongs to
  title: Ledelsesgrundlag           # the title on the cover
  subtitle: for {org}      # optional
  language: da                      # da or en: the language of the fixed words
  year: 2026                        # optional
  contact:                          # optional: printed on the back cover
    name: {org}
    unit: HR
    email: hr@{slug}.dk

theme:
  colour: "#1f4e79"                 # main colour (cover, cards)
  accent: "#c8963e"                 # second colour
  card: standard                    # standard (90×130 mm), a6, a7, poker, or {{width: 90, height: 130}}
  sheet: {{paper: A4, flip: long, mode: duplex}}   # office printing of the cards
  # logo: {{file: logo.png, alt: "{org}s byvåben"}}   # an image next to this file

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
    # Exit 1, as `check` refusing the same name: the slug is input, not a misuse of the command line.
    problem = new_slug_problem(slug)  # check's rule (paths.slug_problem), said for a new name
    if problem:
        raise CharterError(problem)
    path = folder / f"{slug}.yaml"
    if os.path.lexists(path):  # a file, a folder or a link (even a dangling one) is kept
        raise CharterError(f"{plain(path)} already exists: choose another slug or edit that file")
    data = STARTER.format(slug=slug, org=organisation(slug)).encode("utf-8")
    folder.mkdir(parents=True, exist_ok=True)  # in an empty folder, `new` makes the project
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # never over a file
    except FileExistsError:
        raise CharterError(
            f"{plain(path)} already exists: choose another slug or edit that file"
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    schema = folder / SCHEMA
    if not os.path.lexists(schema):
        from ..source.schema import json_schema_text

        write_atomic(schema, json_schema_text().encode("utf-8"))
    return path


_LETTERS = {"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
"""How a Danish (or German) letter is written with a–z in a slug: ``køge`` is ``koege``."""


def transliterate(name: str) -> str:
    """Return ``name`` as a slug: a–z, digits and single '-' (``Køge Kommune`` -> ``koege-kommune``)."""
    text = "".join(_LETTERS.get(c, c) for c in name.lower())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:SLUG_MAX].strip("-")


def new_slug_problem(slug: str) -> str | None:
    """Return what is wrong with ``slug`` as a new charter's name (check's rule), or None."""
    if slug_problem(slug) is None:
        return None
    shown = plain(slug if len(slug) <= 60 else slug[:59] + "…")
    if len(slug) > SLUG_MAX:
        return f"'{shown}' is too long for a slug: at most {SLUG_MAX} characters"
    message = (
        f"'{shown}' is not a usable slug: use only the letters a–z (no æ, ø, å or capitals), "
        "digits and single '-'"
    )
    suggestion = transliterate(slug)
    if suggestion and slug_problem(suggestion) is None:
        message += f": try '{suggestion}'"
    return message


def organisation(slug: str) -> str:
    """Return the organisation a starter names: ``roskilde`` -> 'Roskilde Kommune', ``kl`` -> 'KL'.

    A short name of at most three letters, or one without a vowel, is an abbreviation (KL, KKR),
    not a municipality's name.
    """
    words = slug.split("-")
    if len(words) == 1 and (len(slug) <= 3 or not re.search(r"[aeiouy]", slug)) and slug.isalpha():
        return slug.upper()
    return " ".join(w.capitalize() for w in words) + " Kommune"
