"""Repositories: the only code that reads and writes the storage tables.

Each repository works inside the session of the unit of work that made it and never commits:
the unit of work does. Free text is written through the unit of work's :class:`Sealer` and read
back through the repository's accessors (``record``, ``findings``, ``subject`` ...), so that
encryption at rest needs changing in one place. The rules that do not need a database (name
normalisation, agenda transitions, which decision is allowed, which assessment came before) are
functions in ``mast_intake.domain``, shared with the in-memory fakes in ``tests/fakes.py``; the
repositories only call them as guards, under the row lock, where a rule protects stored data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from mast_intake.domain.agenda import REPLACEABLE_STATES, WAITING_STATES, Deferral, check_transition
from mast_intake.domain.decisions import (
    Action,
    DecisionRecord,
    check_decision_allowed,
    check_decision_values,
)
from mast_intake.domain.enums import CaseStatus, Level, NrmOutcome
from mast_intake.domain.history import choose_previous, history_order
from mast_intake.domain.names import normalise_name, split_names
from mast_intake.storage.errors import InvalidTransition, LeaseLost, NotFound
from mast_intake.storage.sealing import PlainText, Sealer, lookup_keys
from mast_intake.storage.tables import (
    OUTBOX_KINDS,
    USER_ROLES,
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
    WebUser,
    utc_now,
)

Clock = Callable[[], datetime]

# The rules live in the domain; these names stay importable from here for the poll cycle and fakes.
__all__ = ["REPLACEABLE_STATES", "WAITING_STATES", "check_transition", "choose_previous",
           "history_order", "normalise_name", "split_names"]

# ---------------------------------------------------------------------------------------------
# Rules shared with the fakes
# ---------------------------------------------------------------------------------------------

# An exception class name, possibly dotted: nothing that could carry the words of a message.
_ERROR_KIND = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,127}")


def check_error_kind(error_kind: str) -> str:
    """``error_kind`` if it looks like an exception class name; ValueError otherwise."""
    if not _ERROR_KIND.fullmatch(error_kind):
        raise ValueError("error_kind must be an exception class name, not a message")
    return error_kind


def _insert_for(session: Session, table: sa.Table) -> Any:
    """An INSERT that supports ON CONFLICT on this session's database."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no ON CONFLICT support for {dialect}")


class _Repository:
    def __init__(self, session: Session, sealer: Sealer | None = None, clock: Clock = utc_now) -> None:
        self.session = session
        self.sealer = sealer or PlainText()
        self.clock = clock

    def _locking(self, statement: Any) -> Any:
        # FOR UPDATE on PostgreSQL; SQLite ignores it and serialises writers with BEGIN IMMEDIATE.
        # populate_existing: a row already in the session must show what the lock now protects.
        return statement.with_for_update().execution_options(populate_existing=True)


# ---------------------------------------------------------------------------------------------
# Processed mail
# ---------------------------------------------------------------------------------------------


