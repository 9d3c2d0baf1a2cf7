"""MaildirMailer writing into a real outbox Maildir in tmp_path, with fictional messages: file modes,
names and de-duplication; the port's contract is in tests/integration/contracts."""

from __future__ import annotations

import mailbox
import stat
from email.message import EmailMessage
from pathlib import Path

import pytest

from mast_intake.notifier.adapters.maildir import MaildirMailer
from mast_intake.ports.mailer import MailerError


def make_message(message_id: str = "<reply-1@mast-intake.invalid>") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "mast@example.invalid"
    message["To"] = "worker@example.invalid"
    message["Subject"] = "Fictional case note"
    message["Date"] = "Mon, 02 Mar 2026 09:00:00 +0000"
    if message_id:
        message["Message-ID"] = message_id
    message.set_content("A fictional reply.\n")
    message.add_attachment(b"fictional agenda", maintype="application", subtype="pdf", filename="a.pdf")
    return message


def files(path: Path, sub: str = "new") -> list[Path]:
    return sorted((path / sub).iterdir())


def test_writes_one_private_file_into_new(tmp_path: Path) -> None:
    mailer = MaildirMailer(tmp_path / "var" / "outbox")
    mailer.send(make_message())
    [written] = files(mailer.path)
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    for sub in ("", "new", "cur", "tmp"):
        assert stat.S_IMODE((mailer.path / sub).stat().st_mode) == 0o700
    assert files(mailer.path, "tmp") == []
    assert b"\r\n" not in written.read_bytes(), "Maildir files use LF line endings"


def test_file_name_is_derived_from_the_message_id(tmp_path: Path) -> None:
    mailer = MaildirMailer(tmp_path / "outbox")
    message = make_message()
    mailer.send(message)
    [written] = files(mailer.path)
    assert written.name == mailer.file_name(message)
    assert "reply-1" not in written.name
    assert mailbox.Maildir(mailer.path, create=False).keys() == [written.name]


def test_a_resend_of_the_same_message_writes_nothing_more(tmp_path: Path) -> None:
    mailer = MaildirMailer(tmp_path / "outbox")
    mailer.send(make_message())
    mailer.send(make_message())
    assert len(files(mailer.path)) == 1


def test_a_resend_after_the_reader_moved_it_to_cur_writes_nothing(tmp_path: Path) -> None:
    mailer = MaildirMailer(tmp_path / "outbox")
    mailer.send(make_message())
    [written] = files(mailer.path)
    written.rename(mailer.path / "cur" / f"{written.name}:2,S")
    mailer.send(make_message())
    assert files(mailer.path) == []


def test_a_message_without_message_id_is_refused(tmp_path: Path) -> None:
    mailer = MaildirMailer(tmp_path / "outbox")
    with pytest.raises(MailerError) as caught:
        mailer.send(make_message(message_id=""))
    assert "Fictional" not in str(caught.value)
    assert files(mailer.path) == []


def test_send_mime_writes_the_outbox_bytes_as_send_would(tmp_path: Path) -> None:
    by_message = MaildirMailer(tmp_path / "a")
    by_bytes = MaildirMailer(tmp_path / "b")
    message = make_message()
    by_message.send(message)
    by_bytes.send_mime(bytes(message).replace(b"\n", b"\r\n"))  # CRLF in, LF out
    [one], [other] = files(by_message.path), files(by_bytes.path)
    assert one.name == other.name, "named by the Message-ID either way"
    assert one.read_bytes() == other.read_bytes()
    by_bytes.send_mime(bytes(message))  # again: already there, nothing more written
    assert len(files(by_bytes.path)) == 1


def test_send_mime_without_message_id_fails(tmp_path: Path) -> None:
    with pytest.raises(MailerError):
        MaildirMailer(tmp_path / "outbox").send_mime(bytes(make_message(message_id="")))
