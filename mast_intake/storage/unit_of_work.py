"""The SQL unit of work: one database transaction, and the SQL repositories that work inside it."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlmodel import Session

from mast_intake.models.rows import utc_now
from mast_intake.ports.clock import Clock
from mast_intake.ports.sealing import PlainText, Sealer
from mast_intake.storage.repositories.accounts import SqlUserRepository
from mast_intake.storage.repositories.agenda import SqlAgendaRepository
from mast_intake.storage.repositories.audit import (
    SqlAuditRepository,
    SqlMeetingRepository,
    SqlPollRunRepository,
)
from mast_intake.storage.repositories.children import SqlChildRepository
from mast_intake.storage.repositories.decisions import SqlDecisionRepository
from mast_intake.storage.repositories.fingerprints import SqlFingerprintRepository
from mast_intake.storage.repositories.mail import SqlProcessedMailRepository
from mast_intake.storage.repositories.outbox import SqlOutboxRepository
from mast_intake.storage.repositories.protection import SqlDataProtectionRepository
from mast_intake.storage.repositories.reports import SqlReportRepository
from mast_intake.storage.repositories.submissions import SqlSubmissionRepository
from mast_intake.storage.repositories.web_sessions import SqlSignInThrottleRepository, SqlWebSessionRepository


class SqlUnitOfWork:
    """The :class:`~mast_intake.ports.UnitOfWork` over a SQLAlchemy session from ``session_factory``.

    ``session_factory`` comes from ``storage.make_session_factory(engine)``. ``sealer`` is the
    encryption-at-rest hook the repositories write free text through (plain text by default);
    ``clock`` gives "now" as an aware UTC datetime (tests pass a fixed one). Besides the port's
    repositories it holds the web console's: ``users``, ``web_sessions``, ``sign_in_throttle``.
    """

    mail: SqlProcessedMailRepository
    children: SqlChildRepository
    submissions: SqlSubmissionRepository
    agenda: SqlAgendaRepository
    decisions: SqlDecisionRepository
    outbox: SqlOutboxRepository
    audit: SqlAuditRepository
    poll_runs: SqlPollRunRepository
    meetings: SqlMeetingRepository
    fingerprints: SqlFingerprintRepository
    protection: SqlDataProtectionRepository
    reports: SqlReportRepository
    users: SqlUserRepository
    web_sessions: SqlWebSessionRepository
    sign_in_throttle: SqlSignInThrottleRepository

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
        self.mail = SqlProcessedMailRepository(*args)
        self.children = SqlChildRepository(*args)
        self.submissions = SqlSubmissionRepository(*args)
        self.agenda = SqlAgendaRepository(*args)
        self.decisions = SqlDecisionRepository(*args)
        self.outbox = SqlOutboxRepository(*args)
        self.audit = SqlAuditRepository(*args)
        self.poll_runs = SqlPollRunRepository(*args)
        self.meetings = SqlMeetingRepository(*args)
        self.fingerprints = SqlFingerprintRepository(*args)
        self.protection = SqlDataProtectionRepository(*args)
        self.reports = SqlReportRepository(*args)
        self.users = SqlUserRepository(*args)
        self.web_sessions = SqlWebSessionRepository(*args)
        self.sign_in_throttle = SqlSignInThrottleRepository(*args)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self.session is not None:
                self.session.rollback()
        finally:
            if self.session is not None:
                self.session.close()
            self.session = None

    def _open_session(self) -> Session:
        if self.session is None:
            raise RuntimeError("use the unit of work inside a `with` block")
        return self.session

    def commit(self) -> None:
        """Make everything done in the block since the last commit permanent."""
        self._open_session().commit()

    def rollback(self) -> None:
        """Discard everything done in the block since the last commit."""
        self._open_session().rollback()
