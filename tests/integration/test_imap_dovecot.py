"""ImapMailbox against a real Dovecot on 127.0.0.1 (see .ci/services/dovecot.sh), fictional mail."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from mast_intake.config.settings import ConfigError, ImapSettings
from mast_intake.intake.adapters.imap import ImapMailbox, encode_mailbox_name
from mast_intake.ports.mailbox import MailboxError
from tests.integration.conftest import DovecotAccount

pytestmark = pytest.mark.dovecot


def make_raw(number: int) -> bytes:
    """A fictional submission with a Word and a PDF attachment, CRLF as on the wire."""
    message = EmailMessage()
    message["From"] = "worker@example.invalid"
    message["To"] = "mast@example.invalid"
    message["Subject"] = f"Fictional risk tool {number}"
    message["Message-ID"] = f"<fictional-imap-{number}@example.invalid>"
    message.set_content("Please find the fictional tool attached.\n")
    message.add_attachment(
        b"PK\x03\x04 fictional docx " + bytes(range(256)),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename=f"tool-{number}.docx",
    )
    message.add_attachment(b"%PDF-1.7 fictional", maintype="application", subtype="pdf", filename="x.pdf")
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


@pytest.fixture
def box(dovecot: DovecotAccount) -> Iterator[ImapMailbox]:
    mailbox = ImapMailbox(dovecot.settings)
    try:
        yield mailbox
    finally:
        mailbox.close()


def message_ids(dovecot: DovecotAccount, folder: str) -> list[str]:
    """Message-IDs of the messages in ``folder``, by UID."""
    ids = []
    for uid in dovecot.uids(folder):
        _, data = dovecot.conn.uid("FETCH", str(uid), "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        ids.append(email.message_from_bytes(data[0][1])["Message-ID"])
    return ids


def test_an_empty_inbox_has_nothing_pending(box: ImapMailbox) -> None:
    assert list(box.pending()) == []


def test_pending_keys_carry_uidvalidity_and_come_in_arrival_order(
    dovecot: DovecotAccount, box: ImapMailbox
) -> None:
    for number in (1, 2, 3):
        dovecot.append(make_raw(number))
    validity = dovecot.uidvalidity()
    expected = [f"{validity}:{uid}" for uid in dovecot.uids()]
    assert list(box.pending()) == expected
    assert list(box.pending()) == expected, "same keys on every call"
    dovecot.append(make_raw(4))
    assert len(list(box.pending())) == 4, "new mail is seen on the same connection"


def test_fetch_returns_the_message_with_its_attachments_and_leaves_it_unseen(
    dovecot: DovecotAccount, box: ImapMailbox
) -> None:
    raw = make_raw(5)
    dovecot.append(raw)
    [key] = box.pending()
    fetched = box.fetch(key)
    assert fetched == raw
    parsed = email.message_from_bytes(fetched, policy=email.policy.default)
    assert parsed["Message-ID"] == "<fictional-imap-5@example.invalid>"
    names = [part.get_filename() for part in parsed.iter_attachments()]
    assert names == ["tool-5.docx", "x.pdf"]
    assert b"\\Seen" not in dovecot.flags(int(key.split(":")[1]))


def test_move_creates_the_folder_and_files_the_message(dovecot: DovecotAccount, box: ImapMailbox) -> None:
    dovecot.append(make_raw(6))
    dovecot.append(make_raw(7))
    first, second = box.pending()
    assert "Processed" not in dovecot.folders()
    box.move(first, "Processed")
    assert "Processed" in dovecot.folders()
    assert list(box.pending()) == [second]
    assert message_ids(dovecot, "Processed") == ["<fictional-imap-6@example.invalid>"]
    box.move(second, "Quarantine")
    assert message_ids(dovecot, "Quarantine") == ["<fictional-imap-7@example.invalid>"]
    assert dovecot.uids() == []


def test_move_is_idempotent_and_a_missing_uid_is_not_an_error(
    dovecot: DovecotAccount, box: ImapMailbox
) -> None:
    dovecot.append(make_raw(8))
    [key] = box.pending()
    box.move(key, "Processed")
    box.move(key, "Processed")
    box.move(key, "Quarantine")
    validity = key.split(":")[0]
    box.move(f"{validity}:999999", "Processed")
    assert message_ids(dovecot, "Processed") == ["<fictional-imap-8@example.invalid>"]
    assert dovecot.uids("Quarantine") == []


def test_fetch_of_a_missing_uid_is_a_mailbox_error(dovecot: DovecotAccount, box: ImapMailbox) -> None:
    dovecot.append(make_raw(9))
    [key] = box.pending()
    box.move(key, "Processed")
    with pytest.raises(MailboxError, match="no longer"):
        box.fetch(key)


def test_a_key_from_another_uidvalidity_names_nothing(dovecot: DovecotAccount, box: ImapMailbox) -> None:
    dovecot.append(make_raw(10))
    [key] = box.pending()
    validity, uid = key.split(":")
    stale = f"{int(validity) - 1}:{uid}"
    with pytest.raises(MailboxError, match="UIDVALIDITY"):
        box.fetch(stale)
    box.move(stale, "Processed")
    assert list(box.pending()) == [key], "the message with that UID now is left alone"
    with pytest.raises(MailboxError):
        box.fetch("not-a-key")


def test_an_existing_folder_is_used_as_it_is(dovecot: DovecotAccount, box: ImapMailbox) -> None:
    dovecot.conn.create('"Processed"')
    dovecot.append(make_raw(11), folder="Processed")
    dovecot.append(make_raw(12))
    [key] = box.pending()
    box.move(key, "Processed")
    assert len(dovecot.uids("Processed")) == 2


def test_non_ascii_folder_names_are_sent_in_modified_utf7(dovecot: DovecotAccount, box: ImapMailbox) -> None:
    assert encode_mailbox_name("Traité & done") == '"Trait&AOk- &- done"'
    dovecot.append(make_raw(13))
    [key] = box.pending()
    box.move(key, "Traité")
    assert "Trait&AOk-" in dovecot.folders()


def test_without_move_it_copies_flags_and_expunges_that_uid_only(
    dovecot: DovecotAccount, box: ImapMailbox
) -> None:
    dovecot.append(make_raw(14))
    dovecot.append(make_raw(15))
    first, second = box.pending()
    # Someone else flagged the second one \Deleted: a plain EXPUNGE would lose it.
    dovecot.conn.select("INBOX")
    dovecot.conn.uid("STORE", second.split(":")[1], "+FLAGS.SILENT", r"(\Deleted)")
    box._capabilities.discard("MOVE")
    box.move(first, "Processed")
    box.move(first, "Processed")
    assert message_ids(dovecot, "Processed") == ["<fictional-imap-14@example.invalid>"]
    assert dovecot.uids() == [int(second.split(":")[1])]


def test_without_move_or_uidplus_it_leaves_the_message_flagged_deleted(
    dovecot: DovecotAccount, box: ImapMailbox
) -> None:
    dovecot.append(make_raw(16))
    [key] = box.pending()
    box._capabilities -= {"MOVE", "UIDPLUS"}
    box.move(key, "Quarantine")
    assert list(box.pending()) == []
    assert dovecot.uids(criteria="DELETED") == [int(key.split(":")[1])]
    assert message_ids(dovecot, "Quarantine") == ["<fictional-imap-16@example.invalid>"]


def test_a_dropped_connection_is_reconnected_once(dovecot: DovecotAccount, box: ImapMailbox) -> None:
    raw = make_raw(17)
    dovecot.append(raw)
    [key] = box.pending()
    assert box._conn is not None
    box._conn.sock.shutdown(socket.SHUT_RDWR)
    assert list(box.pending()) == [key]
    assert box.fetch(key) == raw


def test_a_wrong_password_is_a_mailbox_error_naming_no_secret(dovecot_settings: ImapSettings) -> None:
    settings = dataclasses.replace(dovecot_settings, password="wrong-fictional-password")
    box = ImapMailbox(settings)
    with pytest.raises(MailboxError, match="login refused") as caught:
        list(box.pending())
    assert "wrong-fictional-password" not in str(caught.value)
    assert settings.host in str(caught.value)


def test_an_unreachable_server_is_a_mailbox_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = ImapMailbox(ImapSettings(host="127.0.0.1", port=port, ssl=False), timeout=2)
    with pytest.raises(MailboxError, match=f"127.0.0.1:{port}"):
        list(box.pending())


def test_plaintext_is_refused_for_a_remote_host() -> None:
    with pytest.raises(ConfigError):
        ImapMailbox(ImapSettings(host="imap.example.invalid", ssl=False, starttls=False))
    with pytest.raises(ConfigError):
        ImapMailbox(ImapSettings(host="imap.example.invalid", ssl=True, starttls=True))
    ImapMailbox(ImapSettings(host="imap.example.invalid", ssl=False, starttls=True))


def test_a_forwarded_tool_is_found_by_the_one_walker(dovecot: DovecotAccount, box: ImapMailbox) -> None:
    from mast_intake.intake.messages import read_message

    forward = EmailMessage()
    forward["From"] = "worker@example.invalid"
    forward["Subject"] = "Fwd: fictional risk tool"
    forward.set_content("Forwarding.\n")
    forward.add_attachment(email.message_from_bytes(make_raw(6), policy=email.policy.default))
    dovecot.append(forward.as_bytes(policy=forward.policy.clone(linesep="\r\n")))
    [key] = box.pending()
    incoming = read_message(box.fetch(key), 10, 1024 * 1024)
    assert [(a.file_name, a.via) for a in incoming.attachments] == [("tool-6.docx", "rfc822"),
                                                                    ("x.pdf", "rfc822")]
