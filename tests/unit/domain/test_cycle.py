"""The whole meeting cycle on in-memory stores typed to the domain's ports: no database."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from mast_intake.domain import cycle
from mast_intake.domain.agenda import Deferral, EntryLike
from mast_intake.domain.calendar import MeetingCalendar
from mast_intake.domain.decisions import Action, DecisionRecord
from mast_intake.domain.enums import CaseStatus, Level, NrmOutcome
from mast_intake.domain.errors import (
    DecisionInvalid,
    DecisionNotAllowed,
    InvalidTransition,
    MeetingOver,
    NotAMeetingDay,
)
from mast_intake.domain.ports import AgendaStore, DecisionStore
from mast_intake.domain.review import ReviewIntervals

CALENDAR = MeetingCalendar()
THU, FRI, SAT, MON = date(2026, 12, 3), date(2026, 12, 4), date(2026, 12, 5), date(2026, 12, 7)
EARLY_THU = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
INTERVALS = ReviewIntervals()


@dataclass
class Entry:
    id: int
    submission_id: int
    queued_at: datetime
    state: str = "queued"
    meeting_date: date | None = None
    deferrals: int = 0
    replaced_by_id: int | None = None


@dataclass
class Agenda:
    entries: dict[int, Entry] = field(default_factory=dict)
    deferrals: list[Deferral] = field(default_factory=list)

    def add(self, submission_id: int, queued_at: datetime) -> Entry:
        entry = Entry(len(self.entries) + 1, submission_id, queued_at)
        self.entries[entry.id] = entry
        return entry

    def get(self, entry_id: int) -> EntryLike | None:
        return self.entries.get(entry_id)

    def for_submission(self, submission_id: int) -> EntryLike | None:
        return next((e for e in self.entries.values() if e.submission_id == submission_id), None)

    def lock(self, entry_id: int) -> EntryLike:
        return self.entries[entry_id]

    def waiting(self) -> list[EntryLike]:
        return [e for e in self.entries.values() if e.state in ("queued", "deferred")]

    def store_placed(self, entries: Iterable[EntryLike], day: date) -> None:
        for entry in entries:
            entry.state, entry.meeting_date = "on_agenda", day

    def store_deferral(self, entry: EntryLike, deferral: Deferral) -> None:
        entry.state, entry.meeting_date = "deferred", deferral.to_day
        entry.deferrals += 1
        self.deferrals.append(deferral)

    def deferrals_of(self, entry_id: int) -> list[Deferral]:
        return [d for d in self.deferrals if d.entry_id == entry_id]


@dataclass
class Decisions:
    agenda: Agenda
    rows: list[tuple[int, DecisionRecord]] = field(default_factory=list)

    def current(self, entry_id: int) -> DecisionRecord | None:
        return next((r for e, r in reversed(self.rows) if e == entry_id), None)

    def append(self, entry: EntryLike, record: DecisionRecord) -> DecisionRecord:
        stored = dataclasses.replace(record, id=len(self.rows) + 1)
        assert entry.id is not None
        self.rows.append((entry.id, stored))
        self.agenda.entries[entry.id].state = "decided"
        return stored


def stores() -> tuple[AgendaStore, DecisionStore, Agenda]:
    agenda = Agenda()
    return agenda, Decisions(agenda), agenda


def decision(**values) -> DecisionRecord:
    base = dict(level=Level.MEDIUM, case_status=CaseStatus.ADDED, decided_by="Pat Chair",
                decided_by_role="MAST chair", decided_at=datetime(2026, 12, 3, 10, tzinfo=UTC),
                level_rationale="Fictional rationale.",
                actions=(Action("Fictional safety plan", "Social worker", date(2026, 12, 18)),),
                nrm=NrmOutcome.NOT_REFERRED, nrm_reason="Fictional reason.")
    return DecisionRecord(**{**base, **values})


def test_placing_needs_a_meeting_day_that_has_not_taken_place() -> None:
    agenda, _, raw = stores()
    raw.add(1, EARLY_THU - timedelta(days=1))
    with pytest.raises(NotAMeetingDay, match="Saturday"):
        cycle.place_cases(agenda, CALENDAR, SAT, EARLY_THU)
    with pytest.raises(NotAMeetingDay, match="bank holiday"):
        cycle.place_cases(agenda, CALENDAR, date(2026, 12, 28), EARLY_THU)
    with pytest.raises(MeetingOver):
        cycle.place_cases(agenda, CALENDAR, THU, EARLY_THU + timedelta(hours=3))
    assert raw.entries[1].state == "queued"


def test_the_whole_cycle_place_defer_decide_correct() -> None:
    agenda, decisions, raw = stores()
    raw.add(1, EARLY_THU - timedelta(hours=10))
    late = raw.add(2, EARLY_THU + timedelta(hours=1))  # after Thursday's cut-off
    assert [e.submission_id for e in cycle.place_cases(agenda, CALENDAR, THU, EARLY_THU)] == [1]
    assert late.state == "queued"

    deferral = cycle.defer_case(agenda, CALENDAR, 1, "Pat Chair", EARLY_THU)
    assert (deferral.from_day, deferral.to_day) == (THU, FRI)
    with pytest.raises(InvalidTransition, match="already deferred to the meeting on 2026-12-04"):
        cycle.defer_case(agenda, CALENDAR, 1, "Pat Chair", EARLY_THU)
    with pytest.raises(DecisionNotAllowed, match="deferred to the meeting on 2026-12-04"):
        cycle.decide_case(agenda, decisions, 1, decision(), INTERVALS)

    friday = datetime(2026, 12, 4, 7, tzinfo=UTC)
    placed = cycle.place_cases(agenda, CALENDAR, FRI, friday)
    assert sorted(e.submission_id for e in placed) == [1, 2]
    assert raw.deferrals_of(1)[0].from_day == THU

    # Deferred again from Friday: the next meeting day is Monday, not the weekend.
    assert cycle.defer_case(agenda, CALENDAR, 2, "Pat Chair", friday).to_day == MON

    stored = cycle.decide_case(agenda, decisions, 1, decision(), INTERVALS)
    assert stored.id == 1 and stored.next_review_date == date(2027, 1, 28)  # 8 weeks from the decision
    with pytest.raises(DecisionNotAllowed, match="record a correction"):
        cycle.decide_case(agenda, decisions, 1, decision(), INTERVALS)

    with pytest.raises(DecisionInvalid, match="why the earlier decision"):
        cycle.correct_case(agenda, decisions, 1, {"level": Level.HIGH}, reason="", by="Kim Chair",
                           role="MAST chair", now=friday, intervals=INTERVALS)
    corrected, previous = cycle.correct_case(agenda, decisions, 1, {"level": Level.HIGH},
                                             reason="The level agreed was high.", by="Kim Chair",
                                             role="MAST chair", now=friday, intervals=INTERVALS)
    assert previous.id == 1 and corrected.corrects_decision_id == 1
    assert corrected.actions == stored.actions and corrected.nrm is NrmOutcome.NOT_REFERRED
    # Still counted from the meeting's decision, now at the high interval (6 weeks).
    assert corrected.next_review_date == date(2027, 1, 14)


def test_messages_say_where_a_case_is() -> None:
    agenda, decisions, raw = stores()
    old = raw.add(1, EARLY_THU)
    newer = raw.add(2, EARLY_THU)
    old.state, old.replaced_by_id = "replaced", newer.id
    with pytest.raises(DecisionNotAllowed, match=r"waiting to be placed on a meeting"):
        cycle.decide_case(agenda, decisions, 2, decision(), INTERVALS)
    with pytest.raises(DecisionNotAllowed, match=r"newer tool for the child \(MAST-2\) has replaced it"):
        cycle.decide_case(agenda, decisions, 1, decision(), INTERVALS)
    with pytest.raises(DecisionNotAllowed, match="MAST-9 was never queued"):
        cycle.decide_case(agenda, decisions, 9, decision(), INTERVALS)
    with pytest.raises(DecisionNotAllowed, match="no decision to correct"):
        cycle.correct_case(agenda, decisions, 2, {}, reason="x", by="Kim", role="", now=EARLY_THU,
                           intervals=INTERVALS)
    with pytest.raises(InvalidTransition, match="cannot be deferred: it is waiting"):
        cycle.defer_case(agenda, CALENDAR, 2, "Pat Chair", EARLY_THU)
