"""The one attachment walker finds the tool in every shape real mail clients send it."""

from __future__ import annotations

import binascii

import pytest

from mast_intake.intake.mime import parse_incoming
from mast_intake.intake.mime.smime import NOT_VERIFIED, VERIFIED
from tests.shared_paths import SHARED, require
from tests.unit.intake.mime_builders import (
    PDF,
    Signer,
    as_message,
    docx_bytes,
    file_part,
    forwarded,
    headed,
    mixed,
    text,
    to_bytes,
    with_envelope,
    zip_bytes,
)

CAP = 20 * 1024 * 1024


def found(raw: bytes, max_attachments: int = 10, max_bytes: int = CAP):
    incoming = parse_incoming(raw, max_attachments, max_bytes)
    return incoming, [(a.file_name, a.data) for a in incoming.attachments]


@pytest.fixture(scope="module")
def signer() -> Signer:
    return Signer()


def test_nested_mixed_inside_mixed_apple_mail() -> None:
    raw = to_bytes(headed(mixed(text(), mixed(text("more"), file_part("tool.pdf", PDF)))))
    assert found(raw)[1] == [("tool.pdf", PDF)]


def test_alternative_holding_mixed_iphone() -> None:
    inner = mixed(text(), file_part("tool.docx", docx_bytes(), "octet-stream"))
    raw = to_bytes(headed(mixed(text(), inner, subtype="alternative")))
    assert found(raw)[1] == [("tool.docx", docx_bytes())]


def test_file_inside_related() -> None:
    raw = to_bytes(headed(mixed(text(), file_part("tool.pdf", PDF), subtype="related")))
    assert found(raw)[1] == [("tool.pdf", PDF)]


def test_single_part_message_that_is_the_attachment() -> None:
    raw = to_bytes(headed(file_part("tool.pdf", PDF)))
    assert found(raw)[1] == [("tool.pdf", PDF)]


@pytest.mark.parametrize("encoding", [None, "base64"])
def test_forwarded_message_in_any_encoding(encoding) -> None:
    original = mixed(text(), file_part("tool.pdf", PDF))
    raw = to_bytes(headed(mixed(text("Forwarding"), forwarded(original, encoding))))
    incoming, files = found(raw)
    assert files == [("tool.pdf", PDF)]
    assert incoming.attachments[0].via == "rfc822"


def test_attached_eml_file() -> None:
    original = to_bytes(mixed(text(), file_part("tool.pdf", PDF)))
    raw = to_bytes(headed(mixed(text(), file_part("saved.eml", original, "octet-stream"))))
    assert found(raw)[1] == [("tool.pdf", PDF)]


def test_nameless_octet_stream_whose_bytes_are_a_pdf_or_word_file() -> None:
    raw = to_bytes(headed(mixed(text(), file_part(None, PDF, "octet-stream"),
                                file_part(None, docx_bytes(), "octet-stream"))))
    assert [name for name, _ in found(raw)[1]] == ["attachment.pdf", "attachment.docx"]


def test_pictures_and_other_named_files_are_left_alone() -> None:
    raw = to_bytes(headed(mixed(text(), file_part("logo.png", b"\x89PNG\r\n\x1a\n", "octet-stream"))))
    incoming, files = found(raw)
    assert files == [] and incoming.refused == []


def test_uuencoded_body() -> None:
    lines = [binascii.b2a_uu(PDF[i:i + 45]) for i in range(0, len(PDF), 45)]
    encoded = b"begin 644 tool.pdf\n" + b"".join(lines) + b"`\nend\n"
    message = headed(text(""))
    message.set_payload(encoded.decode("ascii"))
    assert found(to_bytes(message))[1] == [("tool.pdf", PDF)]


def test_zip_is_refused_by_name_not_opened() -> None:
    raw = to_bytes(headed(mixed(text(), file_part("tools.zip", zip_bytes(), "zip"))))
    incoming, files = found(raw)
    assert files == []
    assert [(r.file_name, r.reason) for r in incoming.refused] == [("tools.zip", "archive")]


def test_over_the_caps_each_file_not_read_is_named() -> None:
    raw = to_bytes(headed(mixed(text(), file_part("one.pdf", PDF), file_part("two.pdf", PDF + b" "),
                                file_part("big.pdf", PDF + b"x" * 200))))
    incoming, files = found(raw, max_attachments=1, max_bytes=100)
    assert [name for name, _ in files] == ["one.pdf"]
    assert [(r.file_name, r.reason) for r in incoming.refused] == [
        ("two.pdf", "over_cap"), ("big.pdf", "too_large")]


