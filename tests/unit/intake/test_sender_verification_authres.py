"""The authentication-results verifier on real header sets: only our servers' topmost, aligned
verdicts count; comments, properties and anything below an untrusted hop never do."""

from __future__ import annotations

import pytest

from mast_intake.intake.sender_verification.authentication_results import AuthenticationResultsVerifier
from mast_intake.intake.sender_verification.domains import aligned, organisational_domain
from tests.mail_factory import email_with

TRUSTED = ["mx1.northyorks.gov.uk", "MX2.NorthYorks.gov.uk"]
ALLOWED = ["northyorks.gov.uk", "northyorkshire.pnn.police.uk"]
SENDER = "sam.worker@northyorks.gov.uk"
BORDER = ("Received: from mail-gw.example.net (mail-gw.example.net [192.0.2.25])\r\n"
          "\tby mx1.northyorks.gov.uk (Postfix) with ESMTPS id 4AbCdE1234\r\n"
          "\tfor <nymast@northyorks.gov.uk>; Mon,  2 Nov 2026 08:14:03 +0000 (GMT)")


def message(*top: str, sender: str = SENDER, below: tuple[str, ...] = ()) -> bytes:
    """A worker's email as it reaches the mailbox: ``top`` headers prepended by our servers above
    the border hop's Received header, ``below`` headers as the sender wrote them."""
    raw = email_with([("tool.docx", b"PK fictional")], sender=sender)
    sender_part = "".join(f"{line}\r\n" for line in below).encode()
    ours = "".join(f"{line}\r\n" for line in (*top, BORDER)).encode()
    return ours + sender_part + raw


def verdict(raw: bytes, sender: str = SENDER, trusted: list[str] = TRUSTED):
    return AuthenticationResultsVerifier(trusted, ALLOWED).verify(raw, sender)


# Header sets as OpenDKIM, OpenDMARC and rspamd write them.
DMARC_PASS = ("Authentication-Results: mx1.northyorks.gov.uk; dmarc=pass (p=quarantine dis=none)"
              " header.from=northyorks.gov.uk")
DKIM_PASS = ("Authentication-Results: mx1.northyorks.gov.uk;\r\n\tdkim=pass (2048-bit key; unprotected)"
             " header.d=northyorks.gov.uk header.i=@northyorks.gov.uk header.a=rsa-sha256"
             " header.s=selector1 header.b=AbCdEfGh")


@pytest.mark.parametrize(("headers", "expected"), [
    ((DMARC_PASS, DKIM_PASS), (True, "dmarc_pass")),
    # rspamd: one header with everything.
    (("Authentication-Results: mx1.northyorks.gov.uk;\r\n\tdkim=pass header.d=northyorks.gov.uk"
      " header.s=s1 header.b=Zz1;\r\n\tspf=pass (mx1.northyorks.gov.uk: domain of sam.worker@"
      "northyorks.gov.uk designates 192.0.2.25 as permitted sender) smtp.mailfrom=sam.worker@"
      "northyorks.gov.uk;\r\n\tdmarc=pass (policy=quarantine) header.from=northyorks.gov.uk",),
     (True, "dmarc_pass")),
    ((DKIM_PASS,), (True, "dkim_aligned")),
    # DKIM by a subdomain of the From domain: relaxed alignment.
    (("Authentication-Results: mx1.northyorks.gov.uk; dkim=pass header.d=mail.northyorks.gov.uk",),
     (True, "dkim_aligned")),
    (("Authentication-Results: mx1.northyorks.gov.uk; spf=pass smtp.mailfrom=bounces@northyorks.gov.uk",),
     (True, "spf_aligned")),
    # Unaligned passes: the attacker's own domain signs and sends.
    (("Authentication-Results: mx1.northyorks.gov.uk; spf=pass smtp.mailfrom=x@evil.example",),
     (False, "not_aligned")),
    (("Authentication-Results: mx1.northyorks.gov.uk; dkim=pass header.d=evil.example",),
     (False, "not_aligned")),
    # A look-alike: same suffix, other organisation.
    (("Authentication-Results: mx1.northyorks.gov.uk; dkim=pass header.d=northyorks-gov.uk",),
     (False, "not_aligned")),
    # DMARC fail is final even beside an aligned DKIM pass.
    (("Authentication-Results: mx1.northyorks.gov.uk; dkim=pass header.d=northyorks.gov.uk;"
      " dmarc=fail (p=reject dis=none) header.from=northyorks.gov.uk",), (False, "dmarc_fail")),
    # DMARC none (no policy): an aligned DKIM pass still verifies; nothing aligned does not.
    (("Authentication-Results: mx1.northyorks.gov.uk; dmarc=none header.from=northyorks.gov.uk;"
      " dkim=pass header.d=northyorks.gov.uk",), (True, "dkim_aligned")),
    (("Authentication-Results: mx1.northyorks.gov.uk; dmarc=none header.from=northyorks.gov.uk;"
      " spf=none smtp.mailfrom=northyorks.gov.uk",), (False, "no_pass")),
    # DMARC passes for another domain than the From.
    (("Authentication-Results: mx1.northyorks.gov.uk; dmarc=pass header.from=evil.example",),
     (False, "no_pass")),
    (("Authentication-Results: mx1.northyorks.gov.uk; dkim=fail header.d=northyorks.gov.uk",),
     (False, "no_pass")),
    (("Authentication-Results: mx1.northyorks.gov.uk; none",), (False, "no_trusted_results")),
    ((), (False, "no_trusted_results")),
])
def test_verdicts_of_our_servers(headers, expected) -> None:
    result = verdict(message(*headers))
    assert (result.verified, result.reason) == expected