class ProcessedMailRepository(_Repository):
    """Which mailbox messages have been claimed, handled and moved, by message id.

    ``claim`` is how two poll processes share one mailbox: exactly one of them gets a given
    message. The caller must commit straight after a successful claim (in its own unit of work,
    before the slow parsing) so that the other process sees it.

    States: ``claimed`` (a worker holds a lease until ``claimed_until``) -> ``processed`` or
    ``quarantined`` (final) or ``failed`` (may be claimed again). ``moved_at`` is set once the
    message has left the inbox; a final row without it must be moved again (``unmoved``).
    """

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
        """Claim a message for ``worker_id``; the row if this worker now holds it, else None.

        A new message is claimed with INSERT ... ON CONFLICT DO NOTHING, so of two concurrent
        claims the database lets exactly one insert. An existing row is claimed again only if it
        ``failed`` (and has fewer than ``max_attempts`` attempts, when given) or its lease ran
        out (the worker died: that counts as a failed attempt); on PostgreSQL the row is locked
        with SKIP LOCKED so a second claimer passes over it instead of waiting. Processed and
        quarantined messages, and live leases, are never claimed.
        """
        now = self.clock()
        until = now + timedelta(seconds=lease_seconds)
        table = ProcessedMail.__table__
        inserted = self.session.execute(
            _insert_for(self.session, table)
            .values(
                mailbox_key=mailbox_key,
                message_id=message_id,
                sender=sender,
                received_at=received_at,
                state="claimed",
                attempts=0,
                claimed_by=worker_id,
                claimed_until=until,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["message_id"])
            .returning(table.c.id)
        ).scalar_one_or_none()
        if inserted is not None:
            return self.session.get(ProcessedMail, inserted, populate_existing=True)

        reclaimable = sa.or_(
            col(ProcessedMail.state) == "failed",
            sa.and_(col(ProcessedMail.state) == "claimed", col(ProcessedMail.claimed_until) < now),
        )
        if max_attempts is not None:
            reclaimable = sa.and_(reclaimable, col(ProcessedMail.attempts) < max_attempts)
        row = self.session.exec(
            select(ProcessedMail)
            .where(ProcessedMail.message_id == message_id, reclaimable)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        ).first()
        if row is None:
            return None
        if row.state == "claimed":
            row.attempts += 1
            row.last_error_kind = "LeaseExpired"
        row.state = "claimed"
        row.mailbox_key = mailbox_key
        row.claimed_by = worker_id
        row.claimed_until = until
        row.updated_at = now
        self.session.flush()
        return row

    def expire_lease(self, message_id: str, worker_id: str) -> bool:
        """End the lease ``worker_id`` holds on a message, because that worker is known dead.

        The next ``claim`` then takes the message over (counting the lost attempt). Returns
        False when the message is not claimed by that worker.
        """
        row = self.session.exec(
            self._locking(select(ProcessedMail).where(ProcessedMail.message_id == message_id))
        ).first()
        if row is None or row.state != "claimed" or row.claimed_by != worker_id:
            return False
        row.claimed_until = self.clock() - timedelta(seconds=1)
        self.session.flush()
        return True

    def get(self, message_id: str) -> ProcessedMail | None:
        """The row for ``message_id``, or None if it was never claimed."""
        return self.session.exec(select(ProcessedMail).where(ProcessedMail.message_id == message_id)).first()

    def _held(self, message_id: str, worker_id: str | None, states: Sequence[str]) -> ProcessedMail:
        row = self.session.exec(
            self._locking(select(ProcessedMail).where(ProcessedMail.message_id == message_id))
        ).first()
        if row is None:
            raise NotFound("no processed_mail row for that message id")
        if worker_id is not None and row.claimed_by != worker_id:
            raise LeaseLost(f"processed_mail {row.id} is now claimed by another worker")
        if row.state not in states:
            raise InvalidTransition(f"processed_mail {row.id} is {row.state}")
        return row

    def renew_lease(self, message_id: str, worker_id: str, lease_seconds: float) -> ProcessedMail:
        """Extend this worker's lease (for slow work); LeaseLost if another worker holds it now."""
        row = self._held(message_id, worker_id, ("claimed",))
        row.claimed_until = self.clock() + timedelta(seconds=lease_seconds)
        row.updated_at = self.clock()
        self.session.flush()
        return row

    def mark_processed(self, message_id: str, outcome: str, worker_id: str | None = None) -> ProcessedMail:
        """Record that the message was handled (``outcome``: parsed, rejected, no_attachment ...).

        With ``worker_id``, raises LeaseLost if another worker has claimed the message since.
        """
        row = self._held(message_id, worker_id, ("claimed",))
        row.state, row.outcome = "processed", outcome
        return self._release(row)

    def mark_failed(self, message_id: str, error_kind: str, worker_id: str | None = None) -> ProcessedMail:
        """Record a failed attempt: ``attempts`` goes up by one; the message may be claimed again.

        ``error_kind`` is the exception's class name, never its message.
        """
        row = self._held(message_id, worker_id, ("claimed",))
        row.state, row.last_error_kind = "failed", check_error_kind(error_kind)
        row.attempts += 1
        return self._release(row)

    def mark_quarantined(
        self,
        message_id: str,
        outcome: str,
        error_kind: str | None = None,
        worker_id: str | None = None,
    ) -> ProcessedMail:
        """Record that the message is being set aside (from claimed, or failed too often)."""
        row = self._held(message_id, worker_id, ("claimed", "failed"))
        row.state, row.outcome = "quarantined", outcome
        if error_kind is not None:
            row.last_error_kind = check_error_kind(error_kind)
        return self._release(row)

    def _release(self, row: ProcessedMail) -> ProcessedMail:
        row.claimed_until = None
        row.updated_at = self.clock()
        self.session.flush()
        return row

    def mark_moved(self, message_id: str, mailbox_key: str | None = None) -> ProcessedMail:
        """Record that the message left the inbox (and its key in the new folder, if it has one)."""
        row = self._held(message_id, None, ("processed", "quarantined"))
        row.moved_at = row.updated_at = self.clock()
        if mailbox_key is not None:
            row.mailbox_key = mailbox_key
        self.session.flush()
        return row

    def unmoved(self, limit: int = 100) -> list[ProcessedMail]:
        """Processed or quarantined messages still to be moved (the process stopped in between)."""
        return list(
            self.session.exec(
                select(ProcessedMail)
                .where(
                    col(ProcessedMail.state).in_(("processed", "quarantined")),
                    col(ProcessedMail.moved_at).is_(None),
                )
                .order_by(col(ProcessedMail.id))
                .limit(limit)
            )
        )

    def quarantined(self, limit: int = 500) -> list[ProcessedMail]:
        """Messages set aside in the quarantine folder and not yet dealt with, oldest first."""
        return list(
            self.session.exec(
                select(ProcessedMail)
                .where(ProcessedMail.state == "quarantined")
                .order_by(col(ProcessedMail.received_at), col(ProcessedMail.id))
                .limit(limit)
            )
        )

    def release(self, message_id: str) -> ProcessedMail:
        """Let a quarantined message be processed again by the next poll (an admin's decision).

        It becomes ``failed`` with no attempts counted and outcome ``released``, which the poll
        cycle reads as "an administrator vouched for the sender". The message itself must be
        back in the inbox for the poll to find it (the Maildir adapter moves it; elsewhere the
        administrator moves it in the mail client).
        """
        row = self._held(message_id, None, ("quarantined",))
        row.state, row.outcome, row.attempts = "failed", "released", 0
        row.last_error_kind = None
        row.moved_at = None
        return self._release(row)

    def dismiss(self, message_id: str, outcome: str = "rejected_by_admin") -> ProcessedMail:
        """Close a quarantined message for good: it stays in the quarantine folder."""
        row = self._held(message_id, None, ("quarantined",))
        row.state, row.outcome = "processed", outcome
        row.updated_at = self.clock()
        self.session.flush()
        return row

    def counts(self) -> dict[str, int]:
        """How many messages are in each state, plus ``unmoved``; every key present, zero or not."""
        counts = dict.fromkeys(("claimed", "processed", "quarantined", "failed", "unmoved"), 0)
        rows = self.session.exec(
            select(ProcessedMail.state, sa.func.count()).group_by(col(ProcessedMail.state))
        )
        counts.update({state: count for state, count in rows})
        counts["unmoved"] = self.session.exec(
            select(sa.func.count())
            .select_from(ProcessedMail)
            .where(
                col(ProcessedMail.state).in_(("processed", "quarantined")),
                col(ProcessedMail.moved_at).is_(None),
            )
        ).one()
        return counts


# ---------------------------------------------------------------------------------------------
# Children
# ---------------------------------------------------------------------------------------------


