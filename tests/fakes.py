"""In-memory fakes of the ports, for service tests that need no database or mail server.

Each fake implements its Protocol from ``mast_intake.ports`` (mypy checks it) with plain dicts
and lists, and only as much behaviour as the services rely on: the rules themselves come from
``mast_intake.domain``. The storage contract (``tests/storage_contract.py``) is for the SQL
repositories; these fakes keep the few guarantees the services count on: nothing is kept
unless committed, a message is claimed once, an outbox message id is queued once.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from types import TracebackType
from typing import Any, Self, TypeVar

from sqlmodel import SQLModel

from mast_intake.domain.agenda import (
    REPLACEABLE_STATES,
    WAITING_STATES,
    Deferral,
    EntryLike,
    check_transition,
)
from mast_intake.domain.decisions import DecisionRecord, check_decision_allowed
from mast_intake.domain.history import choose_previous, history_order
from mast_intake.domain.names import normalise_name
from mast_intake.models.rows import (
    AgendaEntry,
    AuditLog,
    Child,
    Decision,
    Meeting,
    Outbox,
    PollRun,
    ProcessedMail,
    Submission,
)
from mast_intake.models.stored import ToolRow
from mast_intake.ports import Mailbox, MailboxError, Mailer, Sealer, SenderVerdict
from mast_intake.ports.errors import LeaseLost, NotFound


class FakeClock:
    """A clock that stands still until told to move: ``clock()`` is now, ``advance`` moves it."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 3, 2, 7, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


V = TypeVar("V")
Ids = defaultdict[str, Iterator[int]]


def _copied(value: V) -> V:
    if isinstance(value, SQLModel):
        return type(value)(**value.model_dump())
    if isinstance(value, tuple):
        return type(value)(_copied(v) for v in value)
    return value


@dataclass
class Tables:
    """Everything stored, keyed the way the fakes look it up."""

    mail: dict[str, ProcessedMail] = field(default_factory=dict)
    children: dict[int, Child] = field(default_factory=dict)
    names: dict[int, list[str]] = field(default_factory=dict)
    submissions: dict[int, Submission] = field(default_factory=dict)
    entries: dict[int, AgendaEntry] = field(default_factory=dict)
    deferrals: list[Deferral] = field(default_factory=list)
    decisions: dict[int, tuple[Decision, DecisionRecord]] = field(default_factory=dict)
    outbox: dict[int, Outbox] = field(default_factory=dict)
    audit: list[AuditLog] = field(default_factory=list)
    poll_runs: dict[int, PollRun] = field(default_factory=dict)
    meetings: dict[date, Meeting] = field(default_factory=dict)
    fingerprints: dict[tuple[int, str], int] = field(default_factory=dict)
    facts: dict[int, tuple[str, str]] = field(default_factory=dict)

    def copy(self) -> Tables:
        """A copy whose rows can change without changing these."""
        copies: dict[str, Any] = {}
        for f in fields(self):
            held = getattr(self, f.name)
            if isinstance(held, dict):
                copies[f.name] = {k: _copied(v) for k, v in held.items()}
            else:
                copies[f.name] = [_copied(v) for v in held]
        return Tables(**copies)


class FakeDatabase:
    """The committed state that fake units of work share, like the database for SQL ones."""

    def __init__(self) -> None:
        self.tables = Tables()
        # One id sequence per kind of row, as each table has its own; like sequences, never rolled back.
        self.ids: Ids = defaultdict(lambda: itertools.count(1))
        self.commits = 0


class _Fake:
    """What every fake repository holds: the transaction's tables, the id counter, the clock."""

    def __init__(self, tables: Tables, ids: Ids, clock: Callable[[], datetime]) -> None:
        self.t = tables
        self.ids = ids
        self.clock = clock

    def new_id(self) -> int:
        """The next id for this kind of row."""
        return next(self.ids[type(self).__name__])