def test_no_authentication_results_header_is_not_verified() -> None:
    assert not verdict(email_with([("tool.docx", b"PK")], sender=SENDER)).verified


@pytest.mark.parametrize("injected", [
    # In a comment of the server's own header, and as properties the server did not define.
    "Authentication-Results: mx1.northyorks.gov.uk; dmarc=fail (dmarc=pass) header.from=northyorks.gov.uk",
    "Authentication-Results: mx1.northyorks.gov.uk; spf=fail (dmarc=pass header.from=northyorks.gov.uk)"
    " smtp.mailfrom=x@evil.example",
    "Authentication-Results: mx1.northyorks.gov.uk; dkim=pass header.d=evil.example policy.dmarc=pass",
    "Authentication-Results: mx1.northyorks.gov.uk; spf=softfail smtp.mailfrom=evil.example"
    " x-note.dmarc=pass",
    "Authentication-Results: mx1.northyorks.gov.uk; dkim=neutral reason=\"dmarc=pass\" header.d=evil.example",
])
def test_dmarc_pass_in_comments_and_properties_never_counts(injected) -> None:
    assert not verdict(message(injected)).verified


@pytest.mark.parametrize("forged", [
    # Same trusted id as our server, written by the sender below our border hop.
    "Authentication-Results: mx1.northyorks.gov.uk; dmarc=pass header.from=northyorks.gov.uk",
    "Authentication-Results: MX2.northyorks.gov.uk; dkim=pass header.d=northyorks.gov.uk",
])
def test_forged_headers_below_ours_never_count(forged) -> None:
    ours = "Authentication-Results: mx1.northyorks.gov.uk; dmarc=fail header.from=northyorks.gov.uk"
    assert verdict(message(ours, below=(forged,))).reason == "dmarc_fail"
    ours_none = ("Authentication-Results: mx1.northyorks.gov.uk; spf=none smtp.mailfrom=evil.example;"
                 " dkim=none; dmarc=none header.from=northyorks.gov.uk")
    assert not verdict(message(ours_none, below=(forged,))).verified


def test_headers_below_an_untrusted_one_never_count() -> None:
    untrusted = "Authentication-Results: relay.partner.example; dmarc=pass header.from=northyorks.gov.uk"
    assert verdict(message(untrusted, DMARC_PASS)).reason == "no_trusted_results"
    assert verdict(message(DMARC_PASS), trusted=["mx9.northyorks.gov.uk"]).reason == "no_trusted_results"


