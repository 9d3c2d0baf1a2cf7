"""The sealing port: the hook for encrypting free text at rest (repositories seal on write, unseal on read).

:class:`PlainText` stores values as they are (encryption off). The encrypting implementation is
:class:`mast_intake.protection.crypto.AesGcmSealer`, chosen by the composition root when a key is
configured; it also offers ``lookup_keys`` (one lookup key per key in its ring) so that a child
recorded under an older key is still found while a key rotation is pending.
"""

from __future__ import annotations

from typing import Protocol


class Sealer(Protocol):
    """Turns free text and message bytes into what is stored, and back; plus lookup keys."""

    def seal(self, text: str) -> str: ...

    def unseal(self, stored: str) -> str: ...

    def seal_bytes(self, data: bytes) -> bytes: ...

    def unseal_bytes(self, stored: bytes) -> bytes: ...

    def lookup_key(self, normalised: str) -> str:
        """A deterministic stand-in for ``normalised`` that equality lookups can use."""
        ...


class PlainText:
    """Stores everything as it is: the default when no encryption key is configured."""

    encrypting = False

    def seal(self, text: str) -> str:
        return text

    def unseal(self, stored: str) -> str:
        return stored

    def seal_bytes(self, data: bytes) -> bytes:
        return data

    def unseal_bytes(self, stored: bytes) -> bytes:
        return stored

    def lookup_key(self, normalised: str) -> str:
        return normalised


def lookup_keys(sealer: Sealer, normalised: str) -> list[str]:
    """Every lookup key ``normalised`` may be stored under: the current one first.

    A sealer with a key ring answers for each of its keys (a rotation may not have re-keyed every
    row yet); any other sealer has just its ``lookup_key``.
    """
    several = getattr(sealer, "lookup_keys", None)
    return list(several(normalised)) if several is not None else [sealer.lookup_key(normalised)]