class FakeMail(_Fake):
    """Processed mail by message id: a claim is held until its lease ends or it is marked."""

    def claim(self, mailbox_key: str, message_id: str, sender: str, received_at: datetime, worker_id: str,
              lease_seconds: float, max_attempts: int | None = None) -> ProcessedMail | None:
        now = self.clock()
        row = self.t.mail.get(message_id)
        if row is None:
            row = self.t.mail[message_id] = ProcessedMail(
                id=self.new_id(), mailbox_key=mailbox_key, message_id=message_id, sender=sender,
                received_at=received_at, state="claimed", attempts=0, created_at=now)
        else:
            lapsed = row.state == "claimed" and row.claimed_until is not None and row.claimed_until < now
            if row.state != "failed" and not lapsed or (max_attempts or 10**9) <= row.attempts:
                return None
            row.attempts += int(lapsed)
        row.state, row.mailbox_key, row.claimed_by = "claimed", mailbox_key, worker_id
        row.claimed_until, row.updated_at = now + timedelta(seconds=lease_seconds), now
        return row

    def expire_lease(self, message_id: str, worker_id: str) -> bool:
        row = self.t.mail.get(message_id)
        if row is None or row.state != "claimed" or row.claimed_by != worker_id:
            return False
        row.claimed_until = self.clock() - timedelta(seconds=1)
        return True

    def get(self, message_id: str) -> ProcessedMail | None:
        return self.t.mail.get(message_id)

    def _set(self, message_id: str, worker_id: str | None, **values: Any) -> ProcessedMail:
        row = self.t.mail.get(message_id)
        if row is None:
            raise NotFound("no processed_mail row for that message id")
        if worker_id is not None and row.claimed_by != worker_id:
            raise LeaseLost("claimed by another worker")
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_at = self.clock()
        return row

    def renew_lease(self, message_id: str, worker_id: str, lease_seconds: float) -> ProcessedMail:
        return self._set(message_id, worker_id, claimed_until=self.clock() + timedelta(seconds=lease_seconds))

    def mark_processed(self, message_id: str, outcome: str, worker_id: str | None = None) -> ProcessedMail:
        return self._set(message_id, worker_id, state="processed", outcome=outcome, claimed_until=None)

    def mark_failed(self, message_id: str, error_kind: str, worker_id: str | None = None) -> ProcessedMail:
        attempts = self._set(message_id, worker_id).attempts + 1
        return self._set(message_id, worker_id, state="failed", last_error_kind=error_kind, attempts=attempts,
                         claimed_until=None)

    def mark_quarantined(self, message_id: str, outcome: str, error_kind: str | None = None,
                         worker_id: str | None = None) -> ProcessedMail:
        return self._set(message_id, worker_id, state="quarantined", outcome=outcome, claimed_until=None,
                         last_error_kind=error_kind or self._set(message_id, None).last_error_kind)

    def mark_moved(self, message_id: str, mailbox_key: str | None = None) -> ProcessedMail:
        key = mailbox_key or self._set(message_id, None).mailbox_key
        return self._set(message_id, None, moved_at=self.clock(), mailbox_key=key)

    def unmoved(self, limit: int = 100) -> list[ProcessedMail]:
        done = ("processed", "quarantined")
        return [r for r in self.t.mail.values() if r.state in done and not r.moved_at][:limit]


class FakeChildren(_Fake):
    """Children by id; every name seen is kept in ``Tables.names``, normalised to match."""

    def find(self, name: str, dob: date, aliases: Iterable[str] = ()) -> Child | None:
        wanted = {normalise_name(n) for n in (name, *aliases)} - {""}
        return next((c for c in self.t.children.values() if c.dob == dob and c.id is not None
                     and wanted & {normalise_name(n) for n in self.t.names[c.id]}), None)

    def find_or_create_child(self, name: str, dob: date, aliases: Iterable[str] = ()) -> Child:
        aliases = list(aliases)
        child = self.find(name, dob, aliases)
        if child is None or child.id is None:
            child_id = self.new_id()
            child = self.t.children[child_id] = Child(id=child_id, name_key=normalise_name(name), dob=dob,
                                                      display_name="", created_at=self.clock())
            self.t.names[child_id] = []
        child.display_name = name.strip()
        known = self.t.names[child.id or 0]
        known += [n.strip() for n in (name, *aliases) if normalise_name(n) not in map(normalise_name, known)]
        return child

    def get(self, child_id: int) -> Child | None:
        return self.t.children.get(child_id)

    def display_name(self, child: Child) -> str:
        return child.display_name

    def names(self, child_id: int) -> list[str]:
        return list(self.t.names.get(child_id, []))


