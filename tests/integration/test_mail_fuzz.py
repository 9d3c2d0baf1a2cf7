"""Property: whatever headers and MIME structure one email has, the poll completes, the inbox
empties, and a valid tool email behind it is read and answered."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mast_intake.bootstrap import bootstrap
from mast_intake.config.settings import Settings
from mast_intake.intake.poll import poll_once
from tests.fixtures.factory import base_spec, build_form
from tests.mail_factory import email_with
from tests.malformed_mail import raw_email
from tests.unit.intake.mime_builders import PDF, docx_bytes


def held_replies(app):
    """The service's poll context, with replies left in the outbox for the test to inspect."""
    return replace(app.poll_context(), after_commit=None)

EXAMPLES = int(os.environ.get("MAST_FUZZ_EXAMPLES", "25"))
_JUNK = st.sampled_from(["\r", "\n", "\x00", "=?utf-8?q?", "=?x?b?", "?=", "<", ">", '"', ";", "*",
                         "$", "@", "name*", "filename*=", "''", "%", "\t", " ", ",", "=0D=0A"])
_TEXT = st.lists(st.one_of(_JUNK, st.text(max_size=8)), max_size=12).map("".join)
_TYPES = st.sampled_from([
    "text/plain", "text/html", "application/pdf", "application/octet-stream", "application/ms-tnef",
    "application/pkcs7-mime; smime-type=signed-data", "application/pkcs7-mime",
    "application/pkcs7-signature", "application/zip", "image/png", "message/rfc822",
    "application/vnd.ms-outlook", "", "junk", "multipart/mixed",
])
_ENCODINGS = st.sampled_from([None, "7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "junk"])
_BODIES = st.one_of(
    st.sampled_from([PDF, docx_bytes(), b"", b"begin 644 a.pdf\n!)0``\n`\nend\n",
                     b"\x78\x9f\x3e\x22\x01\x02", b"PK\x03\x04broken", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    st.binary(max_size=200),
)


def _header(value: str) -> bytes:
    return value.encode("utf-8", "surrogateescape")


@st.composite
def leaves(draw) -> bytes:
    lines = [b"Content-Type: " + _header(draw(_TYPES) + draw(st.sampled_from(["", "; name=", "; name*"]))
                                         + draw(_TEXT))]
    encoding = draw(_ENCODINGS)
    if encoding:
        lines.append(b"Content-Transfer-Encoding: " + encoding.encode())
    if draw(st.booleans()):
        lines.append(b"Content-Disposition: attachment; filename=" + _header(draw(_TEXT)))
    return b"\r\n".join(lines) + b"\r\n\r\n" + draw(_BODIES)


def _multipart(draw_args) -> st.SearchStrategy[bytes]:
    return st.tuples(
        st.sampled_from(["mixed", "alternative", "related", "signed", "report", "digest"]),
        st.lists(draw_args, max_size=4),
        st.sampled_from(["b1", "b2", "", '"quoted b"', "-", "=="]),
        st.booleans(),
    ).map(_join_parts)


def _join_parts(args: tuple[str, list[bytes], str, bool]) -> bytes:
    subtype, parts, boundary, closed = args
    bare = boundary.strip('"').encode()
    body = b"".join(b"--" + bare + b"\r\n" + part + b"\r\n" for part in parts)
    if closed:
        body += b"--" + bare + b"--\r\n"
    head = b"Content-Type: multipart/" + subtype.encode() + b"; boundary=" + boundary.encode()
    return head + b"\r\n\r\n" + body


def _forward(entity: bytes) -> bytes:
    return b"Content-Type: message/rfc822\r\n\r\nFrom: x@outside.example\r\n" + entity


entities = st.recursive(leaves(), lambda children: st.one_of(_multipart(children), children.map(_forward)),
                        max_leaves=8)


@st.composite
def emails(draw) -> bytes:
    headers = [
        (b"From", _header(draw(st.one_of(_TEXT, st.just("someone@outside.example"),
                                         st.just("Sam <sam.worker@northyorks.gov.uk>"))))),
        (b"Message-ID", _header(draw(st.one_of(_TEXT, st.just("<fixed@x.example>"))))),
        (b"Date", _header(draw(st.one_of(_TEXT, st.just("Fri, 31 Dec 9999 23:59:59 +9999"))))),
        (b"Subject", _header(draw(_TEXT))),
        (b"Authentication-Results", _header(draw(_TEXT))),
    ]
    headers = draw(st.permutations(headers))[: draw(st.integers(0, len(headers)))]
    entity = draw(entities)
    return raw_email(list(headers), b"").rstrip(b"\r\n") + b"\r\n" + entity


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return bootstrap(Settings(data_dir=tmp_path_factory.mktemp("fuzz") / "var"))


@pytest.fixture(scope="module")
def tool() -> bytes:
    return build_form(base_spec())


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(raw=emails())
def test_no_email_stops_the_poll(app, tool: bytes, raw: bytes) -> None:
    inbox = app.settings.maildir_path / "new"
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "0-fuzz.eml").write_bytes(raw)
    (inbox / "1-tool.eml").write_bytes(email_with([("tool.docx", tool)]))
    os.utime(inbox / "0-fuzz.eml", (1_700_000_000, 1_700_000_000))
    with app.uow() as uow:
        before = uow.outbox.counts().get("pending", 0)
    parsed = 0
    for _ in range(app.settings.max_attempts):
        parsed += poll_once(held_replies(app)).get("parsed", 0)  # never raises
    assert not list(inbox.glob("*"))
    assert not list((app.settings.maildir_path / "cur").glob("*"))
    assert parsed >= 1
    with app.uow() as uow:
        assert uow.outbox.counts().get("pending", 0) > before  # the tool's reply is queued
