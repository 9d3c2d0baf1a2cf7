"""ImapMailbox against a real Dovecot on 127.0.0.1 (see .ci/services/dovecot.sh), fictional mail: what
only IMAP does (UIDVALIDITY keys, servers without MOVE, reconnecting, login); the port's contract
is in tests/integration/contracts."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import socket
from email.message import EmailMessage

import pytest

from mast_intake.config.settings import ConfigError, ImapSettings
from mast_intake.intake.adapters.imap import ImapMailbox, encode_mailbox_name
from mast_intake.ports.mailbox import MailboxError
from tests.integration.conftest import DovecotAccount
from tests.mail_factory import submission

pytestmark = pytest.mark.dovecot


def message_ids(dovecot: DovecotAccount, folder: str) -> list[str]:
    """Message-IDs of the messages in ``folder``, by UID."""
    ids = []
    for uid in dovecot.uids(folder):
        _, data = dovecot.conn.uid("FETCH", str(uid), "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        ids.append(email.message_from_bytes(data[0][1])["Message-ID"])
    return ids


def test_pending_keys_carry_uidvalidity_and_uid(dovecot: DovecotAccount, imap_box: ImapMailbox) -> None:
    for number in (1, 2, 3):
        dovecot.append(submission(number))
    validity = dovecot.uidvalidity()
    assert list(imap_box.pending()) == [f"{validity}:{uid}" for uid in dovecot.uids()]


def test_fetch_leaves_the_message_unseen(dovecot: DovecotAccount, imap_box: ImapMailbox) -> None:
    dovecot.append(submission(5))
    [key] = imap_box.pending()
    imap_box.fetch(key)
    assert b"\\Seen" not in dovecot.flags(int(key.split(":")[1]))


def test_a_key_from_another_uidvalidity_names_nothing(dovecot: DovecotAccount, imap_box: ImapMailbox) -> None:
    dovecot.append(submission(10))
    [key] = imap_box.pending()
    validity, uid = key.split(":")
    stale = f"{int(validity) - 1}:{uid}"
    with pytest.raises(MailboxError, match="UIDVALIDITY"):
        imap_box.fetch(stale)
    imap_box.move(stale, "Processed")
    assert list(imap_box.pending()) == [key], "the message with that UID now is left alone"
    with pytest.raises(MailboxError):
        imap_box.fetch("not-a-key")


def test_an_existing_folder_is_used_as_it_is(dovecot: DovecotAccount, imap_box: ImapMailbox) -> None:
    dovecot.conn.create('"Processed"')
    dovecot.append(submission(11), folder="Processed")
    dovecot.append(submission(12))
    [key] = imap_box.pending()
    imap_box.move(key, "Processed")
    assert len(dovecot.uids("Processed")) == 2


def test_non_ascii_folder_names_are_sent_in_modified_utf7(
    dovecot: DovecotAccount, imap_box: ImapMailbox
) -> None:
    assert encode_mailbox_name("Traité & done") == '"Trait&AOk- &- done"'
    dovecot.append(submission(13))
    [key] = imap_box.pending()
    imap_box.move(key, "Traité")
    assert "Trait&AOk-" in dovecot.folders()


def test_without_move_it_copies_flags_and_expunges_that_uid_only(
    dovecot: DovecotAccount, imap_box: ImapMailbox
) -> None:
    dovecot.append(submission(14))
    dovecot.append(submission(15))
    first, second = imap_box.pending()
    # Someone else flagged the second one \Deleted: a plain EXPUNGE would lose it.
    dovecot.conn.select("INBOX")
    dovecot.conn.uid("STORE", second.split(":")[1], "+FLAGS.SILENT", r"(\Deleted)")
    imap_box._capabilities.discard("MOVE")
    imap_box.move(first, "Processed")
    imap_box.move(first, "Processed")
    assert message_ids(dovecot, "Processed") == ["<fictional-14@example.invalid>"]
    assert dovecot.uids() == [int(second.split(":")[1])]


def test_without_move_or_uidplus_it_leaves_the_message_flagged_deleted(
    dovecot: DovecotAccount, imap_box: ImapMailbox
) -> None:
    dovecot.append(submission(16))
    [key] = imap_box.pending()
    imap_box._capabilities -= {"MOVE", "UIDPLUS"}
    imap_box.move(key, "Quarantine")
    assert list(imap_box.pending()) == []
    assert dovecot.uids(criteria="DELETED") == [int(key.split(":")[1])]
    assert message_ids(dovecot, "Quarantine") == ["<fictional-16@example.invalid>"]


def test_a_dropped_connection_is_reconnected_once(dovecot: DovecotAccount, imap_box: ImapMailbox) -> None:
    raw = submission(17)
    dovecot.append(raw)
    [key] = imap_box.pending()
    assert imap_box._conn is not None
    imap_box._conn.sock.shutdown(socket.SHUT_RDWR)
    assert list(imap_box.pending()) == [key]
    assert imap_box.fetch(key) == raw


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


def test_a_forwarded_tool_is_found_by_the_one_walker(dovecot: DovecotAccount, imap_box: ImapMailbox) -> None:
    from mast_intake.intake.messages import read_message

    forward = EmailMessage()
    forward["From"] = "worker@example.invalid"
    forward["Subject"] = "Fwd: fictional risk tool"
    forward.set_content("Forwarding.\n")
    forward.add_attachment(email.message_from_bytes(submission(6), policy=email.policy.default))
    dovecot.append(forward.as_bytes(policy=forward.policy.clone(linesep="\r\n")))
    [key] = imap_box.pending()
    incoming = read_message(imap_box.fetch(key), 10, 1024 * 1024)
    assert [(a.file_name, a.via) for a in incoming.attachments] == [("tool-6.docx", "rfc822"),
                                                                    ("x.pdf", "rfc822")]
