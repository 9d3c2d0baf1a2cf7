"""Daily review reminders: a child's latest tool older than its review interval.

The worker is reminded first; when the review stays overdue for ``escalate_after_days`` MAST is
told. Each reminder's Message-ID is derived from the child and the due date, so the outbox
queues it once however often the job runs.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from mast_intake.config.settings import Settings
from mast_intake.intake.unit_of_work import AbstractUnitOfWork
from mast_intake.models.codec import record_from_storage
from mast_intake.models.reference import case_reference
from mast_intake.notifier.compose import Envelope, compose_reminder
from mast_intake.notifier.replies import reply_id
from mast_intake.notifier.views import ReminderView


def queue_reminders(uow: AbstractUnitOfWork, settings: Settings, today: date) -> Counter:
    """Queue the reminders and escalations due today; returns how many of each were new."""
    counts: Counter = Counter()
    for submission in uow.submissions.latest_per_child():
        assert submission.child_id is not None and submission.id is not None
        decisions = uow.decisions.for_child(submission.child_id)
        latest = max(decisions, key=lambda d: d.decided_at) if decisions else None
        assessed = submission.assessment_date or submission.received_at.date()
        if latest is not None and latest.decided_at.date() >= assessed:
            band, due = latest.level, latest.next_review_date
        else:
            band = submission.computed_category or "low"
            due = assessed + timedelta(weeks=settings.review.weeks_for(band))
        if due is None or today <= due:
            continue
        record = record_from_storage(uow.submissions.record(submission) or {})
        escalate = (today - due).days >= settings.review.escalate_after_days
        for escalation in (False, True) if escalate else (False,):
            view = ReminderView(
                reference=case_reference(submission.id),
                child_name=record.child.name or "",
                worker_name=submission.sender.partition("@")[0].replace(".", " ").title(),
                worker_address=submission.sender,
                latest_tool_date=assessed,
                band=band,  # type: ignore[arg-type]
                interval_weeks=settings.review.weeks_for(band),
                due_date=due,
                today=today,
                escalation=escalation,
                reminded_on=due + timedelta(days=1) if escalation else None,
                mast_address=settings.mast_address,
            )
            to = settings.mast_address if escalation else submission.sender
            part = f"{'escalation' if escalation else 'reminder'}-{due.isoformat()}"
            message = compose_reminder(view, Envelope(
                sender=f"MAST <{settings.mast_address}>", to=(to,),
                message_id=reply_id(f"child-{submission.child_id}", part, settings),
            ))
            message_id = str(message["Message-ID"])
            if uow.outbox.has(message_id):
                continue
            uow.outbox.add(message_id, "reminder", [to], str(message["Subject"]), bytes(message))
            counts["escalations" if escalation else "reminders"] += 1
    return counts