class FakeSubmissions(_Fake):
    """Submissions by id, their record and findings kept as they were given."""

    def add(self, *, message_id: str, sha256: str, file_name: str, kind: str, sender: str,
            received_at: datetime, status: str, reason: str | None = None, record: dict | None = None,
            findings: Sequence[dict] | None = None, child_id: int | None = None,
            assessment_date: date | None = None, stated_total: int | None = None,
            stated_category: str | None = None, computed_total: int | None = None,
            computed_category: str | None = None, replaces_submission_id: int | None = None) -> Submission:
        columns = {k: v for k, v in locals().items() if k not in ("self", "record", "findings")}
        row = Submission(**columns, id=self.new_id(), created_at=self.clock(),
                         record_json=None if record is None else json.dumps(record),
                         findings_json=None if findings is None else json.dumps(list(findings)))
        assert row.id is not None
        self.t.submissions[row.id] = row
        return row

    def exists(self, message_id: str, sha256: str) -> bool:
        return any((s.message_id, s.sha256) == (message_id, sha256) for s in self.t.submissions.values())

    def get(self, submission_id: int) -> Submission | None:
        return self.t.submissions.get(submission_id)

    def for_message(self, message_id: str) -> list[Submission]:
        return [s for s in self.t.submissions.values() if s.message_id == message_id]

    def for_child(self, child_id: int) -> list[Submission]:
        mine = (s for s in self.t.submissions.values() if s.child_id == child_id and s.status == "parsed")
        return sorted(mine, key=history_order)

    def latest_per_child(self) -> list[Submission]:
        latest = {s.child_id: s for s in sorted(self.t.submissions.values(), key=history_order)
                  if s.child_id is not None and s.status == "parsed"}
        return list(latest.values())

    def previous_for(self, submission: Submission) -> Submission | None:
        if submission.child_id is None:
            return None
        earlier = self.for_child(submission.child_id)
        chosen = choose_previous(submission, earlier)
        return next((s for s in earlier if s is chosen), None)

    def record(self, submission: Submission) -> dict | None:
        return json.loads(submission.record_json) if submission.record_json else None

    def findings(self, submission: Submission) -> list[dict]:
        return json.loads(submission.findings_json or "[]")

    def file_name(self, submission: Submission) -> str:
        return submission.file_name


def _queue_order(entry: AgendaEntry) -> tuple[datetime, int]:
    return entry.queued_at, entry.id or 0


class FakeAgenda(_Fake):
    """Agenda entries by id; the moves between states are checked by the domain's rules."""

    def _move(self, entry: EntryLike | int, state: str, **values: Any) -> AgendaEntry:
        row = self.lock(entry if isinstance(entry, int) else entry.id or 0)
        check_transition(row, state)
        row.state, row.updated_at = state, self.clock()
        for name, value in values.items():
            setattr(row, name, value)
        return row

    def enqueue(self, submission: Submission, is_review: bool, needs_correction: bool) -> AgendaEntry:
        assert submission.id is not None, "store the submission before queueing it"
        open_ones = sorted(self.open_for_child(submission.child_id), key=_queue_order) \
            if submission.child_id is not None else []
        entry = AgendaEntry(id=self.new_id(), submission_id=submission.id, child_id=submission.child_id,
                            queued_at=submission.received_at, is_review=is_review,
                            needs_correction=needs_correction, created_at=self.clock(),
                            updated_at=self.clock())
        if open_ones:
            # The new tool takes the place in the queue (or on the agenda) of the one it replaces.
            first = open_ones[0]
            entry.state, entry.meeting_date = first.state, first.meeting_date
            entry.queued_at, entry.deferrals = first.queued_at, first.deferrals
            if submission.replaces_submission_id is None:
                submission.replaces_submission_id = open_ones[-1].submission_id
        assert entry.id is not None
        self.t.entries[entry.id] = entry
        for old in open_ones:
            self._move(old, "replaced", replaced_by_id=entry.id)
        return entry

    def get(self, entry_id: int) -> AgendaEntry | None:
        return self.t.entries.get(entry_id)

    def for_submission(self, submission_id: int) -> AgendaEntry | None:
        return next((e for e in self.t.entries.values() if e.submission_id == submission_id), None)

    def _sorted(self, keep: Callable[[AgendaEntry], bool]) -> list[AgendaEntry]:
        return sorted(filter(keep, self.t.entries.values()), key=_queue_order)

    def queued_before(self, cutoff: datetime) -> list[AgendaEntry]:
        return self._sorted(lambda e: e.state in WAITING_STATES and e.queued_at < cutoff)

    def place_on_meeting(self, entries: Iterable[EntryLike], meeting_date: date) -> list[AgendaEntry]:
        return [self._move(e, "on_agenda", meeting_date=meeting_date) for e in entries]

    def for_meeting(self, meeting_date: date) -> list[AgendaEntry]:
        return self._sorted(lambda e: e.meeting_date == meeting_date and e.state != "replaced")

    def open_for_child(self, child_id: int) -> list[AgendaEntry]:
        return self._sorted(lambda e: e.child_id == child_id and e.state in REPLACEABLE_STATES)

    def store_deferral(self, entry: EntryLike, deferral: Deferral) -> AgendaEntry:
        self.t.deferrals.append(deferral)
        return self._move(entry, "deferred", meeting_date=deferral.to_day, deferrals=entry.deferrals + 1)

    def deferrals_of(self, entry_id: int) -> list[Deferral]:
        return [d for d in self.t.deferrals if d.entry_id == entry_id]

    def deferred_from(self, meeting_date: date) -> list[tuple[AgendaEntry, Deferral]]:
        pairs = [(self.lock(d.entry_id), d) for d in self.t.deferrals if d.from_day == meeting_date]
        return sorted(((e, d) for e, d in pairs if e.state != "replaced"), key=lambda p: _queue_order(p[0]))

    def waiting(self) -> list[AgendaEntry]:
        return self._sorted(lambda e: e.state in WAITING_STATES)

    def store_placed(self, entries: Iterable[EntryLike], day: date) -> None:
        self.place_on_meeting(entries, day)

    def lock(self, entry_id: int) -> AgendaEntry:
        if entry_id not in self.t.entries:
            raise NotFound(f"no agenda entry {entry_id}")
        return self.t.entries[entry_id]

    def mark_decided(self, entry: EntryLike) -> AgendaEntry:
        return self._move(entry, "decided")


