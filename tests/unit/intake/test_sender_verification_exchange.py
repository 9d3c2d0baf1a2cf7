"""The exchange-internal verifier on messages fetched through the real EWS and Graph adapters
from recorded answers: only mail our own organisation authenticated, from its From address."""

from __future__ import annotations

from pathlib import Path

import requests_mock

from mast_intake.intake.adapters.ews import EwsMailbox
from mast_intake.intake.adapters.graph import GraphMailbox
from mast_intake.intake.adapters.graph_client import GraphClient
from mast_intake.intake.messages import read_message
from mast_intake.intake.sender_verification.exchange_internal import ExchangeInternalVerifier
from tests.fixtures import graph_server
from tests.fixtures.ews_server import FakeEws, key
from tests.fixtures.ews_server import settings as ews_settings

GRAPH = Path(__file__).resolve().parents[2] / "fixtures" / "graph"
TENANT = graph_server.TENANT_ID
ONLINE = ExchangeInternalVerifier([".prod.outlook.com"], TENANT)
ON_PREMISES = ExchangeInternalVerifier(["exch01.example.invalid", "EXCH02.example.invalid"])


def graph_fetch(mocker: requests_mock.Mocker, recording: str) -> bytes:
    graph_server.register_login(mocker)
    mocker.get(graph_server.message_url(1, "/$value"), content=(GRAPH / recording).read_bytes(),
               headers={"Content-Type": "text/plain"})
    settings = graph_server.settings()
    mailbox = GraphMailbox(settings, client=GraphClient(settings, sleep=lambda _: None))
    return mailbox.fetch(graph_server.MSG[1])


def ews_fetch(mocker: requests_mock.Mocker, recording: str) -> bytes:
    FakeEws(mocker, auth="basic").reply("GetItem", recording)
    return EwsMailbox(ews_settings(), "Processed", "Quarantine").fetch(key("msg-1"))


def check(verifier: ExchangeInternalVerifier, raw: bytes):
    return verifier.verify(raw, read_message(raw, 10, 1 << 20).sender)


def test_graph_message_from_inside_the_tenant_is_verified(ews_mocker) -> None:
    assert check(ONLINE, graph_fetch(ews_mocker, "message_internal.eml")).reason == "exchange_internal"


def test_graph_message_from_outside_is_not(ews_mocker) -> None:
    # EOP stamped it Anonymous: a forged From of our own domain from the internet.
    assert check(ONLINE, graph_fetch(ews_mocker, "message_outside.eml")).reason == "not_internal"


def test_graph_message_of_another_tenant_is_not(ews_mocker) -> None:
    raw = graph_fetch(ews_mocker, "message_internal.eml")
    other = ExchangeInternalVerifier([".prod.outlook.com"], "00000000-0000-4000-8000-0000000beef0")
    assert check(other, raw).reason == "outside_organisation"


def test_recordings_without_exchange_headers_are_not_verified(ews_mocker) -> None:
    assert check(ONLINE, graph_fetch(ews_mocker, "message.eml")).reason == "not_internal"
    assert check(ON_PREMISES, ews_fetch(ews_mocker, "getitem_mime.xml")).reason == "not_internal"


def test_ews_message_authenticated_by_our_server_is_verified(ews_mocker) -> None:
    assert check(ON_PREMISES, ews_fetch(ews_mocker, "getitem_mime_internal.xml")).verified


def test_ews_message_with_a_sender_written_authas_is_not(ews_mocker) -> None:
    # A connector kept the sender's own "AuthAs: Internal" beside Exchange's "Anonymous".
    raw = ews_fetch(ews_mocker, "getitem_mime_header_forged.xml")
    assert check(ON_PREMISES, raw).reason == "not_internal"


def test_ews_message_authenticated_by_another_server_is_not(ews_mocker) -> None:
    raw = ews_fetch(ews_mocker, "getitem_mime_internal.xml")
    assert check(ExchangeInternalVerifier([".other.invalid"]), raw).reason == "outside_organisation"


def swap(raw: bytes, old: bytes, new: bytes) -> bytes:
    assert old in raw
    return raw.replace(old, new, 1)


def test_the_authenticated_sender_must_be_the_from_address() -> None:
    raw = (GRAPH / "message_internal.eml").read_bytes()
    other = swap(raw, b"Return-Path: alex.testworker@", b"Return-Path: someone.else@")
    assert check(ONLINE, other).reason == "sender_mismatch"
    on_behalf = swap(raw, b"Return-Path:",
                     b"Sender: Someone Else <someone.else@example.invalid>\r\nReturn-Path:")
    assert check(ONLINE, on_behalf).reason == "sender_mismatch"
    no_path = swap(raw, b"Return-Path: alex.testworker@example.invalid\r\n", b"")
    assert check(ONLINE, no_path).reason == "sender_mismatch"


def test_repeated_or_attached_organisation_headers_never_count() -> None:
    raw = (GRAPH / "message_internal.eml").read_bytes()
    twice = swap(raw, b"X-MS-Exchange-Organization-AuthAs: Internal",
                 b"X-MS-Exchange-Organization-AuthAs: Internal\r\n"
                 b"X-MS-Exchange-Organization-AuthAs: Internal")
    assert check(ONLINE, twice).reason == "not_internal"
    tenant_anon = swap(raw, b"X-MS-Exchange-CrossTenant-AuthAs: Internal",
                       b"X-MS-Exchange-CrossTenant-AuthAs: Anonymous")
    assert check(ONLINE, tenant_anon).reason == "not_internal"
    # The headers inside an attached (forwarded) email are body text, not this message's headers.
    outside = (GRAPH / "message_outside.eml").read_bytes()
    head, _, body = outside.partition(b"\r\n\r\n")
    inner = b"Content-Type: message/rfc822\r\n\r\n" + raw
    assert b"AuthAs: Internal" in inner and check(ONLINE, head + b"\r\n\r\n" + body + inner).verified is False
