"""The audit log, poll runs and meeting days."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import col, select

from mast_intake.models.rows import AuditLog, Meeting, PollRun
from mast_intake.ports.errors import NotFound
from mast_intake.storage.repositories.base import (
    SqlRepository,
    check_error_kind,
    insert_for,
    rows_changed,
    table_of,
)


class SqlAuditRepository(SqlRepository):
    """The audit trail. Append-only, and ``detail`` must never hold anything about a child."""

    def append(
        self, actor: str, action: str, subject_type: str, subject_id: str | int, detail: str = ""
    ) -> AuditLog:
        """Add one line to the trail, timed now."""
        row = AuditLog(
            at=self.clock(),
            actor=actor,
            action=action,
            subject_type=subject_type,
            subject_id=str(subject_id),
            detail=detail,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def list(
        self,
        *,
        subject_type: str | None = None,
        subject_id: str | int | None = None,
        actor: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        limit: int = 200,
    ) -> list[AuditLog]:
        """Lines matching every filter given, newest first."""
        statement = select(AuditLog)
        if subject_type is not None:
            statement = statement.where(AuditLog.subject_type == subject_type)
        if subject_id is not None:
            statement = statement.where(AuditLog.subject_id == str(subject_id))
        if actor is not None:
            statement = statement.where(AuditLog.actor == actor)
        if action is not None:
            statement = statement.where(AuditLog.action == action)
        if since is not None:
            statement = statement.where(col(AuditLog.at) >= since)
        return [*self.session.exec(statement.order_by(col(AuditLog.id).desc()).limit(limit))]


class SqlPollRunRepository(SqlRepository):
    """One row per mailbox poll, for ``mast-intake status``."""

    def start(self, worker_id: str) -> PollRun:
        """Record that a poll began."""
        run = PollRun(worker_id=worker_id, started_at=self.clock(), counts={})
        self.session.add(run)
        self.session.flush()
        return run

    def finish(self, run_id: int, counts: dict[str, int], error_kind: str | None = None) -> PollRun:
        """Record that the poll ended, with its counts (and the exception class if it broke off)."""
        run = self.session.get(PollRun, run_id)
        if run is None:
            raise NotFound(f"no poll run {run_id}")
        run.finished_at = self.clock()
        run.counts = {str(k): int(v) for k, v in counts.items()}
        run.error_kind = None if error_kind is None else check_error_kind(error_kind)
        self.session.flush()
        return run

    def latest(self) -> PollRun | None:
        """The most recent poll, or None if there has been none."""
        return self.session.exec(select(PollRun).order_by(col(PollRun.id).desc())).first()

    def recent(self, limit: int = 10) -> list[PollRun]:
        """The last ``limit`` polls, newest first."""
        return list(self.session.exec(select(PollRun).order_by(col(PollRun.id).desc()).limit(limit)))


class SqlMeetingRepository(SqlRepository):
    """MAST meeting days, so that each meeting's agenda is sent exactly once."""

    def get_or_create(self, meeting_date: date) -> Meeting:
        """The meeting on ``meeting_date``, created if needed (safe against a concurrent create)."""
        self.session.execute(
            insert_for(self.session, table_of(Meeting))
            .values(meeting_date=meeting_date, created_at=self.clock())
            .on_conflict_do_nothing(index_elements=["meeting_date"])
        )
        return self.session.exec(
            select(Meeting)
            .where(Meeting.meeting_date == meeting_date)
            .execution_options(populate_existing=True)
        ).one()

    def get(self, meeting_date: date) -> Meeting | None:
        """The meeting on ``meeting_date``, or None."""
        return self.session.exec(select(Meeting).where(Meeting.meeting_date == meeting_date)).first()

    def mark_agenda_sent(self, meeting_date: date) -> bool:
        """True if this call is the one that marks the agenda sent; False if it already was.

        One conditional UPDATE, so of two processes only one gets True: queue the agenda email
        in the same unit of work only when this returns True.
        """
        self.get_or_create(meeting_date)
        result = self.session.execute(
            sa.update(table_of(Meeting))
            .where(
                table_of(Meeting).c.meeting_date == meeting_date,
                table_of(Meeting).c.agenda_sent_at.is_(None),
            )
            .values(agenda_sent_at=self.clock())
        )
        # The core UPDATE bypassed the session: refresh the object if the session holds it.
        for meeting in self.session.identity_map.values():
            if isinstance(meeting, Meeting) and meeting.meeting_date == meeting_date:
                self.session.refresh(meeting)
        return rows_changed(result) == 1