class FakeDecisions(_Fake):
    """Decisions kept as the domain's records, each with the row the services read."""

    def append(self, entry: EntryLike | int, record: DecisionRecord) -> DecisionRecord:
        agenda = FakeAgenda(self.t, self.ids, self.clock)
        entry_id = entry if isinstance(entry, int) else entry.id or 0
        locked = agenda.lock(entry_id)
        corrected = self.t.decisions.get(record.corrects_decision_id or 0, (None, None))[0]
        check_decision_allowed(locked, corrected, record.corrects_decision_id)
        stored = replace(record, id=self.new_id(), decided_at=record.decided_at or self.clock())
        row = Decision(id=stored.id, agenda_entry_id=entry_id, submission_id=locked.submission_id,
                       level=str(stored.level), case_status=str(stored.case_status), tier1=stored.tier1,
                       nrm=str(stored.nrm), next_review_date=stored.next_review_date,
                       decided_by=stored.decided_by, decided_at=stored.decided_at,
                       corrects_decision_id=stored.corrects_decision_id)
        assert stored.id is not None
        self.t.decisions[stored.id] = (row, stored)
        if locked.state != "decided":
            agenda.mark_decided(locked)
        return stored

    def to_record(self, row: Decision) -> DecisionRecord:
        return self.t.decisions[row.id or 0][1]

    def current(self, entry_id: int) -> DecisionRecord | None:
        row = self.latest_for_entry(entry_id)
        return None if row is None else self.to_record(row)

    def latest_for_entry(self, entry_id: int) -> Decision | None:
        return next(reversed(self.for_entry(entry_id)), None)

    def for_entry(self, entry_id: int) -> list[Decision]:
        return [row for row, _ in self.t.decisions.values() if row.agenda_entry_id == entry_id]

    def for_child(self, child_id: int) -> list[Decision]:
        theirs = {s.id for s in self.t.submissions.values() if s.child_id == child_id}
        return sorted((row for row, _ in self.t.decisions.values() if row.submission_id in theirs),
                      key=lambda row: (row.decided_at, row.id))


