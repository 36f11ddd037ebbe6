"""Words for the JSON Schema: a description for every property, plain messages for patterns.

An editor (VS Code's YAML extension, yaml-language-server) shows a property's description
as you type, and shows ``patternErrorMessage`` instead of a regular expression when a value
does not match (``errorMessage`` is the same for other tools). The model's docstrings give
most descriptions; these fill in the properties whose docstring the model leaves out.
"""

from __future__ import annotations

SCHEMA = "charter.schema.json"
"""The JSON Schema's file name, beside the sources."""

DESCRIPTIONS = {
    "Charter.meta": "What the charter is and whose it is: municipality, title, language, contact.",
    "Charter.theme": "How the charter looks: theme, colours, card size, office sheets, logo.",
    "Charter.values": "A set of values shown as a panel after the passages before the sections.",
    "Charter.sections": "The chapters of the booklet, in order; each commitment in them is a card.",
    "Charter.reflection": "The charter's own reflection questions: printed in the booklet, and one reflection card per group at the end of the deck.",
    "CardSize.width": "The card's width in mm (50–150), a number without quotes.",
    "CardSize.height": "The card's height in mm (70–210), a number without quotes.",
    "Contact.name": "Who to contact: an organisation or a person (the back cover).",
    "Contact.unit": "The department or unit.",
    "Contact.address": "The postal address, one line each.",
    "Contact.email": "An e-mail address.",
    "Contact.phone": "A phone number, as it should be printed.",
    "Contact.web": "A web address.",
    "Contact.text": "A free-text note for the back cover.",
    "Meta.municipality": "Whose charter it is (the cover, the cards), e.g. 'Glostrup Kommune'.",
    "Meta.title": "The charter's title (the cover, the title card).",
    "Meta.subtitle": "A line under the title on the cover.",
    "Meta.language": "da or en: the language of the fixed words (Refleksion, Indhold …) and of hyphenation.",
    "Meta.year": "The year of the charter, a whole number (1900–2100) without quotes.",
    "Meta.version": 'The charter\'s version, as text (quote a number: "2").',
    "Meta.contact": "Who to contact, printed on the back cover; every key is optional.",
    "Passage.title": "The passage's heading (an untitled first passage is headed 'Indledning').",
    "Passage.subtitle": "A line under the passage's title.",
    "Passage.body": "The passage's blocks in reading order: paragraphs, headings, lists, quotes, figures.",
    "QuestionItem.label": "A short label before the question (e.g. 'Generel ledelse').",
    "QuestionItem.text": "The question.",
    "Reflection.id": "The reflection's id (default 'refleksion'): lowercase letters, digits and '-'.",
    "Reflection.title": "The heading of the charter's reflection questions.",
    "Reflection.intro": "Blocks printed before the questions.",
    "Reflection.groups": "The questions, grouped by audience.",
    "ReflectionGroup.title": "Who the group of questions is for (e.g. 'Den enkelte leder').",
    "ReflectionGroup.subtitle": "A line under the group's title.",
    "ReflectionGroup.questions": "The group's questions, in order.",
    "Section.id": "The section's id, unique in the file: lowercase letters, digits and '-' (like 'rollen').",
    "Section.title": "The chapter's title.",
    "Section.subtitle": "A line under the chapter's title.",
    "Section.colour": "The section's colour (hex, like \"#8a2b5c\" in quotes); else a shade of the theme's.",
    "Sheet.paper": "The office printer's paper: A4, A3 or Letter.",
    "Theme.colour": 'The main colour (hex, like "#1f4e79" in quotes): cover, title card, section colours.',
    "Theme.accent": 'The second colour (hex, like "#c8963e" in quotes).',
    "Theme.sheet": "How the cards are printed on an office printer: paper, flip edge, duplex or fold, the printer's back-side offset; and that printer's back-side offset for the imposed booklet.",
    "Theme.logo": "An image for the booklet's cover, next to the source, with its alt text.",
    "Values.title": "The panel's title (e.g. 'Social Kapital').",
    "Values.intro": "Blocks printed before the values.",
    "Values.items": "The values, one line each.",
}
"""Descriptions of the properties the model's docstrings do not describe, by 'Definition.property'."""

PATTERN_MESSAGES = {
    r"\S": "Write some text here: it must not be empty.",
    r"\?\s*$": "A question must end with '?'.",
    r"^#[0-9a-fA-F]{6}$": 'Write a colour as # and six hex digits, in quotes: "#1f4e79".',
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "An id is lowercase letters a–z, digits and single '-' between them, like 'rollen' or 'princip-1'.",
}
"""What to say when a value does not match a pattern, in words instead of the expression."""


def annotate(schema: dict) -> dict:
    """Add the missing descriptions and the plain pattern messages to a JSON Schema, in place."""
    _describe("Charter", schema)
    for name, definition in schema.get("$defs", {}).items():
        _describe(name, definition)
    _messages(schema)
    return schema


def _describe(name: str, definition: dict) -> None:
    for variant in [definition, *definition.get("anyOf", [])]:
        for key, prop in variant.get("properties", {}).items():
            if not prop.get("description") and f"{name}.{key}" in DESCRIPTIONS:
                prop["description"] = DESCRIPTIONS[f"{name}.{key}"]


def _messages(node: object) -> None:
    if isinstance(node, dict):
        pattern = node.get("pattern")
        if isinstance(pattern, str) and pattern in PATTERN_MESSAGES:
            node["patternErrorMessage"] = PATTERN_MESSAGES[pattern]
            node["errorMessage"] = PATTERN_MESSAGES[pattern]
        for value in node.values():
            _messages(value)
    elif isinstance(node, list):
        for value in node:
            _messages(value)


def undescribed(schema: dict) -> list[str]:
    """Return the properties of a JSON Schema that have no description (the tests want none)."""
    missing: list[str] = []

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for key, prop in node.get("properties", {}).items():
                if not prop.get("description"):
                    missing.append(f"{path}.{key}")
                walk(prop, f"{path}.{key}")
            for key, value in node.items():
                if key != "properties":
                    walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    walk(schema, "")
    return missing
