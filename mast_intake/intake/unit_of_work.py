"""The unit of work: one transaction, and the repositories that work inside it."""

from __future__ import annotations

import abc
from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlmodel import Session

from mast_intake.storage.repositories import (
    AgendaRepository,
    AuditRepository,
    ChildRepository,
    Clock,
    DecisionRepository,
    MeetingRepository,
    OutboxRepository,
    PollRunRepository,
    ProcessedMailRepository,
    SubmissionRepository,
    UserRepository,
)
from mast_intake.storage.sealing import PlainText, Sealer
from mast_intake.storage.tables import utc_now
from mast_intake.storage.web_sessions import SignInThrottleRepository, WebSessionRepository


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


class SqlUnitOfWork(AbstractUnitOfWork):
    """The unit of work over a SQLAlchemy session from ``session_factory``.

    ``session_factory`` comes from ``storage.make_session_factory(engine)``. ``sealer`` is the
    encryption-at-rest hook the repositories write free text through (plain text by default);
    ``clock`` gives "now" as an aware UTC datetime (tests pass a fixed one).
    """

    def __init__(
        self,
        session_factory: Callable[[], Session],
        sealer: Sealer | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.session_factory = session_factory
        self.sealer = sealer or PlainText()
        self.clock = clock
        self.session: Session | None = None

    def __enter__(self) -> Self:
        if self.session is not None:
            raise RuntimeError("this unit of work is already open")
        self.session = session = self.session_factory()
        args = (session, self.sealer, self.clock)
        self.mail = ProcessedMailRepository(*args)
        self.children = ChildRepository(*args)
        self.submissions = SubmissionRepository(*args)
        self.agenda = AgendaRepository(*args)
        self.decisions = DecisionRepository(*args)
        self.outbox = OutboxRepository(*args)
        self.audit = AuditRepository(*args)
        self.poll_runs = PollRunRepository(*args)
        self.meetings = MeetingRepository(*args)
        self.users = UserRepository(*args)
        self.web_sessions = WebSessionRepository(*args)
        self.sign_in_throttle = SignInThrottleRepository(*args)
        return super().__enter__()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            super().__exit__(exc_type, exc, tb)
        finally:
            if self.session is not None:
                self.session.close()
            self.session = None

    def _open_session(self) -> Session:
        if self.session is None:
            raise RuntimeError("use the unit of work inside a `with` block")
        return self.session

    def commit(self) -> None:
        self._open_session().commit()

    def rollback(self) -> None:
        self._open_session().rollback()
