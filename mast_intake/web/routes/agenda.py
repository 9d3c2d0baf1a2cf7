"""The agenda of a meeting: cases in order with filters and sorts, waiting cases, Word download."""

# No "from __future__ import annotations": FastAPI must see the Annotated dependency types.
from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mast_intake.domain.calendar import parse_day
from mast_intake.domain.errors import MeetingOver
from mast_intake.notifier.agenda_docx import DOCX_MIME, agenda_filename, build_agenda_docx
from mast_intake.notifier.meetings import next_meeting_date, place_cases
from mast_intake.web.agenda_rows import FILTERS, SORTS, agenda_rows, filter_and_sort, waiting_rows
from mast_intake.web.context import (
    Console,
    ConsoleDep,
    Decider,
    PageError,
    Reader,
    SignedIn,
    bad_request,
    csrf_checked,
)
from mast_intake.web.forms import PlaceCases
from mast_intake.web.page_models import AgendaScreen

router = APIRouter()


@router.get("/", include_in_schema=False)
def home(user: SignedIn) -> Response:
    return RedirectResponse("/quarantine" if not user.can("read") else "/agenda", status_code=303)


def meeting_day_of(console: Console, text: str) -> date:
    """The meeting day named in an address or form (the next one when empty); NotAMeetingDay else."""
    if not text.strip():
        return next_meeting_date(console.now(), console.settings)
    return console.calendar.require_meeting_day(parse_day(text))


def _choice(value: str, allowed: dict[str, str], what: str) -> str:
    if value not in allowed:
        raise bad_request(f"The {what} in the address is not one the agenda offers.")
    return value


@router.get("/agenda", response_class=HTMLResponse)
def agenda(request: Request, user: Reader, console: ConsoleDep, day: str = "", band: str = "",
           kind: str = "", status: str = "", sort: str = "agenda") -> Response:
    now = console.now()
    upcoming = next_meeting_date(now, console.settings)
    meeting_day = meeting_day_of(console, day)
    band, kind, status = (_choice(v, FILTERS[k], k) for k, v in (("band", band), ("kind", kind),
                                                                   ("status", status)))
    sort = _choice(sort, SORTS, "sort order")
    calendar = console.calendar
    is_past = calendar.has_taken_place(meeting_day, now)
    with console.app.uow() as uow:
        view, rows = agenda_rows(uow, meeting_day, console.settings, now)
        waiting = [] if is_past else waiting_rows(uow, meeting_day, console.settings, now)
        others_waiting = uow.agenda.waiting_count()
        dates = [d for d in uow.agenda.meeting_dates() if calendar.is_meeting_day(d)]
        uow.audit.append(user.username, "viewed", "meeting", meeting_day.isoformat())
        uow.commit()
    past = [d for d in dates if calendar.has_taken_place(d, now)]
    shown = filter_and_sort(rows, band, kind, status, sort)
    return console.render(request, AgendaScreen(
        view=view, rows=shown, total=len(rows),
        decided=sum(1 for r in rows if r.case.state == "decided"), waiting=waiting,
        # Deferred to this meeting: listed already, but placed (like waiting cases) before a decision.
        carried_in=sum(1 for r in rows if r.case.state == "deferred" and r.view.deferred_to is None),
        others_waiting=others_waiting, day=meeting_day, upcoming=upcoming,
        past=past, coming=sorted({d for d in dates if d not in past} | {upcoming}), is_past=is_past,
        placed=request.query_params.get("placed"), filters=FILTERS, sorts=SORTS,
        chosen={"band": band, "kind": kind, "status": status, "sort": sort},
        filtered=bool(band or kind or status)))


@router.get("/agenda/{day}/agenda.docx")
def agenda_document(day: str, user: Reader, console: ConsoleDep) -> Response:
    meeting_day = console.calendar.require_meeting_day(parse_day(day))
    with console.app.uow() as uow:
        view, _ = agenda_rows(uow, meeting_day, console.settings, console.now())
        uow.audit.append(user.username, "viewed", "meeting", meeting_day.isoformat(), "agenda document")
        uow.commit()
    return Response(build_agenda_docx(view), media_type=DOCX_MIME, headers={
        "Content-Disposition": f'attachment; filename="{agenda_filename(view)}"'})


@router.post("/agenda/place", dependencies=[Depends(csrf_checked)])
async def place(request: Request, user: Decider, console: ConsoleDep) -> Response:
    meeting_day = meeting_day_of(console, PlaceCases.read(await request.form()).day)
    try:
        with console.app.uow() as uow:
            count = place_cases(uow, meeting_day, console.settings, console.now())
            uow.audit.append(user.username, "placed", "meeting", meeting_day.isoformat(), f"{count} cases")
            uow.commit()
    except MeetingOver as exc:
        raise PageError(409, "The meeting has taken place", f"{str(exc)[:1].upper()}{str(exc)[1:]}.") \
            from None
    return RedirectResponse(f"/agenda?day={meeting_day.isoformat()}&placed={count}", status_code=303)
