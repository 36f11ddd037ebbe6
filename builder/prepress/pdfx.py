"""PDF/X-4 for the print-shop PDFs: the FOGRA39 output intent, the X-4 keys, reproducible bytes.

WeasyPrint 70 writes the PDF/X-4 skeleton (``pdf_variant="pdf/x-4"``: PDF 1.6, ``Trapped
/False``, the XMP packet with ``pdfxid:GTS_PDFXVersion``, a file identifier). This module
adds what it leaves out or makes random:

- **The output intent.** WeasyPrint would take one from an ``@color-profile device-cmyk``
  rule, but names the condition after the profile's description and gives no registry; and
  a rule in the layouts would have to survive every project's own CSS. So the finisher
  writes the intent itself: ``/S /GTS_PDFX``, ``OutputConditionIdentifier (FOGRA39)``,
  ``RegistryName (http://www.color.org)``, ``OutputCondition`` and ``Info`` in words, and
  ``DestOutputProfile`` = ``assets/icc/FOGRA39L-coated.icc`` (CMYK, N 4; built from colord's
  CC0 FOGRA39L data, see ``assets/icc/README.md``). A project's ``assets/icc/`` of that name
  wins, as for every asset.
- **RGB stays calibrated.** ``printcolour.finish`` declares DefaultRGB as sRGB in every
  resource dictionary: PDF/X-4 accepts device RGB where a DefaultRGB space defines it.
- **No annotations.** PDF/X forbids annotations inside the BleedBox (a link is one), and a
  printed page has no use for them: the pages' ``/Annots`` go, and with them the named
  destinations only links used (the outline keeps its own destinations).
- **The dates and the IDs.** PDF/X wants CreationDate, ModDate and the XMP dates: they are
  the build's one date (``SOURCE_DATE_EPOCH``, set per charter by ``reproducible``).
  ``xmpMM:DocumentID`` WeasyPrint draws at random (``uuid4``); here it is written as a
  placeholder, and ``seal`` replaces it, once the PDF is written, with a UUID derived from
  the SHA-256 of the written bytes: same inputs, same bytes; other content, another ID.
  The trailer's file identifier is an MD5 of the objects (with the placeholder), so it is
  as reproducible.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
import uuid
from functools import lru_cache

import pydyf

from .. import project
from ..output.reproducible import FALLBACK_YEAR, VARIABLE
from . import printcolour
from .pdf import finisher_pages

VARIANT = "pdf/x-4"
VERSION = "PDF/X-4"
PROFILE = ("assets", "icc", "FOGRA39L-coated.icc")
CONDITION = "FOGRA39"
"""The characterised printing condition's reference name in the ICC registry."""
REGISTRY = "http://www.color.org"
CONDITION_TEXT = "Offset printing on coated paper (paper type 1/2), ISO 12647-2:2004/Amd 1, FOGRA39"
PLACEHOLDER = b"xmp.did:00000000-0000-0000-0000-000000000000"
_RANDOM_ID = re.compile(rb"xmp\.did:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@lru_cache(maxsize=4)
def _profile_bytes(path: str) -> bytes:
    return open(path, "rb").read()


def profile() -> bytes:
    """Return the output-intent profile's bytes (the project's own file wins)."""
    return _profile_bytes(str(project.find(*PROFILE)))


def build_date() -> str:
    """Return the build's one date as W3C date-time: ``SOURCE_DATE_EPOCH``, else 1 January 1980."""
    value = os.environ.get(VARIABLE, "").strip()
    if value.lstrip("-").isdigit():
        moment = datetime.datetime.fromtimestamp(int(value), datetime.timezone.utc)
    else:
        moment = datetime.datetime(FALLBACK_YEAR, 1, 1, tzinfo=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def prepare(document: object) -> None:
    """Set the document's dates to the build date (WeasyPrint would stamp the clock's)."""
    date = build_date()
    document.metadata.created = date
    document.metadata.modified = date


def finish(document: object, pdf: pydyf.PDF) -> None:
    """WeasyPrint finisher of a print PDF: sRGB defaults, output intent, no annotations, fixed ID."""
    printcolour.finish(document, pdf)
    stream = pydyf.Stream([profile()], pydyf.Dictionary({"N": 4}), compress=True)
    pdf.add_object(stream)
    intent = pydyf.Dictionary(
        {
            "Type": "/OutputIntent",
            "S": "/GTS_PDFX",
            "OutputConditionIdentifier": pydyf.String(CONDITION),
            "RegistryName": pydyf.String(REGISTRY),
            "OutputCondition": pydyf.String(CONDITION_TEXT),
            "Info": pydyf.String(CONDITION_TEXT),
            "DestOutputProfile": stream.reference,
        }
    )
    pdf.catalog["OutputIntents"] = pydyf.Array([intent])
    pdf.info["GTS_PDFXVersion"] = pydyf.String(VERSION)
    for page in finisher_pages(pdf):
        page.pop("Annots", None)
    names = pdf.catalog.get("Names")
    if isinstance(names, dict):
        names.pop("Dests", None)
        if not names:
            del pdf.catalog["Names"]
    metadata = _metadata(pdf)
    if metadata is not None:
        metadata.stream = [_RANDOM_ID.sub(PLACEHOLDER, b"".join(metadata.stream))]


def _metadata(pdf: pydyf.PDF) -> pydyf.Stream | None:
    reference = pdf.catalog.get("Metadata")
    if isinstance(reference, bytes) and (match := re.fullmatch(rb"(\d+) 0 R", reference)):
        return pdf.objects[int(match.group(1))]
    return None


def unsealed(xmp: bytes) -> bytes:
    """Return an XMP packet with the placeholder DocumentID again: for a file made of a sealed
    file's pages and others (the onboarding booklets), sealed once it is written."""
    return _RANDOM_ID.sub(PLACEHOLDER, xmp)


def document_id(data: bytes) -> bytes:
    """Return the XMP DocumentID of a written PDF: a UUID from the SHA-256 of its bytes."""
    digest = hashlib.sha256(data).digest()
    return b"xmp.did:" + str(uuid.UUID(bytes=digest[:16], version=5)).encode("ascii")


def seal(data: bytes) -> bytes:
    """Replace the placeholder DocumentID of a written print PDF by one derived from its bytes.

    The two have the same length, so every offset (xref) stays right.
    """
    if data.count(PLACEHOLDER) != 1:
        return data
    return data.replace(PLACEHOLDER, document_id(data))
