"""Reading the From header of an incoming email the way every sender verifier must."""

from __future__ import annotations

import email.parser
import email.policy
import email.utils
from email.message import Message


def header_block(raw: bytes) -> Message:
    """Only the top-level headers of ``raw``, parsed (the body is not read)."""
    return email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)


def single_from_address(headers: Message) -> str | None:
    """The one address of the one From header, lower-cased; None when there is not exactly one."""
    values = headers.get_all("From") or []
    if len(values) != 1:
        return None
    addresses = email.utils.getaddresses([str(values[0])])
    if len(addresses) != 1 or "@" not in addresses[0][1]:
        return None
    return addresses[0][1].strip().lower()
