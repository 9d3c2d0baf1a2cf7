"""Malformed emails of the kinds real clients and spammers send, made by the tests themselves.

Each was once enough to stop the whole intake (see the intake's "no message stops the poll"
tests); they are raw bytes on purpose, because the stdlib's message builder would tidy them.
"""

from __future__ import annotations

OUTSIDE = b"someone@outside.example"
ALLOWED = b"sam.worker@northyorks.gov.uk"


def raw_email(headers: list[tuple[bytes, bytes]], body: bytes = b"Hello.\r\n") -> bytes:
    """Header lines exactly as given, then the body."""
    lines = b"".join(name + b": " + value + b"\r\n" for name, value in headers)
    return lines + b"\r\n" + body


def _plain(sender: bytes, message_id: bytes, extra: list[tuple[bytes, bytes]] = ()) -> bytes:
    return raw_email([(b"From", sender), (b"To", b"nymast@northyorks.gov.uk"),
                      (b"Subject", b"test"), (b"Date", b"Mon, 7 Dec 2026 10:00:00 +0000"),
                      (b"Message-ID", message_id), *extra])


def nested_rfc822(depth: int) -> bytes:
    """An email holding a forwarded email holding one ... ``depth`` levels deep."""
    inner = b"From: a@outside.example\r\nContent-Type: text/plain\r\n\r\nInnermost.\r\n"
    for _ in range(depth):
        inner = b"From: a@outside.example\r\nContent-Type: message/rfc822\r\n\r\n" + inner
    return b"From: " + OUTSIDE + b"\r\nMessage-ID: <deep@outside.example>\r\n" \
        b"Content-Type: message/rfc822\r\n\r\n" + inner


def malformed_messages() -> dict[str, bytes]:
    """Name -> raw bytes for each malformed email the intake must get past."""
    return {
        "crlf_in_display_name": _plain(
            b"=?utf-8?q?Sam=0D=0ABcc=3A_x=40outside=2Eexample?= <" + ALLOWED + b">", b"<crlf@x.example>"),
        "empty_authentication_results": _plain(ALLOWED, b"<auth@x.example>",
                                               [(b"Authentication-Results", b";")]),
        "from_lone_angle": _plain(b"<", b"<angle@x.example>"),
        "date_absurd_offset": raw_email([(b"From", OUTSIDE), (b"Message-ID", b"<d1@x.example>"),
                                         (b"Date", b"Mon, 7 Dec 2026 10:00:00 +9999")]),
        "date_year_9999": raw_email([(b"From", OUTSIDE), (b"Message-ID", b"<d2@x.example>"),
                                     (b"Date", b"Fri, 31 Dec 9999 23:59:59 -2359")]),
        "nested_rfc822_1000": nested_rfc822(1000),
        "message_id_brackets": _plain(OUTSIDE, b"<[...@microsoft.com]>"),
        "message_id_empty": _plain(OUTSIDE, b"<>"),
        "message_id_dollar": _plain(OUTSIDE, b"<DB7PR03MB4972$A1B2C3@EURPRD03.PROD.OUTLOOK.COM>"),
        "message_id_nul": _plain(OUTSIDE, b"<nul\x00here@x.example>"),
        "bare_name_star": raw_email(
            [(b"From", OUTSIDE), (b"Message-ID", b"<star@x.example>"),
             (b"Content-Type", b"multipart/mixed; boundary=b1")],
            b"--b1\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b1\r\n"
            b"Content-Type: application/octet-stream; name*\r\n"
            b"Content-Disposition: attachment; filename*\r\n\r\nxx\r\n--b1--\r\n"),
        "no_headers_at_all": b"\x00\xff\xfe binary junk \r\n\r\n\x00",
        "empty_file": b"",
    }
