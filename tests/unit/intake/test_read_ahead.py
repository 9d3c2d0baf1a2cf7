"""The poll's read-ahead: fetched in the caller's thread, read in order in one helper thread."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime

import pytest

from mast_intake.config.settings import Settings
from mast_intake.intake.messages import Attachment, Incoming
from mast_intake.intake.read_ahead import ReadAhead, read_ahead
from mast_intake.models.assessment import Assessment, Rejection
from mast_intake.ports.mailbox import Mailbox, MailboxError
from mast_intake.ports.senders import SenderVerdict


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


@pytest.mark.parametrize(("sender", "verdict", "read_now"), [
    ("worker@council.example", SenderVerdict(True, "dmarc_pass"), True),
    ("worker@council.example", SenderVerdict(False, "no_trusted_results"), False),  # forged
    ("someone@elsewhere.example", SenderVerdict(True, "dmarc_pass"), False),  # not allowed
    ("", None, False),
])
def test_files_are_read_ahead_only_when_the_sender_may_submit(
        sender: str, verdict: SenderVerdict | None, read_now: bool) -> None:
    incoming = Incoming(
        key="key", message_id="<fictional@council.example>", sender=sender, sender_name="",
        subject="", received_at=datetime(2026, 12, 1, tzinfo=UTC), sender_verdict=verdict,
        attachments=[Attachment("one.docx", b"one"), Attachment("again.docx", b"one"),
                     Attachment("two.pdf", b"two")],
    )
    parsed: list[str] = []

    def parse(data: bytes, file_name: str) -> Assessment | Rejection:
        parsed.append(file_name)
        return Rejection(file_name, "", "corrupt", "")

    read = read_ahead(Settings(allowed_sender_domains=["council.example"]), incoming, parse)

    assert read.incoming is incoming
    # The same file attached twice is read once; a file from anyone else is never read ahead.
    assert parsed == (["one.docx", "two.pdf"] if read_now else [])
    assert set(read.files) == ({hashlib.sha256(b"one").hexdigest(), hashlib.sha256(b"two").hexdigest()}
                               if read_now else set())
