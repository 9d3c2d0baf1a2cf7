"""Who sent an incoming email and may they submit; the front door that reads it.

MIME reading (safe headers, identity, the attachment walker) lives in ``intake.mime``; this
module keeps the sender-trust rules and ``read_message``, which joins the two.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.message import Message

from mast_intake.config.settings import ParseLimits
from mast_intake.intake.mime import Attachment, Incoming, Refused, parse_incoming

__all__ = ["Attachment", "Incoming", "Refused", "authentication_verdict", "read_message", "sender_allowed"]

_AUTH_RESULT = re.compile(r"\b(dmarc|dkim|spf)\s*=\s*([a-z]+)", re.IGNORECASE)


def authentication_verdict(message: Message, trusted_ids: list[str]) -> str:
    """'pass', 'fail' or 'none' from Authentication-Results headers our own servers added.

    Headers from any other authserv-id are ignored: a sender can write whatever they like.
    """
    trusted = {t.lower() for t in trusted_ids}
    verdict = "none"
    for header in message.get_all("Authentication-Results", []) or []:
        text = str(header).strip()
        fields = text.split(";", 1)[0].split()
        authserv = fields[0].lower() if fields else ""
        if authserv not in trusted:
            continue
        results = {kind.lower(): result.lower() for kind, result in _AUTH_RESULT.findall(text)}
        if not results:
            continue
        if results.get("dmarc") == "pass" or (
            "dmarc" not in results and "pass" in (results.get("dkim"), results.get("spf"))
        ):
            verdict = "pass"
        else:
            return "fail"
    return verdict


def sender_allowed(incoming: Incoming, allowed_domains: list[str]) -> bool:
    """True when the verified sender's domain (or a subdomain of it) may submit tools."""
    if incoming.authentication == "fail" or "@" not in incoming.sender:
        return False
    domain = incoming.sender.rsplit("@", 1)[1].lower()
    return any(domain == d or domain.endswith("." + d) for d in allowed_domains)


def read_message(raw: bytes, trusted_ids: list[str], max_attachments: int,
                 max_attachment_bytes: int, now: datetime | None = None,
                 limits: ParseLimits | None = None) -> Incoming:
    """Parse raw RFC 5322 bytes with the one attachment walker, and note the authentication verdict.

    With ``limits`` the walk runs in the parse sandbox (the service always passes them).
    """
    incoming = parse_incoming(raw, max_attachments, max_attachment_bytes, now, limits)
    if incoming.headers is not None:
        incoming.authentication = authentication_verdict(incoming.headers, trusted_ids)
    return incoming
