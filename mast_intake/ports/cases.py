"""The repositories of a case's path, as Protocols: mail, children, submissions, agenda, decisions, outbox.

Every repository works inside the transaction of the unit of work that holds it and never
commits. What it returns are the stored rows (``models.rows``); free text (records, findings,
names, subjects) is read back through its accessors, never from the row's columns, because the
storage may keep it sealed. ``storage/repositories`` implements these on SQL; ``tests/fakes.py``
in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from mast_intake.domain.agenda import Deferral, EntryLike
from mast_intake.domain.decisions import DecisionRecord
from mast_intake.domain.ports import AgendaStore, DecisionStore

if TYPE_CHECKING:
    # Only named in annotations: importing the ports must not load SQLModel (see test_cli_startup).
    from mast_intake.models.rows import AgendaEntry, Child, Decision, Outbox, ProcessedMail, Submission


class ProcessedMailRepository(Protocol):
    """Which mailbox messages have been claimed, handled and moved, by message id.

    ``claim`` is how two poll processes share one mailbox: exactly one of them gets a given
    message. The caller must commit straight after a successful claim (in its own unit of work,
    before the slow parsing) so that the other process sees it.

    States: ``claimed`` (a worker holds a lease until ``claimed_until``) -> ``processed`` or
    ``quarantined`` (final) or ``failed`` (may be claimed again). ``moved_at`` is set once the
    message has left the inbox; a final row without it must be moved again (``unmoved``).
    """

    def claim(self, mailbox_key: str, message_id: str, sender: str, received_at: datetime,
            worker_id: str, lease_seconds: float,
            max_attempts: int | None = None) -> ProcessedMail | None:
        """Claim a message for ``worker_id``; the row if this worker now holds it, else None."""
        ...

    def expire_lease(self, message_id: str, worker_id: str) -> bool:
        """End the lease ``worker_id`` holds on a message, because that worker is known dead."""
        ...

    def get(self, message_id: str) -> ProcessedMail | None:
        """The row for ``message_id``, or None if it was never claimed."""
        ...

    def renew_lease(self, message_id: str, worker_id: str, lease_seconds: float) -> ProcessedMail:
        """Extend this worker's lease (for slow work); LeaseLost if another worker holds it now."""
        ...

    def mark_processed(self, message_id: str, outcome: str, worker_id: str | None = None) -> ProcessedMail:
        """Record that the message was handled (``outcome``: parsed, rejected, no_attachment ...)."""
        ...

    def mark_failed(self, message_id: str, error_kind: str, worker_id: str | None = None) -> ProcessedMail:
        """Record a failed attempt: ``attempts`` goes up by one; the message may be claimed again."""
        ...

    def mark_quarantined(self, message_id: str, outcome: str, error_kind: str | None = None,
            worker_id: str | None = None) -> ProcessedMail:
        """Record that the message is being set aside (from claimed, or failed too often)."""
        ...

    def mark_moved(self, message_id: str, mailbox_key: str | None = None) -> ProcessedMail:
        """Record that the message left the inbox (and its key in the new folder, if it has one)."""
        ...

    def unmoved(self, limit: int = 100) -> list[ProcessedMail]:
        """Processed or quarantined messages still to be moved (the process stopped in between)."""
        ...


class ChildRepository(Protocol):
    """Children, recognised across submissions by normalised name (or a known alias) and date of birth.

    Names are matched in their :func:`normalise_name` form, through the sealer's ``lookup_key``
    so that a keyed hash can replace the plain form when encryption is added.
    """

    def find(self, name: str, dob: date, aliases: Iterable[str] = ()) -> Child | None:
        """The child born on ``dob`` known by ``name`` or any of ``aliases``; the oldest if several."""
        ...

    def find_or_create_child(self, name: str, dob: date, aliases: Iterable[str] = ()) -> Child:
        """The matching child, created if new; every name and alias seen is remembered."""
        ...

    def get(self, child_id: int) -> Child | None:
        """The child with this id, or None."""
        ...

    def display_name(self, child: Child) -> str:
        """The child's name as most recently written."""
        ...

    def names(self, child_id: int) -> list[str]:
        """Every name the child has been recorded under, as written, in the order first seen."""
        ...


