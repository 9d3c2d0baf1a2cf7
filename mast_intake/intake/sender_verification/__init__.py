"""Sender verification: the adapters of the ``ports.senders`` port, and the mail-domain rules (``domains``).

Adapters: ``authentication_results`` (our mail servers' RFC 8601 headers), ``exchange_internal``
(Exchange's organisation headers) and ``none`` (nothing checked). ``build_sender_verifier``
picks the one the settings name.
"""

from __future__ import annotations

from mast_intake.config.settings import Settings, resolve_sender_verification
from mast_intake.ports.senders import SenderVerifier

__all__ = ["build_sender_verifier"]


def build_sender_verifier(settings: Settings) -> SenderVerifier:
    """The adapter the settings choose; ConfigError when the mailbox may not use that choice."""
    mode = resolve_sender_verification(settings)
    if mode == "authentication-results":
        from mast_intake.intake.sender_verification.authentication_results import (
            AuthenticationResultsVerifier,
        )

        return AuthenticationResultsVerifier(settings.trusted_authserv_ids, settings.allowed_sender_domains)
    if mode == "exchange-internal":
        from mast_intake.intake.sender_verification.exchange_internal import ExchangeInternalVerifier

        return ExchangeInternalVerifier(settings.exchange.auth_sources, settings.exchange.tenant_id)
    from mast_intake.intake.sender_verification.none import NoVerification

    return NoVerification()
