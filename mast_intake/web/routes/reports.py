"""The partnership report (``/reports``) and its CSV download, for coordinators and admins.

The page shows exact figures to signed-in coordinators and administrators; the CSV leaves the
console, so its small numbers are suppressed and each download is written to the audit log.
"""

# No "from __future__ import annotations": FastAPI must see the Annotated dependency types.
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from mast_intake.reports.service import build_report, export_report
from mast_intake.web.auth import CurrentUser
from mast_intake.web.context import ConsoleDep, Forbidden, SignedIn, bad_request
from mast_intake.web.forms import FieldError
from mast_intake.web.page_models import ReportsScreen
from mast_intake.web.reports import charts_for, period

router = APIRouter()


def _coordinator_or_admin(user: SignedIn) -> CurrentUser:
    if not (user.can("decide") or user.can("admin")):
        raise Forbidden()
    return user


Allowed = Annotated[CurrentUser, Depends(_coordinator_or_admin)]


@router.get("/reports", response_class=HTMLResponse)
def reports(request: Request, user: Allowed, console: ConsoleDep, start: str = "", end: str = "") -> Response:
    today = console.today()
    first, last, error = period(today, start, end)
    with console.app.uow() as uow:
        report = build_report(uow, first, last, today)
        uow.audit.append(user.username, "viewed", "report", f"{first}..{last}")
        uow.commit()
    errors = [FieldError("start", error)] if error else []
    page = ReportsScreen(report=report, charts=charts_for(report), error=error, errors=errors,
                         start=first.isoformat(), end=last.isoformat())
    return console.render(request, page, 400 if error else 200)


@router.get("/reports.csv")
def reports_csv(user: Allowed, console: ConsoleDep, start: str = "", end: str = "") -> Response:
    today = console.today()
    first, last, error = period(today, start, end)
    if error:
        raise bad_request(error)
    text = export_report(console.app.uow, first, last, today, user.username, "csv")
    return Response(text, media_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="mast-report-{first}-{last}.csv"'})
