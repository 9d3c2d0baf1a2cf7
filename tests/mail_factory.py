"""Fictional emails for the intake tests, built the way a worker's mail client sends them."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def email_with(attachments: list[tuple[str, bytes]], sender: str = "sam.worker@northyorks.gov.uk",
               message_id: str | None = None, sent_at: datetime | None = None,
               reply_to: str | None = None, headers: dict[str, str] | None = None) -> bytes:
    """An email carrying ``attachments`` (name, bytes) from ``sender`` to the MAST mailbox."""
    message = EmailMessage()
    message["From"] = f"Sam Worker <{sender}>"
    message["To"] = "nymast@northyorks.gov.uk"
    message["Subject"] = "CSE risk tool"
    message["Date"] = format_datetime(sent_at or datetime.now(UTC))
    message["Message-ID"] = message_id or make_msgid(domain="northyorks.gov.uk")
    if reply_to:
        message["Reply-To"] = reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content("Please find the risk tool attached.")
    for name, data in attachments:
        maintype, subtype = (DOCX if name.endswith(".docx") else "application/pdf").split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(message)


def drop(maildir: Path, raw: bytes, name: str | None = None) -> Path:
    """Put a message into the Maildir inbox's new/ folder, as a mail server (or a person) would."""
    new = maildir / "new"
    new.mkdir(parents=True, exist_ok=True)
    path = new / (name or f"{time.time_ns()}.test.eml")
    path.write_bytes(raw)
    return path


def submission(number: int, attachment: bytes = b"") -> bytes:
    """A fictional submission with a Word and a PDF attachment, CRLF as on the wire, the same
    bytes on every call (``attachment`` is appended to the Word file's bytes)."""
    message = EmailMessage()
    message["From"] = "worker@example.invalid"
    message["To"] = "mast@example.invalid"
    message["Subject"] = f"Fictional risk tool {number}"
    message["Message-ID"] = f"<fictional-{number}@example.invalid>"
    message.set_content("Please find the fictional tool attached.\n")
    message.add_attachment(b"PK\x03\x04 fictional docx " + bytes(range(256)) + attachment,
                           maintype="application", subtype=DOCX.split("/")[1], filename=f"tool-{number}.docx")
    message.add_attachment(b"%PDF-1.7 fictional", maintype="application", subtype="pdf", filename="x.pdf")
    message.set_boundary(f"fictional-boundary-{number}")
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def reply(number: int = 1, attachment: bytes = b"fictional agenda") -> EmailMessage:
    """A fictional reply from the MAST mailbox with two attachments, headers set as the composer
    sets them, non-ASCII in a name and the subject."""
    message = EmailMessage()
    message["From"] = "MAST Intake Test <mast@example.invalid>"
    message["To"] = "Zoë Testworker <zoe.testworker@example.invalid>"
    message["Cc"] = "Team Fictional <team@example.invalid>"
    message["Subject"] = f"Received: fictional risk tool {number} – Zoë’s case"
    message["Date"] = "Mon, 02 Mar 2026 08:20:00 +0000"
    message["Message-ID"] = f"<mast-intake-test-{number}@example.invalid>"
    message["Auto-Submitted"] = "auto-replied"
    message.set_content("Thank you. This is a fictional test reply.\n")
    message.add_attachment(attachment, maintype="application", subtype="pdf", filename="agenda.pdf")
    message.add_attachment(b"PK\x03\x04 fictional docx", maintype="application", subtype=DOCX.split("/")[1],
                           filename="comments.docx")
    return message
