"""What an incoming email says about itself: who sent it and what it carries.

The walk over its parts is ``intake.mime``; whether its From address can be believed is
``intake.sender_verification``.
"""

from __future__ import annotations

from datetime import datetime

from mast_intake.config.settings import ParseLimits
from mast_intake.intake.mime import Attachment, Incoming, Refused, parse_incoming

__all__ = ["Attachment", "Incoming", "Refused", "read_message"]


def read_message(raw: bytes, max_attachments: int, max_attachment_bytes: int,
                 now: datetime | None = None, limits: ParseLimits | None = None) -> Incoming:
    """Parse raw RFC 5322 bytes with the one attachment walker.

    With ``limits`` the walk runs in the parse sandbox (the service always passes them).
    """
    return parse_incoming(raw, max_attachments, max_attachment_bytes, now, limits)
