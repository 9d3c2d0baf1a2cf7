"""The few header fields the intake needs, read so that no header can raise or carry control
characters into the database, a log, an alert or a file name.

Headers are read from the stdlib's ``compat32`` message (plain strings, no structured parsing
that can raise on a malformed field) and decoded here defensively.
"""

from __future__ import annotations

import email.header
import email.utils
import hashlib
import re
from datetime import UTC, datetime, timedelta
from email.message import Message

# A Message-ID as the database, alerts and replies may hold it: printable ASCII, no spaces.
_ID_CHARS = re.compile(r"[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.@\[\]]")
_MAX_ID = 250
_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
# Header fields that make up an email's identity; trace fields added on delivery are left out
# so the same email delivered twice has the same content hash.
_IDENTITY_FIELDS = ("from", "to", "cc", "subject", "date", "message-id", "content-type")
# A Date further from now than this is not believed; the time of receipt is used instead.
_PLAUSIBLE = timedelta(days=3650)


def header_text(message: Message, name: str) -> str:
    """A header's value decoded to text with control characters removed; "" when absent or broken."""
    try:
        value = message.get(name)
        if value is None:
            return ""
        if isinstance(value, email.header.Header):
            value = str(value)
        text = str(email.header.make_header(email.header.decode_header(str(value))))
    except Exception:  # a malformed encoded word: fall back to the raw characters
        try:
            text = str(message.get(name, ""))
        except Exception:
            return ""
    return _CONTROL.sub(" ", text).strip()[:998]


def sender_of(message: Message) -> tuple[str, str]:
    """(display name, lower-case address) from From; the address is "" unless it is well formed."""
    try:
        raw = str(message.get("From", "") or "")
        name, address = email.utils.parseaddr(_CONTROL.sub(" ", raw))
    except Exception:
        return "", ""
    address = address.strip().lower()
    if not _ADDRESS.fullmatch(address) or ".." in address.rpartition("@")[2]:
        address = ""
    try:
        display = str(email.header.make_header(email.header.decode_header(name)))
    except Exception:
        display = name
    return _CONTROL.sub(" ", display).strip()[:200], address


def received_at(message: Message, now: datetime) -> datetime:
    """The Date header as an aware datetime, or ``now`` when it is missing or implausible."""
    try:
        parsed = email.utils.parsedate_to_datetime(str(message.get("Date", "") or ""))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        parsed = parsed.astimezone(UTC)
    except Exception:  # absurd offsets and years raise OverflowError, ValueError, TypeError ...
        return now
    if abs(parsed - now) > _PLAUSIBLE:
        return now
    return parsed


def normalised_message_id(message: Message, content_hash: str) -> str:
    """The Message-ID reduced to safe characters in angle brackets, or one made from the content."""
    try:
        raw = str(message.get("Message-ID", "") or "")
    except Exception:
        raw = ""
    inner = raw.strip()
    if inner.startswith("<") and ">" in inner:
        inner = inner[1:inner.index(">")]
    inner = _ID_CHARS.sub("", inner)[:_MAX_ID]
    if not inner.strip("<>@.[]"):
        inner = f"{content_hash[:32]}@mast-intake.invalid"
    return f"<{inner}>"


def content_hash(message: Message, raw: bytes) -> str:
    """SHA-256 of the body and the identifying header fields, leaving out trace fields."""
    digest = hashlib.sha256()
    for name in _IDENTITY_FIELDS:
        try:
            values = message.get_all(name) or []
        except Exception:
            values = []
        for value in values:
            digest.update(name.encode() + b":" + str(value).encode("utf-8", "surrogateescape") + b"\n")
    head_end = _body_start(raw)
    digest.update(b"\n" + raw[head_end:])
    return digest.hexdigest()


def _body_start(raw: bytes) -> int:
    """Where the body starts: after the first empty line (either line ending)."""
    candidates = [i + len(sep) for sep in (b"\r\n\r\n", b"\n\n") if (i := raw.find(sep)) >= 0]
    return min(candidates) if candidates else len(raw)


def identity_key(message_id: str, content: str) -> str:
    """The key a message is stored under: its Message-ID and its content, hashed together.

    A different email reusing a Message-ID gets a different key; the same email delivered twice
    (only trace fields differ) gets the same one. Fixed length, hex: safe for any column, log,
    alert or file name.
    """
    return "m-" + hashlib.sha256(f"{message_id}\n{content}".encode()).hexdigest()[:40]
