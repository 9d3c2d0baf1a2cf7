"""Poll as soon as the mail server says mail arrived; the interval poll stays as the safety net.

``MailWatcher`` runs a thread that waits on a mailbox instance of its own
(``Mailbox.wait_for_mail``: IMAP IDLE, an EWS pull subscription, Graph delta queries) and calls
``wake`` whenever the server reports new mail. An adapter that cannot be told (the embedded
Maildir) ends the thread at once, leaving the interval poll alone; a server that fails is retried after
a pause, the interval poll covering the gap.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from mast_intake.ports.mailbox import Mailbox, MailboxError

log = logging.getLogger(__name__)

# How long one wait lasts before it is renewed (IMAP servers drop an IDLE left for 30 minutes).
WAIT_SECONDS = 600.0
RETRY_SECONDS = 30.0


class MailWatcher:
    """Calls ``wake`` each time ``mailbox`` reports new mail, until ``stop``."""

    def __init__(self, mailbox: Mailbox, wake: Callable[[], None], wait_seconds: float = WAIT_SECONDS,
                 retry_seconds: float = RETRY_SECONDS) -> None:
        self.mailbox = mailbox
        self.wake = wake
        self.wait_seconds = wait_seconds
        self.retry_seconds = retry_seconds
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="mail-watcher", daemon=True)

    def start(self) -> None:
        """Start watching in the background."""
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Ask the watcher to end (after its current wait) and close its mailbox."""
        self._stopped.set()
        self._thread.join(timeout)
        self.mailbox.close()

    def _watch(self) -> None:
        while not self._stopped.is_set():
            try:
                told = self.mailbox.wait_for_mail(self.wait_seconds)
            except MailboxError as exc:
                log.warning("waiting for mail failed; polling on the interval meanwhile",
                            extra={"error": type(exc).__name__})
                self._stopped.wait(self.retry_seconds)
                continue
            if told is None:
                log.info("the mailbox cannot announce mail; polling on the interval only")
                return
            if told and not self._stopped.is_set():
                self.wake()
