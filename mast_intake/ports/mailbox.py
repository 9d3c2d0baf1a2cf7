"""The mailbox port: where submitted risk tools arrive, and where handled mail is filed.

Adapters (``intake/adapters``) subclass :class:`Mailbox` to inherit its optional hooks.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator
from typing import Protocol


class MailboxError(Exception):
    """The mailbox could not be reached or refused an operation; safe to retry next cycle.

    Adapters translate their library's errors into this, with a message that names the
    operation and the server but nothing from any message.
    """


class Mailbox(Protocol):
    """A mailbox the service polls.

    Contract for every adapter:

    - ``pending()`` yields opaque keys of the messages waiting in the inbox, oldest first. A key
      stays valid until the message is moved; the same message yields the same key on every call.
    - ``fetch(key)`` returns the whole message as RFC 5322 bytes (MIME, with its attachments),
      exactly as received, so that parsing is the same for every adapter.
    - ``move(key, folder)`` files the message in ``folder`` ("Processed" or "Quarantine" by
      default), creating the folder if needed. Moving a message that is already gone is not an
      error: a crash between the move and its bookkeeping must be recoverable.
    - Nothing here sends mail; outgoing mail goes through the ``Mailer`` port.
    """

    @abc.abstractmethod
    def pending(self) -> Iterator[str]:
        """Keys of the messages waiting in the inbox, oldest first."""

    @abc.abstractmethod
    def fetch(self, key: str) -> bytes:
        """The raw RFC 5322 bytes of one message."""

    @abc.abstractmethod
    def move(self, key: str, folder: str) -> None:
        """File one message in ``folder``; a message already gone is not an error."""

    def restore(self, key: str, folder: str) -> bool:
        """Put a message filed in ``folder`` back in the inbox; False when this adapter cannot.

        Used when an administrator releases a quarantined message from the web console. Where
        it returns False the administrator moves the message back in the mail client instead.
        """
        return False

    def wait_for_mail(self, timeout: float) -> bool | None:
        """Block until the server says mail may have arrived (True) or ``timeout`` passes (False).

        None, at once, when this adapter cannot be told (the service then polls on its interval
        only). A True may be a false alarm (another change in the inbox): the caller polls, which
        is always safe. Adapters that implement it use a connection of their own, so the service
        calls it on a separate instance from the one it polls with. Raises MailboxError as the
        other operations do.
        """
        return None

    def close(self) -> None:
        """Release any connection held open (most adapters hold nothing open)."""
        return None
