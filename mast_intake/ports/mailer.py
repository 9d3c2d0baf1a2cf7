"""The outgoing mail port.

Adapters (``notifier/adapters``) subclass :class:`Mailer` to inherit ``send_mime`` and ``close``.
"""

from __future__ import annotations

import abc
import email
import email.policy
from email.message import EmailMessage
from typing import Protocol


class MailerError(Exception):
    """Sending failed; the outbox keeps the message and tries again later.

    Adapters translate their library's errors into this, naming the server, never the content.
    """


class Mailer(Protocol):
    """Sends one fully formed email.

    Contract for every adapter:

    - ``send(message)`` delivers ``message`` (an ``EmailMessage`` with From, To, Subject,
      Message-ID and Date already set by the caller) or raises ``MailerError``.
    - The Message-ID is kept as given, so that a receiver can de-duplicate the rare resend
      after a crash between sending and marking the outbox row as sent.
    - Recipients are exactly the message's To/Cc headers; nothing is added.
    """

    @abc.abstractmethod
    def send(self, message: EmailMessage) -> None:
        """Deliver one message or raise MailerError."""

    def send_mime(self, data: bytes) -> None:
        """Deliver one message given as its serialised bytes (as the outbox holds it).

        Parsed and sent with ``send``; an adapter that can hand the bytes on as they are
        overrides this to skip parsing and serialising the message again.
        """
        self.send(email.message_from_bytes(data, policy=email.policy.default))

    def close(self) -> None:
        """Release any connection held open (most adapters hold nothing open)."""
        return None
