"""One incoming email as the intake sees it: safe envelope fields, identity, and the files found."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32

from mast_intake.config.settings import ParseLimits
from mast_intake.intake.mime import headers
from mast_intake.intake.mime.walker import (
    Attachment,
    Discovery,
    Refused,
    discover_raw,
    from_raw_result,
)
from mast_intake.ports.senders import SenderVerdict


@dataclass
class Incoming:
    """One parsed incoming email.

    ``key`` is what the database, logs, alerts and file names use (Message-ID and content
    hashed together); ``message_id`` is the normalised Message-ID, for In-Reply-To only.
    ``headers`` is the parsed message, for checks that need other header fields.
    """

    key: str
    message_id: str
    sender: str
    sender_name: str
    subject: str
    received_at: datetime
    attachments: list[Attachment] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    signature: str = "none"
    # Set by the poll from the sender verification port; None until then (never verified).
    sender_verdict: SenderVerdict | None = None
    headers: Message | None = field(default=None, repr=False)


def parse_incoming(raw: bytes, max_attachments: int, max_attachment_bytes: int,
                   now: datetime | None = None, limits: ParseLimits | None = None) -> Incoming:
    """Parse raw RFC 5322 bytes; replies go to the From address, never to Reply-To.

    The header fields are read here (header block only, which cannot recurse); the attachment
    walk runs in the parse sandbox when ``limits`` is given, because it opens hostile
    containers (TNEF, .msg, CMS) whose libraries can exhaust memory or the stack.
    """
    message = BytesHeaderParser(policy=compat32).parsebytes(raw)
    content = headers.content_hash(message, raw)
    message_id = headers.normalised_message_id(message, content)
    name, address = headers.sender_of(message)
    found = walk(raw, max_attachments, max_attachment_bytes, limits)
    return Incoming(
        key=headers.identity_key(message_id, content),
        message_id=message_id,
        sender=address,
        sender_name=name,
        subject=headers.header_text(message, "Subject"),
        received_at=headers.received_at(message, now or datetime.now(UTC)),
        attachments=found.attachments,
        refused=found.refused,
        signature=found.signature,
        headers=message,
    )


def walk(raw: bytes, max_attachments: int, max_attachment_bytes: int,
         limits: ParseLimits | None) -> Discovery:
    """The attachment walk, in the sandbox when ``limits`` is given, else in this process."""
    args = (raw, max_attachments, max_attachment_bytes)
    if limits is None:
        return from_raw_result(discover_raw(*args))
    from mast_intake.parsers.sandbox import Refusal, run_isolated

    result = run_isolated(discover_raw, args, limits)
    if isinstance(result, Refusal):
        # The structure itself is beyond reading (nesting, a container bomb): say so.
        return Discovery(refused=[Refused("your email", result.reason)])
    return from_raw_result(result)


def unreadable(raw: bytes, now: datetime) -> Incoming:
    """An Incoming for bytes that could not be parsed at all: identity from the bytes alone."""
    import hashlib

    digest = hashlib.sha256(raw).hexdigest()
    message_id = f"<{digest[:32]}@mast-intake.invalid>"
    return Incoming(key=headers.identity_key(message_id, digest), message_id=message_id,
                    sender="", sender_name="", subject="", received_at=now)
