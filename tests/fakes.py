"""In-memory fakes of the unit of work and repositories, for service-layer unit tests.

They keep the same contracts as the SQL ones (tests/unit/storage runs one suite against both),
including rollback of anything not committed, using the same table classes as plain objects.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Self, TypeVar

import sqlalchemy as sa

from mast_intake.domain.agenda import REPLACEABLE_STATES, WAITING_STATES, Deferral, check_transition
from mast_intake.domain.decisions import Action, DecisionRecord, check_decision_allowed, check_decision_values
from mast_intake.domain.enums import CaseStatus, Level, NrmOutcome
from mast_intake.domain.history import choose_previous, history_order
from mast_intake.domain.names import normalise_name
from mast_intake.intake.unit_of_work import AbstractUnitOfWork
from mast_intake.models.rows import (
    OUTBOX_KINDS,
    AgendaDeferral,
    AgendaEntry,
    AuditLog,
    Child,
    ChildAlias,
    Decision,
    Meeting,
    Outbox,
    PollRun,
    ProcessedMail,
    Submission,
    utc_now,
)
from mast_intake.models.rows.base import StorageModel
from mast_intake.storage.errors import InvalidTransition, LeaseLost, NotFound
from mast_intake.storage.repositories.base import Clock, check_error_kind


class FakeClock:
    """A clock that stands still until told to move: ``clock()`` is now, ``advance`` moves it."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 3, 2, 7, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


Row = TypeVar("Row", bound=StorageModel)
TABLES: tuple[type[StorageModel], ...] = (
    ProcessedMail,
    Child,
    ChildAlias,
    Submission,
    AgendaEntry,
    AgendaDeferral,
    Decision,
    Outbox,
    AuditLog,
    PollRun,
    Meeting,
)


def _copy(row: Row) -> Row:
    return type(row)(**row.model_dump())


class FakeDatabase:
    """The committed state that fake units of work share, like the database for SQL ones."""

    def __init__(self) -> None:
        self.tables: dict[type, dict[int, StorageModel]] = {table: {} for table in TABLES}
        self.ids = itertools.count(1)
        self.commits = 0

    def snapshot(self) -> dict[type, dict[int, StorageModel]]:
        return {table: {k: _copy(v) for k, v in rows.items()} for table, rows in self.tables.items()}


def _unique_violation(what: str) -> sa.exc.IntegrityError:
    return sa.exc.IntegrityError("fake insert", {}, Exception(f"UNIQUE constraint failed: {what}"))


class _FakeRepository:
    def __init__(self, rows: dict[type, dict[int, StorageModel]], db: FakeDatabase, clock: Clock) -> None:
        self._rows = rows
        self._db = db
        self.clock = clock

    def _all(self, table: type[Row]) -> list[Row]:
        return sorted(self._rows[table].values(), key=lambda row: row.id)  # type: ignore[return-value]

    def _add(self, row: Row) -> Row:
        row.id = next(self._db.ids)
        self._rows[type(row)][row.id] = row
        return row

    def _get(self, table: type[Row], row_id: int | None) -> Row | None:
        return self._rows[table].get(row_id)  # type: ignore[return-value]


