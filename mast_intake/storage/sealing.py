"""The hook for encrypting free text at rest: repositories seal on write and unseal on read."""

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
    """Stores everything as it is: the default until encryption at rest is added."""

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
