"""The MAST meeting calendar: which days have a meeting, when it starts, and its cut-off.

Rules:

- A meeting day is a configured weekday that is neither an England and Wales bank holiday
  (from the maintained ``holidays`` package, observed days included) nor a configured closure
  date. Any other day is never a meeting: nothing is placed on it and no agenda is shown for it.
- A meeting starts at the configured time and its cut-off is the same day at the cut-off time,
  in the meeting's time zone. A tool received strictly before a meeting's cut-off goes to that
  meeting; at or after it, to the next meeting day.
- A meeting "has taken place" once its start time has passed.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

from mast_intake.domain.errors import NotAMeetingDay

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MAX_SEARCH_DAYS = 400


def parse_hhmm(value: str, name: str) -> time:
    """Read an "HH:MM" setting or raise ValueError naming it."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"meeting {name} must be HH:MM, not {value!r}")
    return time(int(match.group(1)), int(match.group(2)))


def parse_weekdays(days: Collection[str]) -> frozenset[int]:
    """Weekday names ("mon", "Tuesday") as numbers, Monday 0; ValueError for unknown or none."""
    numbers = set()
    for day in days:
        key = day.strip().lower()[:3]
        if key not in WEEKDAYS:
            raise ValueError(f"unknown meeting day {day!r}")
        numbers.add(WEEKDAYS.index(key))
    if not numbers:
        raise ValueError("no meeting days are configured")
    return frozenset(numbers)


def parse_day(text: str) -> date:
    """A date written YYYY-MM-DD; NotAMeetingDay with a plain message for anything else."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise NotAMeetingDay(f"{text!r} is not a date: write it as YYYY-MM-DD, for example 2026-12-03") \
            from None


@dataclass(frozen=True, eq=False)
class MeetingCalendar:
    """Meeting days and times. Build it once from settings (``notifier.meetings.calendar_of``)."""

    weekdays: frozenset[int] = frozenset(range(5))
    start: time = time(9, 30)
    cutoff: time = time(8, 0)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))
    closures: frozenset[date] = frozenset()
    bank_holidays: bool = True

    def __post_init__(self) -> None:
        if self.cutoff > self.start:
            raise ValueError("the meeting cut-off must not be after the meeting time")
        if not self.weekdays:
            raise ValueError("no meeting days are configured")
        # England and Wales: the "GB" calendar's ENG subdivision covers both for bank holidays.
        table = holidays.country_holidays("GB", subdiv="ENG") if self.bank_holidays else {}
        object.__setattr__(self, "_holidays", table)

    # -- days ---------------------------------------------------------------------------------

    def why_not(self, day: date) -> str | None:
        """Why ``day`` has no meeting ("Saturday is not a meeting day", a bank holiday ...), or None."""
        if day.weekday() not in self.weekdays:
            return f"{_DAY_NAMES[day.weekday()]} is not a meeting day"
        holiday = self._holidays.get(day)  # type: ignore[attr-defined]
        if holiday:
            return f"{day.isoformat()} is a bank holiday ({holiday})"
        if day in self.closures:
            return f"{day.isoformat()} is a closure day"
        return None

    def is_meeting_day(self, day: date) -> bool:
        """True when a meeting is held on ``day``."""
        return self.why_not(day) is None

    def require_meeting_day(self, day: date) -> date:
        """``day`` if it is a meeting day; NotAMeetingDay saying why not otherwise."""
        reason = self.why_not(day)
        if reason is not None:
            raise NotAMeetingDay(f"there is no MAST meeting on that day: {reason}")
        return day

    def meeting_days_from(self, start: date) -> Iterator[date]:
        """Meeting days from ``start`` (included) onwards, for about a year."""
        for offset in range(_MAX_SEARCH_DAYS):
            day = start + timedelta(days=offset)
            if self.is_meeting_day(day):
                yield day

    def next_meeting_day(self, after: date) -> date:
        """The first meeting day strictly after ``after``."""
        for day in self.meeting_days_from(after + timedelta(days=1)):
            return day
        raise ValueError("no meeting day in the next year")

    def previous_meeting_day(self, before: date) -> date:
        """The last meeting day strictly before ``before``."""
        day = before - timedelta(days=1)
        for _ in range(_MAX_SEARCH_DAYS):
            if self.is_meeting_day(day):
                return day
            day -= timedelta(days=1)
        raise ValueError("no meeting day in the past year")

    # -- moments ------------------------------------------------------------------------------

    def local(self, moment: datetime) -> datetime:
        """``moment`` in the meeting's zone; a naive value is taken to be local already."""
        return moment.replace(tzinfo=self.zone) if moment.tzinfo is None else moment.astimezone(self.zone)

    def starts_at(self, day: date) -> datetime:
        """The meeting on ``day`` at the configured time, aware in the meeting's zone."""
        return datetime.combine(day, self.start, tzinfo=self.zone)

    def cutoff_at(self, day: date) -> datetime:
        """The cut-off of the meeting on ``day``."""
        return datetime.combine(day, self.cutoff, tzinfo=self.zone)

    def has_taken_place(self, day: date, now: datetime) -> bool:
        """True when ``day`` is a meeting day whose start time has passed."""
        return self.is_meeting_day(day) and self.starts_at(day) <= self.local(now)

    def next_meeting(self, after: datetime) -> datetime:
        """The first meeting that starts strictly after ``after``."""
        moment = self.local(after)
        for day in self.meeting_days_from(moment.date()):
            if self.starts_at(day) > moment:
                return self.starts_at(day)
        raise ValueError("no meeting found in the next year")

    def meeting_for(self, received_at: datetime) -> datetime:
        """The meeting a tool received at ``received_at`` goes to: the first whose cut-off is later."""
        moment = self.local(received_at)
        for day in self.meeting_days_from(moment.date()):
            if moment < self.cutoff_at(day):
                return self.starts_at(day)
        raise ValueError("no meeting found in the next year")

    def upcoming_day(self, now: datetime) -> date:
        """The next meeting whose cut-off has not passed: the one new cases are placed on."""
        return self.meeting_for(now).date()