class ChildRepository(_Repository):
    """Children, recognised across submissions by normalised name (or a known alias) and date of birth.

    Names are matched in their :func:`normalise_name` form, through the sealer's ``lookup_key``
    so that a keyed hash can replace the plain form when encryption is added.
    """

    def _key(self, name: str) -> str:
        normalised = normalise_name(name)
        if not normalised:
            raise ValueError("a child's name must contain letters or digits")
        return self.sealer.lookup_key(normalised)

    def find(self, name: str, dob: date, aliases: Iterable[str] = ()) -> Child | None:
        """The child born on ``dob`` known by ``name`` or any of ``aliases``; the oldest if several."""
        # Every key in the ring, not just the current one: a key rotation may still be pending.
        keys = {key for n in [name, *aliases] if normalise_name(n)
                for key in lookup_keys(self.sealer, normalise_name(n))}
        by_name = select(Child.id).where(Child.dob == dob, col(Child.name_key).in_(keys))
        by_alias = (
            select(ChildAlias.child_id)
            .join(Child, col(Child.id) == col(ChildAlias.child_id))
            .where(Child.dob == dob, col(ChildAlias.alias_key).in_(keys))
        )
        ids = set(self.session.exec(by_name)) | set(self.session.exec(by_alias))
        return self.session.get(Child, min(ids)) if ids else None

    def find_or_create_child(self, name: str, dob: date, aliases: Iterable[str] = ()) -> Child:
        """The matching child, created if new; every name and alias seen is remembered.

        Two processes creating the same child at once end with one row: the insert is
        ON CONFLICT DO NOTHING on (name_key, dob). ``display_name`` becomes ``name``, the
        latest spelling the workers used; every spelling is kept (see :meth:`names`).
        """
        aliases = list(aliases)
        child = self.find(name, dob, aliases)
        now = self.clock()
        if child is None:
            key = self._key(name)
            self.session.execute(
                _insert_for(self.session, Child.__table__)
                .values(
                    name_key=key,
                    dob=dob,
                    display_name=self.sealer.seal(name.strip()),
                    created_at=now,
                    updated_at=now,
                )
                .on_conflict_do_nothing(index_elements=["name_key", "dob"])
            )
            child = self.session.exec(
                select(Child)
                .where(Child.name_key == key, Child.dob == dob)
                .execution_options(populate_existing=True)
            ).one()
        else:
            child.display_name = self.sealer.seal(name.strip())
            child.updated_at = now
        for other in [name, *aliases]:
            if not normalise_name(other):
                continue
            key = self._key(other)
            self.session.execute(
                _insert_for(self.session, ChildAlias.__table__)
                .values(
                    child_id=child.id, alias_key=key, alias=self.sealer.seal(other.strip()), created_at=now
                )
                .on_conflict_do_nothing(index_elements=["child_id", "alias_key"])
            )
        self.session.flush()
        return child

    def search(self, name: str = "", dob: date | None = None, limit: int = 100) -> list[Child]:
        """Children whose name or any recorded alias contains ``name`` (normalised), born on ``dob``.

        Either filter may be left out. Names are sealed at rest, so a part-name search unseals
        every alias and compares in Python: fine for one council's MAST caseload (thousands).
        """
        wanted = normalise_name(name)
        statement = select(Child)
        if dob is not None:
            statement = statement.where(Child.dob == dob)
        children = list(self.session.exec(statement.order_by(col(Child.id))))
        if not wanted:
            return children[:limit]
        ids = {c.id for c in children}
        matched: set[int] = set()
        for alias in self.session.exec(select(ChildAlias).where(col(ChildAlias.child_id).in_(ids))):
            if wanted in normalise_name(self.sealer.unseal(alias.alias)):
                matched.add(alias.child_id)
        for child in children:
            if wanted in normalise_name(self.sealer.unseal(child.display_name)):
                matched.add(child.id)  # type: ignore[arg-type]
        return [c for c in children if c.id in matched][:limit]

    def get(self, child_id: int) -> Child | None:
        """The child with this id, or None."""
        return self.session.get(Child, child_id)

    def display_name(self, child: Child) -> str:
        """The child's name as most recently written."""
        return self.sealer.unseal(child.display_name)

    def names(self, child_id: int) -> list[str]:
        """Every name the child has been recorded under, as written, in the order first seen."""
        rows = self.session.exec(
            select(ChildAlias).where(ChildAlias.child_id == child_id).order_by(col(ChildAlias.id))
        )
        return [self.sealer.unseal(row.alias) for row in rows]


# ---------------------------------------------------------------------------------------------
# Submissions
# ---------------------------------------------------------------------------------------------


