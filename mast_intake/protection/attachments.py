"""The store of original attachments: one sealed file per parsed submission.

Files live under ``DATA_DIR/attachments`` (0700) as ``<submission id>-<sha256>.bin`` (0600):
named by the submission id and the content hash, never by the document's own name, which often
names the child. Content goes through the sealer, so with encryption on a file is AES-GCM
ciphertext.

The poll writes the file after the submission row is flushed and before its transaction
commits. A crash in between leaves a file no committed row names: :meth:`remove_orphans` (run
by the nightly retention job and ``mast-intake purge``) deletes such files once they are older
than a grace period, so a file another poller is about to commit is never taken. On SQLite a
rolled-back id can be given out again; the file name includes the hash, so a different
attachment under the same id is a different file, and the same attachment simply overwrites it.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from mast_intake.ports.sealing import PlainText, Sealer

_NAME = re.compile(r"(\d+)-([0-9a-f]{64})\.bin")
ORPHAN_GRACE_SECONDS = 3600


@dataclass(frozen=True)
class StoredAttachment:
    """An original attachment as the worker sent it."""

    submission_id: int
    file_name: str
    sha256: str
    data: bytes


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) 0700; tighten it to 0700 if it exists and is ours."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_uid == os.getuid():
        # mkdir's mode is filtered by the umask, and a folder made by someone else (a test, a
        # mail server) may be wider: set it outright.
        os.chmod(path, 0o700)


class AttachmentStore:
    """Sealed original attachments in one folder, keyed by submission id and SHA-256."""

    def __init__(self, root: Path, sealer: Sealer | None = None) -> None:
        self.root = Path(root)
        self.sealer = sealer or PlainText()

    def path_for(self, submission_id: int, sha256: str) -> Path:
        """Where the attachment of that submission is (or would be) kept."""
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise ValueError("sha256 must be 64 lower-case hex digits")
        return self.root / f"{int(submission_id)}-{sha256}.bin"

    def put(self, submission_id: int, sha256: str, data: bytes) -> Path:
        """Seal and write the attachment, atomically (temporary file, fsync, rename), 0600."""
        make_private_dir(self.root)
        target = self.path_for(submission_id, sha256)
        self._write(target, self.sealer.seal_bytes(data))
        return target

    def _write(self, target: Path, sealed: bytes) -> None:
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(sealed)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
            raise

    def held_path(self, submission_id: int, sha256: str) -> Path | None:
        """The file of that submission if it is held; None otherwise.

        A rejected oversized attachment is recorded under a made-up "sha256" and has no file.
        """
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            return None
        path = self.path_for(submission_id, sha256)
        return path if path.exists() else None

    def exists(self, submission_id: int, sha256: str) -> bool:
        """True when the attachment is held."""
        return self.held_path(submission_id, sha256) is not None

    def get(self, submission_id: int, sha256: str) -> bytes | None:
        """The attachment's bytes, unsealed; None when it is not held (purged or never stored)."""
        path = self.held_path(submission_id, sha256)
        try:
            stored = path.read_bytes() if path is not None else None
        except FileNotFoundError:
            stored = None
        return None if stored is None else self.sealer.unseal_bytes(stored)

    def delete(self, submission_id: int, sha256: str) -> bool:
        """Remove the attachment; True when there was one."""
        path = self.held_path(submission_id, sha256)
        if path is None:
            return False
        path.unlink(missing_ok=True)
        return True

    def entries(self) -> Iterator[tuple[int, str, Path]]:
        """(submission id, sha256, path) of every file held."""
        if not self.root.exists():
            return
        for path in sorted(self.root.iterdir()):
            match = _NAME.fullmatch(path.name)
            if match:
                yield int(match.group(1)), match.group(2), path

    def reseal(self, path: Path, resealer: Callable[[bytes], bytes]) -> None:
        """Rewrite one file with ``resealer`` applied to its stored bytes (key rotation)."""
        self._write(path, resealer(path.read_bytes()))

    def remove_orphans(self, committed: set[tuple[int, str]],
                       grace_seconds: float = ORPHAN_GRACE_SECONDS) -> int:
        """Delete files whose (id, sha256) is not in ``committed`` and that are past the grace period.

        Also removes temporary files left by a crash in the middle of a write.
        """
        removed = 0
        cutoff = time.time() - grace_seconds
        if not self.root.exists():
            return 0
        for path in self.root.iterdir():
            match = _NAME.fullmatch(path.name)
            key = (int(match.group(1)), match.group(2)) if match else None
            is_temporary = path.name.startswith(".") and path.name.endswith(".tmp")
            if (key is None and not is_temporary) or (key is not None and key in committed):
                continue
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        return removed
