"""The quarantine, for administrators: release an email to processing or reject it."""

# No "from __future__ import annotations": FastAPI must see the Annotated dependency types.
from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mast_intake.web import quarantine
from mast_intake.web.context import Admin, ConsoleDep, Id, csrf_checked, send_outbox
from mast_intake.web.forms import RejectMail
from mast_intake.web.page_models import QuarantineScreen

router = APIRouter()


@router.get("/quarantine", response_class=HTMLResponse)
def quarantine_list(request: Request, user: Admin, console: ConsoleDep, done: str = "") -> Response:
    with console.app.uow() as uow:
        rows = quarantine.listing(uow, console.settings)
    return console.render(request, QuarantineScreen(rows=rows, done=done))


@router.post("/quarantine/{row_id}/release", dependencies=[Depends(csrf_checked)])
def quarantine_release(row_id: Id, user: Admin, console: ConsoleDep) -> Response:
    outcome = quarantine.release(console.app, row_id, user.username)
    return RedirectResponse(f"/quarantine?done={outcome}", status_code=303)


@router.post("/quarantine/{row_id}/reject", dependencies=[Depends(csrf_checked)])
async def quarantine_reject(request: Request, row_id: Id, background: BackgroundTasks, user: Admin,
                            console: ConsoleDep) -> Response:
    form = RejectMail.read(await request.form())
    outcome = quarantine.reject(console.app, row_id, user.username, form.reply, form.send_reply)
    background.add_task(send_outbox, console.app)
    return RedirectResponse(f"/quarantine?done={outcome}", status_code=303)
