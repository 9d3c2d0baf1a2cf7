"""Agenda ordering and prompts, and the domain's calendar and review rules built from settings.

Decisions:

- **Band for ordering.** A case is placed by the *higher* of the band the worker stated and the
  band recounted from the items (``consider_band``). The worker knows the child and the guide
  asks MAST to weigh professional judgement, so a stated "high" is never pushed down the
  agenda by a lower count; and a recount that comes out higher than the worker's band (e.g. an
  adding-up error) is not hidden either. Both are shown on the agenda, and any difference is
  marked, so MAST decides with both in view.
- **Order.** High, then medium, then low; within a band new cases before reviews; then by
  received time, oldest first. The sort is stable, so ties keep the order they were given in.

The meeting calendar and cut-off are ``mast_intake.domain.calendar``'s; review dates
``domain.review``'s; the previous tool and trend ``domain.history``'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from mast_intake.config.settings import MeetingSettings, ReviewSettings
from mast_intake.domain.calendar import MeetingCalendar, parse_hhmm, parse_weekdays
from mast_intake.domain.review import ReviewIntervals
from mast_intake.models.finding import Severity
from mast_intake.models.form import Category
from mast_intake.notifier.views.agenda import AgendaCaseView
from mast_intake.notifier.views.findings import FindingView
from mast_intake.notifier.views.labels import band_rank

KNOWN_DOMAINS: dict[str, str] = {
    "northyorkshire.pnn.police.uk": "North Yorkshire Police",
}


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
    """Agenda prompts from findings (each rule's ``prompts``), and whether any must be fixed."""
    # Imported here: the catalogue loads the checks (spaCy), which the calendar helpers above
    # are used without.
    from mast_intake.validation.catalogue import RULES_BY_CODE
    from mast_intake.validation.rule import Prompt

    raised: set[Prompt] = set()
    must_fix = False
    for finding in findings:
        rule = RULES_BY_CODE.get(finding.code)
        raised |= rule.prompts if rule else set()
        must_fix = must_fix or finding.severity is Severity.MUST_FIX
    return {**{prompt.value: prompt in raised for prompt in Prompt}, "awaiting_correction": must_fix}


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


def calendar_of(settings: MeetingSettings) -> MeetingCalendar:
    """The meeting calendar the settings describe (bank holidays and closure dates included)."""
    return MeetingCalendar(
        weekdays=parse_weekdays(settings.days),
        start=parse_hhmm(settings.time, "time"),
        cutoff=parse_hhmm(settings.cutoff, "cutoff"),
        zone=ZoneInfo(settings.timezone),
        closures=frozenset(date.fromisoformat(day.strip()) for day in settings.closures if day.strip()),
        bank_holidays=settings.bank_holidays,
    )


def intervals_of(settings: ReviewSettings) -> ReviewIntervals:
    """The review intervals the settings give."""
    return ReviewIntervals(settings.high_weeks, settings.medium_weeks, settings.low_weeks)
