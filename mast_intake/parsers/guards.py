"""Checks a package or PDF must pass before a reader is allowed to look at it.

``check_ooxml`` reads every zip entry in bounded chunks before any XML parser sees the package:
real inflated sizes against the limits, no DTDs in any part a reader parses as XML (Word never
writes one, and a DTD is how entity-expansion bombs and external-entity reads get in), no text
run longer than libxml2 will take, and a main document part that the package's own
relationships point to. Parts nothing parses (Word for Mac's printer settings, whose binary
plist says ``<!DOCTYPE plist``; an SVG logo with a DOCTYPE) are only size-checked: refusing
them would refuse a file the worker cannot fix by saving again. The two parts this module
parses itself go through ``defusedxml`` with DTDs forbidden.

``pdf_precheck`` opens a PDF with pdfminer and settles, before the form reader runs, the cases
the reader should not have to: passwords, damage, too many pages (counted while walking the
page tree, never taken from /Count), no pages, and no text layer at all.

Both raise ParseRejected and only ever put fixed words or exception type names in ``detail``.
Neither follows a relationship or link out of the file: external targets (a remote template,
a linked image) are never resolved, fetched or opened.
"""

from __future__ import annotations

import io
import posixpath
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote

import defusedxml
import defusedxml.ElementTree as SafeElementTree

from mast_intake.config.settings import ParseLimits
from mast_intake.parsers import zipsafe
from mast_intake.parsers.rejections import ParseRejected

if TYPE_CHECKING:  # pdfminer is imported when a PDF is checked, not when this module loads
    from pdfminer.pdfcolor import PDFColorSpace
    from pdfminer.pdfdevice import PDFDevice, PDFTextSeq
    from pdfminer.pdfinterp import PDFGraphicState, PDFResourceManager, PDFTextState

_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_OVERLAP = max(len(marker) for marker in _DTD_MARKERS) - 1
_VBA_REL = b"relationships/vbaproject"
_STRICT = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
# libxml2 refuses a text node or attribute value longer than this without XML_PARSE_HUGE;
# a longer run without any '<' is reported as over our limits rather than as damage.
MAX_TEXT_RUN = 10_000_000
_XML_SUFFIXES = (".xml", ".rels", ".vml")

_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
}


@dataclass(frozen=True)
class PackageFacts:
    """What the OOXML guard learned: the main part (its name and its vetted bytes, for the
    reader) and whether it uses ISO Strict."""

    main_part: str
    strict: bool
    entries: int
    uncompressed_bytes: int
    main_xml: bytes = field(default=b"", repr=False)


@dataclass
class _Scan:
    """Running state while one entry's bytes stream past."""

    is_xml: bool
    tail: bytes = b""
    run: int = 0
    strict: bool = False
    vba: bool = False

    def feed(self, chunk: bytes) -> None:
        if not self.is_xml:
            return
        window = self.tail + chunk
        if any(marker in window for marker in _DTD_MARKERS):
            raise ParseRejected("limits_exceeded", "xml: DTD declaration in package")
        self.strict = self.strict or _STRICT in window
        self.vba = self.vba or _VBA_REL in window.lower()
        self._track_run(chunk)
        self.tail = window[-_OVERLAP:]

    def _track_run(self, chunk: bytes) -> None:
        # Only the gaps that span chunk boundaries can reach MAX_TEXT_RUN, because a chunk is far
        # smaller than the limit; so the first and last '<' of each chunk are all that matter.
        first = chunk.find(b"<")
        if first < 0:
            self.run += len(chunk)
        else:
            self.run += first
            if self.run > MAX_TEXT_RUN:
                raise ParseRejected("limits_exceeded", "xml: text run too long")
            self.run = len(chunk) - chunk.rfind(b"<") - 1
        if self.run > MAX_TEXT_RUN:
            raise ParseRejected("limits_exceeded", "xml: text run too long")


def check_ooxml(data: bytes, limits: ParseLimits) -> PackageFacts:
    """Vet a Word package held in memory before any reader parses it.

    Raises ParseRejected: ``limits_exceeded`` (too many entries, an entry or the total too large
    once inflated, a DTD/ENTITY declaration, an over-long text run), ``macro_enabled`` (a VBA
    project relationship), ``corrupt`` (damaged zip or missing/unresolvable main part),
    ``encrypted`` (zip-level encryption). ISO Strict packages are reported in the result, not
    rejected here; the reader decides what to do with them.
    """
    package = zipsafe.open_package(data, limits)
    parsed_as_xml = _xml_parts(package, limits)
    total = 0
    strict_parts: set[str] = set()
    for info in package.infolist():
        if info.is_dir():
            continue
        scan = _Scan(is_xml=parsed_as_xml(info.filename))
        for chunk in zipsafe.iter_entry(package, info, limits.max_part_bytes):
            total += len(chunk)
            if total > limits.max_total_uncompressed_bytes:
                raise ParseRejected("limits_exceeded", "zip: package too large when inflated")
            scan.feed(chunk)
        if scan.vba:
            raise ParseRejected("macro_enabled", "vba project relationship")
        if scan.strict:
            strict_parts.add(info.filename)
    main_part, strict_rel = _main_part(package, limits)
    # Strict is judged on the main part's namespace only, so a transitional document that merely
    # mentions the Strict namespace in its text is not misread as Strict.
    strict = strict_rel or main_part in strict_parts
    main_xml = zipsafe.read_entry(package, main_part, limits.max_part_bytes) or b""
    return PackageFacts(main_part, strict, len(package.infolist()), total, main_xml)