def test_an_unparseable_header_stops_the_reading() -> None:
    # Exchange Online's own format has no authserv-id and does not parse as RFC 8601.
    eop = ("Authentication-Results: spf=pass (sender IP is 192.0.2.25) smtp.mailfrom=northyorks.gov.uk;"
           " dkim=pass (signature was verified) header.d=northyorks.gov.uk;dmarc=pass action=none"
           " header.from=northyorks.gov.uk;compauth=pass reason=100")
    assert verdict(message(eop, DMARC_PASS)).reason == "no_trusted_results"


def test_authserv_ids_are_compared_without_case() -> None:
    upper = "Authentication-Results: MX1.NORTHYORKS.GOV.UK; dmarc=pass header.from=NorthYorks.GOV.uk"
    assert verdict(message(upper)).verified
    lower_config = "Authentication-Results: mx2.northyorks.gov.uk; dkim=pass header.d=northyorks.gov.uk"
    assert verdict(message(lower_config)).verified


def test_several_hops_of_ours_each_add_headers() -> None:
    inner = ("Received: from mx1.northyorks.gov.uk (mx1.northyorks.gov.uk [10.0.0.5])\r\n"
             "\tby mx2.northyorks.gov.uk (Postfix) with ESMTPS; Mon, 2 Nov 2026 08:14:04 +0000")
    raw = message("Authentication-Results: mx2.northyorks.gov.uk; dkim=pass header.d=northyorks.gov.uk",
                  inner, DMARC_PASS)
    # mx2's verdict counts; the hop below it (mx1's header) is a separate hop and is not read.
    assert verdict(raw).reason == "dkim_aligned"


def test_subdomains_of_allowed_domains() -> None:
    sender = "pat.officer@mail.northyorks.gov.uk"
    own = "Authentication-Results: mx1.northyorks.gov.uk; dmarc=pass header.from=mail.northyorks.gov.uk"
    raw = message(own, sender=sender)
    assert verdict(raw, sender=sender).verified
    # DMARC for the parent domain is not DMARC for the subdomain the From names.
    raw = message(DMARC_PASS, sender=sender)
    assert not verdict(raw, sender=sender).verified
    # DKIM by the parent domain aligns with the subdomain (same organisational domain).
    raw = message(DKIM_PASS, sender=sender)
    assert verdict(raw, sender=sender).reason == "dkim_aligned"


def test_police_forces_share_an_organisational_domain_but_do_not_vouch_for_each_other() -> None:
    sender = "pc.officer@northyorkshire.pnn.police.uk"
    other_force = "Authentication-Results: mx1.northyorks.gov.uk; dkim=pass header.d=otherforce.pnn.police.uk"
    assert not verdict(message(other_force, sender=sender), sender=sender).verified
    own = "Authentication-Results: mx1.northyorks.gov.uk; dkim=pass header.d=northyorkshire.pnn.police.uk"
    assert verdict(message(own, sender=sender), sender=sender).verified


def test_the_from_header_must_name_the_sender_once() -> None:
    raw = message(DMARC_PASS, below=("From: Other <sam.worker@northyorks.gov.uk>",))
    assert verdict(raw).reason == "from_unclear"
    assert verdict(message(DMARC_PASS), sender="someone.else@northyorks.gov.uk").reason == "from_unclear"


def test_organisational_domains_come_from_the_bundled_public_suffix_list() -> None:
    assert organisational_domain("a.b.northyorks.gov.uk") == "northyorks.gov.uk"
    assert organisational_domain("gov.uk") == "gov.uk"
    assert organisational_domain("x.northyorkshire.pnn.police.uk") == "pnn.police.uk"
    assert not aligned("gov.uk", "northyorks.gov.uk", ALLOWED)


def test_the_public_suffix_list_is_never_fetched(monkeypatch) -> None:
    import socket

    from mast_intake.intake.sender_verification import domains

    def refuse(*args, **kwargs):
        raise AssertionError("network access")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    domains._suffixes.cache_clear()
    assert organisational_domain("mail.northyorks.gov.uk") == "northyorks.gov.uk"
