"""Agenda entries: queued, placed on a meeting, deferred, decided."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import col, select

from mast_intake.domain.agenda import (
    REPLACEABLE_STATES,
    WAITING_STATES,
    Deferral,
    EntryLike,
    check_transition,
)
from mast_intake.models.rows import AgendaDeferral, AgendaEntry, Child, Submission
from mast_intake.ports.errors import NotFound
from mast_intake.storage.repositories.base import SqlRepository


def _deferral(row: AgendaDeferral) -> Deferral:
    assert row.agenda_entry_id is not None
    return Deferral(row.agenda_entry_id, row.from_date, row.to_date, row.deferred_by, row.created_at)


class SqlAgendaRepository(SqlRepository):
    """The ``ports.AgendaRepository``, on SQL."""

    def enqueue(self, submission: Submission, is_review: bool, needs_correction: bool) -> AgendaEntry:
        """Queue ``submission`` for MAST, replacing the child's entry that is not yet decided."""
        if submission.id is None:
            raise ValueError("store the submission before queueing it")
        if submission.status != "parsed":
            raise ValueError("only a parsed submission can go to MAST")
        now = self.clock()
        entry = AgendaEntry(
            submission_id=submission.id,
            child_id=submission.child_id,
            state="queued",
            queued_at=submission.received_at,
            is_review=is_review,
            needs_correction=needs_correction,
            created_at=now,
            updated_at=now,
        )
        earlier: list[AgendaEntry] = []
        if submission.child_id is not None:
            # Lock the child so two tools for one child arriving together replace in turn.
            self.session.exec(self._locking(select(Child).where(Child.id == submission.child_id))).first()
            earlier = list(
                self.session.exec(
                    self._locking(
                        select(AgendaEntry)
                        .where(
                            AgendaEntry.child_id == submission.child_id,
                            col(AgendaEntry.state).in_(REPLACEABLE_STATES),
                        )
                        .order_by(col(AgendaEntry.queued_at), col(AgendaEntry.id))
                    )
                )
            )
        if earlier:
            first = earlier[0]
            entry.state, entry.meeting_date = first.state, first.meeting_date
            entry.queued_at, entry.deferrals = first.queued_at, first.deferrals
        self.session.add(entry)
        self.session.flush()
        for old in earlier:
            check_transition(old, "replaced")
            old.state, old.replaced_by_id, old.updated_at = "replaced", entry.id, now
        if earlier and submission.replaces_submission_id is None:
            submission.replaces_submission_id = earlier[-1].submission_id
        self.session.flush()
        return entry

    def get(self, entry_id: int) -> AgendaEntry | None:
        """The entry with this id, or None."""
        return self.session.get(AgendaEntry, entry_id)

    def for_submission(self, submission_id: int) -> AgendaEntry | None:
        """The entry for this submission, or None if it was never queued."""
        return self.session.exec(
            select(AgendaEntry).where(AgendaEntry.submission_id == submission_id)
        ).first()

    def queued_before(self, cutoff: datetime) -> list[AgendaEntry]:
        """Entries waiting for a meeting (queued or deferred) that arrived before ``cutoff``."""
        return list(
            self.session.exec(
                select(AgendaEntry)
                .where(col(AgendaEntry.state).in_(WAITING_STATES), col(AgendaEntry.queued_at) < cutoff)
                .order_by(col(AgendaEntry.queued_at), col(AgendaEntry.id))
            )
        )

    def place_on_meeting(self, entries: Iterable[EntryLike], meeting_date: date) -> list[AgendaEntry]:
        """Put waiting entries on the meeting of ``meeting_date``; InvalidTransition for any other."""
        placed = []
        now = self.clock()
        for entry in entries:
            entry = self._lock(entry)
            check_transition(entry, "on_agenda")
            entry.state, entry.meeting_date, entry.updated_at = "on_agenda", meeting_date, now
            placed.append(entry)
        self.session.flush()
        return placed

    def for_meeting(self, meeting_date: date) -> list[AgendaEntry]:
        """The entries on that meeting's agenda (not replaced ones), in queue order."""
        return list(
            self.session.exec(
                select(AgendaEntry)
                .where(AgendaEntry.meeting_date == meeting_date, AgendaEntry.state != "replaced")
                .order_by(col(AgendaEntry.queued_at), col(AgendaEntry.id))
            )
        )

    def meeting_dates(self, limit: int = 100) -> list[date]:
        """Dates of meetings that have (or had) cases on their agenda, newest first."""
        rows = self.session.exec(
            select(col(AgendaEntry.meeting_date))
            .where(col(AgendaEntry.meeting_date).is_not(None))
            .distinct()
            .order_by(col(AgendaEntry.meeting_date).desc())
            .limit(limit)
        )
        return [day for day in rows if day is not None]

    def waiting_count(self) -> int:
        """How many entries wait for a meeting (queued or deferred)."""
        return self.session.exec(
            select(sa.func.count()).select_from(AgendaEntry).where(col(AgendaEntry.state).in_(WAITING_STATES))
        ).one()

    def open_for_child(self, child_id: int) -> list[AgendaEntry]:
        """The child's entries not yet decided or replaced."""
        return list(
            self.session.exec(
                select(AgendaEntry)
                .where(AgendaEntry.child_id == child_id, col(AgendaEntry.state).in_(REPLACEABLE_STATES))
                .order_by(col(AgendaEntry.id))
            )
        )

    def store_deferral(self, entry: EntryLike, deferral: Deferral) -> AgendaEntry:
        """Store that an entry is deferred to ``deferral.to_day``, and the deferral itself.

        The rule (``domain.agenda.deferral_target``) picks the day; this only checks the move.
        """
        entry = self._lock(entry)
        check_transition(entry, "deferred")
        entry.state, entry.meeting_date, entry.updated_at = "deferred", deferral.to_day, self.clock()
        entry.deferrals += 1
        assert entry.id is not None  # a locked entry is a stored row
        self.session.add(AgendaDeferral(agenda_entry_id=entry.id, from_date=deferral.from_day,
                                        to_date=deferral.to_day, deferred_by=deferral.deferred_by,
                                        created_at=deferral.at))
        self.session.flush()
        return entry

    def deferrals_of(self, entry_id: int) -> list[Deferral]:
        """The entry's deferrals, oldest first."""
        rows = self.session.exec(select(AgendaDeferral).where(AgendaDeferral.agenda_entry_id == entry_id)
                                 .order_by(col(AgendaDeferral.id)))
        return [_deferral(row) for row in rows]

    def deferred_from(self, meeting_date: date) -> list[tuple[AgendaEntry, Deferral]]:
        """Entries deferred from the meeting of ``meeting_date``, with that deferral, in queue order."""
        rows = self.session.exec(
            select(AgendaEntry, AgendaDeferral)
            .join(AgendaDeferral, col(AgendaDeferral.agenda_entry_id) == col(AgendaEntry.id))
            .where(AgendaDeferral.from_date == meeting_date, AgendaEntry.state != "replaced")
            .order_by(col(AgendaEntry.queued_at), col(AgendaEntry.id))
        )
        return [(entry, _deferral(row)) for entry, row in rows]

    def waiting(self) -> list[AgendaEntry]:
        """Every entry queued or deferred, in queue order."""
        return list(self.session.exec(
            select(AgendaEntry).where(col(AgendaEntry.state).in_(WAITING_STATES))
            .order_by(col(AgendaEntry.queued_at), col(AgendaEntry.id))
        ))

    def store_placed(self, entries: Iterable[EntryLike], day: date) -> None:
        """Store that these entries are on the agenda of ``day``."""
        self.place_on_meeting(entries, day)

    def lock(self, entry_id: int) -> AgendaEntry:
        """The entry, locked until the transaction ends (NotFound if there is none)."""
        return self._lock(entry_id)

    def mark_decided(self, entry: EntryLike) -> AgendaEntry:
        """Record that the meeting decided the entry (done by SqlDecisionRepository.record too)."""
        entry = self._lock(entry)
        check_transition(entry, "decided")
        entry.state, entry.updated_at = "decided", self.clock()
        self.session.flush()
        return entry

    def _lock(self, entry: EntryLike | int) -> AgendaEntry:
        entry_id = entry if isinstance(entry, int) else entry.id
        row = self.session.exec(self._locking(select(AgendaEntry).where(AgendaEntry.id == entry_id))).first()
        if row is None:
            raise NotFound(f"no agenda entry {entry_id}")
        return row
