"""What the partnership report page (``/reports``) shows: the period asked for and its charts.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from mast_intake.reports.figures import Report
from mast_intake.web.report_charts import bar_chart

DEFAULT_DAYS = 365


def period(today: date, start: str, end: str) -> tuple[date, date, str]:
    """(first day, last day, problem) of the period asked for; the last year by default."""
    try:
        last = date.fromisoformat(end) if end else today
        first = date.fromisoformat(start) if start else last - timedelta(days=DEFAULT_DAYS - 1)
    except ValueError:
        error = "Enter the dates as dates, for example 2026-04-01."
        return today - timedelta(days=DEFAULT_DAYS - 1), today, error
    if last < first:
        return first, first, "The period must end on or after the day it starts."
    return first, last, ""


def charts_for(report: Report) -> list[dict[str, Any]]:
    """Each breakdown as a chart with the table beside it."""
    breakdowns = [
        ("by-sex", "Children identified by sex", report.by_sex),
        ("by-age", "Children identified by age band", report.by_age_band),
        ("by-team", "Children identified by area/team", report.by_team),
        ("by-level", "Children identified by level", report.by_level),
    ]
    charts: list[dict[str, Any]] = [{"id": key, "title": title, "rows": list(counts.items()),
               "svg": bar_chart(key, title, [(k, v) for k, v in counts.items()])}
              for key, title, counts in breakdowns]
    per_month = [(m.month, round(sum(m.by_code.values()) / m.tools, 2) if m.tools else 0.0)
                 for m in report.months]
    charts.append({"id": "quality", "title": "Findings per tool, by month received", "rows": per_month,
                   "svg": bar_chart("quality", "Findings per tool, by month received", per_month)})
    return charts
