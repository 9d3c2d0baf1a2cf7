"""The meeting calendar: meeting days, bank holidays and closures, cut-off, parsing a day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mast_intake.config.settings import MeetingSettings
from mast_intake.domain.calendar import MeetingCalendar, parse_day
from mast_intake.domain.errors import NotAMeetingDay
from mast_intake.notifier.agenda import calendar_of

LONDON = ZoneInfo("Europe/London")
CALENDAR = calendar_of(MeetingSettings())
# The week of 11 May 2026 has no bank holiday.
MON, TUE, FRI, SAT, SUN, NEXT_MON = (date(2026, 5, 11), date(2026, 5, 12), date(2026, 5, 15),
                                     date(2026, 5, 16), date(2026, 5, 17), date(2026, 5, 18))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A London local time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def test_weekends_bank_holidays_and_closures_are_not_meeting_days() -> None:
    calendar = calendar_of(MeetingSettings(closures=["2026-12-24"]))
    assert calendar.is_meeting_day(MON) and calendar.is_meeting_day(FRI)
    assert not calendar.is_meeting_day(SAT) and not calendar.is_meeting_day(SUN)
    assert "Saturday is not a meeting day" in calendar.why_not(SAT)
    for holiday in (date(2026, 5, 4), date(2026, 12, 25), date(2026, 12, 28), date(2026, 4, 3)):
        assert not calendar.is_meeting_day(holiday)
        assert "bank holiday" in calendar.why_not(holiday)
    assert "closure" in calendar.why_not(date(2026, 12, 24))
    with pytest.raises(NotAMeetingDay, match="Saturday"):
        calendar.require_meeting_day(SAT)


def test_bank_holidays_can_be_switched_off() -> None:
    assert calendar_of(MeetingSettings(bank_holidays=False)).is_meeting_day(date(2026, 5, 4))


def test_bank_holiday_monday_sends_a_friday_tool_to_tuesday() -> None:
    assert CALENDAR.meeting_for(at(date(2026, 5, 1), 9)) == at(date(2026, 5, 5), 9, 30)


@pytest.mark.parametrize(("text", "words"), [("2026-13-45", "not a date"), ("yesterday", "not a date"),
                                              ("", "not a date")])
def test_a_day_that_is_not_a_date_says_so(text: str, words: str) -> None:
    with pytest.raises(NotAMeetingDay, match=words):
        parse_day(text)


def test_parse_day_reads_iso_dates() -> None:
    assert parse_day(" 2026-12-03 ") == date(2026, 12, 3)


def test_received_before_cutoff_goes_to_same_day_meeting() -> None:
    assert CALENDAR.meeting_for(at(MON, 7, 59)) == at(MON, 9, 30)


def test_received_at_or_after_cutoff_goes_to_next_meeting() -> None:
    assert CALENDAR.meeting_for(at(MON, 8, 0)) == at(TUE, 9, 30)
    assert CALENDAR.meeting_for(at(MON, 8, 1)) == at(TUE, 9, 30)
    assert CALENDAR.meeting_for(at(MON, 22, 0)) == at(TUE, 9, 30)


def test_friday_after_cutoff_and_weekend_go_to_monday() -> None:
    assert CALENDAR.meeting_for(at(FRI, 8, 30)) == at(NEXT_MON, 9, 30)
    assert CALENDAR.meeting_for(at(SAT, 12)) == at(NEXT_MON, 9, 30)
    assert CALENDAR.meeting_for(at(SUN, 23, 59)) == at(NEXT_MON, 9, 30)


def test_friday_after_cutoff_across_clock_change_is_0930_local() -> None:
    meeting = CALENDAR.meeting_for(at(date(2026, 3, 27), 9))
    assert meeting == at(date(2026, 3, 30), 9, 30)
    assert meeting.utcoffset() == timedelta(hours=1)


def test_aware_utc_time_is_read_in_meeting_timezone() -> None:
    # 07:30 UTC in May is 08:30 BST: after the cut-off.
    assert CALENDAR.meeting_for(datetime(2026, 5, 11, 7, 30, tzinfo=UTC)) == at(TUE, 9, 30)


def test_next_meeting_is_strictly_after() -> None:
    assert CALENDAR.next_meeting(at(MON, 9)) == at(MON, 9, 30)
    assert CALENDAR.next_meeting(at(MON, 9, 30)) == at(TUE, 9, 30)
    assert CALENDAR.next_meeting(at(FRI, 10)) == at(NEXT_MON, 9, 30)


def test_cutoff_and_next_and_previous_meeting_days() -> None:
    assert CALENDAR.cutoff_at(TUE) == at(TUE, 8)
    assert CALENDAR.next_meeting_day(FRI) == NEXT_MON
    assert CALENDAR.previous_meeting_day(NEXT_MON) == FRI
    assert CALENDAR.next_meeting_day(date(2026, 12, 24)) == date(2026, 12, 29)


def test_a_weekend_day_never_has_taken_place() -> None:
    later = at(date(2026, 6, 1), 12)
    assert CALENDAR.has_taken_place(MON, later)
    assert not CALENDAR.has_taken_place(SUN, later)
    assert not CALENDAR.has_taken_place(MON, at(MON, 9, 29))


def test_custom_days_and_times() -> None:
    calendar = calendar_of(MeetingSettings(days=["tue", "thu"], time="14:00", cutoff="12:00"))
    assert calendar.meeting_for(at(MON, 9)) == at(TUE, 14)
    assert calendar.meeting_for(at(TUE, 12, 30)) == at(date(2026, 5, 14), 14)


@pytest.mark.parametrize("settings", [MeetingSettings(days=["someday"]), MeetingSettings(days=[]),
                                      MeetingSettings(time="9.30"), MeetingSettings(cutoff="10:00"),
                                      MeetingSettings(closures=["soon"])])
def test_bad_meeting_settings_raise(settings: MeetingSettings) -> None:
    with pytest.raises(ValueError):
        calendar_of(settings)


def test_the_calendar_needs_no_settings_object() -> None:
    assert MeetingCalendar().is_meeting_day(MON)
