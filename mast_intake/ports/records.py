"""The repositories of what the service keeps about itself, as Protocols: audit, poll runs,
meetings, text fingerprints, data protection and the partnership report's figures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from mast_intake.models.stored import ToolRow
from mast_intake.ports.sealing import Sealer

if TYPE_CHECKING:
    # Only named in annotations: importing the ports must not load SQLModel (see test_cli_startup).
    from mast_intake.models.rows import AuditLog, Meeting, PollRun, Submission


class AuditRepository(Protocol):
    """The audit trail. Append-only, and ``detail`` must never hold anything about a child."""

    def append(self, actor: str, action: str, subject_type: str, subject_id: str | int,
            detail: str = "") -> AuditLog:
        """Add one line to the trail, timed now."""
        ...

    def list(self, *, subject_type: str | None = None, subject_id: str | int | None = None,
            actor: str | None = None, action: str | None = None, since: datetime | None = None,
            limit: int = 200) -> list[AuditLog]:
        """Lines matching every filter given, newest first."""
        ...


class PollRunRepository(Protocol):
    """One row per mailbox poll, for ``mast-intake status``."""

    def start(self, worker_id: str) -> PollRun:
        """Record that a poll began."""
        ...

    def finish(self, run_id: int, counts: dict[str, int], error_kind: str | None = None) -> PollRun:
        """Record that the poll ended, with its counts (and the exception class if it broke off)."""
        ...


class MeetingRepository(Protocol):
    """MAST meeting days, so that each meeting's agenda is sent exactly once."""

    def get_or_create(self, meeting_date: date) -> Meeting:
        """The meeting on ``meeting_date``, created if needed (safe against a concurrent create)."""
        ...

    def get(self, meeting_date: date) -> Meeting | None:
        """The meeting on ``meeting_date``, or None."""
        ...

    def mark_agenda_sent(self, meeting_date: date) -> bool:
        """True if this call is the one that marks the agenda sent; False if it already was."""
        ...


class FingerprintRepository(Protocol):
    """Keyed fingerprints of parsed tools, by submission and child."""

    def add(self, submission_id: int, child_id: int, digests: Iterable[str]) -> int:
        """Store a tool's fingerprints (again is harmless); how many were given."""
        ...

    def fingerprinted_tools(self) -> list[Submission]:
        """The submissions that have fingerprints."""
        ...

    def clear(self) -> int:
        """Remove every fingerprint (before they are made again under a new key); how many."""
        ...

    def children_sharing(self, digests: Sequence[str], not_child_id: int) -> list[tuple[str, int]]:
        """(digest, child id) for each of ``digests`` stored for another child's tool, once each."""
        ...

    def tools_sharing(self, digests: Sequence[str], not_child_id: int) -> set[int]:
        """The ids of other children's tools that hold any of ``digests``."""
        ...


class DataProtectionRepository(Protocol):
    """The queries behind retention, erasure and key rotation (``mast_intake.protection``).

    The deletes here are the only ones in the service. They remove a whole case at a time
    (submissions, their agenda entries and decisions, and the child), never part of a decision,
    and never touch the audit log: the caller appends what was removed (ids and counts only).
    """

    def attachment_anchors(self) -> list[tuple[int, str, datetime, str | None, datetime | None, datetime]]:
        """Per parsed submission: (id, sha256, received_at, entry state, entry updated_at, decided_at)."""
        ...

    def stored_attachment_keys(self) -> set[tuple[int, str]]:
        """(id, sha256) of every submission row: the attachment files that are not orphans."""
        ...

    def open_child_ids(self) -> set[int]:
        """Children with a tool still waiting for, or on, a meeting: never purged."""
        ...

    def child_last_activity(self) -> dict[int, datetime]:
        """Each child's latest activity: a record changed, a tool received or a decision made."""
        ...

    def unlinked_last_activity(self) -> dict[int, datetime]:
        """Submissions not linked to a child (rejected, or no name/date of birth) that are not
        waiting for a meeting: id -> latest of arrival and decision."""
        ...

    def submissions_of_child(self, child_id: int) -> list[tuple[int, str, str]]:
        """(id, sha256, message_id) of every submission linked to the child."""
        ...

    def erase_submissions(self, submission_ids: Sequence[int]) -> dict[str, int]:
        """Delete these submissions with their agenda entries and decisions; counts by table."""
        ...

    def erase_child(self, child_id: int) -> dict[str, int]:
        """Delete the child, every name recorded for them and their whole case; counts by table."""
        ...

    def delete_sent_outbox_before(self, cutoff: datetime, dry_run: bool = False) -> list[int]:
        """Ids of sent or failed outbox rows created before ``cutoff`` (deleted unless dry run)."""
        ...

    def sealed_samples(self, per_column: int = 2) -> list[str | bytes]:
        """A few stored values from every sealed column (oldest and newest rows), to test keys."""
        ...

    def rekey(self, old: Sealer, new: Sealer, check_only: bool = False) -> dict[str, int]:
        """Re-seal every sealed value with ``new``, reading it with ``old``; counts per column."""
        ...

    def compactor(self) -> Callable[[], None]:
        """A call to make once the transaction has ended, so that no superseded copy of a re-sealed
        value stays in the database's files (SQLite is rebuilt; elsewhere it does nothing)."""
        ...


class ReportRepository(Protocol):
    """What the partnership report reads. Facts (a sex category, check codes) are kept per tool the
    first time a report opens its sealed record, so that later reports open nothing sealed."""

    def tools_without_facts(self, low: datetime, high: datetime) -> list[tuple[int, dict, list[dict]]]:
        """The parsed tools received in [low, high) with no facts kept yet: id, record, findings."""
        ...

    def add_facts(self, facts: Sequence[tuple[int, str, str]]) -> None:
        """Keep (submission id, sex category, space-separated check codes) for each tool."""
        ...

    def tool_rows(self, low: datetime, high: datetime) -> list[ToolRow]:
        """One row per parsed tool received in [low, high), with its kept facts and decisions."""
        ...

    def reviews_overdue(self, today: date) -> int:
        """Children whose latest decision's review date has passed with no newer tool received.

        A child taken off the list (case status "removed") has no review due.
        """
        ...
