"""The MAST CSE meeting: placing cases, deferring them, the agenda itself, and sending it.

The rules (which days have a meeting, what may be placed or deferred, review dates, the trend)
are the domain's; this module runs them in a unit of work and builds the agenda's views. Showing
an agenda never changes anything; placing cases (``place_cases``) is its own step, idempotent
and incremental: running it again before the meeting adds what arrived since. The agenda email,
with the Word document attached once, goes to the MAST mailbox once per meeting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from mast_intake.config.settings import Settings
from mast_intake.domain import cycle
from mast_intake.domain.agenda import Deferral
from mast_intake.domain.decisions import DecisionRecord
from mast_intake.domain.history import compare
from mast_intake.domain.reference import format_reference
from mast_intake.domain.review import review_due
from mast_intake.models.codec import finding_from_dict, record_from_storage
from mast_intake.models.rows import AgendaEntry
from mast_intake.notifier.agenda import (
    calendar_of,
    case_flags,
    consider_band,
    intervals_of,
    order_cases,
    team_from_sender,
)
from mast_intake.notifier.compose import Envelope, compose_agenda
from mast_intake.notifier.replies import finding_view, score_view
from mast_intake.notifier.views.agenda import AgendaCaseView, AgendaView
from mast_intake.ports import UnitOfWork

_CLOSURE = re.compile(
    r"\b(?:close|closing|closure)\b[^.]{0,60}\b(?:case|cse|flag|status|marker)\b"
    r"|\b(?:case|cse)\b[^.]{0,40}\b(?:close|closing|closure|closed)\b"
    r"|\bready (?:to|for) clos",
    re.IGNORECASE,
)


def closure_requested(summary: str) -> bool:
    """True when the worker's summary asks for the CSE case to be closed."""
    return bool(_CLOSURE.search(summary))


def next_meeting_date(now: datetime, settings: Settings) -> date:
    """The date of the next meeting whose cut-off has not passed."""
    return calendar_of(settings.meeting).upcoming_day(now)


@dataclass(frozen=True)
class AgendaCase:
    """One case on an agenda: its view for people, its facts for machines."""

    view: AgendaCaseView
    submission_id: int
    state: str
    finding_codes: tuple[str, ...]
    decision: DecisionRecord | None = None

    def to_dict(self) -> dict:
        view = self.view
        return {
            "submission_id": self.submission_id,
            "reference": view.reference,
            "state": "deferred" if view.deferred_to else self.state,
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
            "trend": view.trend.to_dict() if view.trend else None,
            "review_due": view.review_due.isoformat() if view.review_due else None,
            "review": view.review_text,
            "deferred_from": view.deferred_from.isoformat() if view.deferred_from else None,
            "deferred_to": view.deferred_to.isoformat() if view.deferred_to else None,
            "decision": self.decision.to_dict() if self.decision else None,
            "prompts": list(view.prompts),
        }


def place_cases(uow: UnitOfWork, day: date, settings: Settings, now: datetime) -> int:
    """Put every case waiting for the meeting of ``day`` on its agenda; how many were placed.

    NotAMeetingDay when ``day`` has no meeting; MeetingOver when it has taken place.
    """
    return len(cycle.place_cases(uow.agenda, calendar_of(settings.meeting), day, now))


def defer_case(uow: UnitOfWork, submission_id: int, by: str, settings: Settings,
               now: datetime) -> Deferral:
    """Carry a case on an agenda to the next meeting day, audited; the deferral."""
    deferral = cycle.defer_case(uow.agenda, calendar_of(settings.meeting), submission_id, by, now)
    uow.audit.append(by, "deferred", "submission", str(submission_id),
                     f"from {deferral.from_day.isoformat()} to {deferral.to_day.isoformat()}")
    return deferral


