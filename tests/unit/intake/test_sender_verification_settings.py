"""Which sender verification the settings choose, and which a mailbox may not use."""

from __future__ import annotations

import pytest

from mast_intake.config.settings import ConfigError, load_settings
from mast_intake.intake.sender_verification import build_sender_verifier


def settings(**env: str):
    return load_settings({f"MAST_INTAKE_{k.upper()}": v for k, v in env.items()})


def test_the_embedded_maildir_defaults_to_none() -> None:
    chosen = settings()
    assert chosen.sender_verification == "none" and not chosen.senders_unverified
    assert build_sender_verifier(chosen).mode == "none"


def test_trusted_authserv_ids_alone_choose_authentication_results() -> None:
    chosen = settings(mailbox="imap", trusted_authserv_ids="mx1.northyorks.gov.uk")
    assert chosen.sender_verification == "authentication-results"
    assert build_sender_verifier(chosen).mode == "authentication-results"


@pytest.mark.parametrize("mailbox", ["imap", "ews", "graph"])
def test_a_real_mailbox_refuses_none_unless_told_outright(mailbox: str) -> None:
    with pytest.raises(ConfigError, match="needs sender verification"):
        settings(mailbox=mailbox)
    with pytest.raises(ConfigError, match="needs sender verification"):
        settings(mailbox=mailbox, sender_verification="none")
    accepted = settings(mailbox=mailbox, sender_verification="none", accept_unverified_senders="true")
    assert accepted.senders_unverified


@pytest.mark.parametrize(("env", "message"), [
    ({"sender_verification": "authentication-results"}, "needs trusted_authserv_ids"),
    ({"sender_verification": "exchange-internal", "mailbox": "graph"}, "EXCHANGE_AUTH_SOURCES"),
    ({"sender_verification": "exchange-internal", "mailbox": "imap",
      "exchange_auth_sources": ".northyorks.gov.uk"}, "needs the ews or graph mailbox"),
    ({"sender_verification": "spf"}, "must be one of"),
])
def test_unusable_choices_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        settings(**env)


def test_exchange_internal_with_a_tenant() -> None:
    chosen = settings(mailbox="graph", sender_verification="Exchange-Internal",
                      exchange_tenant_id="00000000-0000-4000-8000-00000000feed")
    assert build_sender_verifier(chosen).mode == "exchange-internal"
