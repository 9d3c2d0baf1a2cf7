"""Pure agenda logic: case order, the meeting schedule and cut-off, review dates and trends.

Decisions:

- **Band for ordering.** A case is placed by the *higher* of the band the worker stated and the
  band recounted from the items (``consider_band``). The worker knows the child and the guide
  asks MAST to weigh professional judgement, so a stated "high" is never pushed down the
  agenda by a lower count; and a recount that comes out higher than the worker's band (e.g. an
  adding-up error) is not hidden either. Both are shown on the agenda, and any difference is
  marked, so MAST decides with both in view.
- **Order.** High, then medium, then low; within a band new cases before reviews; then by
  received time, oldest first. The sort is stable, so ties keep the order they were given in.
- **Cut-off.** A tool received strictly before the cut-off on a meeting day goes to that day's
  meeting; at or after the cut-off it goes to the next meeting day. Naive datetimes are taken
  as the meeting's local time; aware ones are converted to it. Extra non-meeting days (bank
  holidays) can be passed as ``skip``.
- **Review due** is the assessment date plus the interval for the band (``ReviewSettings``:
  high 6 weeks, medium 8, low 12 by default).
- **Trend** compares recounted totals, so a worker's adding-up slip does not look like a change.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mast_intake.config.settings import MeetingSettings, ReviewSettings
from mast_intake.models.finding import Severity
from mast_intake.models.form import Category
from mast_intake.notifier.views import AgendaCaseView, FindingView, TrendView, band_rank

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

NRM_CODES = frozenset({"NRM_CONSIDER", "TRAFFICKING", "TRAFFICKING_SIGNS"})
"""Finding codes that prompt MAST to consider an NRM referral."""
OVER_18_CODES = frozenset({"OVER_18"})
LEAVING_CARE_CODES = frozenset({"LEAVING_CARE"})

KNOWN_DOMAINS: dict[str, str] = {
    "northyorkshire.pnn.police.uk": "North Yorkshire Police",
}

_MAX_SEARCH_DAYS = 400


def consider_band(stated: Category | None, computed: Category) -> Category:
    """The band MAST should consider: the higher of the stated and the recounted band."""
    if stated is not None and band_rank(stated) > band_rank(computed):
        return stated
    return computed


def _sort_key(case: AgendaCaseView) -> tuple[int, int, datetime]:
    """Band (high first), new before review, then received time (naive read as UTC)."""
    received = case.received_at
    if received.tzinfo is None:
        received = received.replace(tzinfo=ZoneInfo("UTC"))
    return (-band_rank(case.consider_band), int(case.is_review), received)


def order_cases(cases: Iterable[AgendaCaseView]) -> list[AgendaCaseView]:
    """Agenda order: high, medium, low; new before review; then oldest received first (stable)."""
    return sorted(cases, key=_sort_key)


def case_flags(findings: Iterable[FindingView]) -> dict[str, bool]:
    """Agenda prompts from findings: consider_nrm, over_18, leaving_care, awaiting_correction."""
    codes = set()
    must_fix = False
    for finding in findings:
        codes.add(finding.code)
        must_fix = must_fix or finding.severity is Severity.MUST_FIX
    return {
        "consider_nrm": bool(codes & NRM_CODES),
        "over_18": bool(codes & OVER_18_CODES),
        "leaving_care": bool(codes & LEAVING_CARE_CODES),
        "awaiting_correction": must_fix,
    }


def team_from_sender(display_name: str, address: str) -> str:
    """The worker's team from "Name (Team)" or "Name - Team", else from a known domain, else ""."""
    name = (display_name or "").strip()
    match = re.search(r"\(([^()]+)\)\s*$", name)
    if match:
        return match.group(1).strip()
    match = re.search(r"\s[-\u2013|]\s(.+)$", name)
    if match:
        return match.group(1).strip()
    domain = address.rpartition("@")[2].lower().strip(">").strip()
    return KNOWN_DOMAINS.get(domain, "")