class SubmissionRepository(_Repository):
    """Attachments read from messages: one row per (message id, attachment sha256), unique.

    The parsed record and the findings are stored as JSON text through the sealer; read them
    back with :meth:`record`, :meth:`findings` and :meth:`file_name`, never from the columns.
    """

    def add(
        self,
        *,
        message_id: str,
        sha256: str,
        file_name: str,
        kind: str,
        sender: str,
        received_at: datetime,
        status: str,
        reason: str | None = None,
        record: dict | None = None,
        findings: Sequence[dict] | None = None,
        child_id: int | None = None,
        assessment_date: date | None = None,
        stated_total: int | None = None,
        stated_category: str | None = None,
        computed_total: int | None = None,
        computed_category: str | None = None,
        replaces_submission_id: int | None = None,
    ) -> Submission:
        """Store one attachment's result; IntegrityError if (message_id, sha256) is already stored.

        ``record`` is ``codec.record_to_storage(...)`` of a parsed assessment; ``findings`` are
        ``Finding.to_dict()`` results; ``reason`` is the rejection's stable reason code.
        """
        submission = Submission(
            message_id=message_id,
            sha256=sha256,
            file_name=self.sealer.seal(file_name),
            kind=kind,
            sender=sender,
            received_at=received_at,
            status=status,
            reason=reason,
            record_json=None if record is None else self.sealer.seal(json.dumps(record, sort_keys=True)),
            findings_json=None if findings is None else self.sealer.seal(json.dumps(list(findings))),
            child_id=child_id,
            assessment_date=assessment_date,
            stated_total=stated_total,
            stated_category=stated_category,
            computed_total=computed_total,
            computed_category=computed_category,
            replaces_submission_id=replaces_submission_id,
            created_at=self.clock(),
        )
        self.session.add(submission)
        self.session.flush()
        return submission

    def exists(self, message_id: str, sha256: str) -> bool:
        """True if this attachment of this message has been stored already."""
        found = self.session.exec(
            select(Submission.id).where(Submission.message_id == message_id, Submission.sha256 == sha256)
        ).first()
        return found is not None

    def get(self, submission_id: int) -> Submission | None:
        """The submission with this id, or None."""
        return self.session.get(Submission, submission_id)

    def for_message(self, message_id: str) -> list[Submission]:
        """Every attachment stored from one message, in the order stored."""
        return list(
            self.session.exec(
                select(Submission).where(Submission.message_id == message_id).order_by(col(Submission.id))
            )
        )

    def for_child(self, child_id: int) -> list[Submission]:
        """The child's parsed submissions, oldest assessment first (undated ones last)."""
        rows = self.session.exec(
            select(Submission).where(Submission.child_id == child_id, Submission.status == "parsed")
        )
        return sorted(rows, key=history_order)

    def latest_per_child(self) -> list[Submission]:
        """Each linked child's most recent parsed tool (by assessment date, then arrival)."""
        latest: dict[int, Submission] = {}
        rows = self.session.exec(
            select(Submission).where(Submission.status == "parsed", col(Submission.child_id).is_not(None))
        )
        for row in rows:
            assert row.child_id is not None
            current = latest.get(row.child_id)
            if current is None or history_order(row) > history_order(current):
                latest[row.child_id] = row
        return [latest[child_id] for child_id in sorted(latest)]

    def previous_for(self, submission: Submission) -> Submission | None:
        """The child's assessment before this one, for the trend; None for a first assessment."""
        if submission.child_id is None:
            return None
        return choose_previous(submission, self.for_child(submission.child_id))

    def record(self, submission: Submission) -> dict | None:
        """The stored parsed record (``codec.record_from_storage`` rebuilds it), or None."""
        if submission.record_json is None:
            return None
        return json.loads(self.sealer.unseal(submission.record_json))

    def findings(self, submission: Submission) -> list[dict]:
        """The stored findings as dicts (``codec.finding_from_dict`` rebuilds them)."""
        if submission.findings_json is None:
            return []
        return json.loads(self.sealer.unseal(submission.findings_json))

    def file_name(self, submission: Submission) -> str:
        """The attachment's file name (which may name the child)."""
        return self.sealer.unseal(submission.file_name)


# ---------------------------------------------------------------------------------------------
# Agenda
# ---------------------------------------------------------------------------------------------


# Decision columns holding free text, sealed at rest.
SEALED_DECISION_COLUMNS = ("recommendations", "actions_json", "level_rationale", "police_updated_by",
                           "nrm_first_responder", "nrm_reason", "disruption", "correction_reason")


def _deferral(row: AgendaDeferral) -> Deferral:
    assert row.agenda_entry_id is not None
    return Deferral(row.agenda_entry_id, row.from_date, row.to_date, row.deferred_by, row.created_at)


class AgendaRepository(_Repository):
    """The MAST queue: one entry per parsed submission, through its states.

    The states and moves are ``mast_intake.domain.agenda``'s. A newer tool for the same child
    replaces any entry not yet decided: the old one becomes ``replaced`` and the new one takes
    over its state, meeting and place in the queue. Other moves raise InvalidTransition.
    """

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

    def place_on_meeting(self, entries: Iterable[AgendaEntry], meeting_date: date) -> list[AgendaEntry]:
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
            select(AgendaEntry.meeting_date)
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

    def store_deferral(self, entry: AgendaEntry, deferral: Deferral) -> AgendaEntry:
        """Store that an entry is deferred to ``deferral.to_day``, and the deferral itself.

        The rule (``domain.agenda.deferral_target``) picks the day; this only checks the move.
        """
        entry = self._lock(entry)
        check_transition(entry, "deferred")
        entry.state, entry.meeting_date, entry.updated_at = "deferred", deferral.to_day, self.clock()
        entry.deferrals += 1
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

    def store_placed(self, entries: Iterable[AgendaEntry], day: date) -> None:
        """Store that these entries are on the agenda of ``day``."""
        self.place_on_meeting(entries, day)

    def lock(self, entry_id: int) -> AgendaEntry:
        """The entry, locked until the transaction ends (NotFound if there is none)."""
        return self._lock(entry_id)

    def mark_decided(self, entry: AgendaEntry) -> AgendaEntry:
        """Record that the meeting decided the entry (done by DecisionRepository.record too)."""
        entry = self._lock(entry)
        check_transition(entry, "decided")
        entry.state, entry.updated_at = "decided", self.clock()
        self.session.flush()
        return entry

    def _lock(self, entry: AgendaEntry | int) -> AgendaEntry:
        entry_id = entry if isinstance(entry, int) else entry.id
        row = self.session.exec(self._locking(select(AgendaEntry).where(AgendaEntry.id == entry_id))).first()
        if row is None:
            raise NotFound(f"no agenda entry {entry_id}")
        return row


# ---------------------------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------------------------