class FakeOutbox(_Fake):
    """Mail waiting to be sent, by id; a message id is queued once."""

    def has(self, message_id: str) -> bool:
        return self.queued_at(message_id) is not None

    def queued_at(self, message_id: str) -> datetime | None:
        return next((r.created_at for r in self.t.outbox.values() if r.message_id == message_id), None)

    def add(self, message_id: str, kind: str, recipients: Sequence[str], subject: str, mime: bytes) -> Outbox:
        known = [r for r in self.t.outbox.values() if r.message_id == message_id]
        if known:
            return known[0]
        row = Outbox(id=self.new_id(), message_id=message_id, kind=kind, subject=subject, mime=mime,
                     recipients=json.dumps(list(recipients)), state="pending", attempts=0,
                     created_at=self.clock())
        assert row.id is not None
        self.t.outbox[row.id] = row
        return row

    def pending(self, limit: int = 50) -> list[Outbox]:
        return [r for r in self.t.outbox.values() if r.state == "pending"][:limit]

    def mark_sent(self, outbox_id: int) -> Outbox:
        row = self.t.outbox[outbox_id]
        row.state, row.sent_at, row.attempts = "sent", self.clock(), row.attempts + 1
        return row

    def mark_failed(self, outbox_id: int, error_kind: str, max_attempts: int = 3) -> Outbox:
        row = self.t.outbox[outbox_id]
        row.attempts, row.last_error_kind = row.attempts + 1, error_kind
        row.state = "failed" if row.attempts >= max_attempts else "pending"
        return row

    def recipients(self, row: Outbox) -> list[str]:
        return json.loads(row.recipients)

    def subject(self, row: Outbox) -> str:
        return row.subject

    def mime(self, row: Outbox) -> bytes:
        return row.mime


class FakeAudit(_Fake):
    """The audit trail, as a list, newest last."""

    def append(self, actor: str, action: str, subject_type: str, subject_id: str | int,
               detail: str = "") -> AuditLog:
        line = AuditLog(id=self.new_id(), at=self.clock(), actor=actor, action=action,
                        subject_type=subject_type, subject_id=str(subject_id), detail=detail)
        self.t.audit.append(line)
        return line

    def list(self, *, subject_type: str | None = None, subject_id: str | int | None = None,
             actor: str | None = None, action: str | None = None, since: datetime | None = None,
             limit: int = 200) -> list[AuditLog]:
        wanted = {"subject_type": subject_type, "subject_id": None if subject_id is None else str(subject_id),
                  "actor": actor, "action": action}
        return [line for line in reversed(self.t.audit)
                if all(v is None or getattr(line, k) == v for k, v in wanted.items())
                and (since is None or line.at >= since)][:limit]


class FakePollRuns(_Fake):
    """Poll runs by id."""

    def start(self, worker_id: str) -> PollRun:
        run = PollRun(id=self.new_id(), worker_id=worker_id, started_at=self.clock(), counts={})
        assert run.id is not None
        self.t.poll_runs[run.id] = run
        return run

    def finish(self, run_id: int, counts: dict[str, int], error_kind: str | None = None) -> PollRun:
        run = self.t.poll_runs[run_id]
        run.finished_at, run.counts, run.error_kind = self.clock(), dict(counts), error_kind
        return run


class FakeMeetings(_Fake):
    """Meeting days by date."""

    def get_or_create(self, meeting_date: date) -> Meeting:
        return self.t.meetings.setdefault(meeting_date, Meeting(id=self.new_id(), meeting_date=meeting_date))

    def get(self, meeting_date: date) -> Meeting | None:
        return self.t.meetings.get(meeting_date)

    def mark_agenda_sent(self, meeting_date: date) -> bool:
        meeting = self.get_or_create(meeting_date)
        first = meeting.agenda_sent_at is None
        meeting.agenda_sent_at = meeting.agenda_sent_at or self.clock()
        return first


class FakeFingerprints(_Fake):
    """Fingerprints as (submission id, digest) -> child id."""

    def add(self, submission_id: int, child_id: int, digests: Iterable[str]) -> int:
        given = set(digests)
        self.t.fingerprints.update(dict.fromkeys(((submission_id, d) for d in given), child_id))
        return len(given)

    def fingerprinted_tools(self) -> list[Submission]:
        return [self.t.submissions[sid] for sid in sorted({sid for sid, _ in self.t.fingerprints})]

    def clear(self) -> int:
        count = len(self.t.fingerprints)
        self.t.fingerprints.clear()
        return count

    def children_sharing(self, digests: Sequence[str], not_child_id: int) -> list[tuple[str, int]]:
        wanted = set(digests)
        return sorted({(digest, child) for (_, digest), child in self.t.fingerprints.items()
                       if digest in wanted and child != not_child_id})

    def tools_sharing(self, digests: Sequence[str], not_child_id: int) -> set[int]:
        wanted = set(digests)
        return {sid for (sid, digest), child in self.t.fingerprints.items()
                if digest in wanted and child != not_child_id}


