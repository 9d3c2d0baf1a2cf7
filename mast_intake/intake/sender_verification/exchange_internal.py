"""The ``exchange-internal`` adapter: believe Exchange when it says a sender authenticated inside
our own organisation (the EWS and Graph mailboxes, where partner mail arrives in the tenant).

Exchange stamps ``X-MS-Exchange-Organization-AuthAs: Internal`` on a message submitted by a
user or server that authenticated to our organisation, and its header firewall removes every
``X-MS-Exchange-Organization-*`` header from messages entering from untrusted sources, so a
sender outside cannot write it (README, "Sender verification", says what that does and does
not guarantee). Verified only when all of these hold:

1. exactly one ``X-MS-Exchange-Organization-AuthAs`` header, and it says ``Internal``;
2. exactly one ``X-MS-Exchange-Organization-AuthSource``, naming one of our Exchange servers
   (``exchange.auth_sources``; an entry starting with ``.`` matches hosts under it);
3. with ``exchange.tenant_id`` set (Exchange Online, whose servers every tenant shares):
   exactly one ``X-MS-Exchange-CrossTenant-Id`` equal to it, and any
   ``X-MS-Exchange-CrossTenant-AuthAs`` says ``Internal`` too;
4. the authenticated sender is the From address: exactly one ``Return-Path`` (the envelope
   sender Exchange delivered with) equal to it, and no ``Sender`` header naming anyone else.
"""

from __future__ import annotations

import email.utils
from email.message import Message

from mast_intake.intake.sender_verification.headers import header_block, single_from_address
from mast_intake.ports.senders import SenderVerdict

AUTH_AS = "X-MS-Exchange-Organization-AuthAs"
AUTH_SOURCE = "X-MS-Exchange-Organization-AuthSource"
TENANT = "X-MS-Exchange-CrossTenant-Id"
TENANT_AUTH_AS = "X-MS-Exchange-CrossTenant-AuthAs"


def _only(headers: Message, name: str) -> str | None:
    """The value of the one header ``name``, stripped; None when absent or repeated."""
    values = headers.get_all(name) or []
    return str(values[0]).strip() if len(values) == 1 else None


def _address(value: str | None) -> str:
    return email.utils.parseaddr(value or "")[1].strip().lower()


class ExchangeInternalVerifier:
    """Verified only for mail our own Exchange organisation authenticated, from the From address."""

    mode = "exchange-internal"

    def __init__(self, auth_sources: list[str], tenant_id: str = "") -> None:
        self._sources = [s.strip().lower().rstrip(".") for s in auth_sources if s.strip()]
        self._tenant = tenant_id.strip().lower()

    def _our_server(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host.endswith(s) if s.startswith(".") else host == s for s in self._sources)

    def verify(self, raw: bytes, sender: str) -> SenderVerdict:
        """Apply the module's rules to ``raw``'s headers for the From address ``sender``."""
        headers = header_block(raw)
        sender = sender.strip().lower()
        if single_from_address(headers) != sender:
            return SenderVerdict(False, "from_unclear")
        if (_only(headers, AUTH_AS) or "").lower() != "internal":
            return SenderVerdict(False, "not_internal")
        source = _only(headers, AUTH_SOURCE)
        if self._sources and (source is None or not self._our_server(source)):
            return SenderVerdict(False, "outside_organisation")
        if self._tenant:
            if (_only(headers, TENANT) or "").lower() != self._tenant:
                return SenderVerdict(False, "outside_organisation")
            tenant_auth = headers.get_all(TENANT_AUTH_AS) or []
            if any(str(v).strip().lower() != "internal" for v in tenant_auth):
                return SenderVerdict(False, "not_internal")
        if _address(_only(headers, "Return-Path")) != sender:
            return SenderVerdict(False, "sender_mismatch")
        if any(_address(str(v)) != sender for v in headers.get_all("Sender") or []):
            return SenderVerdict(False, "sender_mismatch")
        return SenderVerdict(True, "exchange_internal")