class DecisionRepository(_Repository):
    """What MAST decided. Append-only: there is no way here to change or remove a decision.

    A decision may be recorded for an entry ``on_agenda`` (the entry becomes ``decided``); after
    that only a correction may be, a new row naming the decision it corrects. The newest row
    for an entry is the one that stands (:meth:`latest_for_entry`, :meth:`current`). Free text
    (recommendations, actions, rationale, names, reasons) is sealed.
    """

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
        level_rationale: str = "",
        police_systems_updated: bool = False,
        police_updated_by: str = "",
        nrm_referral_date: date | None = None,
        nrm_first_responder: str = "",
        nrm_reason: str = "",
        disruption: str = "",
        decided_by_role: str = "",
        correction_reason: str = "",
    ) -> Decision:
        """Append a decision (or correction); DecisionNotAllowed if the entry's state forbids it.

        ``actions`` are ``{"text", "owner"[, "due"]}`` dicts. ``level``, ``case_status`` and
        ``nrm`` must be among the value lists of ``domain.enums`` (ValueError otherwise).
        """
        check_decision_values(level, case_status, nrm, actions)
        agenda = AgendaRepository(self.session, self.sealer, self.clock)
        # The lock makes two people deciding at once take turns: the second sees "decided".
        locked = agenda._lock(entry)
        corrects = (
            self.session.get(Decision, corrects_decision_id) if corrects_decision_id is not None else None
        )
        check_decision_allowed(locked, corrects, corrects_decision_id)
        seal = self.sealer.seal
        decision = Decision(
            agenda_entry_id=locked.id,
            submission_id=locked.submission_id,
            level=level,
            case_status=case_status,
            recommendations=seal(recommendations),
            actions_json=seal(json.dumps([dict(a) for a in actions])),
            tier1=tier1,
            nrm=nrm,
            next_review_date=next_review_date,
            decided_by=decided_by,
            decided_at=decided_at or self.clock(),
            corrects_decision_id=corrects_decision_id,
            created_at=self.clock(),
            level_rationale=seal(level_rationale),
            police_systems_updated=police_systems_updated,
            police_updated_by=seal(police_updated_by),
            nrm_referral_date=nrm_referral_date,
            nrm_first_responder=seal(nrm_first_responder),
            nrm_reason=seal(nrm_reason),
            disruption=seal(disruption),
            decided_by_role=decided_by_role,
            correction_reason=seal(correction_reason),
        )
        self.session.add(decision)
        if locked.state != "decided":
            agenda.mark_decided(locked)
        self.session.flush()
        return decision

    def append(self, entry: AgendaEntry | int, record: DecisionRecord) -> DecisionRecord:
        """Store a checked domain record (see ``domain.cycle``); returns it with its id."""
        row = self.record(
            entry=entry, level=record.level, case_status=record.case_status,
            recommendations=record.notes, actions=[a.to_dict() for a in record.actions],
            tier1=record.tier1, nrm=record.nrm, next_review_date=record.next_review_date,
            decided_by=record.decided_by, decided_at=record.decided_at,
            corrects_decision_id=record.corrects_decision_id, level_rationale=record.level_rationale,
            police_systems_updated=record.police_systems_updated,
            police_updated_by=record.police_updated_by, nrm_referral_date=record.nrm_referral_date,
            nrm_first_responder=record.nrm_first_responder, nrm_reason=record.nrm_reason,
            disruption=record.disruption, decided_by_role=record.decided_by_role,
            correction_reason=record.correction_reason,
        )
        return self.to_record(row)

    def to_record(self, row: Decision) -> DecisionRecord:
        """The stored row as the domain's decision record, free text unsealed."""
        def unseal(value: str) -> str:
            # Empty means never written: rows from before revision 0004 hold "" unsealed.
            return self.sealer.unseal(value) if value else ""

        return DecisionRecord(
            id=row.id, level=Level(row.level), case_status=CaseStatus(row.case_status),
            decided_by=row.decided_by, decided_at=row.decided_at,
            level_rationale=unseal(row.level_rationale),
            actions=tuple(Action.from_dict(a) for a in self.actions(row)),
            police_systems_updated=row.police_systems_updated,
            police_updated_by=unseal(row.police_updated_by), nrm=NrmOutcome.from_stored(row.nrm),
            nrm_referral_date=row.nrm_referral_date, nrm_first_responder=unseal(row.nrm_first_responder),
            nrm_reason=unseal(row.nrm_reason), tier1=row.tier1, disruption=unseal(row.disruption),
            notes=self.recommendations(row), decided_by_role=row.decided_by_role,
            next_review_date=row.next_review_date, correction_reason=unseal(row.correction_reason),
            corrects_decision_id=row.corrects_decision_id,
        )

    def current(self, entry_id: int) -> DecisionRecord | None:
        """The decision that stands for the entry, as a domain record, or None."""
        row = self.latest_for_entry(entry_id)
        return None if row is None else self.to_record(row)

    def get(self, decision_id: int) -> Decision | None:
        """The decision with this id, or None."""
        return self.session.get(Decision, decision_id)

    def latest_for_entry(self, entry_id: int) -> Decision | None:
        """The decision that stands for the entry: the newest, corrections included."""
        return self.session.exec(
            select(Decision).where(Decision.agenda_entry_id == entry_id).order_by(col(Decision.id).desc())
        ).first()

    def for_entry(self, entry_id: int) -> list[Decision]:
        """Every decision and correction for the entry, oldest first."""
        return list(
            self.session.exec(
                select(Decision).where(Decision.agenda_entry_id == entry_id).order_by(col(Decision.id))
            )
        )

    def for_child(self, child_id: int) -> list[Decision]:
        """Every decision about the child's submissions, oldest first."""
        return list(
            self.session.exec(
                select(Decision)
                .join(Submission, col(Submission.id) == col(Decision.submission_id))
                .where(Submission.child_id == child_id)
                .order_by(col(Decision.decided_at), col(Decision.id))
            )
        )

    def recommendations(self, decision: Decision) -> str:
        """The recommendations as written."""
        return self.sealer.unseal(decision.recommendations)

    def actions(self, decision: Decision) -> list[dict]:
        """The actions, as ``{"text", "owner"[, "due"]}`` dicts."""
        return json.loads(self.sealer.unseal(decision.actions_json))


# ---------------------------------------------------------------------------------------------
# Outbox
# ---------------------------------------------------------------------------------------------