class FakeProcessedMailRepository(_FakeRepository):
    def claim(
        self,
        mailbox_key: str,
        message_id: str,
        sender: str,
        received_at: datetime,
        worker_id: str,
        lease_seconds: float,
        max_attempts: int | None = None,
    ) -> ProcessedMail | None:
        now = self.clock()
        until = now + timedelta(seconds=lease_seconds)
        row = self.get(message_id)
        if row is None:
            return self._add(
                ProcessedMail(
                    mailbox_key=mailbox_key,
                    message_id=message_id,
                    sender=sender,
                    received_at=received_at,
                    claimed_by=worker_id,
                    claimed_until=until,
                    created_at=now,
                    updated_at=now,
                )
            )
        expired = row.state == "claimed" and row.claimed_until is not None and row.claimed_until < now
        if not (row.state == "failed" or expired):
            return None
        if max_attempts is not None and row.attempts >= max_attempts:
            return None
        if expired:
            row.attempts += 1
            row.last_error_kind = "LeaseExpired"
        row.state, row.mailbox_key, row.claimed_by = "claimed", mailbox_key, worker_id
        row.claimed_until, row.updated_at = until, now
        return row

    def get(self, message_id: str) -> ProcessedMail | None:
        return next((r for r in self._all(ProcessedMail) if r.message_id == message_id), None)

    def _held(self, message_id: str, worker_id: str | None, states: Sequence[str]) -> ProcessedMail:
        row = self.get(message_id)
        if row is None:
            raise NotFound("no processed_mail row for that message id")
        if worker_id is not None and row.claimed_by != worker_id:
            raise LeaseLost(f"processed_mail {row.id} is now claimed by another worker")
        if row.state not in states:
            raise InvalidTransition(f"processed_mail {row.id} is {row.state}")
        return row

    def _release(self, row: ProcessedMail) -> ProcessedMail:
        row.claimed_until, row.updated_at = None, self.clock()
        return row

    def renew_lease(self, message_id: str, worker_id: str, lease_seconds: float) -> ProcessedMail:
        row = self._held(message_id, worker_id, ("claimed",))
        row.claimed_until = self.clock() + timedelta(seconds=lease_seconds)
        row.updated_at = self.clock()
        return row

    def mark_processed(self, message_id: str, outcome: str, worker_id: str | None = None) -> ProcessedMail:
        row = self._held(message_id, worker_id, ("claimed",))
        row.state, row.outcome = "processed", outcome
        return self._release(row)

    def mark_failed(self, message_id: str, error_kind: str, worker_id: str | None = None) -> ProcessedMail:
        row = self._held(message_id, worker_id, ("claimed",))
        row.state, row.last_error_kind = "failed", check_error_kind(error_kind)
        row.attempts += 1
        return self._release(row)

    def mark_quarantined(
        self, message_id: str, outcome: str, error_kind: str | None = None, worker_id: str | None = None
    ) -> ProcessedMail:
        row = self._held(message_id, worker_id, ("claimed", "failed"))
        row.state, row.outcome = "quarantined", outcome
        if error_kind is not None:
            row.last_error_kind = check_error_kind(error_kind)
        return self._release(row)

    def mark_moved(self, message_id: str, mailbox_key: str | None = None) -> ProcessedMail:
        row = self._held(message_id, None, ("processed", "quarantined"))
        row.moved_at = row.updated_at = self.clock()
        if mailbox_key is not None:
            row.mailbox_key = mailbox_key
        return row

    def unmoved(self, limit: int = 100) -> list[ProcessedMail]:
        rows = self._all(ProcessedMail)
        return [r for r in rows if r.state in ("processed", "quarantined") and r.moved_at is None][:limit]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("claimed", "processed", "quarantined", "failed", "unmoved"), 0)
        for row in self._all(ProcessedMail):
            counts[row.state] += 1
        counts["unmoved"] = len(self.unmoved(limit=10**9))
        return counts


class FakeChildRepository(_FakeRepository):
    def find(self, name: str, dob: date, aliases: Iterable[str] = ()) -> Child | None:
        keys = {normalise_name(n) for n in [name, *aliases]} - {""}
        alias_owners = {a.child_id for a in self._all(ChildAlias) if a.alias_key in keys}
        found = [c for c in self._all(Child) if c.dob == dob and (c.name_key in keys or c.id in alias_owners)]
        return found[0] if found else None

    def find_or_create_child(self, name: str, dob: date, aliases: Iterable[str] = ()) -> Child:
        aliases = list(aliases)
        if not normalise_name(name):
            raise ValueError("a child's name must contain letters or digits")
        now = self.clock()
        child = self.find(name, dob, aliases)
        if child is None:
            child = self._add(
                Child(
                    name_key=normalise_name(name),
                    dob=dob,
                    display_name=name.strip(),
                    created_at=now,
                    updated_at=now,
                )
            )
        else:
            child.display_name, child.updated_at = name.strip(), now
        known = {a.alias_key for a in self._all(ChildAlias) if a.child_id == child.id}
        for other in [name, *aliases]:
            key = normalise_name(other)
            if key and key not in known:
                known.add(key)
                self._add(ChildAlias(child_id=child.id, alias_key=key, alias=other.strip(), created_at=now))
        return child

    def get(self, child_id: int) -> Child | None:
        return self._get(Child, child_id)

    def display_name(self, child: Child) -> str:
        return child.display_name

    def names(self, child_id: int) -> list[str]:
        return [a.alias for a in self._all(ChildAlias) if a.child_id == child_id]


