"""Dates as the messages write them, in UK local time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

DISPLAY_TZ = ZoneInfo("Europe/London")


def uk_date(value: date) -> str:
    """A date as UK readers write it: "Tuesday 5 May 2026"."""
    return f"{value:%A} {value.day} {value:%B %Y}"


def dmy_date(value: date) -> str:
    """A date as case management systems take it: "05/05/2026"."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(DISPLAY_TZ)
    return f"{value:%d/%m/%Y}"


def uk_datetime(value: datetime) -> str:
    """A moment in UK local time: "Tuesday 5 May 2026 at 09:30" (naive taken as local)."""
    if value.tzinfo is not None:
        value = value.astimezone(DISPLAY_TZ)
    return f"{uk_date(value)} at {value:%H:%M}"
