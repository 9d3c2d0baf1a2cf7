"""The unit of work port: one transaction, and the repositories that work inside it."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from mast_intake.ports import cases, records


class UnitOfWork(Protocol):
    """One atomic piece of work against storage.

    Use it as a context manager::

        with uow:
            uow.mail.mark_processed(message_id, "parsed")
            uow.outbox.add(...)
            uow.commit()

    Inside the block the repositories (``mail``, ``children``, ``submissions``, ``agenda``,
    ``decisions``, ``outbox``, ``audit``, ``poll_runs``, ``meetings``, ``fingerprints``,
    ``protection``, ``reports``) share one transaction; they exist only inside the block.
    Nothing is kept unless ``commit()`` is called: leaving the block, normally or by an
    exception, rolls back whatever was not committed. ``commit()`` may be called more than once
    in a block; each call keeps what was done since the previous one. Objects the repositories
    returned stay readable after the block, but changing them then has no effect.

    A unit of work object may be entered again after it exits (a new transaction each time),
    but not while it is open. ``storage.unit_of_work.SqlUnitOfWork`` is the one the service
    runs on (it adds the web console's repositories); ``tests/fakes.py`` has one in memory.
    """

    @property
    def mail(self) -> cases.ProcessedMailRepository:
        """The mail repository of the open transaction."""
        ...

    @property
    def children(self) -> cases.ChildRepository:
        """The children repository of the open transaction."""
        ...

    @property
    def submissions(self) -> cases.SubmissionRepository:
        """The submissions repository of the open transaction."""
        ...

    @property
    def agenda(self) -> cases.AgendaRepository:
        """The agenda repository of the open transaction."""
        ...

    @property
    def decisions(self) -> cases.DecisionRepository:
        """The decisions repository of the open transaction."""
        ...

    @property
    def outbox(self) -> cases.OutboxRepository:
        """The outbox repository of the open transaction."""
        ...

    @property
    def audit(self) -> records.AuditRepository:
        """The audit repository of the open transaction."""
        ...

    @property
    def poll_runs(self) -> records.PollRunRepository:
        """The poll runs repository of the open transaction."""
        ...

    @property
    def meetings(self) -> records.MeetingRepository:
        """The meetings repository of the open transaction."""
        ...

    @property
    def fingerprints(self) -> records.FingerprintRepository:
        """The fingerprints repository of the open transaction."""
        ...

    @property
    def protection(self) -> records.DataProtectionRepository:
        """The protection repository of the open transaction."""
        ...

    @property
    def reports(self) -> records.ReportRepository:
        """The reports repository of the open transaction."""
        ...

    def __enter__(self) -> Self:
        """Open the transaction and the repositories."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed, and close the transaction."""
        ...

    def commit(self) -> None:
        """Make everything done in the block since the last commit permanent."""
        ...

    def rollback(self) -> None:
        """Discard everything done in the block since the last commit."""
        ...