class FakeSubmissionRepository(_FakeRepository):
    def add(self, **values: Any) -> Submission:
        if self.exists(values["message_id"], values["sha256"]):
            raise _unique_violation("submission.message_id, submission.sha256")
        record, findings = values.pop("record", None), values.pop("findings", None)
        return self._add(
            Submission(
                **values,
                record_json=None if record is None else json.dumps(record, sort_keys=True),
                findings_json=None if findings is None else json.dumps(list(findings)),
                created_at=self.clock(),
            )
        )

    def exists(self, message_id: str, sha256: str) -> bool:
        return any(s.message_id == message_id and s.sha256 == sha256 for s in self._all(Submission))

    def get(self, submission_id: int) -> Submission | None:
        return self._get(Submission, submission_id)

    def for_message(self, message_id: str) -> list[Submission]:
        return [s for s in self._all(Submission) if s.message_id == message_id]

    def for_child(self, child_id: int) -> list[Submission]:
        rows = [s for s in self._all(Submission) if s.child_id == child_id and s.status == "parsed"]
        return sorted(rows, key=history_order)

    def previous_for(self, submission: Submission) -> Submission | None:
        if submission.child_id is None:
            return None
        return choose_previous(submission, self.for_child(submission.child_id))

    def record(self, submission: Submission) -> dict | None:
        return None if submission.record_json is None else json.loads(submission.record_json)

    def findings(self, submission: Submission) -> list[dict]:
        return [] if submission.findings_json is None else json.loads(submission.findings_json)

    def file_name(self, submission: Submission) -> str:
        return submission.file_name


class FakeAgendaRepository(_FakeRepository):
    def enqueue(self, submission: Submission, is_review: bool, needs_correction: bool) -> AgendaEntry:
        if submission.id is None:
            raise ValueError("store the submission before queueing it")
        if submission.status != "parsed":
            raise ValueError("only a parsed submission can go to MAST")
        now = self.clock()
        earlier = []
        if submission.child_id is not None:
            earlier = sorted(
                (e for e in self._all(AgendaEntry) if e.child_id == submission.child_id),
                key=lambda e: (e.queued_at, e.id),
            )
            earlier = [e for e in earlier if e.state in REPLACEABLE_STATES]
        entry = AgendaEntry(
            submission_id=submission.id,
            child_id=submission.child_id,
            queued_at=submission.received_at,
            is_review=is_review,
            needs_correction=needs_correction,
            created_at=now,
            updated_at=now,
        )
        if earlier:
            first = earlier[0]
            entry.state, entry.meeting_date = first.state, first.meeting_date
            entry.queued_at, entry.deferrals = first.queued_at, first.deferrals
        self._add(entry)
        for old in earlier:
            check_transition(old, "replaced")
            old.state, old.replaced_by_id, old.updated_at = "replaced", entry.id, now
        if earlier and submission.replaces_submission_id is None:
            # The caller's object and the stored one may differ in the fake; update both.
            submission.replaces_submission_id = earlier[-1].submission_id
            stored = self._get(Submission, submission.id)
            if stored is not None:
                stored.replaces_submission_id = submission.replaces_submission_id
        return entry

    def get(self, entry_id: int) -> AgendaEntry | None:
        return self._get(AgendaEntry, entry_id)

    def for_submission(self, submission_id: int) -> AgendaEntry | None:
        return next((e for e in self._all(AgendaEntry) if e.submission_id == submission_id), None)

    def queued_before(self, cutoff: datetime) -> list[AgendaEntry]:
        rows = [e for e in self._all(AgendaEntry) if e.state in WAITING_STATES and e.queued_at < cutoff]
        return sorted(rows, key=lambda e: (e.queued_at, e.id))

    def place_on_meeting(self, entries: Iterable[AgendaEntry], meeting_date: date) -> list[AgendaEntry]:
        placed = []
        for entry in entries:
            entry = self._lock(entry)
            check_transition(entry, "on_agenda")
            entry.state, entry.meeting_date, entry.updated_at = "on_agenda", meeting_date, self.clock()
            placed.append(entry)
        return placed

    def for_meeting(self, meeting_date: date) -> list[AgendaEntry]:
        rows = [e for e in self._all(AgendaEntry) if e.meeting_date == meeting_date and e.state != "replaced"]
        return sorted(rows, key=lambda e: (e.queued_at, e.id))

    def open_for_child(self, child_id: int) -> list[AgendaEntry]:
        return [e for e in self._all(AgendaEntry) if e.child_id == child_id and e.state in REPLACEABLE_STATES]

    def store_deferral(self, entry: AgendaEntry, deferral: Deferral) -> AgendaEntry:
        entry = self._lock(entry)
        check_transition(entry, "deferred")
        entry.state, entry.meeting_date, entry.updated_at = "deferred", deferral.to_day, self.clock()
        entry.deferrals += 1
        self._add(AgendaDeferral(agenda_entry_id=entry.id, from_date=deferral.from_day,
                                 to_date=deferral.to_day, deferred_by=deferral.deferred_by,
                                 created_at=deferral.at))
        return entry

    def deferrals_of(self, entry_id: int) -> list[Deferral]:
        return [Deferral(d.agenda_entry_id, d.from_date, d.to_date, d.deferred_by, d.created_at)
                for d in self._all(AgendaDeferral) if d.agenda_entry_id == entry_id]

    def deferred_from(self, meeting_date: date) -> list[tuple[AgendaEntry, Deferral]]:
        found = []
        for d in self._all(AgendaDeferral):
            entry = self._get(AgendaEntry, d.agenda_entry_id)
            if d.from_date == meeting_date and entry is not None and entry.state != "replaced":
                found.append((entry, Deferral(d.agenda_entry_id, d.from_date, d.to_date, d.deferred_by,
                                              d.created_at)))
        return sorted(found, key=lambda pair: (pair[0].queued_at, pair[0].id))

    def waiting(self) -> list[AgendaEntry]:
        rows = [e for e in self._all(AgendaEntry) if e.state in WAITING_STATES]
        return sorted(rows, key=lambda e: (e.queued_at, e.id))

    def store_placed(self, entries: Iterable[AgendaEntry], day: date) -> None:
        self.place_on_meeting(entries, day)

    def lock(self, entry_id: int) -> AgendaEntry:
        return self._lock(entry_id)

    def mark_decided(self, entry: AgendaEntry) -> AgendaEntry:
        entry = self._lock(entry)
        check_transition(entry, "decided")
        entry.state, entry.updated_at = "decided", self.clock()
        return entry

    def _lock(self, entry: AgendaEntry | int) -> AgendaEntry:
        entry_id = entry if isinstance(entry, int) else entry.id
        row = self._get(AgendaEntry, entry_id)
        if row is None:
            raise NotFound(f"no agenda entry {entry_id}")
        return row


