"""Checking the configured keys against what is stored, and rotating to a new key.

:func:`verify_keys` runs at start-up (``bootstrap``): it reads a few values from every sealed
column and the first and last attachment files, and refuses to go on (EncryptionKeyError, before
anything is written) when the data is encrypted but no key is configured, when no configured key
opens it, or when encryption is on but the data was stored in plain text (then ``mast-intake
rotate-key`` encrypts it).

:func:`rotate_keys` re-seals everything with the current (first) key: every database value and
every attachment file, reading each with any key of the ring (or as plain text, which is how an
existing database is encrypted the first time). It decrypts everything before it writes anything,
so a missing or wrong key stops it with nothing changed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from mast_intake.models.codec import record_from_storage
from mast_intake.ports import UnitOfWork
from mast_intake.ports.sealing import Sealer
from mast_intake.protection.attachments import AttachmentStore
from mast_intake.protection.crypto import AesGcmSealer, EncryptionKeyError, SealedDataError, is_sealed
from mast_intake.protection.fingerprint_keys import ring_fingerprint_keys
from mast_intake.validation.history import fingerprints

log = logging.getLogger(__name__)

_SET_KEY = "set MAST_INTAKE_ENCRYPTION_KEY_FILE or MAST_INTAKE_ENCRYPTION_KEYS"


def refingerprint(uow: UnitOfWork, key: bytes) -> int:
    """Make the stored tools' fingerprints again under ``key``; how many tools.

    Run by a key rotation, in its transaction, so that the old key can then be removed without
    losing the earlier tools from the copy check.
    """
    tools = uow.fingerprints.fingerprinted_tools()
    uow.fingerprints.clear()
    for tool in tools:
        data = uow.submissions.record(tool)
        if data is not None and tool.id is not None and tool.child_id is not None:
            uow.fingerprints.add(tool.id, tool.child_id, fingerprints(record_from_storage(data), key))
    return len(tools)


def _attachment_samples(store: AttachmentStore) -> list[bytes]:
    paths = [path for _, _, path in store.entries()]
    return [path.read_bytes() for path in {*paths[:1], *paths[-1:]}]


def verify_keys(uow_factory: Callable[[], UnitOfWork], sealer: Sealer, store: AttachmentStore) -> None:
    """Raise EncryptionKeyError unless the configured keys (or their absence) fit the stored data."""
    with uow_factory() as uow:
        samples: list[Any] = uow.protection.sealed_samples()
    samples.extend(_attachment_samples(store))
    encrypting = bool(getattr(sealer, "encrypting", False))
    for value in samples:
        if is_sealed(value):
            if not encrypting:
                raise EncryptionKeyError(f"the stored data is encrypted but no key is configured: {_SET_KEY}")
            try:
                if isinstance(value, bytes):
                    sealer.unseal_bytes(value)
                else:
                    sealer.unseal(value)
            except SealedDataError as exc:
                raise EncryptionKeyError(
                    f"the configured encryption keys do not open the stored data ({exc}); "
                    "nothing was changed"
                ) from None
        elif encrypting and value not in ("", b""):
            raise EncryptionKeyError(
                "encryption is configured but the stored data is not encrypted yet: run "
                "`mast-intake rotate-key` to encrypt it"
            )


def rotate_keys(uow_factory: Callable[[], UnitOfWork], sealer: Sealer, store: AttachmentStore,
                actor: str, check_only: bool = False) -> dict[str, Any]:
    """Re-seal the database and the attachment files with the current key; what was done.

    With ``check_only``, decrypt everything and report, changing nothing. The rotation is
    recorded in the audit log (counts and the new key's id only).
    """
    if not isinstance(sealer, AesGcmSealer):
        raise EncryptionKeyError(f"no encryption key is configured: {_SET_KEY}")
    old = sealer.with_plain_allowed()
    files = list(store.entries())
    for _, _, path in files:
        try:
            old.unseal_bytes(path.read_bytes())
        except SealedDataError as exc:
            raise EncryptionKeyError(
                f"an attachment file cannot be opened ({exc}); nothing was changed") from None
    with uow_factory() as uow:
        try:
            counts = uow.protection.rekey(old, sealer, check_only=check_only)
        except SealedDataError as exc:
            raise EncryptionKeyError(
                f"a stored value cannot be opened ({exc}); nothing was changed") from None
        counts["attachment_files"] = len(files)
        if not check_only:
            counts["text_fingerprint"] = refingerprint(uow, ring_fingerprint_keys(sealer)[0])
        if check_only:
            return {"checked": counts, "key_id": sealer.current.key_id}
        uow.audit.append(actor, "rekeyed", "database", sealer.current.key_id, _json(counts))
        uow.commit()
        compact = uow.protection.compactor()
    for _, _, path in files:
        store.reseal(path, lambda stored: sealer.seal_bytes(old.unseal_bytes(stored)))
    compact()
    log.info("encryption key rotated", extra={"key_id": sealer.current.key_id, "counts": counts})
    return {"rekeyed": counts, "key_id": sealer.current.key_id}


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
