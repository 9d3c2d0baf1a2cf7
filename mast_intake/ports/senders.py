"""The sender verification port: may we believe the From address of an incoming email?

The allowed-domain check (``domains.sender_in_allowed_domains``) says who may submit; this port
says whether the email really comes from the address in its From header. Only our own mail
servers can vouch for that: whatever else a message says about itself, its sender wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

NOT_CHECKED = "not_checked"
"""The reason a ``none`` verifier gives: nothing was checked, the sender is taken on trust."""


@dataclass(frozen=True)
class SenderVerdict:
    """What a verifier concluded about one email.

    Attributes:
        verified: True only when our own mail servers vouch for the From address.
        reason: One token saying why (``dmarc_pass``, ``dkim_aligned``, ``no_trusted_results``,
            ``not_internal`` ...): logged and shown to the administrator, never to the sender.
    """

    verified: bool
    reason: str

    @property
    def accepted(self) -> bool:
        """True when the email may be processed: verified, or verification is switched off."""
        return self.verified or self.reason == NOT_CHECKED


class SenderVerifier(Protocol):
    """Decides whether an incoming email's From address is vouched for by our own mail servers.

    Contract for every adapter:

    - ``mode`` is the setting value that selects it (``authentication-results``,
      ``exchange-internal`` or ``none``); ``mast-intake status`` shows it.
    - ``verify(raw, sender)`` looks at the headers of ``raw`` (the email as the mailbox holds
      it) and at ``sender``, the lower-case address the intake took from the From header and
      will reply to. It returns a ``SenderVerdict`` and never raises for anything a message
      contains: a header it cannot parse counts as no evidence, so the answer is "not
      verified", never an error that a sender could provoke to skip the check.
    - Only evidence added by our own servers counts. Text a sender controls (comments,
      unknown properties, headers below an untrusted hop, headers inside an attached email)
      never turns "not verified" into "verified".
    - Several From headers, or a From header without exactly one address, are never verified.
    - It holds no connection and does no I/O: it reads the message it is given.
    """

    mode: str

    def verify(self, raw: bytes, sender: str) -> SenderVerdict:
        """The verdict on ``raw``'s From address ``sender``."""
        ...