class NoDataProtection(_Fake):
    """Data protection with nothing to purge, erase or re-key: the service tests do not reach it."""

    def attachment_anchors(self) -> list[tuple[int, str, datetime, str | None, datetime | None, datetime]]:
        return []

    def stored_attachment_keys(self) -> set[tuple[int, str]]:
        return set()

    def open_child_ids(self) -> set[int]:
        return set()

    def child_last_activity(self) -> dict[int, datetime]:
        return {}

    def unlinked_last_activity(self) -> dict[int, datetime]:
        return {}

    def submissions_of_child(self, child_id: int) -> list[tuple[int, str, str]]:
        return []

    def erase_submissions(self, submission_ids: Sequence[int]) -> dict[str, int]:
        return {}

    def erase_child(self, child_id: int) -> dict[str, int]:
        return {}

    def delete_sent_outbox_before(self, cutoff: datetime, dry_run: bool = False) -> list[int]:
        return []

    def sealed_samples(self, per_column: int = 2) -> list[str | bytes]:
        return []

    def rekey(self, old: Sealer, new: Sealer, check_only: bool = False) -> dict[str, int]:
        return {}

    def compactor(self) -> Callable[[], None]:
        return lambda: None


class NoReports(_Fake):
    """A report over no tools."""

    def tools_without_facts(self, low: datetime, high: datetime) -> list[tuple[int, dict, list[dict]]]:
        return []

    def add_facts(self, facts: Sequence[tuple[int, str, str]]) -> None:
        self.t.facts.update({sid: (sex, codes) for sid, sex, codes in facts})

    def tool_rows(self, low: datetime, high: datetime) -> list[ToolRow]:
        return []

    def reviews_overdue(self, today: date) -> int:
        return 0


class FakeUnitOfWork:
    """A unit of work over a :class:`FakeDatabase`: it works on a copy, kept only when committed."""

    def __init__(self, db: FakeDatabase | None = None, clock: Callable[[], datetime] | None = None) -> None:
        self.db = db or FakeDatabase()
        self.clock = clock or FakeClock()
        self._open = False
        self._begin()

    def _begin(self) -> None:
        self.tables = tables = self.db.tables.copy()
        args = (tables, self.db.ids, self.clock)
        self.mail = FakeMail(*args)
        self.children = FakeChildren(*args)
        self.submissions = FakeSubmissions(*args)
        self.agenda = FakeAgenda(*args)
        self.decisions = FakeDecisions(*args)
        self.outbox = FakeOutbox(*args)
        self.audit = FakeAudit(*args)
        self.poll_runs = FakePollRuns(*args)
        self.meetings = FakeMeetings(*args)
        self.fingerprints = FakeFingerprints(*args)
        self.protection = NoDataProtection(*args)
        self.reports = NoReports(*args)

    def __enter__(self) -> Self:
        if self._open:
            raise RuntimeError("this unit of work is already open")
        self._open = True
        self._begin()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._open = False

    def commit(self) -> None:
        self.db.tables = self.tables.copy()
        self.db.commits += 1

    def rollback(self) -> None:
        self._begin()


class FakeMailbox(Mailbox):
    """An inbox of raw messages by key; ``folders`` holds what was moved where."""

    def __init__(self, messages: Iterable[bytes] = ()) -> None:
        self.inbox: dict[str, bytes] = {}
        self.folders: dict[str, dict[str, bytes]] = {}
        self.keys = itertools.count(1)
        for raw in messages:
            self.deliver(raw)

    def deliver(self, raw: bytes) -> str:
        """Put a message in the inbox; its key."""
        key = f"m{next(self.keys)}"
        self.inbox[key] = raw
        return key

    def pending(self) -> Iterator[str]:
        return iter(list(self.inbox))

    def fetch(self, key: str) -> bytes:
        if key not in self.inbox:
            raise MailboxError("no such message")
        return self.inbox[key]

    def move(self, key: str, folder: str) -> None:
        if key in self.inbox:
            self.folders.setdefault(folder, {})[key] = self.inbox.pop(key)


class FakeMailer(Mailer):
    """Keeps every message it is asked to send, in ``sent``."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        self.sent.append(message)


@dataclass
class TrustingVerifier:
    """A sender verifier that vouches for every sender (verification switched off)."""

    mode: str = "none"

    def verify(self, raw: bytes, sender: str) -> SenderVerdict:
        return SenderVerdict(verified=False, reason="not_checked")
