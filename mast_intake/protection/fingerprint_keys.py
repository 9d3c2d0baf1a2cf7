"""The keys of the text fingerprints (keyed hashes of runs of words, ``validation/history.py``).

With encryption configured, each key of the ring gives a fingerprint key (derived with HMAC from
its lookup sub-key, so it is never the key that seals values), current first: a tool
fingerprinted before a rotation is still matched until the old key is removed. Without
encryption, a random key kept in the data folder (0600) keeps the fingerprints unreadable anyway.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from mast_intake.ports.sealing import Sealer
from mast_intake.protection.crypto import AesGcmSealer

KEY_FILE = "fingerprint-key"
_LABEL = b"mast-intake text fingerprints"


def _kept_key(path: Path) -> bytes:
    """The key in ``path``, written there first (O_EXCL, 0600) when there is none."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            with path.open("x") as handle:
                path.chmod(0o600)
                handle.write(secrets.token_urlsafe(32))
        except FileExistsError:
            pass  # another process wrote it first: use theirs
    return path.read_text().strip().encode()


def ring_fingerprint_keys(sealer: AesGcmSealer) -> tuple[bytes, ...]:
    """The fingerprint key of each key of the encryption ring, current first."""
    return tuple(hmac.new(key.lookup_secret, _LABEL, hashlib.sha256).digest() for key in sealer.keys)


def fingerprint_keys(sealer: Sealer, data_dir: Path) -> tuple[bytes, ...]:
    """The fingerprint keys, current first."""
    if isinstance(sealer, AesGcmSealer):
        return ring_fingerprint_keys(sealer)
    return (_kept_key(Path(data_dir) / KEY_FILE),)
