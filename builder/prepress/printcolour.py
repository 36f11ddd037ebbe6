"""Print colour: the print-shop and office-print PDFs declare their RGB as sRGB.

Running text in the print files is black ink only (``device-cmyk(0 0 0 1)`` in the layouts).
Everything else in colour (covers, bands, card fronts, a logo) is RGB, and bare DeviceRGB
leaves a print shop's RIP to guess what that RGB means. So every resource dictionary of a
print PDF (each page's, and each Form XObject's and tiling pattern's inside it, since the
imposed and office sheets place pages as forms) gets ``/ColorSpace << /DefaultRGB [/ICCBased
profile] >>``: PDF 1.7 §8.6.5.6 remaps DeviceRGB there (paths, text and images) to that
CIE-based space, which a shop converts to its own CMYK. The profile stream is written once
per PDF. The screen PDF stays plain RGB. There is no output intent: that waits for a CMYK
printing-condition profile whose licence lets us ship it.

The profile is the ICC's own sRGB profile (``sRGB2014.icc``, ICC v2, "may be copied,
distributed, embedded, made, used, and sold without restriction"), the file WeasyPrint ships
for its PDF/A output intent; a version 2 profile suits every PDF version from 1.3 (the files
pypdf writes) on. Should WeasyPrint no longer ship it, LittleCMS's built-in sRGB (Pillow's
``ImageCms``) stands in.

Two entry points, one per way a PDF is made: ``finish`` is WeasyPrint's finisher (it edits
the PDF in memory before it is written: no parsing, no cost), ``declare`` walks a pypdf
writer before it writes an imposed or marked PDF. Both keep the colour spaces a dictionary
already has (the registration colour of the marks).
"""

from __future__ import annotations

import logging
import re
import struct
from functools import lru_cache
from importlib.resources import files

import pydyf

from .pdf import Writer, finisher_pages, set_default_rgb

log = logging.getLogger(__name__)

PROFILE_FILE = "sRGB2014.icc"
"""The ICC's sRGB profile, as WeasyPrint ships it (``weasyprint/pdf/sRGB2014.icc``)."""
FALLBACK_DATE = struct.pack(">6H", 2024, 1, 1, 0, 0, 0)
"""The creation date written into the stand-in profile's header (ICC dateTimeNumber)."""
DEFAULT_RGB = "DefaultRGB"
_REFERENCE = re.compile(rb"(\d+) (\d+) R")


@lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    """Return the sRGB ICC profile's bytes (read once per process)."""
    try:
        return (files("weasyprint.pdf") / PROFILE_FILE).read_bytes()
    except (OSError, ModuleNotFoundError):
        from PIL import ImageCms

        log.debug("weasyprint/pdf/%s missing: LittleCMS's sRGB declares print colour", PROFILE_FILE)
        made = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
        made[24:36] = FALLBACK_DATE  # LittleCMS stamps the current time: same build, same bytes
        return bytes(made)


# --- WeasyPrint: the PDF in memory (pydyf) --------------------------------------------------


def finish(document: object, pdf: pydyf.PDF) -> None:
    """Declare DeviceRGB as sRGB in every resource dictionary of a PDF WeasyPrint is writing.

    WeasyPrint's finisher (``Document.write_pdf(finisher=…)``). WeasyPrint gives all pages,
    forms and patterns one shared ColorSpace dictionary; the walk does not rely on that.
    """
    profile = pydyf.Stream([srgb_profile()], pydyf.Dictionary({"N": 3}), compress=True)
    pdf.add_object(profile)
    space = pydyf.Array(("/ICCBased", profile.reference))
    seen: set[int] = set()
    for page in finisher_pages(pdf):
        _declare_pydyf(pdf, page, space, seen)


def _declare_pydyf(pdf: pydyf.PDF, owner: dict, space: pydyf.Array, seen: set[int]) -> None:
    """Declare DefaultRGB in ``owner``'s resources (a page's, or a form's or pattern's extra)."""
    resources = _resolve(pdf, owner.get("Resources"))
    if resources is None:
        resources = owner["Resources"] = pydyf.Dictionary()
    if id(resources) in seen:
        return
    seen.add(id(resources))
    spaces = _resolve(pdf, resources.get("ColorSpace"))
    if spaces is None:
        spaces = resources["ColorSpace"] = pydyf.Dictionary()
    spaces[DEFAULT_RGB] = space
    for key in ("XObject", "Pattern"):
        for value in (_resolve(pdf, resources.get(key)) or {}).values():
            inner = _resolve(pdf, value)
            extra = getattr(inner, "extra", None)
            if extra is not None and "Resources" in extra and extra.get("Subtype") != "/Image":
                _declare_pydyf(pdf, extra, space, seen)


def _resolve(pdf: pydyf.PDF, value: object) -> object:
    """Return the object a pydyf reference (``b'12 0 R'``) names, or ``value`` itself."""
    if isinstance(value, bytes) and (match := _REFERENCE.fullmatch(value)):
        return pdf.objects[int(match.group(1))]
    return value


# --- pypdf: a PDF being composed (imposed sheets, office sheets, crop marks) ----------------


def declare(writer: Writer) -> None:
    """Declare DeviceRGB as sRGB in every resource dictionary of ``writer``'s pages and forms.

    Pages placed as forms from a PDF made by ``finish`` bring its profile along: that one is
    used for the rest (the profile stays once in the file); otherwise one is added. The walk
    itself is ``pdf.set_default_rgb`` (pypdf writing lives in ``pdf.py``).
    """
    set_default_rgb(writer, "/" + DEFAULT_RGB, srgb_profile)
