"""IMAP IDLE against the real Dovecot: the service is told when mail arrives (fictional mail)."""

from __future__ import annotations

import threading

import pytest

from mast_intake.intake.adapters.imap import ImapMailbox
from tests.integration.conftest import DovecotAccount
from tests.mail_factory import submission

pytestmark = pytest.mark.dovecot

NEVER = 120.0  # a wait that only ends early if the server speaks


def test_a_quiet_inbox_times_out(imap_box: ImapMailbox) -> None:
    assert imap_box.wait_for_mail(0.5) is False


def test_mail_moved_away_is_not_news_but_the_next_arrival_is(dovecot: DovecotAccount,
                                                             imap_box: ImapMailbox) -> None:
    dovecot.append(submission(4))
    dovecot.append(submission(5))
    assert imap_box.wait_for_mail(0.2) is False  # there when it connected: the first poll reads it
    poller = ImapMailbox(dovecot.settings)
    try:
        for key in list(poller.pending()):
            poller.move(key, "Processed")
        assert imap_box.wait_for_mail(0.5) is False
        dovecot.append(submission(6))
        assert imap_box.wait_for_mail(NEVER) is True
    finally:
        poller.close()


def test_mail_arriving_during_idle_ends_the_wait(dovecot: DovecotAccount, imap_box: ImapMailbox) -> None:
    assert imap_box.wait_for_mail(0.2) is False  # connected and selected before the mail comes
    timer = threading.Timer(0.5, dovecot.append, args=(submission(1),))
    timer.start()
    try:
        assert imap_box.wait_for_mail(NEVER) is True
    finally:
        timer.join()
    poller = ImapMailbox(dovecot.settings)
    try:
        assert len(list(poller.pending())) == 1
    finally:
        poller.close()


def test_mail_arriving_between_two_waits_is_reported(dovecot: DovecotAccount, imap_box: ImapMailbox) -> None:
    assert imap_box.wait_for_mail(0.2) is False
    dovecot.append(submission(2))
    assert imap_box.wait_for_mail(NEVER) is True
    assert imap_box.wait_for_mail(0.2) is False  # told once; nothing new since


def test_the_connection_is_usable_after_idle(dovecot: DovecotAccount, imap_box: ImapMailbox) -> None:
    assert imap_box.wait_for_mail(0.2) is False
    dovecot.append(submission(3))
    assert imap_box.wait_for_mail(NEVER) is True
    keys = list(imap_box.pending())
    assert len(keys) == 1 and b"fictional-3" in imap_box.fetch(keys[0])
