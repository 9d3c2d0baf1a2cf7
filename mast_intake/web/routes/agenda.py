"""The agenda of a meeting: cases in order with filters and sorts, waiting cases, Word download."""

# No "from __future__ import annotations": FastAPI must see the Annotated dependency types.
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mast_intake.notifier.agenda_docx import DOCX_MIME, agenda_filename, build_agenda_docx
from mast_intake.notifier.meetings import next_meeting_date, place_cases
from mast_intake.web.agenda_rows import FILTERS, SORTS, agenda_rows, filter_and_sort, waiting_rows
from mast_intake.web.context import (
    ConsoleDep,
    Decider,
    Forbidden,
    Reader,
    SignedIn,
    bad_request,
    csrf_checked,
    is_meeting_day,
    parse_day,
)

router = APIRouter()


@router.get("/", include_in_schema=False)
def home(user: SignedIn) -> Response:
    return RedirectResponse("/quarantine" if not user.can("read") else "/agenda", status_code=303)


def _choice(value: str, allowed: dict[str, str], what: str) -> str:
    if value not in allowed:
        raise bad_request(f"The {what} in the address is not one the agenda offers.")
    return value


@router.get("/agenda", response_class=HTMLResponse)
def agenda(request: Request, user: Reader, console: ConsoleDep, day: str = "", band: str = "",
           kind: str = "", status: str = "", sort: str = "agenda") -> Response:
    now = console.now()
    upcoming = next_meeting_date(now, console.settings)
    meeting_day = parse_day(day, "meeting date") if day else upcoming
    band, kind, status = (_choice(v, FILTERS[k], k) for k, v in (("band", band), ("kind", kind),
                                                                   ("status", status)))
    sort = _choice(sort, SORTS, "sort order")
    today = console.today()
    with console.app.uow() as uow:
        view, rows = agenda_rows(uow, meeting_day, console.settings, now)
        waiting = waiting_rows(uow, meeting_day, console.settings) if meeting_day >= today else []
        others_waiting = uow.agenda.waiting_count()
        dates = uow.agenda.meeting_dates()
        uow.audit.append(user.username, "viewed", "meeting", meeting_day.isoformat())
        uow.commit()
    shown = filter_and_sort(rows, band, kind, status, sort)
    return console.render(
        request, "agenda.html", view=view, rows=shown, total=len(rows),
        decided=sum(1 for r in rows if r.case.state == "decided"), waiting=waiting,
        others_waiting=others_waiting, day=meeting_day, upcoming=upcoming,
        past=[d for d in dates if d < today], coming=sorted({d for d in dates if d >= today} | {upcoming}),
        is_past=meeting_day < today, meeting_day=is_meeting_day(console, meeting_day),
        placed=request.query_params.get("placed"), filters=FILTERS, sorts=SORTS,
        chosen={"band": band, "kind": kind, "status": status, "sort": sort},
        filtered=bool(band or kind or status))


@router.get("/agenda/{day}/agenda.docx")
def agenda_document(day: str, user: Reader, console: ConsoleDep) -> Response:
    meeting_day = parse_day(day, "meeting date")
    with console.app.uow() as uow:
        view, _ = agenda_rows(uow, meeting_day, console.settings, console.now())
        uow.audit.append(user.username, "viewed", "meeting", meeting_day.isoformat(), "agenda document")
        uow.commit()
    return Response(build_agenda_docx(view), media_type=DOCX_MIME, headers={
        "Content-Disposition": f'attachment; filename="{agenda_filename(view)}"'})


@router.post("/agenda/place", dependencies=[Depends(csrf_checked)])
async def place(request: Request, user: Decider, console: ConsoleDep) -> Response:
    form = await request.form()
    day = str(form.get("day", ""))
    meeting_day = (parse_day(day, "meeting date") if day
                   else next_meeting_date(console.now(), console.settings))
    if meeting_day < console.today():
        raise Forbidden()
    with console.app.uow() as uow:
        count = place_cases(uow, meeting_day, console.settings)
        uow.audit.append(user.username, "placed", "meeting", meeting_day.isoformat(), f"{count} cases")
        uow.commit()
    return RedirectResponse(f"/agenda?day={meeting_day.isoformat()}&placed={count}", status_code=303)
