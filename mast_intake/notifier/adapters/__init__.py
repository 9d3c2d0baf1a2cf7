"""Mailer adapters: a local outbox Maildir (the embedded default) and SMTP."""

from mast_intake.notifier.adapters.maildir import MaildirMailer
from mast_intake.notifier.adapters.smtp import SmtpMailer

__all__ = ["MaildirMailer", "SmtpMailer"]
