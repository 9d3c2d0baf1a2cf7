"""Processed mail: which messages were claimed, by whom, and how their handling ended."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, select

from mast_intake.models.rows import ProcessedMail
from mast_intake.ports.errors import InvalidTransition, LeaseLost, NotFound
from mast_intake.storage.repositories.base import SqlRepository, check_error_kind, insert_for, table_of


class SqlProcessedMailRepository(SqlRepository):
    """The ``ports.ProcessedMailRepository``, on SQL."""

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
        table = table_of(ProcessedMail)
        inserted = self.session.execute(
            insert_for(self.session, table)
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