class OutboxRepository(_Repository):
    """Emails to send, added in the transaction of the change that causes them.

    ``add`` is idempotent on the email's Message-ID. A sender takes ``pending`` rows (locked
    with SKIP LOCKED on PostgreSQL so two senders never take the same row), sends them while
    its unit of work is open, and marks each sent or failed before committing. A crash between
    sending and committing sends that email again: delivery is at least once, and the stable
    Message-ID lets mail clients recognise the duplicate.
    """

    def has(self, message_id: str) -> bool:
        """True when an email with this Message-ID was ever queued."""
        return self.session.exec(select(Outbox.id).where(Outbox.message_id == message_id)).first() is not None

    def queued_at(self, message_id: str) -> datetime | None:
        """When the email with this Message-ID was queued, or None if it never was."""
        return self.session.exec(select(Outbox.created_at).where(Outbox.message_id == message_id)).first()

    def add(self, message_id: str, kind: str, recipients: Sequence[str], subject: str, mime: bytes) -> Outbox:
        """Queue an email; if one with this Message-ID is already queued, that row is returned."""
        if kind not in OUTBOX_KINDS:
            raise ValueError(f"outbox kind must be one of {', '.join(OUTBOX_KINDS)}")
        if not recipients:
            raise ValueError("an email needs at least one recipient")
        self.session.execute(
            _insert_for(self.session, Outbox.__table__)
            .values(
                message_id=message_id,
                kind=kind,
                recipients=json.dumps(list(recipients)),
                subject=self.sealer.seal(subject),
                mime=self.sealer.seal_bytes(mime),
                state="pending",
                attempts=0,
                created_at=self.clock(),
            )
            .on_conflict_do_nothing(index_elements=["message_id"])
        )
        return self.session.exec(
            select(Outbox).where(Outbox.message_id == message_id).execution_options(populate_existing=True)
        ).one()

    def get(self, outbox_id: int) -> Outbox | None:
        """The row with this id, or None."""
        return self.session.get(Outbox, outbox_id)

    def pending(self, limit: int = 50) -> list[Outbox]:
        """Up to ``limit`` emails waiting to be sent, oldest first, locked for this sender."""
        return list(
            self.session.exec(
                select(Outbox)
                .where(Outbox.state == "pending")
                .order_by(col(Outbox.id))
                .limit(limit)
                .with_for_update(skip_locked=True)
                .execution_options(populate_existing=True)
            )
        )

    def _row(self, outbox_id: int) -> Outbox:
        row = self.session.get(Outbox, outbox_id)
        if row is None:
            raise NotFound(f"no outbox row {outbox_id}")
        return row

    def mark_sent(self, outbox_id: int) -> Outbox:
        """Record that the email was handed to the mail server."""
        row = self._row(outbox_id)
        row.state, row.sent_at = "sent", self.clock()
        row.attempts += 1
        self.session.flush()
        return row

    def mark_failed(self, outbox_id: int, error_kind: str, max_attempts: int = 3) -> Outbox:
        """Record a failed send; the row stays pending until ``max_attempts`` failures, then failed."""
        row = self._row(outbox_id)
        row.attempts += 1
        row.last_error_kind = check_error_kind(error_kind)
        row.state = "failed" if row.attempts >= max_attempts else "pending"
        self.session.flush()
        return row

    def recipients(self, row: Outbox) -> list[str]:
        """The addresses the email goes to."""
        return json.loads(row.recipients)

    def subject(self, row: Outbox) -> str:
        """The email's subject line."""
        return self.sealer.unseal(row.subject)

    def mime(self, row: Outbox) -> bytes:
        """The whole serialised email, ready to send."""
        return self.sealer.unseal_bytes(row.mime)

    def counts(self) -> dict[str, int]:
        """How many emails are pending, sent and failed."""
        counts = dict.fromkeys(("pending", "sent", "failed"), 0)
        rows = self.session.exec(select(Outbox.state, sa.func.count()).group_by(col(Outbox.state)))
        counts.update({state: count for state, count in rows})
        return counts


# ---------------------------------------------------------------------------------------------
# Web console accounts
# ---------------------------------------------------------------------------------------------


class UserRepository(_Repository):
    """Accounts of the web console. The caller hashes passwords; nothing here sees one in clear."""

    def add(self, username: str, role: str, password_hash: str, display_name: str = "") -> WebUser:
        """Create an account; ValueError for an unknown role, IntegrityError if the name is taken."""
        if role not in USER_ROLES:
            raise ValueError(f"role must be one of {', '.join(USER_ROLES)}")
        now = self.clock()
        user = WebUser(username=username.strip().lower(), display_name=display_name.strip(), role=role,
                       password_hash=password_hash, active=True, created_at=now, updated_at=now)
        self.session.add(user)
        self.session.flush()
        return user

    def get(self, user_id: int) -> WebUser | None:
        """The account with this id, or None."""
        return self.session.get(WebUser, user_id)

    def by_username(self, username: str) -> WebUser | None:
        """The account with this user name (case-insensitive), or None."""
        return self.session.exec(select(WebUser).where(WebUser.username == username.strip().lower())).first()

    def list(self) -> list[WebUser]:
        """Every account, by user name."""
        return list(self.session.exec(select(WebUser).order_by(col(WebUser.username))))

    def update(self, user: WebUser, *, role: str | None = None, password_hash: str | None = None,
               active: bool | None = None, logged_in: bool = False) -> WebUser:
        """Change an account's role, password hash or active flag, or note a sign-in."""
        if role is not None:
            if role not in USER_ROLES:
                raise ValueError(f"role must be one of {', '.join(USER_ROLES)}")
            user.role = role
        if password_hash is not None:
            user.password_hash = password_hash
        if active is not None:
            user.active = active
        now = self.clock()
        if logged_in:
            user.last_login_at = now
        user.updated_at = now
        self.session.add(user)
        self.session.flush()
        return user


# ---------------------------------------------------------------------------------------------
# Audit log, poll runs, meetings
# ---------------------------------------------------------------------------------------------


class AuditRepository(_Repository):
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


class PollRunRepository(_Repository):
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


class MeetingRepository(_Repository):
    """MAST meeting days, so that each meeting's agenda is sent exactly once."""

    def get_or_create(self, meeting_date: date) -> Meeting:
        """The meeting on ``meeting_date``, created if needed (safe against a concurrent create)."""
        self.session.execute(
            _insert_for(self.session, Meeting.__table__)
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
            sa.update(Meeting.__table__)
            .where(
                Meeting.__table__.c.meeting_date == meeting_date,
                Meeting.__table__.c.agenda_sent_at.is_(None),
            )
            .values(agenda_sent_at=self.clock())
        )
        # The core UPDATE bypassed the session: refresh the object if the session holds it.
        for meeting in self.session.identity_map.values():
            if isinstance(meeting, Meeting) and meeting.meeting_date == meeting_date:
                self.session.refresh(meeting)
        return result.rowcount == 1


# ---------------------------------------------------------------------------------------------
# Data protection: retention, erasure, key rotation
# ---------------------------------------------------------------------------------------------


