"""The poll's pipeline: the next message is read while the current one is checked and committed.

Reading a message (the MIME walk) is mostly waiting for a sandboxed child, while committing
one is work in this process (the checks, the review copy, the database): done one after the
other they leave a core idle. ``ReadAhead`` fetches each message in the poll's own thread (mail
clients are not thread-safe) and reads it (``read_incoming``) in one helper thread, one message
ahead of the poll.

Reading has no effect outside this process. Everything else stays in the poll's thread, in the
order ``poll.handle_message`` gives it: the claim, the sender check, the attached tools parsed
(only once the previous message's replies have gone), the checks, the commit, the move and the
replies.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

from mast_intake.config.settings import Settings
from mast_intake.intake.messages import Incoming, read_message
from mast_intake.intake.mime import unreadable
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


class ReadAhead:
    """One helper thread that reads the messages handed to it, in order."""

    def __init__(self, mailbox: Mailbox, read: Callable[[bytes], Incoming]) -> None:
        self._mailbox = mailbox
        self._read = read
        self._helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead")

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._helper.shutdown(wait=True, cancel_futures=True)

    def submit(self, key: str) -> Future[Incoming]:
        """Fetch ``key`` now and read it in the helper; the future re-raises a failed fetch."""
        try:
            raw = self._mailbox.fetch(key)
        except Exception as exc:  # met by the poll when it handles this message, as before
            failed: Future[Incoming] = Future()
            failed.set_exception(exc)
            return failed
        return self._helper.submit(self._read, raw)
