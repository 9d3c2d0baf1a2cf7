"""The outbox: mail to send, kept until the mailer has sent it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select

from mast_intake.models.rows import OUTBOX_KINDS, Outbox
from mast_intake.ports.errors import NotFound
from mast_intake.storage.repositories.base import SqlRepository, check_error_kind, insert_for, table_of


class SqlOutboxRepository(SqlRepository):
    """The ``ports.OutboxRepository``, on SQL."""

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
            insert_for(self.session, table_of(Outbox))
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
