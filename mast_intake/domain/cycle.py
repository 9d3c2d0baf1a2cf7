"""The meeting cycle as operations over the storage ports: place, defer, decide, correct.

Each function checks the rules here and then asks the store to record the result; none does any
I/O itself. Callers run them inside one unit of work and commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from mast_intake.domain.agenda import (
    Deferral,
    EntryLike,
    check_transition,
    deferral_target,
    is_waiting_for,
    where_is,
)
from mast_intake.domain.calendar import MeetingCalendar
from mast_intake.domain.decisions import DecisionRecord, check, correction_of
from mast_intake.domain.enums import AgendaState
from mast_intake.domain.errors import DecisionNotAllowed, MeetingOver
from mast_intake.domain.ports import AgendaStore, DecisionStore
from mast_intake.domain.reference import format_reference
from mast_intake.domain.review import ReviewIntervals


def place_cases(agenda: AgendaStore, calendar: MeetingCalendar, day: date, now: datetime) -> list[EntryLike]:
    """Put every case waiting for the meeting of ``day`` on its agenda; the entries placed.

    NotAMeetingDay when ``day`` has no meeting, MeetingOver when it has taken place.
    """
    calendar.require_meeting_day(day)
    if calendar.has_taken_place(day, now):
        raise MeetingOver(f"the meeting on {day.isoformat()} has taken place; cases go to the next one")
    cutoff = calendar.cutoff_at(day)
    waiting = [entry for entry in agenda.waiting() if is_waiting_for(entry, day, cutoff)]
    for entry in waiting:
        check_transition(entry, AgendaState.ON_AGENDA)
    agenda.store_placed(waiting, day)
    return waiting


def defer_case(agenda: AgendaStore, calendar: MeetingCalendar, submission_id: int, by: str,
               now: datetime) -> Deferral:
    """Carry a case on an agenda over to the next meeting day; the deferral recorded."""
    entry = _entry(agenda, submission_id)
    target = deferral_target(entry, calendar)
    assert entry.id is not None and entry.meeting_date is not None  # checked by deferral_target
    deferral = Deferral(entry.id, entry.meeting_date, target, by, now)
    agenda.store_deferral(entry, deferral)
    return deferral


def decide_case(agenda: AgendaStore, decisions: DecisionStore, submission_id: int,
                record: DecisionRecord, intervals: ReviewIntervals) -> DecisionRecord:
    """Record MAST's first decision on a case that is on an agenda; the stored record."""
    entry = _entry(agenda, submission_id)
    if entry.state != AgendaState.ON_AGENDA:
        raise DecisionNotAllowed(f"{format_reference(submission_id)} cannot be decided: "
                                 f"{_where(agenda, entry)}")
    due = record.decided_at.date() + timedelta(weeks=intervals.weeks_for(record.level))
    return decisions.append(entry, check(_with_review(record, due)))


def correct_case(agenda: AgendaStore, decisions: DecisionStore, submission_id: int,
                 changes: Mapping[str, Any], *, reason: str, by: str, role: str, now: datetime,
                 intervals: ReviewIntervals) -> tuple[DecisionRecord, DecisionRecord]:
    """Record a correction of the decision standing; (the correction, the decision it corrects)."""
    entry = _entry(agenda, submission_id)
    current = decisions.current(entry.id) if entry.id is not None else None
    if entry.state != AgendaState.DECIDED or current is None:
        raise DecisionNotAllowed(f"{format_reference(submission_id)} has no decision to correct: "
                                 f"{_where(agenda, entry)}")
    corrected = correction_of(current, changes, reason=reason, decided_by=by, decided_by_role=role,
                              decided_at=now)
    # The review still counts from the meeting's decision, at the level now agreed.
    decided_on = (current.next_review_date - timedelta(weeks=intervals.weeks_for(current.level))
                  if current.next_review_date else now.date())
    due = decided_on + timedelta(weeks=intervals.weeks_for(corrected.level))
    return decisions.append(entry, _with_review(corrected, due)), current


def _with_review(record: DecisionRecord, due: date) -> DecisionRecord:
    return replace(record, next_review_date=due)


def _entry(agenda: AgendaStore, submission_id: int) -> EntryLike:
    found = agenda.for_submission(submission_id)
    if found is None or found.id is None:
        raise DecisionNotAllowed(f"{format_reference(submission_id)} was never queued for MAST "
                                 "(there is no such case, or its file could not be read)")
    return agenda.lock(found.id)


def _where(agenda: AgendaStore, entry: EntryLike) -> str:
    newer = agenda.get(entry.replaced_by_id) if entry.replaced_by_id is not None else None
    return where_is(entry, format_reference(newer.submission_id) if newer else None)
