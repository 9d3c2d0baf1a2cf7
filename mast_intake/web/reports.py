"""What the partnership report page (``/reports``) shows: the period asked for and its charts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup

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


@dataclass(frozen=True)
class Chart:
    """One breakdown of the report: its bar chart and the figures of the table beside it."""

    id: str
    title: str
    rows: list[tuple[str, float]]
    svg: Markup


def charts_for(report: Report) -> list[Chart]:
    """Each breakdown as a chart with the table beside it."""
    breakdowns = [
        ("by-sex", "Children identified by sex", report.by_sex),
        ("by-age", "Children identified by age band", report.by_age_band),
        ("by-team", "Children identified by area/team", report.by_team),
        ("by-level", "Children identified by level", report.by_level),
    ]
    charts = [Chart(key, title, list(counts.items()),
                    bar_chart(key, title, [(k, v) for k, v in counts.items()]))
              for key, title, counts in breakdowns]
    per_month = [(m.month, round(sum(m.by_code.values()) / m.tools, 2) if m.tools else 0.0)
                 for m in report.months]
    charts.append(Chart("quality", "Findings per tool, by month received", list(per_month),
                        bar_chart("quality", "Findings per tool, by month received", per_month)))
    return charts