class FakeDecisionRepository(_FakeRepository):
    def record(
        self,
        *,
        entry: AgendaEntry | int,
        level: str,
        case_status: str,
        recommendations: str,
        actions: Sequence[dict],
        tier1: bool,
        nrm: str,
        next_review_date: date | None,
        decided_by: str,
        decided_at: datetime | None = None,
        corrects_decision_id: int | None = None,
        **complete: Any,
    ) -> Decision:
        check_decision_values(level, case_status, nrm, actions)
        agenda = FakeAgendaRepository(self._rows, self._db, self.clock)
        locked = agenda._lock(entry)
        corrects = self._get(Decision, corrects_decision_id)
        check_decision_allowed(locked, corrects, corrects_decision_id)
        decision = self._add(
            Decision(
                agenda_entry_id=locked.id,
                submission_id=locked.submission_id,
                level=level,
                case_status=case_status,
                recommendations=recommendations,
                actions_json=json.dumps([dict(a) for a in actions]),
                tier1=tier1,
                nrm=nrm,
                next_review_date=next_review_date,
                decided_by=decided_by,
                decided_at=decided_at or self.clock(),
                corrects_decision_id=corrects_decision_id,
                created_at=self.clock(),
                **complete,
            )
        )
        if locked.state != "decided":
            agenda.mark_decided(locked)
        return decision

    def append(self, entry: AgendaEntry | int, record: DecisionRecord) -> DecisionRecord:
        row = self.record(
            entry=entry, level=record.level, case_status=record.case_status, recommendations=record.notes,
            actions=[a.to_dict() for a in record.actions], tier1=record.tier1, nrm=record.nrm,
            next_review_date=record.next_review_date, decided_by=record.decided_by,
            decided_at=record.decided_at, corrects_decision_id=record.corrects_decision_id,
            level_rationale=record.level_rationale, police_systems_updated=record.police_systems_updated,
            police_updated_by=record.police_updated_by, nrm_referral_date=record.nrm_referral_date,
            nrm_first_responder=record.nrm_first_responder, nrm_reason=record.nrm_reason,
            disruption=record.disruption, decided_by_role=record.decided_by_role,
            correction_reason=record.correction_reason)
        return self.to_record(row)

    def to_record(self, row: Decision) -> DecisionRecord:
        return DecisionRecord(
            id=row.id, level=Level(row.level), case_status=CaseStatus(row.case_status),
            decided_by=row.decided_by, decided_at=row.decided_at, level_rationale=row.level_rationale,
            actions=tuple(Action.from_dict(a) for a in self.actions(row)),
            police_systems_updated=row.police_systems_updated, police_updated_by=row.police_updated_by,
            nrm=NrmOutcome.from_stored(row.nrm), nrm_referral_date=row.nrm_referral_date,
            nrm_first_responder=row.nrm_first_responder, nrm_reason=row.nrm_reason, tier1=row.tier1,
            disruption=row.disruption, notes=row.recommendations, decided_by_role=row.decided_by_role,
            next_review_date=row.next_review_date, correction_reason=row.correction_reason,
            corrects_decision_id=row.corrects_decision_id)

    def current(self, entry_id: int) -> DecisionRecord | None:
        row = self.latest_for_entry(entry_id)
        return None if row is None else self.to_record(row)

    def get(self, decision_id: int) -> Decision | None:
        return self._get(Decision, decision_id)

    def latest_for_entry(self, entry_id: int) -> Decision | None:
        rows = self.for_entry(entry_id)
        return rows[-1] if rows else None

    def for_entry(self, entry_id: int) -> list[Decision]:
        return [d for d in self._all(Decision) if d.agenda_entry_id == entry_id]

    def for_child(self, child_id: int) -> list[Decision]:
        submissions = {s.id for s in self._all(Submission) if s.child_id == child_id}
        rows = [d for d in self._all(Decision) if d.submission_id in submissions]
        return sorted(rows, key=lambda d: (d.decided_at, d.id))

    def recommendations(self, decision: Decision) -> str:
        return decision.recommendations

    def actions(self, decision: Decision) -> list[dict]:
        return json.loads(decision.actions_json)


