"""Recording what MAST decided, and queueing the case note to the worker in the same transaction.

Decisions are never edited: deciding again on a decided case records a correction that points
at the decision it corrects, and the worker receives a case note marked as a correction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from mast_intake.config.settings import Settings
from mast_intake.intake.unit_of_work import AbstractUnitOfWork
from mast_intake.models.codec import record_from_storage
from mast_intake.models.reference import case_reference
from mast_intake.notifier.case_record import case_record_template
from mast_intake.notifier.compose import Envelope, compose_case_note
from mast_intake.notifier.replies import reply_id, score_view
from mast_intake.notifier.views import ActionView, CaseNoteView, uk_datetime
from mast_intake.storage.errors import DecisionNotAllowed

NRM_VIEW = {"yes": "refer", "no": "not_needed", "considered": "considered"}


class DecisionError(Exception):
    """The decision cannot be recorded; the message says why, in plain words."""


@dataclass(frozen=True)
class DecisionInput:
    """What the coordinator records for one case."""

    submission_id: int
    level: str
    case_status: str
    actions: Sequence[tuple[str, str]]
    tier1: bool
    nrm: str
    decided_by: str
    recommendations: str = ""
    correction_reason: str = ""


def record_decision(uow: AbstractUnitOfWork, decision: DecisionInput, settings: Settings,
                    now: datetime) -> tuple[int, bool]:
    """Record the decision and queue the case note; returns (decision id, is a correction)."""
    submission = uow.submissions.get(decision.submission_id)
    if submission is None:
        raise DecisionError(f"there is no case {case_reference(decision.submission_id)}")
    entry = uow.agenda.for_submission(submission.id)
    if entry is None:
        raise DecisionError(f"{case_reference(submission.id)} was not queued for MAST (it was not read)")
    earlier = uow.decisions.latest_for_entry(entry.id) if entry.state == "decided" else None
    next_review = now.date() + timedelta(weeks=settings.review.weeks_for(decision.level))
    try:
        row = uow.decisions.record(
            entry=entry,
            level=decision.level,
            case_status=decision.case_status,
            recommendations=decision.recommendations,
            actions=[{"text": text, "owner": owner} for text, owner in decision.actions],
            tier1=decision.tier1,
            nrm=decision.nrm,
            next_review_date=next_review,
            decided_by=decision.decided_by,
            decided_at=now,
            corrects_decision_id=earlier.id if earlier else None,
        )
    except DecisionNotAllowed as exc:
        raise DecisionError(
            f"{case_reference(submission.id)} is {entry.state.replace('_', ' ')}, not on a meeting's "
            "agenda: issue the agenda first (mast-intake agenda)"
        ) from exc
    record = record_from_storage(uow.submissions.record(submission) or {})
    view = CaseNoteView(
        reference=case_reference(submission.id),
        child_name=record.child.name or "",
        worker_name=submission.sender.partition("@")[0].replace(".", " ").title(),
        agreed_band=decision.level,  # type: ignore[arg-type]
        case_status=decision.case_status,  # type: ignore[arg-type]
        actions=tuple(ActionView(text, owner) for text, owner in decision.actions),
        vemt_tier1=decision.tier1,
        nrm_decision=NRM_VIEW[decision.nrm],  # type: ignore[arg-type]
        next_review=next_review,
        decided_by=decision.decided_by,
        decided_at=now,
        notes=decision.recommendations,
        score=score_view(record),
        corrects=uk_datetime(earlier.decided_at) if earlier else None,
        correction_reason=decision.correction_reason,
    )
    message = compose_case_note(view, Envelope(
        sender=f"MAST <{settings.mast_address}>",
        to=(submission.sender,),
        in_reply_to=submission.message_id,
        message_id=reply_id(submission.message_id, f"decision-{row.id}", settings),
    ), case_record=case_record_template(settings.case_record_template))
    uow.outbox.add(str(message["Message-ID"]), "case_note", [submission.sender],
                   str(message["Subject"]), bytes(message))
    uow.audit.append(decision.decided_by, "decided", "submission", str(submission.id),
                     f"decision {row.id}" + (f" corrects {earlier.id}" if earlier else ""))
    return row.id, earlier is not None