def _parse_hhmm(value: str, name: str) -> time:
    """Read an "HH:MM" setting or raise ValueError naming it."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"meeting {name} must be HH:MM, not {value!r}")
    return time(int(match.group(1)), int(match.group(2)))


def _meeting_days(settings: MeetingSettings) -> set[int]:
    """The configured meeting days as weekday numbers (Monday is 0)."""
    days = set()
    for day in settings.days:
        key = day.strip().lower()[:3]
        if key not in WEEKDAYS:
            raise ValueError(f"unknown meeting day {day!r}")
        days.add(WEEKDAYS.index(key))
    if not days:
        raise ValueError("no meeting days are configured")
    return days


def previous_meeting_day(day: date, settings: MeetingSettings) -> date:
    """The last meeting day before ``day`` (where a deferred case was carried from)."""
    days = _meeting_days(settings)
    earlier = day - timedelta(days=1)
    while earlier.weekday() not in days:
        earlier -= timedelta(days=1)
    return earlier


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` in ``zone``; a naive value is taken to be in ``zone`` already."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def _meeting_days_from(
    start: date, settings: MeetingSettings, skip: Collection[date]
) -> Iterable[date]:
    """Meeting days from ``start`` onwards, skipping ``skip``, for about a year."""
    days = _meeting_days(settings)
    for offset in range(_MAX_SEARCH_DAYS):
        day = start + timedelta(days=offset)
        if day.weekday() in days and day not in skip:
            yield day


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """``day`` at ``clock`` local time, aware in ``zone``."""
    return datetime.combine(day, clock, tzinfo=zone)


def cutoff_for(meeting_at: datetime, settings: MeetingSettings) -> datetime:
    """The cut-off for a meeting: the same day at the configured cut-off time."""
    zone = ZoneInfo(settings.timezone)
    cutoff = _parse_hhmm(settings.cutoff, "cutoff")
    if cutoff > _parse_hhmm(settings.time, "time"):
        raise ValueError("the meeting cut-off must not be after the meeting time")
    return _at(_local(meeting_at, zone).date(), cutoff, zone)


def next_meeting(
    after: datetime, settings: MeetingSettings, skip: Collection[date] = ()
) -> datetime:
    """The first meeting that starts strictly after ``after``."""
    zone = ZoneInfo(settings.timezone)
    moment = _local(after, zone)
    clock = _parse_hhmm(settings.time, "time")
    for day in _meeting_days_from(moment.date(), settings, skip):
        start = _at(day, clock, zone)
        if start > moment:
            return start
    raise ValueError("no meeting found in the next year")


def meeting_for(
    received_at: datetime, settings: MeetingSettings, skip: Collection[date] = ()
) -> datetime:
    """The meeting a tool received at ``received_at`` goes to: the first whose cut-off is later."""
    zone = ZoneInfo(settings.timezone)
    moment = _local(received_at, zone)
    clock = _parse_hhmm(settings.time, "time")
    for day in _meeting_days_from(moment.date(), settings, skip):
        start = _at(day, clock, zone)
        if moment < cutoff_for(start, settings):
            return start
    raise ValueError("no meeting found in the next year")


def review_due(assessed_on: date, band: Category, settings: ReviewSettings) -> date:
    """The date the next risk tool is due: the assessment date plus the band's interval."""
    return assessed_on + timedelta(weeks=settings.weeks_for(band))


def days_overdue(
    assessed_on: date, band: Category, today: date, settings: ReviewSettings
) -> int:
    """Days past the review due date (0 when not yet overdue)."""
    return max(0, (today - review_due(assessed_on, band, settings)).days)


def reminder_needed(
    assessed_on: date, band: Category, today: date, settings: ReviewSettings
) -> bool:
    """True when the latest tool is older than its review interval."""
    return today > review_due(assessed_on, band, settings)


def escalation_needed(
    assessed_on: date, band: Category, today: date, settings: ReviewSettings
) -> bool:
    """True when the review has stayed overdue for ``escalate_after_days`` or more."""
    return (
        reminder_needed(assessed_on, band, today, settings)
        and days_overdue(assessed_on, band, today, settings) >= settings.escalate_after_days
    )


def trend(
    previous_total: int | None,
    current_total: int,
    *,
    previous_band: Category | None = None,
    current_band: Category | None = None,
    previous_date: date | None = None,
) -> TrendView | None:
    """Compare this tool's recounted total with the previous one; None when there is no previous."""
    if previous_total is None:
        return None
    if current_total > previous_total:
        direction = "up"
    elif current_total < previous_total:
        direction = "down"
    else:
        direction = "same"
    return TrendView(
        direction=direction,
        previous_total=previous_total,
        current_total=current_total,
        previous_band=previous_band,
        current_band=current_band,
        previous_date=previous_date,
    )
