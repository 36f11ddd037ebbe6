"""charterpress: leadership charters (YAML) to booklets and dialogue card decks."""

from __future__ import annotations

__version__ = "0.1.0"
