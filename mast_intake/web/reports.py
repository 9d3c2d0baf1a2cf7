"""The partnership report page (``/reports``) and its CSV download, for coordinators and admins.

The page shows exact figures to signed-in coordinators and administrators; the CSV leaves the
console, so its small numbers are suppressed and each download is written to the audit log.
"""

# No "from __future__ import annotations": FastAPI must see the dependency types.
from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from mast_intake.bootstrap import App
from mast_intake.reports.figures import Report
from mast_intake.reports.service import build_report, export_report
from mast_intake.web.auth import CurrentUser
from mast_intake.web.report_charts import bar_chart

DEFAULT_DAYS = 365


class NotAllowed(Exception):
    """The signed-in role may not see the partnership report."""


def _period(today: date, start: str, end: str) -> tuple[date, date, str]:
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
    charts = [{"id": key, "title": title, "rows": list(counts.items()),
               "svg": bar_chart(key, title, [(k, v) for k, v in counts.items()])}
              for key, title, counts in breakdowns]
    per_month = [(m.month, round(sum(m.by_code.values()) / m.tools, 2) if m.tools else 0.0)
                 for m in report.months]
    charts.append({"id": "quality", "title": "Findings per tool, by month received", "rows": per_month,
                   "svg": bar_chart("quality", "Findings per tool, by month received", per_month)})
    return charts


def add_report_routes(web: FastAPI, app: App, render: Callable[..., HTMLResponse],
                      signed_in: Callable[..., CurrentUser], today: Callable[[], date]) -> None:
    """Register ``/reports`` and ``/reports.csv`` on the console ``web``."""

    def coordinator_or_admin(user: Annotated[CurrentUser, Depends(signed_in)]) -> CurrentUser:
        if not (user.can("decide") or user.can("admin")):
            raise NotAllowed()
        return user

    Allowed = Annotated[CurrentUser, Depends(coordinator_or_admin)]

    @web.exception_handler(NotAllowed)
    async def _not_allowed(request: Request, exc: NotAllowed) -> Response:
        return render(request, "error.html", 403, title="Not allowed",
                      message="The partnership report is for MAST coordinators and administrators.")

    @web.get("/reports", response_class=HTMLResponse)
    def reports(request: Request, user: Allowed, start: str = "", end: str = "") -> Response:
        first, last, error = _period(today(), start, end)
        with app.uow() as uow:
            report = build_report(uow, first, last, today())
            uow.audit.append(user.username, "viewed", "report", f"{first}..{last}")
            uow.commit()
        return render(request, "reports.html", report=report, charts=charts_for(report), error=error,
                      start=first.isoformat(), end=last.isoformat())

    @web.get("/reports.csv")
    def reports_csv(user: Allowed, start: str = "", end: str = "") -> Response:
        first, last, error = _period(today(), start, end)
        if error:
            return Response(error, status_code=400, media_type="text/plain")
        text = export_report(app.uow, first, last, today(), user.username, "csv")
        return Response(text, media_type="text/csv", headers={
            "Content-Disposition": f'attachment; filename="mast-report-{first}-{last}.csv"'})
