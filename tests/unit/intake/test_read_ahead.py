"""The poll's read-ahead: fetched in the caller's thread, read in order in one helper thread."""

from __future__ import annotations

import threading

import pytest

from mast_intake.intake.read_ahead import ReadAhead
from mast_intake.ports.mailbox import Mailbox, MailboxError


class _Inbox(Mailbox):
    """Fictional messages by key; fetching ``gone`` fails as a message another worker moved."""

    def __init__(self) -> None:
        self.fetched_in: list[str] = []

    def pending(self):
        return iter(["one", "gone", "two"])

    def fetch(self, key: str) -> bytes:
        self.fetched_in.append(threading.current_thread().name)
        if key == "gone":
            raise MailboxError("fetch failed: message gone")
        return key.encode()

    def move(self, key: str, folder: str) -> None:
        raise AssertionError("reading ahead never moves a message")


def test_messages_are_fetched_here_read_in_the_helper_and_a_failed_fetch_waits_for_its_turn() -> None:
    inbox = _Inbox()
    read_in: list[tuple[bytes, str]] = []

    def read(raw: bytes) -> bytes:
        read_in.append((raw, threading.current_thread().name))
        return raw.upper()

    with ReadAhead(inbox, read) as reader:  # type: ignore[arg-type]
        futures = [reader.submit(key) for key in inbox.pending()]
        assert futures[0].result() == b"ONE"
        with pytest.raises(MailboxError):
            futures[1].result()
        assert futures[2].result() == b"TWO"

    assert inbox.fetched_in == [threading.current_thread().name] * 3  # mail clients are not thread-safe
    assert [raw for raw, _ in read_in] == [b"one", b"two"]
    assert all(name.startswith("read-ahead") for _, name in read_in)
