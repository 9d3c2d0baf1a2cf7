"""EwsMailer against recorded EWS responses: one CreateItem with the MIME message, SendAndSaveCopy;
the port's contract is in tests/integration/contracts."""

from __future__ import annotations

import base64

import pytest
import requests_mock

from mast_intake.config.settings import ConfigError, EwsSettings
from mast_intake.intake.adapters.ews import EwsMailbox
from mast_intake.notifier.adapters.ews import EwsMailer
from mast_intake.ports.mailer import MailerError
from tests.fixtures.ews_server import (
    ACCESS_TOKEN,
    ENDPOINT,
    MAILBOX,
    FakeEws,
    settings,
)
from tests.mail_factory import reply


def test_send_is_one_createitem_with_the_mime_message_saved_to_sent_items(ews_server: FakeEws) -> None:
    ews_server.reply("CreateItem", "createitem_sent.xml")
    message = reply()

    EwsMailer(settings()).send(message)

    assert ews_server.operations() == ["GetFolder", "GetFolder", "CreateItem"]
    (create,) = ews_server.called("CreateItem")
    assert create.xpath("string(//m:CreateItem/@MessageDisposition)") == "SendAndSaveCopy"
    assert create.xpath("string(//m:SavedItemFolderId/t:DistinguishedFolderId/@Id)") == "sentitems"
    assert create.xpath("string(//m:SavedItemFolderId//t:EmailAddress)") == MAILBOX
    (mime,) = create.xpath("//m:Items/t:Message/t:MimeContent")
    sent = base64.b64decode(mime.text)
    assert sent == message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    assert b"Message-ID: <mast-intake-test-1@example.invalid>\r\n" in sent
    # Recipients travel in the MIME only: no ToRecipients/CcRecipients/BccRecipients added.
    assert create.xpath("//t:ToRecipients | //t:CcRecipients | //t:BccRecipients") == []
    assert all(h.startswith("Basic ") for h in ews_server.auth_headers)


def test_later_sends_need_only_createitem(ews_server: FakeEws) -> None:
    ews_server.reply("CreateItem", "createitem_sent.xml")
    mailer = EwsMailer(settings())
    mailer.send(reply())
    mailer.send(reply())
    assert ews_server.operations() == ["GetFolder", "GetFolder", "CreateItem", "CreateItem"]


def test_the_mailer_can_share_the_mailbox_account(ews_server: FakeEws) -> None:
    ews_server.reply("CreateItem", "createitem_sent.xml")
    ews_server.reply("FindItem", "finditem_inbox_empty.xml")
    mailbox = EwsMailbox(settings())
    mailer = EwsMailer(settings(), account=mailbox.account)
    list(mailbox.pending())
    mailer.send(reply())
    # The root folder was looked up once, for both.
    assert ews_server.operations() == ["GetFolder", "GetFolder", "FindItem", "GetFolder", "CreateItem"]


def test_oauth_sends_as_the_impersonated_mailbox(ews_mocker: requests_mock.Mocker) -> None:
    ews_server = FakeEws(ews_mocker, auth="oauth")
    ews_server.reply("CreateItem", "createitem_sent.xml")

    EwsMailer(settings("oauth")).send(reply())

    (create,) = ews_server.called("CreateItem")
    assert create.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    sid = create.xpath("//s:Header/t:ExchangeImpersonation/t:ConnectingSID/t:PrimarySmtpAddress")
    assert [element.text for element in sid] == [MAILBOX]


def test_a_refused_send_raises_mailer_error_naming_only_the_code(ews_server: FakeEws) -> None:
    ews_server.reply("CreateItem", "createitem_quota.xml")
    with pytest.raises(MailerError) as caught:
        EwsMailer(settings()).send(reply())
    message = str(caught.value)
    assert "ErrorQuotaExceeded" in message and "mail.example.invalid" in message
    assert "fictional" not in message.lower()
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_server_fault_raises_mailer_error(ews_server: FakeEws) -> None:
    ews_server.reply("CreateItem", "fault_server_busy.xml")
    with pytest.raises(MailerError, match="ErrorServerBusy"):
        EwsMailer(settings()).send(reply())


def test_wrong_credentials_raise_mailer_error_without_the_password(ews_mocker: requests_mock.Mocker) -> None:
    FakeEws(ews_mocker, auth="basic")
    wrong = settings()
    wrong.password = "another-fake-password"
    with pytest.raises(MailerError) as caught:
        EwsMailer(wrong).send(reply())
    assert "another-fake-password" not in str(caught.value)


def test_missing_settings_raise_config_error() -> None:
    with pytest.raises(ConfigError, match="ews.username"):
        EwsMailer(EwsSettings(service_endpoint=ENDPOINT, mailbox=MAILBOX, auth="ntlm"))
