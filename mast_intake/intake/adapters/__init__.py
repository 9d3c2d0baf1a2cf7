"""Mailbox adapters: a local Maildir (the embedded default) and IMAP."""

from mast_intake.intake.adapters.imap import ImapMailbox
from mast_intake.intake.adapters.maildir import MaildirMailbox

__all__ = ["ImapMailbox", "MaildirMailbox"]
