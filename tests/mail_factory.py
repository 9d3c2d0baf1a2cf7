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
