"""Daily review reminders: a child's latest tool past its review date (``domain.review``).

The worker is reminded first. MAST gets the escalation only once the worker has had
``escalate_after_days`` days since that reminder, and it names the day the reminder was really
queued. A child whose latest tool still waits for a meeting is not reminded: MAST has yet to
decide on it. Each email's Message-ID comes from the child and the due date, so the outbox
queues it once however often the job runs.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from mast_intake.config.settings import Settings
from mast_intake.domain.reference import format_reference
from mast_intake.domain.review import reminder_step, review_due
from mast_intake.models.codec import record_from_storage
from mast_intake.notifier.agenda import intervals_of
from mast_intake.notifier.compose import Envelope, compose_reminder
from mast_intake.notifier.replies import reply_id
from mast_intake.notifier.views.reminders import ReminderView
from mast_intake.ports import UnitOfWork


def queue_reminders(uow: UnitOfWork, settings: Settings, today: date) -> Counter:
    """Queue the reminders and escalations due today; returns how many of each were new."""
    counts: Counter = Counter()
    intervals = intervals_of(settings.review)
    for submission in uow.submissions.latest_per_child():
        assert submission.child_id is not None and submission.id is not None
        decisions = uow.decisions.for_child(submission.child_id)
        latest = max(decisions, key=lambda d: d.decided_at) if decisions else None
        assessed = submission.assessment_date or submission.received_at.date()
        decided = latest is not None and latest.decided_at.date() >= assessed
        due = review_due(assessed_on=assessed,
                         stated_band=submission.stated_category or submission.computed_category or "low",
                         intervals=intervals,
                         decided_on=latest.decided_at.date() if decided and latest else None,
                         agreed_level=latest.level if decided and latest else None)

        def message_id(kind: str, child_id: int = submission.child_id, due_on: date = due.due) -> str:
            return reply_id(f"child-{child_id}", f"{kind}-{due_on.isoformat()}", settings)

        reminded_at = uow.outbox.queued_at(message_id("reminder"))
        step = reminder_step(
            due.due, today, reminded_on=reminded_at.date() if reminded_at else None,
            escalated=uow.outbox.has(message_id("escalation")),
            waiting_for_meeting=bool(uow.agenda.open_for_child(submission.child_id)),
            escalate_after_days=settings.review.escalate_after_days)
        if step == "none":
            continue
        escalation = step == "escalate"
        record = record_from_storage(uow.submissions.record(submission) or {})
        view = ReminderView(
            reference=format_reference(submission.id),
            child_name=record.child.name or "",
            worker_name=submission.sender.partition("@")[0].replace(".", " ").title(),
            worker_address=submission.sender,
            latest_tool_date=assessed,
            band=due.band,  # type: ignore[arg-type]
            interval_weeks=due.weeks,
            due_date=due.due,
            today=today,
            escalation=escalation,
            reminded_on=reminded_at.date() if escalation and reminded_at else None,
            mast_address=settings.mast_address,
        )
        to = settings.mast_address if escalation else submission.sender
        message = compose_reminder(view, Envelope(
            sender=f"MAST <{settings.mast_address}>", to=(to,),
            message_id=message_id("escalation" if escalation else "reminder"),
        ))
        uow.outbox.add(str(message["Message-ID"]), "reminder", [to], str(message["Subject"]), bytes(message))
        counts["escalations" if escalation else "reminders"] += 1
    return counts
