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

from mast_intake.intake.across_tools import refingerprint
from mast_intake.protection.attachments import AttachmentStore
from mast_intake.protection.crypto import (
    AesGcmSealer,
    EncryptionKeyError,
    SealedDataError,
    is_sealed,
)
from mast_intake.protection.fingerprint_keys import ring_fingerprint_keys
from mast_intake.storage.repositories.protection import DataProtectionRepository
from mast_intake.storage.sealing import Sealer
from mast_intake.storage.unit_of_work import SqlUnitOfWork

log = logging.getLogger(__name__)

_SET_KEY = "set MAST_INTAKE_ENCRYPTION_KEY_FILE or MAST_INTAKE_ENCRYPTION_KEYS"


def protection_repository(uow: SqlUnitOfWork) -> DataProtectionRepository:
    """The data protection queries, inside an open unit of work."""
    assert uow.session is not None, "open the unit of work first"
    return DataProtectionRepository(uow.session, uow.sealer, uow.clock)


def _attachment_samples(store: AttachmentStore) -> list[bytes]:
    paths = [path for _, _, path in store.entries()]
    return [path.read_bytes() for path in {*paths[:1], *paths[-1:]}]


def verify_keys(uow_factory: Callable[[], SqlUnitOfWork], sealer: Sealer, store: AttachmentStore) -> None:
    """Raise EncryptionKeyError unless the configured keys (or their absence) fit the stored data."""
    with uow_factory() as uow:
        samples: list[Any] = protection_repository(uow).sealed_samples()
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


def rotate_keys(uow_factory: Callable[[], SqlUnitOfWork], sealer: Sealer, store: AttachmentStore,
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
            counts = protection_repository(uow).rekey(old, sealer, check_only=check_only)
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
        engine = uow.session.get_bind() if uow.session is not None else None
    for _, _, path in files:
        store.reseal(path, lambda stored: sealer.seal_bytes(old.unseal_bytes(stored)))
    if engine is not None:
        compact_sqlite(engine)
    log.info("encryption key rotated", extra={"key_id": sealer.current.key_id, "counts": counts})
    return {"rekeyed": counts, "key_id": sealer.current.key_id}


def compact_sqlite(engine: Any) -> None:
    """On SQLite, rebuild the file and empty the WAL, so no superseded page keeps old values."""
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        # The connection is in autocommit mode (see storage.engine), as VACUUM requires.
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
