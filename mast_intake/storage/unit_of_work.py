"""The SQL unit of work: one database transaction, and the SQL repositories that work inside it."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlmodel import Session

from mast_intake.intake.unit_of_work import AbstractUnitOfWork
from mast_intake.models.rows import utc_now
from mast_intake.storage.repositories.accounts import UserRepository
from mast_intake.storage.repositories.agenda import AgendaRepository
from mast_intake.storage.repositories.audit import AuditRepository, MeetingRepository, PollRunRepository
from mast_intake.storage.repositories.base import Clock
from mast_intake.storage.repositories.children import ChildRepository
from mast_intake.storage.repositories.decisions import DecisionRepository
from mast_intake.storage.repositories.mail import ProcessedMailRepository
from mast_intake.storage.repositories.outbox import OutboxRepository
from mast_intake.storage.repositories.submissions import SubmissionRepository
from mast_intake.storage.repositories.web_sessions import SignInThrottleRepository, WebSessionRepository
from mast_intake.storage.sealing import PlainText, Sealer


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
