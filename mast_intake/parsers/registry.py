"""Which reader handles which kind of file: one small table, consulted inside the parse child.

``READERS`` run in the sandboxed child, after their guard. ``REFUSALS`` are kinds we never read.
``CONVERTED`` kinds are handed back to the parent (``Handoff``), which converts them outside the
sandbox (LibreOffice is a process of its own with its own deadline) and sends the converted
bytes through the front door again as the kind named in the table.

The form readers are imported inside the reader functions, so this module imports without them
and the parent process never loads them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mast_intake.config.settings import ParseLimits
from mast_intake.models.assessment import Assessment
from mast_intake.parsers import guards
from mast_intake.parsers.rejections import ParseRejected
from mast_intake.parsers.sniff import Kind, sniff

Reader = Callable[[bytes, str, str, ParseLimits], Assessment]


@dataclass(frozen=True)
class Handoff:
    """The child's answer for a kind the parent must convert before it can be read."""

    kind: str


def read_docx(data: bytes, file_name: str, sha256: str, limits: ParseLimits) -> Assessment:
    """Guard the package, then read it with the Word form reader."""
    from mast_intake.parsers.word import parse_docx

    return parse_docx(data, file_name, sha256, limits)


def read_pdf(data: bytes, file_name: str, sha256: str, limits: ParseLimits) -> Assessment:
    """Pre-check the PDF (passwords, damage, pages, text layer), then read it as a form."""
    guards.pdf_precheck(data, limits)
    from mast_intake.parsers.pdf import parse_pdf

    return parse_pdf(data, file_name, sha256, max_pages=limits.max_pages)


READERS: dict[Kind, Reader] = {
    Kind.DOCX: read_docx,
    Kind.PDF: read_pdf,
}

REFUSALS: dict[Kind, tuple[str, str]] = {
    Kind.DOCM: ("macro_enabled", "macro-enabled word package"),
    Kind.DOC_MACRO: ("macro_enabled", "legacy word document with vba project"),
    Kind.ENCRYPTED: ("encrypted", "password-protected office file"),
    Kind.NOT_WORD: ("unsupported_type", "container is not a word document"),
    Kind.OTHER: ("unsupported_type", "not pdf, docx or doc by content"),
    Kind.EMPTY: ("corrupt", "empty file"),
}

# Kind to convert in the parent -> the kind the converted bytes must then sniff as.
CONVERTED: dict[Kind, Kind] = {
    Kind.DOC: Kind.DOCX,
}


def read_any(data: bytes, file_name: str, sha256: str, limits: ParseLimits,
             expect: str | None = None) -> Assessment | Handoff:
    """Sniff ``data`` and run the reader for its kind; meant to run inside the sandbox.

    ``expect`` is set when ``data`` is the output of a conversion: it must then be that kind,
    which also stops a conversion from ever being asked for twice. Raises ParseRejected.
    """
    kind = sniff(data, limits)
    if expect is not None and kind != expect:
        raise ParseRejected("corrupt", f"converted file sniffed as {kind.value}")
    if kind in REFUSALS:
        reason, detail = REFUSALS[kind]
        raise ParseRejected(reason, detail)
    if kind in CONVERTED:
        return Handoff(kind.value)
    return READERS[kind](data, file_name, sha256, limits)
