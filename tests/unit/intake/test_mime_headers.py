"""Header fields are read so that none can raise or carry control characters onward."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mast_intake.intake.mime import parse_incoming
from tests.malformed_mail import malformed_messages

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def read(raw: bytes):
    return parse_incoming(raw, 10, 1024 * 1024, now=NOW)


@pytest.mark.parametrize("name", sorted(set(malformed_messages()) - {"nested_rfc822_1000"}))
def test_malformed_headers_read_to_safe_fields(name: str) -> None:
    incoming = read(malformed_messages()[name])
    for value in (incoming.key, incoming.message_id, incoming.sender, incoming.sender_name,
                  incoming.subject):
        assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in value)
    assert incoming.key.startswith("m-") and len(incoming.key) == 42
    assert incoming.message_id.startswith("<") and " " not in incoming.message_id


def test_encoded_crlf_in_the_display_name_cannot_add_a_header() -> None:
    incoming = read(malformed_messages()["crlf_in_display_name"])
    assert incoming.sender == "sam.worker@northyorks.gov.uk"
    assert "\n" not in incoming.sender_name and "\r" not in incoming.sender_name


@pytest.mark.parametrize("name", ["date_absurd_offset", "date_year_9999"])
def test_implausible_dates_become_the_time_of_receipt(name: str) -> None:
    assert read(malformed_messages()[name]).received_at == NOW


def test_an_unparseable_from_gives_no_sender() -> None:
    assert read(malformed_messages()["from_lone_angle"]).sender == ""


def test_message_ids_are_normalised() -> None:
    messages = malformed_messages()
    assert read(messages["message_id_dollar"]).message_id == \
        "<DB7PR03MB4972$A1B2C3@EURPRD03.PROD.OUTLOOK.COM>"
    assert read(messages["message_id_nul"]).message_id == "<nulhere@x.example>"
    assert read(messages["message_id_empty"]).message_id.endswith("@mast-intake.invalid>")