def case_of(uow: UnitOfWork, entry: AgendaEntry, settings: Settings, now: datetime,
            deferred_to: date | None = None) -> AgendaCase:
    """One agenda entry as the agenda shows it (``deferred_to`` on the meeting it left)."""
    submission = uow.submissions.get(entry.submission_id)
    assert submission is not None and submission.id is not None  # the foreign key guarantees it
    record = record_from_storage(uow.submissions.record(submission) or {})
    findings = [finding_from_dict(f) for f in uow.submissions.findings(submission)]
    views = tuple(finding_view(f) for f in findings)
    flags = case_flags(views)
    band = consider_band(record.stated_category, record.computed_category)
    assessed = record.assessment_date or submission.received_at.date()
    decision = uow.decisions.current(entry.id) if entry.id is not None and entry.state == "decided" else None
    due = review_due(assessed_on=assessed, stated_band=record.stated_category or record.computed_category,
                     intervals=intervals_of(settings.review),
                     decided_on=decision.decided_at.date() if decision else None,
                     agreed_level=decision.level if decision else None)
    deferrals = uow.agenda.deferrals_of(entry.id) if entry.id is not None and entry.deferrals else []
    deferred_from = deferrals[-1].from_day if deferred_to is None and deferrals else None
    local, _, _ = submission.sender.partition("@")
    today = calendar_of(settings.meeting).local(now).date()
    view = AgendaCaseView(
        reference=format_reference(submission.id),
        child_name=record.child.name or "(name not given)",
        child_age=record.child.age,
        worker_name=local.replace(".", " ").title(),
        worker_address=submission.sender,
        team=team_from_sender("", submission.sender),
        received_at=submission.received_at,
        score=score_view(record),
        consider_band=band,
        findings=views,
        is_review=entry.is_review,
        trend=compare(uow.submissions.previous_for(submission), record.computed_total,
                      record.computed_category, record.assessment_date),
        review_due=due.due,
        review_text=due.text(today),
        consider_nrm=flags["consider_nrm"],
        leaving_care=flags["leaving_care"],
        closure_requested=closure_requested(record.summary),
        awaiting_correction=entry.needs_correction or flags["awaiting_correction"],
        sender_unverified=settings.senders_unverified,
        deferred_from=deferred_from,
        deferred_to=deferred_to,
        over_18=flags["over_18"],
    )
    return AgendaCase(view, submission.id, entry.state, tuple(f.code for f in findings), decision)


def agenda_for(uow: UnitOfWork, day: date, settings: Settings, now: datetime) -> tuple[
        AgendaView, list[AgendaCase]]:
    """The agenda of the meeting on ``day``, cases in the order MAST takes them; reads only.

    Lists the cases placed on (or deferred to) the meeting, and those deferred from it, marked
    with the meeting they went to. NotAMeetingDay when ``day`` has no meeting.
    """
    calendar = calendar_of(settings.meeting)
    calendar.require_meeting_day(day)
    cases = [case_of(uow, entry, settings, now) for entry in uow.agenda.for_meeting(day)]
    cases += [case_of(uow, entry, settings, now, deferral.to_day)
              for entry, deferral in uow.agenda.deferred_from(day)]
    by_view = {id(case.view): case for case in cases}
    ordered = [by_view[id(view)] for view in order_cases([case.view for case in cases])]
    view = AgendaView(
        meeting_at=calendar.starts_at(day),
        cutoff_at=calendar.cutoff_at(day),
        cases=tuple(case.view for case in ordered),
        generated_at=now,
    )
    return view, ordered


def queue_agenda_email(uow: UnitOfWork, view: AgendaView, day: date, settings: Settings) -> bool:
    """Queue the agenda email to MAST, once per meeting; False when it was queued before."""
    uow.meetings.get_or_create(day)
    if not uow.meetings.mark_agenda_sent(day):
        return False
    # compose_agenda attaches the Word agenda itself.
    message = compose_agenda(
        view, Envelope(sender=f"MAST Intake <{settings.mast_address}>", to=(settings.mast_address,)))
    uow.outbox.add(str(message["Message-ID"]), "agenda", [settings.mast_address],
                   str(message["Subject"]), bytes(message))
    uow.audit.append("mast-intake", "agenda_sent", "meeting", day.isoformat())
    return True


