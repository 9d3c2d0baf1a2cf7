"""The unit of work: one transaction, and the repositories that work inside it."""

from __future__ import annotations

import abc
from types import TracebackType
from typing import Self

from mast_intake.storage.repositories.accounts import UserRepository
from mast_intake.storage.repositories.agenda import AgendaRepository
from mast_intake.storage.repositories.audit import AuditRepository, MeetingRepository, PollRunRepository
from mast_intake.storage.repositories.children import ChildRepository
from mast_intake.storage.repositories.decisions import DecisionRepository
from mast_intake.storage.repositories.mail import ProcessedMailRepository
from mast_intake.storage.repositories.outbox import OutboxRepository
from mast_intake.storage.repositories.submissions import SubmissionRepository
from mast_intake.storage.repositories.web_sessions import SignInThrottleRepository, WebSessionRepository


class AbstractUnitOfWork(abc.ABC):
    """One atomic piece of work against storage.

    Use it as a context manager::

        with uow:
            uow.mail.mark_processed(message_id, "parsed")
            uow.outbox.add(...)
            uow.commit()

    Inside the block the repositories (``mail``, ``children``, ``submissions``, ``agenda``,
    ``decisions``, ``outbox``, ``audit``, ``poll_runs``, ``meetings``, ``users``, ``web_sessions``,
    ``sign_in_throttle``) share one transaction.
    Nothing is kept unless ``commit()`` is called: leaving the block, normally or by an
    exception, rolls back whatever was not committed. ``commit()`` may be called more than once
    in a block; each call keeps what was done since the previous one. Objects the repositories
    returned stay readable after the block, but changing them then has no effect.

    A unit of work object may be entered again after it exits (a new transaction each time),
    but not while it is open.
    """

    mail: ProcessedMailRepository
    children: ChildRepository
    submissions: SubmissionRepository
    agenda: AgendaRepository
    decisions: DecisionRepository
    outbox: OutboxRepository
    audit: AuditRepository
    poll_runs: PollRunRepository
    meetings: MeetingRepository
    users: UserRepository
    web_sessions: WebSessionRepository
    sign_in_throttle: SignInThrottleRepository

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None:
        """Make everything done in the block since the last commit permanent."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Discard everything done in the block since the last commit."""
