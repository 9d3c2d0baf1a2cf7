"""The poll's pipeline: the next message is read while the current one is checked and committed.

Reading a message (the MIME walk) and its attached tools is mostly waiting for sandboxed
children, while committing one is work in this process (the checks, the review copy, the
database): done one after the other they leave a core idle. ``ReadAhead`` fetches each message
in the poll's own thread (mail clients are not thread-safe) and reads it in one helper thread,
one message ahead of the poll: the email (``read_incoming``) and, when its sender may submit
(``context.sender_refusal``), each attached file (``read_ahead``). A file from anyone else is
never read ahead: reading it is work that a forged or unknown sender should not get.

Reading has no effect outside this process. Everything else stays in the poll's thread, in the
order ``poll.handle_message`` gives it: the claim, the sender check (any file not read ahead is
read then), the checks, the commit, the move and the replies.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from mast_intake.config.settings import Settings
from mast_intake.intake.context import sender_refusal
from mast_intake.intake.messages import Incoming, read_message
from mast_intake.intake.mime import unreadable
from mast_intake.models.assessment import Assessment, Rejection
from mast_intake.ports.mailbox import Mailbox
from mast_intake.ports.senders import SenderVerifier

log = logging.getLogger(__name__)


def read_incoming(settings: Settings, raw: bytes, clock: Callable[[], datetime],
                  sender_verifier: SenderVerifier) -> Incoming:
    """The message as the intake sees it; bytes that cannot be parsed at all still get a key."""
    try:
        incoming = read_message(raw, settings.max_attachments, settings.max_attachment_bytes,
                                now=clock(), limits=settings.limits)
    except Exception as exc:  # the stdlib parser is lenient; this is a last resort
        log.warning("message unreadable", extra={"error": type(exc).__name__})
        return unreadable(raw, clock())
    # Pure header reading, so it is decided once here for the sender check and the acknowledgement.
    incoming.sender_verdict = sender_verifier.verify(raw, incoming.sender)
    return incoming


@dataclass
class Read:
    """A message as read ahead: the email, and what each of its files read as (by SHA-256)."""

    incoming: Incoming
    files: dict[str, Assessment | Rejection] = field(default_factory=dict)


def read_ahead(settings: Settings, incoming: Incoming,
               parse: Callable[[bytes, str], Assessment | Rejection]) -> Read:
    """``incoming`` with its attached files read, when its sender may submit; else alone."""
    read = Read(incoming)
    if sender_refusal(settings, incoming) is None:
        for attachment in incoming.attachments:
            if attachment.sha256 not in read.files:  # the same file attached twice is read once
                read.files[attachment.sha256] = parse(attachment.data, attachment.file_name)
    return read


class ReadAhead:
    """One helper thread that reads the messages handed to it, in order."""

    def __init__(self, mailbox: Mailbox, read: Callable[[bytes], Read]) -> None:
        self._mailbox = mailbox
        self._read = read
        self._helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead")

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._helper.shutdown(wait=True, cancel_futures=True)

    def submit(self, key: str) -> Future[Read]:
        """Fetch ``key`` now and read it in the helper; the future re-raises a failed fetch."""
        try:
            raw = self._mailbox.fetch(key)
        except Exception as exc:  # met by the poll when it handles this message, as before
            failed: Future[Read] = Future()
            failed.set_exception(exc)
            return failed
        return self._helper.submit(self._read, raw)