class FakeOutboxRepository(_FakeRepository):
    def has(self, message_id: str) -> bool:
        return self.queued_at(message_id) is not None

    def queued_at(self, message_id: str) -> datetime | None:
        return next((r.created_at for r in self._all(Outbox) if r.message_id == message_id), None)

    def add(self, message_id: str, kind: str, recipients: Sequence[str], subject: str, mime: bytes) -> Outbox:
        if kind not in OUTBOX_KINDS:
            raise ValueError(f"outbox kind must be one of {', '.join(OUTBOX_KINDS)}")
        if not recipients:
            raise ValueError("an email needs at least one recipient")
        existing = next((r for r in self._all(Outbox) if r.message_id == message_id), None)
        if existing is not None:
            return existing
        return self._add(
            Outbox(
                message_id=message_id,
                kind=kind,
                recipients=json.dumps(list(recipients)),
                subject=subject,
                mime=mime,
                created_at=self.clock(),
            )
        )

    def get(self, outbox_id: int) -> Outbox | None:
        return self._get(Outbox, outbox_id)

    def pending(self, limit: int = 50) -> list[Outbox]:
        return [r for r in self._all(Outbox) if r.state == "pending"][:limit]

    def _row(self, outbox_id: int) -> Outbox:
        row = self._get(Outbox, outbox_id)
        if row is None:
            raise NotFound(f"no outbox row {outbox_id}")
        return row

    def mark_sent(self, outbox_id: int) -> Outbox:
        row = self._row(outbox_id)
        row.state, row.sent_at = "sent", self.clock()
        row.attempts += 1
        return row

    def mark_failed(self, outbox_id: int, error_kind: str, max_attempts: int = 3) -> Outbox:
        row = self._row(outbox_id)
        row.attempts += 1
        row.last_error_kind = check_error_kind(error_kind)
        row.state = "failed" if row.attempts >= max_attempts else "pending"
        return row

    def recipients(self, row: Outbox) -> list[str]:
        return json.loads(row.recipients)

    def subject(self, row: Outbox) -> str:
        return row.subject

    def mime(self, row: Outbox) -> bytes:
        return row.mime

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("pending", "sent", "failed"), 0)
        for row in self._all(Outbox):
            counts[row.state] += 1
        return counts


