"""The Mailbox port's contract, as the poll cycle relies on it, run against every adapter.

See :class:`mast_intake.ports.mailbox.Mailbox`: keys of the waiting messages oldest first and
stable between calls; the bytes as received; a move files the message once, takes it out of the
inbox and may be repeated; a key that names nothing is the port's own MailboxError on fetch and
nothing at all on move.
"""

from __future__ import annotations

import pytest

from mast_intake.ports.mailbox import MailboxError
from tests.integration.contracts.conftest import MailboxRig
from tests.mail_factory import submission
from tests.malformed_mail import malformed_messages, nested_rfc822

PROCESSED, QUARANTINE = "Processed", "Quarantine"


def test_an_empty_inbox_has_nothing_pending(mailbox_rig: MailboxRig) -> None:
    assert list(mailbox_rig.mailbox.pending()) == []


def test_pending_lists_each_message_once_oldest_first_with_stable_keys(mailbox_rig: MailboxRig) -> None:
    box = mailbox_rig.mailbox
    for number in (1, 2, 3):
        mailbox_rig.deliver(submission(number))
    keys = list(box.pending())
    assert len(set(keys)) == 3
    assert list(box.pending()) == keys, "the same keys on every call"
    assert [box.fetch(key) for key in keys] == [submission(1), submission(2), submission(3)]


def test_mail_arriving_later_is_seen_by_the_same_adapter(mailbox_rig: MailboxRig) -> None:
    mailbox_rig.deliver(submission(1))
    [first] = mailbox_rig.mailbox.pending()
    mailbox_rig.deliver(submission(2))
    keys = list(mailbox_rig.mailbox.pending())
    assert keys[0] == first and len(keys) == 2


def test_fetch_returns_the_bytes_as_received(mailbox_rig: MailboxRig) -> None:
    # Bytes a re-serialisation would change: folded and padded headers, 8-bit UTF-8, no final CRLF.
    raw = (submission(4).replace(b"Subject:", b"Subject:   \r\n\t")
           .replace(b"To: mast@example.invalid", "To: Zoë Prüfer <mast@example.invalid>".encode())
           + b"trailing   \r\n\r\nno final line end")
    mailbox_rig.deliver(raw)
    [key] = mailbox_rig.mailbox.pending()
    assert mailbox_rig.mailbox.fetch(key) == raw


def test_a_large_message_comes_back_whole(mailbox_rig: MailboxRig) -> None:
    raw = submission(5, attachment=bytes(range(256)) * 16 * 1024)  # about 5.5 MB once encoded
    mailbox_rig.deliver(raw)
    [key] = mailbox_rig.mailbox.pending()
    assert mailbox_rig.mailbox.fetch(key) == raw


ODD = ["crlf_in_display_name", "from_lone_angle", "date_year_9999", "message_id_brackets", "bare_name_star"]


def test_odd_messages_are_listed_and_come_back_unchanged(mailbox_rig: MailboxRig) -> None:
    odd = [malformed_messages()[name] for name in ODD] + [nested_rfc822(100)]
    for raw in odd:
        mailbox_rig.deliver(raw)
    keys = list(mailbox_rig.mailbox.pending())
    assert [mailbox_rig.mailbox.fetch(key) for key in keys] == odd


def test_move_files_the_message_and_takes_it_out_of_the_inbox(mailbox_rig: MailboxRig) -> None:
    box = mailbox_rig.mailbox
    mailbox_rig.deliver(submission(6))
    mailbox_rig.deliver(submission(7))
    first, second = box.pending()
    box.move(first, PROCESSED)  # the folder does not exist yet: it is created
    assert list(box.pending()) == [second]
    assert mailbox_rig.filed(PROCESSED) == [submission(6)]
    box.move(second, QUARANTINE)
    assert list(box.pending()) == []
    assert mailbox_rig.filed(QUARANTINE) == [submission(7)]


def test_a_second_message_goes_into_the_same_folder(mailbox_rig: MailboxRig) -> None:
    box = mailbox_rig.mailbox
    mailbox_rig.deliver(submission(8))
    mailbox_rig.deliver(submission(9))
    for key in list(box.pending()):
        box.move(key, PROCESSED)
    assert sorted(mailbox_rig.filed(PROCESSED)) == sorted([submission(8), submission(9)])


def test_move_is_idempotent_even_to_another_folder(mailbox_rig: MailboxRig) -> None:
    box = mailbox_rig.mailbox
    mailbox_rig.deliver(submission(10))
    [key] = box.pending()
    box.move(key, PROCESSED)
    box.move(key, PROCESSED)  # a crash between the move and its bookkeeping: the cycle repeats it
    box.move(key, QUARANTINE)
    assert mailbox_rig.filed(PROCESSED) == [submission(10)]
    assert mailbox_rig.filed(QUARANTINE) == []


def test_moving_a_key_that_names_nothing_is_not_an_error(mailbox_rig: MailboxRig) -> None:
    mailbox_rig.deliver(submission(11))
    [key] = mailbox_rig.mailbox.pending()
    mailbox_rig.mailbox.move(mailbox_rig.missing_key(), PROCESSED)
    assert list(mailbox_rig.mailbox.pending()) == [key], "nothing else was moved"


def test_fetch_of_a_moved_message_is_a_mailbox_error(mailbox_rig: MailboxRig) -> None:
    mailbox_rig.deliver(submission(12))
    [key] = mailbox_rig.mailbox.pending()
    mailbox_rig.mailbox.move(key, PROCESSED)
    with pytest.raises(MailboxError):
        mailbox_rig.mailbox.fetch(key)


@pytest.mark.parametrize("kind", ["missing", "foreign"])
def test_fetch_of_an_unknown_key_is_a_mailbox_error_naming_no_key(mailbox_rig: MailboxRig, kind: str) -> None:
    key = mailbox_rig.missing_key() if kind == "missing" else "not-a-key-of-any-adapter"
    with pytest.raises(MailboxError) as caught:
        mailbox_rig.mailbox.fetch(key)
    assert key not in str(caught.value)


def test_restore_puts_a_message_back_or_says_it_cannot(mailbox_rig: MailboxRig) -> None:
    box = mailbox_rig.mailbox
    mailbox_rig.deliver(submission(13))
    [key] = box.pending()
    box.move(key, QUARANTINE)
    if box.restore(key, QUARANTINE):
        [back] = box.pending()
        assert box.fetch(back) == submission(13)
        assert mailbox_rig.filed(QUARANTINE) == []
        assert box.restore(key, QUARANTINE) is False, "nothing left to restore"
    else:
        assert list(box.pending()) == []
        assert mailbox_rig.filed(QUARANTINE) == [submission(13)]


def test_close_can_be_called_twice(mailbox_rig: MailboxRig) -> None:
    list(mailbox_rig.mailbox.pending())
    mailbox_rig.mailbox.close()
    mailbox_rig.mailbox.close()