class SubmissionRepository(Protocol):
    """Attachments read from messages: one row per (message id, attachment sha256), unique.

    The parsed record and the findings are stored as JSON text through the sealer; read them
    back with :meth:`record`, :meth:`findings` and :meth:`file_name`, never from the columns.
    """

    def add(self, *, message_id: str, sha256: str, file_name: str, kind: str, sender: str,
            received_at: datetime, status: str, reason: str | None = None, record: dict | None = None,
            findings: Sequence[dict] | None = None, child_id: int | None = None,
            assessment_date: date | None = None, stated_total: int | None = None,
            stated_category: str | None = None, computed_total: int | None = None,
            computed_category: str | None = None,
            replaces_submission_id: int | None = None) -> Submission:
        """Store one attachment's result; IntegrityError if (message_id, sha256) is already stored."""
        ...

    def exists(self, message_id: str, sha256: str) -> bool:
        """True if this attachment of this message has been stored already."""
        ...

    def get(self, submission_id: int) -> Submission | None:
        """The submission with this id, or None."""
        ...

    def for_message(self, message_id: str) -> list[Submission]:
        """Every attachment stored from one message, in the order stored."""
        ...

    def for_child(self, child_id: int) -> list[Submission]:
        """The child's parsed submissions, oldest assessment first (undated ones last)."""
        ...

    def latest_per_child(self) -> list[Submission]:
        """Each linked child's most recent parsed tool (by assessment date, then arrival)."""
        ...

    def previous_for(self, submission: Submission) -> Submission | None:
        """The child's assessment before this one, for the trend; None for a first assessment."""
        ...

    def record(self, submission: Submission) -> dict | None:
        """The stored parsed record (``codec.record_from_storage`` rebuilds it), or None."""
        ...

    def findings(self, submission: Submission) -> list[dict]:
        """The stored findings as dicts (``codec.finding_from_dict`` rebuilds them)."""
        ...

    def file_name(self, submission: Submission) -> str:
        """The attachment's file name (which may name the child)."""
        ...


class AgendaRepository(AgendaStore, Protocol):
    """The MAST queue: one entry per parsed submission, through its states.

    The states and moves are ``mast_intake.domain.agenda``'s. A newer tool for the same child
    replaces any entry not yet decided: the old one becomes ``replaced`` and the new one takes
    over its state, meeting and place in the queue. Other moves raise InvalidTransition.
    """

    def enqueue(self, submission: Submission, is_review: bool, needs_correction: bool) -> AgendaEntry:
        """Queue ``submission`` for MAST, replacing the child's entry that is not yet decided."""
        ...

    def get(self, entry_id: int) -> AgendaEntry | None:
        """The entry with this id, or None."""
        ...

    def for_submission(self, submission_id: int) -> AgendaEntry | None:
        """The entry for this submission, or None if it was never queued."""
        ...

    def queued_before(self, cutoff: datetime) -> list[AgendaEntry]:
        """Entries waiting for a meeting (queued or deferred) that arrived before ``cutoff``."""
        ...

    def place_on_meeting(self, entries: Iterable[EntryLike], meeting_date: date) -> list[AgendaEntry]:
        """Put waiting entries on the meeting of ``meeting_date``; InvalidTransition for any other."""
        ...

    def for_meeting(self, meeting_date: date) -> list[AgendaEntry]:
        """The entries on that meeting's agenda (not replaced ones), in queue order."""
        ...

    def open_for_child(self, child_id: int) -> list[AgendaEntry]:
        """The child's entries not yet decided or replaced."""
        ...

    def deferrals_of(self, entry_id: int) -> list[Deferral]:
        """The entry's deferrals, oldest first."""
        ...

    def deferred_from(self, meeting_date: date) -> list[tuple[AgendaEntry, Deferral]]:
        """Entries deferred from the meeting of ``meeting_date``, with that deferral, in queue order."""
        ...

    def waiting(self) -> list[AgendaEntry]:
        """Every entry queued or deferred, in queue order."""
        ...

    def store_placed(self, entries: Iterable[EntryLike], day: date) -> None:
        """Store that these entries are on the agenda of ``day``."""
        ...

    def lock(self, entry_id: int) -> AgendaEntry:
        """The entry, locked until the transaction ends (NotFound if there is none)."""
        ...

    def mark_decided(self, entry: EntryLike) -> AgendaEntry:
        """Record that the meeting decided the entry (done by DecisionRepository.record too)."""
        ...


