"""Agenda logic: ordering, meeting schedule and cut-off, review dates, trends, prompts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mast_intake.config.settings import MeetingSettings, ReviewSettings
from mast_intake.models.finding import Severity
from mast_intake.notifier import agenda
from tests.unit.notifier.view_factories import case, finding

LONDON = ZoneInfo("Europe/London")
SETTINGS = MeetingSettings()


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A London local time."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


# --- ordering --------------------------------------------------------------------------------


def test_order_high_medium_low_then_new_before_review_then_received():
    t0 = at(2026, 5, 1, 9)
    cases = [
        case("L-NEW", 2, 2, received=t0),
        case("M-REV-EARLY", 12, 12, is_review=True, received=t0),
        case("H-REV", 20, 20, is_review=True, received=t0),
        case("M-NEW-LATE", 12, 12, received=t0 + timedelta(hours=2)),
        case("M-NEW-EARLY", 12, 12, received=t0 + timedelta(hours=1)),
        case("H-NEW", 25, 25, received=t0 + timedelta(days=1)),
    ]
    ordered = [c.reference for c in agenda.order_cases(cases)]
    assert ordered == ["H-NEW", "H-REV", "M-NEW-EARLY", "M-NEW-LATE", "M-REV-EARLY", "L-NEW"]


def test_order_is_stable_for_ties():
    t0 = at(2026, 5, 1, 9)
    cases = [case(f"M-{n}", 12, 12, received=t0) for n in range(5)]
    assert [c.reference for c in agenda.order_cases(cases)] == [f"M-{n}" for n in range(5)]


def test_order_mixes_naive_and_aware_received_times_without_error():
    cases = [
        case("B", 12, 12, received=datetime(2026, 5, 1, 10, 0, tzinfo=UTC)),
        case("A", 12, 12, received=datetime(2026, 5, 1, 9, 0)),
    ]
    assert [c.reference for c in agenda.order_cases(cases)] == ["A", "B"]


@pytest.mark.parametrize(
    ("stated", "computed", "expected"),
    [
        ("high", "medium", "high"),
        ("low", "high", "high"),
        ("medium", "medium", "medium"),
        (None, "low", "low"),
        ("low", "medium", "medium"),
    ],
)
def test_consider_band_is_the_higher_of_stated_and_recounted(stated, computed, expected):
    assert agenda.consider_band(stated, computed) == expected


def test_stated_high_with_low_count_is_ordered_as_high():
    understated_count = case("STATED-HIGH", 20, 4)
    medium = case("MEDIUM", 12, 12)
    assert understated_count.consider_band == "high"
    assert [c.reference for c in agenda.order_cases([medium, understated_count])] == [
        "STATED-HIGH",
        "MEDIUM",
    ]


# --- meeting schedule ------------------------------------------------------------------------


def test_received_before_cutoff_goes_to_same_day_meeting():
    assert agenda.meeting_for(at(2026, 5, 4, 7, 59), SETTINGS) == at(2026, 5, 4, 9, 30)


def test_received_at_0801_monday_goes_to_tuesday():
    assert agenda.meeting_for(at(2026, 5, 4, 8, 1), SETTINGS) == at(2026, 5, 5, 9, 30)


def test_received_exactly_at_cutoff_goes_to_next_meeting():
    assert agenda.meeting_for(at(2026, 5, 4, 8, 0), SETTINGS) == at(2026, 5, 5, 9, 30)


def test_received_previous_evening_goes_to_next_morning():
    assert agenda.meeting_for(at(2026, 5, 4, 22, 0), SETTINGS) == at(2026, 5, 5, 9, 30)


def test_friday_after_cutoff_goes_to_monday():
    assert agenda.meeting_for(at(2026, 5, 8, 8, 30), SETTINGS) == at(2026, 5, 11, 9, 30)


def test_weekend_goes_to_monday():
    assert agenda.meeting_for(at(2026, 5, 9, 12, 0), SETTINGS) == at(2026, 5, 11, 9, 30)
    assert agenda.meeting_for(at(2026, 5, 10, 23, 59), SETTINGS) == at(2026, 5, 11, 9, 30)


def test_friday_after_cutoff_across_clock_change_is_0930_local():
    meeting = agenda.meeting_for(at(2026, 3, 27, 9, 0), SETTINGS)
    assert meeting == at(2026, 3, 30, 9, 30)
    assert meeting.utcoffset() == timedelta(hours=1)


def test_aware_utc_time_is_read_in_meeting_timezone():
    # 07:30 UTC in May is 08:30 BST: after the cut-off.
    received = datetime(2026, 5, 4, 7, 30, tzinfo=UTC)
    assert agenda.meeting_for(received, SETTINGS) == at(2026, 5, 5, 9, 30)


def test_skip_days_such_as_bank_holidays():
    meeting = agenda.meeting_for(at(2026, 5, 1, 9, 0), SETTINGS, skip={date(2026, 5, 4)})
    assert meeting == at(2026, 5, 5, 9, 30)


def test_next_meeting_is_strictly_after():
    assert agenda.next_meeting(at(2026, 5, 4, 9, 0), SETTINGS) == at(2026, 5, 4, 9, 30)
    assert agenda.next_meeting(at(2026, 5, 4, 9, 30), SETTINGS) == at(2026, 5, 5, 9, 30)
    assert agenda.next_meeting(at(2026, 5, 8, 10, 0), SETTINGS) == at(2026, 5, 11, 9, 30)


def test_cutoff_for_meeting():
    assert agenda.cutoff_for(at(2026, 5, 5, 9, 30), SETTINGS) == at(2026, 5, 5, 8, 0)


def test_custom_days_and_times():
    settings = MeetingSettings(days=["tue", "thu"], time="14:00", cutoff="12:00")
    assert agenda.meeting_for(at(2026, 5, 4, 9, 0), settings) == at(2026, 5, 5, 14, 0)
    assert agenda.meeting_for(at(2026, 5, 5, 12, 30), settings) == at(2026, 5, 7, 14, 0)


@pytest.mark.parametrize(
    "settings",
    [
        MeetingSettings(days=["someday"]),
        MeetingSettings(days=[]),
        MeetingSettings(time="9.30"),
        MeetingSettings(cutoff="10:00"),
    ],
)
def test_bad_meeting_settings_raise(settings):
    with pytest.raises(ValueError):
        agenda.meeting_for(at(2026, 5, 4, 7, 0), settings)


# --- review dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(("band", "weeks"), [("high", 6), ("medium", 8), ("low", 12)])
def test_review_due_from_band(band, weeks):
    assessed = date(2026, 5, 4)
    assert agenda.review_due(assessed, band, ReviewSettings()) == assessed + timedelta(weeks=weeks)


def test_review_due_uses_settings():
    settings = ReviewSettings(high_weeks=4, medium_weeks=6, low_weeks=8)
    assert agenda.review_due(date(2026, 5, 4), "high", settings) == date(2026, 6, 1)


def test_overdue_reminder_and_escalation():
    settings = ReviewSettings()
    assessed = date(2026, 3, 2)  # medium: due 27 April 2026
    assert not agenda.reminder_needed(assessed, "medium", date(2026, 4, 27), settings)
    assert agenda.reminder_needed(assessed, "medium", date(2026, 4, 28), settings)
    assert agenda.days_overdue(assessed, "medium", date(2026, 4, 28), settings) == 1
    assert not agenda.escalation_needed(assessed, "medium", date(2026, 5, 3), settings)
    assert agenda.escalation_needed(assessed, "medium", date(2026, 5, 4), settings)


# --- trend, team, prompts --------------------------------------------------------------------


def test_trend_directions_keep_both_scores():
    up = agenda.trend(9, 14)
    assert (up.direction, up.previous_total, up.current_total) == ("up", 9, 14)
    assert up.text == "Up from 9 to 14"
    down = agenda.trend(14, 9)
    assert down.direction == "down" and down.text == "Down from 14 to 9"
    same = agenda.trend(12, 12, previous_band="medium", current_band="medium")
    assert same.direction == "same" and "12" in same.text
    assert agenda.trend(None, 5) is None


@pytest.mark.parametrize(
    ("display", "address", "team"),
    [
        ("Pat Example (Selby C&F)", "pat@northyorks.gov.uk", "Selby C&F"),
        ("Pat Example - Harrogate Prevention", "pat@northyorks.gov.uk", "Harrogate Prevention"),
        ("PC 123 Example", "pc123@northyorkshire.pnn.police.uk", "North Yorkshire Police"),
        ("Pat Example", "pat@northyorks.gov.uk", ""),
        ("", "pat@example.org", ""),
    ],
)
def test_team_from_sender(display, address, team):
    assert agenda.team_from_sender(display, address) == team


def test_case_flags_from_findings():
    flags = agenda.case_flags(
        [
            finding("NRM_CONSIDER", Severity.ADVICE),
            finding("OVER_18", Severity.ADVICE, "age_dob"),
            finding("LEAVING_CARE", Severity.ADVICE, None),
            finding("NO_RATIONALE", Severity.MUST_FIX),
        ]
    )
    assert flags == {
        "consider_nrm": True,
        "over_18": True,
        "leaving_care": True,
        "awaiting_correction": True,
    }
    assert agenda.case_flags([]) == {
        "consider_nrm": False,
        "over_18": False,
        "leaving_care": False,
        "awaiting_correction": False,
    }
