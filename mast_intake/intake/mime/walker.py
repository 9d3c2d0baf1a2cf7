"""The one attachment walker: every mailbox adapter hands over RFC 5322 bytes, and this finds
each file that could be a risk tool, in every shape real mail clients send.

Shapes handled: nested multipart of any kind (mixed inside mixed, alternative holding mixed,
files inside related), message/rfc822 in any transfer encoding and attached ``.eml`` files
(forwards; Exchange also exports item attachments this way), S/MIME signed mail in both forms,
TNEF ``winmail.dat``, attached Outlook ``.msg``, nameless or octet-stream parts whose bytes are
a Word or PDF file, a single-part message that is itself the attachment, and uuencoded bodies.
Zip archives and S/MIME-encrypted mail are refused with their own reasons; files over the caps
are named, not dropped silently.

The walk is iterative with a depth and a part budget, so no structure can exhaust the stack.
"""

from __future__ import annotations

import base64
import contextlib
import email
import email.header
import email.policy
import email.utils
import hashlib
import logging
import quopri
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message

from mast_intake.intake.mime import containers, smime

log = logging.getLogger(__name__)

MAX_DEPTH = 12
MAX_PARTS = 2000
# What the files found may add up to: the walk's answer must fit back through the sandbox pipe.
MAX_TOTAL_BYTES = 48 * 1024 * 1024

# Attachments worth reading by name or declared type; the bytes decide what they really are.
WANTED_SUFFIXES = (".docx", ".docm", ".doc", ".pdf", ".dotx", ".dotm", ".dot", ".rtf")
WANTED_TYPES = (
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
    "application/vnd.ms-word.document.macroenabled.12",
)
_OOXML_WORD_MARK = b"word/"


@dataclass(frozen=True)
class Attachment:
    """A file found in the email, with where it was found (e.g. "rfc822/tnef")."""

    file_name: str
    data: bytes
    via: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Refused:
    """A file (or the whole email) not read, with a rejection reason code."""

    file_name: str
    reason: str


@dataclass
class Discovery:
    """What the walk found."""

    attachments: list[Attachment] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    signature: str = "none"  # "none", smime.VERIFIED or smime.NOT_VERIFIED
    truncated: bool = False  # a depth or part budget was reached
    damaged: int = 0  # containers that could not be opened


def parse_bytes(raw: bytes) -> Message:
    """Parse MIME with the lenient compat32 policy (no structured header parsing to raise)."""
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def discover(message: Message, max_attachments: int, max_bytes: int) -> Discovery:
    """Walk ``message`` and everything inside it; never raises for any structure."""
    walk = _Walk(max_attachments, max_bytes)
    walk.run(message)
    return walk.found


