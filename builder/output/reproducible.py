"""Same inputs, same bytes: the one date a build may write, derived from the source.

A PDF carries time in two places: its own CreationDate/ModDate, and inside every embedded font.
Where HarfBuzz's subsetter (libharfbuzz-subset0) is missing, WeasyPrint subsets fonts with
fontTools, and fontTools stamps the current time into each subset font's ``head.modified``
(``fontTools.ttLib.tables._h_e_a_d.table__h_e_a_d.compile`` calls ``timestampNow()`` because
``TTFont(recalcTimestamp=True)`` is the default). ``timestampNow()`` honours the
reproducible-builds convention ``SOURCE_DATE_EPOCH``, so while a charter is rendered that variable
is set: to the caller's value when the environment has one, else to 1 January of the source's
``meta.year`` (else to 1 January 1980, the customary fixed date of reproducible builds).
The PDFs themselves carry no CreationDate/ModDate (render.to_pdf), so that date is the only one.
"""

from __future__ import annotations

import calendar
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..errors import BuildError

if TYPE_CHECKING:  # the model imports pydantic; a no-change build computes its key without it
    from ..source.model import Charter

VARIABLE = "SOURCE_DATE_EPOCH"
FALLBACK_YEAR = 1980
"""The year of the date used when neither the environment nor the source gives one."""
FONT_EPOCH_MIN = -2082844800
"""1 January 1904: a TrueType ``head`` date cannot be earlier."""


def from_environment() -> int | None:
    """Return ``SOURCE_DATE_EPOCH`` from the environment; a value that is not whole seconds is an error."""
    value = os.environ.get(VARIABLE)
    if value is None or value.strip() == "":
        return None
    try:
        epoch = int(value.strip())
    except ValueError:
        raise BuildError(
            f"{VARIABLE}={value!r}: must be whole seconds since 1970-01-01 (e.g. 1735689600)"
        ) from None
    if not FONT_EPOCH_MIN <= epoch <= 253402300799:  # 9999-12-31T23:59:59Z
        raise BuildError(f"{VARIABLE}={value!r}: must lie between the years 1904 and 9999")
    return epoch


def from_source(charter: Charter) -> int:
    """Return the date a source stands for: 1 January of its ``meta.year``, 00:00 UTC."""
    return calendar.timegm((charter.meta.year or FALLBACK_YEAR, 1, 1, 0, 0, 0))


def epoch_of(charter: Charter) -> int:
    """Return the build date of a charter: the environment's ``SOURCE_DATE_EPOCH``, else the source's."""
    given = from_environment()
    return from_source(charter) if given is None else given


@contextmanager
def source_date(charter: Charter) -> Iterator[int]:
    """Set ``SOURCE_DATE_EPOCH`` to the charter's date while its products are made; restore it after."""
    epoch = epoch_of(charter)
    before = os.environ.get(VARIABLE)
    os.environ[VARIABLE] = str(epoch)
    try:
        yield epoch
    finally:
        if before is None:
            os.environ.pop(VARIABLE, None)
        else:
            os.environ[VARIABLE] = before
