"""Forged senders through the real `mast-intake poll --once`: under every sender verification a
real mailbox may use, none of them creates a submission or gets a reply; the admin is alerted."""

from __future__ import annotations

import json

import pytest

from tests.fixtures.factory import base_spec, build_form
from tests.mail_factory import drop, email_with
from tests.service_harness import Service

OURS = "mx1.northyorks.gov.uk"
BORDER = ("Received: from mail-gw.evil.example (mail-gw.evil.example [198.51.100.7])\r\n"
          "\tby mx1.northyorks.gov.uk (Postfix) with ESMTPS id 4XyZ; Mon, 2 Nov 2026 08:14:03 +0000")


def arriving(headers_ours: tuple[str, ...], headers_sender: tuple[str, ...] = (),
             sender: str = "sam.worker@northyorks.gov.uk") -> bytes:
    raw = email_with([("tool.docx", build_form(base_spec()))], sender=sender)
    return ("".join(f"{h}\r\n" for h in (*headers_ours, BORDER, *headers_sender))).encode() + raw


FORGED = {
    "no_verdict": arriving(()),
    "dmarc_fail": arriving((f"Authentication-Results: {OURS}; dmarc=fail header.from=northyorks.gov.uk",)),
    "spf_unaligned": arriving((f"Authentication-Results: {OURS}; spf=pass smtp.mailfrom=x@evil.example",)),
    "dkim_unaligned": arriving((f"Authentication-Results: {OURS}; dkim=pass header.d=evil.example",)),
    "comment_injection": arriving((f"Authentication-Results: {OURS}; dmarc=fail (dmarc=pass)"
                                   " header.from=northyorks.gov.uk",)),
    "property_injection": arriving((f"Authentication-Results: {OURS}; dkim=pass header.d=evil.example"
                                    " policy.dmarc=pass",)),
    "forged_below": arriving((f"Authentication-Results: {OURS}; dmarc=none header.from=northyorks.gov.uk",),
                             (f"Authentication-Results: {OURS}; dmarc=pass header.from=northyorks.gov.uk",)),
    "untrusted_above": arriving(("Authentication-Results: relay.evil.example; dmarc=pass"
                                 " header.from=northyorks.gov.uk",)),
    "exchange_written_by_sender": arriving((), (
        "X-MS-Exchange-Organization-AuthAs: Internal",
        "X-MS-Exchange-Organization-AuthSource: exch01.northyorks.gov.uk",
        "Return-Path: sam.worker@northyorks.gov.uk")),
}

TRUSTED = {"MAST_INTAKE_TRUSTED_AUTHSERV_IDS": OURS}


def test_forged_senders_create_nothing_and_get_no_reply(tmp_path) -> None:
    service = Service(tmp_path, extra_env=TRUSTED)
    for name, raw in FORGED.items():
        drop(service.inbox, raw, name=f"{name}.eml")
    counts = json.loads(service.run("poll", "--once").stdout)
    assert counts["quarantined"] == len(FORGED) and "parsed" not in counts
    assert service.query("SELECT count(*) FROM submission") == [(0,)]
    assert service.query("SELECT DISTINCT outcome FROM processed_mail") == [("sender_not_verified",)]
    sent = service.outbox()
    assert len(sent) == len(FORGED)
    assert all(str(m["To"]) == "mast-intake-admin@northyorks.gov.uk" for m in sent)
    assert len(service.filed("Quarantine")) == len(FORGED)
    assert "Sender verification: authentication-results" in service.run("status").stdout


def test_a_genuine_sender_is_processed(tmp_path) -> None:
    service = Service(tmp_path, extra_env=TRUSTED)
    drop(service.inbox, arriving((f"Authentication-Results: {OURS}; dkim=pass header.d=northyorks.gov.uk;"
                                  " dmarc=pass header.from=northyorks.gov.uk",)))
    assert json.loads(service.run("poll", "--once").stdout)["parsed"] == 1
    assert [str(m["To"]) for m in service.outbox()] == ["sam.worker@northyorks.gov.uk"]


@pytest.mark.parametrize("mailbox", ["imap", "ews", "graph"])
def test_a_real_mailbox_without_sender_verification_does_not_start(tmp_path, mailbox: str) -> None:
    service = Service(tmp_path)
    refused = service.run("poll", "--once", check=False, MAST_INTAKE_MAILBOX=mailbox)
    assert refused.returncode != 0
    assert "needs sender verification" in refused.stderr and "Traceback" not in refused.stderr
    assert not (service.data / "mast-intake.db").exists()
    refused = service.run("status", check=False, MAST_INTAKE_MAILBOX=mailbox,
                          MAST_INTAKE_SENDER_VERIFICATION="none")
    assert refused.returncode != 0 and "needs sender verification" in refused.stderr
    refused = service.run("status", check=False, MAST_INTAKE_SENDER_VERIFICATION="exchange-internal",
                          MAST_INTAKE_EXCHANGE_AUTH_SOURCES=".northyorks.gov.uk")
    assert refused.returncode != 0 and "needs the ews or graph mailbox" in refused.stderr


def test_accepting_unverified_senders_marks_every_reply_and_agenda_entry(tmp_path) -> None:
    service = Service(tmp_path, extra_env={"MAST_INTAKE_SENDER_VERIFICATION": "none",
                                           "MAST_INTAKE_ACCEPT_UNVERIFIED_SENDERS": "true"})
    service.send_tool()
    service.send_tool(b"%PDF-1.4 not really", name="broken.pdf")
    assert json.loads(service.run("poll", "--once").stdout)["parsed"] == 1
    replies = service.outbox()
    assert len(replies) == 2
    for reply in replies:
        assert "SENDER NOT VERIFIED" in reply.get_body(("plain",)).get_content()
        assert "Sender not verified" in reply.get_body(("html",)).get_content()
    (case,) = [json.loads(line) for line in service.run("agenda", "--json").stdout.splitlines()]
    assert case["sender_verified"] is False
    assert "(sender not verified)" in service.run("agenda").stdout
    assert "none (accepting unverified senders)" in service.run("status").stdout


def test_without_the_opt_in_replies_carry_no_such_mark(tmp_path) -> None:
    service = Service(tmp_path)
    service.send_tool()
    service.run("poll", "--once")
    (reply,) = service.outbox()
    assert "NOT VERIFIED" not in reply.get_body(("plain",)).get_content()
    (case,) = [json.loads(line) for line in service.run("agenda", "--json").stdout.splitlines()]
    assert case["sender_verified"] is True