def _safe_xml(data: bytes, what: str) -> ElementTree.Element:
    """Parse a small package part with DTDs and entities refused."""
    try:
        return SafeElementTree.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise ParseRejected("limits_exceeded", f"xml: DTD declaration in {what}") from exc
    except ElementTree.ParseError as exc:
        raise ParseRejected("corrupt", f"{what} are not well-formed") from exc


def _xml_parts(package: zipfile.ZipFile, limits: ParseLimits) -> Callable[[str], bool]:
    """Which entries a reader parses as XML: by the package's content types, else by suffix.

    Images are never parsed, whatever their type says (an SVG is XML but only ever a blob).
    """
    content_types = zipsafe.read_entry(package, "[Content_Types].xml", limits.max_part_bytes)
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    if content_types is not None:
        for element in _safe_xml(content_types, "content types"):
            tag = element.tag.rsplit("}", 1)[-1]
            kind = element.get("ContentType", "").casefold()
            if tag == "Default":
                defaults[element.get("Extension", "").casefold()] = kind
            elif tag == "Override":
                overrides[element.get("PartName", "").lstrip("/").casefold()] = kind

    def parsed_as_xml(name: str) -> bool:
        folded = name.casefold()
        if folded == "[content_types].xml":
            return True
        kind = overrides.get(folded) or defaults.get(folded.rpartition(".")[2] if "." in folded else "")
        if kind and kind.startswith("image/"):
            return False
        return folded.endswith(_XML_SUFFIXES) or bool(kind and kind.endswith("xml"))

    return parsed_as_xml


def _main_part(package: zipfile.ZipFile, limits: ParseLimits) -> tuple[str, bool]:
    """The main document part named by the package relationships, and whether that is Strict."""
    rels = zipsafe.read_entry(package, "_rels/.rels", limits.max_part_bytes)
    if rels is None:
        raise ParseRejected("corrupt", "package has no relationships part")
    root = _safe_xml(rels, "package relationships")
    for rel in root.iter(f"{_REL_NS}Relationship"):
        rel_type = rel.get("Type", "")
        if rel_type not in _OFFICE_DOCUMENT:
            continue
        if rel.get("TargetMode", "Internal") != "Internal":
            # The main document is elsewhere (a URL or a file share). Never follow it.
            raise ParseRejected("corrupt", "main document is an external target")
        name = _part_name(rel.get("Target", ""))
        if name is None or name not in package.NameToInfo:
            raise ParseRejected("corrupt", "main document part missing")
        return name, rel_type.startswith("http://purl.oclc.org/")
    raise ParseRejected("corrupt", "no main document relationship")


def _part_name(target: str) -> str | None:
    """The zip entry name for a package-relative target, or None if it leaves the package."""
    # Relationships in _rels/.rels are relative to the package root.
    path = posixpath.normpath("/" + unquote(target).lstrip("/"))
    if path in ("/", "") or path.startswith("//"):
        return None
    return path.lstrip("/")


# --- PDF -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfFacts:
    """What the PDF pre-check learned."""

    pages: int
    encrypted: bool


class _FoundText(Exception):
    """Raised by the probe device at the first glyph drawn; ends the text search early."""


def _probe_device(resource_manager: PDFResourceManager) -> PDFDevice:
    from pdfminer.pdfdevice import PDFDevice

    class TextProbe(PDFDevice):
        """A device that renders nothing and stops at the first shown string."""

        def render_string(self, textstate: PDFTextState, seq: PDFTextSeq, ncs: PDFColorSpace,
                          graphicstate: PDFGraphicState) -> None:
            if any(isinstance(item, bytes) and item for item in seq):
                raise _FoundText

    return TextProbe(resource_manager)


def pdf_precheck(data: bytes, limits: ParseLimits) -> PdfFacts:
    """Vet a PDF before the form reader runs; returns its page count and encryption flag.

    Raises ParseRejected: ``encrypted`` (a password is needed, or the file is encrypted and
    shows no text, which is how a wrong empty password looks), ``corrupt`` (syntax errors,
    truncation, no pages at all), ``limits_exceeded`` (more than ``limits.max_pages`` pages,
    counted while walking the page tree), ``scanned`` (pages but no text on any of them).

    Looking for text stops at the first glyph, so a text PDF costs one page's interpretation.
    MemoryError and RecursionError are left to propagate: the sandbox reports those as
    ``limits_exceeded``.
    """
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    pages = 0
    found_text = False
    encrypted = False
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        encrypted = document.encryption is not None
        resources = PDFResourceManager(caching=True)
        interpreter = PDFPageInterpreter(resources, _probe_device(resources))
        for page in PDFPage.create_pages(document):
            pages += 1
            if pages > limits.max_pages:
                raise ParseRejected("limits_exceeded", "pdf: too many pages")
            if not found_text:
                try:
                    interpreter.process_page(page)
                except _FoundText:
                    found_text = True
    except ParseRejected:
        raise
    except PDFPasswordIncorrect as exc:
        raise ParseRejected("encrypted", "pdf: password required") from exc
    except PDFEncryptionError as exc:
        raise ParseRejected("encrypted", f"pdf: {type(exc).__name__}") from exc
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # pdfminer raises a wide range of types on damaged files
        raise ParseRejected("corrupt", f"pdf: {type(exc).__name__}") from exc
    if pages == 0:
        raise ParseRejected("corrupt", "pdf: no pages")
    if not found_text:
        if encrypted:
            raise ParseRejected("encrypted", "pdf: encrypted and no readable text")
        raise ParseRejected("scanned", "pdf: no text layer")
    return PdfFacts(pages, encrypted)
