"""EwsMailbox against recorded EWS responses: the SOAP requests it makes, its authentication and the
server's quirks it meets; the port's contract is in tests/integration/contracts."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import requests_mock
from exchangelib.protocol import CachingProtocol
from requests_ntlm import HttpNtlmAuth

from mast_intake.config.settings import ConfigError
from mast_intake.intake.adapters import ews as ews_module
from mast_intake.intake.adapters.ews import EwsMailbox, decode_key, encode_key
from mast_intake.ports.mailbox import MailboxError
from tests.fixtures.ews_server import (
    ACCESS_TOKEN,
    CLIENT_ID,
    ENDPOINT,
    IDS,
    MAILBOX,
    PASSWORD,
    TOKEN_URL,
    FakeEws,
    key,
    ntlm_message_type,
    ntlm_user,
    settings,
)

MESSAGE = Path(__file__).resolve().parents[2] / "fixtures" / "graph" / "message.eml"


@pytest.fixture
def mailbox() -> EwsMailbox:
    return EwsMailbox(settings(), "Processed", "Quarantine")


def parent_folder(call, tag: str = "ParentFolderIds") -> str:
    (distinguished,) = call.xpath(f"//m:{tag}/t:DistinguishedFolderId/@Id")
    return distinguished


# --- keys ---------------------------------------------------------------------------------------


def test_keys_round_trip_and_reject_foreign_keys() -> None:
    assert decode_key(encode_key("AAMk+/id==", "CQAA/ck=")) == ("AAMk+/id==", "CQAA/ck=")
    assert decode_key(encode_key("AAMkid", None)) == ("AAMkid", "")
    with pytest.raises(MailboxError):
        decode_key("12345")


# --- construction -------------------------------------------------------------------------------


def test_creating_the_adapter_sends_nothing(ews_mocker: requests_mock.Mocker) -> None:
    EwsMailbox(settings("ntlm"))
    EwsMailbox(settings("oauth"))
    assert ews_mocker.request_history == []


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"auth": "kerberos"}, "ews.auth"),
        ({"mailbox": "nobody"}, "ews.mailbox"),
        ({"service_endpoint": "http://mail.example.invalid/EWS/Exchange.asmx"}, "ews.service_endpoint"),
        ({"service_endpoint": "", "server": ""}, "ews.service_endpoint"),
        ({"password": ""}, "ews.password"),
    ],
)
def test_bad_settings_raise_config_error_naming_the_setting(changes: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named) as caught:
        EwsMailbox(settings(**{"auth": "basic", **changes}))
    assert PASSWORD not in str(caught.value)


def test_oauth_needs_tenant_client_and_secret() -> None:
    with pytest.raises(ConfigError, match="ews.client_secret"):
        EwsMailbox(settings("oauth", client_secret=""))


def test_server_alone_gives_the_usual_endpoint(ews_server: FakeEws) -> None:
    ews_server.reply("FindItem", "finditem_inbox_empty.xml")
    mailbox = EwsMailbox(settings(service_endpoint="", server="mail.example.invalid"))
    assert list(mailbox.pending()) == []
    assert {r.url for r in ews_server.mocker.request_history} == {ENDPOINT}


# --- pending ------------------------------------------------------------------------------------


def test_pending_asks_findItem_on_the_inbox_sorted_by_received_time(
    ews_server: FakeEws, mailbox: EwsMailbox
) -> None:
    ews_server.reply("FindItem", "finditem_inbox.xml")

    keys = list(mailbox.pending())

    assert keys == [key("msg-1"), key("msg-2"), key("msg-3")]
    assert ews_server.operations() == ["GetFolder", "GetFolder", "FindItem"]
    # No autodiscover, no version probe: every request went to the configured endpoint.
    assert {r.url for r in ews_server.mocker.request_history} == {ENDPOINT}
    (find,) = ews_server.called("FindItem")
    assert find.xpath("string(//m:FindItem/@Traversal)") == "Shallow"
    assert parent_folder(find) == "inbox"
    assert find.xpath("string(//m:ParentFolderIds//t:EmailAddress)") == MAILBOX
    assert find.xpath("string(//m:ItemShape/t:BaseShape)") == "IdOnly"
    assert find.xpath("//m:ItemShape/t:AdditionalProperties") == []  # ids only, no content
    assert find.xpath("string(//m:SortOrder/t:FieldOrder/@Order)") == "Ascending"
    assert find.xpath("string(//m:SortOrder//t:FieldURI/@FieldURI)") == "item:DateTimeReceived"
    assert find.xpath("string(//s:Header/t:RequestServerVersion/@Version)") == "Exchange2016"


def test_pending_reads_every_page_before_yielding(
    ews_server: FakeEws, mailbox: EwsMailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ews_module, "PAGE_SIZE", 2)
    ews_server.reply("FindItem", "finditem_inbox_page1.xml", "finditem_inbox_page2.xml")

    keys = mailbox.pending()
    first = next(keys)

    # Both pages were read before the first key came out, so moves cannot shift the paging.
    pages = ews_server.called("FindItem")
    assert len(pages) == 2
    assert [p.xpath("string(//m:IndexedPageItemView/@Offset)") for p in pages] == ["0", "2"]
    assert [p.xpath("string(//m:IndexedPageItemView/@MaxEntriesReturned)") for p in pages] == ["2", "2"]
    assert [first, *keys] == [key("msg-1"), key("msg-2"), key("msg-3")]


def test_the_inbox_folder_is_looked_up_once_per_adapter(ews_server: FakeEws, mailbox: EwsMailbox) -> None:
    ews_server.reply("FindItem", "finditem_inbox.xml")
    list(mailbox.pending())
    list(mailbox.pending())
    assert ews_server.operations() == ["GetFolder", "GetFolder", "FindItem", "FindItem"]


def test_a_server_fault_becomes_mailbox_error_without_server_text(
    ews_server: FakeEws, mailbox: EwsMailbox
) -> None:
    ews_server.reply("FindItem", "fault_server_busy.xml")
    with pytest.raises(MailboxError) as caught:
        list(mailbox.pending())
    message = str(caught.value)
    assert "FindItem" in message and "mail.example.invalid" in message and "ErrorServerBusy" in message
    assert "Try again later" not in message
    # Raised from None: a logged traceback does not carry exchangelib's message either.
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


# --- fetch --------------------------------------------------------------------------------------


def test_fetch_asks_getitem_for_the_mime_content_by_id_only(ews_server: FakeEws, mailbox: EwsMailbox) -> None:
    ews_server.reply("GetItem", "getitem_mime.xml")

    assert mailbox.fetch(key("msg-1")) == MESSAGE.read_bytes()

    (get,) = ews_server.called("GetItem")
    assert get.xpath("string(//m:ItemShape/t:BaseShape)") == "IdOnly"
    assert get.xpath("//m:ItemShape/t:AdditionalProperties/t:FieldURI/@FieldURI") == ["item:MimeContent"]
    (item_id,) = get.xpath("//m:ItemIds/t:ItemId")
    assert item_id.get("Id") == IDS["msg-1"]
    # A stale ChangeKey must not make the fetch fail, so only the Id is sent.
    assert item_id.get("ChangeKey") is None


def test_fetch_refused_names_the_response_code_only(ews_server: FakeEws, mailbox: EwsMailbox) -> None:
    ews_server.reply("GetItem", "getitem_access_denied.xml")
    with pytest.raises(MailboxError) as caught:
        mailbox.fetch(key("msg-1"))
    assert "ErrorAccessDenied" in str(caught.value)
    assert "Check credentials" not in str(caught.value)
    assert IDS["msg-1"] not in str(caught.value)


# --- move ---------------------------------------------------------------------------------------


def test_move_to_an_existing_top_level_folder(ews_server: FakeEws, mailbox: EwsMailbox) -> None:
    ews_server.reply("FindFolder", "findfolder_processed.xml")
    ews_server.reply("MoveItem", "moveitem.xml")

    mailbox.move(key("msg-1"), "Processed")
    mailbox.move(key("msg-2"), "Processed")

    # root and msgfolderroot once, one FindFolder for the first move only, then one MoveItem each.
    assert ews_server.operations() == ["GetFolder", "GetFolder", "FindFolder", "MoveItem", "MoveItem"]
    looked_up = [parent_folder(c, "FolderIds") for c in ews_server.called("GetFolder")]
    assert looked_up == ["root", "msgfolderroot"]
    (find,) = ews_server.called("FindFolder")
    assert find.xpath("string(//m:FindFolder/@Traversal)") == "Shallow"
    assert parent_folder(find) == "msgfolderroot"
    assert find.xpath("string(//m:Restriction/t:IsEqualTo/t:FieldURI/@FieldURI)") == "folder:DisplayName"
    assert find.xpath("string(//m:Restriction//t:Constant/@Value)") == "Processed"
    first, second = ews_server.called("MoveItem")
    assert first.xpath("string(//m:ToFolderId/t:FolderId/@Id)") == IDS["processed"]
    assert first.xpath("string(//m:ItemIds/t:ItemId/@Id)") == IDS["msg-1"]
    assert second.xpath("string(//m:ItemIds/t:ItemId/@Id)") == IDS["msg-2"]


def test_move_finds_a_folder_inside_the_inbox(ews_server: FakeEws, mailbox: EwsMailbox) -> None:
    ews_server.reply("FindFolder", "findfolder_none.xml", "findfolder_processed.xml")
    ews_server.reply("MoveItem", "moveitem.xml")

    mailbox.move(key("msg-1"), "Processed")

    assert [parent_folder(c) for c in ews_server.called("FindFolder")] == ["msgfolderroot", "inbox"]
    assert ews_server.called("CreateFolder") == []
    (move,) = ews_server.called("MoveItem")
    assert move.xpath("string(//m:ToFolderId/t:FolderId/@Id)") == IDS["processed"]


def test_move_creates_a_missing_folder_at_the_top_of_the_mailbox(
    ews_server: FakeEws, mailbox: EwsMailbox
) -> None:
    ews_server.reply("FindFolder", "findfolder_none.xml")
    ews_server.reply("CreateFolder", "createfolder_quarantine.xml")
    ews_server.reply("MoveItem", "moveitem.xml")

    mailbox.move(key("msg-3"), "Quarantine")

    (create,) = ews_server.called("CreateFolder")
    assert parent_folder(create, "ParentFolderId") == "msgfolderroot"
    assert create.xpath("string(//m:Folders/t:Folder/t:DisplayName)") == "Quarantine"
    assert create.xpath("string(//m:Folders/t:Folder/t:FolderClass)") == "IPF.Note"
    (move,) = ews_server.called("MoveItem")
    assert move.xpath("string(//m:ToFolderId/t:FolderId/@Id)") == IDS["quarantine"]
    assert move.xpath("string(//m:ItemIds/t:ItemId/@Id)") == IDS["msg-3"]


def test_move_uses_a_folder_another_worker_created_first(ews_server: FakeEws, mailbox: EwsMailbox) -> None:
    ews_server.reply("FindFolder", "findfolder_none.xml", "findfolder_none.xml", "findfolder_processed.xml")
    ews_server.reply("CreateFolder", "createfolder_exists.xml")
    ews_server.reply("MoveItem", "moveitem.xml")

    mailbox.move(key("msg-1"), "Processed")

    (move,) = ews_server.called("MoveItem")
    assert move.xpath("string(//m:ToFolderId/t:FolderId/@Id)") == IDS["processed"]


def test_move_looks_the_folder_up_again_once_if_it_was_deleted(
    ews_server: FakeEws, mailbox: EwsMailbox
) -> None:
    ews_server.reply("FindFolder", "findfolder_processed.xml")
    ews_server.reply("MoveItem", "moveitem_to_folder_not_found.xml", "moveitem.xml")

    mailbox.move(key("msg-1"), "Processed")

    assert ews_server.operations()[-4:] == ["FindFolder", "MoveItem", "FindFolder", "MoveItem"]


def test_move_to_a_folder_that_keeps_vanishing_raises(ews_server: FakeEws, mailbox: EwsMailbox) -> None:
    ews_server.reply("FindFolder", "findfolder_processed.xml")
    ews_server.reply("MoveItem", "moveitem_to_folder_not_found.xml")

    with pytest.raises(MailboxError, match="ErrorToFolderNotFound"):
        mailbox.move(key("msg-1"), "Processed")
    assert len(ews_server.called("MoveItem")) == 2


# --- authentication -----------------------------------------------------------------------------


def test_basic_auth_sends_the_credentials_on_every_request(ews_server: FakeEws, mailbox: EwsMailbox) -> None:
    ews_server.reply("FindItem", "finditem_inbox.xml")
    list(mailbox.pending())
    assert ews_server.auth_headers and all(h.startswith("Basic ") for h in ews_server.auth_headers)
    # Delegate access: no impersonation header.
    assert all(call.xpath("//t:ExchangeImpersonation") == [] for call in ews_server.calls)


def test_ntlm_does_the_negotiate_challenge_authenticate_round_trip(
    ews_mocker: requests_mock.Mocker, monkeypatch: pytest.MonkeyPatch
) -> None:
    # requests_ntlm reads the TLS certificate off the socket for channel binding; requests_mock
    # has no socket, so hand it the hash of a fictional certificate instead.
    certificate_hash = hashlib.sha256(b"fictional certificate").digest()
    monkeypatch.setattr(HttpNtlmAuth, "_get_server_cert", lambda self, response: certificate_hash)
    ews_server = FakeEws(ews_mocker, auth="ntlm")
    ews_server.reply("FindItem", "finditem_inbox.xml")

    keys = list(EwsMailbox(settings("ntlm")).pending())

    assert keys == [key("msg-1"), key("msg-2"), key("msg-3")]
    # The first request goes without credentials, then NTLM type 1 (negotiate), then type 3.
    assert ews_server.auth_headers[0] == ""
    assert [ntlm_message_type(h) for h in ews_server.auth_headers[1:3]] == [1, 3]
    authenticate = ews_server.auth_headers[2]
    assert ntlm_user(authenticate) == ("EXAMPLE", "svc-mast-test")
    assert all(PASSWORD not in h for h in ews_server.auth_headers)
    assert all(ntlm_message_type(call.headers["Authorization"]) == 3 for call in ews_server.calls)


def test_oauth_fetches_a_client_credentials_token_and_impersonates_the_mailbox(
    ews_mocker: requests_mock.Mocker,
) -> None:
    ews_server = FakeEws(ews_mocker, auth="oauth")
    ews_server.reply("FindItem", "finditem_inbox.xml")

    keys = list(EwsMailbox(settings("oauth")).pending())

    assert keys == [key("msg-1"), key("msg-2"), key("msg-3")]
    (token,) = ews_server.token_requests()
    assert token.url == TOKEN_URL
    form = dict(pair.split("=", 1) for pair in token.text.split("&"))
    assert form["grant_type"] == "client_credentials"
    assert form["client_id"] == CLIENT_ID
    assert form["scope"] == "https%3A%2F%2Foutlook.office365.com%2F.default"
    assert all(call.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}" for call in ews_server.calls)
    for call in ews_server.calls:
        sid = call.xpath("//s:Header/t:ExchangeImpersonation/t:ConnectingSID/t:PrimarySmtpAddress")
        assert [element.text for element in sid] == [MAILBOX]


def test_close_forgets_the_cached_protocol(ews_server: FakeEws, mailbox: EwsMailbox) -> None:
    ews_server.reply("FindItem", "finditem_inbox_empty.xml")
    list(mailbox.pending())
    assert CachingProtocol._protocol_cache
    mailbox.close()
    assert not CachingProtocol._protocol_cache


def test_an_item_attachment_is_found_by_the_one_walker(ews_server: FakeEws, mailbox: EwsMailbox) -> None:
    # Exchange exports an attached Outlook item as message/rfc822 beside any file attachment.
    from mast_intake.intake.messages import read_message

    ews_server.reply("GetItem", "getitem_item_attachment.xml")
    incoming = read_message(mailbox.fetch(key("msg-1")), 10, 1024 * 1024)
    assert sorted((a.file_name, a.via) for a in incoming.attachments) == [
        ("notes.pdf", ""), ("tool.docx", "rfc822")]
