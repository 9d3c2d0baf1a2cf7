"""The outbox Maildir mailer: the embedded default, which delivers into a local directory."""

from __future__ import annotations

import hashlib
import os
import secrets
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.policy import default
from pathlib import Path

from mast_intake.intake.adapters.maildir import make_private_maildir
from mast_intake.ports.mailer import Mailer, MailerError


class MaildirMailer(Mailer):
    """The ``Mailer`` port writing each message into the ``new/`` folder of an outbox Maildir.

    The file name is the SHA-256 of the Message-ID, so sending the same message again (a resend
    after a crash between sending and bookkeeping) finds the file already there and writes
    nothing: the outbox holds each Message-ID once, as a receiver de-duplicating by Message-ID
    would. The message is written in ``tmp/`` (0600) and hard-linked into ``new/``, so a reader
    never sees a half-written file and two concurrent senders of one message cannot both win.
    Directories are created 0700. Bytes are the message serialised with LF line endings, the
    Maildir convention. Filesystem errors become ``MailerError`` naming the outbox path only.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self._box = make_private_maildir(self.path)
        except OSError as exc:
            raise MailerError(f"outbox maildir {self.path}: open failed: {type(exc).__name__}") from exc

    def file_name(self, message: EmailMessage | Message) -> str:
        """The outbox file name (also the Maildir key) for ``message``."""
        message_id = (message.get("Message-ID") or "").strip()
        if not message_id:
            raise MailerError(f"outbox maildir {self.path}: message has no Message-ID")
        return hashlib.sha256(message_id.encode("utf-8", "surrogateescape")).hexdigest()

    def _already_there(self, name: str) -> bool:
        """Whether the outbox holds ``name`` in new/ or, read and flagged, in cur/."""
        if (self.path / "new" / name).exists():
            return True
        prefix = name + self._box.colon
        return any(entry == name or entry.startswith(prefix) for entry in os.listdir(self.path / "cur"))

    def send(self, message: EmailMessage) -> None:
        """Write ``message`` into new/ unless a message with its Message-ID is already there."""
        self._write(self.file_name(message), message.as_bytes(policy=message.policy.clone(linesep="\n")))

    def send_mime(self, data: bytes) -> None:
        """Write serialised ``data`` as it is, with LF line endings: no parse of its body."""
        headers = BytesHeaderParser(policy=default).parsebytes(data)
        self._write(self.file_name(headers), data.replace(b"\r\n", b"\n"))

    def _write(self, name: str, data: bytes) -> None:
        temporary = self.path / "tmp" / f"{name}.{os.getpid()}.{secrets.token_hex(4)}"
        try:
            if self._already_there(name):
                return
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                try:
                    # link, unlike rename, fails if the name exists: the first writer wins.
                    os.link(temporary, self.path / "new" / name)
                except FileExistsError:
                    return
            finally:
                temporary.unlink(missing_ok=True)
        except OSError as exc:
            raise MailerError(f"outbox maildir {self.path}: write failed: {type(exc).__name__}") from exc
