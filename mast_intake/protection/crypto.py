"""Encryption at rest: AES-256-GCM with a ring of keys, the current one first.

Keys are 32 random bytes written as URL-safe base64 (``mast-intake new-key`` makes one). They
come from ``MAST_INTAKE_ENCRYPTION_KEYS`` (comma-separated) or from the file named by
``MAST_INTAKE_ENCRYPTION_KEY_FILE`` (one key per line, ``#`` comments), which must be outside the
data folder and readable by its owner only, so that a copy of the data folder (a backup, a disk)
is useless without the key. The first key encrypts; every key decrypts. Each key is known by an
id, the first 8 hex digits of an HMAC of a fixed label under the key, so stored values say which
key sealed them without revealing anything about it.

From each key two sub-keys are derived with HKDF-SHA256: one for AES-GCM, one for the HMAC that
makes lookup keys (a child's normalised name becomes ``h1.<hex>``, so names can be matched
without being stored). Stored forms:

- text: ``mi1.<key id>.<base64url(nonce || ciphertext+tag)>``
- bytes: ``MI1\\0`` + key id (8 ASCII bytes) + nonce (12 bytes) + ciphertext+tag

The nonce is random (96 bits) per value; the key id and format version are authenticated as
associated data, so a value cannot be passed off as sealed by another key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from mast_intake.config.settings import ConfigError, EncryptionSettings

TEXT_PREFIX = "mi1."
BYTES_MAGIC = b"MI1\x00"
LOOKUP_PREFIX = "h1."
KEY_BYTES = 32
NONCE_BYTES = 12
KEY_ID_CHARS = 8


class EncryptionKeyError(ConfigError):
    """A key is missing, malformed or does not open the stored data. Nothing was changed."""


class SealedDataError(Exception):
    """A stored value cannot be decrypted: unknown key id, damaged, or not encrypted at all.

    The message names the key id at most, never any part of the value.
    """


def new_key() -> str:
    """A fresh random key, as it is written in the key file or the environment."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()


def _derive(key: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"mast-intake " + label).derive(key)


@dataclass(frozen=True)
class Key:
    """One key of the ring: its id and the sub-keys derived from it."""

    key_id: str
    aead: AESGCM
    lookup_secret: bytes

    @classmethod
    def from_text(cls, text: str, position: int) -> Key:
        """Parse a base64url key; EncryptionKeyError naming only its position in the list."""
        try:
            raw = base64.urlsafe_b64decode(text.strip().encode())
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != KEY_BYTES:
            raise EncryptionKeyError(
                f"encryption key {position} is not 32 bytes of URL-safe base64 "
                "(make one with `mast-intake new-key`)"
            )
        key_id = hmac.new(raw, b"mast-intake key id", hashlib.sha256).hexdigest()[:KEY_ID_CHARS]
        return cls(key_id, AESGCM(_derive(raw, b"seal")), _derive(raw, b"lookup"))


