"""EwsMailer against recorded EWS responses: one CreateItem with the MIME message, SendAndSaveCopy."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
import requests_mock
from exchangelib.protocol import close_connections

from mast_intake.config.settings import ConfigError, EwsSettings
from mast_intake.intake.adapters.ews import EwsMailbox
from mast_intake.notifier.adapters.ews import EwsMailer
from mast_intake.ports.mailer import MailerError
from tests.unit.intake.ews_server import (
    ACCESS_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    ENDPOINT,
    MAILBOX,
    PASSWORD,
    TENANT_ID,
    USERNAME,
    FakeEws,
)


def settings(auth: str = "basic") -> EwsSettings:
    if auth == "oauth":
        return EwsSettings(
            service_endpoint=ENDPOINT,
            mailbox=MAILBOX,
            auth="oauth",
            tenant_id=TENANT_ID,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
        )
    return EwsSettings(
        service_endpoint=ENDPOINT, mailbox=MAILBOX, auth=auth, username=USERNAME, password=PASSWORD
    )


def outgoing() -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"MAST Intake Test <{MAILBOX}>"
    message["To"] = "Alex Testworker <alex.testworker@example.invalid>"
    message["Cc"] = "Team Fictional <team@example.invalid>"
    message["Subject"] = "Received: risk tool for a fictional test child"
    message["Date"] = "Mon, 02 Mar 2026 08:20:00 +0000"
    message["Message-ID"] = "<mast-intake-test-0001@example.invalid>"
    message["Auto-Submitted"] = "auto-replied"
    message.set_content("Thank you. This is a fictional test reply.\n")
    message.add_attachment(b"fictional agenda", maintype="text", subtype="plain", filename="agenda.txt")
    return message


@pytest.fixture(autouse=True)
def _fresh_protocols() -> Iterator[None]:
    close_connections()
    yield
    close_connections()


@pytest.fixture
def mocker() -> Iterator[requests_mock.Mocker]:
    with requests_mock.Mocker() as m:
        yield m


@pytest.fixture
def server(mocker: requests_mock.Mocker) -> FakeEws:
    return FakeEws(mocker, auth="basic")


def test_send_is_one_createitem_with_the_mime_message_saved_to_sent_items(server: FakeEws) -> None:
    server.reply("CreateItem", "createitem_sent.xml")
    message = outgoing()

    EwsMailer(settings()).send(message)

    assert server.operations() == ["GetFolder", "GetFolder", "CreateItem"]
    (create,) = server.called("CreateItem")
    assert create.xpath("string(//m:CreateItem/@MessageDisposition)") == "SendAndSaveCopy"
    assert create.xpath("string(//m:SavedItemFolderId/t:DistinguishedFolderId/@Id)") == "sentitems"
    assert create.xpath("string(//m:SavedItemFolderId//t:EmailAddress)") == MAILBOX
    (mime,) = create.xpath("//m:Items/t:Message/t:MimeContent")
    sent = base64.b64decode(mime.text)
    assert sent == message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    assert b"Message-ID: <mast-intake-test-0001@example.invalid>\r\n" in sent
    # Recipients travel in the MIME only: no ToRecipients/CcRecipients/BccRecipients added.
    assert create.xpath("//t:ToRecipients | //t:CcRecipients | //t:BccRecipients") == []
    assert all(h.startswith("Basic ") for h in server.auth_headers)


def test_later_sends_need_only_createitem(server: FakeEws) -> None:
    server.reply("CreateItem", "createitem_sent.xml")
    mailer = EwsMailer(settings())
    mailer.send(outgoing())
    mailer.send(outgoing())
    assert server.operations() == ["GetFolder", "GetFolder", "CreateItem", "CreateItem"]


def test_the_mailer_can_share_the_mailbox_account(server: FakeEws) -> None:
    server.reply("CreateItem", "createitem_sent.xml")
    server.reply("FindItem", "finditem_inbox_empty.xml")
    mailbox = EwsMailbox(settings())
    mailer = EwsMailer(settings(), account=mailbox.account)
    list(mailbox.pending())
    mailer.send(outgoing())
    # The root folder was looked up once, for both.
    assert server.operations() == ["GetFolder", "GetFolder", "FindItem", "GetFolder", "CreateItem"]


def test_oauth_sends_as_the_impersonated_mailbox(mocker: requests_mock.Mocker) -> None:
    server = FakeEws(mocker, auth="oauth")
    server.reply("CreateItem", "createitem_sent.xml")

    EwsMailer(settings("oauth")).send(outgoing())

    (create,) = server.called("CreateItem")
    assert create.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    sid = create.xpath("//s:Header/t:ExchangeImpersonation/t:ConnectingSID/t:PrimarySmtpAddress")
    assert [element.text for element in sid] == [MAILBOX]


def test_a_refused_send_raises_mailer_error_naming_only_the_code(server: FakeEws) -> None:
    server.reply("CreateItem", "createitem_quota.xml")
    with pytest.raises(MailerError) as caught:
        EwsMailer(settings()).send(outgoing())
    message = str(caught.value)
    assert "ErrorQuotaExceeded" in message and "mail.example.invalid" in message
    assert "fictional" not in message.lower()
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_server_fault_raises_mailer_error(server: FakeEws) -> None:
    server.reply("CreateItem", "fault_server_busy.xml")
    with pytest.raises(MailerError, match="ErrorServerBusy"):
        EwsMailer(settings()).send(outgoing())


def test_wrong_credentials_raise_mailer_error_without_the_password(mocker: requests_mock.Mocker) -> None:
    FakeEws(mocker, auth="basic")
    wrong = settings()
    wrong.password = "another-fake-password"
    with pytest.raises(MailerError) as caught:
        EwsMailer(wrong).send(outgoing())
    assert "another-fake-password" not in str(caught.value)


def test_missing_settings_raise_config_error() -> None:
    with pytest.raises(ConfigError, match="ews.username"):
        EwsMailer(EwsSettings(service_endpoint=ENDPOINT, mailbox=MAILBOX, auth="ntlm"))