class FakeAuditRepository(_FakeRepository):
    def append(
        self, actor: str, action: str, subject_type: str, subject_id: str | int, detail: str = ""
    ) -> AuditLog:
        return self._add(
            AuditLog(
                at=self.clock(),
                actor=actor,
                action=action,
                subject_type=subject_type,
                subject_id=str(subject_id),
                detail=detail,
            )
        )

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
        rows = [
            r
            for r in reversed(self._all(AuditLog))
            if (subject_type is None or r.subject_type == subject_type)
            and (subject_id is None or r.subject_id == str(subject_id))
            and (actor is None or r.actor == actor)
            and (action is None or r.action == action)
            and (since is None or r.at >= since)
        ]
        return rows[:limit]


class FakePollRunRepository(_FakeRepository):
    def start(self, worker_id: str) -> PollRun:
        return self._add(PollRun(worker_id=worker_id, started_at=self.clock(), counts={}))

    def finish(self, run_id: int, counts: dict[str, int], error_kind: str | None = None) -> PollRun:
        run = self._get(PollRun, run_id)
        if run is None:
            raise NotFound(f"no poll run {run_id}")
        run.finished_at = self.clock()
        run.counts = {str(k): int(v) for k, v in counts.items()}
        run.error_kind = None if error_kind is None else check_error_kind(error_kind)
        return run

    def latest(self) -> PollRun | None:
        rows = self._all(PollRun)
        return rows[-1] if rows else None

    def recent(self, limit: int = 10) -> list[PollRun]:
        return list(reversed(self._all(PollRun)))[:limit]


class FakeMeetingRepository(_FakeRepository):
    def get_or_create(self, meeting_date: date) -> Meeting:
        return self.get(meeting_date) or self._add(
            Meeting(meeting_date=meeting_date, created_at=self.clock())
        )

    def get(self, meeting_date: date) -> Meeting | None:
        return next((m for m in self._all(Meeting) if m.meeting_date == meeting_date), None)

    def mark_agenda_sent(self, meeting_date: date) -> bool:
        meeting = self.get_or_create(meeting_date)
        if meeting.agenda_sent_at is not None:
            return False
        meeting.agenda_sent_at = self.clock()
        return True


class FakeUnitOfWork(AbstractUnitOfWork):
    """A unit of work over a :class:`FakeDatabase`: changes are kept only when committed."""

    def __init__(self, db: FakeDatabase | None = None, clock: Clock = utc_now) -> None:
        self.db = db or FakeDatabase()
        self.clock = clock
        self.committed = False
        self._rows: dict[type, dict[int, StorageModel]] | None = None

    def __enter__(self) -> Self:
        if self._rows is not None:
            raise RuntimeError("this unit of work is already open")
        self._begin()
        return super().__enter__()

    def _begin(self) -> None:
        # Work on copies, as a transaction works on its own view until commit.
        self._rows = rows = self.db.snapshot()
        args = (rows, self.db, self.clock)
        self.mail = FakeProcessedMailRepository(*args)  # type: ignore[assignment]
        self.children = FakeChildRepository(*args)  # type: ignore[assignment]
        self.submissions = FakeSubmissionRepository(*args)  # type: ignore[assignment]
        self.agenda = FakeAgendaRepository(*args)  # type: ignore[assignment]
        self.decisions = FakeDecisionRepository(*args)  # type: ignore[assignment]
        self.outbox = FakeOutboxRepository(*args)  # type: ignore[assignment]
        self.audit = FakeAuditRepository(*args)  # type: ignore[assignment]
        self.poll_runs = FakePollRunRepository(*args)  # type: ignore[assignment]
        self.meetings = FakeMeetingRepository(*args)  # type: ignore[assignment]

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)  # type: ignore[arg-type]
        self._rows = None

    def commit(self) -> None:
        if self._rows is None:
            raise RuntimeError("use the unit of work inside a `with` block")
        self.db.tables = {table: {k: _copy(v) for k, v in rows.items()} for table, rows in self._rows.items()}
        self.db.commits += 1
        self.committed = True

    def rollback(self) -> None:
        if self._rows is None:
            raise RuntimeError("use the unit of work inside a `with` block")
        self._begin()