class DecisionRepository(DecisionStore, Protocol):
    """What MAST decided. Append-only: there is no way here to change or remove a decision.

    A decision may be recorded for an entry ``on_agenda`` (the entry becomes ``decided``); after
    that only a correction may be, a new row naming the decision it corrects. The newest row
    for an entry is the one that stands (:meth:`latest_for_entry`, :meth:`current`). Free text
    (recommendations, actions, rationale, names, reasons) is sealed.
    """

    def append(self, entry: EntryLike | int, record: DecisionRecord) -> DecisionRecord:
        """Store a checked domain record (see ``domain.cycle``); returns it with its id."""
        ...

    def to_record(self, row: Decision) -> DecisionRecord:
        """The stored row as the domain's decision record, free text unsealed."""
        ...

    def current(self, entry_id: int) -> DecisionRecord | None:
        """The decision that stands for the entry, as a domain record, or None."""
        ...

    def latest_for_entry(self, entry_id: int) -> Decision | None:
        """The decision that stands for the entry: the newest, corrections included."""
        ...

    def for_entry(self, entry_id: int) -> list[Decision]:
        """Every decision and correction for the entry, oldest first."""
        ...

    def for_child(self, child_id: int) -> list[Decision]:
        """Every decision about the child's submissions, oldest first."""
        ...


class OutboxRepository(Protocol):
    """Emails to send, added in the transaction of the change that causes them.

    ``add`` is idempotent on the email's Message-ID. A sender takes ``pending`` rows (locked
    with SKIP LOCKED on PostgreSQL so two senders never take the same row), sends them while
    its unit of work is open, and marks each sent or failed before committing. A crash between
    sending and committing sends that email again: delivery is at least once, and the stable
    Message-ID lets mail clients recognise the duplicate.
    """

    def has(self, message_id: str) -> bool:
        """True when an email with this Message-ID was ever queued."""
        ...

    def queued_at(self, message_id: str) -> datetime | None:
        """When the email with this Message-ID was queued, or None if it never was."""
        ...

    def add(self, message_id: str, kind: str, recipients: Sequence[str], subject: str, mime: bytes) -> Outbox:
        """Queue an email; if one with this Message-ID is already queued, that row is returned."""
        ...

    def pending(self, limit: int = 50) -> list[Outbox]:
        """Up to ``limit`` emails waiting to be sent, oldest first, locked for this sender."""
        ...

    def mark_sent(self, outbox_id: int) -> Outbox:
        """Record that the email was handed to the mail server."""
        ...

    def mark_failed(self, outbox_id: int, error_kind: str, max_attempts: int = 3) -> Outbox:
        """Record a failed send; the row stays pending until ``max_attempts`` failures, then failed."""
        ...

    def recipients(self, row: Outbox) -> list[str]:
        """The addresses the email goes to."""
        ...

    def subject(self, row: Outbox) -> str:
        """The email's subject line."""
        ...

    def mime(self, row: Outbox) -> bytes:
        """The whole serialised email, ready to send."""
        ...
