"""Agenda states and the moves between them, and the deferral rule.

``queued`` -> ``on_agenda`` (placed on a meeting) -> ``decided`` or ``deferred``. A deferred
entry waits for the next meeting day after the one it was deferred from: it stays listed on
that meeting, marked "deferred to <day>", and is listed on the next one straight away (its
``meeting_date`` is the target). A newer tool for the same child replaces any entry not yet
decided. A decided entry may only be decided again by a correction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from mast_intake.domain.calendar import MeetingCalendar
from mast_intake.domain.enums import AgendaState
from mast_intake.domain.errors import InvalidTransition
from mast_intake.domain.reference import format_reference

Q, ON, DEF, DEC, REP = (AgendaState.QUEUED, AgendaState.ON_AGENDA, AgendaState.DEFERRED,
                        AgendaState.DECIDED, AgendaState.REPLACED)

TRANSITIONS: dict[str, frozenset[str]] = {
    Q: frozenset({ON, REP}),
    DEF: frozenset({ON, DEF, REP}),
    ON: frozenset({DEC, DEF, REP}),
    DEC: frozenset({DEC}),
    REP: frozenset(),
}
# Entries a newer tool for the same child takes the place of: anything not yet decided.
REPLACEABLE_STATES: tuple[str, ...] = (Q, DEF, ON)
# Entries waiting for a meeting.
WAITING_STATES: tuple[str, ...] = (Q, DEF)


class EntryLike(Protocol):
    """What the rules read of an agenda entry (the storage row satisfies it)."""

    id: int | None
    submission_id: int
    state: str
    meeting_date: date | None
    queued_at: datetime
    deferrals: int
    replaced_by_id: int | None


@dataclass(frozen=True)
class Deferral:
    """One carrying-over of a case: from the meeting it was on to the next meeting day."""

    entry_id: int
    from_day: date
    to_day: date
    deferred_by: str
    at: datetime


def check_transition(entry: EntryLike, to: str) -> None:
    """Raise InvalidTransition unless an entry in its current state may move to ``to``."""
    if to not in TRANSITIONS.get(entry.state, frozenset()):
        raise InvalidTransition(f"agenda entry {entry.id} cannot go from {entry.state} to {to}")


def is_waiting_for(entry: EntryLike, day: date, cutoff: datetime) -> bool:
    """True when the entry belongs on the meeting of ``day`` when cases are placed.

    Queued entries go when they arrived before the cut-off; deferred ones when the meeting they
    were deferred to is ``day`` or earlier (a meeting that was never held passes them on).
    """
    if entry.state == Q:
        return entry.queued_at < cutoff
    if entry.state == DEF:
        return entry.meeting_date is None or entry.meeting_date <= day
    return False


def deferral_target(entry: EntryLike, calendar: MeetingCalendar) -> date:
    """The meeting day an entry on an agenda is deferred to: the next one after its meeting.

    Raises InvalidTransition with a message saying where the case is, when it is not on an
    agenda (already deferred, waiting, decided or replaced).
    """
    ref = format_reference(entry.submission_id)
    if entry.state == DEF and entry.meeting_date is not None:
        raise InvalidTransition(
            f"{ref} is already deferred to the meeting on {entry.meeting_date.isoformat()}")
    if entry.state != ON or entry.meeting_date is None:
        raise InvalidTransition(f"{ref} cannot be deferred: {where_is(entry)}")
    return calendar.next_meeting_day(entry.meeting_date)


def where_is(entry: EntryLike, replaced_by_reference: str | None = None) -> str:
    """Where the case is now, as a clause: "it is waiting to be placed on a meeting" ..."""
    if entry.state == Q:
        return "it is waiting to be placed on a meeting"
    if entry.state == DEF:
        return f"it is deferred to the meeting on {entry.meeting_date}"
    if entry.state == ON:
        return f"it is on the agenda of the meeting on {entry.meeting_date}"
    if entry.state == DEC:
        return "it has been decided; record a correction (with a reason) to change the decision"
    newer = f" ({replaced_by_reference})" if replaced_by_reference else ""
    return f"a newer tool for the child{newer} has replaced it; use that one"
