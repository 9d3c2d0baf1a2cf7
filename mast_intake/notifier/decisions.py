"""Recording what MAST decided, and queueing the case note to the worker in the same transaction.

The rules are the domain's (``domain.cycle``, ``domain.decisions``): a decision is recorded for a
case on an agenda; a correction starts from the decision standing, keeps every field not given,
needs a reason, and the worker's case note cites the reference they received.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from mast_intake.config.settings import Settings
from mast_intake.domain import cycle
from mast_intake.domain.decisions import DecisionRecord
from mast_intake.domain.reference import format_reference
from mast_intake.models.codec import record_from_storage
from mast_intake.notifier.agenda import intervals_of
from mast_intake.notifier.case_record import case_record_template
from mast_intake.notifier.compose import Envelope, compose_case_note
from mast_intake.notifier.replies import reply_id, score_view
from mast_intake.notifier.views.case_note import CaseNoteView
from mast_intake.notifier.views.dates import uk_datetime
from mast_intake.ports import UnitOfWork


def record_decision(uow: UnitOfWork, submission_id: int, record: DecisionRecord,
                    settings: Settings, actor: str = "") -> DecisionRecord:
    """Record MAST's decision and queue the case note; the stored record (with its id).

    DecisionNotAllowed when the case is not on an agenda; DecisionInvalid when incomplete.
    ``actor`` is who the audit line names (a console user name); the decider by default.
    """
    stored = cycle.decide_case(uow.agenda, uow.decisions, submission_id, record,
                               intervals_of(settings.review))
    _queue_case_note(uow, submission_id, stored, None, settings, actor)
    return stored


def record_correction(uow: UnitOfWork, submission_id: int, changes: Mapping[str, Any], *,
                      reason: str, by: str, role: str, now: datetime, settings: Settings,
                      actor: str = "") -> tuple[DecisionRecord, DecisionRecord]:
    """Record a correction and queue the corrected case note; (correction, decision corrected)."""
    stored, previous = cycle.correct_case(uow.agenda, uow.decisions, submission_id, changes, reason=reason,
                                          by=by, role=role, now=now, intervals=intervals_of(settings.review))
    _queue_case_note(uow, submission_id, stored, previous, settings, actor)
    return stored, previous


def case_note_view(uow: UnitOfWork, submission_id: int, stored: DecisionRecord,
                   previous: DecisionRecord | None = None) -> CaseNoteView:
    """The case note's view of decision ``stored`` (correcting ``previous``, if given)."""
    submission = uow.submissions.get(submission_id)
    assert submission is not None  # the caller found its agenda entry
    reference = format_reference(submission_id)
    record = record_from_storage(uow.submissions.record(submission) or {})
    return CaseNoteView.from_decision(
        stored, reference=reference, child_name=record.child.name or "",
        worker_name=submission.sender.partition("@")[0].replace(".", " ").title(),
        score=score_view(record),
        # The worker knows a case note by the case reference and when it was decided.
        corrects=f"{reference} of {uk_datetime(previous.decided_at)}" if previous else None,
    )


def _queue_case_note(uow: UnitOfWork, submission_id: int, stored: DecisionRecord,
                     previous: DecisionRecord | None, settings: Settings, actor: str) -> None:
    submission = uow.submissions.get(submission_id)
    assert submission is not None and stored.id is not None  # the cycle found its entry
    view = case_note_view(uow, submission_id, stored, previous)
    message = compose_case_note(view, Envelope(
        sender=f"MAST <{settings.mast_address}>",
        to=(submission.sender,),
        in_reply_to=submission.message_id,
        message_id=reply_id(submission.message_id, f"decision-{stored.id}", settings),
    ), case_record=case_record_template(settings.case_record_template))
    uow.outbox.add(str(message["Message-ID"]), "case_note", [submission.sender],
                   str(message["Subject"]), bytes(message))
    uow.audit.append(actor or stored.decided_by, "decided", "submission", str(submission_id),
                     f"decision {stored.id}" + (f" corrects {previous.id}" if previous else ""))
