"""The embedded default outgoing mail: a Maildir "outbox" where sent emails can be read."""

from __future__ import annotations

import hashlib
import os
import time
from email.message import EmailMessage
from pathlib import Path

from mast_intake.notifier.mailer import Mailer, MailerError


class MaildirMailer(Mailer):
    """Delivers each email as a file in ``path/new`` (a Maildir any mail client can open).

    The file name comes from the Message-ID, so a resend of the same email after a crash
    replaces the same file instead of adding a second: the receiver side de-duplicates.
    Files are written 0600 through ``tmp/`` and renamed into place, as Maildir requires.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            for sub in ("new", "cur", "tmp"):
                (self.path / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise MailerError(
                f"outbox Maildir at {self.path} cannot be created: {type(exc).__name__}"
            ) from exc

    def send(self, message: EmailMessage) -> None:
        message_id = str(message.get("Message-ID", "")).strip()
        if not message_id:
            raise MailerError("an outgoing email needs a Message-ID")
        name = f"{int(time.time())}.{hashlib.sha256(message_id.encode()).hexdigest()[:32]}.mast-intake"
        digest = name.split(".")[1]
        for existing in (self.path / "new").glob(f"*.{digest}.mast-intake"):
            name = existing.name  # a resend overwrites the earlier copy
        temporary = self.path / "tmp" / name
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(bytes(message))
            os.replace(temporary, self.path / "new" / name)
        except OSError as exc:
            raise MailerError(f"outbox Maildir write failed: {type(exc).__name__}") from exc
