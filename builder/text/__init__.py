"""Text as data, with no layout engine: hyphenation, lines for reading aloud, colour maths."""
