"""The Mailer port's contract, as the outbox relies on it, run against every adapter.

See :class:`mast_intake.ports.mailer.Mailer`: the message arrives whole, its Message-ID and
every other header as the caller set them, its recipients exactly its To and Cc; the outbox's
bytes send the same message; any failure is the port's own MailerError, naming no content.
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

import pytest

from mast_intake.ports.mailer import MailerError
from tests.integration.contracts.conftest import MailerRig
from tests.mail_factory import reply

HEADERS = ("From", "To", "Cc", "Subject", "Date", "Message-ID", "Auto-Submitted")


def parsed(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def assert_same(received: EmailMessage, sent: EmailMessage) -> None:
    """The received message says what the sent one said: headers, body and attachments."""
    for name in HEADERS:
        assert received[name] == sent[name], name
    body, sent_body = received.get_body(("plain",)), sent.get_body(("plain",))
    assert body is not None and sent_body is not None
    assert body.get_content().replace("\r\n", "\n") == sent_body.get_content()  # CRLF on the wire
    assert {part.get_filename(): part.get_content() for part in received.iter_attachments()} == {
        part.get_filename(): part.get_content() for part in sent.iter_attachments()}


def test_send_delivers_the_message_whole(mailer_rig: MailerRig) -> None:
    message = reply()
    mailer_rig.mailer.send(message)
    [raw] = mailer_rig.received()
    assert_same(parsed(raw), message)


def test_the_message_id_travels_as_given(mailer_rig: MailerRig) -> None:
    mailer_rig.mailer.send(reply(2))
    [raw] = mailer_rig.received()
    assert b"Message-ID: <mast-intake-test-2@example.invalid>" in raw


def test_recipients_are_exactly_to_and_cc(mailer_rig: MailerRig) -> None:
    message = reply(3)
    mailer_rig.mailer.send(message)
    [raw] = mailer_rig.received()
    received = parsed(raw)
    assert (received["To"], received["Cc"], received["Bcc"]) == (message["To"], message["Cc"], None)
    envelopes = mailer_rig.recipients()
    if envelopes is not None:
        assert envelopes == [["zoe.testworker@example.invalid", "team@example.invalid"]]


def test_send_mime_sends_the_outbox_bytes_as_send_would(mailer_rig: MailerRig) -> None:
    message = reply(4)
    mailer_rig.mailer.send_mime(message.as_bytes(policy=message.policy.clone(linesep="\r\n")))
    [raw] = mailer_rig.received()
    assert_same(parsed(raw), message)


def test_each_message_is_sent_on_its_own(mailer_rig: MailerRig) -> None:
    for number in (5, 6):
        mailer_rig.mailer.send(reply(number))
    ids = sorted(parsed(raw)["Message-ID"] for raw in mailer_rig.received())
    assert ids == ["<mast-intake-test-5@example.invalid>", "<mast-intake-test-6@example.invalid>"]


def test_a_large_attachment_arrives_whole(mailer_rig: MailerRig) -> None:
    message = reply(7, attachment=bytes(range(256)) * 8 * 1024)  # 2 MiB, under Graph's 4 MB
    mailer_rig.mailer.send(message)
    [raw] = mailer_rig.received()
    assert_same(parsed(raw), message)


def test_a_refused_send_is_a_mailer_error_naming_no_content(mailer_rig: MailerRig) -> None:
    mailer_rig.refuse()
    with pytest.raises(MailerError) as caught:
        mailer_rig.mailer.send(reply(8))
    said = str(caught.value)
    assert "fictional" not in said.lower() and "Zoë" not in said and "mast-intake-test-8" not in said
    assert mailer_rig.received() == []
