"""Reading incoming MIME: safe header fields, the message's identity, and the attachment walker
that every mailbox adapter's messages go through."""

from mast_intake.intake.mime.incoming import Incoming, parse_incoming, unreadable
from mast_intake.intake.mime.walker import Attachment, Discovery, Refused, discover

__all__ = ["Attachment", "Discovery", "Incoming", "Refused", "discover", "parse_incoming", "unreadable"]
