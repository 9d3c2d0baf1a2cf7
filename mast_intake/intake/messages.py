"""What an incoming email says about itself: who sent it, may they submit, what it carries."""

from __future__ import annotations

import email
import email.policy
import email.utils
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage

# Attachments worth reading: Word and PDF by name or declared type. The bytes decide what they
# really are later; this only keeps signatures, logos and calendar invites out.
_WANTED_SUFFIXES = (".docx", ".docm", ".doc", ".pdf", ".dotx", ".rtf")
_WANTED_TYPES = (
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-word.document.macroenabled.12",
)


@dataclass(frozen=True)
class Attachment:
    file_name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Incoming:
    """One parsed incoming email."""

    message_id: str
    sender: str
    sender_name: str
    subject: str
    received_at: datetime
    attachments: list[Attachment] = field(default_factory=list)
    oversized: list[str] = field(default_factory=list)
    skipped_over_count: int = 0


def _message_id(message: EmailMessage, raw: bytes) -> str:
    value = (message.get("Message-ID") or "").strip()
    if value:
        return value if value.startswith("<") else f"<{value}>"
    # Without a Message-ID the content itself is the identity, so a re-poll finds the same row.
    return f"<{hashlib.sha256(raw).hexdigest()}@mast-intake.invalid>"


def _received_at(message: EmailMessage) -> datetime:
    try:
        parsed = email.utils.parsedate_to_datetime(message.get("Date", ""))
    except (TypeError, ValueError):
        parsed = None
    if parsed is None:
        return datetime.now(UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _wanted(part: EmailMessage) -> bool:
    name = (part.get_filename() or "").lower()
    if part.get_content_disposition() == "inline" and not name.endswith(_WANTED_SUFFIXES):
        return False
    return name.endswith(_WANTED_SUFFIXES) or part.get_content_type() in _WANTED_TYPES


def read_message(raw: bytes, max_attachments: int, max_attachment_bytes: int) -> Incoming:
    """Parse raw RFC 5322 bytes; replies go to the From address, never to Reply-To.

    Whether that address is believable is for ``intake.sender_verification`` to say.
    """
    message = email.message_from_bytes(raw, policy=email.policy.default)
    name, address = email.utils.parseaddr(str(message.get("From", "")))
    incoming = Incoming(
        message_id=_message_id(message, raw),
        sender=address.strip().lower(),
        sender_name=name.strip(),
        subject=str(message.get("Subject", "")),
        received_at=_received_at(message),
    )
    for part in message.iter_attachments() if message.is_multipart() else []:
        _collect(part, incoming, max_attachments, max_attachment_bytes)
    return incoming


def _collect(part: EmailMessage, incoming: Incoming, max_attachments: int, max_bytes: int) -> None:
    if part.get_content_type() == "message/rfc822":
        # A forwarded email: look inside it for the tool the worker forwarded.
        inner = part.get_content()
        if isinstance(inner, EmailMessage):
            for nested in inner.iter_attachments() if inner.is_multipart() else []:
                _collect(nested, incoming, max_attachments, max_bytes)
        return
    if not _wanted(part):
        return
    name = part.get_filename() or "attachment"
    if len(incoming.attachments) >= max_attachments:
        incoming.skipped_over_count += 1
        return
    data = part.get_payload(decode=True) or b""
    if len(data) > max_bytes:
        incoming.oversized.append(name)
        return
    incoming.attachments.append(Attachment(name, data))
