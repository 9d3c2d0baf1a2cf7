"""The mailer adapter for Exchange Web Services, sending as the MAST mailbox via exchangelib.

One ``CreateItem`` request per message, ``MessageDisposition="SendAndSaveCopy"`` with the copy
saved in the mailbox's Sent Items (so the MAST team can see what the service sent, as with the
Graph mailer), the message given whole as base64 ``MimeContent``. Exchange takes the recipients
from the MIME To/Cc headers and keeps the Message-ID header as given. The first send also makes
two ``GetFolder`` requests (the mailbox root and Sent Items), once per adapter.

Permissions: as for :mod:`mast_intake.intake.adapters.ews` (same account and settings), plus
"Send As" on the MAST mailbox when the credentials are a service account's rather than the
mailbox's own (``Add-ADPermission -Identity <MAST mailbox> -User <service account>
-ExtendedRights "Send As"`` on Exchange Server). With ``ews.auth = "oauth"`` impersonation already
sends as the mailbox.

exchangelib adds its defaults for a few MAPI properties beside the MIME content (Normal
importance and sensitivity, no read or delivery receipt); they match what the composer writes.
"""

from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import urlsplit

from exchangelib import Account, Message
from exchangelib.items import SEND_AND_SAVE_COPY

from mast_intake.config.settings import EwsSettings
from mast_intake.intake.adapters.ews_account import (
    EWS_ERRORS,
    build_account,
    close_account,
    error_name,
    service_endpoint,
)
from mast_intake.ports.mailer import Mailer, MailerError


def mime_bytes(message: EmailMessage) -> bytes:
    """The message as RFC 5322 bytes with CRLF line ends, headers as the caller set them."""
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


class EwsMailer(Mailer):
    """Sends mail from the MAST mailbox through Exchange Web Services.

    ``settings`` are the same EWS settings the mailbox adapter uses; ``account`` lets the two
    share one exchangelib account (and its HTTP session). Creating the mailer sends nothing; a bad
    setting raises ``ConfigError`` at once.

    Contract (see :class:`~mast_intake.ports.mailer.Mailer`):

    - ``send(message)`` makes one ``CreateItem`` with the whole message as MIME content and
      ``SendAndSaveCopy`` to Sent Items; success means Exchange accepted it for delivery.
    - Message-ID, From, To, Cc and every other header travel in the MIME content unchanged;
      nothing is added to the recipients.
    - Any failure (refused, throttled, unreachable, token refused) raises ``MailerError`` naming
      the server and the error class only, ``from None`` so no library message (which could quote
      the request, i.e. the message) is chained.
    - ``close()`` closes the HTTP sessions.
    """

    def __init__(self, settings: EwsSettings, *, account: Account | None = None) -> None:
        self.server = urlsplit(service_endpoint(settings)).hostname or "the EWS server"
        self.account = account or build_account(settings)

    def send(self, message: EmailMessage) -> None:
        item = Message(account=self.account, mime_content=mime_bytes(message))
        try:
            # folder=None with SendAndSaveCopy saves the copy in the distinguished Sent Items.
            results = self.account.bulk_create(
                folder=None, items=[item], message_disposition=SEND_AND_SAVE_COPY
            )
            for result in results:
                if isinstance(result, Exception):
                    raise result
        except EWS_ERRORS as exc:
            raise MailerError(f"EWS CreateItem on {self.server} failed: {error_name(exc)}") from None

    def close(self) -> None:
        close_account(self.account)
