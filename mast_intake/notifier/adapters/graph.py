"""The mailer adapter for Microsoft Graph (Exchange Online), sending as the MAST mailbox.

One request per message: ``POST {graph.endpoint}/users/{graph.mailbox}/sendMail`` with the whole
message, base64-encoded, as a ``text/plain`` body (Graph's MIME send). Exchange Online takes the
recipients from the MIME To/Cc headers, keeps the Message-ID header, and saves a copy to the
mailbox's Sent Items (the default for MIME sends). Graph answers 202 Accepted.

Permissions: the Graph application permission ``Mail.Send``, limited to the MAST mailbox by the
same application access policy (or RBAC for Applications scope) as ``Mail.ReadWrite``; see
:mod:`mast_intake.intake.adapters.graph`. The From header must be the MAST mailbox (or an address
it may send as).

Graph limits a sendMail request to 4 MB, so a message whose base64 is larger fails with 413 and
raises ``MailerError`` (larger mail would need a draft and an upload session).
"""

from __future__ import annotations

import base64
from email.message import EmailMessage

from mast_intake.config.settings import GraphSettings
from mast_intake.intake.adapters.graph_client import GraphClient, GraphError
from mast_intake.ports.mailer import Mailer, MailerError


def mime_bytes(message: EmailMessage) -> bytes:
    """The message as RFC 5322 bytes with CRLF line ends, headers as the caller set them."""
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


class GraphMailer(Mailer):
    """Sends mail from the MAST mailbox through Microsoft Graph with app-only auth.

    ``settings`` are the Graph settings the mailbox adapter uses; ``client`` lets the two share
    one client and token cache (tests pass one with a fake sleep). Creating the mailer sends
    nothing; a missing setting raises ``ConfigError``.

    Contract (see :class:`~mast_intake.ports.mailer.Mailer`):

    - ``send(message)`` POSTs the message as base64 MIME to ``sendMail``; 202 means Exchange
      Online accepted it. Message-ID and every other header travel unchanged; the recipients are
      the message's own To/Cc.
    - 429 and 503 are retried after ``Retry-After`` (bounded); then, and for any other failure
      (token refused, 4xx/5xx, unreachable), ``MailerError`` names the operation, host, status and
      Graph error code only.
    - ``close()`` closes the HTTP session.
    """

    def __init__(self, settings: GraphSettings, *, client: GraphClient | None = None) -> None:
        self.client = client or GraphClient(settings)

    def send(self, message: EmailMessage) -> None:
        body = base64.b64encode(mime_bytes(message))
        try:
            self.client.request(
                "send mail",
                "POST",
                f"{self.client.mailbox_url}/sendMail",
                data=body,
                headers={"Content-Type": "text/plain"},
            )
        except GraphError as exc:
            raise MailerError(str(exc)) from None

    def close(self) -> None:
        self.client.close()