class AesGcmSealer:
    """The encrypting :class:`~mast_intake.ports.sealing.Sealer`: seals with the first key.

    ``allow_plain`` lets :meth:`unseal` and :meth:`unseal_bytes` return values that were stored
    before encryption was turned on, unchanged; only key rotation uses it, to encrypt them.
    Everywhere else a plain value is an error, so that a database silently half-encrypted (or
    written by a process without the key) is noticed.
    """

    encrypting = True

    def __init__(self, keys: Sequence[Key], allow_plain: bool = False) -> None:
        if not keys:
            raise EncryptionKeyError("no encryption key configured")
        self.keys = list(keys)
        self.by_id = {key.key_id: key for key in self.keys}
        self.allow_plain = allow_plain

    @property
    def current(self) -> Key:
        """The key new values are sealed with."""
        return self.keys[0]

    def with_plain_allowed(self) -> AesGcmSealer:
        """The same ring, also accepting values stored before encryption (for key rotation)."""
        return AesGcmSealer(self.keys, allow_plain=True)

    def _key(self, key_id: str) -> Key:
        key = self.by_id.get(key_id)
        if key is None:
            raise SealedDataError(f"value sealed with key {key_id}, which is not configured")
        return key

    @staticmethod
    def _aad(key_id: str) -> bytes:
        return b"mast-intake/1/" + key_id.encode()

    def seal(self, text: str) -> str:
        """Encrypt ``text`` with the current key."""
        key = self.current
        nonce = os.urandom(NONCE_BYTES)
        sealed = key.aead.encrypt(nonce, text.encode(), self._aad(key.key_id))
        return f"{TEXT_PREFIX}{key.key_id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def unseal(self, stored: str) -> str:
        """Decrypt a value :meth:`seal` made, with whichever key of the ring sealed it."""
        if not stored.startswith(TEXT_PREFIX):
            if self.allow_plain:
                return stored
            raise SealedDataError("a stored value is not encrypted")
        key_id, _, body = stored[len(TEXT_PREFIX):].partition(".")
        key = self._key(key_id)
        try:
            blob = base64.urlsafe_b64decode(body.encode())
            return key.aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], self._aad(key_id)).decode()
        except (binascii.Error, ValueError, InvalidTag) as exc:
            raise SealedDataError(f"a value sealed with key {key_id} does not decrypt") from exc

    def seal_bytes(self, data: bytes) -> bytes:
        """Encrypt ``data`` with the current key."""
        key = self.current
        nonce = os.urandom(NONCE_BYTES)
        header = BYTES_MAGIC + key.key_id.encode()
        return header + nonce + key.aead.encrypt(nonce, data, self._aad(key.key_id))

    def unseal_bytes(self, stored: bytes) -> bytes:
        """Decrypt bytes :meth:`seal_bytes` made."""
        if not stored.startswith(BYTES_MAGIC):
            if self.allow_plain:
                return stored
            raise SealedDataError("stored bytes are not encrypted")
        start = len(BYTES_MAGIC)
        key_id = stored[start:start + KEY_ID_CHARS].decode("ascii", "replace")
        key = self._key(key_id)
        body = stored[start + KEY_ID_CHARS:]
        try:
            return key.aead.decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], self._aad(key_id))
        except InvalidTag as exc:
            raise SealedDataError(f"bytes sealed with key {key_id} do not decrypt") from exc

    def lookup_key(self, normalised: str) -> str:
        """The current key's keyed hash of a normalised name."""
        return self._lookup(self.current, normalised)

    def lookup_keys(self, normalised: str) -> list[str]:
        """The keyed hash under every key of the ring, current first (for matching)."""
        return [self._lookup(key, normalised) for key in self.keys]

    @staticmethod
    def _lookup(key: Key, normalised: str) -> str:
        return LOOKUP_PREFIX + hmac.new(key.lookup_secret, normalised.encode(), hashlib.sha256).hexdigest()

    def sealed_by_current(self, stored: str | bytes) -> bool:
        """True when a stored value is already sealed with the current key (rotation skips it)."""
        if isinstance(stored, bytes):
            return stored.startswith(BYTES_MAGIC + self.current.key_id.encode())
        return stored.startswith(f"{TEXT_PREFIX}{self.current.key_id}.")


def is_sealed(stored: str | bytes) -> bool:
    """True when a stored value is in one of the sealed forms (whichever key)."""
    if isinstance(stored, bytes):
        return stored.startswith(BYTES_MAGIC)
    return stored.startswith(TEXT_PREFIX)


def _key_file_lines(path: Path, data_dir: Path) -> list[str]:
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError as exc:
        raise EncryptionKeyError(f"encryption key file {path} does not exist") from exc
    data = data_dir.resolve()
    if resolved == data or data in resolved.parents:
        raise EncryptionKeyError(
            "the encryption key file must be outside the data folder, or a copy of the folder "
            "carries its own key"
        )
    mode = resolved.stat().st_mode
    if stat.S_IMODE(mode) & 0o077:
        raise EncryptionKeyError(
            f"encryption key file {path} is readable by others: chmod 600 it"
        )
    lines = resolved.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def key_texts(settings: EncryptionSettings, data_dir: Path) -> list[str]:
    """The configured keys as written, current first: the environment list, then the key file."""
    texts = list(settings.keys)
    if settings.key_file:
        texts.extend(_key_file_lines(Path(settings.key_file), data_dir))
    return texts


def parse_keys(texts: Iterable[str]) -> list[Key]:
    """Keys from their written forms; EncryptionKeyError for a malformed one or a repeat."""
    keys: list[Key] = []
    for position, text in enumerate(texts, start=1):
        key = Key.from_text(text, position)
        if any(existing.key_id == key.key_id for existing in keys):
            raise EncryptionKeyError(f"encryption key {position} is listed twice")
        keys.append(key)
    return keys


def sealer_from_settings(settings: EncryptionSettings, data_dir: Path) -> AesGcmSealer | None:
    """The sealer for the configured keys, or None when encryption is off (no key configured).

    EncryptionKeyError when ``settings.required`` is set but no key is configured, so that a
    deployment that must encrypt cannot quietly start without.
    """
    keys = parse_keys(key_texts(settings, data_dir))
    if not keys:
        if settings.required:
            raise EncryptionKeyError(
                "encryption is required but no key is configured: set MAST_INTAKE_ENCRYPTION_KEY_FILE "
                "or MAST_INTAKE_ENCRYPTION_KEYS"
            )
        return None
    return AesGcmSealer(keys)
