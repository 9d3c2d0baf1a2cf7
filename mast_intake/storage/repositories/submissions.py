"""Submissions: each parsed (or rejected) tool, its sealed record and findings."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import cast

from sqlmodel import col, select

from mast_intake.domain.history import choose_previous, history_order
from mast_intake.models.rows import Submission
from mast_intake.storage.repositories.base import SqlRepository


class SqlSubmissionRepository(SqlRepository):
    """The ``ports.SubmissionRepository``, on SQL."""

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
        # choose_previous returns one of the rows it was given.
        return cast(Submission | None, choose_previous(submission, self.for_child(submission.child_id)))

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
