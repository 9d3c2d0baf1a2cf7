"""IMAP IDLE against the real Dovecot: the service is told when mail arrives (fictional mail)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from mast_intake.intake.adapters.imap import ImapMailbox
from tests.integration.conftest import DovecotAccount
from tests.integration.test_imap_dovecot import make_raw

pytestmark = pytest.mark.dovecot

NEVER = 120.0  # a wait that only ends early if the server speaks


@pytest.fixture
def watcher(dovecot: DovecotAccount) -> Iterator[ImapMailbox]:
    mailbox = ImapMailbox(dovecot.settings)
    try:
        yield mailbox
    finally:
        mailbox.close()


def test_a_quiet_inbox_times_out(watcher: ImapMailbox) -> None:
    assert watcher.wait_for_mail(0.5) is False


def test_mail_moved_away_is_not_news_but_the_next_arrival_is(dovecot: DovecotAccount,
                                                             watcher: ImapMailbox) -> None:
    dovecot.append(make_raw(4))
    dovecot.append(make_raw(5))
    assert watcher.wait_for_mail(0.2) is False  # there when it connected: the first poll reads it
    poller = ImapMailbox(dovecot.settings)
    try:
        for key in list(poller.pending()):
            poller.move(key, "Processed")
        assert watcher.wait_for_mail(0.5) is False
        dovecot.append(make_raw(6))
        assert watcher.wait_for_mail(NEVER) is True
    finally:
        poller.close()


def test_mail_arriving_during_idle_ends_the_wait(dovecot: DovecotAccount, watcher: ImapMailbox) -> None:
    assert watcher.wait_for_mail(0.2) is False  # connected and selected before the mail comes
    timer = threading.Timer(0.5, dovecot.append, args=(make_raw(1),))
    timer.start()
    try:
        assert watcher.wait_for_mail(NEVER) is True
    finally:
        timer.join()
    poller = ImapMailbox(dovecot.settings)
    try:
        assert len(list(poller.pending())) == 1
    finally:
        poller.close()


def test_mail_arriving_between_two_waits_is_reported(dovecot: DovecotAccount, watcher: ImapMailbox) -> None:
    assert watcher.wait_for_mail(0.2) is False
    dovecot.append(make_raw(2))
    assert watcher.wait_for_mail(NEVER) is True
    assert watcher.wait_for_mail(0.2) is False  # told once; nothing new since


def test_the_connection_is_usable_after_idle(dovecot: DovecotAccount, watcher: ImapMailbox) -> None:
    assert watcher.wait_for_mail(0.2) is False
    dovecot.append(make_raw(3))
    assert watcher.wait_for_mail(NEVER) is True
    keys = list(watcher.pending())
    assert len(keys) == 1 and b"fictional-imap-3" in watcher.fetch(keys[0])