class DataProtectionRepository(_Repository):
    """The queries behind retention, erasure and key rotation (``mast_intake.protection``).

    The deletes here are the only ones in the service. They remove a whole case at a time
    (submissions, their agenda entries and decisions, and the child), never part of a decision,
    and never touch the audit log: the caller appends what was removed (ids and counts only).
    """

    def attachment_anchors(self) -> list[tuple[int, str, datetime, str | None, datetime | None, datetime]]:
        """Per parsed submission: (id, sha256, received_at, entry state, entry updated_at, decided_at).

        ``decided_at`` is the latest decision's (corrections included), None if undecided.
        """
        latest = (
            select(Decision.submission_id, sa.func.max(Decision.decided_at).label("decided_at"))
            .group_by(col(Decision.submission_id))
            .subquery()
        )
        statement = (
            select(
                Submission.id, Submission.sha256, Submission.received_at,
                AgendaEntry.state, AgendaEntry.updated_at, latest.c.decided_at,
            )
            .outerjoin(AgendaEntry, col(AgendaEntry.submission_id) == col(Submission.id))
            .outerjoin(latest, latest.c.submission_id == col(Submission.id))
            .where(Submission.status == "parsed")
            .order_by(col(Submission.id))
        )
        return [tuple(row) for row in self.session.execute(statement)]  # type: ignore[misc]

    def stored_attachment_keys(self) -> set[tuple[int, str]]:
        """(id, sha256) of every submission row: the attachment files that are not orphans."""
        return {(int(i), s) for i, s in self.session.execute(select(Submission.id, Submission.sha256))}

    def open_child_ids(self) -> set[int]:
        """Children with a tool still waiting for, or on, a meeting: never purged."""
        rows = self.session.execute(
            select(AgendaEntry.child_id).where(
                col(AgendaEntry.state).in_(REPLACEABLE_STATES), col(AgendaEntry.child_id).is_not(None)
            )
        )
        return {int(child_id) for (child_id,) in rows}

    def child_last_activity(self) -> dict[int, datetime]:
        """Each child's latest activity: a record changed, a tool received or a decision made."""
        statement = (
            select(
                Child.id, Child.updated_at,
                sa.func.max(Submission.received_at), sa.func.max(Decision.decided_at),
            )
            .outerjoin(Submission, col(Submission.child_id) == col(Child.id))
            .outerjoin(Decision, col(Decision.submission_id) == col(Submission.id))
            .group_by(col(Child.id), col(Child.updated_at))
        )
        return {
            int(child_id): max(t for t in times if t is not None)
            for child_id, *times in self.session.execute(statement)
        }

    def unlinked_last_activity(self) -> dict[int, datetime]:
        """Submissions not linked to a child (rejected, or no name/date of birth) that are not
        waiting for a meeting: id -> latest of arrival and decision."""
        open_entries = select(AgendaEntry.submission_id).where(
            col(AgendaEntry.state).in_(REPLACEABLE_STATES)
        )
        statement = (
            select(Submission.id, Submission.received_at, sa.func.max(Decision.decided_at))
            .outerjoin(Decision, col(Decision.submission_id) == col(Submission.id))
            .where(col(Submission.child_id).is_(None), col(Submission.id).not_in(open_entries))
            .group_by(col(Submission.id), col(Submission.received_at))
        )
        return {
            int(sid): max(t for t in (received, decided) if t is not None)
            for sid, received, decided in self.session.execute(statement)
        }

    def submissions_of_child(self, child_id: int) -> list[tuple[int, str, str]]:
        """(id, sha256, message_id) of every submission linked to the child."""
        rows = self.session.execute(
            select(Submission.id, Submission.sha256, Submission.message_id)
            .where(Submission.child_id == child_id)
            .order_by(col(Submission.id))
        )
        return [(int(i), s, m) for i, s, m in rows]

    def erase_submissions(self, submission_ids: Sequence[int]) -> dict[str, int]:
        """Delete these submissions with their agenda entries and decisions; counts by table.

        Rows outside the set that point into it (a later tool "replacing" one of these) lose
        only that pointer.
        """
        ids = list(submission_ids)
        if not ids:
            return {"submissions": 0, "agenda_entries": 0, "decisions": 0}
        entries = [
            int(e) for e in self.session.execute(
                select(AgendaEntry.id).where(col(AgendaEntry.submission_id).in_(ids))
            ).scalars()
        ]
        agenda_t, submission_t, decision_t = (AgendaEntry.__table__, Submission.__table__,
                                              Decision.__table__)
        if entries:
            self.session.execute(
                sa.update(agenda_t)
                .where(agenda_t.c.replaced_by_id.in_(entries), agenda_t.c.id.not_in(entries))
                .values(replaced_by_id=None)
            )
        self.session.execute(
            sa.update(submission_t)
            .where(submission_t.c.replaces_submission_id.in_(ids), submission_t.c.id.not_in(ids))
            .values(replaces_submission_id=None)
        )
        # One statement per table: a correction and the decision it corrects go together, and
        # both databases check the self-references at the end of the statement.
        decisions = self.session.execute(
            sa.delete(decision_t).where(
                sa.or_(decision_t.c.submission_id.in_(ids), decision_t.c.agenda_entry_id.in_(entries))
            )
        ).rowcount
        if entries:
            deferral_t = AgendaDeferral.__table__
            self.session.execute(sa.delete(deferral_t).where(deferral_t.c.agenda_entry_id.in_(entries)))
        removed_entries = self.session.execute(
            sa.delete(agenda_t).where(agenda_t.c.id.in_(entries))
        ).rowcount if entries else 0
        submissions = self.session.execute(
            sa.delete(submission_t).where(submission_t.c.id.in_(ids))
        ).rowcount
        self.session.expire_all()
        return {"submissions": submissions, "agenda_entries": removed_entries, "decisions": decisions}

    def erase_child(self, child_id: int) -> dict[str, int]:
        """Delete the child, every name recorded for them and their whole case; counts by table."""
        ids = [sid for sid, _, _ in self.submissions_of_child(child_id)]
        counts = self.erase_submissions(ids)
        agenda_t = AgendaEntry.__table__
        # An entry copied the child id from its submission; a leftover would block the delete.
        self.session.execute(sa.update(agenda_t).where(agenda_t.c.child_id == child_id).values(child_id=None))
        counts["names"] = self.session.execute(
            sa.delete(ChildAlias.__table__).where(ChildAlias.__table__.c.child_id == child_id)
        ).rowcount
        counts["children"] = self.session.execute(
            sa.delete(Child.__table__).where(Child.__table__.c.id == child_id)
        ).rowcount
        self.session.expire_all()
        return counts

    def delete_sent_outbox_before(self, cutoff: datetime, dry_run: bool = False) -> list[int]:
        """Ids of sent or failed outbox rows created before ``cutoff`` (deleted unless dry run).

        Pending rows are never removed: they have not been sent yet.
        """
        table = Outbox.__table__
        condition = sa.and_(table.c.state.in_(("sent", "failed")), table.c.created_at < cutoff)
        ids = [int(i) for i in self.session.execute(sa.select(table.c.id).where(condition)).scalars()]
        if ids and not dry_run:
            self.session.execute(sa.delete(table).where(table.c.id.in_(ids)))
        return ids

    def sealed_samples(self, per_column: int = 2) -> list[str | bytes]:
        """A few stored values from every sealed column (oldest and newest rows), to test keys."""
        columns = [
            (Child.__table__, "display_name"), (ChildAlias.__table__, "alias"),
            (Submission.__table__, "file_name"), (Submission.__table__, "record_json"),
            *((Decision.__table__, name) for name in SEALED_DECISION_COLUMNS), (Outbox.__table__, "subject"),
            (Outbox.__table__, "mime"),
        ]
        samples: list[str | bytes] = []
        for table, name in columns:
            column = table.c[name]
            # An empty text value was never sealed (columns added by a later migration).
            written = () if isinstance(column.type, sa.LargeBinary) else (column != "",)
            for order in (table.c.id.asc(), table.c.id.desc()):
                samples.extend(self.session.execute(
                    sa.select(column).where(column.is_not(None), *written).order_by(order)
                    .limit(per_column // 2 or 1)
                ).scalars())
        return samples

    def rekey(self, old: Sealer, new: Sealer, check_only: bool = False) -> dict[str, int]:
        """Re-seal every sealed value with ``new``, reading it with ``old``; counts per column.

        Everything is decrypted first, so a value ``old`` cannot open raises before any row is
        written. Lookup keys (child names and aliases) are recomputed with ``new``. Decision
        rows cannot be updated (the database refuses it), so they are re-inserted with the same
        ids and contents in the same transaction: their meaning never changes, only the cipher.
        """
        counts: dict[str, int] = {}

        def reseal(value: Any) -> Any:
            if value is None or value == "":
                # Nothing was written (e.g. a decision field added by a later migration).
                return value
            if isinstance(value, bytes):
                return new.seal_bytes(old.unseal_bytes(value))
            return new.seal(old.unseal(value))

        def collect(table: sa.Table, columns: Sequence[str]) -> list[dict[str, Any]]:
            rows = [dict(r._mapping) for r in self.session.execute(sa.select(table).order_by(table.c.id))]
            for row in rows:
                for name in columns:
                    row[name] = reseal(row[name])
            counts[table.name] = len(rows)
            return rows

        child_t, alias_t = Child.__table__, ChildAlias.__table__
        submission_t, decision_t, outbox_t = Submission.__table__, Decision.__table__, Outbox.__table__
        children = collect(child_t, ["display_name"])
        aliases = [dict(r._mapping) for r in self.session.execute(sa.select(alias_t).order_by(alias_t.c.id))]
        old_to_new: dict[tuple[int, str], str] = {}
        keep: dict[tuple[int, str], int] = {}
        duplicates: list[int] = []
        for row in aliases:
            plain = old.unseal(row["alias"])
            new_key = new.lookup_key(normalise_name(plain))
            old_to_new[(row["child_id"], row["alias_key"])] = new_key
            if (row["child_id"], new_key) in keep:
                # The same name stored under an old and a new key during a rotation: keep one.
                duplicates.append(row["id"])
                continue
            keep[(row["child_id"], new_key)] = row["id"]
            row["alias_key"], row["alias"] = new_key, new.seal(plain)
        counts[alias_t.name] = len(aliases)
        for row in children:
            new_key = old_to_new.get((row["id"], row["name_key"]))
            if new_key is None:
                # No alias row for the name the child was created under: derive it from the name.
                new_key = new.lookup_key(normalise_name(new.unseal(row["display_name"])))
            row["name_key"] = new_key
        submissions = collect(submission_t, ["file_name", "record_json", "findings_json"])
        decisions = collect(decision_t, list(SEALED_DECISION_COLUMNS))
        outbox = collect(outbox_t, ["subject", "mime"])
        if check_only:
            return counts
        plan: dict[str, list[tuple[Any, dict[str, Any]]]] = {
            "child": [(child_t.c.id, {k: r[k] for k in ("id", "name_key", "display_name")})
                      for r in children],
            "child_alias": [(alias_t.c.id, {k: r[k] for k in ("id", "alias_key", "alias")})
                            for r in aliases if r["id"] not in duplicates],
            "submission": [(submission_t.c.id, {k: r[k] for k in ("id", "file_name", "record_json",
                                                                  "findings_json")}) for r in submissions],
            "outbox": [(outbox_t.c.id, {k: r[k] for k in ("id", "subject", "mime")}) for r in outbox],
        }
        if duplicates:
            self.session.execute(sa.delete(alias_t).where(alias_t.c.id.in_(duplicates)))
        tables = {"child": child_t, "child_alias": alias_t, "submission": submission_t, "outbox": outbox_t}
        for name, updates in plan.items():
            table = tables[name]
            for id_column, values in updates:
                row_id = values.pop("id")
                self.session.execute(sa.update(table).where(id_column == row_id).values(**values))
        if decisions:
            self.session.execute(sa.delete(decision_t))
            self.session.execute(sa.insert(decision_t), decisions)
        self.session.expire_all()
        return counts
