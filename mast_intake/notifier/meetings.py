"""The MAST CSE meeting: placing queued cases on an agenda, the agenda itself, and sending it.

Cases received before a meeting's cut-off (and cases deferred from earlier meetings) are placed
on that meeting. Placing is idempotent and incremental: running it again before the meeting
adds what arrived since. The agenda email, with the Word document attached, goes to the MAST
mailbox once per meeting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from mast_intake.config.settings import Settings
from mast_intake.intake.unit_of_work import AbstractUnitOfWork
from mast_intake.models.assessment import Assessment
from mast_intake.models.codec import finding_from_dict, record_from_storage
from mast_intake.models.reference import case_reference
from mast_intake.notifier.agenda import (
    case_flags,
    consider_band,
    cutoff_for,
    next_meeting,
    order_cases,
    previous_meeting_day,
    review_due,
    team_from_sender,
    trend,
)
from mast_intake.notifier.agenda_docx import DOCX_MIME, agenda_filename, build_agenda_docx
from mast_intake.notifier.compose import Envelope, compose_agenda
from mast_intake.notifier.replies import finding_view, score_view
from mast_intake.notifier.views import AgendaCaseView, AgendaView
from mast_intake.storage.tables import AgendaEntry, Submission

_CLOSURE = re.compile(
    r"\b(?:close|closing|closure)\b[^.]{0,60}\b(?:case|cse|flag|status|marker)\b"
    r"|\b(?:case|cse)\b[^.]{0,40}\b(?:close|closing|closure|closed)\b"
    r"|\bready (?:to|for) clos",
    re.IGNORECASE,
)


def closure_requested(summary: str) -> bool:
    """True when the worker's summary asks for the CSE case to be closed."""
    return bool(_CLOSURE.search(summary))


def meeting_start(day: date, settings: Settings) -> datetime:
    """The meeting on ``day`` at the configured time, in the meeting's time zone."""
    hours, minutes = (int(part) for part in settings.meeting.time.split(":"))
    return datetime.combine(day, time(hours, minutes), ZoneInfo(settings.meeting.timezone))


def next_meeting_date(now: datetime, settings: Settings) -> date:
    """The date of the next meeting whose cut-off has not passed."""
    meeting = next_meeting(now, settings.meeting)
    while cutoff_for(meeting, settings.meeting) <= now:
        meeting = next_meeting(meeting, settings.meeting)
    return meeting.date()


@dataclass(frozen=True)
class AgendaCase:
    """One case on an agenda: its view for people, its facts for machines."""

    view: AgendaCaseView
    submission_id: int
    state: str
    finding_codes: tuple[str, ...]

    def to_dict(self) -> dict:
        view = self.view
        return {
            "submission_id": self.submission_id,
            "reference": view.reference,
            "state": self.state,
            "kind": "review" if view.is_review else "new",
            "child_name": view.child_name,
            "child_age": view.child_age,
            "worker": view.worker_address,
            "sender_verified": not view.sender_unverified,
            "team": view.team,
            "stated_total": view.score.stated_total,
            "stated_category": view.score.stated_band,
            "computed_total": view.score.computed_total,
            "computed_category": view.score.computed_band,
            "consider_category": view.consider_band,
            "findings": list(self.finding_codes),
            "trend": view.trend.text if view.trend else None,
            "review_due": view.review_due.isoformat() if view.review_due else None,
            "prompts": list(view.prompts),
        }


def place_cases(uow: AbstractUnitOfWork, day: date, settings: Settings) -> int:
    """Put every queued or deferred case received before the cut-off on the meeting of ``day``."""
    cutoff = cutoff_for(meeting_start(day, settings), settings.meeting)
    waiting = uow.agenda.queued_before(cutoff)
    uow.agenda.place_on_meeting(waiting, day)
    return len(waiting)


def _record(uow: AbstractUnitOfWork, submission: Submission) -> Assessment:
    return record_from_storage(uow.submissions.record(submission) or {})


def _case(uow: AbstractUnitOfWork, entry: AgendaEntry, settings: Settings) -> AgendaCase:
    submission = uow.submissions.get(entry.submission_id)
    assert submission is not None  # the foreign key guarantees it
    record = _record(uow, submission)
    findings = [finding_from_dict(f) for f in uow.submissions.findings(submission)]
    views = tuple(finding_view(f) for f in findings)
    previous = uow.submissions.previous_for(submission)
    flags = case_flags(views)
    score = score_view(record)
    band = consider_band(record.stated_category, record.computed_category)
    assessed = record.assessment_date or submission.received_at.date()
    local, _, _ = submission.sender.partition("@")
    view = AgendaCaseView(
        reference=case_reference(submission.id),
        child_name=record.child.name or "(name not given)",
        child_age=record.child.age,
        worker_name=local.replace(".", " ").title(),
        worker_address=submission.sender,
        team=team_from_sender("", submission.sender),
        received_at=submission.received_at,
        score=score,
        consider_band=band,
        findings=views,
        is_review=entry.is_review,
        trend=trend(
            previous.computed_total if previous else None,
            record.computed_total,
            previous_band=previous.computed_category if previous else None,  # type: ignore[arg-type]
            current_band=record.computed_category,
            previous_date=previous.assessment_date if previous else None,
        ),
        review_due=review_due(assessed, band, settings.review),
        consider_nrm=flags["consider_nrm"],
        leaving_care=flags["leaving_care"],
        closure_requested=closure_requested(record.summary),
        awaiting_correction=entry.needs_correction or flags["awaiting_correction"],
        sender_unverified=settings.senders_unverified,
        deferred_from=(
            previous_meeting_day(entry.meeting_date, settings.meeting)
            if entry.deferrals and entry.meeting_date else None
        ),
        over_18=flags["over_18"],
    )
    return AgendaCase(view, submission.id, entry.state, tuple(f.code for f in findings))


def agenda_for(uow: AbstractUnitOfWork, day: date, settings: Settings, now: datetime) -> tuple[
        AgendaView, list[AgendaCase]]:
    """The agenda of the meeting on ``day``, cases in the order MAST takes them."""
    cases = [_case(uow, entry, settings) for entry in uow.agenda.for_meeting(day)]
    by_view = {id(case.view): case for case in cases}
    ordered = [by_view[id(view)] for view in order_cases([case.view for case in cases])]
    start = meeting_start(day, settings)
    view = AgendaView(
        meeting_at=start,
        cutoff_at=cutoff_for(start, settings.meeting),
        cases=tuple(case.view for case in ordered),
        generated_at=now,
    )
    return view, ordered


def queue_agenda_email(uow: AbstractUnitOfWork, view: AgendaView, day: date, settings: Settings) -> bool:
    """Queue the agenda email to MAST, once per meeting; False when it was queued before."""
    uow.meetings.get_or_create(day)
    if not uow.meetings.mark_agenda_sent(day):
        return False
    document = build_agenda_docx(view)
    message = compose_agenda(
        view,
        Envelope(sender=f"MAST Intake <{settings.mast_address}>", to=(settings.mast_address,)),
        [(agenda_filename(view), document, DOCX_MIME)],
    )
    uow.outbox.add(str(message["Message-ID"]), "agenda", [settings.mast_address],
                   str(message["Subject"]), bytes(message))
    uow.audit.append("mast-intake", "agenda_sent", "meeting", day.isoformat())
    return True
