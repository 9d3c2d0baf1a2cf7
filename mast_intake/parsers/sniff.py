"""Decide what a file is from its bytes, never from its name or the sender's MIME type.

Two steps. ``magic`` looks only at the first bytes and is safe to call anywhere. ``sniff`` goes
further (opens the zip directory or the OLE compound file) and is meant to run inside the
isolated parse child, because it touches attacker-controlled structure.

Empty files: a 0-byte attachment is always ``Kind.EMPTY``, which the registry rejects as
``corrupt``: it is nearly always a failed save or a broken upload, and "send a fresh copy" is
the advice that helps, whereas "we only read Word or PDF" would confuse someone who did send one.
"""

from __future__ import annotations

import io
from enum import StrEnum

import olefile

from mast_intake.config.settings import ParseLimits
from mast_intake.parsers import zipsafe
from mast_intake.parsers.rejections import ParseRejected

PDF_MAGIC = b"%PDF-"
PDF_WINDOW = 1024  # Acrobat accepts the header anywhere in the first KiB, so we do too
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or an empty archive
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

WORD_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_TEMPLATE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
MACRO_CONTENT_TYPES = (
    b"application/vnd.ms-word.document.macroenabled.main+xml",
    b"application/vnd.ms-word.template.macroenabledtemplate.main+xml",
    b"application/vnd.ms-office.vbaproject",
)
# Any of these in the content types makes a package a Word one (document, template, macro).
WORD_PACKAGE_MARKS = (b"wordprocessingml", b"application/vnd.ms-word.")
# Only the content-types part is read here, and it is small in every real package.
_CONTENT_TYPES_LIMIT = 1024 * 1024
_FIB_ENCRYPTED = 0x0100  # FibBase.fEncrypted, bit 8 of the flags word at offset 0x0A
_FIB_MAGIC = 0xA5EC
_FIB_MAGIC_WORD6 = 0xA5DC  # Word 6.0 and Word 95: older than anything the converter is trusted with


class Magic(StrEnum):
    """What the first bytes say."""

    PDF = "pdf"
    ZIP = "zip"
    OLE = "ole"
    EMPTY = "empty"
    OTHER = "other"


class Kind(StrEnum):
    """What the file is, as far as choosing a reader goes."""

    PDF = "pdf"
    DOCX = "docx"
    DOCM = "docm"  # macro-enabled Word package (or a template), whatever its name says
    DOC = "doc"  # Word 97-2003 binary document
    DOC_MACRO = "doc_macro"  # Word 97-2003 document carrying a VBA project
    ENCRYPTED = "encrypted"  # password-protected OOXML (OLE wrapper) or encrypted .doc
    NOT_WORD = "not_word"  # a zip or OLE file that is not a Word document (xlsx, xls, odt, ...)
    EMPTY = "empty"
    OTHER = "other"  # HTML, RTF, images, plain text, ...


def magic(data: bytes) -> Magic:
    """Classify ``data`` by its leading bytes alone; cheap, total and safe on any input."""
    if not data:
        return Magic.EMPTY
    # Offset-0 signatures first: a legacy .doc may carry an embedded zip, and a zip may carry a
    # PDF inside its first KiB, but the container is whatever starts the file.
    if data.startswith(OLE_MAGIC):
        return Magic.OLE
    if data.startswith(ZIP_MAGIC):
        return Magic.ZIP
    if PDF_MAGIC in data[:PDF_WINDOW]:
        return Magic.PDF
    return Magic.OTHER


def sniff(data: bytes, limits: ParseLimits) -> Kind:
    """The kind of file ``data`` is, looking inside zip and OLE containers.

    Raises ParseRejected when the container itself is damaged (``corrupt``) or over the limits
    (``limits_exceeded``) before its kind can be told.
    """
    found = magic(data)
    if found is Magic.EMPTY:
        return Kind.EMPTY
    if found is Magic.PDF:
        return Kind.PDF
    if found is Magic.ZIP:
        return classify_zip(data, limits)
    if found is Magic.OLE:
        return classify_ole(data)
    return Kind.OTHER


def classify_zip(data: bytes, limits: ParseLimits) -> Kind:
    """DOCX, DOCM or NOT_WORD for a zip, from its entry names and content types only."""
    package = zipsafe.open_package(data, limits)
    names = [info.filename for info in package.infolist()]
    content_types = zipsafe.read_entry(
        package, "[Content_Types].xml", min(_CONTENT_TYPES_LIMIT, limits.max_part_bytes)
    )
    # A byte search, not an XML parse: nothing has vetted this part for DTDs yet. Content types
    # are case-insensitive (RFC 2045), so compare folded.
    folded = (content_types or b"").lower()
    if content_types is not None and not any(word in folded for word in WORD_PACKAGE_MARKS):
        # A spreadsheet or presentation (.xlsm, .xlsb, .pptx ...), with or without macros: the
        # worker is told we read Word or PDF, not advice about a "Word file" they never sent.
        return Kind.NOT_WORD
    if any(name.casefold().rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
        return Kind.DOCM
    if content_types is None:
        return Kind.NOT_WORD
    if any(macro in folded for macro in MACRO_CONTENT_TYPES):
        return Kind.DOCM
    if WORD_MAIN in folded or WORD_TEMPLATE in folded:
        return Kind.DOCX
    return Kind.NOT_WORD


def classify_ole(data: bytes) -> Kind:
    """ENCRYPTED, DOC, DOC_MACRO or NOT_WORD for an OLE compound file.

    A password-protected .docx is an OLE file holding EncryptionInfo and EncryptedPackage
    streams; a legacy .doc holds a WordDocument stream whose FIB says whether it is encrypted.
    """
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage"):
                return Kind.ENCRYPTED
            if not ole.exists("WordDocument"):
                return Kind.NOT_WORD
            with ole.openstream("WordDocument") as stream:
                fib = stream.read(12)
            has_macros = ole.exists("Macros") or ole.exists("_VBA_PROJECT_CUR")
    except ParseRejected:
        raise
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # olefile raises many types on damaged files
        raise ParseRejected("corrupt", f"ole: {type(exc).__name__}") from exc
    magic_number = int.from_bytes(fib[0:2], "little") if len(fib) >= 2 else None
    if magic_number == _FIB_MAGIC_WORD6:
        raise ParseRejected("legacy_doc", "ole: word 6/95 document")
    if len(fib) < 12 or magic_number != _FIB_MAGIC:
        raise ParseRejected("corrupt", "ole: WordDocument stream has no FIB")
    if int.from_bytes(fib[10:12], "little") & _FIB_ENCRYPTED:
        return Kind.ENCRYPTED
    return Kind.DOC_MACRO if has_macros else Kind.DOC
