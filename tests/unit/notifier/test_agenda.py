"""Agenda logic: ordering, teams and prompts."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mast_intake.config.settings import MeetingSettings
from mast_intake.models.finding import Severity
from mast_intake.notifier import agenda
from mast_intake.notifier.views.agenda import AgendaCaseView
from mast_intake.validation.rule import Prompt
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


# --- team, prompts (the calendar, review and trend rules: tests/unit/domain) ----------------


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


def test_every_prompt_a_rule_can_raise_is_a_flag_of_the_agenda_case():
    assert {prompt.value for prompt in Prompt} <= {field.name for field in fields(AgendaCaseView)}