def test_clear_signed_mail_is_unwrapped_and_its_signature_verified(signer: Signer) -> None:
    raw = with_envelope(signer.clear_signed(mixed(text(), file_part("tool.pdf", PDF))))
    incoming, files = found(raw)
    assert files == [("tool.pdf", PDF)]
    assert incoming.signature == VERIFIED


def test_a_tampered_clear_signed_mail_is_read_but_not_verified(signer: Signer) -> None:
    raw = with_envelope(signer.clear_signed(mixed(text("Original words"), file_part("tool.pdf", PDF))))
    raw = raw.replace(b"Original words", b"Changed words!")
    incoming, files = found(raw)
    assert files == [("tool.pdf", PDF)]
    assert incoming.signature == NOT_VERIFIED


def test_opaque_signed_mail_is_unwrapped_and_verified(signer: Signer) -> None:
    raw = with_envelope(signer.opaque_signed(mixed(text(), file_part("tool.pdf", PDF))))
    incoming, files = found(raw)
    assert files == [("tool.pdf", PDF)]
    assert incoming.signature == VERIFIED


def test_forward_of_a_signed_email(signer: Signer) -> None:
    signed = as_message(with_envelope(signer.clear_signed(mixed(text(), file_part("tool.pdf", PDF)))))
    raw = to_bytes(headed(mixed(text("Fwd"), forwarded(signed))))
    assert found(raw)[1] == [("tool.pdf", PDF)]


def test_encrypted_mail_is_refused_as_encrypted(signer: Signer) -> None:
    raw = with_envelope(signer.encrypted(mixed(text(), file_part("tool.pdf", PDF))))
    incoming, files = found(raw)
    assert files == []
    assert [r.reason for r in incoming.refused] == ["encrypted_email"]


def test_tnef_winmail_dat_is_opened() -> None:
    tnef = require(SHARED / "corpus" / "mail" / "poi-hmef" / "quick-winmail.dat").read_bytes()
    raw = to_bytes(headed(mixed(text(), file_part("winmail.dat", tnef, "ms-tnef"))))
    incoming, files = found(raw)
    assert [name for name, _ in files] == ["quick.doc", "quick.pdf"]
    assert {a.via for a in incoming.attachments} == {"tnef"}


def test_attached_outlook_msg_is_opened() -> None:
    msg = require(SHARED / "corpus" / "mail" / "poi-hsmf" / "attachment_msg_pdf.msg").read_bytes()
    raw = to_bytes(headed(mixed(text(), file_part("forwarded.msg", msg, "vnd.ms-outlook"))))
    incoming, files = found(raw)
    assert [name for name, _ in files] == ["smbprn.00009008.KdcPjl.pdf"]
    assert files[0][1].startswith(b"%PDF")


def test_identity_changes_with_content_not_with_delivery_trace() -> None:
    one = to_bytes(headed(mixed(text("first"), file_part("tool.pdf", PDF))))
    other = to_bytes(headed(mixed(text("second"), file_part("tool.pdf", PDF))))
    redelivered = b"Received: from relay.example by mx.example; Mon, 7 Dec 2026 10:00:00 +0000\r\n" + one
    first = parse_incoming(one, 10, CAP)
    assert parse_incoming(redelivered, 10, CAP).key == first.key
    assert parse_incoming(other, 10, CAP).key != first.key
    assert first.message_id == parse_incoming(other, 10, CAP).message_id


def test_files_beyond_the_total_the_sandbox_can_return_are_named_too_large(monkeypatch) -> None:
    from mast_intake.intake.mime import walker

    monkeypatch.setattr(walker, "MAX_TOTAL_BYTES", len(PDF) * 2 + 5)
    raw = to_bytes(headed(mixed(text(), file_part("a.pdf", PDF), file_part("b.pdf", PDF + b" "),
                                file_part("c.pdf", PDF + b"  "))))
    incoming, files = found(raw)
    assert [name for name, _ in files] == ["a.pdf", "b.pdf"]
    assert [(r.file_name, r.reason) for r in incoming.refused] == [("c.pdf", "too_large")]
