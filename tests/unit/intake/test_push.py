"""The mail watcher wakes the poll when the server announces mail, and only then."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from mast_intake.intake.push import MailWatcher
from mast_intake.ports.mailbox import Mailbox, MailboxError


class ScriptedMailbox(Mailbox):
    """Answers wait_for_mail from a script, then blocks until released."""

    def __init__(self, answers: list[object]) -> None:
        self.answers = list(answers)
        self.released = threading.Event()
        self.closed = False

    def wait_for_mail(self, timeout: float) -> bool | None:
        if not self.answers:
            self.released.wait(timeout)
            return False
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer  # type: ignore[return-value]

    def pending(self) -> Iterator[str]:
        return iter(())

    def fetch(self, key: str) -> bytes:
        raise NotImplementedError

    def move(self, key: str, folder: str) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.closed = True
        self.released.set()


def _watch(answers: list[object]) -> tuple[list[int], ScriptedMailbox]:
    mailbox = ScriptedMailbox(answers)
    wakes: list[int] = []
    done = threading.Event()

    def wake() -> None:
        wakes.append(1)

    watcher = MailWatcher(mailbox, wake, wait_seconds=0.2, retry_seconds=0)
    watcher.start()
    # The script is consumed once the watcher waits on the blocking tail (or has ended).
    for _ in range(500):
        if not mailbox.answers or not watcher._thread.is_alive():
            break
        done.wait(0.01)
    watcher.stop(5)
    return wakes, mailbox


def test_each_announcement_wakes_the_poll_and_timeouts_do_not() -> None:
    wakes, mailbox = _watch([True, False, True, False])
    assert len(wakes) == 2 and mailbox.closed


def test_a_failing_server_is_retried() -> None:
    wakes, _ = _watch([MailboxError("down"), True])
    assert len(wakes) == 1


def test_a_mailbox_that_cannot_announce_ends_the_watcher() -> None:
    wakes, _ = _watch([None, True])
    assert wakes == []


def test_a_cycle_polls_again_when_mail_was_announced_during_it(monkeypatch) -> None:
    from mast_intake import scheduler

    arrived = threading.Event()
    cycles: list[int] = []

    def fake_poll(app) -> None:
        cycles.append(1)
        if len(cycles) == 1:
            arrived.set()  # announced while the first cycle ran

    monkeypatch.setattr(scheduler, "poll_job", fake_poll)
    scheduler.poll_until_quiet(object(), arrived)  # type: ignore[arg-type]
    assert len(cycles) == 2
