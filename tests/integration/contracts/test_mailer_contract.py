"""The Mailer port's contract, as the outbox relies on it, run against every adapter.

See :class:`mast_intake.notifier.mailer.Mailer`: the message arrives whole, its Message-ID and
every other header as the caller set them, its recipients exactly its To and Cc; the outbox's
bytes send the same message; any failure is the port's own MailerError, naming no content.
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

import pytest

from mast_intake.notifier.mailer import MailerError
from tests.integration.contracts.conftest import MailerRig

HEADERS = ("From", "To", "Cc", "Subject", "Date", "Message-ID", "Auto-Submitted")


def outgoing(number: int = 1, attachment: bytes = b"fictional agenda") -> EmailMessage:
    """A fictional reply with two attachments, headers set as the composer sets them."""
    message = EmailMessage()
    message["From"] = "MAST Intake Test <mast@example.invalid>"
    message["To"] = "Zoë Testworker <zoe.testworker@example.invalid>"
    message["Cc"] = "Team Fictional <team@example.invalid>"
    message["Subject"] = f"Received: fictional risk tool {number} – Zoë’s case"
    message["Date"] = "Mon, 02 Mar 2026 08:20:00 +0000"
    message["Message-ID"] = f"<mast-intake-contract-{number}@example.invalid>"
    message["Auto-Submitted"] = "auto-replied"
    message.set_content("Thank you. This is a fictional test reply.\n")
    message.add_attachment(attachment, maintype="application", subtype="pdf", filename="agenda.pdf")
    message.add_attachment(b"PK\x03\x04 fictional docx", maintype="application",
                           subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                           filename="comments.docx")
    return message


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
    message = outgoing()
    mailer_rig.mailer.send(message)
    [raw] = mailer_rig.received()
    assert_same(parsed(raw), message)


def test_the_message_id_travels_as_given(mailer_rig: MailerRig) -> None:
    mailer_rig.mailer.send(outgoing(2))
    [raw] = mailer_rig.received()
    assert b"Message-ID: <mast-intake-contract-2@example.invalid>" in raw


def test_recipients_are_exactly_to_and_cc(mailer_rig: MailerRig) -> None:
    message = outgoing(3)
    mailer_rig.mailer.send(message)
    [raw] = mailer_rig.received()
    received = parsed(raw)
    assert (received["To"], received["Cc"], received["Bcc"]) == (message["To"], message["Cc"], None)
    envelopes = mailer_rig.recipients()
    if envelopes is not None:
        assert envelopes == [["zoe.testworker@example.invalid", "team@example.invalid"]]


def test_send_mime_sends_the_outbox_bytes_as_send_would(mailer_rig: MailerRig) -> None:
    message = outgoing(4)
    mailer_rig.mailer.send_mime(message.as_bytes(policy=message.policy.clone(linesep="\r\n")))
    [raw] = mailer_rig.received()
    assert_same(parsed(raw), message)


def test_each_message_is_sent_on_its_own(mailer_rig: MailerRig) -> None:
    for number in (5, 6):
        mailer_rig.mailer.send(outgoing(number))
    ids = sorted(parsed(raw)["Message-ID"] for raw in mailer_rig.received())
    assert ids == ["<mast-intake-contract-5@example.invalid>", "<mast-intake-contract-6@example.invalid>"]


def test_a_large_attachment_arrives_whole(mailer_rig: MailerRig) -> None:
    message = outgoing(7, attachment=bytes(range(256)) * 8 * 1024)  # 2 MiB, under Graph's 4 MB
    mailer_rig.mailer.send(message)
    [raw] = mailer_rig.received()
    assert_same(parsed(raw), message)


def test_a_refused_send_is_a_mailer_error_naming_no_content(mailer_rig: MailerRig) -> None:
    mailer_rig.refuse()
    with pytest.raises(MailerError) as caught:
        mailer_rig.mailer.send(outgoing(8))
    said = str(caught.value)
    assert "fictional" not in said.lower() and "Zoë" not in said and "contract-8" not in said
    assert mailer_rig.received() == []