class _Walk:
    def __init__(self, max_attachments: int, max_bytes: int) -> None:
        self.max_attachments = max_attachments
        self.max_bytes = max_bytes
        self.found = Discovery()
        self.parts = 0
        self.total = 0
        self.stack: list[tuple[Message, int, str]] = []

    def run(self, root: Message) -> None:
        self.stack.append((root, 0, ""))
        while self.stack:
            entity, depth, via = self.stack.pop()
            self.parts += 1
            if depth > MAX_DEPTH or self.parts > MAX_PARTS:
                self.found.truncated = True
                continue
            try:
                self.entity(entity, depth, via)
            except Exception as exc:  # one odd part never stops the walk
                self.found.damaged += 1
                log.info("mime part skipped", extra={"error": type(exc).__name__})

    def push(self, entity: Message, depth: int, via: str) -> None:
        self.stack.append((entity, depth, via))

    def push_children(self, children: list[Message], depth: int, via: str) -> None:
        # Reversed so the stack pops them in document order.
        for child in reversed(children):
            if isinstance(child, Message):
                self.push(child, depth + 1, via)

    def entity(self, part: Message, depth: int, via: str) -> None:
        ctype = _content_type(part)
        if ctype == "multipart/signed":
            self.signed(part, depth, via)
            return
        if ctype == "message/rfc822" and _encoding(part) in ("base64", "quoted-printable"):
            # Not allowed by RFC 2046, but sent: the parser took the encoded text as a message.
            data = _decoded(_reencoded(part), _encoding(part))
            self.push(parse_bytes(data), depth + 1, _join(via, "rfc822"))
            return
        if part.is_multipart():
            payload = part.get_payload()
            children = [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []
            self.push_children(children, depth, _join(via, "rfc822") if ctype.startswith("message/") else via)
            return
        self.leaf(part, ctype, depth, via)

    def signed(self, part: Message, depth: int, via: str) -> None:
        payload = part.get_payload()
        children = [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []
        if not children:
            return
        # The content is walked whatever becomes of the signature check.
        self.push(children[0], depth + 1, _join(via, "signed"))
        self.note_signature(_detached_verdict(part, children))

    def note_signature(self, verdict: str) -> None:
        if self.found.signature != smime.NOT_VERIFIED:
            self.found.signature = verdict

    def leaf(self, part: Message, ctype: str, depth: int, via: str) -> None:
        name = _file_name(part)
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            data = b""
        lowered = name.lower()
        if ctype in smime.PKCS7_MIME_TYPES or lowered.endswith(".p7m"):
            self.pkcs7(name, data, depth, via)
            return
        if ctype in smime.SIGNATURE_TYPES or lowered.endswith((".p7s", ".p7c")):
            return
        if containers.is_tnef(ctype, name, data):
            self.inner(containers.open_tnef, data, depth, _join(via, "tnef"))
            return
        if ctype.startswith("message/") or lowered.endswith(".eml"):
            self.push(parse_bytes(data), depth + 1, _join(via, "rfc822"))
            return
        if containers.is_msg(ctype, name, data):
            self.inner(containers.open_msg, data, depth, _join(via, "msg"))
            return
        if ctype.startswith("text/") and not (name and lowered.endswith(WANTED_SUFFIXES)):
            if b"begin " in data:
                for inner in containers.uudecoded(data):
                    self.consider(inner.file_name, inner.data, "", _join(via, "uuencode"))
            return
        self.consider(name, data, ctype, via)

    def pkcs7(self, name: str, data: bytes, depth: int, via: str) -> None:
        try:
            opened = smime.open_pkcs7(data)
        except smime.EncryptedMail:
            self.found.refused.append(Refused("your email", "encrypted_email"))
            return
        self.note_signature(opened.signature)
        self.push(parse_bytes(opened.content), depth + 1, _join(via, "signed"))

    def inner(self, opener: Callable[[bytes], list[containers.Inner]], data: bytes, depth: int,
              via: str) -> None:
        try:
            files = opener(data)
        except containers.ContainerError as exc:
            self.found.damaged += 1
            log.info("container not opened", extra={"error": str(exc)})
            return
        for inner in files:
            lowered = inner.file_name.lower()
            if lowered.endswith(".eml"):
                self.push(parse_bytes(inner.data), depth + 1, _join(via, "rfc822"))
            elif depth < MAX_DEPTH and containers.is_msg("", lowered, inner.data):
                self.inner(containers.open_msg, inner.data, depth + 1, _join(via, "msg"))
            else:
                self.consider(inner.file_name, inner.data, "", via)

    def consider(self, name: str, data: bytes, ctype: str, via: str) -> None:
        """Keep the file if its name, type or bytes say it may be a risk tool."""
        lowered = name.lower()
        if containers.is_archive(ctype, name, data):
            self.found.refused.append(Refused(_clean_name(name) or "archive.zip", "archive"))
            return
        by_name = lowered.endswith(WANTED_SUFFIXES) or ctype in WANTED_TYPES
        if not by_name and not _looks_like_document(data):
            return
        name = _clean_name(name) or _default_name(data)
        if len(data) > self.max_bytes or self.total + len(data) > MAX_TOTAL_BYTES:
            self.found.refused.append(Refused(name, "too_large"))
            return
        if len(self.found.attachments) >= self.max_attachments:
            self.found.refused.append(Refused(name, "over_cap"))
            return
        self.total += len(data)
        self.found.attachments.append(Attachment(name, data, via))


def _detached_verdict(part: Message, children: list) -> str:
    """Whether a multipart/signed entity's detached signature verifies over its content."""
    try:
        signature = next((c for c in children[1:] if _content_type(c) in smime.SIGNATURE_TYPES), None)
        boundary = part.get_boundary()
        if signature is None or not boundary:
            return smime.NOT_VERIFIED  # PGP, or a signature we cannot find
        content = smime.signed_content_bytes(part.as_bytes(), boundary)
        if content is None:
            return smime.NOT_VERIFIED
        return smime.verify_detached(content, signature.get_payload(decode=True) or b"")
    except Exception:  # re-serialising a damaged entity: not verified, never an error
        return smime.NOT_VERIFIED


def _looks_like_document(data: bytes) -> bool:
    """True for bytes that are a PDF, a Word package or a Word 97-2003 file."""
    head = data[:1024]
    if b"%PDF-" in head:
        return True
    if data.startswith(b"PK\x03\x04"):
        return _OOXML_WORD_MARK in data[:65536] or b"[Content_Types].xml" in data[:65536]
    if data.startswith(containers.olefile.MAGIC):
        return "WordDocument".encode("utf-16-le") in data[:1 << 20]
    return False


def _default_name(data: bytes) -> str:
    if b"%PDF-" in data[:1024]:
        return "attachment.pdf"
    return "attachment.docx" if data.startswith(b"PK") else "attachment.doc"


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type().lower()
    except Exception:
        return "application/octet-stream"


def _encoding(part: Message) -> str:
    try:
        return str(part.get("Content-Transfer-Encoding", "") or "").strip().lower()
    except Exception:
        return ""


def _file_name(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # a bare or broken RFC 2231 parameter
        name = ""
    if not name:
        try:
            name = str(part.get_param("name") or "")
        except Exception:
            name = ""
    if isinstance(name, tuple):
        name = email.utils.collapse_rfc2231_value(name)
    with contextlib.suppress(Exception):
        name = str(email.header.make_header(email.header.decode_header(name)))
    return _clean_name(name)


def _clean_name(name: str) -> str:
    """A file name as the database and replies may hold it: printable, no NUL, 255 at most."""
    return "".join(ch for ch in name if ch.isprintable()).strip()[:255]


def _reencoded(part: Message) -> bytes:
    """The body of a message/* part as it was sent, before the parser took it apart."""
    payload = part.get_payload()
    if isinstance(payload, list) and payload:
        inner = payload[0]
        text = inner.as_string() if isinstance(inner, Message) else str(inner)
    else:
        text = str(payload or "")
    return text.encode("ascii", "ignore")


def _decoded(data: bytes, encoding: str) -> bytes:
    if encoding == "base64":
        return base64.b64decode(b"".join(data.split()), validate=False)
    return quopri.decodestring(data)


def _join(via: str, step: str) -> str:
    return f"{via}/{step}" if via and step else (step or via)


def discover_raw(raw: bytes, max_attachments: int, max_bytes: int) -> tuple:
    """``discover`` on raw bytes, answered in plain tuples so it can cross the sandbox."""
    found = discover(parse_bytes(raw), max_attachments, max_bytes)
    return ([(a.file_name, a.data, a.via) for a in found.attachments],
            [(r.file_name, r.reason) for r in found.refused],
            found.signature, found.truncated, found.damaged)


def from_raw_result(result: tuple) -> Discovery:
    """The Discovery that ``discover_raw`` described."""
    attachments, refused, signature, truncated, damaged = result
    return Discovery([Attachment(*a) for a in attachments], [Refused(*r) for r in refused],
                     signature, truncated, damaged)
