"""The Maildir mailbox: the embedded default, a directory under DATA_DIR that needs no server."""

from __future__ import annotations

import mailbox
import os
from collections.abc import Iterator
from pathlib import Path

from mast_intake.ports.mailbox import Mailbox, MailboxError

_SUBDIRS = ("new", "cur")


def make_private_maildir(path: Path) -> mailbox.Maildir:
    """Open the Maildir at ``path``, creating it, its parents and any missing tmp/new/cur 0700."""
    # The parent (DATA_DIR) holds special-category data too, so it is created private as well.
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Each subfolder separately: mailbox.Maildir(create=True) creates nothing when the folder
    # exists, and a newcomer may have made only new/ to copy an .eml into.
    for sub in ("", "tmp", "new", "cur"):
        directory = path / sub
        if not directory.is_dir():
            directory.mkdir(mode=0o700, exist_ok=True)
            os.chmod(directory, 0o700)  # mkdir's mode is reduced by the umask
    return mailbox.Maildir(path, factory=None, create=False)


def _check_name(value: str, what: str) -> None:
    # Keys and folder names become file names: nothing may climb out of the Maildir.
    if not value or "/" in value or "\\" in value or "\0" in value or value.startswith("."):
        raise MailboxError(f"maildir {what} is not a valid name")


class MaildirMailbox(Mailbox):
    """The ``Mailbox`` port over a local Maildir, with the standard library's ``mailbox.Maildir``.

    The inbox is the Maildir itself (``new/`` and ``cur/``); folders are Maildir++ subfolders
    (``.Processed``, ``.Quarantine``), created on first use. Keys are the Maildir keys: the file
    name up to the ``:`` info suffix, so a file copied by hand into ``new/`` (for example
    ``sample.eml``) is picked up with its own name as key. ``pending()`` is ordered by delivery
    time (file modification time), then key. ``fetch`` returns the file's bytes unchanged.
    ``move`` renames the file into the folder's ``cur/`` (atomic), keeping its key and flags (a
    message from ``new/`` gets the info suffix ``:2,S``); a key no longer in the inbox (moved
    already, or never there) is not an error. ``restore`` puts one back in ``new/``.

    Directories it creates are 0700, folder marker files 0600. A message should be delivered
    atomically (written in ``tmp/``, then renamed into ``new/``); a file being copied into
    ``new/`` by hand may be read half-written, so copy it in before the service next polls.
    """

    def __init__(
        self, path: Path, processed_folder: str = "Processed", quarantine_folder: str = "Quarantine"
    ) -> None:
        self.path = Path(path)
        self.processed_folder = processed_folder
        self.quarantine_folder = quarantine_folder
        try:
            self._box = make_private_maildir(self.path)
        except OSError as exc:
            raise MailboxError(f"maildir {self.path}: open failed: {type(exc).__name__}") from exc

    def _entries(self) -> Iterator[tuple[int, str, Path]]:
        """(mtime_ns, key, file path) of every message file in the inbox."""
        for sub in _SUBDIRS:
            with os.scandir(self.path / sub) as entries:
                for entry in entries:
                    # Same rule as mailbox.Maildir: dot files are not messages.
                    if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
                        continue
                    try:
                        mtime = entry.stat(follow_symlinks=False).st_mtime_ns
                    except FileNotFoundError:  # moved away by another worker meanwhile
                        continue
                    yield mtime, entry.name.split(self._box.colon, 1)[0], Path(entry.path)

    def _locate(self, key: str) -> Path | None:
        """The file holding ``key`` in the inbox, or None."""
        _check_name(key, "key")
        for sub in _SUBDIRS:
            directory = self.path / sub
            plain = directory / key
            if plain.is_file():
                return plain
            prefix = key + self._box.colon
            with os.scandir(directory) as entries:
                for entry in entries:
                    if entry.name.startswith(prefix):
                        return Path(entry.path)
        return None

    def pending(self) -> Iterator[str]:
        """Keys of the inbox's messages, oldest delivery first, then by key."""
        try:
            found = sorted((mtime, key) for mtime, key, _ in self._entries())
        except OSError as exc:
            raise MailboxError(f"maildir {self.path}: listing failed: {type(exc).__name__}") from exc
        for _, key in found:
            yield key

    def fetch(self, key: str) -> bytes:
        """The message file's bytes exactly as delivered; MailboxError if it is not in the inbox."""
        try:
            found = self._locate(key)
            if found is None:
                raise MailboxError(f"maildir {self.path}: fetch: message no longer in the inbox")
            return found.read_bytes()
        except FileNotFoundError as exc:
            raise MailboxError(f"maildir {self.path}: fetch: message no longer in the inbox") from exc
        except OSError as exc:
            raise MailboxError(f"maildir {self.path}: fetch failed: {type(exc).__name__}") from exc

    def _folder_path(self, folder: str) -> Path:
        """The folder's directory, created (Maildir++, 0700, marker 0600) if missing."""
        _check_name(folder, "folder")
        target = self.path / f".{folder}"
        if not (target / "cur").is_dir():
            self._box.add_folder(folder)
            for sub in ("", "tmp", "new", "cur"):
                os.chmod(target / sub, 0o700)
            marker = target / "maildirfolder"
            if marker.exists():
                os.chmod(marker, 0o600)
        return target

    def restore(self, key: str, folder: str) -> bool:
        """Rename the message from ``folder`` back into the inbox's ``new/``; False if not there."""
        try:
            _check_name(key, "key")
            source_dir = self._folder_path(folder)
            for sub in _SUBDIRS:
                for entry in os.scandir(source_dir / sub):
                    if entry.name == key or entry.name.startswith(key + self._box.colon):
                        # Into new/ without the info suffix, as if just delivered.
                        os.rename(entry.path, self.path / "new" / key)
                        return True
        except OSError as exc:
            raise MailboxError(f"maildir {self.path}: restore failed: {type(exc).__name__}") from exc
        return False

    def move(self, key: str, folder: str) -> None:
        """Rename the message into ``folder``; a key no longer in the inbox is not an error."""
        try:
            target = self._folder_path(folder)
            source = self._locate(key)
            if source is None:
                return
            # Into cur/ (the Maildir place for mail that has been read), keeping the key and any
            # flags; rename is atomic, so a crash leaves the message in exactly one place.
            name = source.name if self._box.colon in source.name else f"{key}{self._box.colon}2,S"
            try:
                os.rename(source, target / "cur" / name)
            except FileNotFoundError:
                return  # another worker moved it between the lookup and the rename
        except OSError as exc:
            raise MailboxError(f"maildir {self.path}: move failed: {type(exc).__name__}") from exc
