"""What is echoed to a terminal is data: every message path shows control characters escaped.

A file name, a hyphenation entry or a YAML value may hold NUL, BEL, ESC (a terminal's colour
and cursor commands) or a bidirectional override; printed raw, they would ring, recolour or
rewrite the user's terminal. ``plain`` shows each as an escape (``\\x1b``, ``\\u202e``).
"""

from __future__ import annotations

import logging
import re

_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
"""C0 and C1 controls (but tab and newline), bidi marks and overrides, lone surrogates."""


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def plain(text: object) -> str:
    """Return ``text`` with every control character shown as an escape, on one line per line given."""
    return _CONTROL.sub(_escape, str(text))


def line(text: object) -> str:
    """Return ``text`` as ONE terminal line: control characters and line breaks escaped."""
    return plain(text).replace("\n", "\\n").replace("\t", "\\t")


class PlainFormatter(logging.Formatter):
    """A logging formatter whose every record is shown by ``line`` (warnings name user data too)."""

    def format(self, record: logging.LogRecord) -> str:  # noqa: D102 - logging hook
        return plain(super().format(record))
