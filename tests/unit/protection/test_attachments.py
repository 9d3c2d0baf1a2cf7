"""The attachment store: sealed files named by id and hash, private, orphans swept after a grace."""

from __future__ import annotations

import hashlib
import os
import stat
import time

from mast_intake.protection.attachments import AttachmentStore

DATA = b"PK\x03\x04 Ottilie Fictitia's tool"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_put_seals_and_names_by_id_and_hash_with_private_modes(store: AttachmentStore) -> None:
    path = store.put(7, _sha(DATA), DATA)
    assert path.name == f"7-{_sha(DATA)}.bin"
    assert b"Ottilie" not in path.read_bytes()
    assert store.get(7, _sha(DATA)) == DATA
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700
    assert [name for name in os.listdir(store.root)] == [path.name]  # no temporary file left


def test_missing_and_made_up_hashes_are_simply_not_held(store: AttachmentStore) -> None:
    assert store.get(1, "b" * 64) is None
    assert store.held_path(1, "oversized:big.docx") is None
    assert not store.delete(1, "b" * 64)


def test_orphans_are_removed_only_after_the_grace_period(store: AttachmentStore) -> None:
    kept = store.put(1, _sha(b"one"), b"one")
    orphan = store.put(2, _sha(b"two"), b"two")
    committed = {(1, _sha(b"one"))}
    assert store.remove_orphans(committed) == 0  # could still be a poller's uncommitted write
    old = time.time() - 2 * 3600
    os.utime(orphan, (old, old))
    os.utime(kept, (old, old))
    assert store.remove_orphans(committed) == 1
    assert kept.exists() and not orphan.exists()
