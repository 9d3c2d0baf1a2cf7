"""The embedded default inbox: a Maildir on local disk (standard library ``mailbox``)."""

from __future__ import annotations

import mailbox
import os
from collections.abc import Iterator
from pathlib import Path

from mast_intake.intake.mailbox import Mailbox, MailboxError


class MaildirMailbox(Mailbox):
    """A Maildir folder as the MAST inbox, with Maildir++ subfolders for filed mail.

    - ``pending()`` yields the keys of messages in ``new/`` and ``cur/``, oldest delivery
      first. A file dropped by hand into ``new/`` (an ``.eml`` copied in) is picked up too.
    - ``fetch(key)`` returns the file's bytes exactly as delivered.
    - ``move(key, folder)`` files the message in the ``.folder`` subfolder (created 0700 when
      missing), keeping its key; a message already gone from the inbox is not an error.
    """

    def __init__(self, path: Path, processed_folder: str = "Processed",
                 quarantine_folder: str = "Quarantine") -> None:
        self.path = Path(path)
        self.processed_folder = processed_folder
        self.quarantine_folder = quarantine_folder
        try:
            for sub in ("new", "cur", "tmp"):
                (self.path / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
            self.box = mailbox.Maildir(self.path, factory=None, create=True)
        except OSError as exc:
            raise MailboxError(f"Maildir at {self.path} cannot be opened: {type(exc).__name__}") from exc

    def _file(self, key: str) -> Path | None:
        for sub in ("new", "cur"):
            for entry in (self.path / sub).glob(f"{key}*"):
                if entry.name.split(self.box.colon, 1)[0] == key:
                    return entry
        return None

    def pending(self) -> Iterator[str]:
        try:
            dated = []
            for key in self.box.iterkeys():  # re-reads new/ and cur/ on every call
                found = self._file(key)
                if found is not None:
                    dated.append((found.stat().st_mtime, key))
        except OSError as exc:
            raise MailboxError(f"Maildir at {self.path} cannot be listed: {type(exc).__name__}") from exc
        for _, key in sorted(dated):
            yield key

    def fetch(self, key: str) -> bytes:
        found = self._file(key)
        if found is None:
            raise MailboxError(f"message {key} is no longer in the Maildir inbox")
        try:
            return found.read_bytes()
        except OSError as exc:
            raise MailboxError(f"Maildir message cannot be read: {type(exc).__name__}") from exc

    def move(self, key: str, folder: str) -> None:
        found = self._file(key)
        if found is None:
            return  # already moved: a crash between move and bookkeeping is recoverable
        target = self.path / f".{folder}"
        try:
            for sub in ("new", "cur", "tmp"):
                (target / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
            (target / "maildirfolder").touch(mode=0o600, exist_ok=True)
            os.replace(found, target / "cur" / found.name)
        except OSError as exc:
            raise MailboxError(f"Maildir message cannot be moved: {type(exc).__name__}") from exc
